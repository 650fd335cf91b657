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
