"""CTC loss: log-space alpha recursion vectorised over the batch, beta recursion for the gradient.

NOTE [ ctc gradient ]: like torch, the gradient w.r.t. ``log_probs`` is
exp(log_probs) - exp(logsumexp_{s: l'_s = c}(alpha_t(s) + beta_t(s)) + nll) on frames t < input_length (0 after).
That is torch's "gradient through an implied log_softmax": the true derivative of the loss is only the second
term, and the two agree once a log_softmax backward follows (the usual case, where the row sums cancel). ember
returns torch's numbers so that programs feeding a detached log_softmax leaf (the documented example) match.
Double backward is not supported.
"""
from __future__ import annotations

import numpy as np

from ..._tensor import Tensor
from ...ops._op import Op, apply

__all__: list = []

_NEG = -np.inf


def _lse3(xp, a, b, c):
    m = xp.maximum(xp.maximum(a, b), c)
    ms = xp.where(xp.isfinite(m), m, 0)
    with np.errstate(under="ignore", invalid="ignore", divide="ignore"):
        return ms + xp.log(xp.exp(a - ms) + xp.exp(b - ms) + xp.exp(c - ms))


def _shift(xp, a, k):
    """a shifted right by k along the last axis, padded with -inf."""
    out = xp.full_like(a, _NEG)
    out[..., k:] = a[..., :a.shape[-1] - k]
    return out


