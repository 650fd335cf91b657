"""Embedding lookups: embedding (padding_idx, max_norm, scale_grad_by_freq) and embedding_bag.

``GatherRows`` (w[idx] * s) and ``ScatterRows`` (rows of g added at idx, scaled by s) are adjoint fused ops;
the embedding gradient is ScatterRows with s zero at padding_idx and 1/count under scale_grad_by_freq, and a
bag sum is ScatterRows of the looked-up rows onto the bag ids.
"""
from __future__ import annotations

import numpy as np

from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ...ops._op import Op, apply

__all__ = ["embedding", "embedding_bag"]


def _xp(a):
    return np if a.__class__ is np.ndarray else a.__array_namespace__()


class GatherRows(Op):
    """out[..., :] = w[idx[...], :] (* s[..., None])."""

    def forward(ctx, xp, w, idx, s=None):
        ctx.p = (idx, s, w.shape[0])
        out = w[idx]
        return out * s[..., None] if s is not None else out

    def backward(ctx, g):
        idx, s, num = ctx.p
        return apply(ScatterRows, g, idx=idx, num=num, s=s)


class Embedding(GatherRows):
    """The lookup itself: unscaled forward, padding/frequency-scaled backward."""

    def forward(ctx, xp, w, idx, s=None):
        ctx.p = (idx, s, w.shape[0])
        return w[idx]


class ScatterRows(Op):
    """out = zeros(num, D); out[idx[i]] += g[i] (* s[i])."""

    def forward(ctx, xp, g, idx, num, s=None):
        ctx.p = (idx, s)
        d = g.shape[idx.ndim:]
        gg = g.reshape((-1,) + d)
        if s is not None:
            gg = gg * s.reshape((-1,) + (1,) * len(d))
        out = xp.zeros((num,) + d, dtype=g.dtype)
        if xp is np:
            np.add.at(out, idx.reshape(-1), gg)
        else:
            import cupyx  # noqa: PLC0415

            cupyx.scatter_add(out, idx.reshape(-1), gg)
        return out

    def backward(ctx, gg):
        idx, s = ctx.p
        return apply(GatherRows, gg, idx=idx, s=s)


def _renorm_(weight: Tensor, idx, max_norm: float, norm_type: float) -> None:
    """Rescale (in place, like torch.embedding_renorm_) the referenced rows whose norm exceeds max_norm."""
    xp = _xp(weight._data)
    rows = xp.unique(idx.reshape(-1))
    w = weight._data
    sel = w[rows]
    norms = (xp.abs(sel) ** norm_type).sum(1) ** (1.0 / norm_type)
    big = norms > max_norm
    if bool(big.any()):
        scale = (max_norm / (norms[big] + 1e-7)).astype(w.dtype)
        w[rows[big]] = sel[big] * scale[:, None]
        weight._bump()


def _index_array(input: Tensor, num: int):
    if input._data.dtype.kind not in "iu":
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {input.type_name()} instead (while checking arguments for "
                           f"embedding)")
    idx = input._data
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= num):
        raise IndexError("index out of range in self")
    return idx


def _padding_idx(padding_idx, num):
    if padding_idx is None:
        return None
    if padding_idx > 0:
        if padding_idx >= num:
            raise AssertionError("Padding_idx must be within num_embeddings")
    elif padding_idx < 0:
        if padding_idx < -num:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx += num
    return padding_idx


