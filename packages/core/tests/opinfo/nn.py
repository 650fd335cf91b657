"""OpInfo entries: ember.nn.functional activations, softmax family, distances, linear and losses."""
from __future__ import annotations

import numpy as np
import scipy.special as sp

import ember
import ember.nn.functional as F
from .base import ErrorInput, OpInfo, SampleInput, make


def _act_samples(low=-2.0, high=2.0):
    def samples(dt):
        kw = dict(dtype=dt, low=low, high=high)
        return [SampleInput((make((5,), **kw),), name="1d"),
                SampleInput((make((3, 4), seed=1, **kw),), name="2d"),
                SampleInput((make((4, 3), noncontig=True, seed=2, **kw),), name="noncontig"),
                SampleInput((make((), seed=3, **kw),), name="0d")]
    return samples


def _with_kwargs(base, **kw):
    return lambda dt: [SampleInput(s.args, dict(kw), s.name) for s in base(dt)]


def _sig(x):
    return 1 / (1 + np.exp(-x))


def _softplus(x, beta=1.0, threshold=20.0):
    return np.where(x * beta > threshold, x, np.logaddexp(0, x * beta) / beta)


def _elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


_SA, _SS = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946

ACTS = [
    # name, ember fn, numpy ref, kwargs, gradgrad
    ("relu", F.relu, lambda x: np.maximum(x, 0), {}, True),
    ("relu6", F.relu6, lambda x: np.clip(x, 0, 6), {}, True),
    ("leaky_relu", F.leaky_relu, lambda x, negative_slope=0.01: np.where(x > 0, x, x * negative_slope),
     dict(negative_slope=0.2), True),
    ("elu", F.elu, lambda x, alpha=1.0: _elu(x, alpha), dict(alpha=0.7), True),
    ("selu", F.selu, lambda x: _SS * _elu(x, _SA), {}, True),
    ("celu", F.celu, lambda x, alpha=1.0: np.maximum(x, 0) + np.minimum(0, alpha * np.expm1(x / alpha)),
     dict(alpha=1.5), True),
    ("gelu", F.gelu, lambda x: 0.5 * x * (1 + sp.erf(x / np.sqrt(2))), {}, True),
    ("silu", F.silu, lambda x: x * _sig(x), {}, True),
    ("mish", F.mish, lambda x: x * np.tanh(np.logaddexp(0, x)), {}, True),
    ("hardtanh", F.hardtanh, lambda x, min_val=-1.0, max_val=1.0: np.clip(x, min_val, max_val),
     dict(min_val=-0.5, max_val=1.2), True),
    ("hardsigmoid", F.hardsigmoid, lambda x: np.clip(x / 6 + 0.5, 0, 1), {}, True),
    ("hardswish", F.hardswish, lambda x: x * np.clip(x + 3, 0, 6) / 6, {}, True),
    ("softplus", F.softplus, lambda x, beta=1.0, threshold=20.0: _softplus(x, beta, threshold),
     dict(beta=2.0, threshold=3.0), True),
    ("softsign", F.softsign, lambda x: x / (1 + np.abs(x)), {}, True),
    ("tanhshrink", F.tanhshrink, lambda x: x - np.tanh(x), {}, True),
    ("threshold", F.threshold, lambda x, threshold, value: np.where(x > threshold, x, value),
     dict(threshold=0.3, value=-1.5), True),
    ("logsigmoid", F.logsigmoid, lambda x: -np.logaddexp(0, -x), {}, True),
    ("hardshrink", F.hardshrink, lambda x, lambd=0.5: np.where(np.abs(x) > lambd, x, 0), {}, True),
    ("softshrink", F.softshrink,
     lambda x, lambd=0.5: np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0)), {}, True),
    ("sigmoid", F.sigmoid, _sig, {}, True),
    ("tanh", F.tanh, np.tanh, {}, True),
]

OPS = []
for _name, _fn, _ref, _kw, _gg in ACTS:
    OPS.append(OpInfo(f"nn.functional.{_name}", _fn, _with_kwargs(_act_samples(), **_kw), ref=_ref, gradgrad=_gg))

