"""Core tensor pieces outside the big op families: extra pointwise math, comparisons, binning and searching.

Statistics/array builders live in ``_misc_stats.py``, tensor utilities (storage, resize, ...) in
``_misc_tensor.py``; all of them are exported from here and attached to Tensor where torch has a method.
"""
from __future__ import annotations

import builtins
import math

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from ._op import BF16, Op, apply, binary
from .elementwise import _special
from .creation import _as_tensor_like
from .return_types import _make
from ._misc_stats import *  # noqa: F401,F403
from ._misc_stats import __all__ as _STATS_ALL
from ._misc_tensor import *  # noqa: F401,F403
from ._misc_tensor import __all__ as _TENSOR_ALL

histogram_result = _make("histogram", ("hist", "bin_edges"))
histogramdd_result = _make("histogramdd", ("hist", "bin_edges"))
frexp_result = _make("frexp", ("mantissa", "exponent"))

_TORCH_TYPE = {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16", "int64": "Long",
               "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
               "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _tname(t: Tensor) -> str:
    return _TORCH_TYPE.get(t.dtype.name, t.dtype.name)


def _not_impl(op: str, t: Tensor):
    raise NotImplementedError(f'"{op}_cpu" not implemented for \'{_tname(t)}\'')


def _floatify(t: Tensor) -> Tensor:
    """Integer/bool tensors in the default float dtype (torch's int_to_float for composite ops)."""
    return t.to(D.get_default_dtype()) if t._data.dtype.kind in "biu" else t


def _conj(t):
    return t.conj() if t.is_complex() else t


# ---------------------------------------------------------------------------------------------------------
# fused pointwise ops with hand-written backward
class Addcmul(Op):
    save_inputs = (1, 2)
    compute_in_float32 = BF16  # bfloat16 times a Python ``value`` is float32 in ml_dtypes

    def forward(ctx, xp, x, t1, t2, value=1):
        ctx.value = value
        prod = t1 * t2
        return x + (prod * value if value != 1 else prod)

    def backward(ctx, g):
        _, t1, t2 = ctx.inputs
        v = ctx.value
        return g, g * _conj(t2) * v, g * _conj(t1) * v


class Addcdiv(Op):
    save_inputs = (1, 2)
    compute_in_float32 = BF16

    def forward(ctx, xp, x, t1, t2, value=1):
        ctx.value = value
        q = t1 / t2
        return x + (q * value if value != 1 else q)

    def backward(ctx, g):
        _, t1, t2 = ctx.inputs
        v = ctx.value
        gt1 = g * v / _conj(t2)
        return g, gt1, -gt1 * _conj(t1 / t2)


def _promote3(name, *ts):
    try:
        np.broadcast_shapes(*(t.shape for t in ts))
    except ValueError:
        raise RuntimeError(f"{name}: shapes {[list(t.shape) for t in ts]} cannot be broadcast to a single shape") \
            from None
    dt = D.result_type(*ts)
    return [t.to(dt) if isinstance(t, Tensor) and t.dtype != dt else t for t in ts]


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1, out=None) -> Tensor:
    """input + value * tensor1 * tensor2 (mirrors torch.addcmul)."""
    x, a, b = _promote3("addcmul", input, tensor1, tensor2)
    return _out(apply(Addcmul, x, a, b, value=value), out)


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1, out=None) -> Tensor:
    """input + value * tensor1 / tensor2 (mirrors torch.addcdiv)."""
    if tensor1._data.dtype.kind in "biu" and tensor2._data.dtype.kind in "biu":
        raise RuntimeError("Integer division with addcdiv is no longer supported, and in a future  release addcdiv "
                           "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can "
                           "be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
                           "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
                           "addcdiv behavior is just the latter implementation: (input + value * tensor1 / "
                           "tensor2), for all dtypes.")
    x, a, b = _promote3("addcdiv", input, tensor1, tensor2)
    return _out(apply(Addcdiv, x, a, b, value=value), out)


def _out(r, out):
    if out is None:
        return r
    out._assign_result(r)
    return out


