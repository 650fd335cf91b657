"""Loss functions (mirror torch.nn.functional).

cross_entropy, nll_loss, mse_loss, binary_cross_entropy(_with_logits) are single fused Ops whose backward is
written in ember ops; the rest are compositions of differentiable ops. CTC lives in ``_ctc.py``.
"""
from __future__ import annotations

import math
import os
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..._tensor import Tensor
from ...autograd.grad_mode import GradMode
from ...ops._op import Op, apply
from ...ops.elementwise import where
from ._activation import LogSoftmax, _vector_norm, logsigmoid, pairwise_distance

__all__ = ["cross_entropy", "nll_loss", "mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss",
           "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div", "cosine_embedding_loss",
           "margin_ranking_loss", "triplet_margin_loss", "triplet_margin_with_distance_loss", "poisson_nll_loss",
           "gaussian_nll_loss", "multilabel_soft_margin_loss", "hinge_embedding_loss", "soft_margin_loss",
           "multi_margin_loss", "multilabel_margin_loss", "ctc_loss"]


# -- reduction helpers ----------------------------------------------------------------------------------------
def _legacy_reduction(size_average, reduce, emit_warning: bool = True) -> str:
    if size_average is None:
        size_average = True
    if reduce is None:
        reduce = True
    ret = "mean" if (size_average and reduce) else ("sum" if reduce else "none")
    if emit_warning:
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
                      UserWarning, stacklevel=3)
    return ret


def _get_reduction(size_average, reduce, reduction: str, allowed=("none", "mean", "sum")) -> str:
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    if reduction not in allowed:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _xp_reduce(xp, loss, reduction: str):
    if reduction == "mean":
        with np.errstate(invalid="ignore", divide="ignore"):
            return xp.asarray(loss.mean() if loss.size else loss.dtype.type(np.nan))
    if reduction == "sum":
        return xp.asarray(loss.sum())
    return loss


def _grad_scale(g: Tensor, reduction: str, n: int) -> Tensor:
    """Upstream gradient as a per-element factor: g (none), g (sum), g / n (mean)."""
    return g / n if reduction == "mean" else g


def _broadcast_check(name: str, a: Tensor, b: Tensor) -> None:
    sa, sb = tuple(a.shape), tuple(b.shape)
    if sa == sb:
        return
    n = max(len(sa), len(sb))
    for i in range(1, n + 1):
        x = sa[-i] if i <= len(sa) else 1
        y = sb[-i] if i <= len(sb) else 1
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton "
                               f"dimension {n - i}")
    warnings.warn(f"Using a target size ({b.shape}) that is different to the input size ({a.shape}). This will "
                  f"likely lead to incorrect results due to broadcasting. Please ensure they have the same size.",
                  UserWarning, stacklevel=3)


def _not_differentiable(fn: str, arg: str, t) -> None:
    if t is not None and t._rg and GradMode.enabled:
        raise RuntimeError(f"The function '{fn}' is not differentiable with respect to argument '{arg}'. This input "
                           f"cannot have requires_grad True.")


def _float_pair(a: Tensor, b: Tensor):
    """Promote two tensors to a common dtype like torch's binary ops."""
    if a._data.dtype != b._data.dtype:
        from ..._dtype import result_type  # noqa: PLC0415

        rd = result_type(a, b)
        a, b = a.to(rd), b.to(rd)
    return a, b


# -- fused: mse ---------------------------------------------------------------------------------------------
class MseLoss(Op):
    save_inputs = (0, 1)

    def forward(ctx, xp, x, t, reduction="mean"):
        d = x - t
        ctx.reduction, ctx.n = reduction, d.size
        return _xp_reduce(xp, d * d, reduction)

    def backward(ctx, g):
        x, t = ctx.inputs
        gx = (x - t) * (_grad_scale(g, ctx.reduction, ctx.n) * 2)
        return gx, -gx


def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
             weight: Tensor | None = None) -> Tensor:
    """Mean squared error (fused forward and backward)."""
    reduction = _get_reduction(size_average, reduce, reduction)
    _broadcast_check("mse_loss", input, target)
    input, target = _float_pair(input, target)
    if weight is not None:
        d = input - target
        return _reduce(d * d * weight, reduction)
    return apply(MseLoss, input, target, reduction=reduction)


