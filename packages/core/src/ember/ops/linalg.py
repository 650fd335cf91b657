"""Linear algebra: matmul family, einsum, tensordot, and ember.linalg's decompositions."""
from __future__ import annotations

import numpy as np

from ._op import Op, apply


def _mm_error(op, a, b):
    raise RuntimeError(f"{op}: mat1 and mat2 shapes cannot be multiplied ({a.shape[0] if a.ndim > 1 else 1}x"
                       f"{a.shape[-1]} and {b.shape[-2] if b.ndim > 1 else b.shape[0]}x"
                       f"{b.shape[-1] if b.ndim > 1 else 1})")


class Matmul(Op):
    save_inputs = (0, 1)

    def forward(ctx, xp, a, b):
        if a.ndim == 0 or b.ndim == 0:
            raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and "
                               f"{b.ndim}D")
        if a.dtype != b.dtype:
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {a.dtype} != {b.dtype}")
        if a.shape[-1] != (b.shape[-2] if b.ndim > 1 else b.shape[0]):
            if a.ndim <= 2 and b.ndim <= 2:
                _mm_error("matmul", a, b)
            raise RuntimeError(f"matmul: Expected size for first two dimensions of batch2 tensor to be: "
                               f"[{list(a.shape)}] @ [{list(b.shape)}] cannot be multiplied: "
                               f"{a.shape[-1]} != {b.shape[-2] if b.ndim > 1 else b.shape[0]}")
        return xp.matmul(a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        ga = gb = None
        if a.ndim == 1 and b.ndim == 1:
            return g * b, g * a
        if a.ndim == 1:
            # (k) @ (..., k, n) -> (..., n)
            ga = (g.unsqueeze(-2) @ b.mT).squeeze(-2)
            gb = a.unsqueeze(-1) * g.unsqueeze(-2)
            return ga, gb
        if b.ndim == 1:
            ga = g.unsqueeze(-1) * b
            gb = (a.mT @ g.unsqueeze(-1)).squeeze(-1)
            return ga, gb
        bh = b.mT.conj() if b.is_complex() else b.mT
        ah = a.mT.conj() if a.is_complex() else a.mT
        return g @ bh, ah @ g


def matmul(input, other, *, out=None):
    return apply(Matmul, input, other)