def _grad_scale(xp, idx, num, padding_idx, scale_grad_by_freq, dtype):
    if padding_idx is None and not scale_grad_by_freq:
        return None
    s = xp.ones(idx.shape, dtype=dtype)
    if scale_grad_by_freq:
        counts = xp.bincount(idx.reshape(-1), minlength=num)
        s = s / counts[idx].astype(dtype)
    if padding_idx is not None:
        s = xp.where(idx == padding_idx, dtype.type(0), s).astype(dtype)
    return s


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Look up rows of ``weight`` (mirrors torch.nn.functional.embedding)."""
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    num = weight.shape[0]
    idx = _index_array(input, num)
    padding_idx = _padding_idx(padding_idx, num)
    if max_norm is not None:
        with no_grad():
            _renorm_(weight, idx, max_norm, norm_type)
    s = _grad_scale(_xp(idx), idx, num, padding_idx, scale_grad_by_freq, weight._data.dtype)
    return apply(Embedding, weight, idx=idx, s=s)


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None, max_norm: float | None = None,
                  norm_type: float = 2, scale_grad_by_freq: bool = False, mode: str = "mean",
                  sparse: bool = False, per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """Sums / means / maxes of bags of embeddings (mirrors torch.nn.functional.embedding_bag)."""
    from ._pool import GatherFlat  # noqa: PLC0415

    if weight.ndim != 2:
        raise ValueError(f"weight has to be a 2D Tensor, but got Tensor of dimension {weight.ndim}")
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max")
    if per_sample_weights is not None:
        if mode != "sum":
            raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                      f"supported for mode='sum' (got mode='{mode}'). Please open a feature request "
                                      f"on GitHub.")
        if tuple(per_sample_weights.shape) != tuple(input.shape):
            raise ValueError(f"embedding_bag: If per_sample_weights ({list(per_sample_weights.shape)}) is not None, "
                             f"then it must have the same shape as the input ({list(input.shape)})")
    num, dim = weight.shape
    xp = _xp(weight._data)
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of "
                             "fixed length sequences. However, found offsets of type Tensor")
        nb, L = input.shape
        idx = _index_array(input, num).reshape(-1)
        seg = xp.repeat(xp.arange(nb), L)
        psw = per_sample_weights.reshape(-1) if per_sample_weights is not None else None
    elif input.ndim == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        if offsets.ndim != 1:
            raise ValueError("offsets has to be a 1D Tensor")
        idx = _index_array(input, num)
        off = offsets._data.astype(np.int64)
        if off.size and int(off[0]) != 0:
            raise RuntimeError(f"offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start "
                               f"from position 0. However, got {int(off[0])}")
        if include_last_offset:
            nb = off.size - 1
            off = off[:-1]
        else:
            nb = off.size
        seg = (xp.searchsorted(off, xp.arange(idx.size), side="right") - 1) if idx.size else \
            xp.zeros(0, dtype=np.int64)
        psw = per_sample_weights
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}")
    padding_idx = _padding_idx(padding_idx, num)
    if max_norm is not None:
        with no_grad():
            _renorm_(weight, idx, max_norm, norm_type)
    keep = xp.ones(idx.shape, dtype=bool) if padding_idx is None else idx != padding_idx
    if padding_idx is not None:
        idx_k, seg_k = idx[keep], seg[keep]
    else:
        idx_k, seg_k = idx, seg
    counts = xp.bincount(seg_k, minlength=nb)[:nb] if seg_k.size else xp.zeros(nb, dtype=np.int64)
    if mode in ("sum", "mean"):
        s = _grad_scale(xp, idx_k, num, None, scale_grad_by_freq, weight._data.dtype)
        rows = apply(Embedding, weight, idx=idx_k, s=s)
        if psw is not None:
            pw = psw[Tensor._wrap(xp.nonzero(keep)[0])] if padding_idx is not None else psw
            rows = rows * pw.unsqueeze(1)
        out = apply(ScatterRows, rows, idx=seg_k, num=nb, s=None)
        if mode == "mean":
            div = xp.maximum(counts, 1).astype(weight._data.dtype)[:, None]
            out = out / Tensor._wrap(div)
        return out
    # max: pad every bag to the longest, argmax per (bag, feature), then gather those weight entries
    lmax = int(counts.max()) if nb and counts.size else 0
    if lmax == 0:
        return weight.sum() * 0 + Tensor._wrap(xp.zeros((nb, dim), dtype=weight._data.dtype))
    starts = xp.concatenate([xp.zeros(1, dtype=np.int64), xp.cumsum(counts)[:-1]])
    pos_in_bag = xp.arange(idx_k.size) - starts[seg_k]
    table = xp.full((nb, lmax), -1, dtype=np.int64)
    table[seg_k, pos_in_bag] = idx_k
    vals = weight._data[xp.maximum(table, 0)]                      # (B, Lmax, D)
    vals = xp.where((table >= 0)[..., None], vals, -xp.inf)
    am = vals.argmax(1)                                             # (B, D)
    row = xp.take_along_axis(table, am, axis=1)                     # weight row per (bag, feature)
    empty = row < 0
    flat = xp.maximum(row, 0) * dim + xp.arange(dim)[None, :]
    out = apply(GatherFlat, weight, idx=flat, nsp=2)
    if bool(empty.any()):
        out = out * Tensor._wrap((~empty).astype(weight._data.dtype))
    return out
