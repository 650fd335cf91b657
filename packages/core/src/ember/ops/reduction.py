"""Reductions: sum, mean, prod, max/min, std/var, logsumexp, cumsum, norm, all/any, sort/topk, ..."""
from __future__ import annotations

import numpy as np

from .._dtype import _Default
from .._tensor import _wrap_dim
from ._op import Op, apply


def _dims(dim, ndim):
    """Normalise ``dim`` (None, int or sequence) to a sorted tuple of non-negative dims, or None for all."""
    if dim is None:
        return None
    if isinstance(dim, (list, tuple)):
        if len(dim) == 0:
            return None
        ds = tuple(sorted(_wrap_dim(int(d), ndim) for d in dim))
        if len(set(ds)) != len(ds):
            raise RuntimeError(f"dim {ds[0]} appears multiple times in the list of dims")
        return ds
    return (_wrap_dim(int(dim), ndim),)


def _expand_back(g, shape, dims, keepdim):
    """Broadcast a reduced gradient back to ``shape``."""
    if not keepdim and dims is not None and len(shape):
        g = g.reshape(tuple(1 if i in dims else s for i, s in enumerate(shape)))
    elif dims is None and not keepdim:
        g = g.reshape((1,) * len(shape))
    return g.expand(shape)


class Sum(Op):
    def forward(ctx, xp, x, dim=None, keepdim=False, dtype=None):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dim, keepdim
        if dtype is None and x.dtype.kind in "biu":
            dtype = np.int64
        return xp.sum(x, axis=dim, keepdims=keepdim, dtype=dtype)

    def backward(ctx, g):
        return _expand_back(g, ctx.shape, ctx.dims, ctx.keepdim)


class Mean(Op):
    def forward(ctx, xp, x, dim=None, keepdim=False, dtype=None):
        if x.dtype.kind in "biu" and dtype is None:
            raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point "
                               f"or complex dtype. Got: {_name(x.dtype)}")
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dim, keepdim
        n = 1
        for d in (dim if dim is not None else range(x.ndim)):
            n *= x.shape[d]
        ctx.n = n
        with np.errstate(invalid="ignore", divide="ignore"):
            return xp.mean(x, axis=dim, keepdims=keepdim, dtype=dtype).astype(dtype or x.dtype, copy=False)

    def backward(ctx, g):
        return _expand_back(g / ctx.n, ctx.shape, ctx.dims, ctx.keepdim)


def _name(npdt):
    return {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool"}.get(str(npdt), str(npdt))


def sum(input, dim=None, keepdim: bool = False, *, dtype=None):
    return apply(Sum, input, dim=_dims(dim, input.ndim), keepdim=keepdim, dtype=dtype and dtype.np)


def mean(input, dim=None, keepdim: bool = False, *, dtype=None):
    return apply(Mean, input, dim=_dims(dim, input.ndim), keepdim=keepdim, dtype=dtype and dtype.np)
