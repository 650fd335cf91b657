"""Indexing: __getitem__/__setitem__ (basic views, advanced, boolean), index_put, masks, take/put, nonzero.

The dim-wise index_* / scatter / gather family lives in ``_scatter_gather.py`` and is re-exported here.

NOTE [ index keys ]: a Python index is converted once into a NumPy-style key (ints, slices, None, Ellipsis,
integer/bool arrays on the tensor's device), bounds-checked with torch's IndexError messages. A key with only
ints/slices/None/Ellipsis is *basic*: the result is a view sharing storage and version counter with the base.
Anything else is *advanced*: a copy whose gradient accumulates with ``add.at`` (repeated indices add up).
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd.grad_mode import GradMode
from ._op import Op, apply, _xp_of
from .inplace import _check_leaf, assign
from .shape import Slice, _KeyView, _bcast_shape, _full_key, reshape, broadcast_tensors
from ._scatter_gather import (_inplace, _tn, gather, index_add, index_add_, index_copy,  # noqa: F401
                              index_copy_, index_fill, index_fill_, index_reduce, index_reduce_, index_select,
                              scatter, scatter_, scatter_add, scatter_add_, scatter_reduce, scatter_reduce_,
                              take_along_dim)

__all__ = ["index_select", "gather", "scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy",
           "index_fill", "index_put", "index_put_", "masked_fill", "masked_scatter", "masked_select", "take",
           "take_along_dim", "put", "nonzero", "argwhere", "index_reduce", "unravel_index"]

# -- key conversion ------------------------------------------------------------------------------------------
def _index_array(k):
    """An index list/array/tensor as an array (on its own device), validating its dtype."""
    a = k._data if isinstance(k, Tensor) else np.asarray(k)
    if isinstance(k, (list, range)) and a.size == 0:
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
        elif isinstance(k, (Tensor, list, np.ndarray, range)):  # torch indexes with a range like a list
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
    # the commonest keys, x[i] with i in range and x[a:b] with no step, skip the general key conversion; without
    # a graph to record, the view is made directly (what apply's no-grad path does, minus its dispatch)
    kc = key.__class__
    if kc is int:
        d = self._data
        shape = d.shape
        if shape and -shape[0] <= key < shape[0]:
            k = (key, Ellipsis)
            if GradMode.enabled and self._rg:
                return apply(BasicIndex, self, key=k)
            return self._make_view(d[k], (BasicIndex, {"key": k}))
    elif kc is slice and key.step is None and self._data.ndim:
        k = (key, Ellipsis)
        if GradMode.enabled and self._rg:
            return apply(BasicIndex, self, key=k)
        return self._make_view(self._data[k], (BasicIndex, {"key": k}))
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
        zero = Tensor._wrap(_xp_of(g._data).zeros((), g._data.dtype))
        gx = g if ctx.acc else apply(IndexPut, g, zero, key=key)
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
    if basic and self._rg and self._grad_fn is None and self._base is None:  # torch writes through a view here
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
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


def unravel_index(indices, shape) -> tuple:
    """Convert flat indices into a tuple of coordinate tensors for an array of ``shape``."""
    if not isinstance(indices, Tensor):
        from .creation import tensor  # noqa: PLC0415

        indices = tensor(indices)
    if indices._data.dtype.kind not in "iu":
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    dims = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
    if any(s < 0 for s in dims):
        raise ValueError(f"'shape' cannot have negative values, but got {dims}")
    xp = _xp_of(indices._data)
    a = indices._data.astype(np.int64)
    coords = []
    for n in reversed(dims):  # floor division/modulo like torch: negative and too-large indices wrap
        coords.append(a % n if n else a * 0)
        a = a // n if n else a
    return tuple(Tensor._wrap(xp.asarray(c)) for c in reversed(coords))


# -- masks ---------------------------------------------------------------------------------------------------
_C_NAMES = {"float32": "float", "float64": "double", "int64": "long int", "int32": "int", "uint8": "unsigned char",
            "float16": "c10::Half"}


def _check_mask(op, mask):
    if mask._data.dtype != np.bool_:
        name = mask.dtype.name
        raise RuntimeError(f"{op} only supports boolean masks, but got mask with dtype {_C_NAMES.get(name, name)}")


class MaskedFill(Op):
    save_inputs = (1,)

    def forward(ctx, xp, x, mask, value):
        return xp.where(mask, value.astype(x.dtype), x)

    def backward(ctx, g):
        mask = ctx.inputs[1]
        return g.masked_fill(mask, 0), None, g.masked_fill(~mask, 0).sum()


def masked_fill(input, mask, value):
    """``input`` with ``value`` where ``mask`` is True (mask broadcasts)."""
    _check_mask("masked_fill_", mask)
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s).")
    else:
        from .creation import tensor  # noqa: PLC0415

        value = tensor(value, dtype=input.dtype, device=input.device)
    _bcast_shape([input._data.shape, mask._data.shape])
    return apply(MaskedFill, input, mask, value)


class MaskedScatter(Op):
    save_inputs = (1,)

    def forward(ctx, xp, x, mask, src):
        ctx.src_shape = src.shape
        x, mask = xp.broadcast_arrays(x, mask)
        out = x.copy()
        n = int(mask.sum())
        out[mask] = src.reshape(-1)[:n]
        return out

    def backward(ctx, g):
        from .joining import cat  # noqa: PLC0415

        mask = ctx.inputs[1]
        picked = g.masked_select(mask)
        numel = int(np.prod(ctx.src_shape))
        gs = cat([picked, g.new_zeros((numel - picked.shape[0],))]).reshape(ctx.src_shape)
        return g.masked_fill(mask, 0), None, gs


def masked_scatter(input, mask, source):
    """``input`` with the leading elements of ``source`` copied, in order, where ``mask`` is True."""
    _check_mask("masked_scatter_", mask)
    if source.dtype != input.dtype:
        raise RuntimeError(f"masked_scatter_: expected self and source to have same dtypes but got{_tn(input)} and "
                           f"{_tn(source)}")
    shape = _bcast_shape([input._data.shape, mask._data.shape])
    m = mask._data
    if int(_xp_of(m).broadcast_to(m, shape).sum()) > source.numel():
        raise RuntimeError("Number of elements of source < number of ones in mask")
    return apply(MaskedScatter, input, mask, source)


def masked_select(input, mask):
    """1-D tensor of the elements of ``input`` where ``mask`` (broadcast) is True."""
    if mask._data.dtype != np.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    x, m = broadcast_tensors(input, mask)
    return apply(AdvIndex, x, key=(m._data,))


# -- flat indexing: take / put ---------------------------------------------------------------------------------
def _flat_index(op, index, n):
    if index._data.dtype.kind not in "iu":
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    a = index._data
    if a.size:
        hi, lo = int(a.max()), int(a.min())
        if hi >= n or lo < -n:
            raise IndexError(f"out of range: tried to access index {hi if hi >= n else lo} on a tensor of {n} "
                             f"elements.")


def take(input, index):
    """Elements of the flattened ``input`` at ``index``; the result has ``index``'s shape."""
    _flat_index("take", index, input.numel())
    return apply(AdvIndex, reshape(input, (-1,)), key=(index._data,))


