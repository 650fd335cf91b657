"""nn modules; each file defines __all__ and is star-imported here.

``__all__`` below is what ``ember.nn`` re-exports: the layer classes (torch.nn's public names), without the
submodules themselves or module.py's global hook registrars (torch keeps those in torch.nn.modules.module).
"""
from .module import Module
from .container import *  # noqa: F401,F403
from .linear import *  # noqa: F401,F403
from .flatten import *  # noqa: F401,F403
from .activation import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
from .upsampling import *  # noqa: F401,F403
from .pixelshuffle import *  # noqa: F401,F403
from .fold import *  # noqa: F401,F403
from .padding import *  # noqa: F401,F403
from .rnn import *  # noqa: F401,F403
from .transformer import *  # noqa: F401,F403
from .distance import *  # noqa: F401,F403

from . import (activation, container, conv, distance, dropout, flatten, fold, linear, loss,  # noqa: E402
               normalization, padding, pixelshuffle, pooling, rnn, sparse, transformer, upsampling)

__all__ = ["Module"]
for _m in (container, linear, flatten, activation, loss, conv, pooling, normalization, dropout, sparse, upsampling,
           pixelshuffle, fold, padding, rnn, transformer, distance):
    __all__ += _m.__all__
del _m
