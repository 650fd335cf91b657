"""ember: a deep learning framework on NumPy/CuPy that mirrors PyTorch's API (``import ember as torch``)."""
from __future__ import annotations

__version__ = "0.1.0"

from ._dtype import (dtype, bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64,
                     complex64, complex128, half, float, double, short, int, long, cfloat, cdouble,
                     get_default_dtype, set_default_dtype, promote_types, result_type, can_cast, finfo, iinfo)
from ._device import device
from ._tensor import Tensor, Size
from . import ops as _ops  # attaches methods to Tensor
from .ops.creation import *  # noqa: F401,F403
from .ops.elementwise import *  # noqa: F401,F403
from .ops.reduction import *  # noqa: F401,F403
from .ops.sorting import *  # noqa: F401,F403
from .ops.shape import *  # noqa: F401,F403
from .ops.linalg import *  # noqa: F401,F403
from .random import *  # noqa: F401,F403
from .ops.spectral import stft, istft  # noqa: F401
from . import linalg, fft  # noqa: F401
from .ops.indexing import *  # noqa: F401,F403
from .ops.joining import *  # noqa: F401,F403
from .ops.misc import *  # noqa: F401,F403
from ._tensor_str import set_printoptions
from .autograd.grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled,
                                 is_inference_mode_enabled)
from . import autograd, cuda, nn, backends, version
from . import func  # noqa: F401
from . import optim
from .serialization import save, load
from ._toplevel_nn import *  # noqa: F401,F403
from ._flags import *  # noqa: F401,F403
from .multiprocessing.reductions import install as _install_mp
from . import utils

_install_mp()


def _tidy_namespace() -> None:
    # the op families are star-imported for their functions; their Op classes and helper modules stay internal
    import types  # noqa: PLC0415

    from .autograd.graph import Node  # noqa: PLC0415

    g = globals()
    for k in [k for k, v in g.items() if isinstance(v, type) and issubclass(v, Node)]:
        del g[k]
    for k in ("np", "math", "builtins", "importlib", "apply", "binary"):
        if k in g and (isinstance(g[k], types.ModuleType) or k in ("apply", "binary")):
            del g[k]


_tidy_namespace()
del annotations, _tidy_namespace
