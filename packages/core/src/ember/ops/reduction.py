"""Reductions: sum, mean, prod, max/min, std/var, logsumexp, norm, all/any, cumsum/cumprod/logcumsumexp, diff, ...

Order-based ops (sort, topk, kthvalue, median, mode, cummax, unique) live in ``ops/sorting.py``. The
index-moving helper ops ``Gather`` / ``ScatterAdd`` defined here are a linear-adjoint pair, so every
(values, indices) op gets double backward by routing its gradient through them.
"""
from __future__ import annotations

import builtins as _b
import warnings

import numpy as np

from .._dtype import promote_types as _promote
from .._tensor import Tensor, _wrap_dim
from ._op import HALF, Op, apply
from . import return_types as _rt

_FLOAT = "fcV"  # V: ml_dtypes bfloat16


# -- argument helpers --------------------------------------------------------------------------------------
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


def _axis(x, dims):
    """NumPy axis for ``dims``: a 0-d array has no axes, so its dim 0 / -1 reduces nothing."""
    return dims if x.ndim else None


def _one_dim(dim, ndim) -> int:
    if isinstance(dim, (list, tuple)):
        raise TypeError(f"expected an int for dim, got {type(dim).__name__}")
    return _wrap_dim(int(dim), ndim)


def _expand_back(g, shape, dims, keepdim):
    """Broadcast a reduced gradient (or output) back to ``shape``."""
    if not keepdim and dims is not None and len(shape):
        g = g.reshape(tuple(1 if i in dims else s for i, s in enumerate(shape)))
    elif dims is None and not keepdim:
        g = g.reshape((1,) * len(shape))
    return g.expand(shape)


