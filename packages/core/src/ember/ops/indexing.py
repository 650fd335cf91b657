"""Indexing: __getitem__/__setitem__ (basic views, advanced, boolean) and the index_* / scatter / gather family.

NOTE [ index keys ]: a Python index is converted once into a NumPy-style key (ints, slices, None, Ellipsis,
integer/bool arrays on the tensor's device), bounds-checked with torch's IndexError messages. A key with only
ints/slices/None/Ellipsis is *basic*: the result is a view sharing storage and version counter with the base.
Anything else is *advanced*: a copy whose gradient accumulates with ``add.at`` (repeated indices add up).
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap_dim
from ..autograd.grad_mode import GradMode
from ._op import Op, apply, _xp_of
from .inplace import _check_leaf, assign
from .shape import Slice, _KeyView, _full_key, reshape, broadcast_tensors

__all__ = ["index_select", "gather", "scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy",
           "index_fill", "index_put", "index_put_", "masked_fill", "masked_scatter", "masked_select", "take",
           "take_along_dim", "put", "nonzero", "argwhere"]

_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
               "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
               "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _tn(t):
    return _TYPE_NAMES.get(t.dtype.name, t.dtype.name)


# -- key conversion ------------------------------------------------------------------------------------------
def _index_array(k):
    """An index list/array/tensor as an array (on its own device), validating its dtype."""
    a = k._data if isinstance(k, Tensor) else np.asarray(k)
    if isinstance(k, list) and a.size == 0:
        a = a.astype(np.int64)
    if a.dtype.kind not in "biu":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if a.dtype == np.uint8:  # torch's legacy byte mask
        a = a.astype(np.bool_)
    return a


def _convert_key(key, shape):
    """Turn an index into a key of NumPy-style parts; returns (key, is_basic). See NOTE [ index keys ]."""
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    basic = True
    for k in key:
        if isinstance(k, bool):
            out.append(np.asarray(k))
            basic = False
        elif isinstance(k, (int, np.integer, slice)) or k is None or k is Ellipsis:
            if isinstance(k, slice) and k.step is not None and int(k.step) <= 0:
                raise ValueError("step must be greater than zero")
            out.append(int(k) if isinstance(k, np.integer) else k)
        elif isinstance(k, (Tensor, list, np.ndarray)):
            a = _index_array(k)
            if a.ndim == 0 and a.dtype.kind in "iu":
                out.append(int(a))
                continue
            out.append(a)
            basic = False
        elif hasattr(k, "__index__"):
            out.append(k.__index__())
        else:
            raise IndexError(f"only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                             f"valid indices (got {type(k).__name__})")
    _check_bounds(out, shape)
    return tuple(out), basic


def _is_arr(k):
    return hasattr(k, "dtype") and hasattr(k, "ndim")


def _check_bounds(key, shape):
    nd = len(shape)
    n_spec = sum((k.ndim if k.dtype == np.bool_ else 1) if _is_arr(k) else 1
                 for k in key if k is not None and k is not Ellipsis)
    if n_spec > nd:
        raise IndexError(f"too many indices for tensor of dimension {nd}")
    dim = 0
    for k in key:
        if k is Ellipsis:
            dim += nd - n_spec
        elif k is None:
            continue
        elif isinstance(k, int):
            if not -shape[dim] <= k < shape[dim]:
                raise IndexError(f"index {k} is out of bounds for dimension {dim} with size {shape[dim]}")
            dim += 1
        elif _is_arr(k) and k.dtype == np.bool_:
            for j in range(k.ndim):
                if k.shape[j] != shape[dim + j]:
                    raise IndexError(f"The shape of the mask {list(k.shape)} at index {j} does not match the shape "
                                     f"of the indexed tensor {list(shape)} at index {dim + j}")
            dim += k.ndim
        elif _is_arr(k):
            if k.size:
                hi, lo = int(k.max()), int(k.min())
                if hi >= shape[dim] or lo < -shape[dim]:
                    bad = hi if hi >= shape[dim] else lo
                    raise IndexError(f"index {bad} is out of bounds for dimension {dim} with size {shape[dim]}")
            dim += 1
        else:
            dim += 1


def _on_device(key, data):
    """Move host index arrays onto the data's device (no-op on CPU)."""
    if data.__class__ is np.ndarray:
        return key
    xp = _xp_of(data)
    return tuple(xp.asarray(k) if isinstance(k, np.ndarray) else k for k in key)


def _bool_to_int(xp, key):
    """Masks as integer index arrays (``add.at`` takes no bool masks); a 0-d True mask is a new axis."""
    out = []
    for k in key:
        if _is_arr(k) and k.dtype == np.bool_:
            if k.ndim:
                out.extend(xp.nonzero(k))
            else:
                out.append(None if bool(k) else xp.zeros(0, dtype=np.int64))
        else:
            out.append(k)
    return tuple(out)


def _has_array(key):
    return any(_is_arr(k) for k in key)


