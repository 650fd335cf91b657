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
from ._op import HALF, Op, apply, _xp_of
from .inplace import _check_leaf, assign
from .shape import Slice, _KeyView, _bcast_shape, _full_key, reshape, broadcast_tensors

__all__ = ["index_select", "gather", "scatter", "scatter_add", "scatter_reduce", "index_add", "index_copy",
           "index_fill", "index_put", "index_put_", "masked_fill", "masked_scatter", "masked_select", "take",
           "take_along_dim", "put", "nonzero", "argwhere", "index_reduce", "unravel_index"]

_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
               "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
               "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _tn(t):
    return _TYPE_NAMES.get(t.dtype.name, t.dtype.name)


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


def _inplace(self, res):
    _check_leaf(self)
    assign(self, res)
    return self


# -- index_select / index_add / index_copy / index_fill -------------------------------------------------------
def _vector_index(op, index, dim_size, dim, err=RuntimeError, msg=None):
    """Validate a 0-d/1-d integer index along a dim of size ``dim_size``; returns the index as a 1-D tensor."""
    if index.ndim > 1:
        raise IndexError(f"{op}(): Index is supposed to be a vector")
    if index._data.dtype.kind not in "iu" or index._data.dtype.itemsize < 4:
        raise RuntimeError(f"{op}(): Expected dtype int32 or int64 for index")
    a = index._data.reshape(-1)
    if a.size:
        hi, lo = int(a.max()), int(a.min())
        if hi >= dim_size or lo < -dim_size:
            bad = hi if hi >= dim_size else lo
            raise err(msg or f"index {bad} is out of bounds for dimension {dim} with size {dim_size}")
    return index.reshape(-1) if index.ndim == 0 else index


def _dim_key(dim, idx):
    return (slice(None),) * dim + (idx,)


class IndexSelect(Op):
    save_inputs = (1,)

    def forward(ctx, xp, x, idx, dim):
        ctx.dim, ctx.shape = dim, x.shape
        return xp.take(x, idx, axis=dim)

    def backward(ctx, g):
        idx = ctx.inputs[1]
        return g.new_zeros(ctx.shape).index_add(ctx.dim, idx, g), None


def index_select(input, dim: int, index):
    """Entries of ``input`` at ``index`` along ``dim`` (a copy)."""
    if input.ndim == 0:
        return reshape(index_select(reshape(input, (1,)), 0, index), ())
    d = _wrap_dim(dim, input.ndim)
    idx = _vector_index("index_select", index, input._data.shape[d], d, IndexError, "index out of range in self")
    return apply(IndexSelect, input, idx, dim=d)


class IndexAdd(Op):
    save_inputs = (1,)

    def forward(ctx, xp, x, idx, src, dim, alpha):
        ctx.dim, ctx.alpha = dim, alpha
        out = x.copy()
        xp.add.at(out, _dim_key(dim, idx), src if alpha == 1 else src * alpha)
        return out

    def backward(ctx, g):
        gs = g.index_select(ctx.dim, ctx.inputs[1])
        return g, None, gs if ctx.alpha == 1 else gs * ctx.alpha


def _check_source(op, input, d, idx, source, same_dtype_msg):
    if source.dtype != input.dtype:
        raise RuntimeError(same_dtype_msg)
    n = idx._data.shape[0]
    ss = source._data.shape if source.ndim else (1,)
    xs = input._data.shape if input.ndim else (1,)
    if len(ss) != len(xs):
        raise RuntimeError(f"{op}(): Source/destination tensor must have same number of dimensions")
    if ss[d] != n:
        err = IndexError if op == "index_copy_" else RuntimeError
        tail = f": ({ss[d]}), for dim: {d}" if op == "index_add_" else f" ({ss[d]})"
        raise err(f"{op}(): Number of indices ({n}) should be equal to source.size(dim){tail}")
    for k in range(len(xs)):
        if k != d and ss[k] != xs[k]:
            raise RuntimeError(f"{op}(): source ({list(source.shape)}) and self ({list(input.shape)}) must have the "
                               f"same size at every dimension but dim {d}")


def index_add(input, dim: int, index, source, *, alpha=1):
    """``input`` with ``alpha * source`` added at ``index`` along ``dim`` (repeated indices accumulate)."""
    d = _wrap_dim(dim, input.ndim)
    idx = _vector_index("index_add_", index, input._data.shape[d] if input.ndim else 1, d)
    _check_source("index_add_", input, d, idx, source,
                  f"index_add_(): self ({_tn(input)}) and source ({_tn(source)}) must have the same scalar type")
    if input.ndim == 0:
        return reshape(index_add(reshape(input, (1,)), 0, idx, reshape(source, (1,)), alpha=alpha), ())
    return apply(IndexAdd, input, idx, source, dim=d, alpha=alpha)