# -- fused: binary cross entropy ----------------------------------------------------------------------------
def _softplus_neg(x: Tensor) -> Tensor:
    """log(1 + exp(-x)) in ember ops, stable."""
    return (-x).clamp(min=0) + (-(x.abs())).exp().log1p()


class BinaryCrossEntropyWithLogits(Op):
    save_inputs = (0, 1, 2, 3)

    def forward(ctx, xp, x, t, w=None, pw=None, reduction="mean"):
        with np.errstate(over="ignore"):
            spn = xp.log1p(xp.exp(-xp.abs(x))) + xp.maximum(-x, 0)  # softplus(-x)
        if pw is None:
            loss = (1 - t) * x + spn
        else:
            loss = (1 - t) * x + (1 + (pw - 1) * t) * spn
        if w is not None:
            loss = loss * w
        ctx.reduction, ctx.n = reduction, loss.size
        return _xp_reduce(xp, loss.astype(x.dtype, copy=False), reduction)

    def backward(ctx, g):
        x, t, w, pw = ctx.inputs
        c = _grad_scale(g, ctx.reduction, ctx.n)
        s = x.sigmoid()
        spn = _softplus_neg(x)
        if pw is None:
            gx, gt = s - t, -x
            raw = (1 - t) * x + spn
        else:
            lw = (pw - 1) * t + 1
            gx = s * lw - pw * t
            gt = (pw - 1) * spn - x
            raw = (1 - t) * x + lw * spn
        gw = raw * c if w is not None else None
        gpw = None
        if pw is not None:
            gpw = t * spn * c
            if w is not None:
                gpw = gpw * w
        if w is not None:
            c = c * w
        return gx * c, gt * c, gw, gpw


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average=None, reduce=None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """-[pos_weight * t * log sigmoid(x) + (1 - t) * log(1 - sigmoid(x))], stable and fused."""
    reduction = _get_reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.shape}) must be the same as input size ({input.shape})")
    _not_differentiable("binary_cross_entropy_with_logits", "weight", weight)
    _not_differentiable("binary_cross_entropy_with_logits", "pos_weight", pos_weight)
    input, target = _float_pair(input, target)
    dt = input.dtype
    if weight is not None and weight.dtype != dt:
        weight = weight.to(dt)
    if pos_weight is not None and pos_weight.dtype != dt:
        pos_weight = pos_weight.to(dt)
    return apply(BinaryCrossEntropyWithLogits, input, target, weight, pos_weight, reduction=reduction)


class BinaryCrossEntropy(Op):
    save_inputs = (0, 1, 2)

    def forward(ctx, xp, x, t, w=None, reduction="mean"):
        if x.size and bool(((x < 0) | (x > 1) | (x != x)).any()):
            raise RuntimeError("all elements of input should be between 0 and 1")
        with np.errstate(divide="ignore"):
            lx = xp.maximum(xp.log(x), -100)
            l1x = xp.maximum(xp.log1p(-x), -100)
        loss = -(t * lx + (1 - t) * l1x)
        if w is not None:
            loss = loss * w
        ctx.reduction, ctx.n = reduction, loss.size
        return _xp_reduce(xp, loss.astype(x.dtype, copy=False), reduction)

    def backward(ctx, g):
        x, t, w = ctx.inputs
        c = _grad_scale(g, ctx.reduction, ctx.n)
        if w is not None:
            c = c * w
        gx = (x - t) / ((1 - x) * x).clamp(min=1e-12) * c
        gt = ((-x).log1p().clamp(min=-100) - x.log().clamp(min=-100)) * c
        gw = None
        if w is not None:
            gw = -(t * x.log().clamp(min=-100) + (1 - t) * (-x).log1p().clamp(min=-100)) * \
                _grad_scale(g, ctx.reduction, ctx.n)
        return gx, gt, gw


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                         reduce=None, reduction: str = "mean") -> Tensor:
    """-[t * log(x) + (1 - t) * log(1 - x)] with logs clamped at -100 (fused)."""
    reduction = _get_reduction(size_average, reduce, reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input size "
                         f"({input.shape}) is deprecated. Please ensure they have the same size.")
    input, target = _float_pair(input, target)
    if weight is not None:
        if weight.dtype != input.dtype:
            weight = weight.to(input.dtype)
        try:
            np.broadcast_shapes(tuple(weight.shape), tuple(input.shape))
        except ValueError:
            raise RuntimeError(f"weight of shape {list(weight.shape)} cannot be broadcast to input of shape "
                               f"{list(input.shape)}") from None
    return apply(BinaryCrossEntropy, input, target, weight, reduction=reduction)


