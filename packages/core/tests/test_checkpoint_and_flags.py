"""utils.checkpoint (recompute in backward, same gradients), set_printoptions, deterministic-algorithm flags."""
from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.nn as nn
from ember.utils.checkpoint import checkpoint, checkpoint_sequential


def _model():
    ember.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 8), nn.Tanh(), nn.Linear(8, 2))


def test_checkpoint_gives_same_gradients_and_recomputes():
    m = _model()
    x = ember.randn(3, 4, requires_grad=True)
    m(x).pow(2).sum().backward()
    ref = [p.grad.clone() for p in m.parameters()] + [x.grad.clone()]
    m.zero_grad()
    x.grad = None
    calls = []

    def seg(inp):
        calls.append(1)
        return m[2](m[1](m[0](inp)))
    out = m[4](m[3](checkpoint(seg, x, use_reentrant=False)))
    assert len(calls) == 1
    out.pow(2).sum().backward()
    assert len(calls) == 2  # recomputed during backward
    got = [p.grad for p in m.parameters()] + [x.grad]
    for a, b in zip(ref, got):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-7)


def test_checkpoint_keeps_no_intermediates_and_respects_retain_graph():
    m = _model()
    x = ember.randn(3, 4, requires_grad=True)
    y = checkpoint(m, x, use_reentrant=False).sum()
    y.backward(retain_graph=True)
    g1 = x.grad.clone()
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * g1.numpy(), rtol=1e-6)
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


def test_checkpoint_preserves_rng_state_for_dropout():
    ember.manual_seed(1)
    drop = nn.Dropout(0.5)
    lin = nn.Linear(6, 6)
    x = ember.randn(4, 6, requires_grad=True)
    f = lambda t: drop(lin(t))  # noqa: E731
    ember.manual_seed(5)
    ref_out = f(x)
    ref_out.sum().backward()
    ref = x.grad.clone()
    x.grad = None
    ember.manual_seed(5)
    out = checkpoint(f, x, use_reentrant=False)
    out.sum().backward()
    np.testing.assert_allclose(out.detach().numpy(), ref_out.detach().numpy())
    np.testing.assert_allclose(x.grad.numpy(), ref.numpy(), rtol=1e-6)


def test_checkpoint_sequential():
    m = _model()
    x = ember.randn(2, 4, requires_grad=True)
    m(x).sum().backward()
    ref = x.grad.clone()
    x.grad = None
    checkpoint_sequential(m, 2, x, use_reentrant=False).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), ref.numpy(), rtol=1e-6)


def test_checkpoint_under_no_grad_is_plain_call():
    m = _model()
    with ember.no_grad():
        out = checkpoint(m, ember.randn(2, 4), use_reentrant=False)
    assert not out.requires_grad


def test_set_printoptions():
    t = ember.tensor([1.123456789, 2.0])
    try:
        ember.set_printoptions(precision=2)
        assert repr(t) == "tensor([1.12, 2.00])"
        ember.set_printoptions(threshold=5, edgeitems=2)
        assert "..." in repr(ember.arange(10.0))
        ember.set_printoptions(sci_mode=True)
        assert "e+00" in repr(t)
    finally:
        ember.set_printoptions(profile="default")
    assert repr(t) == "tensor([1.1235, 2.0000])"


def test_deterministic_flags():
    assert not ember.are_deterministic_algorithms_enabled()
    ember.use_deterministic_algorithms(True, warn_only=True)
    try:
        assert ember.are_deterministic_algorithms_enabled()
        assert ember.is_deterministic_algorithms_warn_only_enabled()
        # scatter-add results do not depend on runs: same inputs, same bits
        idx = ember.tensor([0, 1, 0, 1, 0] * 20)
        src = ember.randn(100, dtype=ember.float64)
        a = ember.zeros(2, dtype=ember.float64).scatter_add(0, idx, src)
        b = ember.zeros(2, dtype=ember.float64).scatter_add(0, idx, src)
        assert a.tolist() == b.tolist()
    finally:
        ember.use_deterministic_algorithms(False)