def _name(npdt):
    return {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool", "float32": "Float", "float64": "Double", "float16": "Half"}.get(str(npdt), str(npdt))


def _acc_dtype(x, dtype):
    """torch's accumulate dtype for sum/prod/cumsum: bool and ints go to int64 unless dtype is given."""
    if dtype is not None:
        return dtype.np
    return np.int64 if x.dtype.kind in "biu" else None


def _count(shape, dims) -> int:
    n = 1
    for d in (dims if dims is not None else range(len(shape))):
        if len(shape):
            n *= shape[d]
    return n


def _check_nonempty(op, x, dims):
    for d in (dims if dims is not None else range(x.ndim)):
        if x.ndim and x.shape[d] == 0:
            raise IndexError(f"{op}(): Expected reduction dim {d} to have non-zero size.")


def _even_grad(g, x, out, dims, keepdim, value=None):
    """Split ``g`` evenly among the elements equal to the (expanded) result, as torch does for amax/median."""
    ob = _expand_back(out, x.shape, dims, keepdim) if value is None else value
    mask = (x == ob).to(g.dtype)
    cnt = mask.sum(dims, keepdim=True) if x.ndim else mask
    return _expand_back(g, x.shape, dims, keepdim) * mask / cnt


# -- index plumbing: a linear-adjoint pair ------------------------------------------------------------------
def _index_grid(xp, idx, d):
    """Open index grid selecting ``idx`` along axis ``d`` and every position along the others."""
    nd = idx.ndim
    key = []
    for a in range(nd):
        if a == d:
            key.append(idx)
        else:
            key.append(xp.arange(idx.shape[a]).reshape(tuple(-1 if i == a else 1 for i in range(nd))))
    return tuple(key)


class Gather(Op):
    """``take_along_axis(x, idx, dim)``; its adjoint is ``ScatterAdd``."""

    def forward(ctx, xp, x, idx=None, dim=0, unique=False):
        ctx.idx, ctx.dim, ctx.shape, ctx.unique = idx, dim, x.shape, unique
        if x.ndim == 0:
            return x.copy()
        return xp.take_along_axis(x, idx, axis=dim)

    def backward(ctx, g):
        return apply(ScatterAdd, g, idx=ctx.idx, dim=ctx.dim, shape=ctx.shape, unique=ctx.unique)


class ScatterAdd(Op):
    """Zeros of ``shape`` with ``g`` added at ``idx`` along ``dim``; adjoint of Gather.

    ``unique=True`` promises no index repeats within a slice (sort, topk, max over a dim), which allows a
    plain put instead of the much slower unbuffered ``add.at`` that repeated indices (cummax) need.
    """

    def forward(ctx, xp, g, idx=None, dim=0, shape=(), unique=False):
        ctx.idx, ctx.dim, ctx.unique = idx, dim, unique
        if g.ndim == 0:
            return g.copy()
        out = xp.zeros(shape, dtype=g.dtype)
        if unique:
            xp.put_along_axis(out, idx, g, axis=dim)
        else:
            xp.add.at(out, _index_grid(xp, idx, dim), g)
        return out

    def backward(ctx, g):
        return apply(Gather, g, idx=ctx.idx, dim=ctx.dim, unique=ctx.unique)


def _select_grad(g, idx, dim, shape, keepdim):
    """Gradient of a (values, indices) reduction along ``dim``: g lands at the chosen index."""
    if not keepdim and len(shape):
        g = g.unsqueeze(dim)
        idx = idx.reshape(tuple(g.shape))
    return apply(ScatterAdd, g, idx=idx, dim=dim, shape=shape, unique=True)


# -- sum / mean / prod ----------------------------------------------------------------------------------------
class Sum(Op):
    compute_in_float32 = HALF  # accumulate in float32, like torch (NOTE [ half precision ])

    def forward(ctx, xp, x, dim=None, keepdim=False, dtype=None):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dim, keepdim
        if dim is None and not keepdim and dtype is None and xp is np and x.dtype.kind in "fc":
            return np.add.reduce(x, None)  # the full float sum, without the keyword handling (~1 us on tiny arrays)
        # the array's own method skips NumPy's Python-level wrapper (~1 us per call); CuPy has the same method
        return x.sum(axis=_axis(x, dim), keepdims=keepdim, dtype=_acc_dtype(x, dtype))

    def backward(ctx, g):
        return _expand_back(g, ctx.shape, ctx.dims, ctx.keepdim)


class NanSum(Op):
    save_inputs = (0,)
    compute_in_float32 = HALF  # accumulate in float32, like torch (NOTE [ half precision ])

    def forward(ctx, xp, x, dim=None, keepdim=False, dtype=None):
        ctx.dims, ctx.keepdim = dim, keepdim
        return xp.nansum(x, axis=_axis(x, dim), keepdims=keepdim, dtype=_acc_dtype(x, dtype))

    def backward(ctx, g):
        x = ctx.inputs[0]
        gb = _expand_back(g, x.shape, ctx.dims, ctx.keepdim)
        return gb * (~x.isnan()).to(gb.dtype)


class Mean(Op):
    compute_in_float32 = HALF  # accumulate in float32, like torch (NOTE [ half precision ])

    def forward(ctx, xp, x, dim=None, keepdim=False, dtype=None):
        if x.dtype.kind in "biu" and dtype is None:
            raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be either a floating point "
                               f"or complex dtype. Got: {_name(x.dtype)}")
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dim, keepdim
        ctx.n = _count(x.shape, dim)
        with np.errstate(invalid="ignore", divide="ignore"):
            return xp.mean(x, axis=_axis(x, dim), keepdims=keepdim, dtype=dtype).astype(dtype or x.dtype, copy=False)

    def backward(ctx, g):
        return _expand_back(g / ctx.n, ctx.shape, ctx.dims, ctx.keepdim)


class Prod(Op):
    save_inputs = (0,)
    save_output = True
    compute_in_float32 = HALF  # accumulate in float32, like torch (NOTE [ half precision ])

    def forward(ctx, xp, x, dim=None, keepdim=False, dtype=None):
        ctx.dims, ctx.keepdim = dim, keepdim
        return xp.prod(x, axis=_axis(x, dim), keepdims=keepdim, dtype=_acc_dtype(x, dtype))

    def backward(ctx, g):
        # d prod / d x_i = prod_{j != i} x_j, exact with zeros: one zero keeps the product of the others at
        # that position, two or more zero every gradient.
        x, out = ctx.inputs[0], ctx.output
        dims, keepdim = ctx.dims, ctx.keepdim
        gb = _expand_back(g, x.shape, dims, keepdim)
        ob = _expand_back(out, x.shape, dims, keepdim)
        zero = x == 0
        if not bool(zero._data.any()):
            return gb * ob / x
        safe = _where(zero, 1, x)
        others = _expand_back(apply(Prod, safe, dim=dims, keepdim=keepdim), x.shape, dims, keepdim)
        nz = _expand_back(zero.sum(dims, keepdim=keepdim), x.shape, dims, keepdim)
        at_zero = _where(nz == 1, gb * others, 0)
        return _where(zero, at_zero, gb * ob / safe)


