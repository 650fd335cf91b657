"""OpInfo entries for ember.fft and stft/istft (imported into the linalg family table).

Complex outputs are compared and gradchecked through a real function of them (real + 0.5 * imag), so every
transform is checked on both parts with real-valued gradcheck.
"""
from __future__ import annotations

import numpy as np

import ember
from ember.ops.spectral import _view_as_complex
from .base import ErrorInput, OpInfo, SampleInput, make


def _torch():
    import torch  # noqa: PLC0415

    return torch


def _s(*args, name="", **kw):
    return SampleInput(tuple(args), kw, name=name)


def _ri(o):
    return o.real + 0.5 * o.imag if o.is_complex() else o


def _np_ri(o):
    return o.real + 0.5 * o.imag if np.iscomplexobj(o) else o


def _cplx(x):
    return _view_as_complex(x)


def _tcplx(x):
    return _torch().complex(x[..., 0], x[..., 1])


def _one_d(dt):
    return [_s(make((8,), dt), name="plain"), _s(make((3, 7), dt), n=10, name="pad-n"),
            _s(make((3, 7), dt), n=4, dim=0, norm="ortho", name="trim-n-dim0"),
            _s(make((2, 6), dt), norm="forward", name="forward")]


def _n_d(dt):
    return [_s(make((4, 6), dt), name="2d"), _s(make((2, 3, 4), dt), s=(4, 5), name="s"),
            _s(make((2, 3, 4), dt), dim=(0, 2), norm="ortho", name="dims")]


def _c_one_d(dt):
    """Complex inputs as (..., 2) real arrays (the op builds the complex tensor, so gradcheck stays real)."""
    return [_s(make((5, 2), dt), name="plain"), _s(make((3, 5, 2), dt), n=8, name="n"),
            _s(make((3, 4, 2), dt), n=6, dim=0, norm="ortho", name="dim0")]


def _c_n_d(dt):
    return [_s(make((3, 4, 2), dt), name="2d"), _s(make((2, 3, 3, 2), dt), s=(3, 6), name="s"),
            _s(make((2, 3, 4, 2), dt), dim=(0, 2), norm="forward", name="dims")]


def _np_c(x):
    return x[..., 0] + 1j * x[..., 1]


def _real_entry(name, samples, nd=False):
    eop = getattr(ember.fft, name)
    nref = getattr(np.fft, name)

    def ref(x, **kw):
        kw = dict(kw)
        if "dim" in kw:
            d = kw.pop("dim")
            kw["axes" if nd or isinstance(d, tuple) else "axis"] = d
        if nd and "s" in kw and "axes" not in kw:
            kw["axes"] = tuple(range(x.ndim - len(kw["s"]), x.ndim))
        return _np_ri(nref(x, **kw))

    return OpInfo(f"fft.{name}", lambda x, **kw: eop(x, **kw), samples, ref=ref, output_process=_ri,
                  torch_op=lambda x, **kw: getattr(_torch().fft, name)(x, **kw), atol=1e-4)


def _complex_entry(name, samples, nd=False):
    eop = getattr(ember.fft, name)
    nref = getattr(np.fft, name)

    def ref(x, **kw):
        kw = dict(kw)
        c = _np_c(x)
        if "dim" in kw:
            d = kw.pop("dim")
            kw["axes" if nd or isinstance(d, tuple) else "axis"] = d
        if nd and "s" in kw and "axes" not in kw:
            kw["axes"] = tuple(range(c.ndim - len(kw["s"]), c.ndim))
        if nd and "s" not in kw and "axes" not in kw:
            kw["axes"] = tuple(range(c.ndim))
        return _np_ri(nref(c, **kw))

    return OpInfo(f"fft.{name}", lambda x, **kw: eop(_cplx(x), **kw), samples, ref=ref, output_process=_ri,
                  torch_op=lambda x, **kw: getattr(_torch().fft, name)(_tcplx(x), **kw), atol=1e-4,
                  low_precision=False)  # half parts make torch's ComplexHalf; ember has no complex32


def _fft_errors():
    return [ErrorInput(_s(make((3,)), norm="bad"), RuntimeError, 'Invalid normalization mode: "bad"'),
            ErrorInput(_s(make((3,)), n=0), RuntimeError, r"Invalid number of data points \(0\) specified")]


