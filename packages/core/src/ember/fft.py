"""ember.fft (mirrors torch.fft): discrete Fourier transforms, differentiable.

NOTE [ fft adjoints ]: every transform here is linear, so its backward is its adjoint, which is again a
transform: the c2c transform's adjoint is the opposite-direction c2c transform with the "dual" norm
(backward <-> forward, ortho stays); rfft's adjoint zero-pads the half spectrum and runs the inverse c2c
transform; irfft's adjoint is rfft with the non-edge bins doubled. Zero-padding/trimming to ``n``/``s`` is a
separate linear op (``Resize``) whose adjoint is the reverse resize. Each backward calls these ops, so double
backward works too.
"""
from __future__ import annotations

import numpy as np

from . import _dtype as D
from ._tensor import Tensor, _wrap_dim
from .ops._op import Op, apply
from .ops.creation import _xp, tensor
from .ops.linalg import _sname

__all__ = ["fft", "ifft", "rfft", "irfft", "fft2", "ifft2", "rfft2", "irfft2", "fftn", "ifftn", "rfftn", "irfftn",
           "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]

_DUAL = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


# -- linear building blocks -------------------------------------------------------------------------------------
class Resize(Op):
    """Zero-pad or trim ``x`` to ``shape`` (at the end of each dim)."""

    def forward(ctx, xp, x, shape):
        ctx.in_shape = x.shape
        if all(s <= n for s, n in zip(shape, x.shape)):
            return x[tuple(slice(0, s) for s in shape)].copy()
        out = xp.zeros(shape, dtype=x.dtype)
        sl = tuple(slice(0, min(s, n)) for s, n in zip(shape, x.shape))
        out[sl] = x[sl]
        return out

    def backward(ctx, g):
        return apply(Resize, g, shape=ctx.in_shape)


def _resize(x: Tensor, shape) -> Tensor:
    return x if tuple(x.shape) == tuple(shape) else apply(Resize, x, shape=tuple(shape))


class C2C(Op):
    """Complex-to-complex transform over ``axes`` (input already sized)."""

    def forward(ctx, xp, x, axes, forward, norm):
        ctx.axes, ctx.fwd, ctx.norm, ctx.real_in = axes, forward, norm, x.dtype.kind != "c"
        f = xp.fft.fftn if forward else xp.fft.ifftn
        return f(x, axes=axes, norm=norm).astype(_complex_np(x.dtype), copy=False)

    def backward(ctx, g):
        gi = apply(C2C, g, axes=ctx.axes, forward=not ctx.fwd, norm=_DUAL[ctx.norm])
        return gi.real if ctx.real_in else gi


class R2C(Op):
    """Real-to-complex (onesided) transform: rfft over the last of ``axes``, fft over the others."""

    def forward(ctx, xp, x, axes, norm):
        ctx.axes, ctx.norm, ctx.n = axes, norm, x.shape[axes[-1]]
        return xp.fft.rfftn(x, axes=axes, norm=norm).astype(_complex_np(x.dtype), copy=False)

    def backward(ctx, g):
        shape = list(g.shape)
        shape[ctx.axes[-1]] = ctx.n
        full = _resize(g, shape)
        return apply(C2C, full, axes=ctx.axes, forward=False, norm=_DUAL[ctx.norm]).real


class C2R(Op):
    """Complex (half spectrum) to real: ifft over all but the last of ``axes``, irfft of length ``n`` there."""

    def forward(ctx, xp, x, axes, n, norm):
        ctx.axes, ctx.n, ctx.norm = axes, n, norm
        s = [x.shape[a] for a in axes[:-1]] + [n]
        return xp.fft.irfftn(x, s=s, axes=axes, norm=norm).astype(_real_np(x.dtype), copy=False)

    def backward(ctx, g):
        gi = apply(R2C, g, axes=ctx.axes, norm=_DUAL[ctx.norm])
        # bins 1..ceil(n/2)-1 stand for two conjugate bins of the full spectrum
        m = gi.shape[ctx.axes[-1]]
        w = np.full(m, 2.0)
        w[0] = 1.0
        if ctx.n % 2 == 0:
            w[-1] = 1.0
        shape = [1] * gi.ndim
        shape[ctx.axes[-1]] = m
        return gi * tensor(w.reshape(shape), dtype=g.dtype, device=g.device)


def _complex_np(npdt):
    return np.complex128 if npdt in (np.float64, np.complex128) else np.complex64


def _real_np(npdt):
    return np.float64 if npdt in (np.float64, np.complex128) else np.float32


# -- argument handling -----------------------------------------------------------------------------------
def _check_norm(norm):
    if norm is None:
        return "backward"
    if norm not in _DUAL:
        raise RuntimeError(f"Invalid normalization mode: \"{norm}\"")
    return norm


def _promote(x: Tensor, name: str, real_only=False, complex_in=False) -> Tensor:
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(x).__name__}")
    k = x._data.dtype.kind
    if real_only and k == "c":
        raise RuntimeError(f"{name} expects a real input tensor, but got {_sname(x._data.dtype)}")
    if k in "biu":
        x = x.to(D.get_default_dtype())
    elif x._data.dtype == np.float16 or x.dtype is D.bfloat16:
        raise RuntimeError(f"Unsupported dtype {_sname(x._data.dtype)}")
    if complex_in and x._data.dtype.kind != "c":
        x = x.to(D.complex128 if x._data.dtype == np.float64 else D.complex64)
    return x