class Put(Op):
    save_inputs = (1,)

    def forward(ctx, xp, x, idx, src, accumulate):
        ctx.acc, ctx.src_shape = accumulate, src.shape
        out = x.copy()
        flat = out.reshape(-1)
        if accumulate:
            xp.add.at(flat, idx.reshape(-1), src.reshape(-1))
        else:
            flat[idx.reshape(-1)] = src.reshape(-1)
        return out

    def backward(ctx, g):
        idx = ctx.inputs[1]
        gx = g if ctx.acc else g.put(idx, g.new_zeros(ctx.src_shape))
        return gx, None, take(g, idx).reshape(ctx.src_shape)


def put(input, index, source, accumulate: bool = False):
    """``input`` with the flattened positions ``index`` set to (or, accumulating, increased by) ``source``."""
    if source.numel() != index.numel():
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, but got "
                         f"source.numel() = {source.numel()}, index.numel() = {index.numel()}")
    if source.dtype != input.dtype:
        raise RuntimeError(f"put_(): self ({_tn(input)}) and source ({_tn(source)}) must have the same scalar type")
    _flat_index("put_", index, input.numel())
    return apply(Put, input, index, source, accumulate=bool(accumulate))


# -- nonzero ---------------------------------------------------------------------------------------------------
def nonzero(input, *, as_tuple: bool = False):
    """Indices of the non-zero elements: an (n, ndim) int64 tensor, or a tuple of 1-D tensors."""
    x = input._data
    xp = _xp_of(x)
    if as_tuple:
        return tuple(Tensor._wrap(a.astype(np.int64, copy=False)) for a in xp.nonzero(x if x.ndim else x.reshape(1)))
    return Tensor._wrap(xp.argwhere(x).astype(np.int64, copy=False))


def argwhere(input):
    """:func:`nonzero` with ``as_tuple=False``."""
    return nonzero(input)


# -- in-place variants (methods) -------------------------------------------------------------------------------
def masked_fill_(input, mask, value):
    """In-place :func:`masked_fill` (the mask must broadcast to ``input``'s shape)."""
    return _inplace(input, masked_fill(input, mask, value))


def masked_scatter_(input, mask, source):
    """In-place :func:`masked_scatter`."""
    return _inplace(input, masked_scatter(input, mask, source))


def put_(input, index, source, accumulate: bool = False):
    """In-place :func:`put`."""
    return _inplace(input, put(input, index, source, accumulate))
