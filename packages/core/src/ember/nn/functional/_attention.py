"""Attention: scaled_dot_product_attention as one fused op, and multi_head_attention_forward.

NOTE [ fused attention ]: ``_SDPA`` computes ``softmax(q k^T * scale + mask) [* dropout keep] @ v`` in one op
and keeps the (dropped-out) attention probabilities for backward, which is hand-written:
``dV = P^T dO``, ``dP = dO V^T``, ``dS = P * (dP - rowsum(dP * P))``, ``dQ = dS K * scale``,
``dK = dS^T Q * scale`` (and ``dS`` for a float mask). With ``create_graph`` the op is recomputed with plain
differentiable ember ops and differentiated by autograd, so higher-order gradients are exact. Rows whose keys
are all masked give zeros (torch's "safe softmax") unless ``_unsafe`` asks for the NaNs of a plain softmax,
which is what ``multi_head_attention_forward`` produces when it returns weights.
"""
from __future__ import annotations

import math

import numpy as np

from ...autograd.grad_mode import GradMode
from ...ops._op import Op, apply

__all__ = ["scaled_dot_product_attention", "multi_head_attention_forward"]


def _softmax_rows(xp, s, safe):
    m = s.max(-1, keepdims=True)
    if safe:
        m = xp.where(xp.isneginf(m), 0, m)
    with np.errstate(invalid="ignore", over="ignore"):
        e = xp.exp(s - m)
        tot = e.sum(-1, keepdims=True)
        if safe:
            tot = xp.where(tot == 0, 1, tot)
        e /= tot
    return e


class _SDPA(Op):
    """Fused attention (NOTE [ fused attention ]); outputs (out, probabilities) when ``weights`` is set."""

    save_inputs = (0, 1, 2, 3, 4)

    def forward(ctx, xp, q, k, v, mask, keep, scale=1.0, causal=False, rep=1, safe=True, weights=False):
        if rep > 1:  # grouped-query attention: each key/value head serves ``rep`` query heads
            k = xp.repeat(k, rep, axis=-3)
            v = xp.repeat(v, rep, axis=-3)
        s = q @ xp.swapaxes(k, -1, -2)
        s *= scale
        if causal:
            L, S = s.shape[-2], s.shape[-1]
            s = xp.where(xp.tril(xp.ones((L, S), dtype=bool)), s, -xp.inf)
        if mask is not None:
            if mask.dtype == np.bool_:
                s = xp.where(mask, s, -xp.inf)
            else:
                s = s + mask
        p = _softmax_rows(xp, s, safe)
        pd = p * keep if keep is not None else p
        out = pd @ v
        ctx.p, ctx.pd, ctx.kv = p, pd, (k, v)
        ctx.scale, ctx.causal, ctx.rep, ctx.safe, ctx.weights = scale, causal, rep, safe, weights
        ctx.q_shape, ctx.k_shape = q.shape, ctx_k_shape(k, rep)
        return (out, pd) if weights else out

    def backward(ctx, g, gw=None):
        if GradMode.enabled:
            return _sdpa_double_backward(ctx, g, gw)
        q = ctx.inputs[0]._data
        k, v = ctx.kv
        keep = ctx.inputs[4]._data if ctx.inputs[4] is not None else None
        mask = ctx.inputs[3]
        xp = _xp(q)
        p, pd = ctx.p, ctx.pd
        g = g._data
        need = [e is not None for e in ctx.next_functions]
        dv = xp.swapaxes(pd, -1, -2) @ g if need[2] else None
        dp = g @ xp.swapaxes(v, -1, -2)
        if gw is not None:
            dp = dp + gw._data
        if keep is not None:
            dp *= keep
        ds = dp * p
        ds -= p * ds.sum(-1, keepdims=True)
        dq = (ds @ k) * ctx.scale if need[0] else None
        dk = (xp.swapaxes(ds, -1, -2) @ q) * ctx.scale if need[1] else None
        if ctx.rep > 1:
            dk = _group_sum(dk, ctx.rep) if dk is not None else None
            dv = _group_sum(dv, ctx.rep) if dv is not None else None
        dmask = ds if mask is not None and need[3] else None
        return tuple(None if a is None else _wrap(a) for a in (dq, dk, dv, dmask)) + (None,)


def ctx_k_shape(k, rep):
    return k.shape


