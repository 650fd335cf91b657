"""The dim-wise indexing family: index_select/index_add/index_copy/index_fill/index_reduce, gather/scatter
(scatter_add, scatter_reduce) and take_along_dim, with their in-place methods.

Split out of indexing.py (which holds __getitem__/__setitem__, index_put, masks, take/put, nonzero and re-exports
every name here). Each op takes an integer ``index`` tensor along one ``dim``; backward is the mirrored op
(gather <-> scatter_add, index_select <-> index_add).
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap_dim
from ._op import HALF, Op, apply, _xp_of
from .inplace import _check_leaf, assign
from .shape import Slice, _bcast_shape, reshape

_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16",
               "int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
               "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _tn(t):
    return _TYPE_NAMES.get(t.dtype.name, t.dtype.name)


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
    if input.ndim == 0 or index.ndim == 0:  # a 0-d index addresses one element, like a 1-element one
        return reshape(gather(reshape(input, (-1,)), 0, reshape(index, (-1,))), index.shape)
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
    if index.ndim == 0:  # a 0-d index addresses one element (1-d input only, checked above)
        index, src = reshape(index, (1,)), reshape(src, (-1,))
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