# -- fused: nll / cross entropy -----------------------------------------------------------------------------
_KERNELS: list = []
_EXP_POOL: list = []  # [ThreadPoolExecutor, n_threads]; reset in forked children (their pool has no threads)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_EXP_POOL.clear)


def _exp_inplace(e):
    """np.exp(e, out=e) over row blocks on every core: NumPy's SIMD exp beats numba's, but runs on one thread
    (it releases the GIL, so a few worker threads split the rows)."""
    if not _EXP_POOL:
        n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        _EXP_POOL.extend((ThreadPoolExecutor(max(1, n - 1), thread_name_prefix="ember-exp") if n > 1 else None, n))
    pool, n = _EXP_POOL
    n = min(n, len(e), max(1, e.size >> 16))  # small inputs: the hand-off costs more than it saves
    if n <= 1:
        np.exp(e, out=e)
        return
    cuts = [len(e) * i // n for i in range(n + 1)]
    futs = [pool.submit(np.exp, e[a:b], out=e[a:b]) for a, b in zip(cuts[1:-1], cuts[2:])]
    np.exp(e[:cuts[1]], out=e[:cuts[1]])
    for f in futs:
        f.result()


def _ce_kernels(xp, x):
    """The numba cross-entropy row kernels for float32/64 NumPy arrays, else None."""
    if xp is not np or x.dtype.char not in "fd":
        return None
    if not _KERNELS:
        from . import _loss_kernels  # noqa: PLC0415  (numba is slow to import)

        _KERNELS.append(_loss_kernels)
    return _KERNELS[0]


_DT = {"float32": "Float", "float64": "Double", "int32": "Int", "int16": "Short", "int8": "Char", "bool": "Bool",
       "float16": "Half", "bfloat16": "BFloat16"}


def _check_class_target(input: Tensor, target: Tensor, weight) -> None:
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if input.ndim == 1:
        if target.ndim != 0:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    else:
        if input.shape[0] != (target.shape[0] if target.ndim else -1):
            raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
                             f"({target.shape[0] if target.ndim else 0}).")
        if input.ndim == 2 and target.ndim != 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if input.ndim > 2:
            want = [input.shape[0]] + list(input.shape[2:])
            if list(target.shape) != want:
                raise RuntimeError(f"Expected target size {want}, got {list(target.shape)}")
    if target._data.dtype not in (np.int64, np.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{_DT.get(str(target._data.dtype), str(target._data.dtype))}")
    c = input.shape[1] if input.ndim >= 2 else input.shape[0]
    if weight is not None and (weight.ndim != 1 or weight.shape[0] != c):
        raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no classes but got "
                           f"weight tensor of shape: {list(weight.shape)}")


def _class_terms(xp, t, cdim, C, ignore_index, w):
    """Safe target (ignored -> 0), validity mask and per-element weight w[t] * valid."""
    t = t.astype(np.int64, copy=False)
    valid = t != ignore_index
    bad = valid & ((t < 0) | (t >= C))
    if bool(bad.any()):
        raise IndexError(f"Target {int(t[bad].reshape(-1)[0])} is out of bounds.")
    ts = xp.where(valid, t, 0)
    wt = (w[ts] if w is not None else xp.ones(ts.shape, dtype=w.dtype if w is not None else np.float64))
    return ts, valid, wt * valid


def _one_hot_along(xp, ts, cdim, C, dtype):
    """Dense one-hot of ``ts`` with the class axis inserted at ``cdim``."""
    oh = xp.expand_dims(ts, cdim) == xp.arange(C).reshape((C,) + (1,) * (ts.ndim - cdim))
    return oh.astype(dtype)


def _weight_grad_error():
    raise RuntimeError("the derivative for 'weight' is not implemented.")


