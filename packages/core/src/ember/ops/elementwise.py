"""Elementwise ops: binary arithmetic, comparison, logical/bitwise, where/clamp/lerp. One class per op;
NOTE [ op pattern ] in _op.py.

The unary ops (exp, log, trig, rounding, predicates, ...) live in ``_unary.py``; every name there is re-exported
here, so ``ember.ops.elementwise.<name>`` and ``from .elementwise import ...`` keep working.
"""
from __future__ import annotations

from operator import gt as _gt, lt as _lt

import numpy as np

from .._dtype import _Default
from .._tensor import Tensor
from ._op import BF16, Op, apply, binary
from ._unary import *  # noqa: F401,F403  (the unary ops and their public functions)
from ._unary import _UNARY, _conj, _is_c, _out, _sigmoid, _sp, _special, _unary_fn  # noqa: F401


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


class _Modulo(Op):
    """a - q * b, the quotient q = a / b rounded by the Tensor method named ``_round`` (remainder: floor,
    fmod: trunc); d/db is -q."""

    save_inputs = (0, 1)
    _round = "floor"

    def backward(ctx, g):
        a, b = ctx.inputs
        return g, (-g * getattr(a / b, ctx._round)() if hasattr(b, "_data") else None)


class Remainder(_Modulo):
    def forward(ctx, xp, a, b):
        return xp.remainder(a, b)


class Fmod(_Modulo):
    _round = "trunc"

    def forward(ctx, xp, a, b):
        return xp.fmod(a, b)


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
    # d/db a**b = a**b * log(a); torch defines it as 0 where a == 0 (and b >= 0)
    return where(a == 0, a * 0, a.log())


