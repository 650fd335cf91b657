"""float16 / bfloat16 beyond the OpInfo table: conversion, printing, scalars, finfo, nn layers forward+backward.

Per-op dtypes and values in half are checked for every OpInfo entry by ``test_forward_low_precision`` in
``test_opinfo.py`` (NOTE [ low-precision forward ]). torch is an optional oracle here.
"""
from __future__ import annotations

import numpy as np
import pytest

import ember
from ember import nn

HALVES = [ember.float16, ember.bfloat16]
TOL = {"float16": 1e-2, "bfloat16": 5e-2}


def _torch():
    return pytest.importorskip("torch")


def _np(t):
    return t.detach().float().numpy()


def _close(got, exp, dtype, scale=1.0):
    tol = TOL[dtype.name] * max(scale, 1.0)
    np.testing.assert_allclose(_np(got), np.asarray(exp, dtype=np.float64), atol=tol, rtol=TOL[dtype.name])


@pytest.mark.parametrize("dt", HALVES, ids=lambda d: d.name)
def test_tensor_creation_and_conversion(dt):
    x = ember.tensor([1.5, 2.25, -3.0], dtype=dt)
    assert x.dtype is dt and x.is_floating_point() and x.element_size() == 2
    assert x.tolist() == [1.5, 2.25, -3.0]
    v = x[1].item()
    assert type(v) is float and v == 2.25
    assert float(x[2]) == -3.0
    y = ember.arange(4.0).to(dt)
    assert y.dtype is dt and y.to(ember.float32).tolist() == [0.0, 1.0, 2.0, 3.0]
    assert (y.half().dtype, y.bfloat16().dtype, y.float().dtype) == (ember.float16, ember.bfloat16, ember.float32)
    # values round to the half type like torch (bfloat16 keeps 8 significant bits)
    r = ember.tensor([1.0 + 2 ** -9], dtype=dt).item()
    assert r == (1.0 + 2 ** -9 if dt is ember.float16 else 1.0)


@pytest.mark.parametrize("dt", HALVES, ids=lambda d: d.name)
def test_print_matches_torch(dt):
    torch = _torch()
    vals = [[1.5, -2.25, 3.0], [0.1, 100.0, -7.5]]
    assert repr(ember.tensor(vals, dtype=dt)) == repr(torch.tensor(vals, dtype=getattr(torch, dt.name))) \
        .replace("torch.", "ember.")
    assert str(ember.tensor(2.5, dtype=dt)) == str(torch.tensor(2.5, dtype=getattr(torch, dt.name))) \
        .replace("torch.", "ember.")


@pytest.mark.parametrize("name", ["float16", "bfloat16", "float32", "float64"])
def test_finfo_matches_torch(name):
    torch = _torch()
    e, t = ember.finfo(getattr(ember, name)), torch.finfo(getattr(torch, name))
    assert repr(e) == repr(t)
    assert (e.bits, e.eps, e.max, e.min, e.tiny, e.resolution) == (t.bits, t.eps, t.max, t.min, t.tiny, t.resolution)


@pytest.mark.parametrize("dt", HALVES, ids=lambda d: d.name)
def test_scalar_arithmetic_keeps_half(dt):
    x = ember.tensor([1.0, 2.0, 3.0], dtype=dt)
    for r in (x + 1.5, x * 2, 2.0 - x, x / 3, x ** 2, -x, x.exp(), x.clamp(max=2.5), x.floor()):
        assert r.dtype is dt
    assert (x > 1.5).dtype is ember.bool
    assert (x + ember.tensor([1.0])).dtype is ember.float32  # promotion with a float32 tensor (dim'd)
    assert (ember.tensor([1.0], dtype=ember.float16) + ember.tensor([1.0], dtype=ember.bfloat16)).dtype \
        is ember.float32


@pytest.mark.parametrize("dt", HALVES, ids=lambda d: d.name)
def test_reductions_accumulate_in_float32(dt):
    # 4096 ones: a half accumulator stalls at 2048 (float16) or 256 (bfloat16); torch accumulates in float32
    x = ember.ones(4096, dtype=dt)
    assert x.sum().dtype is dt and x.sum().item() == 4096.0
    assert x.mean().item() == 1.0
    assert x.cumsum(0)[-1].item() == 4096.0
    y = ember.arange(100.0).to(dt)
    _close(y.var(), np.var(np.arange(100.0), ddof=1), dt, scale=850)
    _close(y.norm(), np.linalg.norm(np.arange(100.0)), dt, scale=580)
    assert ember.softmax(y, 0).dtype is dt
    _close(ember.softmax(y, 0).sum(), 1.0, dt)


@pytest.mark.parametrize("dt", HALVES, ids=lambda d: d.name)
def test_matmul_family_keeps_half(dt):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((5, 7)), rng.standard_normal((7, 3))
    ea, eb = ember.tensor(a, dtype=dt), ember.tensor(b, dtype=dt)
    ref = ea.double() @ eb.double()
    for r in (ea @ eb, ember.mm(ea, eb), ember.einsum("ij,jk->ik", ea, eb), ember.matmul(ea, eb)):
        assert r.dtype is dt
        _close(r, ref.numpy(), dt, scale=float(np.abs(ref.numpy()).max()))
    with pytest.raises(RuntimeError, match="same dtype"):
        ea @ eb.float()