def _log_softmax(xp, x, cdim: int):
    """Max-shifted log_softmax along the class dim (the forward half of the fused cross entropies)."""
    m = x.max(axis=cdim, keepdims=True)
    with np.errstate(under="ignore", invalid="ignore", divide="ignore"):
        s = x - m
        return s - xp.log(xp.exp(s).sum(axis=cdim, keepdims=True))


def _class_reduce(ctx, xp, loss, wt, reduction: str, dtype):
    """Reduce a per-target class-index loss; 'mean' divides by the summed target weights (kept for backward)."""
    if reduction == "none":
        return loss.astype(dtype, copy=False)
    total = loss.sum()
    if reduction == "sum":
        return xp.asarray(total, dtype=dtype)
    ctx.denom = denom = wt.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        return xp.asarray(total / denom, dtype=dtype)


def _class_grad_scale(ctx, g: Tensor) -> Tensor:
    """The incoming grad of ``_class_reduce``'s output, broadcastable against the class dim."""
    c = g / float(ctx.denom) if ctx.reduction == "mean" else g
    if ctx.reduction == "none":
        c = c.unsqueeze(ctx.cdim)
    return c


class NllLoss(Op):
    def forward(ctx, xp, x, t, w=None, ignore_index=-100, reduction="mean", w_rg=False):
        ctx.w_rg = w_rg
        cdim = 1 if x.ndim >= 2 else 0
        C = x.shape[cdim]
        ts, valid, wt = _class_terms(xp, t, cdim, C, ignore_index, w)
        wt = wt.astype(x.dtype, copy=False)
        picked = xp.take_along_axis(x, xp.expand_dims(ts, cdim), cdim).squeeze(cdim) if x.ndim else x
        loss = -picked * wt
        ctx.cdim, ctx.C, ctx.ts, ctx.wt, ctx.xp, ctx.reduction = cdim, C, ts, wt, xp, reduction
        return _class_reduce(ctx, xp, loss, wt, reduction, x.dtype)

    def backward(ctx, g):
        if ctx.w_rg:
            _weight_grad_error()
        xp = ctx.xp
        a = _one_hot_along(xp, ctx.ts, ctx.cdim, ctx.C, ctx.wt.dtype) * xp.expand_dims(ctx.wt, ctx.cdim)
        return -(Tensor._wrap(a) * _class_grad_scale(ctx, g)), None, None


