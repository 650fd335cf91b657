"""dtypes (mirrors torch.dtype), PyTorch's type promotion, finfo/iinfo."""
from __future__ import annotations

import numpy as np
import ml_dtypes

__all__ = [
    "dtype", "bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
    "float64", "complex64", "complex128", "half", "float", "double", "short", "int", "long",
    "cfloat", "cdouble", "get_default_dtype", "set_default_dtype", "promote_types", "result_type",
    "can_cast", "finfo", "iinfo",
]

_builtin_bool, _builtin_int, _builtin_float = bool, int, float


class dtype:
    """An ember dtype; wraps the NumPy dtype used for storage."""

    __slots__ = ("name", "np", "itemsize", "is_floating_point", "is_complex", "is_signed", "_cat")

    def __init__(self, name: str, npdtype, cat: int):
        self.name = name
        self.np = np.dtype(npdtype)
        self.itemsize = self.np.itemsize
        self.is_floating_point = cat == 2
        self.is_complex = cat == 3
        self.is_signed = name not in ("bool", "uint8")
        self._cat = cat  # 0 bool, 1 integer, 2 floating, 3 complex

    def __repr__(self) -> str:
        return "ember." + self.name

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))

    def to_real(self) -> "dtype":
        return {complex64: float32, complex128: float64}.get(self, self)

    def to_complex(self) -> "dtype":
        return {float32: complex64, float64: complex128, float16: complex64, bfloat16: complex64}.get(self, self)


bool = dtype("bool", np.bool_, 0)
uint8 = dtype("uint8", np.uint8, 1)
int8 = dtype("int8", np.int8, 1)
int16 = dtype("int16", np.int16, 1)
int32 = dtype("int32", np.int32, 1)
int64 = dtype("int64", np.int64, 1)
float16 = dtype("float16", np.float16, 2)
bfloat16 = dtype("bfloat16", ml_dtypes.bfloat16, 2)
float32 = dtype("float32", np.float32, 2)
float64 = dtype("float64", np.float64, 2)
complex64 = dtype("complex64", np.complex64, 3)
complex128 = dtype("complex128", np.complex128, 3)
half, float, double = float16, float32, float64
short, int, long = int16, int32, int64
cfloat, cdouble = complex64, complex128

_ALL = (bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64, complex64, complex128)
_BY_NP = {d.np: d for d in _ALL}
_BY_NAME = {d.name: d for d in _ALL}


def _dtype_by_name(name: str) -> dtype:
    return _BY_NAME[name]


def from_numpy_dtype(npdt) -> dtype:
    try:
        return _BY_NP[npdt]
    except KeyError:
        pass
    try:
        return _BY_NP[np.dtype(npdt)]
    except (KeyError, TypeError):
        raise TypeError(f"can't convert np.ndarray of type {np.dtype(npdt)}. The only supported types are: "
                        "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint8, "
                        "and bool.") from None


def to_dtype(d) -> dtype:
    """Accept an ember dtype, a NumPy dtype/type or a Python type and return the ember dtype."""
    if d.__class__ is dtype:
        return d
    if d is _builtin_float:
        return float64
    if d is _builtin_int:
        return int64
    if d is _builtin_bool:
        return bool
    if d is complex:
        return complex128
    return from_numpy_dtype(d)


class _Default:
    dtype = float32
    complex = complex64


def get_default_dtype() -> dtype:
    return _Default.dtype


