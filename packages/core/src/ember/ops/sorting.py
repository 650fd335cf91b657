"""Order-based ops: sort, argsort, topk, kthvalue, median, nanmedian, mode, cummax/cummin, unique, ...

Every (values, indices) op here routes its gradient through ``reduction.ScatterAdd`` (the adjoint of
``Gather``), so double backward works. NaN sorts as the largest value, as in torch.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap_dim
from ._op import BF16, Op, apply
from . import return_types as _rt
from .reduction import ScatterAdd, _cum_dim, _even_grad, _select_grad, _xp


def _stable_argsort(xp, x, axis, descending):
    """Stable argsort; descending keeps equal elements in their original order (NaN first)."""
    if not descending:
        return xp.argsort(x, axis=axis, kind="stable")
    n = x.shape[axis]
    # sort the reversed array ascending (ties then come out last-first), reverse, map back to positions
    r = xp.argsort(xp.flip(x, axis=axis), axis=axis, kind="stable")
    return (n - 1) - xp.flip(r, axis=axis)


def _dim(dim, ndim):
    if isinstance(dim, (list, tuple)):
        raise TypeError(f"expected an int for dim, got {type(dim).__name__}")
    return _wrap_dim(int(dim), ndim)


class Sort(Op):
    """Values and source indices of a (partial) sort along ``dim``; ``k`` keeps the first k of the order."""

    nondiff_outputs = (1,)
    compute_in_float32 = BF16  # exact round trip; NumPy's sorts know NaN order only for IEEE floats

    def forward(ctx, xp, x, dim=-1, descending=False, k=None):
        ctx.dim, ctx.shape = dim, x.shape
        if x.ndim == 0:
            ctx.idx = idx = xp.zeros((), dtype=np.int64)
            return x.copy(), idx
        n = x.shape[dim]
        if k is not None and 0 < k < n:
            # partition first (O(n)), then order only the k survivors
            kth = n - k if descending else k - 1
            part = xp.argpartition(x, kth, axis=dim)
            sl = [slice(None)] * x.ndim
            sl[dim] = slice(n - k, n) if descending else slice(0, k)
            cand = xp.sort(part[tuple(sl)], axis=dim)  # index order, so the stable sort keeps ties in it
            vals = xp.take_along_axis(x, cand, axis=dim)
            order = _stable_argsort(xp, vals, dim, descending)
            idx = xp.take_along_axis(cand, order, axis=dim)
        else:
            idx = _stable_argsort(xp, x, dim, descending)
            if k is not None:
                sl = [slice(None)] * x.ndim
                sl[dim] = slice(0, k)
                idx = idx[tuple(sl)]
        idx = idx.astype(np.int64, copy=False)
        ctx.idx = idx
        return xp.take_along_axis(x, idx, axis=dim), idx

    def backward(ctx, g, _gi):
        return apply(ScatterAdd, g, idx=ctx.idx, dim=ctx.dim, shape=ctx.shape, unique=True)


def sort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False):
    """Sort along ``dim``: (values, indices). Always stable (a valid choice for ``stable=False`` too)."""
    d = _dim(dim, input.ndim)
    v, i = apply(Sort, input, dim=d, descending=descending)
    return _rt.sort(v, i)


def argsort(input: Tensor, dim: int = -1, descending: bool = False, *, stable: bool = False) -> Tensor:
    """Indices that sort ``input`` along ``dim``."""
    x = input._data
    d = _dim(dim, input.ndim)
    xp = _xp(x)
    if x.ndim == 0:
        return Tensor._wrap(xp.zeros((), dtype=np.int64))
    return Tensor._wrap(_stable_argsort(xp, x, d, descending).astype(np.int64, copy=False))


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True):
    """The ``k`` largest (or smallest) elements along ``dim``: (values, indices), in sorted order."""
    d = _dim(dim, input.ndim)
    n = input.shape[d] if input.ndim else 1
    if not 0 <= k <= n:
        raise RuntimeError(f"selected index k out of range (topk: k={k}, dimension {d} of size {n})")
    v, i = apply(Sort, input, dim=d, descending=largest, k=int(k))
    return _rt.topk(v, i)


class KthSelect(Op):
    """The element of rank ``k`` (0-based, per slice ``ks`` when given) along ``dim`` and its index."""

    nondiff_outputs = (1,)
    compute_in_float32 = BF16  # exact round trip; NumPy's sorts know NaN order only for IEEE floats

    def forward(ctx, xp, x, dim=-1, k=0, keepdim=False, nan_mode=None):
        ctx.dim, ctx.shape, ctx.keepdim = dim, x.shape, keepdim
        if x.ndim == 0:
            ctx.idx = idx = xp.zeros((), dtype=np.int64)
            return x.copy(), idx
        if nan_mode is not None and not (x.dtype.kind in "fc" and bool(xp.isnan(x).any())):
            nan_mode, k = None, (x.shape[dim] - 1) // 2  # no NaN: the lower median is a plain O(n) selection
        if nan_mode is None:
            idx = xp.argpartition(x, k, axis=dim)
            sl = [slice(None)] * x.ndim
            sl[dim] = slice(k, k + 1)
            idx = idx[tuple(sl)]
        else:
            order = xp.argsort(x, axis=dim, kind="stable")  # NaN last
            isn = xp.isnan(x) if x.dtype.kind in "fc" else xp.zeros(x.shape, dtype=bool)
            n = x.shape[dim]
            if nan_mode == "propagate":
                # median: a slice with NaN gives NaN at the first NaN's index
                kk = xp.full(isn.sum(axis=dim, keepdims=True).shape, (n - 1) // 2, dtype=np.int64)
                idx = xp.take_along_axis(order, kk, axis=dim)
                has = isn.any(axis=dim, keepdims=True)
                first_nan = xp.argmax(isn, axis=dim, keepdims=True)
                idx = xp.where(has, first_nan, idx)
            else:  # "omit": lower median of the non-NaN values
                c = (~isn).sum(axis=dim, keepdims=True)
                kk = xp.maximum((c - 1) // 2, 0).astype(np.int64)
                idx = xp.take_along_axis(order, kk, axis=dim)
        idx = idx.astype(np.int64, copy=False)
        vals = xp.take_along_axis(x, idx, axis=dim)
        if not keepdim:
            idx, vals = idx.squeeze(dim), vals.squeeze(dim)
        ctx.idx = idx
        return vals, idx

    def backward(ctx, g, _gi):
        return _select_grad(g, ctx.idx, ctx.dim, ctx.shape, ctx.keepdim)


def _check_slice(name, input, d):
    if input.ndim and input.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False):
    """The k-th smallest element (1-based ``k``) along ``dim``: (values, indices)."""
    d = _dim(dim, input.ndim)
    n = input.shape[d] if input.ndim else 1
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d} (k={k}, size {n})")
    v, i = apply(KthSelect, input, dim=d, k=int(k) - 1, keepdim=keepdim)
    return _rt.kthvalue(v, i)


class GlobalMedian(Op):
    """Lower median of all elements; the gradient is split evenly among elements equal to it."""

    save_inputs = (0,)
    save_output = True
    compute_in_float32 = BF16  # exact round trip; NumPy's sorts know NaN order only for IEEE floats

    def forward(ctx, xp, x, omit_nan=False):
        flat = x.reshape(-1)
        if omit_nan and flat.dtype.kind in "fc":
            flat = flat[~xp.isnan(flat)]
        elif flat.dtype.kind in "fc" and bool(xp.isnan(flat).any()):
            return xp.asarray(xp.nan, dtype=x.dtype)
        if flat.size == 0:
            return xp.asarray(xp.nan if x.dtype.kind in "fc" else 0, dtype=x.dtype)
        k = (flat.size - 1) // 2
        return xp.partition(flat, k)[k].reshape(())

    def backward(ctx, g):
        return _even_grad(g, ctx.inputs[0], ctx.output, None, False)


def _median(name, input, dim, keepdim, omit):
    if dim is None:
        return apply(GlobalMedian, input, omit_nan=omit)
    d = _dim(dim, input.ndim)
    _check_slice(name, input, d)
    v, i = apply(KthSelect, input, dim=d, keepdim=keepdim, nan_mode="omit" if omit else "propagate")
    return (_rt.nanmedian if omit else _rt.median)(v, i)


def median(input: Tensor, dim=None, keepdim: bool = False):
    """Lower median: of all elements (a Tensor) or along ``dim`` ((values, indices)); NaN propagates."""
    return _median("median", input, dim, keepdim, False)


def nanmedian(input: Tensor, dim=None, keepdim: bool = False):
    """Lower median ignoring NaN: of all elements or along ``dim`` ((values, indices))."""
    return _median("nanmedian", input, dim, keepdim, True)


class Mode(Op):
    """Most frequent value along ``dim`` (smallest on ties) and the index of its last occurrence."""

    nondiff_outputs = (1,)
    compute_in_float32 = BF16  # exact round trip; NumPy's sorts know NaN order only for IEEE floats

    def forward(ctx, xp, x, dim=-1, keepdim=False):
        ctx.dim, ctx.shape, ctx.keepdim = dim, x.shape, keepdim
        if x.ndim == 0:
            ctx.idx = idx = xp.zeros((), dtype=np.int64)
            return x.copy(), idx
        a = xp.moveaxis(x, dim, -1)
        lead = a.shape[:-1]
        n = a.shape[-1]
        a = a.reshape(-1, n)
        order = xp.argsort(a, axis=1, kind="stable")  # ties keep index order: a run ends at its last index
        s = xp.take_along_axis(a, order, axis=1)
        new_run = xp.ones(s.shape, dtype=bool)
        new_run[:, 1:] = s[:, 1:] != s[:, :-1]
        end = xp.ones(s.shape, dtype=bool)
        end[:, :-1] = new_run[:, 1:]
        pos = xp.arange(n)
        start = xp.maximum.accumulate(xp.where(new_run, pos, 0), axis=1)
        length = xp.where(end, pos - start + 1, 0)
        best = xp.argmax(length, axis=1)[:, None]  # first maximum: the smallest value among ties
        vals = xp.take_along_axis(s, best, axis=1).reshape(lead)
        idx = xp.take_along_axis(order, best, axis=1).reshape(lead).astype(np.int64)
        if keepdim:
            vals, idx = xp.expand_dims(vals, dim), xp.expand_dims(idx, dim)
        ctx.idx = idx
        return vals, idx

    def backward(ctx, g, _gi):
        return _select_grad(g, ctx.idx, ctx.dim, ctx.shape, ctx.keepdim)


def mode(input: Tensor, dim: int = -1, keepdim: bool = False):
    """Most frequent value along ``dim`` and the index of its last occurrence: (values, indices)."""
    d = _dim(dim, input.ndim)
    _check_slice("mode", input, d)
    v, i = apply(Mode, input, dim=d, keepdim=keepdim)
    return _rt.mode(v, i)


# -- running extremes ---------------------------------------------------------------------------------------
class CumExtreme(Op):
    """cummax/cummin: running extreme and the index where it was last attained (NaN propagates)."""

    nondiff_outputs = (1,)
    compute_in_float32 = BF16  # exact round trip; NumPy's sorts know NaN order only for IEEE floats

    def forward(ctx, xp, x, dim=0, largest=True):
        ctx.dim, ctx.shape = dim, x.shape
        if x.ndim == 0:
            ctx.idx = idx = xp.zeros((), dtype=np.int64)
            return x.copy(), idx
        acc = (xp.maximum if largest else xp.minimum).accumulate(x, axis=dim)
        hit = x == acc
        if x.dtype.kind in "fc":
            hit |= xp.isnan(x)
        pos = xp.arange(x.shape[dim], dtype=np.int64).reshape(tuple(-1 if i == dim else 1 for i in range(x.ndim)))
        idx = xp.maximum.accumulate(xp.where(hit, pos, 0), axis=dim)
        ctx.idx = idx
        return acc, idx

    def backward(ctx, g, _gi):
        return apply(ScatterAdd, g, idx=ctx.idx, dim=ctx.dim, shape=ctx.shape)


def cummax(input: Tensor, dim: int):
    """Running maximum along ``dim``: (values, indices)."""
    v, i = apply(CumExtreme, input, dim=_cum_dim("cummax", input, dim), largest=True)
    return _rt.cummax(v, i)


def cummin(input: Tensor, dim: int):
    """Running minimum along ``dim``: (values, indices)."""
    v, i = apply(CumExtreme, input, dim=_cum_dim("cummin", input, dim), largest=False)
    return _rt.cummin(v, i)


# -- unique ---------------------------------------------------------------------------------------------------
def _pack(xp, out, inverse, counts, return_inverse, return_counts):
    res = [Tensor._wrap(out)]
    if return_inverse:
        res.append(Tensor._wrap(xp.asarray(inverse).astype(np.int64)))
    if return_counts:
        res.append(Tensor._wrap(xp.asarray(counts).astype(np.int64)))
    return res[0] if len(res) == 1 else tuple(res)


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False, return_counts: bool = False,
           dim=None):
    """Unique elements (or unique slices along ``dim``), always sorted; optional inverse indices and counts."""
    x = input._data
    xp = _xp(x)
    if dim is None:
        out, inv, cnt = xp.unique(x.reshape(-1), return_inverse=True, return_counts=True)
        return _pack(xp, out, inv.reshape(x.shape), cnt, return_inverse, return_counts)
    d = _dim(dim, input.ndim)
    if x.ndim == 0:
        raise IndexError("unique(): dim given for a 0-d tensor")
    out, inv, cnt = xp.unique(x, return_inverse=True, return_counts=True, axis=d)
    return _pack(xp, out, inv.reshape(-1), cnt, return_inverse, return_counts)


def unique_consecutive(input: Tensor, return_inverse: bool = False, return_counts: bool = False, dim=None):
    """Collapse runs of equal consecutive elements (or slices along ``dim``)."""
    x = input._data
    xp = _xp(x)
    if dim is None:
        flat = x.reshape(-1)
        change = flat[1:] != flat[:-1]
        out_of = flat
        inv_shape = x.shape
    else:
        d = _dim(dim, input.ndim)
        moved = xp.moveaxis(x, d, 0)
        rows = moved.reshape(moved.shape[0], -1)
        change = (rows[1:] != rows[:-1]).any(axis=1)
        out_of = moved
        inv_shape = (moved.shape[0],)
    n = out_of.shape[0]
    first = xp.concatenate([xp.ones(min(n, 1), dtype=bool), change])
    out = out_of[first]
    if dim is not None:
        out = xp.moveaxis(out, 0, d)
    inv = (xp.cumsum(first) - 1).reshape(inv_shape)
    starts = xp.flatnonzero(first)
    cnt = xp.diff(xp.concatenate([starts, xp.asarray([n])]))
    return _pack(xp, out, inv, cnt, return_inverse, return_counts)
