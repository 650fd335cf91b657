"""Regression tests for bugs found by the end-to-end programs (tests/e2e)."""
import numpy as np
import pytest

import ember


def test_mul_by_constant_then_inplace_on_leaf_under_no_grad():
    # torch saves ``w`` for ``w * c`` only if ``c`` needs a gradient: updating ``w`` in place afterwards is fine
    w = ember.ones(3, dtype=ember.float64, requires_grad=True)
    c = ember.full((3,), 2.0, dtype=ember.float64)
    e = (w * 2).exp() + (w * c).sum() + (w / c).sum()
    with ember.no_grad():
        w.add_(1.0)
    e.sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), 2 * np.exp(2.0) + 3 * 2.0 + 3 * 0.5)


def test_mul_saved_input_still_checked_when_its_grad_is_needed():
    w = ember.ones(3, requires_grad=True)
    x = ember.ones(3)
    y = (w * x).sum()
    x.add_(1.0)  # w's gradient reads x: modifying it must be caught, as in torch
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()
    b = ember.ones(3, requires_grad=True)
    a = ember.ones(3)
    z = (a / b).sum()
    b.data.add_(0)  # .data does not bump the version
    z.backward()
    np.testing.assert_allclose(b.grad.numpy(), -1.0)


def test_retain_grad_sees_the_gradient_after_tensor_hooks():
    # torch: the retains_grad hook always runs last, so .grad holds the hook-modified gradient
    x = ember.ones(3, requires_grad=True)
    h = x * 2
    h.retain_grad()
    handle = h.register_hook(lambda g: g * 0.5)
    (h * 3).sum().backward()
    np.testing.assert_allclose(h.grad.numpy(), 1.5)
    np.testing.assert_allclose(x.grad.numpy(), 3.0)
    handle.remove()
    h2 = x * 2
    h2.register_hook(lambda g: g + 1)
    h2.retain_grad()
    h2.sum().backward()
    np.testing.assert_allclose(h2.grad.numpy(), 2.0)


def test_range_as_an_index_like_a_list():
    # the "What is torch.nn really?" tutorial's nll: input[range(n), target]
    x = ember.arange(12.0).reshape(3, 4)
    target = ember.tensor([1, 0, 3])
    np.testing.assert_array_equal(x[range(3), target].numpy(), [1.0, 4.0, 11.0])
    np.testing.assert_array_equal(x[range(1, 3)].numpy(), x[[1, 2]].numpy())
    y = ember.zeros(3, 4)
    y[range(3), target] = 1.0
    np.testing.assert_array_equal(y.sum(1).numpy(), [1.0, 1.0, 1.0])
    assert x[range(0)].shape == (0, 4)


def test_python_scalar_conversion_of_many_elements_is_a_value_error():
    for conv in (float, int, complex):
        with pytest.raises(ValueError, match="only one element tensors can be converted to Python scalars"):
            conv(ember.ones(2))
    with pytest.raises(RuntimeError, match="cannot be converted to Scalar"):
        ember.ones(2).item()
    assert float(ember.ones(1, 1)) == 1.0


def test_ctc_gradient_on_a_log_probs_leaf_matches_torch():
    # torch's documented example differentiates w.r.t. log_softmax(...).detach().requires_grad_(): its kernel
    # returns exp(log_probs) - posterior on frames inside input_length, NaN for an infinite loss
    F = ember.nn.functional
    x = np.random.default_rng(0).standard_normal((6, 2, 4))
    lp = ember.tensor(x).log_softmax(2).detach().requires_grad_()
    loss = F.ctc_loss(lp, ember.tensor([[1, 2, 2], [3, 1, 0]]), [6, 5], [3, 2])
    loss.backward()
    g = lp.grad.numpy()
    np.testing.assert_array_equal(g[5, 1], 0.0)  # frame past input_length 5
    # each frame's gradient sums to scale * (1 - 1) = 0: exp(lp) and the posterior both sum to one
    np.testing.assert_allclose(g[:5].sum(-1), 0.0, atol=1e-12)
    lp2 = ember.tensor(x[:2, :1]).log_softmax(2).detach().requires_grad_()
    F.ctc_loss(lp2, ember.tensor([[1, 1]]), [2], [2], reduction="sum").backward()
    assert np.isnan(lp2.grad.numpy()).all()
    lp2.grad = None
    F.ctc_loss(lp2, ember.tensor([[1, 1]]), [2], [2], reduction="sum", zero_infinity=True).backward()
    np.testing.assert_array_equal(lp2.grad.numpy(), 0.0)