def _where(cond, a, b):
    from .elementwise import where  # noqa: PLC0415

    return where(cond, a, b)


def sum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Sum over ``dim`` (all dims when None); bool/int inputs accumulate in int64 unless ``dtype`` is given."""
    return apply(Sum, input, dim=None if dim is None else _dims(dim, input.ndim), keepdim=keepdim, dtype=dtype)


def nansum(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Sum treating NaN as zero."""
    return apply(NanSum, input, dim=_dims(dim, input.ndim), keepdim=keepdim, dtype=dtype)


def mean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Arithmetic mean over ``dim``; integer inputs need an explicit floating ``dtype``."""
    return apply(Mean, input, dim=_dims(dim, input.ndim), keepdim=keepdim, dtype=dtype and dtype.np)


def nanmean(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Mean of the non-NaN elements."""
    if input._data.dtype.kind not in _FLOAT:
        raise RuntimeError(f"nanmean(): expected input to have floating point or complex dtype but got "
                           f"{_name(input._data.dtype)}")
    dims = _dims(dim, input.ndim)
    x = input if dtype is None else input.to(dtype)
    cnt = (~x.isnan()).sum(dims, keepdim=keepdim)
    return apply(NanSum, x, dim=dims, keepdim=keepdim) / cnt


def prod(input: Tensor, dim=None, keepdim: bool = False, *, dtype=None) -> Tensor:
    """Product over one ``dim`` (all elements when None); gradient exact in the presence of zeros."""
    dims = None if dim is None else (_one_dim(dim, input.ndim),)
    return apply(Prod, input, dim=dims, keepdim=keepdim, dtype=dtype)


# -- max / min family ----------------------------------------------------------------------------------------
class Amax(Op):
    """amax/amin (``fn`` is xp.amax or xp.amin): gradient split evenly among tied extremes."""

    save_inputs = (0,)
    save_output = True

    def forward(ctx, xp, x, dim=None, keepdim=False, largest=True):
        ctx.dims, ctx.keepdim = dim, keepdim
        fn = xp.amax if largest else xp.amin
        return fn(x, axis=_axis(x, dim), keepdims=keepdim)

    def backward(ctx, g):
        return _even_grad(g, ctx.inputs[0], ctx.output, ctx.dims, ctx.keepdim)


class ArgExtreme(Op):
    """max/min along one dim: (values, indices); the gradient goes to the returned index only."""

    nondiff_outputs = (1,)

    def forward(ctx, xp, x, dim=0, keepdim=False, largest=True):
        if x.ndim == 0:
            idx = xp.zeros((), dtype=np.int64)
            ctx.idx, ctx.dim, ctx.shape, ctx.keepdim = idx, dim, x.shape, keepdim
            return x.copy(), idx
        fn = xp.argmax if largest else xp.argmin
        idx = fn(x, axis=dim, keepdims=True).astype(np.int64)
        vals = xp.take_along_axis(x, idx, axis=dim)
        if not keepdim:
            idx, vals = idx.squeeze(dim), vals.squeeze(dim)
        ctx.idx, ctx.dim, ctx.shape, ctx.keepdim = idx, dim, x.shape, keepdim
        return vals, idx

    def backward(ctx, g, _gi):
        return _select_grad(g, ctx.idx, ctx.dim, ctx.shape, ctx.keepdim)


def _extreme(name, input, dim, keepdim, other, largest):
    if other is None and isinstance(dim, Tensor):
        other, dim = dim, None
    if other is not None:
        from .elementwise import maximum, minimum  # noqa: PLC0415

        return (maximum if largest else minimum)(input, other)
    if dim is None:
        if input._data.size == 0:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0. "
                               f"Specify the reduction dim with the 'dim' argument.")
        return apply(Amax, input, dim=None, keepdim=False, largest=largest)
    d = _one_dim(dim, input.ndim)
    _check_nonempty(name, input._data, (d,))
    vals, idx = apply(ArgExtreme, input, dim=d, keepdim=keepdim, largest=largest)
    return (_rt.max if largest else _rt.min)(vals, idx)


def max(input: Tensor, dim=None, keepdim: bool = False, *, other=None):
    """max(input) -> Tensor; max(input, dim, keepdim) -> (values, indices); max(input, other) -> maximum."""
    return _extreme("max", input, dim, keepdim, other, True)