class IndexCopy(Op):
    save_inputs = (1,)

    def forward(ctx, xp, x, idx, src, dim):
        ctx.dim = dim
        out = x.copy()
        out[_dim_key(dim, idx)] = src
        return out

    def backward(ctx, g):
        idx = ctx.inputs[1]
        return g.index_fill(ctx.dim, idx, 0), None, g.index_select(ctx.dim, idx)


def index_copy(input, dim: int, index, source):
    """``input`` with slices at ``index`` along ``dim`` replaced by ``source``."""
    d = _wrap_dim(dim, input.ndim)
    idx = _vector_index("index_copy_", index, input._data.shape[d] if input.ndim else 1, d, IndexError)
    _check_source("index_copy_", input, d, idx, source,
                  f"index_copy_(): self and source expected to have the same dtype, but got (self) {_tn(input)} and "
                  f"(source) {_tn(source)}")
    if input.ndim == 0:
        return reshape(index_copy(reshape(input, (1,)), 0, idx, reshape(source, (1,))), ())
    return apply(IndexCopy, input, idx, source, dim=d)


class IndexFill(Op):
    save_inputs = (1,)

    def forward(ctx, xp, x, idx, value, dim):
        ctx.dim = dim
        out = x.copy()
        out[_dim_key(dim, idx)] = value
        return out

    def backward(ctx, g):
        idx = ctx.inputs[1]
        return g.index_fill(ctx.dim, idx, 0), None, g.index_select(ctx.dim, idx).sum()


def index_fill(input, dim: int, index, value):
    """``input`` with slices at ``index`` along ``dim`` set to ``value`` (a number or 0-d tensor)."""
    d = _wrap_dim(dim, input.ndim)
    idx = _vector_index("index_fill_", index, input._data.shape[d] if input.ndim else 1, d, IndexError)
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{value.ndim} dimension(s).")
        value = value.to(input.dtype)
    else:
        from .creation import tensor  # noqa: PLC0415

        value = tensor(value, dtype=input.dtype, device=input.device)
    if input.ndim == 0:
        return reshape(index_fill(reshape(input, (1,)), 0, idx, value), ())
    return apply(IndexFill, input, idx, value, dim=d)


# -- gather / scatter family ---------------------------------------------------------------------------------
def _scatter_key(xp, index, dim):
    """Full advanced key addressing ``index``'s positions, with ``index`` in place of coordinate ``dim``."""
    nd = index.ndim
    return tuple(index if d == dim else xp.arange(index.shape[d]).reshape((-1,) + (1,) * (nd - d - 1))
                 for d in range(nd))


def _check_gather_index(op, input, d, index, src=None):
    if index._data.dtype != np.int64:
        raise RuntimeError(f"{op}(): Expected dtype int64 for index")
    nd = max(input.ndim, 1)
    if max(index.ndim, 1) != nd or (src is not None and max(src.ndim, 1) != nd):
        raise RuntimeError(f"Index tensor must have the same number of dimensions as "
                           f"{'input' if src is None else 'self'} tensor")
    if not index._data.size:
        return
    xs = input._data.shape or (1,)
    ixs = index._data.shape or (1,)
    for k in range(nd):
        if (k != d and ixs[k] > xs[k]) or (src is not None and ixs[k] > (src._data.shape or (1,))[k]):
            if src is None:
                raise RuntimeError(f"Size does not match at dimension {k} expected index {list(index.shape)} to be "
                                   f"no larger than self {list(input.shape)} apart from dimension {d}")
            raise RuntimeError(f"Expected index {list(index.shape)} to be no larger than self {list(input.shape)} "
                               f"apart from dimension {d} and to be no larger size than src {list(src.shape)}")
    a = index._data
    hi, lo = int(a.max()), int(a.min())
    if hi >= xs[d] or lo < 0:
        raise RuntimeError(f"index {hi if hi >= xs[d] else lo} is out of bounds for dimension {d} with size {xs[d]}")


class Gather(Op):
    save_inputs = (1,)

    def forward(ctx, xp, x, idx, dim):
        ctx.dim, ctx.shape = dim, x.shape
        return x[_scatter_key(xp, idx, dim)]

    def backward(ctx, g):
        return g.new_zeros(ctx.shape).scatter_add(ctx.dim, ctx.inputs[1], g), None


def gather(input, dim: int, index, *, sparse_grad: bool = False):
    """``out[i][j] = input[index[i][j]][j]`` (for dim 0): values picked along ``dim`` at ``index``."""
    d = _wrap_dim(dim, input.ndim)
    _check_gather_index("gather", input, d, index)
    if input.ndim == 0:
        return reshape(gather(reshape(input, (1,)), 0, reshape(index, (-1,))), index.shape)
    return apply(Gather, input, index, dim=d)


