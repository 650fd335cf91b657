"""Tensor utilities torch programs reach for: storage pointers, resizing, Python-callable maps, in-place extras.

Exported by ops.misc; everything Tensor-specific is attached as a method at import time, only where no other
module defines it already.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._device import backend_of
from .._tensor import Tensor
from ..autograd.grad_mode import GradMode
from ._op import Op, apply
from .inplace import _check_leaf, assign, inplace

__all__ = ["is_same_size", "positive", "resolve_conj", "resolve_neg", "conj_physical", "detach", "abs_",
           "softmax", "log_softmax", "relu", "relu_", "set_float32_matmul_precision",
           "get_float32_matmul_precision", "set_warn_always", "is_warn_always_enabled"]


# ---------------------------------------------------------------------------------------------------------
# storage
def _root(a):
    """The array that owns the memory ``a`` views."""
    while a.base is not None and hasattr(a.base, "dtype") and hasattr(a.base, "shape"):
        a = a.base
    return a


def _ptr(a) -> int:
    return int(a.__array_interface__["data"][0]) if a.__class__ is np.ndarray else int(a.data.ptr)


class UntypedStorage:
    """The bytes behind a tensor (mirrors the parts of torch.UntypedStorage programs inspect)."""

    def __init__(self, array):
        self._array = array

    def data_ptr(self) -> int:
        return _ptr(self._array)

    def nbytes(self) -> int:
        return int(self._array.nbytes)

    def size(self) -> int:
        return self.nbytes()

    __len__ = size

    def element_size(self) -> int:
        return 1

    @property
    def device(self):
        return Tensor._wrap(self._array).device

    def _bytes(self) -> np.ndarray:
        a = backend_of(self._array).to_host(self._array)
        return np.ascontiguousarray(a).reshape(-1).view(np.uint8)

    def tolist(self) -> list:
        return self._bytes().tolist()

    def __getitem__(self, i):
        return self._bytes()[i].tolist()

    def __eq__(self, other):
        return isinstance(other, UntypedStorage) and self.data_ptr() == other.data_ptr() and \
            self.nbytes() == other.nbytes()

    def __hash__(self):
        return hash((self.data_ptr(), self.nbytes()))

    def __repr__(self):
        return f"torch.storage.UntypedStorage(device={self.device}) of size {self.nbytes()}"


def _untyped_storage(self) -> UntypedStorage:
    """The storage this tensor views (torch.Tensor.untyped_storage)."""
    return UntypedStorage(_root(self._data))


def _data_ptr(self) -> int:
    """Address of the first element (torch.Tensor.data_ptr)."""
    return _ptr(self._data)


def _is_set_to(self, tensor: Tensor) -> bool:
    """True when both tensors view the same storage with the same offset, sizes and strides."""
    a, b = self._data, tensor._data
    return _root(a) is _root(b) and _ptr(a) == _ptr(b) and a.shape == b.shape and a.strides == b.strides


def _get_device(self) -> int:
    return -1 if self.is_cpu else self.device.index or 0


def _dim_order(self, *, ambiguity_check: bool = False) -> tuple:
    """Dims from outermost to innermost in memory (torch.Tensor.dim_order)."""
    st = self.stride()
    order = sorted(range(self.ndim), key=lambda i: -st[i])
    if ambiguity_check:
        seen = {}
        for i in order:
            if self.shape[i] != 1 and st[i] in seen:
                raise RuntimeError("The tensor does not have unique dim order, or cannot map to contiguous dim order")
            seen[st[i]] = i
    return tuple(order)


# ---------------------------------------------------------------------------------------------------------
# resizing and re-pointing
def _shape_arg(sizes) -> tuple:
    from .creation import _size  # noqa: PLC0415

    return _size(sizes)


def _resize_(self, *sizes, memory_format=None) -> Tensor:
    """Resize in place, keeping the leading elements (torch.Tensor.resize_)."""
    shape = _shape_arg(sizes)
    if self._rg:
        raise RuntimeError("cannot resize variables that require grad")
    old = self._data
    if old.shape == shape:
        return self
    xp = backend_of(old).xp
    n = int(np.prod(shape, dtype=np.int64))
    if n <= old.size and old.flags.c_contiguous:
        new = old.reshape(-1)[:n].reshape(shape)  # shrinking keeps the same storage, like torch
    else:
        new = xp.zeros(n, dtype=old.dtype)
        k = min(n, old.size)
        new[:k] = old.reshape(-1)[:k]
        new = new.reshape(shape)
    self._data = new
    self._bump()
    return self


def _resize_as_(self, the_template: Tensor, memory_format=None) -> Tensor:
    return _resize_(self, *the_template.shape)


def _set_(self, source=None, storage_offset: int = 0, size=None, stride=None) -> Tensor:
    """Point this tensor at ``source``'s memory (torch.Tensor.set_); no source: an empty tensor."""
    if self._rg and GradMode.enabled and self._grad_fn is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    if source is None:
        self._data = backend_of(self._data).xp.empty((0,), dtype=self._data.dtype)
    else:
        arr = source._array if isinstance(source, UntypedStorage) else source._data
        if isinstance(source, UntypedStorage) or size is not None:
            flat = _root(arr).reshape(-1)
            if isinstance(source, UntypedStorage):
                flat = flat.view(np.uint8).view(self._data.dtype)
            if size is None:
                size = (flat.size - storage_offset,)
            size = tuple(size)
            if stride is None:
                stride = tuple(int(np.prod(size[i + 1:], dtype=np.int64)) for i in range(len(size)))
            need = storage_offset + sum((s - 1) * st for s, st in zip(size, stride)) + 1 if all(size) else 0
            if need > flat.size:
                raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
                                   f"{storage_offset} require {need} elements but the storage has {flat.size}")
            isz = flat.itemsize
            arr = np.lib.stride_tricks.as_strided(flat[storage_offset:], size, tuple(s * isz for s in stride)) \
                if flat.__class__ is np.ndarray else flat[storage_offset:].view()
        self._data = arr
    self._bump()
    return self


