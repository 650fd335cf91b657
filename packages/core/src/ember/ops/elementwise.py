"""Elementwise ops: arithmetic, comparison, logical, unary math. One class per op; NOTE [ op pattern ]."""
from __future__ import annotations

import math

import numpy as np

from .._dtype import _Default
from ._op import BF16, Op, apply, binary

_erfinv = None


def _sp():
    import scipy.special  # noqa: PLC0415  (lazy: only erf/erfinv/lgamma/digamma need it)

    return scipy.special


def _special(xp, name):
    if xp is np:
        return getattr(_sp(), name)
    import cupyx.scipy.special  # noqa: PLC0415

    return getattr(cupyx.scipy.special, name)


# ------------------------------------------------------------------------------------------------------
# binary arithmetic
class Add(Op):
    def forward(ctx, xp, a, b, alpha=1):
        if alpha != 1:
            ctx.alpha = alpha
            return a + b * alpha
        ctx.alpha = 1
        return a + b

    def backward(ctx, g):
        return g, (g if ctx.alpha == 1 else g * ctx.alpha)


class Sub(Op):
    def forward(ctx, xp, a, b, alpha=1):
        ctx.alpha = alpha
        if a.dtype == np.bool_:
            raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. Use the "
                               "`^` or `logical_xor()` operator instead.")
        return a - b if alpha == 1 else a - b * alpha

    def backward(ctx, g):
        return g, (-g if ctx.alpha == 1 else g * (-ctx.alpha))


class Mul(Op):
    save_inputs = (0, 1)
    saved_for = ((1,), (0,))

    def forward(ctx, xp, a, b):
        return a * b

    def backward(ctx, g):
        a, b = ctx.inputs
        return g * _conj(b), g * _conj(a)


class Div(Op):
    save_inputs = (0, 1)
    saved_for = ((1,), (0, 1))
    int_to_float = True

    def forward(ctx, xp, a, b, rounding_mode=None):
        ctx.mode = rounding_mode
        if rounding_mode is None:
            return a / b
        if rounding_mode == "floor":
            return xp.floor_divide(a, b) if a.dtype.kind in "iu" else xp.floor(a / b)
        if rounding_mode == "trunc":
            if a.dtype.kind in "iu":
                q = xp.abs(a) // xp.abs(b)
                return xp.where((a < 0) ^ (b < 0), -q, q).astype(a.dtype)
            return xp.trunc(a / b)
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"'{rounding_mode}'")

    def backward(ctx, g):
        a, b = ctx.inputs
        if ctx.mode is not None:
            return g * 0, (g * 0 if hasattr(b, "_data") else None)
        ga = g / b
        return ga, -ga * a / b


class FloorDivide(Op):
    def forward(ctx, xp, a, b):
        if a.dtype.kind in "iu" and (xp.asarray(b) == 0).any():
            raise RuntimeError("ZeroDivisionError")
        return xp.floor_divide(a, b)

    def backward(ctx, g):
        return g * 0, None