class Atan2(Op):
    save_inputs = (0, 1)

    def forward(ctx, xp, a, b):
        return xp.arctan2(a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        d = a * a + b * b
        return g * b / d, -g * a / d


class _MinMax(Op):
    """maximum/minimum: the gradient goes to the input that wins ``_wins(a, b)``, split evenly on ties (torch)."""

    save_inputs = (0, 1)
    _wins = staticmethod(_gt)

    def backward(ctx, g):
        a, b = ctx.inputs
        ma = ctx._wins(a, b).to(g.dtype) + (a == b).to(g.dtype) * 0.5
        return g * ma, g * (1 - ma)


class Maximum(_MinMax):
    def forward(ctx, xp, a, b):
        return xp.maximum(a, b)


class Minimum(_MinMax):
    _wins = staticmethod(_lt)

    def forward(ctx, xp, a, b):
        return xp.minimum(a, b)


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


def add(input: Tensor, other: Tensor | complex, *, alpha: complex = 1, out: Tensor | None = None) -> Tensor:
    """Adds ``other``, scaled by ``alpha``, to ``input``."""
    r = binary(Add, _t(input, other), other, alpha=alpha) if alpha != 1 else binary(Add, _t(input, other), other)
    return _out(r, out)


def sub(input: Tensor, other: Tensor | complex, *, alpha: complex = 1, out: Tensor | None = None) -> Tensor:
    """Subtracts ``other``, scaled by ``alpha``, from ``input``."""
    return _out(binary(Sub, _t(input, other), other, alpha=alpha), out)


subtract = sub


def mul(input: Tensor, other: Tensor | complex, *, out: Tensor | None = None) -> Tensor:
    """Multiplies ``input`` by ``other``."""
    return _out(binary(Mul, _t(input, other), other), out)


multiply = mul


def div(input: Tensor, other: Tensor | complex, *, rounding_mode: str | None = None,
        out: Tensor | None = None) -> Tensor:
    """Divides ``input`` by ``other``, optionally rounding the quotient (``'trunc'`` or ``'floor'``)."""
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


def floor_divide(input: Tensor, other: Tensor | complex, *, out: Tensor | None = None) -> Tensor:
    """Computes ``input`` divided by ``other``, rounded down (floor)."""
    return _out(binary(FloorDivide, _t(input, other), other), out)


def remainder(input: Tensor, other: Tensor | complex, *, out: Tensor | None = None) -> Tensor:
    """Python-style modulus: the remainder has the sign of the divisor."""
    return _out(binary(Remainder, _t(input, other), other), out)


def fmod(input: Tensor, other: Tensor | complex, *, out: Tensor | None = None) -> Tensor:
    """C-style modulus: the remainder has the sign of the dividend."""
    return _out(binary(Fmod, _t(input, other), other), out)


def pow(input: Tensor | complex, exponent: Tensor | complex, *, out: Tensor | None = None) -> Tensor:
    """Takes the power of each element of ``input`` with ``exponent``."""
    if not hasattr(input, "_data"):
        from .creation import full_like, tensor  # noqa: PLC0415

        input = tensor(input, dtype=_scalar_pow_base_dtype(input, exponent), device=exponent.device)
    return _out(binary(Pow, input, exponent), out)


def _scalar_pow_base_dtype(base, exponent):
    from .._dtype import result_type  # noqa: PLC0415

    return result_type(base, exponent)


def float_power(input: Tensor, exponent: Tensor | complex) -> Tensor:
    """Raises ``input`` to ``exponent`` in double precision (float64 or complex128)."""
    from .._dtype import float64, complex128  # noqa: PLC0415

    dt = complex128 if (_is_c(input) or _is_c(exponent) or isinstance(exponent, complex)) else float64
    a = _t(input, exponent).to(dt)
    return pow(a, exponent.to(dt) if hasattr(exponent, "_data") else exponent)


def atan2(input: Tensor, other: Tensor | complex) -> Tensor:
    """Element-wise arctangent of ``input / other`` with the quadrant taken into account."""
    return binary(Atan2, _t(input, other).to_float_if_int(), other)


arctan2 = atan2


def maximum(input: Tensor, other: Tensor | complex) -> Tensor:
    """Element-wise maximum of ``input`` and ``other`` (NaN propagates)."""
    return binary(Maximum, input, other)


def minimum(input: Tensor, other: Tensor | complex) -> Tensor:
    """Element-wise minimum of ``input`` and ``other`` (NaN propagates)."""
    return binary(Minimum, input, other)


def fmax(input: Tensor, other: Tensor | complex) -> Tensor:
    """Element-wise maximum of ``input`` and ``other``, ignoring NaN where the other value is not NaN."""
    return binary(Fmax, input, other)


def fmin(input: Tensor, other: Tensor | complex) -> Tensor:
    """Element-wise minimum of ``input`` and ``other``, ignoring NaN where the other value is not NaN."""
    return binary(Fmin, input, other)


def hypot(input: Tensor, other: Tensor | complex) -> Tensor:
    """Element-wise ``sqrt(input**2 + other**2)``."""
    return binary(Hypot, input, other)


def xlogy(input: Tensor, other: Tensor | complex) -> Tensor:
    """Computes ``input * log(other)``, with 0 where ``input`` is 0."""
    return binary(Xlogy, _t(input, other).to_float_if_int(), other)


def eq(input: Tensor, other: Tensor | complex) -> Tensor:
    """Element-wise ``input == other``."""
    return binary(Eq, _t(input, other), other)


def ne(input: Tensor, other: Tensor | complex) -> Tensor:
    """Element-wise ``input != other``."""
    return binary(Ne, _t(input, other), other)


def lt(input: Tensor, other: Tensor | complex) -> Tensor:
    """Element-wise ``input < other``."""
    return binary(Lt, _t(input, other), other)


def le(input: Tensor, other: Tensor | complex) -> Tensor:
    """Element-wise ``input <= other``."""
    return binary(Le, _t(input, other), other)


def gt(input: Tensor, other: Tensor | complex) -> Tensor:
    """Element-wise ``input > other``."""
    return binary(Gt, _t(input, other), other)


def ge(input: Tensor, other: Tensor | complex) -> Tensor:
    """Element-wise ``input >= other``."""
    return binary(Ge, _t(input, other), other)


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def logical_and(input: Tensor, other: Tensor | complex) -> Tensor:
    """Element-wise logical AND (nonzero is True)."""
    return binary(LogicalAnd, input, other)


def logical_or(input: Tensor, other: Tensor | complex) -> Tensor:
    """Element-wise logical OR (nonzero is True)."""
    return binary(LogicalOr, input, other)


def logical_xor(input: Tensor, other: Tensor | complex) -> Tensor:
    """Element-wise logical XOR (nonzero is True)."""
    return binary(LogicalXor, input, other)


def bitwise_and(input: Tensor, other: Tensor | complex) -> Tensor:
    """Bitwise AND of integer or bool tensors."""
    return binary(BitwiseAnd, _t(input, other), other)


def bitwise_or(input: Tensor, other: Tensor | complex) -> Tensor:
    """Bitwise OR of integer or bool tensors."""
    return binary(BitwiseOr, _t(input, other), other)


def bitwise_xor(input: Tensor, other: Tensor | complex) -> Tensor:
    """Bitwise XOR of integer or bool tensors."""
    return binary(BitwiseXor, _t(input, other), other)


def bitwise_left_shift(input: Tensor, other: Tensor | complex) -> Tensor:
    """Left arithmetic shift of ``input`` by ``other`` bits."""
    return binary(LeftShift, _t(input, other), other)


def bitwise_right_shift(input: Tensor, other: Tensor | complex) -> Tensor:
    """Right arithmetic shift of ``input`` by ``other`` bits."""
    return binary(RightShift, _t(input, other), other)


def where(condition: Tensor, input: Tensor | complex | None = None, other: Tensor | complex | None = None):
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


def clamp(input: Tensor, min: Tensor | float | None = None, max: Tensor | float | None = None, *,
          out: Tensor | None = None) -> Tensor:
    """Clamps every element of ``input`` into ``[min, max]`` (either bound may be None or a tensor)."""
    if hasattr(min, "_data") or hasattr(max, "_data"):
        return _out(apply(ClampT, input, min, max), out)
    if input._data.dtype.kind in "biu" and (isinstance(min, float) or isinstance(max, float)):
        input = input.to(_Default.dtype)
    return _out(apply(Clamp, input, min=min, max=max), out)


clip = clamp


def clamp_min(input: Tensor, min: Tensor | float) -> Tensor:
    """Clamps every element of ``input`` to at least ``min``."""
    return clamp(input, min=min)


def clamp_max(input: Tensor, max: Tensor | float) -> Tensor:
    """Clamps every element of ``input`` to at most ``max``."""
    return clamp(input, max=max)


def lerp(input: Tensor, end: Tensor, weight: Tensor | complex) -> Tensor:
    """Linear interpolation ``input + weight * (end - input)``."""
    return apply(Lerp, input, end, weight)
