"""Short-time Fourier transform: stft and istft exactly as torch defines them, differentiable.

Both are compositions of linear ops and ember.fft: ``Frames`` gathers the (padded) signal into overlapping
frames with one index table, and ``OverlapAdd`` scatter-adds frames back; the two are each other's adjoint, so
each one's backward is the other (NOTE [ fft adjoints ] in ember/fft.py).
"""
from __future__ import annotations

import warnings

import numpy as np

from .._tensor import Tensor
from ._op import Op, apply

__all__ = ["stft", "istft"]

_PAD_MODES = {"reflect": "reflect", "constant": "constant", "replicate": "edge", "circular": "wrap"}


class Frames(Op):
    """out[..., f, k] = x[..., idx[f, k]]; index ``n`` (= the signal length) reads a zero."""

    def forward(ctx, xp, x, idx, n):
        ctx.idx, ctx.n = idx, n
        if int(idx.max(initial=-1)) >= n:  # constant padding: append one zero the table can point at
            x = xp.concatenate([x, xp.zeros(x.shape[:-1] + (1,), x.dtype)], axis=-1)
        return x[..., xp.asarray(idx)]

    def backward(ctx, g):
        return apply(OverlapAdd, g, idx=ctx.idx, n=ctx.n)


class OverlapAdd(Op):
    """out[..., i] = sum of g[..., f, k] over idx[f, k] == i (indices >= n are dropped)."""

    def forward(ctx, xp, g, idx, n):
        ctx.idx, ctx.n = idx, n
        out = xp.zeros(g.shape[:-2] + (n + 1,), dtype=g.dtype)
        flat = xp.asarray(np.minimum(idx, n).reshape(-1))
        gg = g.reshape(g.shape[:-2] + (-1,))
        xp.add.at(out, (Ellipsis, flat), gg)
        return out[..., :n]

    def backward(ctx, g):
        return apply(Frames, g, idx=ctx.idx, n=ctx.n)


class ViewAsReal(Op):
    """(..., ) complex -> (..., 2) real; the adjoint of ViewAsComplex."""

    def forward(ctx, xp, x):
        return xp.stack([x.real, x.imag], axis=-1)

    def backward(ctx, g):
        return apply(ViewAsComplex, g)


class ViewAsComplex(Op):
    """(..., 2) real -> (...) complex."""

    def forward(ctx, xp, x):
        if x.shape[-1:] != (2,):
            raise RuntimeError("Tensor must have a last dimension of size 2")
        return (x[..., 0] + 1j * x[..., 1]).astype(np.complex128 if x.dtype == np.float64 else np.complex64)

    def backward(ctx, g):
        return apply(ViewAsReal, g)


def _view_as_complex(x: Tensor) -> Tensor:
    return apply(ViewAsComplex, x)


def _frame_table(n_frames: int, n_fft: int, hop: int, offset_idx=None):
    idx = np.arange(n_frames)[:, None] * hop + np.arange(n_fft)[None, :]
    return idx if offset_idx is None else offset_idx[idx]


def _pad_table(length: int, pad: int, mode: str):
    """Source index of every sample of the padded signal (``length`` marks a zero for constant padding)."""
    src = np.arange(length)
    if mode == "constant":
        return np.concatenate([np.full(pad, length), src, np.full(pad, length)])
    return np.pad(src, (pad, pad), mode=_PAD_MODES[mode])


def _window_full(window, n_fft: int, win_length: int, like: Tensor):
    """The window zero-padded (centred) to n_fft; a rectangular window when None."""
    from .creation import ones  # noqa: PLC0415

    if window is None:
        window = ones(win_length, dtype=like.dtype if not like.is_complex() else like.real.dtype,
                      device=like.device)
    if win_length < n_fft:
        left = (n_fft - win_length) // 2
        idx = np.full((1, n_fft), win_length)  # index win_length reads a zero
        idx[0, left:left + win_length] = np.arange(win_length)
        window = apply(Frames, window, idx=idx, n=win_length).squeeze(0)
    return window


def _desc(name, x, n_fft, hop, win_length, window, extra):
    w = "None" if window is None else f"{window.type_name()}{{[{window.shape[0]}]}}"
    return (f"{name}({x.type_name()}[{', '.join(map(str, x.shape))}], n_fft={n_fft}, hop_length={hop}, "
            f"win_length={win_length}, window={w}, {extra})")


