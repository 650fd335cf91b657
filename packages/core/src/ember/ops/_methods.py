"""Attach ops to Tensor as methods, operators and in-place variants (one table, no per-op boilerplate)."""
from __future__ import annotations

import importlib

import numpy as np

from .._tensor import Tensor
from ..autograd.grad_mode import GradMode
from . import elementwise as E
from . import reduction as R
from . import shape as S
from . import linalg as L
from . import indexing as I
from . import creation as C
from ._op import binary, apply, NULL
from .inplace import inplace, assign, _check_leaf

_ndarray = np.ndarray


# -- hot binary operators: a direct path into the machinery (NOTE [ op pattern ]) ---------------------------
def _op2(cls):
    def f(self, other):
        return binary(cls, self, other)
    return f


def _rop2(cls):
    def f(self, other):
        return binary(cls, C._as_tensor_like(other, self), self)
    return f


def _mul(self, other):
    # fast path for the common no-grad, same-dtype case
    if other.__class__ is Tensor and not GradMode.enabled or (other.__class__ is Tensor and not (
            self._rg or other._rg)):
        a, b = self._data, other._data
        if a.dtype is b.dtype and a.__class__ is _ndarray and b.__class__ is _ndarray and (
                a.shape == b.shape or not a.ndim or not b.ndim):
            out = a * b
            return Tensor._wrap(out if out.__class__ is _ndarray else np.asarray(out))
    return binary(E.Mul, self, other)


def _add(self, other):
    # deliberately the same fast path as _mul, inlined (NOTE [ per-op overhead ]): a shared helper costs a call
    if other.__class__ is Tensor and not GradMode.enabled or (other.__class__ is Tensor and not (
            self._rg or other._rg)):
        a, b = self._data, other._data
        if a.dtype is b.dtype and a.__class__ is _ndarray and b.__class__ is _ndarray and (
                a.shape == b.shape or not a.ndim or not b.ndim):
            out = a + b
            return Tensor._wrap(out if out.__class__ is _ndarray else np.asarray(out))
    return binary(E.Add, self, other)


def _matmul(self, other):
    return apply(L.Matmul, self, other)


def _rmatmul(self, other):
    return apply(L.Matmul, C._as_tensor_like(other, self), self)


def _rsub(self, other):
    return binary(E.Sub, C._as_tensor_like(other, self), self)


def _rtruediv(self, other):
    return binary(E.Div, C._as_tensor_like(other, self), self)


def _rpow(self, other):
    return E.pow(other, self)


_COMPARABLE = (Tensor, bool, int, float, complex, np.generic, np.ndarray, list, tuple)


def _eq(self, other):
    if not isinstance(other, _COMPARABLE):
        return NotImplemented  # Python then compares identities: a tensor never equals a str or None
    return binary(E.Eq, self, other)


def _ne(self, other):
    if not isinstance(other, _COMPARABLE):
        return NotImplemented
    return binary(E.Ne, self, other)


def _and(self, other):
    return binary(E.BitwiseAnd if self._data.dtype != np.bool_ else E.LogicalAnd, self, other)


def _or(self, other):
    return binary(E.BitwiseOr if self._data.dtype != np.bool_ else E.LogicalOr, self, other)


def _xor(self, other):
    return binary(E.BitwiseXor if self._data.dtype != np.bool_ else E.LogicalXor, self, other)


def _invert(self):
    return apply(E.LogicalNot if self._data.dtype == np.bool_ else E.BitwiseNot, self)


OPERATORS = {
    "__add__": _add, "__radd__": _add, "__sub__": _op2(E.Sub), "__rsub__": _rsub, "__mul__": _mul,
    "__rmul__": _mul, "__truediv__": _op2(E.Div), "__rtruediv__": _rtruediv,
    "__floordiv__": lambda s, o: E.floor_divide(s, o), "__rfloordiv__": lambda s, o: E.floor_divide(
        C._as_tensor_like(o, s), s),
    "__mod__": _op2(E.Remainder), "__rmod__": lambda s, o: E.remainder(C._as_tensor_like(o, s), s),
    "__pow__": lambda s, o: E.pow(s, o), "__rpow__": _rpow, "__matmul__": _matmul, "__rmatmul__": _rmatmul,
    "__neg__": lambda s: apply(E.Neg, s), "__pos__": lambda s: s, "__abs__": lambda s: apply(E.Abs, s),
    "__eq__": _eq, "__ne__": _ne, "__lt__": _op2(E.Lt), "__le__": _op2(E.Le), "__gt__": _op2(E.Gt),
    "__ge__": _op2(E.Ge), "__and__": _and, "__rand__": _and, "__or__": _or, "__ror__": _or, "__xor__": _xor,
    "__rxor__": _xor, "__invert__": _invert,
    "__lshift__": lambda s, o: E.bitwise_left_shift(s, o), "__rshift__": lambda s, o: E.bitwise_right_shift(s, o),
    "__getitem__": I.getitem, "__setitem__": I.setitem,
}