@pytest.mark.parametrize("dt", HALVES, ids=lambda d: d.name)
def test_linalg_decompositions_refuse_half_like_torch(dt):
    a = ember.eye(3, dtype=dt)
    with pytest.raises(NotImplementedError, match="lu_cpu"):
        ember.linalg.det(a)
    with pytest.raises(NotImplementedError, match="linalg_svd_cpu"):
        ember.linalg.svd(a)
    with pytest.raises(RuntimeError, match="Low precision dtypes not supported"):
        ember.linalg.inv(a)
    # the ones torch computes in half
    assert ember.linalg.matrix_exp(a).dtype is dt
    assert ember.linalg.matrix_norm(a).dtype is dt and ember.linalg.matrix_power(a, 3).dtype is dt


def _grads_match(emod, tmod, ex, tx, dt, tol_scale=1.0):
    torch = _torch()
    eo, to = emod(ex), tmod(tx)
    assert eo.dtype.__repr__().split(".")[1] == str(to.dtype).split(".")[1]
    _close(eo, to.detach().float().numpy(), dt, scale=tol_scale)
    g = np.random.default_rng(3).standard_normal(tuple(to.shape))
    eo.backward(ember.tensor(g).to(dt))
    to.backward(torch.from_numpy(g).to(to.dtype))
    assert ex.grad.dtype is dt
    _close(ex.grad, tx.grad.float().numpy(), dt, scale=tol_scale)
    for (n, ep), tp in zip(emod.named_parameters(), tmod.parameters()):
        assert ep.grad.dtype is dt, n
        _close(ep.grad, tp.grad.float().numpy(), dt, scale=tol_scale * 4)


def _copy_params(emod, tmod):
    torch = _torch()
    with torch.no_grad():
        for ep, tp in zip(emod.parameters(), tmod.parameters()):
            tp.copy_(torch.from_numpy(ep.detach().float().numpy()))


@pytest.mark.parametrize("dt", HALVES, ids=lambda d: d.name)
def test_linear_half_forward_backward_matches_torch(dt):
    torch = _torch()
    conv = "half" if dt is ember.float16 else "bfloat16"
    ember.manual_seed(0)
    emod = nn.Linear(4, 3)
    tmod = torch.nn.Linear(4, 3)
    _copy_params(emod, tmod)
    emod, tmod = getattr(emod, conv)(), getattr(tmod, conv)()
    assert emod.weight.dtype is dt and emod.bias.dtype is dt
    x = np.random.default_rng(1).standard_normal((5, 4))
    ex = ember.tensor(x).to(dt).requires_grad_()
    tx = torch.from_numpy(x).to(getattr(torch, dt.name)).requires_grad_()
    _grads_match(emod, tmod, ex, tx, dt)


@pytest.mark.parametrize("dt", HALVES, ids=lambda d: d.name)
def test_conv_model_half_forward_backward_matches_torch(dt):
    torch = _torch()
    conv = "half" if dt is ember.float16 else "bfloat16"

    def build(m):
        return m.Sequential(m.Conv2d(2, 4, 3, padding=1), m.ReLU(), m.BatchNorm2d(4), m.Conv2d(4, 2, 3),
                            m.Flatten(), m.Linear(8, 3), m.LayerNorm(3))

    ember.manual_seed(0)
    emod, tmod = build(nn), build(torch.nn)
    _copy_params(emod, tmod)
    emod, tmod = getattr(emod, conv)(), getattr(tmod, conv)()
    x = np.random.default_rng(2).standard_normal((2, 2, 4, 4))
    ex = ember.tensor(x).to(dt).requires_grad_()
    tx = torch.from_numpy(x).to(getattr(torch, dt.name)).requires_grad_()
    _grads_match(emod, tmod, ex, tx, dt, tol_scale=2.0)
    assert emod[2].running_mean.dtype is dt


@pytest.mark.parametrize("dt", HALVES, ids=lambda d: d.name)
def test_half_training_step_reduces_loss(dt):
    ember.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 2))
    model = model.half() if dt is ember.float16 else model.bfloat16()
    opt = ember.optim.SGD(model.parameters(), lr=0.1)
    x = ember.randn(32, 8).to(dt)
    y = (x[:, 0] > 0).long()
    losses = []
    for _ in range(15):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        assert loss.dtype is dt
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert all(p.dtype is dt for p in model.parameters())
    assert losses[-1] < losses[0]


def test_grid_sample_nearest_bfloat16_matches_torch():
    # bfloat16-rounded coordinates can select another nearest pixel than float32 does: torch is the reference
    torch = _torch()
    rng = np.random.default_rng(4)
    x, grid = rng.standard_normal((2, 2, 3, 4)), rng.uniform(-1.2, 1.2, (2, 3, 2, 2))
    for mode in ("zeros", "border", "reflection"):
        kw = dict(mode="nearest", padding_mode=mode, align_corners=False)
        e = nn.functional.grid_sample(ember.tensor(x).bfloat16(), ember.tensor(grid).bfloat16(), **kw)
        t = torch.nn.functional.grid_sample(torch.from_numpy(x).bfloat16(), torch.from_numpy(grid).bfloat16(), **kw)
        assert e.dtype is ember.bfloat16
        np.testing.assert_array_equal(_np(e), t.float().numpy())