_IDENTITY = {"sum": 0, "mean": 0, "prod": 1}


class ScatterReduce(Op):
    """``x`` with ``src`` written (reduce None) or reduced into positions given by ``index`` along ``dim``."""

    save_inputs = (0, 1, 2)
    save_output = True
    compute_in_float32 = HALF  # reduce in float32 like torch (NOTE [ half precision ])

    def forward(ctx, xp, x, idx, src, dim, reduce, include_self):
        ctx.dim, ctx.reduce, ctx.include_self = dim, reduce, include_self
        key = _scatter_key(xp, idx, dim)
        out = x.copy()
        if reduce is None:
            out[key] = src
            return out
        if not include_self:
            if reduce in _IDENTITY:
                out[key] = _IDENTITY[reduce]
            else:
                info = np.finfo(x.dtype) if x.dtype.kind == "f" else np.iinfo(x.dtype)
                out[key] = info.min if reduce == "amax" else info.max
        ufunc = {"sum": xp.add, "mean": xp.add, "prod": xp.multiply, "amax": xp.maximum, "amin": xp.minimum}[reduce]
        ufunc.at(out, key, src)
        if reduce == "mean":
            cnt = xp.full(x.shape, 1 if include_self else 0, dtype=np.int64)
            xp.add.at(cnt, key, 1)
            cnt = xp.maximum(cnt, 1)
            out = out / cnt if x.dtype.kind in "fc" else out // cnt
            out = out.astype(x.dtype, copy=False)
        return out

    def backward(ctx, g):
        from .creation import ones_like, zeros_like  # noqa: PLC0415
        from .elementwise import where  # noqa: PLC0415

        x, idx, src = ctx.inputs
        d, red = ctx.dim, ctx.reduce
        if red is None:
            return g.scatter(d, idx, 0), None, g.gather(d, idx)
        if red == "sum":
            gx, gs = g, g.gather(d, idx)
        elif red == "mean":
            n = (ones_like(g) if ctx.include_self else zeros_like(g)).scatter_add(d, idx, ones_like(src))
            n = n.masked_fill(n == 0, 1)
            gx, gs = g / n, g.gather(d, idx) / n.gather(d, idx)
        elif red == "prod":
            res = ctx.output
            masked_x = x.masked_fill(x == 0, 1)
            gx = g * masked_x.scatter_reduce(d, idx, src, "prod", include_self=ctx.include_self) / masked_x
            src_zero = src == 0
            n_zero = zeros_like(g).scatter_add(d, idx, src_zero.to(g.dtype)).gather(d, idx)
            single = src_zero & (n_zero == 1)
            masked_res = x.scatter_reduce(d, idx, src.masked_fill(single, 1), "prod",
                                          include_self=ctx.include_self)
            gs = where(single, (g * masked_res).gather(d, idx),
                       (g * res).gather(d, idx) / src.masked_fill(src_zero, 1))
        else:  # amax / amin: the gradient is shared evenly between all elements equal to the result
            res = ctx.output
            value = res.gather(d, idx)
            x_is = (x == res).to(g.dtype)
            src_is = (src == value).to(g.dtype)
            share = g / x_is.scatter_add(d, idx, src_is)
            gx, gs = x_is * share, src_is * share.gather(d, idx)
        if not ctx.include_self:
            gx = gx.scatter(d, idx, 0)
        return gx, None, gs


def _scatter(op, input, dim, index, src, reduce, include_self=True):
    d = _wrap_dim(dim, input.ndim)
    if not isinstance(src, Tensor):
        from .creation import full  # noqa: PLC0415

        src = full(index._data.shape, src, dtype=input.dtype, device=input.device)
    elif src.dtype != input.dtype:
        raise RuntimeError(f"{op}(): Expected self.dtype to be equal to src.dtype")
    _check_gather_index(op, input, d, index, src)
    if input.ndim == 0:
        out = _scatter(op, reshape(input, (1,)), 0, reshape(index, (-1,)), reshape(src, (-1,)), reduce,
                       include_self)
        return reshape(out, ())
    if src._data.shape != index._data.shape:  # only the leading index-shaped block of src is used
        src = apply(Slice, src, key=tuple(slice(0, n) for n in index._data.shape) + (Ellipsis,))
    return apply(ScatterReduce, input, index, src, dim=d, reduce=reduce, include_self=bool(include_self))


def scatter(input, dim: int, index, src=None, value=None, *, reduce: str | None = None):
    """``input`` with ``src`` (a tensor, or a scalar ``value``) written at ``index`` along ``dim``;
    ``reduce='add'|'multiply'`` accumulates instead."""
    if src is None:
        src = value
    if src is None:
        raise TypeError("scatter() missing required argument 'src' or 'value'")
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    red = {None: None, "add": "sum", "multiply": "prod"}[reduce]
    return _scatter("scatter", input, dim, index, src, red)