class CrossEntropy(Op):
    """Fused log_softmax + nll (+ label smoothing) over class indices."""

    save_inputs = (0,)

    def forward(ctx, xp, x, t, w=None, ignore_index=-100, reduction="mean", label_smoothing=0.0, w_rg=False):
        ctx.w_rg = w_rg
        cdim = 1 if x.ndim >= 2 else 0
        C = x.shape[cdim]
        k = _ce_kernels(xp, x) if x.ndim == 2 and label_smoothing == 0 and x.size else None
        if k is not None:  # NOTE [ cross entropy kernels ]
            ts, valid, wt = _class_terms(xp, t, cdim, C, ignore_index, w)
            wt = wt.astype(x.dtype, copy=False)
            x2 = np.ascontiguousarray(x)
            e, picked, se = np.empty_like(x2), np.empty(len(x2), x.dtype), np.empty(len(x2))
            k.row_shift(x2, x2.max(axis=1), ts, e, picked)
            with np.errstate(under="ignore", invalid="ignore", divide="ignore"):
                _exp_inplace(e)
                k.row_sums(e, se)
                loss = (np.log(se) - picked).astype(x.dtype) * wt
            # the backward's softmax is e / se: kept unnormalised, scaled in the gradient's one pass
            ctx.cdim, ctx.C, ctx.ts, ctx.valid, ctx.wt, ctx.w, ctx.xp = cdim, C, ts, valid, wt, w, xp
            ctx.sm, ctx.se, ctx.eps, ctx.reduction = e, se, 0.0, reduction
            return _class_reduce(ctx, xp, loss, wt, reduction, x.dtype)
        # one pass of exp: the normalised exponentials are kept as the softmax backward needs
        m = x.max(axis=cdim, keepdims=True)
        with np.errstate(under="ignore", invalid="ignore", divide="ignore"):
            lsm = x - m
            sm = xp.exp(lsm)
            se = sm.sum(axis=cdim, keepdims=True)
            lsm -= xp.log(se)
            sm /= se
        ts, valid, wt = _class_terms(xp, t, cdim, C, ignore_index, w)
        wt = wt.astype(x.dtype, copy=False)
        loss = -xp.take_along_axis(lsm, xp.expand_dims(ts, cdim), cdim).squeeze(cdim) * wt
        eps = label_smoothing
        if eps > 0:
            wb = w.reshape((C,) + (1,) * (x.ndim - cdim - 1)) if w is not None else 1
            smooth = -(lsm * wb).sum(axis=cdim) * valid
            loss = (1 - eps) * loss + (eps / C) * smooth
        ctx.cdim, ctx.C, ctx.ts, ctx.valid, ctx.wt, ctx.w, ctx.xp = cdim, C, ts, valid, wt, w, xp
        ctx.sm, ctx.se, ctx.eps, ctx.reduction = sm, None, eps, reduction
        return _class_reduce(ctx, xp, loss, wt, reduction, x.dtype)

    def backward(ctx, g):
        if ctx.w_rg:
            _weight_grad_error()
        xp, cdim, C, eps = ctx.xp, ctx.cdim, ctx.C, ctx.eps
        if not GradMode.enabled:  # no graph of the backward: one fused pass over the softmax
            return apply(CrossEntropyGrad, g, sm=ctx.sm, ts=ctx.ts, valid=ctx.valid, wt=ctx.wt, w=ctx.w, cdim=cdim,
                         eps=eps, reduction=ctx.reduction, denom=getattr(ctx, "denom", None), se=ctx.se), None, None
        dt = ctx.sm.dtype
        # effective target distribution A (rows sum to asum): d loss / dx = softmax * asum - A
        a = _one_hot_along(xp, ctx.ts, cdim, C, dt) * xp.expand_dims(ctx.wt * (1 - eps), cdim)
        if eps > 0:
            wb = ctx.w.reshape((C,) + (1,) * (a.ndim - cdim - 1)).astype(dt) if ctx.w is not None else 1.0
            a = a + xp.expand_dims(ctx.valid, cdim) * (wb * (eps / C))
        asum = a.sum(axis=cdim, keepdims=True)
        # create_graph: softmax must stay differentiable w.r.t. x
        sm = apply(LogSoftmax, ctx.inputs[0], dim=cdim).exp()
        return (sm * Tensor._wrap(asum) - Tensor._wrap(a)) * _class_grad_scale(ctx, g), None, None


class CrossEntropyGrad(Op):
    """d cross_entropy / d x without create_graph: ``softmax * asum - A`` times the incoming grad, where A is the
    (smoothed, weighted) target distribution and asum its row sum; A is applied by index, never made dense."""

    def forward(ctx, xp, g, sm, ts, valid, wt, w, cdim, eps, reduction, denom, se=None):
        C = sm.shape[cdim]
        scale = g / denom if reduction == "mean" else g  # a scalar, or the per-target grads for 'none'
        coef = wt * (1 - eps) * scale
        asum = wt * (1 - eps)
        if eps > 0:
            wsum = w.sum() if w is not None else C
            asum = asum + valid * (wsum * (eps / C))
        if se is not None:  # sm holds the unnormalised row exponentials (NOTE [ cross entropy kernels ])
            r = np.empty_like(sm)
            f = np.ascontiguousarray(np.broadcast_to(asum * scale / se, se.shape), dtype=sm.dtype)
            _ce_kernels(xp, sm).row_scale(sm, f, r)
        else:
            r = sm * xp.expand_dims((asum * scale).astype(sm.dtype, copy=False), cdim)
        idx = xp.expand_dims(ts, cdim)
        xp.put_along_axis(r, idx, xp.take_along_axis(r, idx, cdim) -
                          xp.expand_dims(coef, cdim).astype(sm.dtype, copy=False), cdim)
        if eps > 0:
            wb = w.reshape((C,) + (1,) * (r.ndim - cdim - 1)) if w is not None else 1.0
            r -= (xp.expand_dims(valid * scale, cdim) * (wb * (eps / C))).astype(sm.dtype, copy=False)
        return r

    def backward(ctx, gg):
        raise RuntimeError("CrossEntropyGrad is only used without create_graph")