def min(input: Tensor, dim=None, keepdim: bool = False, *, other=None):
    """min(input) -> Tensor; min(input, dim, keepdim) -> (values, indices); min(input, other) -> minimum."""
    return _extreme("min", input, dim, keepdim, other, False)


def amax(input: Tensor, dim=(), keepdim: bool = False) -> Tensor:
    """Maximum over ``dim`` (all dims when empty); the gradient is split evenly among ties."""
    dims = _dims(dim, input.ndim)
    _check_nonempty("amax", input._data, dims)
    return apply(Amax, input, dim=dims, keepdim=keepdim, largest=True)


def amin(input: Tensor, dim=(), keepdim: bool = False) -> Tensor:
    """Minimum over ``dim`` (all dims when empty); the gradient is split evenly among ties."""
    dims = _dims(dim, input.ndim)
    _check_nonempty("amin", input._data, dims)
    return apply(Amax, input, dim=dims, keepdim=keepdim, largest=False)


def aminmax(input: Tensor, *, dim=None, keepdim: bool = False):
    """(min, max) over ``dim`` (all elements when None), as a named tuple."""
    if dim is None:
        if input._data.size == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the operation has "
                               "no identity.")
        dims = None
        if keepdim:  # torch keeps every dim as size 1
            dims = tuple(range(input.ndim))
    else:
        dims = (_one_dim(dim, input.ndim),)
        _check_nonempty("aminmax", input._data, dims)
    lo = apply(Amax, input, dim=dims, keepdim=keepdim, largest=False)
    hi = apply(Amax, input, dim=dims, keepdim=keepdim, largest=True)
    return _rt.aminmax(lo, hi)


def _arg(name, input, dim, keepdim, largest):
    x = input._data
    xp = np if x.__class__ is np.ndarray else _xp(x)
    fn = xp.argmax if largest else xp.argmin
    if dim is None:
        if x.size == 0:
            raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
        r = fn(x.reshape(-1)).astype(np.int64)
        return Tensor._wrap(xp.asarray(r).reshape((1,) * x.ndim if keepdim else ()))
    d = _one_dim(dim, input.ndim)
    if x.ndim == 0:
        return Tensor._wrap(xp.zeros((), dtype=np.int64))
    _check_nonempty(name, x, (d,))
    return Tensor._wrap(fn(x, axis=d, keepdims=keepdim).astype(np.int64))


def _xp(arr):
    from ._op import _xp_of  # noqa: PLC0415

    return _xp_of(arr)


def argmax(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Index of the (first) maximum, over the flattened input when ``dim`` is None."""
    return _arg("argmax", input, dim, keepdim, True)


def argmin(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Index of the (first) minimum, over the flattened input when ``dim`` is None."""
    return _arg("argmin", input, dim, keepdim, False)


# -- variance / std -----------------------------------------------------------------------------------------
def _var_backward(g, x, dims, keepdim, denom):
    xm = x - x.mean(dims, keepdim=True) if x.ndim else x * 0
    return _expand_back(g, x.shape, dims, keepdim) * xm * (2.0 / denom if denom > 0 else float("nan"))


class Var(Op):
    save_inputs = (0,)
    save_output = True
    compute_in_float32 = HALF  # accumulate in float32, like torch (NOTE [ half precision ])

    def forward(ctx, xp, x, dim=None, keepdim=False, correction=1, sqrt=False, name="var"):
        if x.dtype.kind not in _FLOAT:
            raise RuntimeError("std and var only support floating point and complex dtypes")
        n = _count(x.shape, dim)
        denom = _b.max(n - correction, 0)
        if denom <= 0:
            warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the "
                          f"reduction factor (input numel divided by output numel).", UserWarning, stacklevel=4)
        ctx.dims, ctx.keepdim, ctx.denom, ctx.sqrt = dim, keepdim, denom, sqrt
        ax = _axis(x, dim)
        with np.errstate(invalid="ignore", divide="ignore"):
            dev = x - xp.mean(x, axis=ax, keepdims=True)
            ss = xp.sum((dev * dev.conj()).real if x.dtype.kind == "c" else dev * dev, axis=ax, keepdims=keepdim)
            v = ss / ss.dtype.type(denom)
            return xp.sqrt(v) if sqrt else v

    def backward(ctx, g):
        x = ctx.inputs[0]
        if ctx.sqrt:  # d std = d var / (2 std); torch zeroes it where std == 0
            out = ctx.output
            zero = out == 0
            g = _where(zero, 0, g / (2 * _where(zero, 1, out)))
        return _var_backward(g, x, ctx.dims, ctx.keepdim, ctx.denom)