def scatter_add(input, dim: int, index, src):
    """``input`` with ``src`` added at ``index`` along ``dim`` (repeated indices accumulate)."""
    return _scatter("scatter_add", input, dim, index, src, "sum")


def scatter_reduce(input, dim: int, index, src, reduce: str, *, include_self: bool = True):
    """Reduce ``src`` into ``input`` at ``index`` along ``dim`` with sum/prod/mean/amax/amin."""
    if reduce not in ("sum", "prod", "mean", "amax", "amin"):
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
    return _scatter("scatter_reduce", input, dim, index, src, reduce, include_self)


def index_reduce(input, dim: int, index, source, reduce: str, *, include_self: bool = True):
    """Reduce slices of ``source`` into ``input`` at ``index`` along ``dim`` with prod/mean/amax/amin."""
    if reduce not in ("prod", "mean", "amax", "amin"):
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    d = _wrap_dim(dim, input.ndim)
    idx = _vector_index("index_reduce_", index, input._data.shape[d] if input.ndim else 1, d, IndexError)
    _check_source("index_reduce_", input, d, idx, source,
                  f"index_reduce_(): self ({_tn(input)}) and source ({_tn(source)}) must have the same scalar type")
    if input.ndim == 0:
        return reshape(index_reduce(reshape(input, (1,)), 0, idx, reshape(source, (1,)), reduce,
                                    include_self=include_self), ())
    # slice i of source along dim goes to slice idx[i]: the scatter_reduce index is idx broadcast over source
    shape = [1] * source.ndim
    shape[d] = -1
    full_idx = Tensor._wrap(_xp_of(idx._data).broadcast_to(idx._data.reshape(shape), source._data.shape))
    return apply(ScatterReduce, input, full_idx, source, dim=d, reduce=reduce, include_self=bool(include_self))


def index_reduce_(input, dim: int, index, source, reduce: str, *, include_self: bool = True):
    """In-place :func:`index_reduce`."""
    return _inplace(input, index_reduce(input, dim, index, source, reduce, include_self=include_self))


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


def take_along_dim(input, indices, dim: int | None = None):
    """Values of ``input`` at ``indices`` along ``dim`` (flattened when None), broadcasting other dims."""
    if dim is None:
        return gather(reshape(input, (-1,)), 0, reshape(indices, (-1,)))
    if input.ndim != indices.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same number of dimensions, "
                           f"but got {input.ndim} dimensions for input, and {indices.ndim} dimensions for indices")
    d = _wrap_dim(dim, input.ndim)
    xs, ixs = list(input._data.shape), list(indices._data.shape)
    xs[d] = ixs[d] = 1
    b = _bcast_shape([tuple(xs), tuple(ixs)])
    b_in, b_idx = list(b), list(b)
    b_in[d], b_idx[d] = input._data.shape[d], indices._data.shape[d]
    return gather(input.expand(tuple(b_in)), d, indices.expand(tuple(b_idx)))


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
def scatter_(input, dim: int, index, src=None, value=None, *, reduce: str | None = None):
    """In-place :func:`scatter`."""
    return _inplace(input, scatter(input, dim, index, src, value, reduce=reduce))


def scatter_add_(input, dim: int, index, src):
    """In-place :func:`scatter_add`."""
    return _inplace(input, scatter_add(input, dim, index, src))


def scatter_reduce_(input, dim: int, index, src, reduce: str, *, include_self: bool = True):
    """In-place :func:`scatter_reduce`."""
    return _inplace(input, scatter_reduce(input, dim, index, src, reduce, include_self=include_self))


def index_add_(input, dim: int, index, source, *, alpha=1):
    """In-place :func:`index_add`."""
    return _inplace(input, index_add(input, dim, index, source, alpha=alpha))


def index_copy_(input, dim: int, index, source):
    """In-place :func:`index_copy`."""
    return _inplace(input, index_copy(input, dim, index, source))


def index_fill_(input, dim: int, index, value):
    """In-place :func:`index_fill`."""
    return _inplace(input, index_fill(input, dim, index, value))


def masked_fill_(input, mask, value):
    """In-place :func:`masked_fill` (the mask must broadcast to ``input``'s shape)."""
    return _inplace(input, masked_fill(input, mask, value))


def masked_scatter_(input, mask, source):
    """In-place :func:`masked_scatter`."""
    return _inplace(input, masked_scatter(input, mask, source))


def put_(input, index, source, accumulate: bool = False):
    """In-place :func:`put`."""
    return _inplace(input, put(input, index, source, accumulate))