# ---------------------------------------------------------------------------------------------------------
# Python callables (CPU only, like torch)
def _cpu_only(self, name):
    if not self.is_cpu:
        raise TypeError(f"{name} is only implemented on CPU tensors")
    _check_leaf(self)


def _store(self, res):
    self._data[...] = np.asarray(res).astype(self._data.dtype)
    self._bump()
    return self


def _apply_(self, callable) -> Tensor:
    """Apply a Python function to every element in place (CPU only)."""
    _cpu_only(self, "apply_")
    return _store(self, np.frompyfunc(callable, 1, 1)(self._data))


def _map_(self, tensor: Tensor, callable) -> Tensor:
    """self[i] = callable(self[i], tensor[i]) with tensor broadcast to self (CPU only)."""
    _cpu_only(self, "map_")
    other = np.broadcast_to(tensor._data, self._data.shape)
    return _store(self, np.frompyfunc(callable, 2, 1)(self._data, other))


def _map2_(self, x: Tensor, y: Tensor, callable) -> Tensor:
    """self[i] = callable(self[i], x[i], y[i]) with x, y broadcast to self (CPU only)."""
    _cpu_only(self, "map2_")
    xs = np.broadcast_to(x._data, self._data.shape)
    ys = np.broadcast_to(y._data, self._data.shape)
    return _store(self, np.frompyfunc(callable, 3, 1)(self._data, xs, ys))


# ---------------------------------------------------------------------------------------------------------
# shape/dtype helpers
def _type_as(self, other: Tensor) -> Tensor:
    """Cast to other's dtype (and device) (torch.Tensor.type_as)."""
    return self.to(device=other.device, dtype=other.dtype)


def _sum_to_size(self, *size) -> Tensor:
    """Sum broadcast dims so the result has ``size`` (torch.Tensor.sum_to_size)."""
    shape = _shape_arg(size)
    nd = self.ndim
    lead = nd - len(shape)
    if lead < 0 or any(s != 1 and s != self.shape[lead + i] for i, s in enumerate(shape)):
        raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size {{{list(self.shape)}}}.")
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and self.shape[lead + i] != 1)
    r = self.sum(dims, keepdim=True) if dims else self
    return r.reshape(shape) if r.shape != shape else r


def is_same_size(input: Tensor, other: Tensor) -> bool:
    """True when both tensors have the same shape (mirrors torch.is_same_size)."""
    return input.shape == other.shape


def _is_signed(self) -> bool:
    return self._data.dtype.kind in "ifc" or self._data.dtype == D.bfloat16.np


def positive(input: Tensor) -> Tensor:
    """Returns input unchanged; rejects bool like torch's unary plus (mirrors torch.positive)."""
    if input._data.dtype == np.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def resolve_conj(input: Tensor) -> Tensor:
    """ember materialises conjugation eagerly, so there is never a conjugate bit to resolve."""
    return input


def resolve_neg(input: Tensor) -> Tensor:
    """ember materialises negation eagerly, so there is never a negative bit to resolve."""
    return input


def conj_physical(input: Tensor) -> Tensor:
    """Elementwise complex conjugate, materialised (mirrors torch.conj_physical)."""
    return input.conj() if input.is_complex() else input


def detach(input: Tensor) -> Tensor:
    """input.detach() (mirrors torch.detach)."""
    return input.detach()


def abs_(input: Tensor) -> Tensor:
    """In-place absolute value (mirrors torch.abs_)."""
    return input.abs_()


