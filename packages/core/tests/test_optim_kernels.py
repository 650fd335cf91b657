"""The numba-fused Adam update is bit-identical to the ufunc path it replaces."""
from __future__ import annotations

import numpy as np
import pytest

import ember
from ember.optim import _kernels

pytest.importorskip("numba")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("beta1", [0.9, 0.3])
def test_fused_adam_bit_identical_to_ufunc_path(dtype, beta1, monkeypatch):
    rng = np.random.default_rng(0)
    init = [rng.standard_normal(s).astype(dtype) for s in [(50, 30), (30,), (7,)]]
    grads = [[rng.standard_normal(a.shape).astype(dtype) for a in init] for _ in range(4)]

    def run():
        ps = [ember.nn.Parameter(ember.from_numpy(a.copy())) for a in init]
        opt = ember.optim.Adam(ps, lr=0.01, betas=(beta1, 0.99), weight_decay=0.01)
        for gs in grads:
            for p, g in zip(ps, gs):
                p.grad = ember.from_numpy(g.copy())
            opt.step()
        return [p.detach().numpy().copy() for p in ps], [opt.state[p]["exp_avg_sq"].numpy().copy() for p in ps]

    import ember.optim.adam as adam_mod
    calls = []
    real = adam_mod.adam_available
    monkeypatch.setattr(adam_mod, "adam_available", lambda *a: calls.append(1) or real(*a))
    fused = run()
    assert calls and real(*[np.zeros(3, dtype)] * 4)
    monkeypatch.setattr(adam_mod, "adam_available", lambda *a: False)
    plain = run()
    for a, b in zip(fused[0] + fused[1], plain[0] + plain[1]):
        assert np.array_equal(a, b)