class Copysign(Op):
    int_to_float = True
    save_inputs = (0,)
    save_output = True

    def forward(ctx, xp, a, b):
        return xp.copysign(a, b)

    def backward(ctx, g):
        a = ctx.inputs[0]
        ratio = (ctx.output / a).masked_fill(a == 0, 0)
        return g * ratio, g * 0


class LogAddExp(Op):
    int_to_float = True
    save_inputs = (0, 1)

    def forward(ctx, xp, a, b):
        return xp.logaddexp(a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        w = (a - b).sigmoid()
        return g * w, g * (1 - w)


class LogAddExp2(Op):
    int_to_float = True
    save_inputs = (0, 1)

    def forward(ctx, xp, a, b):
        return xp.logaddexp2(a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        w = ((a - b) * math.log(2.0)).sigmoid()
        return g * w, g * (1 - w)


class _NoGrad(Op):
    """Ops torch defines no derivative for: backward raises torch's error."""

    def backward(ctx, *g):
        raise RuntimeError(f"derivative for aten::{type(ctx)._op_name.lower()} is not implemented")


class Heaviside(_NoGrad):
    def forward(ctx, xp, x, v):
        return xp.heaviside(x, v).astype(x.dtype) if x.dtype.kind != "b" else xp.where(x, True, v)


class Nextafter(Op):
    def forward(ctx, xp, a, b):
        return xp.nextafter(a, b)

    def backward(ctx, g):
        # torch treats the one-ulp step as identity in input and constant in other
        return g, g * 0


class Gcd(_NoGrad):
    def forward(ctx, xp, a, b):
        return xp.gcd(a, b)


class Lcm(_NoGrad):
    def forward(ctx, xp, a, b):
        return xp.lcm(a, b)


def copysign(input: Tensor, other, *, out=None) -> Tensor:
    """Magnitude of input with the sign of other (mirrors torch.copysign)."""
    return _out(binary(Copysign, input, other), out)


def logaddexp(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """log(exp(input) + exp(other)), computed stably (mirrors torch.logaddexp)."""
    if input._data.dtype.kind in "biu" and (not isinstance(other, Tensor) or other._data.dtype.kind in "biu"):
        _not_impl("logaddexp", input)
    return _out(binary(LogAddExp, input, other), out)


def logaddexp2(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """log2(2**input + 2**other), computed stably (mirrors torch.logaddexp2)."""
    if input._data.dtype.kind in "biu" and (not isinstance(other, Tensor) or other._data.dtype.kind in "biu"):
        _not_impl("logaddexp2", input)
    return _out(binary(LogAddExp2, input, other), out)


def heaviside(input: Tensor, values: Tensor, *, out=None) -> Tensor:
    """Heaviside step: 0 below zero, ``values`` at zero, 1 above (mirrors torch.heaviside)."""
    if not isinstance(values, Tensor):
        raise TypeError(f"heaviside(): argument 'values' (position 2) must be Tensor, not {type(values).__name__}")
    if input.dtype != values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    if input.is_complex():
        raise RuntimeError("heaviside is not yet implemented for complex tensors.")
    return _out(binary(Heaviside, input, values), out)


def nextafter(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """The next representable float after input towards other (mirrors torch.nextafter)."""
    if input._data.dtype.kind not in "fV":
        _not_impl("nextafter", input)
    if input.dtype is D.bfloat16 and isinstance(other, Tensor) and other.dtype is D.bfloat16:
        # binary() computes bfloat16 in float32 (NOTE [ half precision ]): the float32 neighbour would round back
        return _out(apply(Nextafter, *_promote3("nextafter", input, other)), out)
    return _out(binary(Nextafter, input, other), out)


def _int_binary(cls, name, input, other):
    o = other._data.dtype if isinstance(other, Tensor) else np.dtype(type(other))
    for k in (input._data.dtype, o):
        if k.kind not in "iu":
            _not_impl(name, input if input._data.dtype.kind not in "iu" else other)
    return binary(cls, input, other)


def gcd(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Elementwise greatest common divisor of integer tensors (mirrors torch.gcd)."""
    return _out(_int_binary(Gcd, "gcd", input, other), out)


def lcm(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Elementwise least common multiple of integer tensors (mirrors torch.lcm)."""
    return _out(_int_binary(Lcm, "lcm", input, other), out)


def rsub(input: Tensor, other, *, alpha=1) -> Tensor:
    """other - alpha * input (mirrors torch.rsub)."""
    from .elementwise import sub  # noqa: PLC0415

    return sub(_as_tensor_like(other, input), input, alpha=alpha)


def deg2rad(input: Tensor, *, out=None) -> Tensor:
    """Degrees to radians (mirrors torch.deg2rad)."""
    return _out(_floatify(input) * (math.pi / 180.0), out)


def rad2deg(input: Tensor, *, out=None) -> Tensor:
    """Radians to degrees (mirrors torch.rad2deg)."""
    return _out(_floatify(input) * (180.0 / math.pi), out)


def ldexp(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """input * 2**other (mirrors torch.ldexp)."""
    from .elementwise import exp2  # noqa: PLC0415

    x = _floatify(input)
    r = x * exp2(other)
    rd = D.result_type(x, other)  # float16 * 2**int_tensor stays float16, like torch
    return _out(r if r.dtype == rd or not rd.is_floating_point else r.to(rd), out)


class Frexp(Op):
    nondiff_outputs = (1,)

    def forward(ctx, xp, x):
        m, e = xp.frexp(x)
        ctx.scale = xp.ldexp(xp.ones_like(x), -e)  # d mantissa / dx = 2**-exponent
        return m, e.astype(np.int32)

    def backward(ctx, g, ge):
        return g * Tensor._wrap(ctx.scale)


def frexp(input: Tensor, *, out=None):
    """Decompose into mantissa in [0.5, 1) and int32 exponent (mirrors torch.frexp)."""
    if input._data.dtype.kind not in "fV":
        raise RuntimeError("torch.frexp() only supports floating-point dtypes")
    m, e = apply(Frexp, input)
    if out is not None:
        out[0]._assign_result(m)
        out[1]._assign_result(e)
        m, e = out
    return frexp_result(m, e)


class I0(Op):
    int_to_float = True
    save_inputs = (0,)

    def forward(ctx, xp, x):
        return _special(xp, "i0")(x).astype(x.dtype)

    def backward(ctx, g):
        return g * apply(_I1, ctx.inputs[0])


class _I1(Op):
    save_inputs = (0,)

    def forward(ctx, xp, x):
        return _special(xp, "i1")(x).astype(x.dtype)

    def backward(ctx, g):
        x = ctx.inputs[0]
        zero = x == 0
        xs = x.masked_fill(zero, 1)
        d = apply(I0, x) - apply(_I1, x) / xs
        return g * d.masked_fill(zero, 0.5)


def i0(input: Tensor, *, out=None) -> Tensor:
    """Modified Bessel function of the first kind, order 0 (mirrors torch.i0)."""
    return _out(apply(I0, input), out)


class _IGamma(Op):
    int_to_float = True
    save_inputs = (0, 1)
    sign = 1.0

    def backward(ctx, g):
        if self_edge_requires_grad(ctx, 0):
            raise NotImplementedError(f"the derivative for '{type(ctx)._op_name.lower()}: input' is not implemented.")
        a, x = ctx.inputs
        d = ((a - 1) * x.log() - x - a.lgamma()).exp()
        return None, g * d * type(ctx).sign


def self_edge_requires_grad(node, i: int) -> bool:
    nf = node.next_functions
    return nf is not None and i < len(nf) and nf[i] is not None


class Igamma(_IGamma):
    def forward(ctx, xp, a, x):
        return _special(xp, "gammainc")(a, x).astype(np.result_type(a, x))


class Igammac(_IGamma):
    sign = -1.0

    def forward(ctx, xp, a, x):
        return _special(xp, "gammaincc")(a, x).astype(np.result_type(a, x))


def igamma(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Regularized lower incomplete gamma P(input, other) (mirrors torch.igamma)."""
    return _out(binary(Igamma, input, other), out)


def igammac(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Regularized upper incomplete gamma Q(input, other) (mirrors torch.igammac)."""
    return _out(binary(Igammac, input, other), out)


def mvlgamma(input: Tensor, p: int) -> Tensor:
    """Multivariate log-gamma of dimension p (mirrors torch.mvlgamma)."""
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")
    x = _floatify(input)
    if bool((x <= (p - 1) / 2).any()):
        raise RuntimeError(f"All elements must be greater than (p-1)/2 = {(p - 1) / 2}")
    from .creation import arange  # noqa: PLC0415

    offs = arange(p, dtype=x.dtype, device=x.device) * -0.5
    return (x.unsqueeze(-1) + offs).lgamma().sum(-1) + p * (p - 1) / 4 * math.log(math.pi)


def isreal(input: Tensor) -> Tensor:
    """True where the element has no imaginary part (mirrors torch.isreal)."""
    xp = _xp(input)
    d = input._data
    return Tensor._wrap(d.imag == 0 if d.dtype.kind == "c" else xp.ones(d.shape, dtype=bool))


def _xp(t: Tensor):
    from ._op import _xp_of  # noqa: PLC0415

    return _xp_of(t._data)


# ---------------------------------------------------------------------------------------------------------
# comparison
def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> Tensor:
    """|input - other| <= atol + rtol * |other|, elementwise (mirrors torch.isclose)."""
    if not isinstance(other, Tensor):
        raise TypeError(f"isclose(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    if input.dtype != other.dtype:
        raise RuntimeError(f"{_tname(input)} did not match {_tname(other)}")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
    xp = _xp(input)
    a, b = input._data, other._data
    if a.dtype.kind == "b":
        return Tensor._wrap(xp.asarray(a == b))
    if a.dtype.kind in "iu":  # integer differences must not wrap around
        a, b = a.astype(np.float64), b.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        r = xp.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
    return Tensor._wrap(xp.asarray(r))


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False) -> bool:
    """True when every element is close (mirrors torch.allclose)."""
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


def equal(input: Tensor, other: Tensor) -> bool:
    """True when both tensors have the same size and elements (mirrors torch.equal)."""
    if input.shape != other.shape:
        return False
    return bool((input == other).all())


def isin(elements, test_elements, *, assume_unique: bool = False, invert: bool = False) -> Tensor:
    """Whether each element of ``elements`` is in ``test_elements`` (mirrors torch.isin)."""
    if not isinstance(elements, Tensor) and not isinstance(test_elements, Tensor):
        raise TypeError("isin(): at least one of 'elements' and 'test_elements' must be a Tensor")
    like = elements if isinstance(elements, Tensor) else test_elements
    e = _as_tensor_like(elements, like)._data
    t = _as_tensor_like(test_elements, like)._data
    xp = _xp(like)
    return Tensor._wrap(xp.asarray(xp.isin(e, t, assume_unique=assume_unique, invert=invert)))


# ---------------------------------------------------------------------------------------------------------
# searching and binning (integer results, no gradient)
def searchsorted(sorted_sequence: Tensor, input, *, out_int32: bool = False, right: bool = False,
                 side: str | None = None, sorter: Tensor | None = None, out=None) -> Tensor:
    """Indices where ``input`` would be inserted to keep the innermost dim sorted (mirrors torch.searchsorted)."""
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, got side of left "
                               "while right was True")
        right = side == "right"
    seq = sorted_sequence._data
    scalar = not isinstance(input, Tensor)
    vals = _as_tensor_like(input, sorted_sequence)._data if scalar else input._data
    if scalar and seq.ndim != 1:
        raise RuntimeError("torch.searchsorted(): input value can be a scalar only when boundaries tensor dimension "
                           f"is 1, but we got boundaries tensor dim({seq.ndim}) and input value's dim(0) numel(1)")
    if seq.ndim > 1 and (vals.ndim != seq.ndim or vals.shape[:-1] != seq.shape[:-1]):
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions "
                           "of boundaries tensor and input value tensor must match, but we got boundaries tensor "
                           f"{list(seq.shape)} and input value tensor {list(vals.shape)}")
    xp = _xp(sorted_sequence)
    if sorter is not None:
        if sorter.shape != sorted_sequence.shape:
            raise RuntimeError("torch.searchsorted(): boundary and sorter must have the same size, but got boundary "
                               f"tensor {list(seq.shape)}and got sorter tensor {list(sorter.shape)}")
        seq = xp.take_along_axis(seq, sorter._data, -1)
    s = "right" if right else "left"
    if seq.ndim <= 1:
        idx = xp.searchsorted(seq.reshape(-1), vals, side=s)
    else:
        # one search per innermost row; rows are offset into disjoint ranks with a stable joint ordering
        rows = int(np.prod(seq.shape[:-1]))
        s2, v2 = seq.reshape(rows, -1), vals.reshape(rows, -1)
        idx = xp.empty(v2.shape, dtype=np.int64)
        for r in range(rows):
            idx[r] = xp.searchsorted(s2[r], v2[r], side=s)
        idx = idx.reshape(vals.shape)
    res = Tensor._wrap(xp.asarray(idx).astype(np.int32 if out_int32 else np.int64))
    return _out(res, out)


def bucketize(input, boundaries: Tensor, *, out_int32: bool = False, right: bool = False, out=None) -> Tensor:
    """Index of the bucket (defined by 1-D ``boundaries``) each input falls in (mirrors torch.bucketize)."""
    if boundaries.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim({boundaries.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


def _float_only(name: str, t: Tensor):
    if t._data.dtype.kind not in "fV":
        raise NotImplementedError(f'"{name}" not implemented for \'{_tname(t)}\'')


def histc(input: Tensor, bins: int = 100, min=0, max=0, *, out=None) -> Tensor:
    """Histogram with ``bins`` equal-width bins over [min, max] (mirrors torch.histc)."""
    _float_only("histogram_cpu", input)
    if bins <= 0:
        raise RuntimeError("torch.histc: bins must be > 0, but got " + str(bins))
    a = input._data
    xp = _xp(input)
    lo, hi = float(min), float(max)
    if lo == hi and a.size:
        finite = a[xp.isfinite(a)]
        if finite.size:
            lo, hi = float(finite.min()), float(finite.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError(f"torch.histc: max must be larger than min, but got min {lo} max {hi}")
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{lo}, {hi}] is not finite")
    flat = a.reshape(-1)
    flat = flat[(flat >= lo) & (flat <= hi)]
    # torch's bin index: floor((x - min) * bins / (max - min)), the max edge in the last bin
    pos = ((flat.astype(np.float64) - lo) * bins / (hi - lo)).astype(np.int64)
    pos = xp.minimum(pos, bins - 1)
    h = xp.bincount(pos, minlength=bins).astype(a.dtype)
    return _out(Tensor._wrap(h), out)


def _edges_for(a, bins, rng, xp, dt):
    if isinstance(bins, Tensor):
        e = bins._data.astype(dt)
        if e.ndim != 1:
            raise RuntimeError(f"torch.histogram(): bins tensor should have one dimension, but got {e.ndim} "
                               "dimensions in the bins tensor")
        return e
    if rng is None:
        lo, hi = (float(a.min()), float(a.max())) if a.size else (0.0, 0.0)
    else:
        lo, hi = float(rng[0]), float(rng[1])
    if lo > hi:
        raise RuntimeError(f"torch.histogram(): min should not exceed max, but got min {lo} max {hi}")
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5  # torch widens an empty range like numpy... by 1 overall
    return xp.linspace(lo, hi, int(bins) + 1).astype(dt)


def histogram(input: Tensor, bins=100, *, range=None, weight: Tensor | None = None, density: bool = False,
              out=None):
    """Histogram of ``input`` with int ``bins`` or a 1-D tensor of edges; returns (hist, bin_edges)."""
    _float_only("histogram_cpu", input)
    xp = _xp(input)
    a = input._data.reshape(-1)
    edges = _edges_for(a, bins, range, xp, input._data.dtype)
    w = weight._data.reshape(-1) if weight is not None else None
    h, _ = xp.histogram(a, bins=edges, weights=w, density=density)
    res = histogram_result(Tensor._wrap(h.astype(input._data.dtype)), Tensor._wrap(edges))
    if out is not None:
        out[0]._assign_result(res[0])
        out[1]._assign_result(res[1])
        return histogram_result(*out)
    return res


def histogramdd(input: Tensor, bins=10, *, range=None, weight: Tensor | None = None, density: bool = False):
    """D-dimensional histogram of the rows of an (N, D) tensor; returns (hist, bin_edges list)."""
    _float_only("histogramdd", input)
    xp = _xp(input)
    a = input._data.reshape(-1, input.shape[-1])
    ndim = a.shape[1]
    if isinstance(bins, int):
        bins = [bins] * ndim
    edges = []
    for d in builtins.range(ndim):
        rng = None if range is None else (range[2 * d], range[2 * d + 1])
        edges.append(_edges_for(a[:, d], bins[d], rng, xp, input._data.dtype))
    w = weight._data.reshape(-1) if weight is not None else None
    h, _ = np.histogramdd(np.asarray(a) if xp is np else a.get(), bins=[np.asarray(e) if xp is np else e.get()
                                                                       for e in edges],
                          weights=None if w is None else (w if xp is np else w.get()), density=density)
    h = xp.asarray(h.astype(input._data.dtype))
    return histogramdd_result(Tensor._wrap(h), tuple(Tensor._wrap(e) for e in edges))



def bincount(input: Tensor, weights: Tensor | None = None, minlength: int = 0) -> Tensor:
    """Count occurrences of each non-negative int (optionally weighted) (mirrors torch.bincount)."""
    a = input._data
    if a.ndim != 1 or a.dtype.kind not in "iu" or (a.size and int(a.min()) < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    xp = _xp(input)
    if weights is None:
        return Tensor._wrap(xp.bincount(a, minlength=minlength).astype(np.int64))
    w = weights._data
    if w.shape != a.shape:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    dt = w.dtype if w.dtype.kind == "f" else np.float64  # torch sums non-float weights in double
    return Tensor._wrap(xp.bincount(a, weights=w.astype(np.float64), minlength=minlength).astype(dt))


# ---------------------------------------------------------------------------------------------------------
# Tensor methods torch defines for the functions of this module
_METHODS = ["addcmul", "addcdiv", "copysign", "logaddexp", "logaddexp2", "heaviside", "nextafter", "gcd", "lcm",
            "deg2rad", "rad2deg", "ldexp", "frexp", "i0", "igamma", "igammac", "mvlgamma", "isreal", "isclose",
            "allclose", "equal", "histc", "histogram", "bincount", "cov", "corrcoef", "msort", "quantile",
            "nanquantile", "renorm"]
_INPLACE = ["addcmul", "addcdiv", "copysign", "logaddexp", "gcd", "lcm", "deg2rad", "rad2deg", "ldexp", "i0",
            "igamma", "igammac", "mvlgamma", "heaviside", "nextafter", "renorm"]


def _install():
    from .inplace import inplace  # noqa: PLC0415

    g = globals()
    for n in _METHODS:
        if not hasattr(Tensor, n):
            setattr(Tensor, n, g[n])
    for n in _INPLACE:
        if not hasattr(Tensor, n + "_"):
            setattr(Tensor, n + "_", inplace(g[n]))


_install()

__all__ = ["addcmul", "addcdiv", "copysign", "logaddexp", "logaddexp2", "heaviside", "nextafter", "gcd", "lcm",
           "rsub", "deg2rad", "rad2deg", "ldexp", "frexp", "i0", "igamma", "igammac", "mvlgamma", "isreal",
           "isclose", "allclose", "equal", "isin", "searchsorted", "bucketize", "histc", "histogram",
           "histogramdd", "bincount"] + list(_STATS_ALL) + list(_TENSOR_ALL)