OPS.append(OpInfo("nn.functional.gelu_tanh", lambda x: F.gelu(x, approximate="tanh"), _act_samples(),
                  ref=lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3))),
                  torch_op=lambda x: __import__("torch").nn.functional.gelu(x, approximate="tanh")))


def _np_softmax(x, dim):
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def _softmax_samples(dt):
    return [SampleInput((make((3, 5), dt),), dict(dim=1), name="2d"),
            SampleInput((make((2, 3, 4), dt, seed=1),), dict(dim=0), name="3d-dim0"),
            SampleInput((make((4, 3), dt, noncontig=True, seed=2),), dict(dim=-1), name="noncontig"),
            SampleInput((make((3, 4), dt, seed=3, low=-50, high=50),), dict(dim=1), name="large")]


OPS += [
    OpInfo("nn.functional.softmax", F.softmax, _softmax_samples, ref=lambda x, dim: _np_softmax(x, dim)),
    OpInfo("nn.functional.log_softmax", F.log_softmax, _softmax_samples,
           ref=lambda x, dim: np.log(_np_softmax(x, dim))),
    OpInfo("nn.functional.softmin", F.softmin, _softmax_samples, ref=lambda x, dim: _np_softmax(-x, dim)),
    OpInfo("nn.functional.glu", F.glu,
           lambda dt: [SampleInput((make((3, 4), dt),), dict(dim=-1)),
                       SampleInput((make((4, 3), dt, seed=1),), dict(dim=0))],
           ref=lambda x, dim: np.split(x, 2, axis=dim)[0] * _sig(np.split(x, 2, axis=dim)[1]),
           errors=lambda: [ErrorInput(SampleInput((make((3, 5)),), dict(dim=1)), RuntimeError, "even")]),
    OpInfo("nn.functional.prelu", F.prelu,
           lambda dt: [SampleInput((make((2, 3, 4), dt), make((3,), dt, seed=1, low=0.1, high=0.5)), name="chan"),
                       SampleInput((make((3, 4), dt, seed=2), make((1,), dt, seed=3)), name="shared")],
           ref=lambda x, w: np.where(x > 0, x, (w.reshape((-1,) + (1,) * (x.ndim - 2)) if w.size > 1 else w) * x)),
    OpInfo("nn.functional.normalize", F.normalize,
           lambda dt: [SampleInput((make((3, 4), dt),), dict(dim=1)),
                       SampleInput((make((3, 4), dt, seed=1),), dict(p=1.0, dim=0)),
                       SampleInput((make((2, 3, 4), dt, seed=2),), dict(p=3.0, dim=-1))],
           ref=lambda x, p=2.0, dim=1: x / np.maximum((np.abs(x) ** p).sum(axis=dim, keepdims=True) ** (1 / p),
                                                      1e-12)),
    OpInfo("nn.functional.cosine_similarity", F.cosine_similarity,
           lambda dt: [SampleInput((make((3, 4), dt), make((3, 4), dt, seed=1))),
                       SampleInput((make((2, 3, 4), dt), make((3, 4), dt, seed=1)), dict(dim=-1), name="broadcast")],
           ref=lambda a, b, dim=1: (a * b).sum(dim) / (np.linalg.norm(a, axis=dim) * np.linalg.norm(b, axis=dim))),
    OpInfo("nn.functional.pairwise_distance", F.pairwise_distance,
           lambda dt: [SampleInput((make((3, 4), dt), make((3, 4), dt, seed=1))),
                       SampleInput((make((3, 4), dt), make((3, 4), dt, seed=1)), dict(p=1.0, keepdim=True))],
           ref=lambda a, b, p=2.0, eps=1e-6, keepdim=False: np.linalg.norm(a - b + eps, ord=p, axis=-1,
                                                                           keepdims=keepdim)),
    OpInfo("nn.functional.linear", F.linear,
           lambda dt: [SampleInput((make((3, 4), dt), make((5, 4), dt, seed=1), make((5,), dt, seed=2)), name="2d"),
                       SampleInput((make((2, 3, 4), dt), make((5, 4), dt, seed=1)), name="3d-nobias"),
                       SampleInput((make((4,), dt), make((5, 4), dt, seed=1), make((5,), dt, seed=2)), name="1d")],
           ref=lambda x, w, b=None: x @ w.T + (0 if b is None else b),
           errors=lambda: [ErrorInput(SampleInput((make((2, 7)), make((3, 5)))), RuntimeError,
                                      r"mat1 and mat2 shapes cannot be multiplied \(2x7 and 5x3\)")]),
    OpInfo("nn.functional.bilinear", F.bilinear,
           lambda dt: [SampleInput((make((3, 4), dt), make((3, 2), dt, seed=1), make((5, 4, 2), dt, seed=2),
                                    make((5,), dt, seed=3)))],
           ref=lambda a, b, w, bias: np.einsum("ni,oij,nj->no", a, w, b) + bias),
]