def test_ctc_gradient_values_match_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(1).standard_normal((6, 2, 4))
    grads = []
    for lib in (ember, torch):
        lp = lib.tensor(x).log_softmax(2).detach().requires_grad_()
        lib.nn.functional.ctc_loss(lp, lib.tensor([[1, 2, 2], [3, 1, 0]]), lib.tensor([6, 5]),
                                   lib.tensor([3, 2])).backward()
        grads.append(lp.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-9, atol=1e-12)


def test_linspace_has_torchs_symmetric_single_rounding_bits():
    # torch: start + step*i on the first half, end - step*(n-1-i) on the second, one rounding each; for n=20
    # NumPy's start + i*step differs in the last bit at several points
    from fractions import Fraction

    for n, dt in ((20, ember.float64), (28, ember.float64), (20, ember.float32)):
        got = ember.linspace(-1, 1, n, dtype=dt).numpy()
        npdt = np.float64 if dt is ember.float64 else np.float32
        step = (npdt(1) - npdt(-1)) / npdt(n - 1)
        want = [float(Fraction(-1) + Fraction(float(step)) * i) if i < n // 2 else
                float(Fraction(1) - Fraction(float(step)) * (n - 1 - i)) for i in range(n)]
        np.testing.assert_array_equal(got, np.asarray(want).astype(npdt))
    # integer linspace truncates the ends before stepping (torch), not only the values
    np.testing.assert_array_equal(ember.linspace(0.5, 10.7, 5, dtype=ember.int64).numpy(), [0, 2, 5, 7, 10])


def test_grid_sample_gradient_at_pixel_centres_and_borders_matches_torch():
    # an identity spatial transformer samples exactly at pixel centres: the bilinear gradient there depends on
    # the side each unnormalised coordinate rounds to (torch: fma(x + 1, W / 2, -0.5)); border clipping gives
    # no gradient at the border itself
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((2, 1, 20, 20))
    th = np.stack([np.eye(2, 3), np.eye(2, 3) * 1.5])
    for pm in ("zeros", "border", "reflection"):
        for dt in ("float64", "float32"):
            grads = []
            for lib in (ember, torch):
                F = lib.nn.functional
                t = lib.tensor(th.astype(dt)).requires_grad_()
                grid = F.affine_grid(t, (2, 1, 20, 20), align_corners=False)
                out = F.grid_sample(lib.tensor(x.astype(dt)), grid, padding_mode=pm, align_corners=False)
                (out * lib.arange(out.numel(), dtype=out.dtype).reshape(out.shape)).sum().backward()
                grads.append(t.grad.numpy())
            np.testing.assert_allclose(grads[0], grads[1], rtol=1e-9 if dt == "float64" else 1e-4, atol=1e-6)


def test_gather_scatter_with_zero_dim_index_address_one_element():
    # tutorials build one-hot targets with ``zeros(n).scatter_(0, tensor(y), value=1)``: a 0-d index is one position
    x = ember.tensor([1.0, 2.0, 3.0])
    i = ember.tensor(1)
    g = ember.gather(x, 0, i)
    assert g.shape == () and g.item() == 2.0
    np.testing.assert_array_equal(ember.zeros(3).scatter_(0, i, value=1).numpy(), [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(ember.zeros(3).scatter_add(0, i, ember.tensor(2.0)).numpy(), [0.0, 2.0, 0.0])
    np.testing.assert_array_equal(ember.zeros(3).scatter(0, i, ember.tensor([4.0, 5.0])).numpy(), [0.0, 4.0, 0.0])


def test_fused_loss_grad_fn_names_match_torch():
    F = ember.nn.functional
    x = ember.tensor([[0.2, 0.7, 0.1]], requires_grad=True)
    t = ember.tensor([[0.0, 1.0, 0.0]])
    y = ember.tensor([1])
    assert type(F.binary_cross_entropy_with_logits(x, t).grad_fn).__name__ == "BinaryCrossEntropyWithLogitsBackward0"
    assert type(F.binary_cross_entropy(x.sigmoid(), t).grad_fn).__name__ == "BinaryCrossEntropyBackward0"
    assert type(F.mse_loss(x, t).grad_fn).__name__ == "MseLossBackward0"
    assert type(F.nll_loss(x, y).grad_fn).__name__ == "NllLossBackward0"


def test_t_grad_fn_is_named_like_torch():
    x = ember.ones(2, 3, requires_grad=True)
    y = x.t()
    assert type(y.grad_fn).__name__ == "TBackward0" and y._base is x
    (y * ember.arange(6.0).view(3, 2)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.arange(6.0).reshape(3, 2).T)
