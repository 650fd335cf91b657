"""dtype and device conversion (Tensor.to), differentiable both ways."""
from __future__ import annotations

import numpy as np

from .._device import backend_for, backend_of
from ._op import Op, apply


class ToCopy(Op):
    def forward(ctx, xp, x, dtype=None, device=None, copy=False):
        ctx.src_dtype = x.dtype
        ctx.src_device = None
        if device is not None:
            src = backend_of(x)
            dst = backend_for(device)
            if src is not dst:
                ctx.src_device = "cpu" if src.xp is np else "cuda"
                x = dst.xp.asarray(src.to_host(x)) if dst.xp is not np else src.to_host(x)
                copy = False
        if dtype is not None and x.dtype != dtype.np:
            return x.astype(dtype.np)
        return x.copy() if copy else x

    def backward(ctx, g):
        if ctx.src_device is not None:
            g = g.to(ctx.src_device)
        return g


def _to(t, device, dtype, copy: bool):
    same_dev = device is None or device == t.device
    same_dt = dtype is None or dtype.np == t._data.dtype
    if same_dev and same_dt and not copy:
        return t
    if dtype is not None and dtype.np.kind in "biu" and t._data.dtype.kind == "c":
        import warnings  # noqa: PLC0415

        warnings.warn("Casting complex values to real discards the imaginary part", UserWarning, stacklevel=3)
    return apply(ToCopy, t, dtype=None if same_dt else dtype, device=None if same_dev else device, copy=copy)