# -- __getitem__ ---------------------------------------------------------------------------------------------
class BasicIndex(_KeyView):
    """Basic indexing: a view (NOTE [ index keys ])."""


class AdvIndex(Op):
    def forward(ctx, xp, x, key):
        ctx.shape, ctx.key = x.shape, key
        return x[key]

    def backward(ctx, g):
        return apply(IndexPutZeros, g, shape=ctx.shape, key=ctx.key)


class IndexPutZeros(Op):
    """zeros(shape) with ``g`` accumulated at the advanced ``key``: the gradient of advanced indexing."""

    def forward(ctx, xp, g, shape, key):
        ctx.key = key
        out = xp.zeros(shape, g.dtype)
        xp.add.at(out, _bool_to_int(xp, key), g)
        return out

    def backward(ctx, gg):
        return apply(AdvIndex, gg, key=ctx.key)


def getitem(self, key):
    """Tensor.__getitem__: basic keys give views, advanced keys give copies."""
    if key.__class__ is slice and key == slice(None):
        return apply(BasicIndex, self, key=(key, Ellipsis))
    k, basic = _convert_key(key, self._data.shape)
    if basic:
        return apply(BasicIndex, self, key=_full_key(k))
    return apply(AdvIndex, self, key=_on_device(k, self._data))


# -- __setitem__ / index_put ----------------------------------------------------------------------------------
class IndexPut(Op):
    """out = x with ``v`` written (or accumulated) at ``key``, out of place; backs __setitem__ and index_put."""

    def forward(ctx, xp, x, v, key, accumulate=False):
        ctx.key, ctx.acc = key, accumulate
        out = x.copy()
        if accumulate:
            xp.add.at(out, _bool_to_int(xp, key), v)
        else:
            out[key] = v
        return out

    def backward(ctx, g):
        key = ctx.key
        gx = g if ctx.acc else apply(IndexPut, g, Tensor._wrap(g._data.dtype.type(0) * np.ones((), g._data.dtype)
                                                             if g.is_cpu else _xp_of(g._data).zeros((), g._data.dtype)),
                                     key=key)
        gv = apply(AdvIndex, g, key=key) if _has_array(key) else apply(Slice, g, key=_full_key(key))
        return gx, gv


def _value_error(self, k, basic, vshape, err):
    if "read-only" in str(err):
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                           "single memory location. Please clone() the tensor before performing the operation.") \
            from None
    target = list(self._data[k].shape)
    if basic:
        raise RuntimeError(f"The expanded size of the tensor ({target[-1] if target else 1}) must match the existing "
                           f"size ({vshape[-1] if vshape else 1}) at non-singleton dimension {max(len(target) - 1, 0)}"
                           f".  Target sizes: {target}.  Tensor sizes: {list(vshape)}") from None
    raise RuntimeError(f"shape mismatch: value tensor of shape {list(vshape)} cannot be broadcast to indexing result "
                       f"of shape {target}") from None


def setitem(self, key, value):
    """Tensor.__setitem__: write ``value`` (broadcast, cast to self's dtype) at ``key`` in place."""
    k, basic = _convert_key(key, self._data.shape)
    if basic:
        k = _full_key(k)
    else:
        k = _on_device(k, self._data)
    vrg = isinstance(value, Tensor) and value._rg
    if not (GradMode.enabled and (self._rg or vrg)):
        v = value._data if isinstance(value, Tensor) else value
        try:
            self._data[k] = v
        except ValueError as e:
            _value_error(self, k, basic, np.shape(v), e)
        self._bump()
        return
    _check_leaf(self)
    if not isinstance(value, Tensor):
        from .creation import tensor  # noqa: PLC0415

        value = tensor(value, dtype=self.dtype, device=self.device)
    elif value.dtype != self.dtype:
        value = value.to(self.dtype)
    try:
        res = apply(IndexPut, self, value, key=k)
    except ValueError as e:
        _value_error(self, k, basic, value._data.shape, e)
    assign(self, res)


def _index_tuple(indices, shape):
    if isinstance(indices, Tensor):
        indices = (indices,)
    parts = tuple(slice(None) if i is None else i for i in indices)
    return _convert_key(parts, shape)


def index_put(input, indices, values, accumulate: bool = False):
    """Out-of-place ``input[indices] = values`` (or ``+=`` with ``accumulate``)."""
    if values.dtype != input.dtype:
        raise RuntimeError(f"Index put requires the source and destination dtypes match, got {_tn(input)} for the "
                           f"destination and {_tn(values)} for the source.")
    k, basic = _index_tuple(indices, input._data.shape)
    k = _full_key(k) if basic else _on_device(k, input._data)
    try:
        return apply(IndexPut, input, values, key=k, accumulate=bool(accumulate))
    except ValueError as e:
        _value_error(input, k, False, values._data.shape, e)


def index_put_(input, indices, values, accumulate: bool = False):
    """In-place :func:`index_put`."""
    return _inplace(input, index_put(input, indices, values, accumulate))


def _inplace(self, res):
    _check_leaf(self)
    assign(self, res)
    return self