def _var_args(name, input, dim, unbiased, keepdim, correction):
    if isinstance(dim, bool):  # legacy var(input, unbiased)
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise RuntimeError(f"{name}(): cannot specify both 'unbiased' and 'correction'")
    corr = correction if correction is not None else (1 if unbiased is None else int(bool(unbiased)))
    return _dims(dim, input.ndim), corr, keepdim


def var(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> Tensor:
    """Variance over ``dim`` with Bessel ``correction`` (default 1); legacy ``unbiased`` flag accepted."""
    dims, corr, keepdim = _var_args("var", input, dim, unbiased, keepdim, correction)
    return apply(Var, input, dim=dims, keepdim=keepdim, correction=corr, sqrt=False, name="var")


def std(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> Tensor:
    """Standard deviation over ``dim`` with Bessel ``correction`` (default 1)."""
    dims, corr, keepdim = _var_args("std", input, dim, unbiased, keepdim, correction)
    return apply(Var, input, dim=dims, keepdim=keepdim, correction=corr, sqrt=True, name="std")


def var_mean(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """(var, mean) over ``dim``."""
    dims, corr, keepdim = _var_args("var_mean", input, dim, unbiased, keepdim, correction)
    v = apply(Var, input, dim=dims, keepdim=keepdim, correction=corr, sqrt=False, name="var_mean")
    return v, apply(Mean, input, dim=dims, keepdim=keepdim)


def std_mean(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None):
    """(std, mean) over ``dim``."""
    dims, corr, keepdim = _var_args("std_mean", input, dim, unbiased, keepdim, correction)
    s = apply(Var, input, dim=dims, keepdim=keepdim, correction=corr, sqrt=True, name="std_mean")
    return s, apply(Mean, input, dim=dims, keepdim=keepdim)


# -- logsumexp ----------------------------------------------------------------------------------------------
class LogSumExp(Op):
    save_inputs = (0,)
    save_output = True
    int_to_float = True
    compute_in_float32 = HALF  # accumulate in float32, like torch (NOTE [ half precision ])

    def forward(ctx, xp, x, dim=None, keepdim=False):
        ctx.dims, ctx.keepdim = dim, keepdim
        ax = _axis(x, dim)
        if x.size == 0:
            m = xp.zeros(xp.sum(x, axis=ax, keepdims=True).shape, dtype=x.dtype)
        else:
            m = xp.amax(x, axis=ax, keepdims=True)
            m = xp.where(xp.isfinite(m), m, 0)  # all -inf (or +inf) slices: shift by 0, not inf
        with np.errstate(divide="ignore", invalid="ignore"):
            out = xp.log(xp.sum(xp.exp(x - m), axis=ax, keepdims=True)) + m
        if not keepdim and ax is not None:
            out = out.squeeze(ax)
        elif not keepdim:
            out = out.reshape(())
        return out

    def backward(ctx, g):
        x, out = ctx.inputs[0], ctx.output
        ob = _expand_back(out, x.shape, ctx.dims, ctx.keepdim)
        return _expand_back(g, x.shape, ctx.dims, ctx.keepdim) * (x - ob).exp()


def logsumexp(input: Tensor, dim, keepdim: bool = False) -> Tensor:
    """log(sum(exp(input), dim)) computed stably by shifting by the max."""
    return apply(LogSumExp, input, dim=_dims(dim, input.ndim), keepdim=keepdim)


# -- norms --------------------------------------------------------------------------------------------------
class VectorNorm(Op):
    save_inputs = (0,)
    save_output = True
    compute_in_float32 = HALF  # accumulate in float32, like torch (NOTE [ half precision ])

    def forward(ctx, xp, x, ord=2.0, dim=None, keepdim=False):
        ctx.ord, ctx.dims, ctx.keepdim = ord, dim, keepdim
        ax = _axis(x, dim)
        a = xp.abs(x)
        if ord == float("inf"):
            return xp.amax(a, axis=ax, keepdims=keepdim)
        if ord == float("-inf"):
            return xp.amin(a, axis=ax, keepdims=keepdim)
        if ord == 0:
            return xp.sum(a != 0, axis=ax, keepdims=keepdim).astype(a.dtype)
        if ord == 1:
            return xp.sum(a, axis=ax, keepdims=keepdim)
        if ord == 2:
            return xp.sqrt(xp.sum(a * a, axis=ax, keepdims=keepdim))
        with np.errstate(divide="ignore"):
            return xp.sum(a ** ord, axis=ax, keepdims=keepdim) ** (1.0 / ord)

    def backward(ctx, g):
        x, out = ctx.inputs[0], ctx.output
        p, dims, keepdim = ctx.ord, ctx.dims, ctx.keepdim
        gb = _expand_back(g, x.shape, dims, keepdim)
        if p == 0:
            return gb * 0
        if p == 1:
            return gb * x.sgn()
        if p in (float("inf"), float("-inf")):
            return _even_grad(g, x.abs(), out, dims, keepdim) * x.sgn()
        ob = _expand_back(out, x.shape, dims, keepdim)
        zero = ob == 0
        ob = _where(zero, 1, ob)  # the masked branch must not divide by zero either
        if p == 2:
            return _where(zero, 0, gb / ob) * x
        if p < 1:  # |x|^(p-1) blows up at 0, where torch's gradient is 0
            xz = x == 0
            scaled = _where(xz, 0, x.sgn() * _where(xz, 1, x.abs()) ** (p - 1))
        else:
            scaled = x.sgn() * x.abs() ** (p - 1)
        return _where(zero, 0, gb / ob ** (p - 1)) * scaled


class NuclearNorm(Op):
    """Sum of singular values over the last two axes of a permuted input; gradient U @ Vh (first order)."""

    def forward(ctx, xp, x, dims=(0, 1), keepdim=False):
        rest = [d for d in range(x.ndim) if d not in dims]
        xt = xp.transpose(x, rest + list(dims))
        u, s, vh = xp.linalg.svd(xt, full_matrices=False)
        uv = xp.matmul(u, vh)
        inv = np.argsort(rest + list(dims))
        ctx.uv = xp.transpose(uv, tuple(inv))
        ctx.dims, ctx.keepdim, ctx.shape = dims, keepdim, x.shape
        out = s.sum(axis=-1)
        if keepdim:
            out = xp.expand_dims(out, dims)
        return out

    def backward(ctx, g):
        return _expand_back(g, ctx.shape, ctx.dims, ctx.keepdim) * Tensor._wrap(ctx.uv)


def norm(input: Tensor, p="fro", dim=None, keepdim: bool = False, out=None, dtype=None) -> Tensor:
    """Matrix or vector norm: p in {'fro', 'nuc', number, inf, -inf}; vector norm over ``dim`` otherwise."""
    if input._data.dtype.kind not in _FLOAT:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. "
                           f"Got {_name(input._data.dtype)}")
    if dtype is not None and _promote(input.dtype, dtype) != dtype:
        raise RuntimeError(f"linalg.vector_norm: the dtype of the input ({_name(input._data.dtype)}) should be "
                           f"convertible without narrowing to the specified dtype ({_name(dtype.np)})")
    x = input if dtype is None else input.to(dtype)
    if isinstance(dim, int):
        dim = (dim,)
    if p == "nuc":
        if x.dtype.itemsize == 2 and x.dtype.is_floating_point:  # needs an SVD: torch has none in half
            raise RuntimeError(f"linalg.matrix_norm: Low precision dtypes not supported. Got "
                               f"{'Half' if x.dtype.name == 'float16' else 'BFloat16'}")
        if dim is None:
            if x.ndim != 2:
                raise RuntimeError(f"linalg.matrix_norm: The input tensor A must have at least 2 dimensions. "
                                   f"Got {x.ndim}-D input" if x.ndim < 2 else
                                   "norm(): nuclear norm needs dim of two dimensions for inputs that are not 2-D")
            dim = (0, 1)
        if len(dim) != 2:
            raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {list(dim)}")
        d = (_wrap_dim(dim[0], x.ndim), _wrap_dim(dim[1], x.ndim))
        if d[0] == d[1]:
            raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({d[0]}, {d[1]})")
        r = apply(NuclearNorm, x, dims=d, keepdim=keepdim)
    else:
        if p == "fro":
            if dim is not None and len(dim) > 2:
                raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {list(dim)}")
            p = 2
        elif isinstance(p, str):
            raise RuntimeError(f"norm(): unsupported norm type '{p}'")
        r = apply(VectorNorm, x, ord=float(p), dim=_dims(dim, x.ndim), keepdim=keepdim)
    if out is not None:
        out._assign_result(r)
        return out
    return r


# -- boolean and counting reductions ------------------------------------------------------------------------
class _BoolReduce(Op):
    def forward(ctx, xp, x, dim=None, keepdim=False, fn="all"):
        r = getattr(xp, fn)(x, axis=_axis(x, dim), keepdims=keepdim)
        return r.astype(np.uint8) if x.dtype == np.uint8 else r


def all(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """True where every element over ``dim`` is non-zero (uint8 result for uint8 input, bool otherwise)."""
    return apply(_BoolReduce, input, dim=_dims(dim, input.ndim), keepdim=keepdim, fn="all")


def any(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """True where some element over ``dim`` is non-zero (uint8 result for uint8 input, bool otherwise)."""
    return apply(_BoolReduce, input, dim=_dims(dim, input.ndim), keepdim=keepdim, fn="any")


def count_nonzero(input: Tensor, dim=None) -> Tensor:
    """Number of non-zero elements over ``dim`` (int64)."""
    x = input._data
    dims = _dims(dim, input.ndim)
    return Tensor._wrap(_xp(x).asarray((x != 0).sum(axis=_axis(x, dims))).astype(np.int64))


# -- cumulative ops -----------------------------------------------------------------------------------------
def _flip(xp, a, d):
    return xp.flip(a, axis=d)


class CumSum(Op):
    """Inclusive cumulative sum along ``dim``, forwards or (``reverse``) backwards; each is the other's adjoint."""
    compute_in_float32 = HALF  # accumulate in float32, like torch (NOTE [ half precision ])

    def forward(ctx, xp, x, dim=0, dtype=None, reverse=False):
        ctx.dim, ctx.reverse = dim, reverse
        dt = _acc_dtype(x, dtype)
        if x.ndim == 0:
            return x.astype(dt or x.dtype, copy=True)
        if reverse:
            return _flip(xp, xp.cumsum(_flip(xp, x, dim), axis=dim, dtype=dt), dim)
        return xp.cumsum(x, axis=dim, dtype=dt)

    def backward(ctx, g):
        return apply(CumSum, g, dim=ctx.dim, reverse=not ctx.reverse)


class CumProd(Op):
    save_inputs = (0,)
    save_output = True
    compute_in_float32 = HALF  # accumulate in float32, like torch (NOTE [ half precision ])

    def forward(ctx, xp, x, dim=0, dtype=None):
        ctx.dim = dim
        dt = _acc_dtype(x, dtype)
        if x.ndim == 0:
            return x.astype(dt or x.dtype, copy=True)
        return xp.cumprod(x, axis=dim, dtype=dt)

    def backward(ctx, g):
        # grad_i = sum_{k>=i} g_k prod_{j<=k, j!=i} x_j. Before the first zero of a slice this is
        # revcumsum(g * out) / x_i; at the first zero it is revcumsum(g * cumprod(x with that zero set to 1));
        # after it every term holds the zero, so the gradient is 0.
        x, out, d = ctx.inputs[0], ctx.output, ctx.dim
        if x.ndim == 0:
            return g
        zero = x == 0
        term = apply(CumSum, g * out, dim=d, reverse=True)
        if not bool(zero._data.any()):
            return term / x
        nz_incl = apply(CumSum, zero, dim=d)
        before = nz_incl == 0
        first = zero & (nz_incl == 1)
        a = term / _where(before, x, 1)
        b = apply(CumSum, g * apply(CumProd, _where(first, 1, x), dim=d), dim=d, reverse=True)
        return _where(before, a, _where(first, b, 0))


class LogCumSumExp(Op):
    save_inputs = (0,)
    save_output = True
    compute_in_float32 = HALF  # accumulate in float32, like torch (NOTE [ half precision ])

    def forward(ctx, xp, x, dim=0, reverse=False):
        ctx.dim, ctx.reverse = dim, reverse
        if x.ndim == 0:
            return x.copy()
        if reverse:
            return _flip(xp, xp.logaddexp.accumulate(_flip(xp, x, dim), axis=dim), dim)
        return xp.logaddexp.accumulate(x, axis=dim)

    def backward(ctx, g):
        # grad_i = sum_{k>=i} g_k exp(x_i - out_k), evaluated in log space with g split by sign so nothing
        # overflows: exp(x_i + revlogcumsumexp(log|g_k| - out_k)). Masks keep -inf/NaN out of every branch.
        x, out, d = ctx.inputs[0], ctx.output, ctx.dim
        if x.ndim == 0:
            return g
        fin = out.isfinite()
        out_s = _where(fin, out, 0)
        res = None
        for sign in (1, -1):
            sel = (g > 0 if sign > 0 else g < 0) & fin
            lg = _where(sel, (_where(sel, g * sign, 1)).log() - out_s, float("-inf"))
            part = (x + apply(LogCumSumExp, lg, dim=d, reverse=not ctx.reverse)).exp()
            res = part if res is None else res - part
        return res


def _cum_dim(name, input, dim):
    if dim is None:
        raise TypeError(f"{name}() missing required argument 'dim'")
    return _one_dim(dim, input.ndim)


def cumsum(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    """Cumulative sum along ``dim``; bool/int inputs accumulate in int64 unless ``dtype`` is given."""
    return apply(CumSum, input, dim=_cum_dim("cumsum", input, dim), dtype=dtype)


def cumprod(input: Tensor, dim: int, *, dtype=None) -> Tensor:
    """Cumulative product along ``dim``; its gradient is exact when the input holds zeros."""
    return apply(CumProd, input, dim=_cum_dim("cumprod", input, dim), dtype=dtype)


def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """log(cumsum(exp(input), dim)) computed stably."""
    if input._data.dtype.kind not in _FLOAT:
        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for \'{_name(input._data.dtype)}\'')
    return apply(LogCumSumExp, input, dim=_cum_dim("logcumsumexp", input, dim))


# -- diff: the n-th forward difference and its adjoint -------------------------------------------------------
class Diff(Op):
    """n-th forward difference of the concatenation [prepend, x, append] along ``dim``."""

    def forward(ctx, xp, x, prepend=None, append=None, n=1, dim=-1):
        parts = [p for p in (prepend, x, append) if p is not None]
        c = xp.concatenate(parts, axis=dim) if len(parts) > 1 else x
        ctx.n, ctx.dim = n, dim
        ctx.sizes = [p.shape[dim] if p is not None else 0 for p in (prepend, x, append)]
        return xp.diff(c, n=n, axis=dim)

    def backward(ctx, g):
        gc = apply(DiffAdjoint, g, n=ctx.n, dim=ctx.dim)
        a, b, _ = ctx.sizes
        key = [slice(None)] * g.ndim
        grads = []
        for lo, hi, present in ((0, a, a), (a, a + b, True), (a + b, None, ctx.sizes[2])):
            key[ctx.dim] = slice(lo, hi)
            grads.append(gc[tuple(key)] if present else None)
        return grads[1], grads[0], grads[2]


class DiffAdjoint(Op):
    """Transpose of the n-th difference: each step is -diff of the zero-padded gradient."""

    def forward(ctx, xp, g, n=1, dim=-1):
        ctx.n, ctx.dim = n, dim
        pad = [(0, 0)] * g.ndim
        pad[dim] = (1, 1)
        for _ in range(n):
            g = -xp.diff(xp.pad(g, pad), axis=dim)
        return g

    def backward(ctx, gg):
        return apply(Diff, gg, n=ctx.n, dim=ctx.dim)


def diff(input: Tensor, n: int = 1, dim: int = -1, prepend=None, append=None) -> Tensor:
    """n-th forward difference along ``dim``, optionally after concatenating ``prepend`` / ``append``."""
    if input.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = _wrap_dim(int(dim), input.ndim)
    extra = []
    for nm, t in (("prepend", prepend), ("append", append)):
        if t is not None:
            if not isinstance(t, Tensor):
                from .creation import tensor  # noqa: PLC0415

                t = tensor(t, dtype=input.dtype, device=input.device)
            if t.ndim != input.ndim:
                raise RuntimeError(f"diff expects {nm} or input to be the same dimension as input, got "
                                   f"{nm} of {t.ndim}-D and input of {input.ndim}-D")
        extra.append(t)
    if n == 0:
        return input.clone() if _b.all(t is None for t in extra) else \
            apply(Diff, input, extra[0], extra[1], n=0, dim=d)
    try:
        return apply(Diff, input, extra[0], extra[1], n=n, dim=d)
    except ValueError as e:
        raise RuntimeError(f"diff: shapes do not match for concatenation: input {list(input.shape)}, "
                           f"prepend {None if extra[0] is None else list(extra[0].shape)}, append "
                           f"{None if extra[1] is None else list(extra[1].shape)} ({e})") from None
