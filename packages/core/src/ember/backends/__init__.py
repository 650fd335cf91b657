"""ember.backends (mirrors torch.backends): the switches PyTorch programs set at start-up.

ember has no cuDNN/MPS/MKL-DNN kernels of its own; the flags are kept so programs that set them run, and
``is_available()`` answers truthfully.
"""
from __future__ import annotations

import types

__all__ = ["cudnn", "cuda", "mps", "mkldnn", "openmp", "opt_einsum"]


class _Flags(types.ModuleType):
    def __init__(self, name: str, doc: str, **flags):
        super().__init__(name, doc)
        for k, v in flags.items():
            setattr(self, k, v)


def _cudnn_available() -> bool:
    from .. import cuda as _cuda  # noqa: PLC0415

    return _cuda.is_available()


cudnn = _Flags("ember.backends.cudnn", "cuDNN switches (recorded; ember's CUDA path runs on CuPy)", enabled=True,
               benchmark=False, deterministic=False, allow_tf32=True)
cudnn.is_available = _cudnn_available
cudnn.version = lambda: None

cuda = _Flags("ember.backends.cuda", "CUDA switches (recorded)")
cuda.matmul = _Flags("ember.backends.cuda.matmul", "matmul switches", allow_tf32=False,
                     allow_fp16_reduced_precision_reduction=True, allow_bf16_reduced_precision_reduction=True)
cuda.is_built = _cudnn_available

mps = _Flags("ember.backends.mps", "Apple MPS: not supported by ember")
mps.is_available = lambda: False
mps.is_built = lambda: False

mkldnn = _Flags("ember.backends.mkldnn", "oneDNN: not used by ember", enabled=False)
mkldnn.is_available = lambda: False

openmp = _Flags("ember.backends.openmp", "OpenMP: ember's CPU threads come from BLAS")
openmp.is_available = lambda: False

opt_einsum = _Flags("ember.backends.opt_einsum", "einsum contraction order: NumPy's optimize=True", enabled=True,
                    strategy="auto")
opt_einsum.is_available = lambda: True
