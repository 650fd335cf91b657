"""Loss modules vs torch (float64 outputs and gradients), gradcheck, and error cases."""
from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F

R = np.random.default_rng(0)


def _f(*shape, low=-2.0, high=2.0, seed=0):
    return np.random.default_rng(seed).uniform(low, high, size=shape)


def _i(*shape, n=5, seed=0):
    return np.random.default_rng(seed).integers(0, n, size=shape).astype(np.int64)


def _pm1(*shape, seed=0):
    return np.where(_f(*shape, seed=seed) > 0, 1.0, -1.0)


W5 = np.array([0.5, 1.0, 2.0, 1.5, 0.7])

# (class name, kwargs (arrays become tensors), inputs; float inputs at positions in `grad` get gradients)
LOSSES = [
    ("CrossEntropyLoss", {}, [_f(4, 5), _i(4)], (0,)),
    ("CrossEntropyLoss", dict(weight=W5, ignore_index=1, label_smoothing=0.2), [_f(6, 5), _i(6)], (0,)),
    ("CrossEntropyLoss", dict(reduction="none"), [_f(2, 5, 3, 2), _i(2, 3, 2)], (0,)),
    ("CrossEntropyLoss", dict(reduction="sum", label_smoothing=0.1), [_f(5), np.array(3)], (0,)),
    ("CrossEntropyLoss", dict(weight=W5, label_smoothing=0.3), [_f(4, 5), np.abs(_f(4, 5, seed=1))], (0, 1)),
    ("CrossEntropyLoss", dict(reduction="none"), [_f(2, 5, 3), np.abs(_f(2, 5, 3, seed=1))], (0, 1)),
    ("NLLLoss", dict(weight=W5), [_f(4, 5), _i(4)], (0,)),
    ("NLLLoss", dict(reduction="none", ignore_index=2), [_f(2, 5, 3), _i(2, 3)], (0,)),
    ("BCELoss", {}, [_f(3, 4, low=0.05, high=0.95), _f(3, 4, low=0, high=1, seed=1)], (0, 1)),
    ("BCELoss", dict(weight=_f(4, low=0.5, high=2), reduction="sum"),
     [_f(3, 4, low=0.05, high=0.95), _f(3, 4, low=0, high=1, seed=1)], (0, 1)),
    ("BCEWithLogitsLoss", {}, [_f(3, 4), _f(3, 4, low=0, high=1, seed=1)], (0, 1)),
    ("BCEWithLogitsLoss", dict(pos_weight=_f(4, low=0.5, high=3), weight=_f(3, 1, low=0.5, high=2),
                               reduction="none"), [_f(3, 4, low=-30, high=30), _f(3, 4, low=0, high=1, seed=1)],
     (0, 1)),
    ("MSELoss", {}, [_f(3, 4), _f(3, 4, seed=1)], (0, 1)),
    ("MSELoss", dict(reduction="none"), [_f(3, 4), _f(3, 4, seed=1)], (0, 1)),
    ("L1Loss", dict(reduction="sum"), [_f(3, 4), _f(3, 4, seed=1)], (0, 1)),
    ("SmoothL1Loss", dict(beta=0.5), [_f(3, 4), _f(3, 4, seed=1)], (0, 1)),
    ("HuberLoss", dict(delta=0.7, reduction="none"), [_f(3, 4), _f(3, 4, seed=1)], (0, 1)),
    ("KLDivLoss", dict(reduction="batchmean"), [np.log(np.abs(_f(3, 4)) + 0.1), np.abs(_f(3, 4, seed=1))],
     (0, 1)),
    ("KLDivLoss", dict(reduction="sum", log_target=True), [_f(3, 4), _f(3, 4, seed=1)], (0, 1)),
    ("CosineEmbeddingLoss", dict(margin=0.2), [_f(4, 3), _f(4, 3, seed=1), _pm1(4, seed=2)], (0, 1)),
    ("MarginRankingLoss", dict(margin=0.3), [_f(5), _f(5, seed=1), _pm1(5, seed=2)], (0, 1)),
    ("TripletMarginLoss", dict(margin=1.5, swap=True), [_f(4, 3), _f(4, 3, seed=1), _f(4, 3, seed=2)], (0, 1, 2)),
    ("PoissonNLLLoss", {}, [_f(3, 4), np.abs(_f(3, 4, seed=1)) * 2], (0, 1)),
    ("PoissonNLLLoss", dict(log_input=False, full=True), [np.abs(_f(3, 4)) + 0.5, np.abs(_f(3, 4, seed=1)) * 3],
     (0, 1)),
    ("GaussianNLLLoss", dict(full=True), [_f(3, 4), _f(3, 4, seed=1), np.abs(_f(3, 4, seed=2)) + 0.3], (0, 1, 2)),
    ("GaussianNLLLoss", dict(reduction="sum"), [_f(3, 4), _f(3, 4, seed=1), np.abs(_f(3, seed=2)) + 0.3],
     (0, 1, 2)),
    ("MultiLabelSoftMarginLoss", dict(weight=_f(4, low=0.5, high=2)), [_f(3, 4), (_f(3, 4, seed=1) > 0) * 1.0],
     (0,)),
    ("HingeEmbeddingLoss", dict(margin=0.5), [_f(3, 4), _pm1(3, 4, seed=1)], (0,)),
    ("SoftMarginLoss", {}, [_f(3, 4), _pm1(3, 4, seed=1)], (0,)),
    ("MultiMarginLoss", dict(p=2, margin=0.5, weight=W5), [_f(4, 5), _i(4)], (0,)),
    ("MultiLabelMarginLoss", {}, [_f(2, 4), np.array([[3, 0, -1, 1], [1, 2, 3, -1]])], (0,)),
]


