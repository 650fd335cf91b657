"""Elementwise unary ops: sign/abs, exp/log/trig/special functions, rounding, predicates, complex parts.

Split out of elementwise.py (binary arithmetic, comparison, logical, where/clamp/lerp), which re-exports every
name here, so ``ember.ops.elementwise.<name>`` keeps working. One class per op: NOTE [ op pattern ] in _op.py.
"""
from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor
from ._op import BF16, Op, apply


def _sp():
    import scipy.special  # noqa: PLC0415  (lazy: only erf/erfinv/lgamma/digamma need it)

    return scipy.special


def _special(xp, name):
    if xp is np:
        return getattr(_sp(), name)
    import cupyx.scipy.special  # noqa: PLC0415

    return getattr(cupyx.scipy.special, name)


def _where(condition, input, other):
    from .elementwise import where  # noqa: PLC0415  (elementwise imports this module: bind late)

    return where(condition, input, other)


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
              lambda g, x, y: g * _where(x == 0, x * 0,
                                        ((math.pi * x).cos() * math.pi * x - (math.pi * x).sin())
                                        / (math.pi * x * x + (x == 0).to(x.dtype))))


class Polygamma(_Unary):
    save_inputs = (0,)

    def forward(ctx, xp, x, n=1):
        ctx.n = n
        return _special(xp, "polygamma")(n, x).astype(x.dtype)

    def backward(ctx, g):
        return g * polygamma(ctx.n + 1, ctx.inputs[0])


def polygamma(n: int, input: Tensor) -> Tensor:
    """The ``n``-th derivative of the digamma function of ``input``."""
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
# public functions

def logical_not(input: Tensor) -> Tensor:
    """Element-wise logical NOT (zero is True)."""
    return apply(LogicalNot, input)


def bitwise_not(input: Tensor) -> Tensor:
    """Bitwise NOT of an integer or bool tensor."""
    return apply(BitwiseNot, input)


def neg(input: Tensor) -> Tensor:
    """Negative of ``input``."""
    return apply(Neg, input)


negative = neg


def abs(input: Tensor, *, out: Tensor | None = None) -> Tensor:
    """Element-wise absolute value."""
    return _out(apply(Abs, input), out)


absolute = abs


def sign(input: Tensor) -> Tensor:
    """Element-wise sign (-1, 0 or 1)."""
    return apply(Sign, input)


def sgn(input: Tensor) -> Tensor:
    """Element-wise sign; for complex tensors ``input / |input|`` (0 at 0)."""
    return apply(Sgn, input)


def round(input: Tensor, *, decimals: int = 0) -> Tensor:
    """Rounds to the nearest integer (half to even), or to ``decimals`` decimal places."""
    return apply(Round, input, decimals=decimals)


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None) -> Tensor:
    """Replaces NaN, +inf and -inf with ``nan``, ``posinf`` and ``neginf`` (default: dtype's extremes)."""
    return apply(NanToNum, input, nan=nan, posinf=posinf, neginf=neginf)


def square(input: Tensor) -> Tensor:
    """Element-wise square of ``input``."""
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


# replaces the generated logit: torch's takes eps
def logit(input: Tensor, eps: float | None = None, *, out: Tensor | None = None) -> Tensor:  # noqa: F811
    """log(p / (1 - p)), with p clamped to [eps, 1 - eps] when eps is given."""
    if eps is not None:
        from .elementwise import clamp  # noqa: PLC0415  (elementwise imports this module: bind late)

        input = clamp(input, eps, 1 - eps)
    return _out(apply(Logit, input), out)


def real(input: Tensor) -> Tensor:
    """The real part of a complex tensor (``input`` itself for a real one)."""
    if not _is_c(input):
        return input
    return apply(Real, input)


def imag(input: Tensor) -> Tensor:
    """The imaginary part of a complex tensor."""
    if not _is_c(input):
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return apply(Imag, input)