# ---------------------------------------------------------------------------------------------------------
# activations torch also exposes at top level and as methods (implemented in nn.functional)
def softmax(input: Tensor, dim: int, dtype=None) -> Tensor:
    """Softmax along ``dim`` (mirrors torch.softmax)."""
    from ..nn import functional as F  # noqa: PLC0415

    return F.softmax(input, dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int, dtype=None) -> Tensor:
    """Log-softmax along ``dim`` (mirrors torch.log_softmax)."""
    from ..nn import functional as F  # noqa: PLC0415

    return F.log_softmax(input, dim, dtype=dtype)


def relu(input: Tensor) -> Tensor:
    """max(input, 0) (mirrors torch.relu)."""
    from ..nn import functional as F  # noqa: PLC0415

    return F.relu(input)


def relu_(input: Tensor) -> Tensor:
    """In-place relu (mirrors torch.relu_)."""
    from ..nn import functional as F  # noqa: PLC0415

    return F.relu_(input)


def _hardshrink(self, lambd: float = 0.5) -> Tensor:
    from ..nn import functional as F  # noqa: PLC0415

    return F.hardshrink(self, lambd)


# ---------------------------------------------------------------------------------------------------------
class FillDiagonal(Op):
    def forward(ctx, xp, x, value=0, wrap=False):
        ctx.wrap = wrap
        out = x.copy()
        xp.fill_diagonal(out, value, wrap=wrap)
        return out

    def backward(ctx, g):
        return apply(FillDiagonal, g, value=0, wrap=ctx.wrap)


def _fill_diagonal_(self, fill_value, wrap: bool = False) -> Tensor:
    """Fill the main diagonal in place (torch.Tensor.fill_diagonal_)."""
    if self.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if self.ndim > 2 and len(set(self.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    _check_leaf(self)
    assign(self, apply(FillDiagonal, self, value=fill_value, wrap=wrap))
    return self


# ---------------------------------------------------------------------------------------------------------
# process-wide switches
class _Switches:
    matmul_precision = "highest"
    warn_always = False


def set_float32_matmul_precision(precision: str) -> None:
    """Record the float32 matmul precision ("highest", "high", "medium"); ember always computes in full fp32."""
    if precision not in ("highest", "high", "medium"):
        raise RuntimeError(f"Invalid precision {precision}; expected one of 'highest', 'high', 'medium'")
    _Switches.matmul_precision = precision


def get_float32_matmul_precision() -> str:
    return _Switches.matmul_precision


def set_warn_always(b: bool) -> None:
    """Warn every time instead of once for warnings that torch rate-limits."""
    _Switches.warn_always = bool(b)


def is_warn_always_enabled() -> bool:
    return _Switches.warn_always


# ---------------------------------------------------------------------------------------------------------
def _install():
    from .reduction import cumsum, cumprod  # noqa: PLC0415
    from .._flags import is_nonzero  # noqa: PLC0415

    methods = {
        "untyped_storage": _untyped_storage, "data_ptr": _data_ptr, "is_set_to": _is_set_to,
        "get_device": _get_device, "dim_order": _dim_order, "resize_": _resize_, "resize_as_": _resize_as_,
        "set_": _set_, "apply_": _apply_, "map_": _map_, "map2_": _map2_, "type_as": _type_as,
        "sum_to_size": _sum_to_size, "is_same_size": is_same_size, "is_signed": _is_signed,
        "positive": positive, "resolve_conj": resolve_conj, "resolve_neg": resolve_neg,
        "conj_physical": conj_physical, "is_conj": lambda self: False, "is_neg": lambda self: False,
        "is_nonzero": is_nonzero, "softmax": lambda self, dim, dtype=None: softmax(self, dim, dtype),
        "log_softmax": lambda self, dim, dtype=None: log_softmax(self, dim, dtype), "relu": relu, "relu_": relu_,
        "hardshrink": _hardshrink, "fill_diagonal_": _fill_diagonal_,
        "cumsum_": inplace(lambda self, dim, *, dtype=None: cumsum(self, dim, dtype=dtype)),
        "cumprod_": inplace(lambda self, dim, *, dtype=None: cumprod(self, dim, dtype=dtype)),
        "conj_physical_": inplace(conj_physical),
    }
    for name, fn in methods.items():
        if not hasattr(Tensor, name):
            setattr(Tensor, name, fn)
    # in-place forms of the fused matmul-adds, when their out-of-place op exists
    for name in ("addmm", "addmv", "addr", "baddbmm", "addbmm"):
        if hasattr(Tensor, name) and not hasattr(Tensor, name + "_"):
            setattr(Tensor, name + "_", inplace(getattr(Tensor, name)))


_install()
