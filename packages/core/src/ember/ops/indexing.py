"""Indexing: __getitem__/__setitem__ (basic views, advanced, boolean) and the index_* / scatter / gather family."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd.grad_mode import GradMode
from ._op import Op, apply
from .inplace import _check_leaf, assign


def _convert_key(key, shape):
    """Turn an index into a NumPy key; returns (key, is_basic)."""
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    basic = True
    for k in key:
        if isinstance(k, Tensor):
            a = k._data
            if a.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            if a.ndim == 0 and a.dtype.kind in "iu":
                out.append(int(a))
                continue
            out.append(a)
            basic = False
        elif isinstance(k, (list, np.ndarray)):
            a = np.asarray(k)
            if a.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            out.append(a)
            basic = False
        elif isinstance(k, bool):
            out.append(np.asarray(k))
            basic = False
        elif isinstance(k, (int, np.integer, slice)) or k is None or k is Ellipsis:
            if isinstance(k, slice) and k.step is not None and k.step <= 0:
                raise ValueError("step must be greater than zero")
            out.append(k)
        else:
            raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                             f"valid indices (got {type(k).__name__})")
    _check_bounds(out, shape)
    return tuple(out), basic


def _check_bounds(key, shape):
    dim = 0
    n_spec = sum((max(k.ndim, 1) if isinstance(k, np.ndarray) and k.dtype == np.bool_ else 1)
                 for k in key if k is not None and k is not Ellipsis)
    for k in key:
        if k is Ellipsis:
            dim += len(shape) - n_spec
            continue
        if k is None:
            continue
        if isinstance(k, (int, np.integer)) and not isinstance(k, bool):
            if dim >= len(shape):
                raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
            if not -shape[dim] <= k < shape[dim]:
                raise IndexError(f"index {k} is out of bounds for dimension {dim} with size {shape[dim]}")
        if isinstance(k, np.ndarray) and k.dtype == np.bool_:
            dim += max(k.ndim, 1)
            continue
        if isinstance(k, np.ndarray) and k.size and dim < len(shape) and k.dtype.kind in "iu":
            if k.max() >= shape[dim] or k.min() < -shape[dim]:
                bad = int(k.max() if k.max() >= shape[dim] else k.min())
                raise IndexError(f"index {bad} is out of bounds for dimension {dim} with size {shape[dim]}")
        dim += 1
    if dim > len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")


class BasicIndex(Op):
    is_view = True

    def forward(ctx, xp, x, key):
        ctx.shape, ctx.key = x.shape, key
        return x[key]

    def backward(ctx, g):
        return apply(IndexPutZeros, g, shape=ctx.shape, key=ctx.key, accumulate=False)


class AdvIndex(Op):
    def forward(ctx, xp, x, key):
        ctx.shape, ctx.key = x.shape, key
        return x[key]

    def backward(ctx, g):
        return apply(IndexPutZeros, g, shape=ctx.shape, key=ctx.key, accumulate=True)


class IndexPutZeros(Op):
    """zeros(shape) with ``g`` written (or accumulated) at ``key``: the gradient of indexing."""

    def forward(ctx, xp, g, shape, key, accumulate):
        ctx.key = key
        out = xp.zeros(shape, g.dtype)
        if accumulate:
            xp.add.at(out, _bool_to_int(xp, key), g)
        else:
            out[key] = g
        return out

    def backward(ctx, gg):
        return gg[ctx.key] if not _has_array(ctx.key) else apply(AdvIndex, gg, key=ctx.key)


def _has_array(key):
    return any(isinstance(k, np.ndarray) or hasattr(k, "__cuda_array_interface__") for k in key)


def _bool_to_int(xp, key):
    out = []
    for k in key:
        if hasattr(k, "dtype") and k.dtype == np.bool_ and k.ndim > 0:
            out.extend(xp.nonzero(k))
        else:
            out.append(k)
    return tuple(out)


def getitem(self, key):
    if isinstance(key, slice) and key == slice(None):
        return apply(BasicIndex, self, key=(key,))
    k, basic = _convert_key(key, self._data.shape)
    if self._data.__class__ is not np.ndarray:
        k = tuple(self._data.__array_namespace__().asarray(x) if isinstance(x, np.ndarray) else x for x in k)
    return apply(BasicIndex if basic else AdvIndex, self, key=k)


class IndexPut(Op):
    """out = x with values written at key (out of place); backs __setitem__ and index_put."""

    save_inputs = ()

    def forward(ctx, xp, x, v, key, accumulate=False):
        ctx.key, ctx.acc = key, accumulate
        out = x.copy()
        if accumulate:
            xp.add.at(out, _bool_to_int(xp, key), v)
        else:
            out[key] = v
        return out

    def backward(ctx, g):
        if ctx.acc:
            gx = g
        else:
            gx = apply(IndexPut, g, Tensor._wrap(g._data.dtype.type(0) * np.ones((), g._data.dtype)), key=ctx.key)
        gv = g[ctx.key] if not _has_array(ctx.key) else apply(AdvIndex, g, key=ctx.key)
        return gx, gv


def setitem(self, key, value):
    k, basic = _convert_key(key, self._data.shape)
    if self._data.__class__ is not np.ndarray:
        k = tuple(self._data.__array_namespace__().asarray(x) if isinstance(x, np.ndarray) else x for x in k)
    vrg = isinstance(value, Tensor) and value._rg
    if not (GradMode.enabled and (self._rg or vrg)):
        v = value._data if isinstance(value, Tensor) else value
        try:
            self._data[k] = v
        except ValueError as e:
            raise RuntimeError(f"shape mismatch: value tensor of shape {list(np.shape(v))} cannot be broadcast to "
                               f"indexing result of shape {list(self._data[k].shape)}") from e
        self._bump()
        return
    _check_leaf(self)
    if not isinstance(value, Tensor):
        from .creation import tensor  # noqa: PLC0415

        value = tensor(value, dtype=self.dtype, device=self.device)
    elif value.dtype != self.dtype:
        value = value.to(self.dtype)
    assign(self, apply(IndexPut, self, value, key=k))


def index_put(input, indices, values, accumulate: bool = False):
    k, _ = _convert_key(tuple(indices), input._data.shape)
    return apply(IndexPut, input, values, key=k, accumulate=accumulate)