def _group_sum(a, rep):
    sh = a.shape
    return a.reshape(sh[:-3] + (sh[-3] // rep, rep) + sh[-2:]).sum(-3)


def _xp(a):
    from ...ops._op import _xp_of  # noqa: PLC0415

    return _xp_of(a)


def _wrap(a):
    from ..._tensor import Tensor  # noqa: PLC0415

    return Tensor._wrap(a)


def _sdpa_reference(q, k, v, mask, keep, scale, causal, rep, safe, weights):
    """The fused op written with plain differentiable ember ops (used for create_graph)."""
    import ember  # noqa: PLC0415

    if rep > 1:
        k = k.repeat_interleave(rep, dim=-3)
        v = v.repeat_interleave(rep, dim=-3)
    s = (q @ k.transpose(-2, -1)) * scale
    ninf = float("-inf")
    if causal:
        L, S = s.shape[-2], s.shape[-1]
        tri = ember.ones(L, S, dtype=ember.bool, device=s.device).tril()
        s = ember.where(tri, s, ninf)
    if mask is not None:
        s = ember.where(mask, s, ninf) if mask.dtype == ember.bool else s + mask
    m = s.detach().amax(-1, keepdim=True)
    if safe:
        m = ember.where(m == ninf, 0.0, m)
    e = (s - m).exp()
    tot = e.sum(-1, keepdim=True)
    if safe:
        tot = ember.where(tot == 0, 1.0, tot)
    p = e / tot
    if keep is not None:
        p = p * keep
    out = p @ v
    return (out, p) if weights else out


def _sdpa_double_backward(ctx, g, gw):
    from ... import autograd  # noqa: PLC0415

    ins = ctx.inputs
    outs = _sdpa_reference(*ins, ctx.scale, ctx.causal, ctx.rep, ctx.safe, ctx.weights)
    outs = outs if isinstance(outs, tuple) else (outs,)
    grads = (g, gw) if ctx.weights else (g,)
    idx = [i for i in range(4) if ins[i] is not None and ins[i].requires_grad]
    res = [None] * 5
    if idx:
        gs = autograd.grad(outs, [ins[i] for i in idx], grads, create_graph=True, allow_unused=True)
        for i, gi in zip(idx, gs):
            res[i] = gi
    return tuple(res)


def _dropout_keep(like, shape, p):
    """Dropout keep-mask scaled by 1/(1-p), drawn from ember's generator."""
    import ember  # noqa: PLC0415

    if p >= 1.0:
        return ember.zeros(shape, dtype=like.dtype, device=like.device)
    keep = ember.rand(shape, dtype=like.dtype, device=like.device) >= p
    return keep.to(like.dtype) * (1.0 / (1.0 - p))


def _sdpa(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False,
          safe=True, weights=False):
    if query.dim() < 2 or key.dim() < 2 or value.dim() < 2:
        raise RuntimeError(f"scaled_dot_product_attention: expected query, key and value to be at least 2-D, got "
                           f"{query.dim()}-D, {key.dim()}-D and {value.dim()}-D")
    if query.shape[-1] != key.shape[-1]:
        raise RuntimeError(f"scaled_dot_product_attention: the last dimension of query ({query.shape[-1]}) and key "
                           f"({key.shape[-1]}) must be equal; query {list(query.shape)}, key {list(key.shape)}")
    if key.shape[-2] != value.shape[-2]:
        raise RuntimeError(f"scaled_dot_product_attention: key and value must have the same sequence length; key "
                           f"{list(key.shape)}, value {list(value.shape)}")
    if query.dtype != key.dtype or query.dtype != value.dtype:
        raise RuntimeError(f"Expected query, key, and value to have the same dtype, but got query.dtype: "
                           f"{query.dtype} key.dtype: {key.dtype} and value.dtype: {value.dtype} instead.")
    if is_causal and attn_mask is not None:
        raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask should not be set when "
                           "is_causal=True")
    rep = 1
    if enable_gqa and query.dim() >= 3 and key.shape[-3] != query.shape[-3]:
        hq, hk = query.shape[-3], key.shape[-3]
        if hq % hk != 0 or value.shape[-3] != hk:
            raise RuntimeError(f"scaled_dot_product_attention: number of heads in query ({hq}) must be divisible "
                               f"by the number of heads in key/value ({hk})")
        rep = hq // hk
    if attn_mask is not None and attn_mask.dtype != query.dtype and attn_mask.dtype.is_floating_point:
        raise RuntimeError(f"Expected attn_mask dtype to be bool or float or to match query dtype, but got "
                           f"attn_mask.dtype: {attn_mask.dtype} and  query.dtype: {query.dtype} instead.")
    sc = float(scale) if scale is not None else 1.0 / math.sqrt(query.shape[-1])
    keep = None
    if dropout_p > 0.0:
        L, S = query.shape[-2], key.shape[-2]
        keep = _dropout_keep(query, tuple(query.shape[:-2]) + (L, S), float(dropout_p))
    return apply(_SDPA, query, key, value, attn_mask, keep, scale=sc, causal=bool(is_causal), rep=rep, safe=safe,
                 weights=weights)


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p: float = 0.0, is_causal: bool = False,
                                 scale: float | None = None, enable_gqa: bool = False):
    """softmax(Q K^T * scale + mask) V with optional dropout (mirrors torch.nn.functional.scaled_dot_product_attention).

    A bool ``attn_mask`` marks positions that MAY attend (True); a float mask is added to the scores.
    """
    return _sdpa(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa)


from ._mha import multi_head_attention_forward  # noqa: E402