def _ids():
    return [f"{n}-{i}" for i, (n, *_rest) in enumerate(LOSSES)]


def _kw(lib, kwargs):
    return {k: (lib.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}


@pytest.mark.parametrize("name,kwargs,inputs,grad", LOSSES, ids=_ids())
def test_loss_matches_torch(name, kwargs, inputs, grad):
    torch = pytest.importorskip("torch")
    tm = getattr(torch.nn, name)(**_kw(torch, kwargs))
    em = getattr(nn, name)(**_kw(ember, kwargs))
    assert list(em.state_dict()) == list(tm.state_dict())
    assert repr(em) == repr(tm)
    tx = [torch.tensor(x, requires_grad=i in grad) for i, x in enumerate(inputs)]
    ex = [ember.tensor(x, requires_grad=i in grad) for i, x in enumerate(inputs)]
    tout, eout = tm(*tx), em(*ex)
    assert tuple(eout.shape) == tuple(tout.shape)
    np.testing.assert_allclose(eout.detach().numpy(), tout.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.default_rng(1).standard_normal(tuple(tout.shape))
    tout.backward(torch.tensor(g))
    eout.backward(ember.tensor(g))
    for i in grad:
        np.testing.assert_allclose(ex[i].grad.numpy(), tx[i].grad.numpy(), rtol=1e-8, atol=1e-11,
                                   err_msg=f"grad of input {i}")


@pytest.mark.parametrize("name,kwargs,inputs,grad", LOSSES, ids=_ids())
def test_loss_gradcheck(name, kwargs, inputs, grad):
    em = getattr(nn, name)(**_kw(ember, kwargs))
    ex = [ember.tensor(x, requires_grad=i in grad) for i, x in enumerate(inputs)]
    diff = tuple(ex[i] for i in grad)

    def f(*ts):
        it = iter(ts)
        return em(*[next(it) if i in grad else x for i, x in enumerate(ex)])

    assert ember.autograd.gradcheck(f, diff)


def test_fused_losses_double_backward():
    x = ember.tensor(_f(4, 5), requires_grad=True)
    t = ember.tensor(_i(4))
    y = ember.tensor(_f(4, 5, low=0, high=1, seed=5))
    for fn in (lambda x: F.cross_entropy(x, t, label_smoothing=0.1), lambda x: F.log_softmax(x, 1).sum(),
               lambda x: F.mse_loss(x, y), lambda x: F.binary_cross_entropy_with_logits(x, y),
               lambda x: F.cross_entropy(x, y.softmax(1)), lambda x: F.nll_loss(x, t),
               lambda x: (F.softmax(x, 1) ** 2).sum()):
        assert ember.autograd.gradgradcheck(fn, (x,))


def test_ctc_loss_matches_torch():
    torch = pytest.importorskip("torch")
    T, N, C = 12, 3, 6
    logits = _f(T, N, C, seed=3)
    il, tl = [12, 10, 7], [4, 3, 0]
    targets2d = np.array([[1, 2, 2, 3], [4, 4, 1, 0], [0, 0, 0, 0]])
    targets1d = np.array([1, 2, 2, 3, 4, 4, 1])
    for tg, red, zi in ((targets2d, "mean", False), (targets1d, "sum", False), (targets2d, "none", True)):
        lt = torch.tensor(logits, requires_grad=True)
        le = ember.tensor(logits, requires_grad=True)
        tout = F_t(torch).ctc_loss(lt.log_softmax(2), torch.tensor(tg), torch.tensor(il), torch.tensor(tl),
                                   reduction=red, zero_infinity=zi)
        eout = F.ctc_loss(F.log_softmax(le, 2), ember.tensor(tg), ember.tensor(il), tl, reduction=red,
                          zero_infinity=zi)
        np.testing.assert_allclose(eout.detach().numpy(), tout.detach().numpy(), rtol=1e-9)
        tout.sum().backward()
        eout.sum().backward()
        np.testing.assert_allclose(le.grad.numpy(), lt.grad.numpy(), rtol=1e-7, atol=1e-10)


def test_ctc_impossible_alignment_and_zero_infinity():
    lp = F.log_softmax(ember.tensor(_f(2, 1, 4), requires_grad=True), 2)
    tg = ember.tensor([[1, 1]])  # repeated label needs 3 frames
    loss = F.ctc_loss(lp, tg, [2], [2], reduction="sum")
    assert float(loss) == float("inf")
    x = ember.tensor(_f(2, 1, 4), requires_grad=True)
    loss0 = F.ctc_loss(F.log_softmax(x, 2), tg, [2], [2], reduction="sum", zero_infinity=True)
    loss0.backward()
    assert float(loss0) == 0 and float(x.grad.abs().sum()) == 0


def F_t(torch):
    return torch.nn.functional


# -- errors -----------------------------------------------------------------------------------------------
def test_cross_entropy_target_errors():
    x = ember.tensor(_f(3, 5))
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got Float"):
        F.cross_entropy(x, ember.tensor([1.0, 2.0, 3.0]))
    with pytest.raises(RuntimeError, match="expected target dtype to be Long or Byte, but got Int"):
        F.cross_entropy(x, ember.tensor([1, 2, 3], dtype=ember.int32))
    with pytest.raises(ValueError, match=r"Expected input batch_size \(3\) to match target batch_size \(4\)"):
        F.cross_entropy(x, ember.tensor([1, 2, 3, 4]))
    with pytest.raises(IndexError, match="Target 7 is out of bounds"):
        F.cross_entropy(x, ember.tensor([1, 2, 7]))
    with pytest.raises(RuntimeError, match="Expected floating point type for target with class probabilities"):
        F.cross_entropy(x, ember.tensor(_i(3, 5)))
    with pytest.raises(RuntimeError, match=r"Expected target size \[3, 2\], got \[3, 1\]"):
        F.cross_entropy(ember.tensor(_f(3, 5, 2)), ember.tensor(_i(3, 1)))
    with pytest.raises(ValueError, match="foo is not a valid value for reduction"):
        F.cross_entropy(x, ember.tensor([1, 2, 3]), reduction="foo")
    assert np.isnan(float(F.cross_entropy(x, ember.tensor([-100, -100, -100]))))


def test_loss_shape_mismatch_errors():
    a, b = ember.tensor(_f(3, 4)), ember.tensor(_f(3, 5))
    with pytest.raises(RuntimeError, match=r"The size of tensor a \(4\) must match the size of tensor b \(5\) at "
                                           r"non-singleton dimension 1"):
        F.mse_loss(a, b)
    with pytest.raises(RuntimeError, match="must match the size"):
        nn.L1Loss()(a, b)
    with pytest.raises(ValueError, match="Using a target size"):
        F.binary_cross_entropy(a.sigmoid(), b.sigmoid())
    with pytest.raises(ValueError, match="must be the same as input size"):
        F.binary_cross_entropy_with_logits(a, b)
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        F.binary_cross_entropy(a, a)
    with pytest.warns(UserWarning, match="different to the input size"):
        F.mse_loss(ember.tensor(_f(3, 1)), ember.tensor(_f(3)))
    with pytest.raises(ValueError, match="var is of incorrect size"):
        F.gaussian_nll_loss(a, a, ember.ones(2))


def test_weight_requires_grad_errors_like_torch():
    x = ember.tensor(_f(3, 5), requires_grad=True)
    w = ember.tensor(W5, requires_grad=True)
    loss = F.cross_entropy(x, ember.tensor([1, 2, 3]), weight=w)
    with pytest.raises(RuntimeError, match="derivative for 'weight' is not implemented"):
        loss.backward()
    with pytest.raises(RuntimeError, match="not differentiable with respect to argument 'weight'"):
        F.binary_cross_entropy_with_logits(x, x.detach(), weight=w)


def test_legacy_reduction_args_and_kl_mean_warning():
    a, b = ember.tensor(_f(3, 4)), ember.tensor(_f(3, 4, seed=1))
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        out = F.mse_loss(a, b, size_average=False)
    np.testing.assert_allclose(float(out), float(F.mse_loss(a, b, reduction="sum")))
    with pytest.warns(UserWarning, match="batchmean"):
        F.kl_div(a, b.abs())
