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
from ...ops._op import HALF, Op, apply

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
    compute_in_float32 = HALF  # NOTE [ half precision ] in ops/_op.py

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
        return (out, pd) if weights else out

    def _release(self):
        super()._release()
        self.p = self.pd = self.kv = None

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

def _canonical_mask(mask, name, target_dtype):
    """bool masks (True = masked out) become float masks holding -inf; float masks pass through."""
    if mask is None:
        return None
    import ember  # noqa: PLC0415

    if mask.dtype == ember.bool:
        return ember.zeros(mask.shape, dtype=target_dtype, device=mask.device).masked_fill(mask, float("-inf"))
    if not mask.dtype.is_floating_point:
        raise AssertionError(f"only bool and floating types of {name} are supported")
    return mask


def _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads):
    if query.dim() == 3:
        if key.dim() != 3 or value.dim() != 3:
            raise AssertionError(f"For batched (3-D) `query`, expected `key` and `value` to be 3-D but found "
                                 f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise AssertionError(f"For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but "
                                 f"found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise AssertionError(f"For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but "
                                 f"found {attn_mask.dim()}-D tensor instead")
        return True
    if query.dim() == 2:
        if key.dim() != 2 or value.dim() != 2:
            raise AssertionError(f"For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found "
                                 f"{key.dim()}-D and {value.dim()}-D tensors respectively")
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise AssertionError(f"For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D "
                                 f"but found {key_padding_mask.dim()}-D tensor instead")
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise AssertionError(f"For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D "
                                     f"but found {attn_mask.dim()}-D tensor instead")
            if attn_mask.dim() == 3 and tuple(attn_mask.shape) != (num_heads, query.shape[0], key.shape[0]):
                raise AssertionError(f"Expected `attn_mask` shape to be {(num_heads, query.shape[0], key.shape[0])}"
                                     f" but got {attn_mask.shape}")
        return False
    raise AssertionError(f"query should be unbatched 2D or batched 3D tensor but received {query.dim()}-D query "
                         f"tensor")


def _in_projection(query, key, value, w, b, w_q=None, w_k=None, w_v=None):
    """q, k, v projections; self-attention uses ONE matmul for all three."""
    from ._linear import linear  # noqa: PLC0415

    if w_q is None:
        E = query.shape[-1]
        if query is key and key is value:
            proj = linear(query, w, b)
            return proj[..., :E], proj[..., E:2 * E], proj[..., 2 * E:]
        w_q, w_k, w_v = w[:E], w[E:2 * E], w[2 * E:]
        if b is not None:
            b_q, b_k, b_v = b[:E], b[E:2 * E], b[2 * E:]
        else:
            b_q = b_k = b_v = None
        if key is value:
            kv = linear(key, w[E:], b[E:] if b is not None else None)
            return linear(query, w_q, b_q), kv[..., :E], kv[..., E:]
    else:
        E = w_q.shape[0]
        if b is not None:
            b_q, b_k, b_v = b[:E], b[E:2 * E], b[2 * E:]
        else:
            b_q = b_k = b_v = None
    return linear(query, w_q, b_q), linear(key, w_k, b_k), linear(value, w_v, b_v)


def multi_head_attention_forward(query, key, value, embed_dim_to_check: int, num_heads: int, in_proj_weight,
                                 in_proj_bias, bias_k, bias_v, add_zero_attn: bool, dropout_p: float,
                                 out_proj_weight, out_proj_bias, training: bool = True, key_padding_mask=None,
                                 need_weights: bool = True, attn_mask=None, use_separate_proj_weight: bool = False,
                                 q_proj_weight=None, k_proj_weight=None, v_proj_weight=None, static_k=None,
                                 static_v=None, average_attn_weights: bool = True, is_causal: bool = False):
    """Multi-head attention on ``(L, N, E)`` inputs (mirrors torch.nn.functional.multi_head_attention_forward).

    Returns ``(attn_output, attn_weights)``; weights are ``None`` unless ``need_weights``.
    """
    import ember  # noqa: PLC0415
    from ._linear import linear  # noqa: PLC0415

    is_batched = _mha_shape_check(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    key_padding_mask = _canonical_mask(key_padding_mask, "key_padding_mask", query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError("Need attn_mask if specifying the is_causal hint. You may use the Transformer module "
                           "method `generate_square_subsequent_mask` to create this mask.")
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # the causal hint replaces the (causal) mask
    else:
        attn_mask = _canonical_mask(attn_mask, "attn_mask", query.dtype)
        if key_padding_mask is not None:
            is_causal = False
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}")
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f"embed_dim {embed_dim} not divisible by num_heads {num_heads}")
    if use_separate_proj_weight:
        if tuple(key.shape[:2]) != tuple(value.shape[:2]):
            raise AssertionError(f"key's sequence and batch dims {key.shape[:2]} do not match value's "
                                 f"{value.shape[:2]}")
        q, k, v = _in_projection(query, key, value, None, in_proj_bias, q_proj_weight, k_proj_weight,
                                 v_proj_weight)
    else:
        if tuple(key.shape) != tuple(value.shape):
            raise AssertionError(f"key shape {key.shape} does not match value shape {value.shape}")
        q, k, v = _in_projection(query, key, value, in_proj_weight, in_proj_bias)
    if attn_mask is not None:
        if attn_mask.dim() == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise RuntimeError(f"The shape of the 2D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(tgt_len, src_len)}.")
            attn_mask = attn_mask.reshape(1, 1, tgt_len, src_len)
        elif attn_mask.dim() == 3:
            if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
                raise RuntimeError(f"The shape of the 3D attn_mask is {attn_mask.shape}, but should be "
                                   f"{(bsz * num_heads, tgt_len, src_len)}.")
            attn_mask = attn_mask.reshape(bsz, num_heads, tgt_len, src_len)
        else:
            raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")
    if bias_k is not None and bias_v is not None:
        if static_k is not None or static_v is not None:
            raise AssertionError("bias cannot be added to static key.")
        k = ember.cat([k, bias_k.reshape(1, 1, embed_dim).expand(1, bsz, embed_dim)])
        v = ember.cat([v, bias_v.reshape(1, 1, embed_dim).expand(1, bsz, embed_dim)])
        attn_mask = _pad_last(attn_mask)
        key_padding_mask = _pad_last(key_padding_mask)
    elif bias_k is not None or bias_v is not None:
        raise AssertionError("bias_k is set but bias_v is None" if bias_k is not None else
                             "bias_v is set but bias_k is None")
    # heads: (L, N, E) -> (N, heads, L, head_dim) views; static_k/v come as (N * heads, S, head_dim)
    q = q.reshape(tgt_len, bsz, num_heads, head_dim).permute(1, 2, 0, 3)
    k = _heads(k, static_k, bsz, num_heads, head_dim, "k")
    v = _heads(v, static_v, bsz, num_heads, head_dim, "v")
    if add_zero_attn:
        z = ember.zeros((bsz, num_heads, 1, head_dim), dtype=k.dtype, device=k.device)
        k = ember.cat([k, z], 2)
        v = ember.cat([v, z], 2)
        attn_mask = _pad_last(attn_mask)
        key_padding_mask = _pad_last(key_padding_mask)
    src_len = k.shape[2]
    if key_padding_mask is not None:
        if key_padding_mask.shape[0] != bsz:
            raise AssertionError(f"Expected key_padded_mask.shape[0] to be {bsz}, but got "
                                 f"{key_padding_mask.shape[0]}")
        if key_padding_mask.shape[1] != src_len:
            raise AssertionError(f"Expected key_padded_mask.shape[1] to be {src_len}, but got "
                                 f"{key_padding_mask.shape[1]}")
        kpm = key_padding_mask.reshape(bsz, 1, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if not training:
        dropout_p = 0.0
    if need_weights:
        out, w = _sdpa(q, k, v, attn_mask, dropout_p, False, None, safe=False, weights=True)
    else:
        out = _sdpa(q, k, v, attn_mask, dropout_p, is_causal, None)
        w = None
    out = out.permute(2, 0, 1, 3).reshape(tgt_len * bsz, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, -1)
    if w is not None and average_attn_weights:
        w = w.mean(1)
    if not is_batched:
        out = out.squeeze(1)
        if w is not None:
            w = w.squeeze(0)
    return out, w


def _heads(t, static, bsz, num_heads, head_dim, name):
    if static is None:
        return t.reshape(t.shape[0], bsz, num_heads, head_dim).permute(1, 2, 0, 3)
    if static.shape[0] != bsz * num_heads:
        raise AssertionError(f"expecting static_{name}.size(0) of {bsz * num_heads}, but got {static.shape[0]}")
    if static.shape[2] != head_dim:
        raise AssertionError(f"expecting static_{name}.size(2) of {head_dim}, but got {static.shape[2]}")
    return static.reshape(bsz, num_heads, static.shape[1], head_dim)


def _pad_last(mask):
    """Append one zero column (an always-visible key) to a float mask."""
    if mask is None:
        return None
    import ember  # noqa: PLC0415

    z = ember.zeros(tuple(mask.shape[:-1]) + (1,), dtype=mask.dtype, device=mask.device)
    return ember.cat([mask, z], -1)