class Remainder(Op):
    save_inputs = (0, 1)

    def forward(ctx, xp, a, b):
        return xp.remainder(a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        return g, (-g * (a / b).floor() if hasattr(b, "_data") else None)


class Fmod(Op):
    save_inputs = (0, 1)

    def forward(ctx, xp, a, b):
        return xp.fmod(a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        return g, (-g * (a / b).trunc() if hasattr(b, "_data") else None)


class Pow(Op):
    save_inputs = (0, 1)
    save_output = True

    def forward(ctx, xp, a, b):
        if a.dtype.kind in "iu" and not isinstance(b, (float, complex)) and (xp.asarray(b) < 0).any():
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        return xp.power(a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        if not hasattr(b, "_data"):
            if b == 0:
                return g * 0, None
            return g * b * a ** (b - 1), None
        out = ctx.output
        ga = g * b * a ** (b - 1)
        gb = g * out * _where_pos_log(a)
        return ga, gb


def _where_pos_log(a):
    from . import elementwise as E  # noqa: PLC0415

    # d/db a**b = a**b * log(a); torch defines it as 0 where a == 0 (and b >= 0)
    return E.where(a == 0, a * 0, a.log())


class Atan2(Op):
    save_inputs = (0, 1)

    def forward(ctx, xp, a, b):
        return xp.arctan2(a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        d = a * a + b * b
        return g * b / d, -g * a / d


class Maximum(Op):
    save_inputs = (0, 1)

    def forward(ctx, xp, a, b):
        return xp.maximum(a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        ma = (a > b).to(g.dtype) + (a == b).to(g.dtype) * 0.5
        return g * ma, g * (1 - ma)


class Minimum(Op):
    save_inputs = (0, 1)

    def forward(ctx, xp, a, b):
        return xp.minimum(a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        ma = (a < b).to(g.dtype) + (a == b).to(g.dtype) * 0.5
        return g * ma, g * (1 - ma)


class Fmax(Maximum):
    def forward(ctx, xp, a, b):
        return xp.fmax(a, b)


class Fmin(Minimum):
    def forward(ctx, xp, a, b):
        return xp.fmin(a, b)


class Hypot(Op):
    save_inputs = (0, 1)
    save_output = True

    def forward(ctx, xp, a, b):
        return xp.hypot(a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        out = ctx.output
        return g * a / out, g * b / out


class Xlogy(Op):
    save_inputs = (0, 1)

    def forward(ctx, xp, a, b):
        with np.errstate(divide="ignore", invalid="ignore"):
            return xp.where(a == 0, xp.zeros((), a.dtype), a * xp.log(b)).astype(xp.result_type(a, b))

    def backward(ctx, g):
        a, b = ctx.inputs
        return g * where(a == 0, a * 0, b.log()), g * a / b


# ------------------------------------------------------------------------------------------------------
# comparison and logical: not differentiable
class _Cmp(Op):
    def backward(ctx, g):
        return None, None


def _cmp(name, fn):
    cls = type(name, (_Cmp,), {"forward": staticmethod(lambda ctx, xp, a, b: fn(xp, a, b))})
    return cls


Eq = _cmp("Eq", lambda xp, a, b: xp.equal(a, b))
Ne = _cmp("Ne", lambda xp, a, b: xp.not_equal(a, b))
Lt = _cmp("Lt", lambda xp, a, b: xp.less(a, b))
Le = _cmp("Le", lambda xp, a, b: xp.less_equal(a, b))
Gt = _cmp("Gt", lambda xp, a, b: xp.greater(a, b))
Ge = _cmp("Ge", lambda xp, a, b: xp.greater_equal(a, b))
LogicalAnd = _cmp("LogicalAnd", lambda xp, a, b: xp.logical_and(a, b))
LogicalOr = _cmp("LogicalOr", lambda xp, a, b: xp.logical_or(a, b))
LogicalXor = _cmp("LogicalXor", lambda xp, a, b: xp.logical_xor(a, b))


def _bitwise(name, fn):
    def forward(ctx, xp, a, b):
        if a.dtype.kind in "fc":
            raise RuntimeError(f'"{name}_cpu" not implemented for \'{a.dtype.name.capitalize()}\'')
        return fn(xp, a, b)

    return type(name, (_Cmp,), {"forward": staticmethod(forward)})


BitwiseAnd = _bitwise("bitwise_and", lambda xp, a, b: xp.bitwise_and(a, b))
BitwiseOr = _bitwise("bitwise_or", lambda xp, a, b: xp.bitwise_or(a, b))
BitwiseXor = _bitwise("bitwise_xor", lambda xp, a, b: xp.bitwise_xor(a, b))
LeftShift = _bitwise("bitwise_left_shift", lambda xp, a, b: xp.left_shift(a, b))
RightShift = _bitwise("bitwise_right_shift", lambda xp, a, b: xp.right_shift(a, b))


# ------------------------------------------------------------------------------------------------------
# unary math. Each: forward in xp, backward in ember ops.
def _is_c(t):
    return hasattr(t, "_data") and t._data.dtype.kind == "c"


def _conj(x):
    """Complex conjugate of a tensor or Python scalar (the Wirtinger convention of torch's gradients)."""
    if isinstance(x, complex):
        return x.conjugate()
    return x.conj() if _is_c(x) else x


class Neg(Op):
    def forward(ctx, xp, x):
        if x.dtype == np.bool_:
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you are trying "
                               "to invert a mask, use the `~` or `logical_not()` operator instead.")
        return -x

    def backward(ctx, g):
        return -g


class Abs(Op):
    save_inputs = (0,)

    def forward(ctx, xp, x):
        return xp.abs(x)

    def backward(ctx, g):
        (x,) = ctx.inputs
        if _is_c(x):
            return g * x.sgn()  # x/|x|, defined as 0 at 0 like torch
        return g * x.sign()


class Sign(Op):
    def forward(ctx, xp, x):
        return xp.sign(x) if x.dtype != np.bool_ else x.copy()

    def backward(ctx, g):
        return g * 0


class Sgn(Sign):
    def forward(ctx, xp, x):
        if x.dtype.kind == "c":
            a = xp.abs(x)
            return xp.where(a == 0, 0, x / xp.where(a == 0, 1, a)).astype(x.dtype)
        return xp.sign(x)


class _Unary(Op):
    """Unary float op: ints are computed in the default float dtype, like torch."""

    int_to_float = True
    compute_in_float32 = BF16  # ml_dtypes' bfloat16 loops are slower than a float32 round trip; scipy lacks them


def _unary(name, fwd, bwd, save="input"):
    """Define a unary op from a forward over xp and a backward ``bwd(g, x, out)`` in ember ops."""
    attrs = {"forward": staticmethod(fwd)}
    if save == "input":
        attrs["save_inputs"] = (0,)
        attrs["backward"] = lambda ctx, g: bwd(g, ctx.inputs[0], None)
    elif save == "output":
        attrs["save_output"] = True
        attrs["backward"] = lambda ctx, g: bwd(g, None, ctx.output)
    elif save == "both":
        attrs["save_inputs"] = (0,)
        attrs["save_output"] = True
        attrs["backward"] = lambda ctx, g: bwd(g, ctx.inputs[0], ctx.output)
    else:
        attrs["backward"] = lambda ctx, g: bwd(g, None, None)
    return type(name, (_Unary,), attrs)


def _errstate(f):
    def wrapped(ctx, xp, x):
        with np.errstate(all="ignore"):
            return f(xp, x)
    return wrapped


_SQRT_PI = math.sqrt(math.pi)

Exp = _unary("Exp", lambda ctx, xp, x: xp.exp(x), lambda g, x, y: g * y.conj() if _is_c(y) else g * y, "output")
Exp2 = _unary("Exp2", lambda ctx, xp, x: xp.exp2(x), lambda g, x, y: g * y * math.log(2.0), "output")
Expm1 = _unary("Expm1", lambda ctx, xp, x: xp.expm1(x), lambda g, x, y: g * (y + 1), "output")
Log = _unary("Log", _errstate(lambda xp, x: xp.log(x)), lambda g, x, y: g / (x.conj() if _is_c(x) else x))
Log2 = _unary("Log2", _errstate(lambda xp, x: xp.log2(x)), lambda g, x, y: g / (x * math.log(2.0)))
Log10 = _unary("Log10", _errstate(lambda xp, x: xp.log10(x)), lambda g, x, y: g / (x * math.log(10.0)))
Log1p = _unary("Log1p", _errstate(lambda xp, x: xp.log1p(x)), lambda g, x, y: g / (x + 1))
Sqrt = _unary("Sqrt", _errstate(lambda xp, x: xp.sqrt(x)), lambda g, x, y: g / (2 * y), "output")
Rsqrt = _unary("Rsqrt", _errstate(lambda xp, x: 1 / xp.sqrt(x)), lambda g, x, y: -0.5 * g * y ** 3, "output")
Sin = _unary("Sin", lambda ctx, xp, x: xp.sin(x), lambda g, x, y: g * x.cos())
Cos = _unary("Cos", lambda ctx, xp, x: xp.cos(x), lambda g, x, y: -g * x.sin())
Tan = _unary("Tan", lambda ctx, xp, x: xp.tan(x), lambda g, x, y: g * (1 + y * y), "output")
Asin = _unary("Asin", _errstate(lambda xp, x: xp.arcsin(x)), lambda g, x, y: g * (1 - x * x).rsqrt())
Acos = _unary("Acos", _errstate(lambda xp, x: xp.arccos(x)), lambda g, x, y: -g * (1 - x * x).rsqrt())
Atan = _unary("Atan", lambda ctx, xp, x: xp.arctan(x), lambda g, x, y: g / (1 + x * x))
Sinh = _unary("Sinh", lambda ctx, xp, x: xp.sinh(x), lambda g, x, y: g * x.cosh())
Cosh = _unary("Cosh", lambda ctx, xp, x: xp.cosh(x), lambda g, x, y: g * x.sinh())
Tanh = _unary("Tanh", lambda ctx, xp, x: xp.tanh(x), lambda g, x, y: g * (1 - y * y), "output")
Asinh = _unary("Asinh", lambda ctx, xp, x: xp.arcsinh(x), lambda g, x, y: g * (x * x + 1).rsqrt())
Acosh = _unary("Acosh", _errstate(lambda xp, x: xp.arccosh(x)), lambda g, x, y: g * (x * x - 1).rsqrt())
Atanh = _unary("Atanh", _errstate(lambda xp, x: xp.arctanh(x)), lambda g, x, y: g / (1 - x * x))
Reciprocal = _unary("Reciprocal", _errstate(lambda xp, x: 1 / x), lambda g, x, y: -g * y * y, "output")
Erf = _unary("Erf", lambda ctx, xp, x: _special(xp, "erf")(x).astype(x.dtype),
             lambda g, x, y: g * (2 / _SQRT_PI) * (-(x * x)).exp())
Erfc = _unary("Erfc", lambda ctx, xp, x: _special(xp, "erfc")(x).astype(x.dtype),
              lambda g, x, y: g * (-2 / _SQRT_PI) * (-(x * x)).exp())
Erfinv = _unary("Erfinv", _errstate(lambda xp, x: _special(xp, "erfinv")(x).astype(x.dtype)),
                lambda g, x, y: g * (_SQRT_PI / 2) * (y * y).exp(), "output")
Lgamma = _unary("Lgamma", lambda ctx, xp, x: _special(xp, "gammaln")(x).astype(x.dtype),
                lambda g, x, y: g * x.digamma())
Digamma = _unary("Digamma", lambda ctx, xp, x: _special(xp, "digamma")(x).astype(x.dtype),
                 lambda g, x, y: g * polygamma(1, x))
Sigmoid = _unary("Sigmoid", lambda ctx, xp, x: _sigmoid(xp, x), lambda g, x, y: g * y * (1 - y), "output")
Logit = _unary("Logit", _errstate(lambda xp, x: xp.log(x / (1 - x))), lambda g, x, y: g / (x * (1 - x)))
Sinc = _unary("Sinc", lambda ctx, xp, x: xp.sinc(x),
              lambda g, x, y: g * where(x == 0, x * 0,
                                        ((math.pi * x).cos() * math.pi * x - (math.pi * x).sin())
                                        / (math.pi * x * x + (x == 0).to(x.dtype))))


class Polygamma(_Unary):
    save_inputs = (0,)

    def forward(ctx, xp, x, n=1):
        ctx.n = n
        return _special(xp, "polygamma")(n, x).astype(x.dtype)

    def backward(ctx, g):
        return g * polygamma(ctx.n + 1, ctx.inputs[0])


def polygamma(n: int, input):
    return apply(Polygamma, input, n=n)


def _sigmoid(xp, x):
    # numerically stable for large |x|; torch computes 1/(1+exp(-x)) which saturates the same way
    with np.errstate(over="ignore"):
        return (1 / (1 + xp.exp(-x))).astype(x.dtype)


class _Rounding(Op):
    def backward(ctx, g):
        return g * 0


Floor = type("Floor", (_Rounding,), {"forward": staticmethod(lambda ctx, xp, x: xp.floor(x) if x.dtype.kind in "fV" else x.copy())})
Ceil = type("Ceil", (_Rounding,), {"forward": staticmethod(lambda ctx, xp, x: xp.ceil(x) if x.dtype.kind in "fV" else x.copy())})
Trunc = type("Trunc", (_Rounding,), {"forward": staticmethod(lambda ctx, xp, x: xp.trunc(x) if x.dtype.kind in "fV" else x.copy())})


class Round(_Rounding):
    def forward(ctx, xp, x, decimals=0):
        return xp.round(x, decimals) if x.dtype.kind in "fV" or decimals else x.copy()


class Frac(Op):
    def forward(ctx, xp, x):
        return x - xp.trunc(x)

    def backward(ctx, g):
        return g


class LogicalNot(Op):
    def forward(ctx, xp, x):
        return xp.logical_not(x)

    def backward(ctx, g):
        return None


class BitwiseNot(Op):
    def forward(ctx, xp, x):
        if x.dtype.kind in "fc":
            raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
        return xp.invert(x)

    def backward(ctx, g):
        return None


class _Predicate(Op):
    def backward(ctx, g):
        return None


IsNan = type("IsNan", (_Predicate,), {"forward": staticmethod(lambda ctx, xp, x: xp.isnan(x))})
IsInf = type("IsInf", (_Predicate,), {"forward": staticmethod(lambda ctx, xp, x: xp.isinf(x))})
IsFinite = type("IsFinite", (_Predicate,), {"forward": staticmethod(lambda ctx, xp, x: xp.isfinite(x))})
IsPosInf = type("IsPosInf", (_Predicate,), {"forward": staticmethod(lambda ctx, xp, x: xp.isposinf(x))})
IsNegInf = type("IsNegInf", (_Predicate,), {"forward": staticmethod(lambda ctx, xp, x: xp.isneginf(x))})
Signbit = type("Signbit", (_Predicate,), {"forward": staticmethod(lambda ctx, xp, x: xp.signbit(x))})


class Conj(Op):
    def forward(ctx, xp, x):
        return xp.conj(x)

    def backward(ctx, g):
        return g.conj()


class Real(Op):
    def forward(ctx, xp, x):
        return xp.real(x)

    def backward(ctx, g):
        return g


class Imag(Op):
    def forward(ctx, xp, x):
        return xp.imag(x)

    def backward(ctx, g):
        from .creation import complex as _complex  # noqa: PLC0415

        return _complex(g * 0, g)


class Angle(_Unary):
    save_inputs = (0,)

    def forward(ctx, xp, x):
        return xp.angle(x).astype(x.real.dtype) if x.dtype.kind == "c" else \
            xp.where(x < 0, xp.pi, 0).astype(x.dtype) * (~xp.isnan(x)) + xp.where(xp.isnan(x), x, 0)

    def backward(ctx, g):
        return g * 0


class NanToNum(Op):
    save_inputs = (0,)

    def forward(ctx, xp, x, nan=0.0, posinf=None, neginf=None):
        return xp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    def backward(ctx, g):
        (x,) = ctx.inputs
        return g * x.isfinite().to(g.dtype)


# ------------------------------------------------------------------------------------------------------
# ternary and clamps
class Where(Op):
    save_inputs = (0,)

    def forward(ctx, xp, cond, a, b):
        return xp.where(cond, a, b)

    def backward(ctx, g):
        cond = ctx.inputs[0]
        z = g * 0
        return None, where(cond, g, z), where(cond, z, g)


class Clamp(Op):
    save_inputs = (0,)
    compute_in_float32 = BF16  # np.clip of bfloat16 with Python bounds returns float32

    def forward(ctx, xp, x, min=None, max=None):
        ctx.min, ctx.max = min, max
        if min is None and max is None:
            raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
        if hasattr(min, "shape") or hasattr(max, "shape"):
            out = x
            if min is not None:
                out = xp.maximum(out, min)
            if max is not None:
                out = xp.minimum(out, max)
            return out.astype(xp.result_type(x, *(v for v in (min, max) if v is not None)))
        return xp.clip(x, min, max)

    def backward(ctx, g):
        (x,) = ctx.inputs
        m = None
        if ctx.min is not None:
            m = x >= ctx.min
        if ctx.max is not None:
            m2 = x <= ctx.max
            m = m2 if m is None else m & m2
        return g * m.to(g.dtype)


class ClampT(Op):
    """clamp with tensor bounds: differentiable w.r.t. the bounds too."""

    save_inputs = (0, 1, 2)

    def forward(ctx, xp, x, lo, hi):
        out = x
        if lo is not None:
            out = xp.maximum(out, lo)
        if hi is not None:
            out = xp.minimum(out, hi)
        return out

    def backward(ctx, g):
        x, lo, hi = ctx.inputs
        z = g * 0
        in_range = x == x
        glo = ghi = None
        if lo is not None:
            below = x < lo
            in_range = in_range & ~below
            glo = where(below, g, z)
        if hi is not None:
            above = x > hi
            in_range = in_range & ~above
            ghi = where(above, g, z) if lo is None else where(above & ~(x < lo), g, z)
        return where(in_range, g, z), glo, ghi


class Lerp(Op):
    save_inputs = (0, 1, 2)

    def forward(ctx, xp, a, b, w):
        return a + w * (b - a)

    def backward(ctx, g):
        a, b, w = ctx.inputs
        gw = g * (b - a) if hasattr(w, "_data") else None
        return g * (1 - w), g * w, gw


# ------------------------------------------------------------------------------------------------------
# public functions
def _t(x, like=None):
    from .creation import _as_tensor_like  # noqa: PLC0415

    return _as_tensor_like(x, like)


def add(input, other, *, alpha=1, out=None):
    r = binary(Add, _t(input, other), other, alpha=alpha) if alpha != 1 else binary(Add, _t(input, other), other)
    return _out(r, out)


def sub(input, other, *, alpha=1, out=None):
    return _out(binary(Sub, _t(input, other), other, alpha=alpha), out)


subtract = sub


def mul(input, other, *, out=None):
    return _out(binary(Mul, _t(input, other), other), out)


multiply = mul


def div(input, other, *, rounding_mode=None, out=None):
    if rounding_mode is None:
        return _out(binary(Div, _t(input, other), other), out)
    cls = FloorDivide if rounding_mode == "floor" else Div
    if rounding_mode == "floor":
        return _out(floor_divide(input, other), out)
    a = _t(input, other)
    if a._data.dtype.kind in "biu" and (not hasattr(other, "_data") or other._data.dtype.kind in "biu") \
            and not isinstance(other, float):
        return _out(_int_div_trunc(a, other), out)
    return _out(binary(cls, a, other, rounding_mode=rounding_mode), out)


def _int_div_trunc(a, other):
    q = (a.abs() // (other.abs() if hasattr(other, "_data") else (other if other >= 0 else -other)))
    neg = (a < 0) ^ (other < 0 if hasattr(other, "_data") else (other < 0))
    return where(neg, -q, q)


divide = true_divide = div


def floor_divide(input, other, *, out=None):
    return _out(binary(FloorDivide, _t(input, other), other), out)


def remainder(input, other, *, out=None):
    return _out(binary(Remainder, _t(input, other), other), out)


def fmod(input, other, *, out=None):
    return _out(binary(Fmod, _t(input, other), other), out)


def pow(input, exponent, *, out=None):
    if not hasattr(input, "_data"):
        from .creation import full_like, tensor  # noqa: PLC0415

        input = tensor(input, dtype=_scalar_pow_base_dtype(input, exponent), device=exponent.device)
    return _out(binary(Pow, input, exponent), out)


def _scalar_pow_base_dtype(base, exponent):
    from .._dtype import result_type  # noqa: PLC0415

    return result_type(base, exponent)


def float_power(input, exponent):
    from .._dtype import float64, complex128  # noqa: PLC0415

    dt = complex128 if (_is_c(input) or _is_c(exponent) or isinstance(exponent, complex)) else float64
    a = _t(input, exponent).to(dt)
    return pow(a, exponent.to(dt) if hasattr(exponent, "_data") else exponent)


def atan2(input, other):
    return binary(Atan2, _t(input, other).to_float_if_int(), other)


arctan2 = atan2


def maximum(input, other):
    return binary(Maximum, input, other)


def minimum(input, other):
    return binary(Minimum, input, other)


def fmax(input, other):
    return binary(Fmax, input, other)


def fmin(input, other):
    return binary(Fmin, input, other)


def hypot(input, other):
    return binary(Hypot, input, other)


def xlogy(input, other):
    return binary(Xlogy, _t(input, other).to_float_if_int(), other)


def eq(input, other):
    return binary(Eq, _t(input, other), other)


def ne(input, other):
    return binary(Ne, _t(input, other), other)


def lt(input, other):
    return binary(Lt, _t(input, other), other)


def le(input, other):
    return binary(Le, _t(input, other), other)


def gt(input, other):
    return binary(Gt, _t(input, other), other)


def ge(input, other):
    return binary(Ge, _t(input, other), other)


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def logical_and(input, other):
    return binary(LogicalAnd, input, other)


def logical_or(input, other):
    return binary(LogicalOr, input, other)


def logical_xor(input, other):
    return binary(LogicalXor, input, other)


def logical_not(input):
    return apply(LogicalNot, input)


def bitwise_and(input, other):
    return binary(BitwiseAnd, _t(input, other), other)


def bitwise_or(input, other):
    return binary(BitwiseOr, _t(input, other), other)


def bitwise_xor(input, other):
    return binary(BitwiseXor, _t(input, other), other)


def bitwise_not(input):
    return apply(BitwiseNot, input)


def bitwise_left_shift(input, other):
    return binary(LeftShift, _t(input, other), other)


def bitwise_right_shift(input, other):
    return binary(RightShift, _t(input, other), other)


def where(condition, input=None, other=None):
    """where(cond, x, y) elementwise select; where(cond) is nonzero(as_tuple=True)."""
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    from .._dtype import result_type  # noqa: PLC0415
    from .creation import tensor  # noqa: PLC0415

    dev = condition.device
    x = input if hasattr(input, "_data") else None
    y = other if hasattr(other, "_data") else None
    rd = result_type(input, other)
    x = x.to(rd) if x is not None else tensor(input, dtype=rd, device=dev)
    y = y.to(rd) if y is not None else tensor(other, dtype=rd, device=dev)
    if condition._data.dtype != np.bool_:
        condition = condition.bool()
    try:
        return apply(Where, condition, x, y)
    except ValueError:
        raise RuntimeError(f"where: shape mismatch: condition {list(condition.shape)}, input {list(x.shape)}, "
                           f"other {list(y.shape)} cannot be broadcast together") from None


def clamp(input, min=None, max=None, *, out=None):
    if hasattr(min, "_data") or hasattr(max, "_data"):
        return _out(apply(ClampT, input, min, max), out)
    if input._data.dtype.kind in "biu" and (isinstance(min, float) or isinstance(max, float)):
        input = input.to(_Default.dtype)
    return _out(apply(Clamp, input, min=min, max=max), out)


clip = clamp


def clamp_min(input, min):
    return clamp(input, min=min)


def clamp_max(input, max):
    return clamp(input, max=max)


def lerp(input, end, weight):
    return apply(Lerp, input, end, weight)


def neg(input):
    return apply(Neg, input)


negative = neg


def abs(input, *, out=None):
    return _out(apply(Abs, input), out)


absolute = abs


def sign(input):
    return apply(Sign, input)


def sgn(input):
    return apply(Sgn, input)


def round(input, *, decimals=0):
    return apply(Round, input, decimals=decimals)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    return apply(NanToNum, input, nan=nan, posinf=posinf, neginf=neginf)


def square(input):
    return input * input if input._data.dtype != np.bool_ else (input * input).long()


def _out(r, out):
    if out is None:
        return r
    out._assign_result(r)
    return out


def _unary_fn(cls, name):
    def fn(input, *, out=None):
        return _out(apply(cls, input), out)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise {name} (mirrors torch.{name})."
    return fn


_UNARY = {
    "exp": Exp, "exp2": Exp2, "expm1": Expm1, "log": Log, "log2": Log2, "log10": Log10, "log1p": Log1p,
    "sqrt": Sqrt, "rsqrt": Rsqrt, "sin": Sin, "cos": Cos, "tan": Tan, "asin": Asin, "acos": Acos, "atan": Atan,
    "sinh": Sinh, "cosh": Cosh, "tanh": Tanh, "asinh": Asinh, "acosh": Acosh, "atanh": Atanh,
    "reciprocal": Reciprocal, "erf": Erf, "erfc": Erfc, "erfinv": Erfinv, "lgamma": Lgamma, "digamma": Digamma,
    "sigmoid": Sigmoid, "logit": Logit, "sinc": Sinc, "floor": Floor, "ceil": Ceil, "trunc": Trunc,
    "frac": Frac, "isnan": IsNan, "isinf": IsInf, "isfinite": IsFinite, "isposinf": IsPosInf,
    "isneginf": IsNegInf, "signbit": Signbit, "conj": Conj, "angle": Angle,
}
_g = globals()
for _name, _cls in _UNARY.items():
    _g[_name] = _unary_fn(_cls, _name)
arcsin, arccos, arctan, arcsinh, arccosh, arctanh = asin, acos, atan, asinh, acosh, atanh  # noqa: F821
fix = trunc  # noqa: F821


def logit(input, eps=None, *, out=None):  # noqa: F811  (replaces the generated one: torch's logit takes eps)
    """log(p / (1 - p)), with p clamped to [eps, 1 - eps] when eps is given."""
    if eps is not None:
        input = clamp(input, eps, 1 - eps)
    return _out(apply(Logit, input), out)


def real(input):
    if not _is_c(input):
        return input
    return apply(Real, input)


def imag(input):
    if not _is_c(input):
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return apply(Imag, input)