def _dims_and_sizes(x, s, dim, name, default_all=True):
    """Normalise (s, dim) like torch: dim defaults to the last len(s) dims, or all dims."""
    if dim is not None:
        dims = [dim] if isinstance(dim, int) else list(dim)
        dims = [_wrap_dim(d, x.ndim) for d in dims]
        if len(set(dims)) != len(dims):
            raise RuntimeError(f"{name}: dims must be unique")
        if s is not None:
            s = list(s)
            if len(s) != len(dims):
                raise RuntimeError(f"When given, dim and shape arguments must have the same length")
    elif s is not None:
        s = list(s)
        if len(s) > x.ndim:
            raise RuntimeError(f"Got shape with {len(s)} values but input tensor only has {x.ndim} dimensions.")
        dims = list(range(x.ndim - len(s), x.ndim))
    else:
        dims = list(range(x.ndim)) if default_all else [x.ndim - 1]
    if s is None:
        s = [x.shape[d] for d in dims]
    s = [x.shape[d] if n == -1 else n for n, d in zip(s, dims)]
    for n in s:
        if n < 1:
            raise RuntimeError(f"Invalid number of data points ({n}) specified")
    return dims, s


def _sized(x, dims, s):
    shape = list(x.shape)
    for d, n in zip(dims, s):
        shape[d] = n
    return _resize(x, shape)


def _c2c(x, s, dim, norm, forward, name, default_all=True):
    x = _promote(x, name)
    norm = _check_norm(norm)
    dims, s = _dims_and_sizes(x, s, dim, name, default_all)
    if x.ndim == 0:
        raise RuntimeError(f"{name}: expected a tensor with at least one dimension")
    x = _sized(x, dims, s)
    return apply(C2C, x, axes=tuple(dims), forward=forward, norm=norm)


def _r2c(x, s, dim, norm, name, default_all=True):
    x = _promote(x, name, real_only=True)
    norm = _check_norm(norm)
    dims, s = _dims_and_sizes(x, s, dim, name, default_all)
    x = _sized(x, dims, s)
    return apply(R2C, x, axes=tuple(dims), norm=norm)


def _c2r(x, s, dim, norm, name, default_all=True):
    x = _promote(x, name, complex_in=True)
    norm = _check_norm(norm)
    last_given = s is not None and list(s)[-1] != -1
    dims, s = _dims_and_sizes(x, s, dim, name, default_all)
    n = s[-1] if last_given else 2 * (x.shape[dims[-1]] - 1)
    if n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")
    x = _sized(x, dims, list(s[:-1]) + [n // 2 + 1])
    return apply(C2R, x, axes=tuple(dims), n=n, norm=norm)


# -- public transforms --------------------------------------------------------------------------------------
def fft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None, *, out=None) -> Tensor:
    """1-D discrete Fourier transform."""
    return _c2c(input, None if n is None else [n], dim, norm, True, "fft")


def ifft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None, *, out=None) -> Tensor:
    """1-D inverse discrete Fourier transform."""
    return _c2c(input, None if n is None else [n], dim, norm, False, "ifft")


def rfft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None, *, out=None) -> Tensor:
    """1-D FFT of a real signal: the n//2 + 1 non-negative frequency bins."""
    return _r2c(input, None if n is None else [n], dim, norm, "rfft")


def irfft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None, *, out=None) -> Tensor:
    """Inverse of rfft: real output of length n (default 2 * (m - 1))."""
    return _c2r(input, None if n is None else [n], dim, norm, "irfft")


def fft2(input: Tensor, s=None, dim=(-2, -1), norm: str | None = None, *, out=None) -> Tensor:
    """2-D discrete Fourier transform."""
    return _c2c(input, s, dim, norm, True, "fft2")


def ifft2(input: Tensor, s=None, dim=(-2, -1), norm: str | None = None, *, out=None) -> Tensor:
    """2-D inverse discrete Fourier transform."""
    return _c2c(input, s, dim, norm, False, "ifft2")


