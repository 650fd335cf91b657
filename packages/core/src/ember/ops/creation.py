"""Tensor creation: tensor/as_tensor/from_numpy, filled tensors, ranges, eye, tril/triu, meshgrid."""
from __future__ import annotations

import builtins
import math

import numpy as np

from .. import _dtype as D
from .._device import backend_for, to_device, CPU_DEVICE
from .._tensor import Tensor
from ._op import Op, apply

__all__ = ["tensor", "as_tensor", "asarray", "from_numpy", "zeros", "ones", "full", "empty", "zeros_like",
           "ones_like", "full_like", "empty_like", "arange", "range", "linspace", "logspace", "eye", "tril",
           "triu", "meshgrid", "complex", "polar", "empty_strided", "scalar_tensor", "tril_indices",
           "triu_indices", "frombuffer"]


def _xp(device):
    if device is None:
        return np
    d = to_device(device)
    return np if d.type == "cpu" else backend_for(d).xp


def _infer_np(data, exact: bool = False):
    """NumPy array for Python data with torch's dtype inference (floats -> default dtype, ints -> int64).

    ``exact`` keeps Python floats in double precision (an explicit dtype is applied next, and rounding through
    the default dtype first would lose digits: tensor([0.1], dtype=float64) must hold the double 0.1).
    """
    if isinstance(data, Tensor):
        return data._data
    if isinstance(data, (list, tuple)) and data and any(isinstance(x, Tensor) for x in _flat(data)):
        data = _tensors_to_lists(data)
    if isinstance(data, np.ndarray):
        return data
    if isinstance(data, np.generic):
        return np.asarray(data)
    arr = np.asarray(data)
    k = arr.dtype.kind
    if exact and k in "fc":
        return arr
    if k == "f":
        arr = arr.astype(D.get_default_dtype().np)
    elif k == "c":
        arr = arr.astype(D._Default.complex.np)
    elif k in "iu":
        if arr.dtype != np.int64:
            arr = arr.astype(np.int64)
    elif k == "O" or k == "U" or k == "S":
        raise TypeError(f"Could not infer dtype of {type(_first(data)).__name__}")
    return arr


def _first(data):
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return data


def _flat(data):
    for x in data:
        if isinstance(x, (list, tuple)):
            yield from _flat(x)
        else:
            yield x


def _tensors_to_lists(data):
    if isinstance(data, Tensor):
        return data.tolist() if data._data.dtype.kind != "f" else np.asarray(data)
    if isinstance(data, (list, tuple)):
        return [_tensors_to_lists(x) for x in data]
    return data


