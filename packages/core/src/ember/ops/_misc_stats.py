"""Statistics, integration and array builders composed from differentiable ember ops (exported by ops.misc).

Most functions here are compositions of existing ops, so autograd (and double backward) comes for free;
``block_diag`` is a fused op with its own backward.
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from ._op import Op, apply

__all__ = ["trapezoid", "trapz", "cumulative_trapezoid", "cov", "corrcoef", "cartesian_prod", "combinations",
           "block_diag", "quantile", "nanquantile", "msort", "renorm", "gradient", "bartlett_window",
           "blackman_window", "hamming_window", "hann_window", "kaiser_window"]


def _E():
    import ember  # noqa: PLC0415  (the assembled namespace; this module loads while ember initialises)

    return ember


def _floatify(t: Tensor) -> Tensor:
    return t.to(D.get_default_dtype()) if t._data.dtype.kind in "biu" else t


def _wrap_dim(dim: int, ndim: int) -> int:
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


# ---------------------------------------------------------------------------------------------------------
# integration
def _trapz_dx(x, y: Tensor, dim: int):
    """Spacing along ``dim``: a Python number or a tensor broadcastable against y's segments."""
    if not isinstance(x, Tensor):
        return x
    if x.ndim == 1:
        if x.shape[0] != y.shape[dim]:
            raise RuntimeError(f"trapezoid: There must be one `x` value for each sample point, but got "
                               f"{x.shape[0]} and {y.shape[dim]}")
        d = x.diff()
        return d.reshape([-1] + [1] * (y.ndim - 1 - dim))
    return x.diff(dim=dim)


def trapezoid(y: Tensor, x=None, *, dx=None, dim: int = -1) -> Tensor:
    """Trapezoidal rule along ``dim`` with sample points ``x`` or spacing ``dx`` (mirrors torch.trapezoid)."""
    if x is not None and dx is not None:
        raise RuntimeError("trapezoid: cannot specify both x and dx")
    dim = _wrap_dim(dim, y.ndim)
    y = _floatify(y)
    n = y.shape[dim]
    spacing = _trapz_dx(x, y, dim) if x is not None else (1 if dx is None else dx)
    if n == 0:
        return y.sum(dim) * 0
    left, right = y.narrow(dim, 0, n - 1), y.narrow(dim, 1, n - 1)
    if isinstance(spacing, Tensor):
        return ((left + right) * spacing).sum(dim) / 2
    return (y.sum(dim) - (left.select(dim, 0) + right.select(dim, -1)) / 2) * spacing if n > 1 else \
        y.sum(dim) * 0


