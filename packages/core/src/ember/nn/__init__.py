"""ember.nn (mirrors torch.nn)."""
# is_lazy stays in ember.nn.parameter (torch.nn does not re-export it)
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter  # noqa: F401
from .modules import *  # noqa: F401,F403
from . import functional, init, utils  # noqa: F401