def rfft2(input: Tensor, s=None, dim=(-2, -1), norm: str | None = None, *, out=None) -> Tensor:
    """2-D FFT of a real signal (onesided over the last dim)."""
    return _r2c(input, s, dim, norm, "rfft2")


def irfft2(input: Tensor, s=None, dim=(-2, -1), norm: str | None = None, *, out=None) -> Tensor:
    """Inverse of rfft2."""
    return _c2r(input, s, dim, norm, "irfft2")


def fftn(input: Tensor, s=None, dim=None, norm: str | None = None, *, out=None) -> Tensor:
    """N-D discrete Fourier transform (all dims by default)."""
    return _c2c(input, s, dim, norm, True, "fftn")


def ifftn(input: Tensor, s=None, dim=None, norm: str | None = None, *, out=None) -> Tensor:
    """N-D inverse discrete Fourier transform."""
    return _c2c(input, s, dim, norm, False, "ifftn")


def rfftn(input: Tensor, s=None, dim=None, norm: str | None = None, *, out=None) -> Tensor:
    """N-D FFT of a real signal (onesided over the last transformed dim)."""
    return _r2c(input, s, dim, norm, "rfftn")


def irfftn(input: Tensor, s=None, dim=None, norm: str | None = None, *, out=None) -> Tensor:
    """Inverse of rfftn."""
    return _c2r(input, s, dim, norm, "irfftn")


def hfft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None, *, out=None) -> Tensor:
    """FFT of a Hermitian-symmetric signal given by its first half: real output of length n."""
    x = _promote(input, "hfft", complex_in=True)
    return irfft(x.conj(), n, dim, _DUAL[_check_norm(norm)])


def ihfft(input: Tensor, n: int | None = None, dim: int = -1, norm: str | None = None, *, out=None) -> Tensor:
    """Inverse of hfft: onesided spectrum of a real signal, conjugated and inversely normalised."""
    return rfft(input, n, dim, _DUAL[_check_norm(norm)]).conj()


def hfft2(input: Tensor, s=None, dim=(-2, -1), norm: str | None = None, *, out=None) -> Tensor:
    """2-D hfft."""
    return hfftn(input, s, dim, norm)


def ihfft2(input: Tensor, s=None, dim=(-2, -1), norm: str | None = None, *, out=None) -> Tensor:
    """2-D ihfft."""
    return ihfftn(input, s, dim, norm)


def hfftn(input: Tensor, s=None, dim=None, norm: str | None = None, *, out=None) -> Tensor:
    """N-D hfft."""
    x = _promote(input, "hfftn", complex_in=True)
    return irfftn(x.conj(), s, dim, _DUAL[_check_norm(norm)])


def ihfftn(input: Tensor, s=None, dim=None, norm: str | None = None, *, out=None) -> Tensor:
    """N-D ihfft."""
    return rfftn(input, s, dim, _DUAL[_check_norm(norm)]).conj()


# -- helpers -------------------------------------------------------------------------------------------------
def fftfreq(n: int, d: float = 1.0, *, dtype=None, device=None, requires_grad: bool = False, out=None) -> Tensor:
    """Sample frequencies of an n-point FFT: [0, 1, ..., -1] / (d n)."""
    dt = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
    t = Tensor._wrap(_xp(device).fft.fftfreq(n, d).astype(dt.np))
    return t.requires_grad_(True) if requires_grad else t


def rfftfreq(n: int, d: float = 1.0, *, dtype=None, device=None, requires_grad: bool = False, out=None) -> Tensor:
    """Sample frequencies of rfft: [0, 1, ..., n // 2] / (d n)."""
    dt = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
    t = Tensor._wrap(_xp(device).fft.rfftfreq(n, d).astype(dt.np))
    return t.requires_grad_(True) if requires_grad else t


class Roll(Op):
    def forward(ctx, xp, x, shifts, axes):
        ctx.shifts, ctx.axes = shifts, axes
        return xp.roll(x, shifts, axes)

    def backward(ctx, g):
        return apply(Roll, g, shifts=tuple(-s for s in ctx.shifts), axes=ctx.axes)


def _shift(input, dim, sign):
    if dim is None:
        dims = tuple(range(input.ndim))
    else:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        dims = tuple(_wrap_dim(d, input.ndim) for d in dims)
    # fftshift rolls by n // 2, ifftshift by (n + 1) // 2 = -(n // 2) mod n
    shifts = tuple(input.shape[d] // 2 * sign if sign > 0 else -(input.shape[d] // 2) for d in dims)
    return apply(Roll, input, shifts=shifts, axes=dims)


def fftshift(input: Tensor, dim=None) -> Tensor:
    """Move the zero-frequency term to the centre."""
    return _shift(input, dim, 1)


def ifftshift(input: Tensor, dim=None) -> Tensor:
    """Inverse of fftshift."""
    return _shift(input, dim, -1)