def stft(input: Tensor, n_fft: int, hop_length: int | None = None, win_length: int | None = None,
         window: Tensor | None = None, center: bool = True, pad_mode: str = "reflect", normalized: bool = False,
         onesided: bool | None = None, return_complex: bool | None = None) -> Tensor:
    """Short-time Fourier transform of a 1-D signal or a batch (B, L): (B?, freq, frames) complex."""
    from .. import fft as F  # noqa: PLC0415

    if window is None:
        warnings.warn("A window was not provided. A rectangular window will be applied,which is known to cause "
                      "spectral leakage. Other windows such as torch.hann_window or torch.hamming_window are "
                      "recommended to reduce spectral leakage.To suppress this warning and use a rectangular window, "
                      "explicitly set `window=torch.ones(n_fft, device=<device>)`.", UserWarning, stacklevel=2)
    if return_complex is None:
        if not input.is_complex() and not (window is not None and window.is_complex()):
            raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will "
                               "further require that return_complex=True in a future PyTorch release.")
        return_complex = True
    if not return_complex:
        warnings.warn("stft with return_complex=False is deprecated. In a future pytorch release, stft will return "
                      "complex tensors for all inputs, and return_complex=False will raise an error.\nNote: you can "
                      "still call torch.view_as_real on the complex output to recover the old return format.",
                      UserWarning, stacklevel=2)
    if input.ndim not in (1, 2):
        raise RuntimeError(f"stft: expected a 1D or 2D tensor, but got {input.ndim}D tensor")
    if pad_mode not in _PAD_MODES:
        raise RuntimeError(f"Unrecognised padding mode {pad_mode}")
    if input._data.dtype.kind in "biu":
        raise RuntimeError(f"stft: expected a tensor of floating point or complex values")
    x = input.unsqueeze(0) if input.ndim == 1 else input
    L = x.shape[-1]
    pad = n_fft // 2 if center else 0
    if center and pad_mode == "reflect" and pad >= L:
        raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, but "
                           f"got: padding ({pad}, {pad}) at dimension 2 of input [1, {x.shape[0]}, {L}]")
    hop = n_fft // 4 if hop_length is None else hop_length
    wl = n_fft if win_length is None else win_length
    Lp = L + 2 * pad
    padded_desc = Tensor._wrap(np.empty((Lp,) if input.ndim == 1 else (x.shape[0], Lp), dtype=input._data.dtype))
    extra = (f"normalized={int(normalized)}, onesided={'None' if onesided is None else int(onesided)}, "
             f"return_complex={int(return_complex)}, align_to_window=None) : ")
    desc = _desc("stft", padded_desc, n_fft, hop, wl, window, extra)
    if n_fft <= 0 or n_fft > Lp:
        raise RuntimeError(f"{desc}expected 0 < n_fft < {Lp + 1}, but got n_fft={n_fft}")
    if hop <= 0:
        raise RuntimeError(f"{desc}expected hop_length > 0, but got hop_length={hop}")
    if wl <= 0 or wl > n_fft:
        raise RuntimeError(f"{desc}expected 0 < win_length <= n_fft, but got win_length={wl}")
    if window is not None and (window.ndim != 1 or window.shape[0] != wl):
        raise RuntimeError(f"{desc}expected a 1D window tensor of size equal to win_length={wl}, but got window "
                           f"with size {list(window.shape)}")
    complex_case = input.is_complex() or (window is not None and window.is_complex())
    if onesided is None:
        onesided = not complex_case
    elif onesided and complex_case:
        raise RuntimeError("Cannot have onesided output if window or input is complex")
    n_frames = 1 + (Lp - n_fft) // hop
    table = _frame_table(n_frames, n_fft, hop, _pad_table(L, pad, pad_mode) if center else None)
    frames = apply(Frames, x, idx=table, n=L)
    frames = frames * _window_full(window, n_fft, wl, input)
    norm = "ortho" if normalized else "backward"
    spec = F.rfft(frames, n_fft, -1, norm) if onesided else F.fft(frames, n_fft, -1, norm)
    spec = spec.transpose(-1, -2)
    if input.ndim == 1:
        spec = spec.squeeze(0)
    return spec if return_complex else apply(ViewAsReal, spec)