def _extended(xp, targets, s_max, blank):
    n = targets.shape[0]
    ext = xp.full((n, 2 * s_max + 1), blank, dtype=np.int64)
    ext[:, 1::2] = targets[:, :s_max]
    # skip transition s-2 -> s allowed when l'_s is not blank and differs from l'_{s-2}
    skip = xp.zeros(ext.shape, dtype=bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    return ext, skip


class CTCGrad(Op):
    """d nll_n / d log_probs (forward); its own derivative is not implemented."""

    def forward(ctx, xp, lp, alpha=None, ext=None, skip=None, in_len=None, tl=None, nll=None, zero_infinity=False):
        T, N, C = lp.shape
        L = ext.shape[1]
        tt = xp.arange(T).reshape(T, 1)
        lp_ext = xp.take_along_axis(lp, xp.broadcast_to(ext[None], (T, N, L)), 2)  # (T, N, L)
        beta = xp.full((T, N, L), _NEG, dtype=lp.dtype)
        last = xp.full((N, L), _NEG, dtype=lp.dtype)
        idx = xp.arange(N)
        last[idx, 2 * tl] = 0
        has = tl > 0
        last[idx[has], 2 * tl[has] - 1] = 0
        nxt = xp.full((N, L), _NEG, dtype=lp.dtype)
        skip_next = xp.zeros_like(skip)
        skip_next[:, :-2] = skip[:, 2:]
        for t in range(T - 1, -1, -1):
            if t < T - 1:
                e = lp_ext[t + 1] + nxt
                e1 = xp.full_like(e, _NEG)
                e1[:, :-1] = e[:, 1:]
                e2 = xp.full_like(e, _NEG)
                e2[:, :-2] = e[:, 2:]
                e2 = xp.where(skip_next, e2, _NEG)
                rec = _lse3(xp, e, e1, e2)
            else:
                rec = xp.full((N, L), _NEG, dtype=lp.dtype)
            cur = xp.where((in_len - 1 == t)[:, None], last, xp.where((t < in_len - 1)[:, None], rec, _NEG))
            beta[t] = cur
            nxt = cur
        with np.errstate(under="ignore", invalid="ignore", over="ignore"):
            w = xp.exp(alpha + beta + nll[None, :, None])
        w = xp.where(xp.isfinite(w), w, 0) * (tt[:, :, None] < in_len[None, :, None])
        flat = ((tt * N + xp.arange(N)[None, :])[:, :, None] * C + ext[None]).reshape(-1)
        g = xp.bincount(flat, weights=w.reshape(-1).astype(np.float64), minlength=T * N * C)
        # torch's kernel adds exp(log_probs) on the frames inside input_length (NOTE [ ctc gradient ])
        out = xp.exp(lp) * (tt < in_len[None, :])[:, :, None] - g.reshape(T, N, C)
        # an infinite loss has a NaN gradient, or none at all under zero_infinity (as in torch)
        bad = ~xp.isfinite(nll)
        out = xp.where(bad[None, :, None], 0.0 if zero_infinity else np.nan, out)
        return out.astype(lp.dtype)

    def backward(ctx, g):
        raise RuntimeError("double backward (create_graph=True) is not implemented for ctc_loss")


class CTCLoss(Op):
    save_inputs = (0,)

    def forward(ctx, xp, lp, targets=None, in_len=None, tl=None, blank=0, zero_infinity=False):
        T, N, C = lp.shape
        s_max = int(tl.max()) if tl.size else 0
        ext, skip = _extended(xp, targets, s_max, blank)
        L = ext.shape[1]
        lp_ext = xp.take_along_axis(lp, xp.broadcast_to(ext[None], (T, N, L)), 2)
        alpha = xp.full((T, N, L), _NEG, dtype=lp.dtype)
        alpha[0, :, 0] = lp_ext[0, :, 0]
        has = tl > 0
        alpha[0, has, 1] = lp_ext[0, has, 1]
        for t in range(1, T):
            a = alpha[t - 1]
            a2 = xp.where(skip, _shift(xp, a, 2), _NEG)
            alpha[t] = _lse3(xp, a, _shift(xp, a, 1), a2) + lp_ext[t]
        idx = xp.arange(N)
        fin = alpha[xp.clip(in_len - 1, 0, T - 1), idx]  # (N, L)
        end1 = fin[idx, 2 * tl]
        end2 = xp.where(has, fin[idx, xp.maximum(2 * tl - 1, 0)], _NEG)
        m = xp.maximum(end1, end2)
        ms = xp.where(xp.isfinite(m), m, 0)
        with np.errstate(under="ignore", divide="ignore"):
            nll = -(ms + xp.log(xp.exp(end1 - ms) + xp.exp(end2 - ms)))
        nll = xp.where(in_len > 0, nll, xp.where(tl == 0, 0, np.inf)).astype(lp.dtype)
        inf = ~xp.isfinite(nll)
        ctx.alpha, ctx.ext, ctx.skip, ctx.in_len, ctx.tl, ctx.nll = alpha, ext, skip, in_len, tl, nll
        ctx.zero_infinity = zero_infinity
        if zero_infinity:
            nll = xp.where(inf, 0, nll).astype(lp.dtype)
        return nll

    def backward(ctx, g):
        (lp,) = ctx.inputs
        nll = ctx.nll
        grad = apply(CTCGrad, lp, alpha=ctx.alpha, ext=ctx.ext, skip=ctx.skip, in_len=ctx.in_len, tl=ctx.tl,
                     nll=nll, zero_infinity=ctx.zero_infinity)
        return grad * g.reshape(1, -1, 1)


def _lengths(v, name: str, n: int):
    if isinstance(v, Tensor):
        a = np.asarray(v._data.get() if not v.is_cpu else v._data).astype(np.int64).reshape(-1)
    else:
        a = np.asarray(list(v) if not isinstance(v, int) else [v], dtype=np.int64).reshape(-1)
    if a.shape[0] != n:
        raise RuntimeError(f"{name} must be of size batch_size ({n}), got {a.shape[0]}")
    return a


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    from ._loss import _get_reduction  # noqa: PLC0415

    reduction = _get_reduction(None, None, reduction)
    unbatched = log_probs.ndim == 2
    if log_probs.ndim not in (2, 3):
        raise RuntimeError(f"ctc_loss: expected log_probs to be 2-D or 3-D, got {log_probs.ndim}-D")
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    T, N, C = lp.shape
    if not 0 <= blank < C:
        raise RuntimeError("blank must be in label range")
    in_len = _lengths(input_lengths, "input_lengths", N)
    tl = _lengths(target_lengths, "target_lengths", N)
    if (in_len > T).any():
        raise RuntimeError(f"Expected input_lengths to have value at most {T}, but got value {int(in_len.max())} "
                           f"(while checking arguments for ctc_loss)")
    tg = targets._data if targets.is_cpu else targets._data.get()
    tg = np.asarray(tg).astype(np.int64)
    if unbatched:
        tg = tg.reshape(1, -1)
    if tg.ndim == 1:  # concatenated targets
        off = np.concatenate([[0], np.cumsum(tl)])
        if off[-1] > tg.shape[0]:
            raise RuntimeError(f"Expected tensor to have size at least {off[-1]} at dimension 0, but got size "
                               f"{tg.shape[0]} for argument #2 'targets' (while checking arguments for ctc_loss)")
        pad = np.full((N, max(int(tl.max()) if N else 0, 1)), blank, dtype=np.int64)
        for i in range(N):
            pad[i, :tl[i]] = tg[off[i]:off[i + 1]]
        tg = pad
    elif tl.size and int(tl.max()) > tg.shape[1]:
        raise RuntimeError(f"Expected tensor to have size at least {int(tl.max())} at dimension 1, but got size "
                           f"{tg.shape[1]} for argument #2 'targets' (while checking arguments for ctc_loss)")
    if not lp.is_cpu:
        xp = lp._data.__array_namespace__()
        tg, in_len_d, tl_d = xp.asarray(tg), xp.asarray(in_len), xp.asarray(tl)
    else:
        in_len_d, tl_d = in_len, tl
    nll = apply(CTCLoss, lp, targets=tg, in_len=in_len_d, tl=tl_d, blank=blank, zero_infinity=zero_infinity)
    if reduction == "none":
        return nll.reshape(()) if unbatched else nll
    if reduction == "sum":
        return nll.sum()
    denom = Tensor._wrap(np.maximum(tl, 1).astype(lp._data.dtype) if lp.is_cpu else
                         lp._data.__array_namespace__().asarray(np.maximum(tl, 1).astype(lp._data.dtype)))
    return (nll / denom).mean()