# -- losses -------------------------------------------------------------------------------------------------
def _targets(shape, classes, seed=0):
    return np.random.default_rng(seed).integers(0, classes, size=shape).astype(np.int64)


def _np_ce(x, t, reduction="mean"):
    lsm = np.log(_np_softmax(x, 1))
    loss = -np.take_along_axis(lsm, t[:, None], 1)[:, 0]
    return {"mean": loss.mean(), "sum": loss.sum(), "none": loss}[reduction]


def _ce_samples(dt):
    t = _targets((4,), 5)
    t_ign = t.copy()
    t_ign[1] = -100
    return [SampleInput((make((4, 5), dt), t), name="mean"),
            SampleInput((make((4, 5), dt), t), dict(reduction="sum"), name="sum"),
            SampleInput((make((4, 5), dt), t), dict(reduction="none"), name="none"),
            SampleInput((make((4, 5), dt), t_ign), dict(label_smoothing=0.2), name="ignore-smooth"),
            SampleInput((make((2, 5, 3), dt), _targets((2, 3), 5, 1)), dict(reduction="none"), name="kdim"),
            SampleInput((make((4, 5), dt), _np_softmax(make((4, 5), dt, seed=1), 1)), dict(label_smoothing=0.1),
                        name="probs")]


def _ce_errors():
    return [ErrorInput(SampleInput((make((3, 5)), make((3,)))), RuntimeError, "expected target dtype"),
            ErrorInput(SampleInput((make((3, 5)), _targets((4,), 5))), ValueError, "batch_size"),
            ErrorInput(SampleInput((make((3, 5)), np.array([1, 2, 7]))), IndexError, "out of bounds")]


_W5 = np.array([0.5, 1.0, 2.0, 1.5, 0.7])
_W4 = np.array([0.5, 1.0, 2.0, 1.5])
_PW4 = np.array([3.0, 0.5, 1.0, 2.0])
_Y34 = np.where(make((3, 4), seed=7) > 0, 1.0, -1.0)


def _pair(dt, shape=(3, 4), low=-2.0, high=2.0, tlow=-2.0, thigh=2.0):
    return make(shape, dt, low=low, high=high), make(shape, dt, seed=1, low=tlow, high=thigh)


def _reductions(pair_fn, **extra):
    def samples(dt):
        out = []
        for r in ("mean", "sum", "none"):
            out.append(SampleInput(pair_fn(dt), dict(reduction=r, **extra), name=r))
        return out
    return samples


def _mismatch():
    return [ErrorInput(SampleInput((make((3, 4)), make((3, 5)))), RuntimeError, "must match the size")]


