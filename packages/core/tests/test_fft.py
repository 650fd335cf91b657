"""ember.fft and stft/istft: parity with NumPy (and torch, optional), dtypes, norms, gradients, errors."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember
import ember.fft as F

rng = np.random.default_rng(0)


def _r(*shape, dt=np.float64):
    return rng.standard_normal(shape).astype(dt)


def _c(*shape, dt=np.complex128):
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dt)


@pytest.mark.parametrize("norm", [None, "backward", "ortho", "forward"])
@pytest.mark.parametrize("name", ["fft", "ifft", "hfft"])
def test_c2c_1d_matches_numpy(name, norm):
    x = _c(3, 8)
    for n in (None, 5, 12):
        got = getattr(F, name)(ember.tensor(x), n=n, norm=norm).numpy()
        np.testing.assert_allclose(got, getattr(np.fft, name)(x, n=n, norm=norm), atol=1e-10)


@pytest.mark.parametrize("norm", [None, "ortho", "forward"])
def test_real_transforms_match_numpy(norm):
    x = _r(4, 6)
    np.testing.assert_allclose(F.rfft(ember.tensor(x), norm=norm).numpy(), np.fft.rfft(x, norm=norm), atol=1e-10)
    np.testing.assert_allclose(F.ihfft(ember.tensor(x), norm=norm).numpy(), np.fft.ihfft(x, norm=norm), atol=1e-10)
    c = _c(4, 5)
    for n in (None, 7, 8):
        np.testing.assert_allclose(F.irfft(ember.tensor(c), n=n, norm=norm).numpy(),
                                   np.fft.irfft(c, n=n, norm=norm), atol=1e-10)


def test_nd_transforms_match_numpy():
    x = _r(2, 4, 6)
    c = _c(2, 4, 6)
    t, tc = ember.tensor(x), ember.tensor(c)
    np.testing.assert_allclose(F.fft2(t).numpy(), np.fft.fft2(x), atol=1e-10)
    np.testing.assert_allclose(F.ifft2(tc, s=(3, 8)).numpy(), np.fft.ifft2(c, s=(3, 8)), atol=1e-10)
    np.testing.assert_allclose(F.fftn(t).numpy(), np.fft.fftn(x), atol=1e-10)
    np.testing.assert_allclose(F.ifftn(tc, dim=(0, 2)).numpy(), np.fft.ifftn(c, axes=(0, 2)), atol=1e-10)
    np.testing.assert_allclose(F.rfft2(t).numpy(), np.fft.rfft2(x), atol=1e-10)
    np.testing.assert_allclose(F.rfftn(t, s=(5, 4)).numpy(), np.fft.rfftn(x, s=(5, 4), axes=(1, 2)), atol=1e-10)
    np.testing.assert_allclose(F.irfft2(tc).numpy(), np.fft.irfft2(c), atol=1e-10)
    np.testing.assert_allclose(F.irfftn(tc, s=(4, 9)).numpy(), np.fft.irfftn(c, s=(4, 9), axes=(1, 2)), atol=1e-10)


def test_output_dtypes():
    x32 = ember.tensor(_r(8, dt=np.float32))
    assert F.fft(x32).dtype == ember.complex64
    assert F.rfft(x32).dtype == ember.complex64
    assert F.irfft(F.rfft(x32)).dtype == ember.float32
    assert F.fft(x32.double()).dtype == ember.complex128
    assert F.fft(ember.arange(4)).dtype == ember.complex64  # integers go through the default float dtype
    assert F.hfft(F.rfft(x32)).dtype == ember.float32
    assert F.fftfreq(5).dtype == ember.float32


def test_roundtrip():
    x = ember.tensor(_r(3, 10))
    np.testing.assert_allclose(F.ifft(F.fft(x)).real.numpy(), x.numpy(), atol=1e-12)
    np.testing.assert_allclose(F.irfft(F.rfft(x), n=10).numpy(), x.numpy(), atol=1e-12)
    np.testing.assert_allclose(F.irfftn(F.rfftn(x), s=(3, 10)).numpy(), x.numpy(), atol=1e-12)


def test_freqs_and_shifts():
    np.testing.assert_allclose(F.fftfreq(7, d=0.5).numpy(), np.fft.fftfreq(7, d=0.5), atol=1e-7)
    np.testing.assert_allclose(F.rfftfreq(8, dtype=ember.float64).numpy(), np.fft.rfftfreq(8))
    x = _r(4, 5)
    np.testing.assert_array_equal(F.fftshift(ember.tensor(x)).numpy(), np.fft.fftshift(x))
    np.testing.assert_array_equal(F.ifftshift(ember.tensor(x), dim=1).numpy(), np.fft.ifftshift(x, axes=1))
    np.testing.assert_array_equal(F.ifftshift(F.fftshift(ember.tensor(x))).numpy(), x)


def test_gradient_of_rfft_power_spectrum():
    # d/dx sum |rfft(x)|^2 checked against central differences
    x = ember.tensor(_r(6), requires_grad=True)
    (F.rfft(x).abs() ** 2).sum().backward()
    eps, num = 1e-6, np.zeros(6)
    base = x.detach().numpy()
    for i in range(6):
        d = np.zeros(6)
        d[i] = eps
        num[i] = ((np.abs(np.fft.rfft(base + d)) ** 2).sum() - (np.abs(np.fft.rfft(base - d)) ** 2).sum()) / (2 * eps)
    np.testing.assert_allclose(x.grad.numpy(), num, rtol=1e-5, atol=1e-6)


def test_errors():
    with pytest.raises(RuntimeError, match='Invalid normalization mode: "bad"'):
        F.fft(ember.ones(3), norm="bad")
    with pytest.raises(RuntimeError, match=r"Invalid number of data points \(0\)"):
        F.fft(ember.ones(3), n=0)
    with pytest.raises(RuntimeError, match="rfft expects a real input tensor, but got ComplexFloat"):
        F.rfft(F.fft(ember.ones(3)))


# -- stft / istft: torch is the oracle ---------------------------------------------------------------------
def _hann(n):
    return 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)


STFT_CASES = [dict(n_fft=16), dict(n_fft=16, hop_length=5, win_length=10), dict(n_fft=8, center=False),
              dict(n_fft=12, pad_mode="constant", normalized=True), dict(n_fft=10, onesided=False),
              dict(n_fft=8, pad_mode="replicate"), dict(n_fft=8, pad_mode="circular", hop_length=3)]


@pytest.mark.parametrize("kw", STFT_CASES)
def test_stft_matches_torch(kw):
    torch = pytest.importorskip("torch")
    x = _r(2, 50)
    wl = kw.get("win_length", kw["n_fft"])
    w = _hann(wl)
    got = ember.stft(ember.tensor(x), window=ember.tensor(w), return_complex=True, **kw)
    exp = torch.stft(torch.from_numpy(x), window=torch.from_numpy(w), return_complex=True, **kw)
    assert tuple(got.shape) == tuple(exp.shape)
    np.testing.assert_allclose(got.numpy(), exp.numpy(), atol=1e-10)


def test_stft_default_window_and_1d():
    torch = pytest.importorskip("torch")
    x = _r(40, dt=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = ember.stft(ember.tensor(x), 8, return_complex=True)
        exp = torch.stft(torch.from_numpy(x), 8, return_complex=True)
        legacy = ember.stft(ember.tensor(x), 8, return_complex=False)
    assert got.dtype == ember.complex64 and tuple(got.shape) == tuple(exp.shape)
    np.testing.assert_allclose(got.numpy(), exp.numpy(), atol=1e-5)
    assert tuple(legacy.shape) == tuple(exp.shape) + (2,)


@pytest.mark.parametrize("kw", [dict(n_fft=16), dict(n_fft=16, hop_length=4, length=45),
                                dict(n_fft=12, hop_length=3, win_length=8, normalized=True),
                                dict(n_fft=8, hop_length=2, center=False), dict(n_fft=10, onesided=False)])
def test_istft_inverts_stft_and_matches_torch(kw):
    torch = pytest.importorskip("torch")
    x = _r(2, 48)
    wl = kw.get("win_length", kw["n_fft"])
    w = _hann(wl) + 0.05 if not kw.get("center", True) else _hann(wl)
    skw = {k: v for k, v in kw.items() if k != "length"}
    spec = ember.stft(ember.tensor(x), window=ember.tensor(w), return_complex=True, **skw)
    got = ember.istft(spec, window=ember.tensor(w), **kw)
    tspec = torch.stft(torch.from_numpy(x), window=torch.from_numpy(w), return_complex=True, **skw)
    exp = torch.istft(tspec, window=torch.from_numpy(w), **kw)
    assert tuple(got.shape) == tuple(exp.shape)
    np.testing.assert_allclose(got.numpy(), exp.numpy(), atol=1e-9)
    if kw.get("center", True):
        n = got.shape[-1]
        np.testing.assert_allclose(got.numpy()[..., :min(n, 48)], x[..., :min(n, 48)], atol=1e-9)


def test_stft_backward_matches_torch():
    torch = pytest.importorskip("torch")
    x, w = _r(30), _hann(8)
    ex, ew = ember.tensor(x, requires_grad=True), ember.tensor(w, requires_grad=True)
    tx, tw = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    e = ember.stft(ex, 8, hop_length=3, window=ew, return_complex=True)
    t = torch.stft(tx, 8, hop_length=3, window=tw, return_complex=True)
    (e.abs() ** 2).sum().backward()
    (t.abs() ** 2).sum().backward()
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), atol=1e-9)
    np.testing.assert_allclose(ew.grad.numpy(), tw.grad.numpy(), atol=1e-9)


def test_stft_errors():
    x = ember.ones(100)
    with pytest.raises(RuntimeError, match="stft requires the return_complex parameter"):
        ember.stft(x, 16, window=ember.ones(16))
    with pytest.raises(RuntimeError, match="expected hop_length > 0"):
        ember.stft(x, 16, hop_length=0, window=ember.ones(16), return_complex=True)
    with pytest.raises(RuntimeError, match="expected 0 < win_length <= n_fft"):
        ember.stft(x, 16, win_length=20, return_complex=True)
    with pytest.raises(RuntimeError, match="Padding size should be less than"):
        ember.stft(ember.ones(10), 64, window=ember.ones(64), return_complex=True)
    with pytest.raises(RuntimeError, match="istft requires a complex-valued input tensor"):
        ember.istft(ember.ones(9, 5), 16, window=ember.ones(16))
    with pytest.raises(RuntimeError, match="window overlap add min"):
        ember.istft(F.fft(ember.ones(9, 5), dim=0), 16, window=ember.zeros(16))
