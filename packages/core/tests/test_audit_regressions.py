"""Regressions found by reviewing the core issues bullet by bullet."""
from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F


def test_poisson_nll_full_with_zero_and_one_targets():
    out = F.poisson_nll_loss(ember.tensor([1.0, 2.0, 3.0]), ember.tensor([0.0, 1.0, 4.0]), log_input=False,
                             full=True, reduction="none")
    np.testing.assert_allclose(out.numpy(), [1.0, 1.3068528, 1.7628], rtol=1e-4)
    assert np.isfinite(F.poisson_nll_loss(ember.ones(3), ember.zeros(3), full=True).item())


def test_anomaly_nan_check_shows_forward_traceback():
    x = ember.tensor([0.0, 1.0], requires_grad=True)

    def model(t):
        return t.sqrt() * 0

    with pytest.warns(UserWarning, match="Error detected in SqrtBackward0"):
        with pytest.raises(RuntimeError, match="returned nan values") as info:
            with ember.autograd.detect_anomaly():
                model(x).sum().backward()
    note = "".join(info.value.__notes__)
    assert "return t.sqrt() * 0" in note and "ember/ops" not in note


def test_dataloader_prefetch_factor():
    ds = ember.utils.data.TensorDataset(ember.arange(40.0))
    got = [b[0].tolist() for b in ember.utils.data.DataLoader(ds, batch_size=4, num_workers=2, prefetch_factor=3)]
    assert sum(got, []) == list(map(float, range(40)))
    with pytest.raises(ValueError, match="prefetch_factor"):
        ember.utils.data.DataLoader(ds, prefetch_factor=2)


def test_dropout1d_module_drops_whole_channels():
    ember.manual_seed(0)
    m = nn.Dropout1d(0.5)
    y = m(ember.ones(8, 16, 5))
    per_channel = y.reshape(8 * 16, 5)
    assert all(len(set(r)) == 1 for r in per_channel.tolist())
    assert set(y.unique().tolist()) <= {0.0, 2.0}
    m.eval()
    assert m(ember.ones(2, 3, 4)).tolist() == ember.ones(2, 3, 4).tolist()


def test_ctc_loss_module_matches_functional_and_torch():
    rng = np.random.default_rng(0)
    logits = rng.standard_normal((12, 2, 5))
    targets = np.array([[1, 2, 2], [3, 1, 4]])
    il, tl = np.array([12, 10]), np.array([3, 2])
    lp = F.log_softmax(ember.from_numpy(logits), 2)
    for reduction in ("none", "mean", "sum"):
        mod = nn.CTCLoss(blank=0, reduction=reduction, zero_infinity=True)
        a = mod(lp, ember.from_numpy(targets), ember.from_numpy(il), ember.from_numpy(tl))
        b = F.ctc_loss(lp, ember.from_numpy(targets), ember.from_numpy(il), ember.from_numpy(tl), blank=0,
                       reduction=reduction, zero_infinity=True)
        np.testing.assert_allclose(a.numpy(), b.numpy())
    torch = pytest.importorskip("torch")
    t = torch.nn.CTCLoss()(torch.from_numpy(logits).log_softmax(2), torch.from_numpy(targets),
                           torch.from_numpy(il), torch.from_numpy(tl))
    e = nn.CTCLoss()(lp, ember.from_numpy(targets), ember.from_numpy(il), ember.from_numpy(tl))
    np.testing.assert_allclose(e.item(), t.item(), rtol=1e-10)


def test_custom_extra_repr_in_printed_tree():
    class Scale(nn.Module):
        def __init__(self, factor):
            super().__init__()
            self.factor = factor

        def extra_repr(self):
            return f"factor={self.factor}"

    m = nn.Sequential(Scale(2.5), nn.ReLU())
    assert repr(m) == "Sequential(\n  (0): Scale(factor=2.5)\n  (1): ReLU()\n)"


def test_mixed_dtype_norms_and_prelu_raise_like_torch():
    x = ember.randn(2, 3, dtype=ember.float64)
    with pytest.raises(RuntimeError, match="mixed dtype"):
        F.batch_norm(x, ember.zeros(3), ember.ones(3), training=True)
    with pytest.raises(RuntimeError, match="mixed dtype"):
        F.layer_norm(x, [3], ember.ones(3))
    with pytest.raises(RuntimeError, match="Type promoting not supported. Got Double and Float"):
        F.prelu(x, ember.ones(1))
    # half inputs may carry float32 parameters, as in torch
    assert F.layer_norm(x.bfloat16(), [3], ember.ones(3)).dtype == ember.bfloat16


def test_grad_fn_type_names_follow_torch():
    x = ember.ones(2, requires_grad=True)
    y = (x * 2).exp().sum()
    assert type(y.grad_fn).__name__ == "SumBackward0" == y.grad_fn.name()
    assert type(y.grad_fn.next_functions[0][0]).__name__ == "ExpBackward0"
    assert type(ember.ones(1, requires_grad=True).sum().grad_fn.next_functions[0][0]).__name__ == "AccumulateGrad"