def set_default_dtype(d) -> None:
    d = to_dtype(d)
    if d not in (float16, bfloat16, float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _Default.dtype = d
    _Default.complex = complex128 if d is float64 else complex64


# --- promotion ------------------------------------------------------------------------------------
# NOTE [ type promotion ]: torch's lattice differs from NumPy's: uint8+int8 -> int16, any float with any
# integer -> the float, bfloat16+float16 -> float32. Tensors with dims outrank 0-d tensors, which outrank
# Python scalars, unless the weaker one belongs to a higher category (bool < int < float < complex).
_ORDER = [bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64, complex64, complex128]


def _promote_pair(a: dtype, b: dtype) -> dtype:
    if a is b:
        return a
    if a._cat != b._cat:
        hi, lo = (a, b) if a._cat > b._cat else (b, a)
        if hi._cat == 3 and lo._cat == 2:
            return complex128 if lo is float64 else hi
        return hi
    if a._cat == 1:
        if uint8 in (a, b):
            other = b if a is uint8 else a
            return {int8: int16}.get(other, other)
        return a if a.itemsize >= b.itemsize else b
    if a._cat == 2:
        if {a, b} == {float16, bfloat16}:
            return float32
        return a if a.itemsize >= b.itemsize else b
    return a if a.itemsize >= b.itemsize else b


_PROMOTE = {(a, b): _promote_pair(a, b) for a in _ALL for b in _ALL}


def promote_types(type1: dtype, type2: dtype) -> dtype:
    return _PROMOTE[(to_dtype(type1), to_dtype(type2))]


def _combine_categories(higher, lower):
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher._cat == 3:
        return higher
    if lower._cat == 3:
        return higher.to_complex() if higher._cat == 2 else lower
    if higher._cat == 2:
        return higher
    if higher is bool or lower._cat == 2:
        return _PROMOTE[(higher, lower)]
    return higher


def scalar_dtype(x) -> dtype:
    """dtype a Python scalar takes when it stands alone (wrapped number)."""
    if isinstance(x, _builtin_bool):
        return bool
    if isinstance(x, _builtin_int):
        return int64
    if isinstance(x, _builtin_float):
        return _Default.dtype
    if isinstance(x, complex):
        return _Default.complex
    if isinstance(x, np.generic):
        return from_numpy_dtype(x.dtype)
    raise TypeError(f"unsupported scalar type {type(x).__name__}")


def result_type(*args) -> dtype:
    """torch.result_type over tensors and Python scalars."""
    dim = zero = wrapped = None
    for a in args:
        d = getattr(a, "dtype", None)
        if d is not None and hasattr(a, "_data"):
            if a.ndim:
                dim = d if dim is None else _PROMOTE[(dim, d)]
            else:
                zero = d if zero is None else _PROMOTE[(zero, d)]
        else:
            d = scalar_dtype(a)
            wrapped = d if wrapped is None else _PROMOTE[(wrapped, d)]
    return _combine_categories(dim, _combine_categories(zero, wrapped))


def can_cast(from_: dtype, to: dtype) -> _builtin_bool:
    """torch.can_cast: casting is allowed unless it lowers the category (e.g. float -> int)."""
    return from_._cat <= to._cat or (from_._cat == to._cat)


# scalar-with-tensor promotion cache: (tensor dtype, python type) -> result dtype
_SCALAR_CACHE: dict = {}


def scalar_result(t: dtype, s) -> dtype:
    key = (t, s.__class__)
    r = _SCALAR_CACHE.get(key)
    if r is None:
        r = _combine_categories(t, scalar_dtype(s))
        if s.__class__ in (_builtin_bool, _builtin_int, _builtin_float, complex):
            _SCALAR_CACHE[key] = r
    return r


def clear_scalar_cache() -> None:
    _SCALAR_CACHE.clear()


# --- finfo / iinfo --------------------------------------------------------------------------------
class finfo:
    """Machine limits for floating point ember dtypes (mirrors torch.finfo)."""

    def __init__(self, type: dtype | None = None):
        type = to_dtype(type) if type is not None else _Default.dtype
        if type._cat < 2:
            raise TypeError(f"torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            f"'{type.name}'")
        fi = ml_dtypes.finfo(type.np) if type is bfloat16 else np.finfo(type.to_real().np)
        self.dtype = type.to_real().name
        self.bits = fi.bits
        self.eps = _builtin_float(fi.eps)
        self.max = _builtin_float(fi.max)
        self.min = _builtin_float(fi.min)
        self.tiny = self.smallest_normal = _builtin_float(fi.tiny)
        self.resolution = 10.0 ** -fi.precision  # torch's (a Python float; the half types' finfo rounds it)

    def __repr__(self):
        return (f"finfo(resolution={self.resolution}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.tiny:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo:
    """Machine limits for integer ember dtypes (mirrors torch.iinfo)."""

    def __init__(self, type: dtype):
        type = to_dtype(type)
        if type._cat > 1:
            raise TypeError(f"torch.iinfo() requires an integer input type. Use torch.finfo to handle "
                            f"'{type.name}'")
        if type is bool:
            self.bits, self.min, self.max = 8, 0, 1
        else:
            ii = np.iinfo(type.np)
            self.bits, self.min, self.max = ii.bits, _builtin_int(ii.min), _builtin_int(ii.max)
        self.dtype = type.name

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"