def tensor(data, *, dtype=None, device=None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """Construct a tensor that copies ``data`` (mirrors torch.tensor)."""
    if isinstance(data, Tensor):
        arr = data._data
        if not data.is_cpu and (device is None or to_device(device).type == "cuda"):
            arr = arr.copy()
        else:
            arr = np.array(data.detach().cpu()._data, copy=True)
    else:
        arr = np.array(_infer_np(data, exact=dtype is not None), copy=True)
    if dtype is not None:
        arr = arr.astype(D.to_dtype(dtype).np, copy=False)
    if device is not None and to_device(device).type != "cpu":
        arr = backend_for(to_device(device)).xp.asarray(arr)
    t = Tensor._wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Share memory with ``data`` when possible (mirrors torch.as_tensor)."""
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype) if (dtype or device) else data
    if isinstance(data, np.ndarray):
        t = from_numpy(data)
        return t.to(device=device, dtype=dtype) if (dtype or device) else t
    return tensor(data, dtype=dtype, device=device)


asarray = as_tensor


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``ndarray``."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    D.from_numpy_dtype(ndarray.dtype)
    return Tensor._wrap(ndarray)


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False) -> Tensor:
    return from_numpy(np.frombuffer(buffer, dtype=D.to_dtype(dtype).np, count=count, offset=offset))


def _size(size):
    if len(size) == 1 and isinstance(size[0], (list, tuple)):
        size = tuple(size[0])
    out = []
    for s in size:
        if isinstance(s, Tensor):
            s = int(s)
        if not isinstance(s, (int, np.integer)):
            raise TypeError(f"zeros(): argument 'size' must be tuple of ints, but found element of type "
                            f"{type(s).__name__}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
        out.append(int(s))
    return tuple(out)


def _dt(dtype, default=None):
    return D.to_dtype(dtype) if dtype is not None else (default or D.get_default_dtype())


def _new(arr, requires_grad):
    t = Tensor._wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def zeros(*size, dtype=None, device=None, requires_grad=False, out=None, layout=None, pin_memory=False):
    return _new(_xp(device).zeros(_size(size), _dt(dtype).np), requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False, out=None, layout=None, pin_memory=False):
    return _new(_xp(device).ones(_size(size), _dt(dtype).np), requires_grad)


def empty(*size, dtype=None, device=None, requires_grad=False, out=None, layout=None, pin_memory=False,
          memory_format=None):
    return _new(_xp(device).empty(_size(size), _dt(dtype).np), requires_grad)


def empty_strided(size, stride, *, dtype=None, device=None, requires_grad=False):
    return empty(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False, out=None, layout=None):
    if dtype is None:
        dtype = D.scalar_dtype(fill_value.item() if isinstance(fill_value, Tensor) else fill_value)
    return _new(_xp(device).full(_size((size,)), fill_value, D.to_dtype(dtype).np), requires_grad)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False):
    return full((), s, dtype=dtype or D.get_default_dtype(), device=device, requires_grad=requires_grad)


def _like(input, dtype, device):
    return (input.shape, D.to_dtype(dtype) if dtype is not None else input.dtype,
            device if device is not None else input.device)


def zeros_like(input, *, dtype=None, device=None, requires_grad=False, layout=None, memory_format=None):
    s, d, dev = _like(input, dtype, device)
    return zeros(s, dtype=d, device=dev, requires_grad=requires_grad)


def ones_like(input, *, dtype=None, device=None, requires_grad=False, layout=None, memory_format=None):
    s, d, dev = _like(input, dtype, device)
    return ones(s, dtype=d, device=dev, requires_grad=requires_grad)


def empty_like(input, *, dtype=None, device=None, requires_grad=False, layout=None, memory_format=None):
    s, d, dev = _like(input, dtype, device)
    return empty(s, dtype=d, device=dev, requires_grad=requires_grad)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False, layout=None,
              memory_format=None):
    s, d, dev = _like(input, dtype, device)
    return full(s, fill_value, dtype=d, device=dev, requires_grad=requires_grad)


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False, out=None, layout=None):
    """Values in [start, end) with ``step``; integer arguments give int64 like torch."""
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    start, end, step = vals
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) / step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        dtype = D.int64 if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in vals) \
            else D.get_default_dtype()
    dtype = D.to_dtype(dtype)
    n = math.ceil((end - start) / step)
    xp = _xp(device)
    if dtype._cat >= 2:
        arr = (start + xp.arange(n, dtype=np.float64) * step).astype(dtype.np)
    else:
        arr = xp.arange(start, start + n * step, step, dtype=np.int64)[:n].astype(dtype.np)
    return _new(arr, requires_grad)


def range(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """Deprecated torch.range: includes ``end``; float dtype."""
    if end is None:
        start, end = 0, start
    n = int(math.floor((end - start) / step)) + 1
    return _new((start + _xp(device).arange(n, dtype=np.float64) * step).astype(_dt(dtype).np), requires_grad)


def linspace(start, end, steps: int, *, dtype=None, device=None, requires_grad=False, out=None):
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    start = start.item() if isinstance(start, Tensor) else start
    end = end.item() if isinstance(end, Tensor) else end
    d = _dt(dtype)
    xp = _xp(device)
    if steps > 1 and (d.np in (np.float32, np.float64) or d.np.kind == "i" or d.np.kind == "u" and
                      min(start, end) >= 0):
        return _new(_torch_linspace(xp, start, end, steps, d.np), requires_grad)
    if d._cat < 2:
        arr = np.linspace(start, end, steps)
        arr = np.trunc(arr).astype(d.np) if d._cat else arr.astype(d.np)
        return _new(xp.asarray(arr), requires_grad)
    return _new(xp.linspace(start, end, steps, dtype=np.float64).astype(d.np), requires_grad)


def _torch_linspace(xp, start, end, steps: int, np_dtype):
    """torch's CPU linspace, bit for bit: ``start + step*i`` on the first half and ``end - step*(steps-1-i)`` on
    the second, each rounded once (an FMA), in float32 for float32 and float64 otherwise; integer dtypes truncate
    the ends first and the values last. Grids built from it (affine_grid) then land on the same side of pixel
    centres as torch's, which decides bilinear gradients there."""
    ct = np.float32 if np_dtype == np.float32 else np.float64
    if np.dtype(np_dtype).kind in "iu":
        start, end = int(start), int(end)
    s, e = ct(start), ct(end)
    step = (e - s) / ct(steps - 1)
    i = xp.arange(steps, dtype=np.float64)
    first = i < steps // 2
    k = xp.where(first, i, i - (steps - 1))  # the second half counts back from ``end``
    base = xp.where(first, np.float64(s), np.float64(e))
    if ct is np.float32:  # float32 * integer is exact in float64: one rounding, to float32
        out = (base + np.float64(step) * k).astype(np.float32)
    else:  # float64: step*k exactly as hi*k + lo*k (Veltkamp split), then a compensated sum
        step = np.float64(step)
        c = np.float64(134217729.0) * step
        hi = c - (c - step)
        lo = step - hi
        p = hi * k
        s1 = base + p
        bb = s1 - base
        err = (base - (s1 - bb)) + (p - bb)
        out = s1 + (err + lo * k)
    return out.astype(np_dtype) if np.dtype(np_dtype).kind not in "iu" else xp.trunc(out).astype(np_dtype)


def logspace(start, end, steps: int, base: float = 10.0, *, dtype=None, device=None, requires_grad=False):
    d = _dt(dtype)
    return _new(_xp(device).logspace(start, end, steps, base=base, dtype=np.float64).astype(d.np), requires_grad)


def eye(n: int, m: int | None = None, *, dtype=None, device=None, requires_grad=False, out=None):
    if n < 0 or (m is not None and m < 0):
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    return _new(_xp(device).eye(n, m if m is not None else n, dtype=_dt(dtype).np), requires_grad)


class Tril(Op):
    def forward(ctx, xp, x, diagonal=0):
        ctx.k = diagonal
        if x.ndim < 2:
            raise RuntimeError("tril: input tensor must have at least 2 dimensions")
        return xp.tril(x, diagonal)

    def backward(ctx, g):
        return tril(g, ctx.k)


class Triu(Op):
    def forward(ctx, xp, x, diagonal=0):
        ctx.k = diagonal
        if x.ndim < 2:
            raise RuntimeError("triu: input tensor must have at least 2 dimensions")
        return xp.triu(x, diagonal)

    def backward(ctx, g):
        return triu(g, ctx.k)


def tril(input, diagonal: int = 0, *, out=None):
    return apply(Tril, input, diagonal=diagonal)


def triu(input, diagonal: int = 0, *, out=None):
    return apply(Triu, input, diagonal=diagonal)


def tril_indices(row, col, offset=0, *, dtype=None, device=None):
    r, c = np.tril_indices(row, offset, col)
    return tensor(np.stack([r, c]), dtype=dtype or D.int64, device=device)


def triu_indices(row, col, offset=0, *, dtype=None, device=None):
    r, c = np.triu_indices(row, offset, col)
    return tensor(np.stack([r, c]), dtype=dtype or D.int64, device=device)


def meshgrid(*tensors, indexing: str | None = None):
    """Coordinate grids; default indexing 'ij' like torch."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    indexing = indexing or "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}")
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError("torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: "
                               f"{t.ndim}D")
    ts = [t.reshape(-1) for t in tensors]
    n = len(ts)
    shape = [t.shape[0] for t in ts]
    if indexing == "xy" and n >= 2:
        shape[0], shape[1] = shape[1], shape[0]
    out = []
    for i, t in enumerate(ts):
        pos = i
        if indexing == "xy" and n >= 2 and i < 2:
            pos = 1 - i
        view = [1] * n
        view[pos] = -1
        out.append(t.reshape(view).expand(shape))
    return tuple(out)


class Complex(Op):
    def forward(ctx, xp, real, imag):
        if real.dtype != imag.dtype:
            raise RuntimeError(f"Expected object of scalar type {real.dtype} but got scalar type {imag.dtype} for "
                               f"second argument")
        if real.dtype.kind != "f":
            raise RuntimeError("Expected both inputs to be Half, Float or Double tensors but got "
                               f"{real.dtype} and {imag.dtype}")
        return real + 1j * imag.astype(np.result_type(real.dtype, np.complex64))

    def backward(ctx, g):
        return g.real, g.imag


def complex(real, imag) -> Tensor:
    return apply(Complex, real, imag)


def polar(abs, angle) -> Tensor:
    return complex(abs * angle.cos(), abs * angle.sin())


def _as_tensor_like(x, like=None) -> Tensor:
    """Turn a scalar/array into a tensor on ``like``'s device (for reflected ops and mixed arguments)."""
    if isinstance(x, Tensor):
        return x
    return tensor(x, device=like.device if isinstance(like, Tensor) else None)