OPS += [
    OpInfo("nn.functional.cross_entropy", F.cross_entropy, _ce_samples, errors=_ce_errors,
           ref=None),
    OpInfo("nn.functional.cross_entropy_weighted",
           lambda x, t, **kw: F.cross_entropy(x, t, weight=ember.tensor(_W5, dtype=x.dtype), **kw),
           lambda dt: [SampleInput((make((4, 5), dt), _targets((4,), 5)), dict(label_smoothing=0.1, ignore_index=2)),
                       SampleInput((make((2, 5, 3), dt), _targets((2, 3), 5, 1)), dict(reduction="none")),
                       SampleInput((make((4, 5), dt), _np_softmax(make((4, 5), dt, seed=1), 1)), name="probs")],
           torch_op=lambda x, t, **kw: __import__("torch").nn.functional.cross_entropy(
               x, t, weight=__import__("torch").tensor(_W5, dtype=x.dtype), **kw)),
    OpInfo("nn.functional.nll_loss", F.nll_loss,
           lambda dt: [SampleInput((make((4, 5), dt), _targets((4,), 5))),
                       SampleInput((make((2, 5, 3), dt), _targets((2, 3), 5, 1)), dict(reduction="none")),
                       SampleInput((make((4, 5), dt), _targets((4,), 5)), dict(reduction="sum", ignore_index=1))],
           ref=lambda x, t, reduction="mean", ignore_index=-100: (
               lambda l, m: {"mean": l.sum() / m.sum(), "sum": l.sum(), "none": l}[reduction])(
               -np.take_along_axis(x, t[:, None], 1)[:, 0] * (t != ignore_index), (t != ignore_index))
           if x.ndim == 2 else -np.take_along_axis(x, t[:, None], 1)[:, 0]),
    OpInfo("nn.functional.mse_loss", F.mse_loss, _reductions(_pair), errors=_mismatch,
           ref=lambda a, b, reduction="mean": {"mean": ((a - b) ** 2).mean(), "sum": ((a - b) ** 2).sum(),
                                               "none": (a - b) ** 2}[reduction]),
    OpInfo("nn.functional.l1_loss", F.l1_loss, _reductions(_pair), errors=_mismatch,
           ref=lambda a, b, reduction="mean": {"mean": np.abs(a - b).mean(), "sum": np.abs(a - b).sum(),
                                               "none": np.abs(a - b)}[reduction], gradgrad=False),
    OpInfo("nn.functional.smooth_l1_loss", F.smooth_l1_loss, _reductions(_pair, beta=0.5), gradgrad=False),
    OpInfo("nn.functional.huber_loss", F.huber_loss, _reductions(_pair, delta=0.7), gradgrad=False),
    OpInfo("nn.functional.binary_cross_entropy", F.binary_cross_entropy,
           _reductions(lambda dt: _pair(dt, low=0.05, high=0.95, tlow=0.0, thigh=1.0)),
           errors=lambda: [ErrorInput(SampleInput((make((3, 4), low=0.1, high=0.9), make((3, 5), low=0, high=1))),
                                      ValueError, "target size")]),
    OpInfo("nn.functional.binary_cross_entropy_with_logits", F.binary_cross_entropy_with_logits,
           _reductions(lambda dt: _pair(dt, tlow=0.0, thigh=1.0)),
           ref=lambda x, t, reduction="mean": (lambda l: {"mean": l.mean(), "sum": l.sum(), "none": l}[reduction])(
               np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x))))),
    OpInfo("nn.functional.binary_cross_entropy_with_logits_pw",
           lambda x, t, **kw: F.binary_cross_entropy_with_logits(
               x, t, weight=ember.tensor(_W4, dtype=x.dtype), pos_weight=ember.tensor(_PW4, dtype=x.dtype), **kw),
           _reductions(lambda dt: _pair(dt, tlow=0.0, thigh=1.0)),
           torch_op=lambda x, t, **kw: __import__("torch").nn.functional.binary_cross_entropy_with_logits(
               x, t, weight=__import__("torch").tensor(_W4, dtype=x.dtype),
               pos_weight=__import__("torch").tensor(_PW4, dtype=x.dtype), **kw)),
    OpInfo("nn.functional.kl_div", F.kl_div,
           lambda dt: [SampleInput((np.log(_np_softmax(make((3, 4), dt), 1)), _np_softmax(make((3, 4), dt, seed=1), 1)),
                                   dict(reduction="batchmean")),
                       SampleInput((make((3, 4), dt), make((3, 4), dt, seed=1)),
                                   dict(reduction="sum", log_target=True))]),
    OpInfo("nn.functional.cosine_embedding_loss", F.cosine_embedding_loss,
           lambda dt: [SampleInput((make((4, 3), dt), make((4, 3), dt, seed=1), np.array([1, -1, 1, -1]).astype(dt)),
                                   dict(margin=-0.5))], gradgrad=False),
    OpInfo("nn.functional.margin_ranking_loss", F.margin_ranking_loss,
           lambda dt: [SampleInput((make((5,), dt), make((5,), dt, seed=1), np.array([1, -1, 1, -1, 1]).astype(dt)),
                                   dict(margin=0.1))], gradgrad=False),
    OpInfo("nn.functional.triplet_margin_loss", F.triplet_margin_loss,
           lambda dt: [SampleInput((make((4, 3), dt), make((4, 3), dt, seed=1), make((4, 3), dt, seed=2)),
                                   dict(margin=2.0)),
                       SampleInput((make((4, 3), dt), make((4, 3), dt, seed=1), make((4, 3), dt, seed=2)),
                                   dict(margin=2.0, p=1, swap=True, reduction="none"))], gradgrad=False),
    OpInfo("nn.functional.poisson_nll_loss", F.poisson_nll_loss,
           lambda dt: [SampleInput((make((3, 4), dt), make((3, 4), dt, seed=1, low=0.0, high=3.0))),
                       SampleInput((make((3, 4), dt, low=0.5, high=2.0), make((3, 4), dt, seed=1, low=0.5, high=3.0)),
                                   dict(log_input=False, full=True, reduction="sum"))]),
    OpInfo("nn.functional.gaussian_nll_loss", F.gaussian_nll_loss,
           lambda dt: [SampleInput((make((3, 4), dt), make((3, 4), dt, seed=1), make((3, 4), dt, seed=2, low=0.5,
                                                                                     high=2.0))),
                       SampleInput((make((3, 4), dt), make((3, 4), dt, seed=1), make((3, 1), dt, seed=2, low=0.5,
                                                                                     high=2.0)),
                                   dict(full=True, reduction="none"))]),
    OpInfo("nn.functional.multilabel_soft_margin_loss", F.multilabel_soft_margin_loss,
           lambda dt: [SampleInput((make((3, 4), dt), (make((3, 4), dt, seed=1) > 0).astype(dt)))]),
    OpInfo("nn.functional.hinge_embedding_loss", F.hinge_embedding_loss,
           lambda dt: [SampleInput((make((3, 4), dt), np.where(make((3, 4), dt, seed=1) > 0, 1, -1).astype(dt)),
                                   dict(margin=0.5))], gradgrad=False),
    OpInfo("nn.functional.soft_margin_loss", lambda x, **kw: F.soft_margin_loss(x, ember.tensor(_Y34, dtype=x.dtype),
                                                                                **kw),
           _reductions(lambda dt: (make((3, 4), dt),)),
           torch_op=lambda x, **kw: __import__("torch").nn.functional.soft_margin_loss(
               x, __import__("torch").tensor(_Y34, dtype=x.dtype), **kw)),
    OpInfo("nn.functional.multi_margin_loss", F.multi_margin_loss,
           lambda dt: [SampleInput((make((4, 5), dt), _targets((4,), 5))),
                       SampleInput((make((4, 5), dt), _targets((4,), 5)), dict(p=2, margin=0.5, reduction="none"))],
           gradgrad=False),
    OpInfo("nn.functional.ctc_loss",
           lambda lp, t, il, tl, **kw: F.ctc_loss(F.log_softmax(lp, 2), t, il, tl, **kw),
           lambda dt: [SampleInput((make((6, 2, 4), dt), np.array([[1, 2, 2], [3, 1, 0]]), (6, 5), (3, 2))),
                       SampleInput((make((6, 2, 4), dt), np.array([[1, 2, 2], [3, 1, 0]]), (6, 5), (3, 2)),
                                   dict(reduction="none"))],
           torch_op=lambda lp, t, il, tl, **kw: __import__("torch").nn.functional.ctc_loss(
               lp.log_softmax(2), t, il, tl, **kw), gradgrad=False),
]
