"""torch parity of the numba fast paths in nn.functional (channel norms, max pooling + scatter, resampling,
row-wise cross entropy): forward, backward and the special values each kernel must keep."""
import numpy as np
import pytest

import ember

torch = pytest.importorskip("torch")
RNG = np.random.default_rng(0)
DTYPES = [np.float32, np.float64]


def _close(a, b, dt):
    tol = 2e-5 if dt == np.float32 else 1e-11
    np.testing.assert_allclose(a, b, rtol=tol, atol=tol)


def _weights(lib, y, dt):
    return lib.tensor((np.arange(y.numel()).reshape(tuple(y.shape)) % 7 / 7).astype(dt))


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape,mode,affine", [((4, 3, 5, 6), "bn", True), ((4, 3, 5, 6), "bn", False),
                                               ((4, 3), "bn", True), ((2, 3, 7), "in", True),
                                               ((2, 3, 4, 5), "in", False)])
def test_channel_norm(dt, shape, mode, affine):
    x = (RNG.standard_normal(shape) * 3 + 1).astype(dt)
    res = []
    for lib in (torch, ember):
        xt = lib.tensor(x, requires_grad=True)
        nd = len(shape)
        if mode == "bn":
            m = (lib.nn.BatchNorm1d if nd < 4 else lib.nn.BatchNorm2d)(3, affine=affine, dtype=xt.dtype)
        else:
            m = (lib.nn.InstanceNorm1d if nd == 3 else lib.nn.InstanceNorm2d)(
                3, affine=affine, track_running_stats=True, dtype=xt.dtype)
        if affine:
            with lib.no_grad():
                m.weight.copy_(lib.tensor([1.0, 2.0, -0.5]))
                m.bias.copy_(lib.tensor([0.1, 0.2, 0.3]))
        y = m(xt)
        (y * y * _weights(lib, y, dt)).sum().backward()
        res.append([y.detach().numpy(), xt.grad.numpy(), m.running_mean.numpy(), m.running_var.numpy()] +
                   ([m.weight.grad.numpy(), m.bias.grad.numpy()] if affine else []))
    for a, b in zip(*res):
        _close(b, a, dt)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape,kw", [
    ((2, 3, 9, 10), dict(kernel_size=2)),
    ((2, 3, 9, 10), dict(kernel_size=3, stride=2, padding=1)),
    ((2, 3, 9, 10), dict(kernel_size=3, stride=1, padding=1, dilation=2)),
    ((2, 3, 9, 10), dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 1), ceil_mode=True)),
    ((3, 11), dict(kernel_size=3, stride=2, padding=1)),
    ((2, 3, 11), dict(kernel_size=4, stride=3, padding=2, ceil_mode=True))])
def test_max_pool_kernel(dt, shape, kw):
    x = RNG.standard_normal(shape).astype(dt)
    flat = x.reshape(-1)
    flat[::7] = 1.0  # ties: the first maximum wins
    flat[5] = flat[6] = np.nan  # NaN propagates; torch keeps the last NaN's index
    flat[20:24] = -np.inf
    res = []
    for lib in (torch, ember):
        xt = lib.tensor(x, requires_grad=True)
        f = lib.nn.functional.max_pool2d if len(shape) == 4 else lib.nn.functional.max_pool1d
        y, i = f(xt, return_indices=True, **kw)
        y.backward(lib.tensor(np.arange(y.numel()).reshape(tuple(y.shape)).astype(dt)))
        res.append((y.detach().numpy(), i.numpy(), xt.grad.numpy()))
    for a, b in zip(*res):
        assert a.shape == b.shape
        np.testing.assert_array_equal(b, a)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape,kw", [
    ((2, 3, 5, 6), dict(scale_factor=2, mode="bilinear", align_corners=False)),
    ((2, 3, 5, 6), dict(size=(7, 4), mode="bilinear", align_corners=True)),
    ((2, 3, 5, 6), dict(size=(9, 13), mode="bicubic", align_corners=False)),
    ((2, 3, 5, 6), dict(scale_factor=1.7, mode="nearest")),
    ((2, 3, 5, 6), dict(size=(3, 11), mode="nearest-exact")),
    ((2, 3, 8), dict(size=5, mode="linear")),
    ((2, 3, 5, 6), dict(size=(5, 12), mode="nearest"))])
def test_resample_kernel(dt, shape, kw):
    x = RNG.standard_normal(shape).astype(dt)
    g = None
    res = []
    for lib in (torch, ember):
        xt = lib.tensor(x, requires_grad=True)
        y = lib.nn.functional.interpolate(xt, **kw)
        if g is None:
            g = RNG.standard_normal(tuple(y.shape)).astype(dt)
        y.backward(lib.tensor(g))
        res.append((y.detach().numpy(), xt.grad.numpy()))
    for a, b in zip(*res):
        _close(b, a, dt)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_rows(dt, reduction, weighted):
    x = (RNG.standard_normal((7, 13)) * 5).astype(dt)
    x[4, 3] = np.nan  # a NaN row stays NaN
    t = RNG.integers(0, 13, 7)
    t[2] = -100
    w = RNG.random(13).astype(dt)
    res = []
    for lib in (torch, ember):
        xt = lib.tensor(x, requires_grad=True)
        loss = lib.nn.functional.cross_entropy(xt, lib.tensor(t), weight=lib.tensor(w) if weighted else None,
                                               reduction=reduction)
        (loss * lib.tensor(np.arange(1, loss.numel() + 1).reshape(tuple(loss.shape)).astype(dt))).sum().backward()
        res.append((loss.detach().numpy(), xt.grad.numpy()))
    for a, b in zip(*res):
        np.testing.assert_allclose(b, a, rtol=2e-5 if dt == np.float32 else 1e-11, atol=1e-6, equal_nan=True)


def test_cross_entropy_large_rows_threaded_exp():
    x = RNG.standard_normal((64, 3000)).astype(np.float32)
    t = RNG.integers(0, 3000, 64)
    ref = torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor(t)).item()
    got = ember.nn.functional.cross_entropy(ember.tensor(x), ember.tensor(t)).item()
    assert abs(got - ref) < 1e-5