# in-place operators: computed out of place, then assigned (NOTE [ in-place ops ])
INPLACE_OPERATORS = {
    "__iadd__": "__add__", "__isub__": "__sub__", "__imul__": "__mul__", "__itruediv__": "__truediv__",
    "__ifloordiv__": "__floordiv__", "__imod__": "__mod__", "__ipow__": "__pow__", "__iand__": "__and__",
    "__ior__": "__or__", "__ixor__": "__xor__", "__ilshift__": "__lshift__", "__irshift__": "__rshift__",
}


def _fast_iop(name):
    op = OPERATORS[name]

    def f(self, other):
        if not GradMode.enabled or not (self._rg or (other.__class__ is Tensor and other._rg)):
            res = op(self, other)
            assign(self, res)
            return self
        _check_leaf(self)
        assign(self, op(self, other))
        return self
    return f


def _binary_inplace(cls, slow):
    """``name_`` for a binary op called with just ``other`` (no alpha/rounding_mode): straight into binary()
    and assign, skipping the public function's argument handling (NOTE [ per-op overhead ])."""

    def method(self, *args, **kwargs):
        if kwargs or len(args) != 1:
            return slow(self, *args, **kwargs)
        _check_leaf(self)
        assign(self, binary(cls, self, args[0]))
        return self

    method.__name__ = slow.__name__
    return method


def _unary_method(cls, fn):
    """Method for an elementwise unary op: straight to apply() unless ``out=`` is given."""

    def method(self, *, out=None):
        if out is None:
            return apply(cls, self)
        return fn(self, out=out)

    method.__name__ = fn.__name__
    method.__doc__ = fn.__doc__
    return method


# methods that are plain functions taking the tensor first
METHODS = {}
for _n, _f in vars(E).items():
    if callable(_f) and not _n.startswith("_") and not isinstance(_f, type) and getattr(_f, "__module__", "") \
            == E.__name__:
        METHODS[_n] = _f
for _mod in (importlib.import_module("._unary", __package__), R, S, L,
             importlib.import_module("._matmul", __package__), I,
             importlib.import_module("._scatter_gather", __package__),
             importlib.import_module(".sorting", __package__), importlib.import_module(".joining", __package__)):
    for _n, _f in vars(_mod).items():
        if callable(_f) and not _n.startswith("_") and not isinstance(_f, type) and \
                getattr(_f, "__module__", "") == _mod.__name__:
            METHODS[_n] = _f
_UNARY_CODE = E._unary_fn(E.Exp, "exp").__code__
for _n, _cls in E._UNARY.items():
    if getattr(METHODS.get(_n), "__code__", None) is _UNARY_CODE:  # not the ones elementwise redefines (logit)
        METHODS[_n] = _unary_method(_cls, METHODS[_n])
METHODS.update({"tril": C.tril, "triu": C.triu})
for _skip in ("where", "polygamma", "float_power", "apply", "binary"):
    METHODS.pop(_skip, None)
METHODS["float_power"] = E.float_power
METHODS["polygamma"] = lambda self, n: E.polygamma(n, self)


def _where_method(self, condition, y):
    return E.where(condition, self, y)


METHODS["where"] = _where_method


def _to_float_if_int(self):
    from .._dtype import get_default_dtype  # noqa: PLC0415

    return self.to(get_default_dtype()) if self._data.dtype.kind in "biu" else self


METHODS["to_float_if_int"] = _to_float_if_int

# in-place methods: name_ for each out-of-place op that keeps the shape
INPLACE_METHODS = ["add", "sub", "mul", "div", "pow", "neg", "abs", "exp", "expm1", "log", "log1p", "log2",
                   "log10", "sqrt", "rsqrt", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh",
                   "tanh", "sigmoid", "reciprocal", "floor", "ceil", "round", "trunc", "frac", "sign",
                   "clamp", "clamp_min", "clamp_max", "clip", "remainder", "fmod", "lerp", "erf", "erfinv",
                   "lgamma", "digamma", "atan2", "hypot", "logit", "nan_to_num", "square", "exp2", "sgn",
                   "logical_not", "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or",
                   "bitwise_xor", "bitwise_not", "floor_divide", "maximum", "minimum", "tril", "triu",
                   "eq", "ne", "lt", "le", "gt", "ge", "fix", "arcsin", "arccos", "arctan", "true_divide",
                   "multiply", "subtract", "negative", "absolute", "xlogy", "erfc", "sinc", "arctan2",
                   "float_power"]