class CrossEntropyProb(Op):
    """Fused log_softmax + soft-target cross entropy (class probabilities)."""

    save_inputs = (0, 1, 2)

    def forward(ctx, xp, x, t, w=None, reduction="mean", label_smoothing=0.0, w_rg=False):
        ctx.w_rg = w_rg
        cdim = 1 if x.ndim >= 2 else 0
        C = x.shape[cdim]
        lsm = _log_softmax(xp, x, cdim)
        tt = t * (1 - label_smoothing) + label_smoothing / C if label_smoothing > 0 else t
        if w is not None:
            tt = tt * w.reshape((C,) + (1,) * (x.ndim - cdim - 1))
        loss = -(lsm * tt).sum(axis=cdim)
        ctx.cdim, ctx.C, ctx.lsm, ctx.eps, ctx.reduction, ctx.xp = cdim, C, lsm, label_smoothing, reduction, xp
        ctx.n = loss.size
        return _xp_reduce(xp, loss.astype(x.dtype, copy=False), reduction)

    def backward(ctx, g):
        if ctx.w_rg:
            _weight_grad_error()
        x, t, w = ctx.inputs
        cdim, C, eps = ctx.cdim, ctx.C, ctx.eps
        wb = w.reshape((C,) + (1,) * (x.ndim - cdim - 1)) if w is not None else None
        a = t * (1 - eps) + eps / C if eps > 0 else t
        if wb is not None:
            a = a * wb
        if GradMode.enabled:
            lsm = apply(LogSoftmax, x, dim=cdim)
        else:
            lsm = Tensor._wrap(ctx.lsm)
        c = _grad_scale(g, ctx.reduction, ctx.n)
        if ctx.reduction == "none":
            c = c.unsqueeze(cdim)
        gx = (lsm.exp() * a.sum(cdim, keepdim=True) - a) * c
        gt = -lsm * c
        if eps > 0:
            gt = gt * (1 - eps)
        if wb is not None:
            gt = gt * wb
        return gx, gt, None


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    """Negative log likelihood over class indices: -weight[t] * input[n, t] (fused)."""
    reduction = _get_reduction(size_average, reduce, reduction)
    _check_class_target(input, target, weight)
    if weight is not None and weight.dtype != input.dtype:
        weight = weight.to(input.dtype)
    return apply(NllLoss, input, target, weight, ignore_index=ignore_index, reduction=reduction,
                 w_rg=weight is not None and weight._rg)


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                  ignore_index: int = -100, reduce=None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """log_softmax + nll_loss in one fused Op; targets are class indices or class probabilities."""
    reduction = _get_reduction(size_average, reduce, reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if weight is not None and weight.dtype != input.dtype:
        weight = weight.to(input.dtype)
    if tuple(input.shape) == tuple(target.shape):
        if not target.is_floating_point():
            raise RuntimeError(f"Expected floating point type for target with class probabilities, got "
                               f"{_DT.get(str(target._data.dtype), 'Long') if target._data.dtype != np.int64 else 'Long'}")
        c = input.shape[1] if input.ndim >= 2 else input.shape[0]
        if weight is not None and (weight.ndim != 1 or weight.shape[0] != c):
            raise RuntimeError(f"weight tensor should be defined either for all {c} classes or no classes but got "
                               f"weight tensor of shape: {list(weight.shape)}")
        input, target = _float_pair(input, target)
        return apply(CrossEntropyProb, input, target, weight, reduction=reduction, label_smoothing=label_smoothing,
                     w_rg=weight is not None and weight._rg)
    _check_class_target(input, target, weight)
    return apply(CrossEntropy, input, target, weight, ignore_index=ignore_index, reduction=reduction,
                 label_smoothing=label_smoothing, w_rg=weight is not None and weight._rg)


# -- composite losses ---------------------------------------------------------------------------------------
def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
            weight: Tensor | None = None) -> Tensor:
    """Mean absolute error."""
    reduction = _get_reduction(size_average, reduce, reduction)
    _broadcast_check("l1_loss", input, target)
    loss = (input - target).abs()
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta."""
    reduction = _get_reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    _broadcast_check("smooth_l1_loss", input, target)
    d = (input - target).abs()
    if beta == 0:
        return _reduce(d, reduction)
    loss = where(d < beta, d * d * (0.5 / beta), d - 0.5 * beta)
    return _reduce(loss, reduction)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta)."""
    reduction = _get_reduction(None, None, reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    _broadcast_check("huber_loss", input, target)
    d = (input - target).abs()
    loss = where(d < delta, d * d * 0.5, (d - 0.5 * delta) * delta)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def kl_div(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    """KL(target || exp(input)) pointwise: target * (log target - input); 'batchmean' divides by batch size."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    elif reduction == "mean":
        warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                      "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                      "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                      UserWarning, stacklevel=2)
    if reduction not in ("none", "mean", "sum", "batchmean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if log_target:
        loss = target.exp() * (target - input)
    else:
        loss = target.xlogy(target) - target * input
    if reduction == "batchmean":
        return loss.sum() / (input.shape[0] if input.ndim else 1)
    return _reduce(loss, reduction)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """1 - cos(x1, x2) for y = 1, max(0, cos(x1, x2) - margin) for y = -1."""
    reduction = _get_reduction(size_average, reduce, reduction)
    if input1.ndim != input2.ndim or input1.ndim not in (1, 2) or target.ndim != input1.ndim - 1:
        raise RuntimeError(f"cosine_embedding_loss: expected 1D or 2D inputs of the same dims with a 0D or 1D "
                           f"target, got input1 {list(input1.shape)}, input2 {list(input2.shape)}, target "
                           f"{list(target.shape)}")
    eps = 1e-12
    d = input1.ndim - 1
    prod = (input1 * input2).sum(d)
    m1 = (input1 * input1).sum(d) + eps
    m2 = (input2 * input2).sum(d) + eps
    cos = prod / (m1 * m2).sqrt()
    zeros = cos * 0
    pos = 1 - cos
    neg = (cos - margin).clamp(min=0)
    loss = where(target == 1, pos, zeros) + where(target == -1, neg, zeros)
    return _reduce(loss, reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """max(0, -y * (x1 - x2) + margin)."""
    reduction = _get_reduction(size_average, reduce, reduction)
    if input1.ndim != input2.ndim or input1.ndim != target.ndim:
        raise RuntimeError(f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
                           f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} ")
    loss = (-target * (input1 - input2) + margin).clamp(min=0)
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average=None, reduce=None,
                        reduction: str = "mean") -> Tensor:
    """max(d(a, p) - d(a, n) + margin, 0) with pairwise p-norm distances."""
    reduction = _get_reduction(size_average, reduce, reduction)
    a, pz, nz = anchor.ndim, positive.ndim, negative.ndim
    if not (a == pz == nz):
        raise RuntimeError(f"The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a}D, positive {pz}D, and negative {nz}D inputs")
    if margin <= 0:
        raise ValueError(f"triplet_margin_loss: expected margin to be greater than 0, got {margin} instead")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_swap = pairwise_distance(positive, negative, p, eps)
        d_neg = d_neg.minimum(d_swap)
    loss = (margin + d_pos - d_neg).clamp(min=0)
    return _reduce(loss, reduction)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function=None, margin: float = 1.0, swap: bool = False,
                                      reduction: str = "mean") -> Tensor:
    """Triplet loss with a custom distance (default: pairwise_distance)."""
    reduction = _get_reduction(None, None, reduction)
    if margin <= 0:
        raise ValueError(f"triplet_margin_with_distance_loss: expected margin to be greater than 0, got {margin} "
                         f"instead")
    dist = distance_function if distance_function is not None else pairwise_distance
    d_pos = dist(anchor, positive)
    d_neg = dist(anchor, negative)
    if swap:
        d_neg = d_neg.minimum(dist(positive, negative))
    return _reduce((margin + d_pos - d_neg).clamp(min=0), reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average=None, eps: float = 1e-8, reduce=None, reduction: str = "mean") -> Tensor:
    """exp(x) - t x (log_input) or x - t log(x + eps); ``full`` adds Stirling's term for t > 1."""
    reduction = _get_reduction(size_average, reduce, reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        # Stirling's term only where t > 1; evaluate it on a safe value elsewhere so 0 * log(0) never appears
        big = target > 1
        t = where(big, target, 2.0)
        st = t * t.log() - t + 0.5 * (2 * math.pi * t).log()
        loss = loss + where(big, st, 0.0)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor | float, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean") -> Tensor:
    """0.5 (log(max(var, eps)) + (x - t)^2 / max(var, eps)) (+ 0.5 log 2 pi when ``full``)."""
    if not isinstance(var, Tensor):
        from ...ops.creation import full_like  # noqa: PLC0415

        var = full_like(input, float(var))
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif tuple(input.shape[:-1]) == tuple(var.shape[:-1]) and var.shape[-1] == 1:
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    if bool((var < 0).any()):
        raise ValueError("var has negative entry/entries")
    # clamp without blocking the gradient, like torch's in-place clamp under no_grad
    var = var + (var.clamp(min=eps) - var).detach()
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                                reduce=None, reduction: str = "mean") -> Tensor:
    """-mean_c [t log sigmoid(x) + (1 - t) log sigmoid(-x)] (weighted per class)."""
    reduction = _get_reduction(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    c = input.shape[-1] if input.ndim else 1
    loss = loss.sum(input.ndim - 1) / c if input.ndim else loss
    return _reduce(loss, reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0, size_average=None, reduce=None,
                         reduction: str = "mean") -> Tensor:
    """x where y = 1, max(0, margin - x) where y = -1."""
    reduction = _get_reduction(size_average, reduce, reduction)
    zeros = input * 0
    margin_clamp = (margin - input).clamp(min=0)
    loss = where(target != 1, margin_clamp, zeros) + where(target != -1, input, zeros)
    return _reduce(loss, reduction)


def soft_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                     reduction: str = "mean") -> Tensor:
    """log(1 + exp(-y x))."""
    reduction = _get_reduction(size_average, reduce, reduction)
    _not_differentiable("soft_margin_loss", "target", target)
    return _reduce(_softplus_neg(target * input), reduction)


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,
                      weight: Tensor | None = None, size_average=None, reduce=None,
                      reduction: str = "mean") -> Tensor:
    """sum_{i != y} max(0, margin - x[y] + x[i])^p / C (times weight[y])."""
    reduction = _get_reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    x = input if input.ndim == 2 else input.reshape(1, -1)
    t = target.reshape(-1)
    n, c = x.shape
    if t.shape[0] != n:
        raise RuntimeError(f"inconsistent target size, expected {n} but got {list(target.shape)}")
    from ...ops.creation import arange  # noqa: PLC0415

    rows = arange(n, device=x.device)
    xy = x[rows, t].unsqueeze(1)
    z = (margin - xy + x).clamp(min=0)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * weight[t].unsqueeze(1)
    not_target = (arange(c, device=x.device).unsqueeze(0) != t.unsqueeze(1))
    loss = (z * not_target).sum(1) / c
    if input.ndim < 2:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                           reduction: str = "mean") -> Tensor:
    """sum_{j in targets, i not in targets} max(0, 1 - (x[j] - x[i])) / C; targets end at the first -1."""
    reduction = _get_reduction(size_average, reduce, reduction)
    x = input if input.ndim == 2 else input.reshape(1, -1)
    t = target.reshape(x.shape)._data
    xp = np if input.is_cpu else t.__array_namespace__()
    n, c = x.shape
    # targets are the prefix of each row before the first -1
    stop = xp.cumprod(t >= 0, axis=1).astype(bool)
    is_t = xp.zeros((n, c), dtype=bool)
    rows = xp.nonzero(stop)
    is_t[rows[0], t[rows]] = True
    pair = xp.zeros((n, c, c), dtype=bool)  # pair[n, j, i]: j a target, i not a target
    pair[:] = is_t[:, :, None] & ~is_t[:, None, :]
    w = Tensor._wrap(pair.astype(x._data.dtype))
    z = (1 - (x.unsqueeze(2) - x.unsqueeze(1))).clamp(min=0)
    loss = (z * w).sum((1, 2)) / c
    if input.ndim < 2:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths, target_lengths, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """Connectionist temporal classification loss (alpha recursion over the batch; beta recursion backward)."""
    from ._ctc import ctc_loss as _impl  # noqa: PLC0415

    return _impl(log_probs, targets, input_lengths, target_lengths, blank, reduction, zero_infinity)


del _vector_norm