def _shift_samples(dt):
    return [_s(make((5,), dt)), _s(make((4, 5), dt), dim=1), _s(make((4, 5), dt), dim=(0, 1))]


def _np_shift(f):
    return lambda x, dim=None: f(x, axes=dim)


# stft / istft -------------------------------------------------------------------------------------------------
def _hann(n, dt):
    return (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)).astype(dt)


def _stft_samples(dt):
    return [_s(make((40,), dt), _hann(16, dt), n_fft=16, name="1d-hann"),
            _s(make((2, 30), dt), _hann(12, dt), n_fft=16, hop_length=3, win_length=12, name="batch-winlen"),
            _s(make((33,), dt), _hann(8, dt), n_fft=8, center=False, normalized=True, name="no-center-norm"),
            _s(make((20,), dt), _hann(8, dt), n_fft=8, pad_mode="constant", onesided=False, name="constant-twosided")]


def _op_stft(x, w, **kw):
    return ember.stft(x, window=w, return_complex=True, **kw)


def _top_stft(x, w, **kw):
    return _torch().stft(x, window=w, return_complex=True, **kw)


def _istft_samples(dt):
    return [_s(make((9, 11, 2), dt), _hann(16, dt) + 0.1, n_fft=16, name="1d"),
            _s(make((2, 7, 9, 2), dt), _hann(12, dt) + 0.1, n_fft=12, hop_length=4, length=40, name="batch-length"),
            _s(make((8, 6, 2), dt), _hann(8, dt) + 0.1, n_fft=8, hop_length=2, center=False, normalized=True,
               onesided=False, name="twosided")]


def _op_istft(x, w, **kw):
    return ember.istft(_cplx(x), window=w, **kw)


def _top_istft(x, w, **kw):
    return _torch().istft(_tcplx(x), window=w, **kw)


def _stft_errors():
    return [ErrorInput(_s(make((100,)), None, n_fft=16, hop_length=0), RuntimeError, "expected hop_length > 0"),
            ErrorInput(_s(make((100,)), make((5,)), n_fft=16), RuntimeError,
                       "expected a 1D window tensor of size equal to win_length=16"),
            ErrorInput(_s(make((10,)), None, n_fft=64), RuntimeError, "Padding size should be less than")]


FFT_OPS = [
    _real_entry("fft", _one_d), _real_entry("ifft", _one_d), _real_entry("rfft", _one_d),
    _real_entry("ihfft", _one_d), _complex_entry("irfft", _c_one_d), _complex_entry("hfft", _c_one_d),
    _complex_entry("fft", _c_one_d), _real_entry("fft2", _n_d, nd=True), _real_entry("rfft2", _n_d, nd=True),
    _real_entry("fftn", _n_d, nd=True), _real_entry("ifftn", _n_d, nd=True), _real_entry("rfftn", _n_d, nd=True),
    _complex_entry("irfft2", _c_n_d, nd=True), _complex_entry("irfftn", _c_n_d, nd=True),
    _complex_entry("ifft2", _c_n_d, nd=True),
    OpInfo("fft.fft-errors", ember.fft.fft, lambda dt: [], errors=_fft_errors, torch_op=None, grad=False,
           gradgrad=False),
    OpInfo("fft.fftshift", ember.fft.fftshift, _shift_samples, ref=_np_shift(np.fft.fftshift)),
    OpInfo("fft.ifftshift", ember.fft.ifftshift, _shift_samples, ref=_np_shift(np.fft.ifftshift)),
    OpInfo("stft", _op_stft, _stft_samples, ref=None, torch_op=_top_stft, output_process=_ri, atol=1e-4,
           errors=_stft_errors),
    OpInfo("istft", _op_istft, _istft_samples, ref=None, torch_op=_top_istft, atol=1e-4,
           low_precision=False),  # complex input from half parts: torch's ComplexHalf, which ember lacks
]
# complex-input entries share names with real ones: keep ids unique
_seen = {}
for _o in FFT_OPS:
    _seen[_o.name] = _seen.get(_o.name, 0) + 1
    if _seen[_o.name] > 1:
        _o.name = f"{_o.name}-complex"