def istft(input: Tensor, n_fft: int, hop_length: int | None = None, win_length: int | None = None,
          window: Tensor | None = None, center: bool = True, normalized: bool = False, onesided: bool | None = None,
          length: int | None = None, return_complex: bool = False) -> Tensor:
    """Inverse short-time Fourier transform (least-squares overlap-add), inverting stft."""
    from .. import fft as F  # noqa: PLC0415

    if window is None:
        warnings.warn("A window was not provided. A rectangular window will be applied.Please provide the same "
                      "window used by stft to make the inversion lossless.To suppress this warning and use a "
                      "rectangular window, explicitly set `window=torch.ones(n_fft, device=<device>)`.",
                      UserWarning, stacklevel=2)
    if not input.is_complex():
        raise RuntimeError("istft requires a complex-valued input tensor matching the output from stft with "
                           "return_complex=True.")
    hop = n_fft // 4 if hop_length is None else hop_length
    wl = n_fft if win_length is None else win_length
    extra = (f"center={int(center)}, normalized={int(normalized)}, onesided="
             f"{'None' if onesided is None else int(onesided)}, length={'None' if length is None else length}, "
             f"return_complex={int(return_complex)}) ")
    cname = {"complex64": "CPUComplexFloatType", "complex128": "CPUComplexDoubleType"}[str(input._data.dtype)]
    w = "None" if window is None else f"{window.type_name()}{{[{window.shape[0]}]}}"
    desc = (f"istft({cname}[{', '.join(map(str, input.shape))}], n_fft={n_fft}, hop_length={hop}, "
            f"win_length={wl}, window={w}, {extra}")
    if input.ndim not in (2, 3):
        raise RuntimeError(f"{desc}: expected a tensor with 3 or 4 dimensions of complex, but got {input.ndim + 1}")
    x = input.unsqueeze(0) if input.ndim == 2 else input
    fft_size, n_frames = x.shape[-2], x.shape[-1]
    if onesided is None:
        onesided = fft_size != n_fft
    if onesided:
        if n_fft // 2 + 1 != fft_size:
            raise RuntimeError(f"{desc}expected the frequency dimension (3rd to the last) of the input tensor to match "
                               f"n_fft / 2 + 1 when onesided=True, but got {fft_size}")
    elif n_fft != fft_size:
        raise RuntimeError(f"{desc}expected the frequency dimension (3rd to the last) of the input tensor to match "
                           f"n_fft when onesided=False, but got {fft_size}")
    if not (0 < hop <= wl):
        raise RuntimeError(f"{desc}expected 0 < hop_length <= win_length")
    if not (0 < wl <= n_fft):
        raise RuntimeError(f"{desc}expected 0 < win_length <= n_fft")
    if window is not None and (window.ndim != 1 or window.shape[0] != wl):
        raise RuntimeError(f"{desc}Invalid window shape. window has to be 1D and length of `win_length`")
    win = _window_full(window, n_fft, wl, x.real)
    norm = "ortho" if normalized else "backward"
    spec = x.transpose(-1, -2)  # (B, frames, freq)
    if return_complex:
        if onesided:
            raise RuntimeError(f"{desc}cannot have onesided output if window or input is complex")
        frames = F.ifft(spec, n_fft, -1, norm)
    else:
        if window is not None and window.is_complex():
            raise RuntimeError(f"{desc}Complex windows are incompatible with return_complex=False")
        if not onesided:
            spec = spec[..., :n_fft // 2 + 1]
        frames = F.irfft(spec, n_fft, -1, norm)
    expected_len = n_fft + hop * (n_frames - 1)
    table = _frame_table(n_frames, n_fft, hop)
    y = apply(OverlapAdd, frames * win, idx=table, n=expected_len)
    env = apply(OverlapAdd, (win * win.conj() if win.is_complex() else win * win).expand(n_frames, n_fft),
                idx=table, n=expected_len)
    start = n_fft // 2 if center else 0
    if length is not None:
        end = start + length
    elif center:
        end = expected_len - n_fft // 2
    else:
        end = expected_len
    y = y[..., start:min(end, expected_len)]
    env = env[..., start:min(end, expected_len)]
    if bool((env.abs() < 1e-11).any()):
        raise RuntimeError(f"{desc}window overlap add min: 1")
    y = y / env
    if end > expected_len:
        from ..fft import _resize  # noqa: PLC0415

        y = _resize(y, tuple(y.shape[:-1]) + (y.shape[-1] + end - expected_len,))
    if input.ndim == 2:
        y = y.squeeze(0)
    return y