def install():
    for n, f in OPERATORS.items():
        setattr(Tensor, n, f)
    for n, src in INPLACE_OPERATORS.items():
        setattr(Tensor, n, _fast_iop(src))
    for n, f in METHODS.items():
        if not hasattr(Tensor, n) or n in ("abs", "round"):
            setattr(Tensor, n, f)
    for n in INPLACE_METHODS:
        if n in METHODS:
            setattr(Tensor, n + "_", inplace(METHODS[n]))
    for n, cls in (("add", E.Add), ("sub", E.Sub), ("mul", E.Mul), ("div", E.Div)):
        setattr(Tensor, n + "_", _binary_inplace(cls, getattr(Tensor, n + "_")))
    Tensor.T = property(_T)
    Tensor.mT = property(lambda self: S.transpose(self, -2, -1) if self.ndim >= 2 else _mt_error(self))
    Tensor.H = property(lambda self: S.adjoint(self) if self.ndim == 2 else self.conj())
    Tensor.mH = property(lambda self: S.adjoint(self))
    Tensor.real = property(E.real, _set_real)
    Tensor.imag = property(E.imag, _set_imag)
    Tensor._assign_result = _assign_result
    Tensor.copy_ = copy_
    Tensor.zero_ = lambda self: _fill(self, 0)
    Tensor.fill_ = lambda self, value: _fill(self, value)
    Tensor.clone = S.clone
    Tensor.new_tensor = lambda self, data, dtype=None, device=None, requires_grad=False: C.tensor(
        data, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)
    for nm in ("zeros", "ones", "empty"):
        setattr(Tensor, "new_" + nm, _new_factory(getattr(C, nm)))
    Tensor.new_full = lambda self, size, fill_value, dtype=None, device=None, requires_grad=False: C.full(
        size, fill_value, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


def _T(self):
    if self.ndim <= 2:
        return S.t(self) if self.ndim == 2 else self
    return S.permute(self, tuple(range(self.ndim - 1, -1, -1)))


def _mt_error(self):
    raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. Got {self.ndim}-D tensor.")


def _set_real(self, v):
    self._data.real = v._data if isinstance(v, Tensor) else v
    self._bump()


def _set_imag(self, v):
    self._data.imag = v._data if isinstance(v, Tensor) else v
    self._bump()


def _new_factory(fn):
    def f(self, *size, dtype=None, device=None, requires_grad=False):
        return fn(*size, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)
    return f


def _assign_result(self, r):
    """Write the result of an op into an ``out=`` tensor, resizing it like torch."""
    if self._data.shape != r._data.shape:
        if self._data.size:
            import warnings  # noqa: PLC0415

            warnings.warn("An output with one or more elements was resized since it had shape "
                          f"{list(self.shape)}, which does not match the required output shape {list(r.shape)}.",
                          UserWarning, stacklevel=3)
        self._data = np.empty_like(r._data, dtype=self._data.dtype) if r.is_cpu else r._data.astype(
            self._data.dtype)
    assign(self, r)


def copy_(self, src, non_blocking: bool = False):
    """Copy ``src`` into ``self`` (broadcasting, casting, crossing devices); differentiable w.r.t. src."""
    if not isinstance(src, Tensor):
        src = C.tensor(src)
    _check_leaf(self)
    s = src
    if src.device != self.device or src.dtype != self.dtype:
        s = src.to(device=self.device, dtype=self.dtype)
    if GradMode.enabled and (s._rg or self._rg):
        assign(self, s)
        return self
    try:
        self._data[...] = s._data
    except ValueError:
        raise RuntimeError(f"The size of tensor a ({self.shape[-1] if self.ndim else 1}) must match the size of "
                           f"tensor b ({src.shape[-1] if src.ndim else 1}) at non-singleton dimension "
                           f"{max(self.ndim - 1, 0)}") from None
    self._bump()
    return self


def _fill(self, value):
    _check_leaf(self)
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor with "
                               f"{value.ndim} dimensions.")
        if GradMode.enabled and (value._rg or self._rg):
            assign(self, value.expand(self.shape))
            return self
        value = value.item()
    if GradMode.enabled and self._rg:
        assign(self, C.full_like(self, value))
        return self
    self._data[...] = value
    self._bump()
    return self