def trapz(y: Tensor, x=None, *, dx=None, dim: int = -1) -> Tensor:
    """Alias of trapezoid (mirrors torch.trapz)."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y: Tensor, x=None, *, dx=None, dim: int = -1) -> Tensor:
    """Running trapezoidal integral along ``dim`` (one element shorter) (mirrors torch.cumulative_trapezoid)."""
    if x is not None and dx is not None:
        raise RuntimeError("cumulative_trapezoid: cannot specify both x and dx")
    dim = _wrap_dim(dim, y.ndim)
    y = _floatify(y)
    n = y.shape[dim]
    spacing = _trapz_dx(x, y, dim) if x is not None else (1 if dx is None else dx)
    if n == 0:
        return y
    seg = (y.narrow(dim, 0, n - 1) + y.narrow(dim, 1, n - 1)) * spacing / 2
    return seg.cumsum(dim)


# ---------------------------------------------------------------------------------------------------------
# covariance
def cov(input: Tensor, *, correction: int = 1, fweights: Tensor | None = None,
        aweights: Tensor | None = None) -> Tensor:
    """Covariance of the rows (variables) over the columns (observations) (mirrors torch.cov)."""
    if input.ndim > 2:
        raise ValueError(f"cov(): expected input to have two or fewer dimensions but got an input with "
                         f"{input.ndim} dimensions")
    x = _floatify(input)
    if x.ndim < 2:
        x = x.reshape(1, -1)
    n_obs = x.shape[1]
    w = None
    if fweights is not None:
        if fweights.ndim > 1 or fweights.shape[0] != n_obs:
            raise RuntimeError(f"cov(): expected fweights to have one dimension and {n_obs} elements")
        if fweights._data.dtype.kind not in "iu":
            raise RuntimeError("cov(): expected fweights to have integral dtype")
        if bool((fweights < 0).any()):
            raise RuntimeError("cov(): fweights cannot be negative")
        w = fweights
    if aweights is not None:
        if aweights.ndim > 1 or aweights.shape[0] != n_obs:
            raise RuntimeError(f"cov(): expected aweights to have one dimension and {n_obs} elements")
        if aweights._data.dtype.kind != "f":
            raise RuntimeError("cov(): expected aweights to have floating point dtype")
        if bool((aweights < 0).any()):
            raise RuntimeError("cov(): aweights cannot be negative")
        w = aweights if w is None else w * aweights
    if w is None:
        avg = x.mean(1)
        w_sum = n_obs
        norm = w_sum - correction
    else:
        w = w.to(x.dtype)
        w_sum = w.sum()
        avg = (x * w).sum(1) / w_sum
        if aweights is None:
            norm = w_sum - correction
        else:
            norm = w_sum - correction * (w * aweights).sum() / w_sum
    if (not isinstance(norm, Tensor) and norm <= 0) or (isinstance(norm, Tensor) and bool(norm <= 0)):
        import warnings  # noqa: PLC0415

        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                      "observations.", UserWarning, stacklevel=2)
        norm = norm * 0 if isinstance(norm, Tensor) else 0
    xc = x - avg.unsqueeze(1)
    xw = xc if w is None else xc * w
    c = xw.matmul(xc.mT.conj() if xc.is_complex() else xc.mT) / norm
    return c.squeeze() if input.ndim < 2 else c


def corrcoef(input: Tensor) -> Tensor:
    """Pearson correlation coefficients of the rows (mirrors torch.corrcoef)."""
    c = cov(input)
    if c.ndim == 0:
        return c / c
    d = c.diagonal()
    std = d.real.sqrt() if c.is_complex() else d.sqrt()
    c = c / std.unsqueeze(1) / std.unsqueeze(0)
    return c if c.is_complex() else c.clamp(-1, 1)


# ---------------------------------------------------------------------------------------------------------
# array builders
def cartesian_prod(*tensors: Tensor) -> Tensor:
    """Cartesian product of 1-D tensors, one row per combination (mirrors torch.cartesian_prod)."""
    E = _E()
    for i, t in enumerate(tensors):
        if t.ndim != 1:
            raise RuntimeError(f"Expect a 1D vector, but got shape {list(t.shape)}")
    if len(tensors) == 1:
        return tensors[0]
    grids = E.meshgrid(*tensors, indexing="ij")
    return E.stack([g.reshape(-1) for g in grids], dim=1)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """All length-r combinations of the elements of a 1-D tensor (mirrors torch.combinations)."""
    if input.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(input.shape)}")
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return input.new_empty(0)
    n = input.shape[0]
    gen = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    idx = np.fromiter(itertools.chain.from_iterable(gen(range(n), r)), dtype=np.int64)
    from .creation import tensor  # noqa: PLC0415

    sel = input.index_select(0, tensor(idx, device=input.device))
    return sel.reshape(-1, r)


class BlockDiag(Op):
    def forward(ctx, xp, *mats):
        dt = np.result_type(*[m.dtype for m in mats]) if mats else np.float32
        shapes = [m.shape for m in mats]
        ctx.shapes = shapes
        rows = sum(s[0] for s in shapes)
        cols = sum(s[1] for s in shapes)
        out = xp.zeros((rows, cols), dtype=dt)
        r = c = 0
        for m in mats:
            out[r:r + m.shape[0], c:c + m.shape[1]] = m
            r += m.shape[0]
            c += m.shape[1]
        return out

    def backward(ctx, g):
        grads = []
        r = c = 0
        for h, w in ctx.shapes:
            grads.append(g[r:r + h, c:c + w])
            r += h
            c += w
        return tuple(grads)


def block_diag(*tensors: Tensor) -> Tensor:
    """Block-diagonal matrix from 0-, 1- and 2-D tensors (mirrors torch.block_diag)."""
    mats = []
    for i, t in enumerate(tensors):
        if t.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has "
                               f"{t.ndim} dimensions")
        mats.append(t.reshape(1, -1) if t.ndim < 2 else t)
    if not mats:
        from .creation import empty  # noqa: PLC0415

        return empty(1, 0)
    dt = D.result_type(*mats)
    mats = [m.to(dt) if m.dtype != dt else m for m in mats]
    return apply(BlockDiag, *mats)


def msort(input: Tensor) -> Tensor:
    """Sort along the first dimension (mirrors torch.msort)."""
    return _E().sort(input, 0).values


def renorm(input: Tensor, p: float, dim: int, maxnorm: float) -> Tensor:
    """Rescale each slice along ``dim`` whose p-norm exceeds ``maxnorm`` (mirrors torch.renorm)."""
    if input.ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {input.ndim} dimensions")
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm}")
    dim = _wrap_dim(dim, input.ndim)
    others = tuple(d for d in range(input.ndim) if d != dim)
    norm = _E().linalg.vector_norm(input, p, dim=others, keepdim=True)
    factor = (maxnorm / (norm + 1e-7)).masked_fill(norm <= maxnorm, 1.0)
    return input * factor


# ---------------------------------------------------------------------------------------------------------
# quantiles
_INTERP = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(name: str, input: Tensor, q, dim, keepdim: bool, interpolation: str, ignore_nan: bool):
    E = _E()
    if input._data.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    if interpolation not in _INTERP:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest. Got "
                           f"{interpolation}")
    scalar_q = not isinstance(q, Tensor) or q.ndim == 0
    if isinstance(q, Tensor):
        if q.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if q.dtype != input.dtype:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        qa = np.asarray(q._data if q.is_cpu else q._data.get(), dtype=np.float64).reshape(-1)
    else:
        qa = np.asarray([float(q)])
    if qa.size and (qa.min() < 0 or qa.max() > 1):
        bad = qa[(qa < 0) | (qa > 1)][0]
        raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {bad}" if scalar_q else
                           f"{name}() q values must be in the range [0, 1]")
    if input.numel() == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if dim is None:
        x = input.reshape(-1)
        d = 0
    else:
        d = _wrap_dim(dim, input.ndim)
        x = input if input.ndim else input.reshape(1)
    xs = E.sort(x.movedim(d, -1), -1).values  # NaN sorts last
    n = xs.shape[-1]
    rows = xs.shape[:-1]
    xd = xs.detach()._data
    isnan = np.isnan(xd if xd.__class__ is np.ndarray else xd.get())  # ranks are computed on the host
    if ignore_nan:
        k = (n - isnan.sum(-1)).astype(np.float64)          # valid values per row
        rank = qa.reshape((-1,) + (1,) * len(rows)) * np.maximum(k - 1, 0)
    else:
        rank = qa.reshape((-1,) + (1,) * len(rows)) * (n - 1) * np.ones(rows)
        rank = np.where(isnan.any(-1), n - 1, rank)           # a NaN row yields NaN
    rank = np.broadcast_to(rank, (qa.size,) + tuple(rows))
    if interpolation == "nearest":
        rank = np.round(rank)
    lo = np.floor(rank).astype(np.int64)
    hi = np.ceil(rank).astype(np.int64)
    from .creation import tensor  # noqa: PLC0415

    def gather(idx):
        t = tensor(np.moveaxis(idx, 0, -1), device=input.device)   # rows..., Q
        return E.take_along_dim(xs, t, -1).movedim(-1, 0)
    if interpolation in ("lower", "nearest"):
        out = gather(lo)
    elif interpolation == "higher":
        out = gather(hi)
    else:
        vlo, vhi = gather(lo), gather(hi)
        w = 0.5 if interpolation == "midpoint" else tensor(rank - lo, dtype=input.dtype, device=input.device)
        out = vlo + (vhi - vlo) * w
    if keepdim:
        if dim is None:
            out = out.reshape((qa.size,) + (1,) * input.ndim)
        else:
            out = out.unsqueeze(d + 1) if input.ndim else out
    if scalar_q:
        out = out.squeeze(0)
    return out


def quantile(input: Tensor, q, dim: int | None = None, keepdim: bool = False, *, interpolation: str = "linear",
             out=None) -> Tensor:
    """q-th quantiles along ``dim`` (all elements when None); NaN propagates (mirrors torch.quantile)."""
    r = _quantile("quantile", input, q, dim, keepdim, interpolation, ignore_nan=False)
    if out is not None:
        out._assign_result(r)
        return out
    return r


def nanquantile(input: Tensor, q, dim: int | None = None, keepdim: bool = False, *, interpolation: str = "linear",
                out=None) -> Tensor:
    """quantile that ignores NaN values (mirrors torch.nanquantile)."""
    r = _quantile("nanquantile", input, q, dim, keepdim, interpolation, ignore_nan=True)
    if out is not None:
        out._assign_result(r)
        return out
    return r


# ---------------------------------------------------------------------------------------------------------
# numerical gradient
def _grad_along(f: Tensor, d: int, h, edge_order: int) -> Tensor:
    E = _E()
    n = f.shape[d]
    nd = f.ndim

    def sl(start, length):
        return f.narrow(d, start, length)

    def col(t):  # a 1-D coefficient tensor broadcast along dim d
        return t.reshape([-1] + [1] * (nd - 1 - d))

    if isinstance(h, Tensor):
        x = h.to(f.dtype) if h.dtype != f.dtype else h
        if x.ndim != 1 or x.shape[0] != n:
            raise RuntimeError("torch.gradient expected each tensor to be on the same device and to have as many "
                               "elements as the size of the corresponding dimension")
        dx = x.diff()
        dx1, dx2 = dx[:-1], dx[1:]
        a = -dx2 / (dx1 * (dx1 + dx2))
        b = (dx2 - dx1) / (dx1 * dx2)
        c = dx1 / (dx2 * (dx1 + dx2))
        interior = col(a) * sl(0, n - 2) + col(b) * sl(1, n - 2) + col(c) * sl(2, n - 2)
        if edge_order == 1:
            first = (sl(1, 1) - sl(0, 1)) / dx[0]
            last = (sl(n - 1, 1) - sl(n - 2, 1)) / dx[-1]
        else:
            d1, d2 = dx[0], dx[1]
            first = (-(2 * d1 + d2) / (d1 * (d1 + d2)) * sl(0, 1) + (d1 + d2) / (d1 * d2) * sl(1, 1)
                     - d1 / (d2 * (d1 + d2)) * sl(2, 1))
            d1, d2 = dx[-2], dx[-1]
            last = (d2 / (d1 * (d1 + d2)) * sl(n - 3, 1) - (d2 + d1) / (d1 * d2) * sl(n - 2, 1)
                    + (2 * d2 + d1) / (d2 * (d1 + d2)) * sl(n - 1, 1))
    else:
        interior = (sl(2, n - 2) - sl(0, n - 2)) / (2.0 * h)
        if edge_order == 1:
            first = (sl(1, 1) - sl(0, 1)) / h
            last = (sl(n - 1, 1) - sl(n - 2, 1)) / h
        else:
            first = (-1.5 * sl(0, 1) + 2 * sl(1, 1) - 0.5 * sl(2, 1)) / h
            last = (0.5 * sl(n - 3, 1) - 2 * sl(n - 2, 1) + 1.5 * sl(n - 1, 1)) / h
    return E.cat([first, interior, last], dim=d)


def gradient(input: Tensor, *, spacing=1, dim=None, edge_order: int = 1) -> tuple:
    """Second-order accurate central differences along each dim (mirrors torch.gradient)."""
    if edge_order not in (1, 2):
        raise RuntimeError("torch.gradient only supports edge_order=1 and edge_order=2.")
    f = _floatify(input)
    if dim is None:
        dims = list(range(f.ndim))
    elif isinstance(dim, int):
        dims = [_wrap_dim(dim, f.ndim)]
    else:
        dims = [_wrap_dim(d, f.ndim) for d in dim]
    if isinstance(spacing, (list, tuple)):
        if len(spacing) != len(dims):
            raise RuntimeError(f"torch.gradient expected spacing to be unspecified, a scalar or it's size to match "
                               f"the number of dimensions ({len(dims)}), but got {len(spacing)}")
        hs = list(spacing)
    else:
        hs = [spacing] * len(dims)
    for d in dims:
        if f.shape[d] < edge_order + 1:
            raise RuntimeError("torch.gradient expected each dimension size to be at least edge_order+1")
    return tuple(_grad_along(f, d, h if isinstance(h, Tensor) else float(h), edge_order) for d, h in zip(dims, hs))


# ---------------------------------------------------------------------------------------------------------
# window functions
def _window(name: str, n: int, periodic: bool, dtype, device, requires_grad, fn) -> Tensor:
    from .creation import _dt, _new, _xp  # noqa: PLC0415

    dt = _dt(dtype)
    if dt._cat != 2:
        raise RuntimeError(f"{name} expects floating point dtypes, got: {dt!r}")
    if n < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={n}")
    xp = _xp(device)
    if n <= 1:
        return _new(xp.ones(n, dtype=dt.np), requires_grad)
    m = n + 1 if periodic else n
    # computed in the target dtype with torch's operation order, so float32 windows round identically
    k = np.arange(m, dtype=dt.np if dt.np.kind == "f" else np.float32)
    w = fn(k, m)[:n]
    return _new(xp.asarray(w.astype(dt.np)), requires_grad)


def hann_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None, device=None,
                requires_grad: bool = False) -> Tensor:
    """Hann window (mirrors torch.hann_window)."""
    return _window("hann_window", window_length, periodic, dtype, device, requires_grad,
                   lambda k, m: np.cos(k * (2 * math.pi / (m - 1))) * -0.5 + 0.5)


def hamming_window(window_length: int, periodic: bool = True, alpha: float = 0.54, beta: float = 0.46, *,
                   dtype=None, layout=None, device=None, requires_grad: bool = False) -> Tensor:
    """Hamming window alpha - beta cos(2 pi k / (N - 1)) (mirrors torch.hamming_window)."""
    return _window("hamming_window", window_length, periodic, dtype, device, requires_grad,
                   lambda k, m: np.cos(k * (2 * math.pi / (m - 1))) * -beta + alpha)


def blackman_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None, device=None,
                    requires_grad: bool = False) -> Tensor:
    """Blackman window (mirrors torch.blackman_window)."""
    return _window("blackman_window", window_length, periodic, dtype, device, requires_grad,
                   lambda k, m: _blackman(k * (math.pi / (m - 1))))


def bartlett_window(window_length: int, periodic: bool = True, *, dtype=None, layout=None, device=None,
                    requires_grad: bool = False) -> Tensor:
    """Bartlett (triangular) window (mirrors torch.bartlett_window)."""
    return _window("bartlett_window", window_length, periodic, dtype, device, requires_grad,
                   _bartlett)


def _blackman(w):
    return np.cos(w * 4) * 0.08 - np.cos(w * 2) * 0.5 + 0.42


def _bartlett(k, m):
    w = k * (2.0 / (m - 1))
    half = (m - 1) // 2 + 1
    w[half:] = 2 - w[half:]
    return w


def kaiser_window(window_length: int, periodic: bool = True, beta: float = 12.0, *, dtype=None, layout=None,
                  device=None, requires_grad: bool = False) -> Tensor:
    """Kaiser window with shape parameter beta (mirrors torch.kaiser_window)."""
    def fn(k, m):
        a = (m - 1) / 2
        k = k.astype(np.float64)
        return np.i0(beta * np.sqrt(np.clip(1 - ((k - a) / a) ** 2, 0, None))) / np.i0(beta)
    return _window("kaiser_window", window_length, periodic, dtype, device, requires_grad, fn)
