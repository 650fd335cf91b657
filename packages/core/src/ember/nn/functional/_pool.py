"""Pooling: max/avg (1-3d, ceil_mode, padding, dilation), adaptive avg/max, max_unpool, lp_pool.

Max pooling takes the argmax over a strided window view and returns flat input indices; its backward is
``ScatterFlat`` (and that one's is ``GatherFlat``), so gradients of any order are the same two fused ops.
Average pooling is linear: ``AvgPool`` and its adjoint ``AvgPoolT`` (col2im over the kernel positions) are
each other's backward. Adaptive average pooling is separable and uses the sparse per-axis maps of _vision.
"""
from __future__ import annotations

import itertools

import numpy as np

from ..._tensor import Tensor
from ...ops._op import Op, apply
from ._conv import _batchify, _col2im, _ntuple, _pad_for, _prod, _windows

__all__ = ["max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "max_pool2d_with_indices",
           "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d", "avg_pool3d", "adaptive_avg_pool1d",
           "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d",
           "adaptive_max_pool3d", "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
           "adaptive_max_pool3d_with_indices", "max_unpool1d", "max_unpool2d", "max_unpool3d", "lp_pool1d",
           "lp_pool2d", "lp_pool3d"]


_KERNELS: list = []


def _kernels(xp, *arrays):
    """The numba pool kernels (NOTE [ pool kernels ]) for float32/64 NumPy arrays, else None."""
    if xp is not np or any(a.dtype.char not in "fd" for a in arrays):
        return None
    if not _KERNELS:
        from . import _pool_kernels  # noqa: PLC0415  (numba is slow to import)

        _KERNELS.append(_pool_kernels)
    return _KERNELS[0]


# -- flat gather / scatter over the spatial axes (adjoint pair) -------------------------------------------
class GatherFlat(Op):
    """out[b, j] = x[b, idx[b, j]] over the flattened trailing ``nsp`` dims of x; idx shaped like out."""

    def forward(ctx, xp, x, idx, nsp, unique=False):
        ctx.p = (x.shape, idx, nsp, unique)
        lead = x.shape[:-nsp] if nsp else x.shape
        xf = x.reshape(lead + (-1,))
        return xp.take_along_axis(xf, idx.reshape(lead + (-1,)), axis=-1).reshape(idx.shape)

    def backward(ctx, g):
        shape, idx, nsp, unique = ctx.p
        return apply(ScatterFlat, g, idx=idx, shape=shape, nsp=nsp, unique=unique)


class ScatterFlat(Op):
    """zeros(shape) with out[b, idx[b, j]] += g[b, j] (the adjoint of GatherFlat).

    ``unique``: the caller knows the indices of a row are distinct (non-overlapping pooling windows), so a
    plain assignment (~10x faster than add.at) is exact.
    """

    def forward(ctx, xp, g, idx, shape, nsp, unique=False):
        ctx.p = (idx, nsp, unique)
        lead = shape[:-nsp]
        nb, L = _prod(lead), _prod(shape[-nsp:])
        flat = (idx.reshape(nb, -1) + (xp.arange(nb) * L)[:, None]).ravel()
        k = _kernels(xp, g)
        if k is not None and g.size:
            out = np.zeros((nb, L), dtype=g.dtype)
            k.scatter_add_planes(np.ascontiguousarray(g).reshape(nb, -1),
                                 np.ascontiguousarray(idx, dtype=np.int64).reshape(nb, -1), out)
            return out.reshape(shape)
        out = xp.zeros(nb * L, dtype=g.dtype)
        gv = g.reshape(-1)
        if unique:
            out[flat] = gv
        elif xp is np:
            np.add.at(out, flat, gv)
        else:
            import cupyx  # noqa: PLC0415

            cupyx.scatter_add(out, flat, gv)
        return out.reshape(shape)

    def backward(ctx, gg):
        idx, nsp, unique = ctx.p
        return apply(GatherFlat, gg, idx=idx, nsp=nsp, unique=unique)


# -- max pooling ------------------------------------------------------------------------------------------
def _pool_out(size, k, s, p, d, ceil_mode):
    num = size + 2 * p - d * (k - 1) - 1
    o = (-(-num // s) if ceil_mode else num // s) + 1
    if ceil_mode and (o - 1) * s >= size + p:
        o -= 1
    return o


def _kernel_slices(xpad, ksize, stride, dil, out):
    """For each kernel position (row-major), the strided view of ``xpad``'s trailing dims it reads per output."""
    for kpos in itertools.product(*[range(k) for k in ksize]):
        yield xpad[(Ellipsis,) + tuple(slice(k * d, k * d + s * (o - 1) + 1, s)
                                       for k, d, s, o in zip(kpos, dil, stride, out))]


class MaxPool(Op):
    nondiff_outputs = (1,)

    def forward(ctx, xp, x, ksize, stride, pad, dil, out):
        nsp = len(ksize)
        sp = x.shape[-nsp:]
        unique = all(s >= (k - 1) * d + 1 for s, k, d in zip(stride, ksize, dil))
        kern = _kernels(xp, x) if nsp <= 2 and x.size else None
        if kern is not None:  # NOTE [ pool kernels ]; 1-d pooling is 2-d pooling of one-row planes
            one = (1,) * (2 - nsp)
            lead = x.shape[:-nsp]
            x3 = np.ascontiguousarray(x).reshape((-1,) + one + tuple(sp))
            val = np.empty((x3.shape[0],) + one + tuple(out), x.dtype)
            flat = np.empty(val.shape, np.int64)
            a = [(1, 1, 0, 1)] * (2 - nsp) + list(zip(ksize, stride, pad, dil))
            kern.max_pool2d_fwd(x3, val, flat, a[0][0], a[1][0], a[0][1], a[1][1], a[0][2], a[1][2], a[0][3],
                                a[1][3])
            val, flat = val.reshape(lead + tuple(out)), flat.reshape(lead + tuple(out))
            ctx.p = (flat, x.shape, nsp, unique)
            return val, flat
        need = [(o - 1) * s + d * (k - 1) + 1 for o, k, s, d in zip(out, ksize, stride, dil)]
        xpad = _pad_for(xp, x, pad, need, value=-np.inf)
        # NOTE [ pooling by kernel position ]: one strided slice per kernel position, combined elementwise over
        # output-sized arrays; a reduction over the small kernel axes of a window view is several times slower.
        # Pass 1 takes the max (np.maximum propagates NaN, as torch does); pass 2, in reverse kernel order, marks
        # the first position holding it (torch's first-maximum tie rule; the first NaN for a NaN window).
        has_nan = bool(xp.isnan(x).any())
        sls = list(_kernel_slices(xpad, ksize, stride, dil, out))
        val = sls[0].copy()
        for sl in sls[1:]:
            xp.maximum(val, sl, out=val)
        am = xp.zeros(val.shape, np.int8 if len(sls) < 128 else np.int64)
        for ki in range(len(sls) - 1, -1, -1):  # down to 0: a tie with position 0 must end at 0
            m = sls[ki] == val
            if has_nan:
                m |= xp.isnan(sls[ki])
            xp.copyto(am, ki, where=m)
        # flat input index of each argmax = flat index of its window origin + flat offset of the kernel element
        origin = np.zeros((), np.int64)
        koff = np.zeros((), np.int64)
        for i in range(nsp):
            origin = np.add.outer(origin * sp[i], np.arange(out[i]) * stride[i] - pad[i])
            koff = np.add.outer(koff * sp[i], np.arange(ksize[i]) * dil[i])
        flat = xp.asarray(origin) + xp.asarray(koff.ravel())[am]
        ctx.p = (flat, x.shape, nsp, unique)
        return val, flat

    def backward(ctx, g, _gi=None):
        flat, shape, nsp, unique = ctx.p
        return apply(ScatterFlat, g, idx=flat, shape=shape, nsp=nsp, unique=unique)


def _max_pool(nsp, name, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    x, unbatched = _batchify(input, nsp, name)
    ks = _ntuple(kernel_size, nsp, "kernel_size")
    st = ks if stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0) else \
        _ntuple(stride, nsp, "stride")
    pad, dil = _ntuple(padding, nsp, "padding"), _ntuple(dilation, nsp, "dilation")
    if any(k <= 0 for k in ks):
        raise RuntimeError(f"{name}: kernel_size must be greater than zero, but got {list(ks)}")
    if any(s <= 0 for s in st):
        raise RuntimeError(f"{name}: stride must be greater than zero, but got {list(st)}")
    if any(d <= 0 for d in dil):
        raise RuntimeError(f"{name}: dilation must be greater than zero, but got {list(dil)}")
    if any(p > k // 2 for p, k in zip(pad, ks)):
        raise RuntimeError(f"{name}: pad should be at most half of effective kernel size, but got pad={pad[0]}, "
                           f"kernel_size={ks[0]} and dilation={dil[0]}")
    out = tuple(_pool_out(s, k, t, p, d, ceil_mode) for s, k, t, p, d in zip(x.shape[2:], ks, st, pad, dil))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, x.shape[1:]))}). Calculated output size: "
                           f"({'x'.join(map(str, (x.shape[1],) + out))}). Output size is too small")
    val, idx = apply(MaxPool, x, ksize=ks, stride=st, pad=pad, dil=dil, out=out)
    if unbatched:
        val, idx = val.squeeze(0), idx.squeeze(0)
    return (val, idx) if return_indices else val


def max_pool1d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """1-D max pooling (mirrors torch.nn.functional.max_pool1d)."""
    return _max_pool(1, "max_pool1d", input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """2-D max pooling (mirrors torch.nn.functional.max_pool2d)."""
    return _max_pool(2, "max_pool2d", input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """3-D max pooling (mirrors torch.nn.functional.max_pool3d)."""
    return _max_pool(3, "max_pool3d", input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


# -- average pooling --------------------------------------------------------------------------------------
def _avg_divisor(xp, dtype, sp, out, ksize, stride, pad, count_include_pad, divisor_override):
    if divisor_override is not None:
        return None
    div = None
    for i, (s, o, k, st, p) in enumerate(zip(sp, out, ksize, stride, pad)):
        start = np.arange(o) * st - p
        end = np.minimum(start + k, s + p)
        size = end - start
        if not count_include_pad:
            size = np.minimum(end, s) - np.maximum(start, 0)
        div = size if div is None else np.multiply.outer(div, size)
    return xp.asarray(div.astype(dtype))


class AvgPool(Op):
    def forward(ctx, xp, x, ksize, stride, pad, out, div, divisor_override):
        nsp = len(ksize)
        ctx.p = (ksize, stride, pad, out, div, divisor_override, x.shape[-nsp:])
        need = [(o - 1) * s + k for o, k, s in zip(out, ksize, stride)]
        xpad = _pad_for(xp, x, pad, need)
        # NOTE [ pooling by kernel position ]; half types accumulate in float32
        acc = np.float32 if x.dtype.kind == "f" and x.dtype.itemsize < 4 else x.dtype
        y = None
        for sl in _kernel_slices(xpad, ksize, stride, (1,) * nsp, out):
            if y is None:
                y = sl.astype(acc, copy=True)
            else:
                y += sl
        if divisor_override is not None:
            y = y / x.dtype.type(divisor_override)
        else:
            y = y / div
        return y.astype(x.dtype, copy=False)

    def backward(ctx, g):
        ksize, stride, pad, out, div, dov, insize = ctx.p
        return apply(AvgPoolT, g, ksize=ksize, stride=stride, pad=pad, div=div, divisor_override=dov,
                     insize=insize)


class AvgPoolT(Op):
    """Adjoint of AvgPool: spread g/div over each window (col2im over the kernel positions)."""

    def forward(ctx, xp, g, ksize, stride, pad, div, divisor_override, insize):
        nsp = len(ksize)
        out = g.shape[-nsp:]
        ctx.p = (ksize, stride, pad, out, div, divisor_override)
        gd = g / g.dtype.type(divisor_override) if divisor_override is not None else g / div
        gd = gd.astype(g.dtype, copy=False)
        lead = g.shape[:-nsp]
        cols = xp.broadcast_to(gd.reshape(lead + (1,) * nsp + tuple(out)), lead + tuple(ksize) + tuple(out))
        return xp.ascontiguousarray(_col2im(xp, cols, ksize, out, stride, (1,) * nsp, pad, insize))

    def backward(ctx, gg):
        ksize, stride, pad, out, div, dov = ctx.p
        return apply(AvgPool, gg, ksize=ksize, stride=stride, pad=pad, out=out, div=div, divisor_override=dov)


def _avg_pool(nsp, name, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    x, unbatched = _batchify(input, nsp, name)
    ks = _ntuple(kernel_size, nsp, "kernel_size")
    st = ks if stride is None or (isinstance(stride, (list, tuple)) and len(stride) == 0) else \
        _ntuple(stride, nsp, "stride")
    pad = _ntuple(padding, nsp, "padding")
    if any(s <= 0 for s in st):
        raise RuntimeError(f"{name}: stride must be greater than zero")
    if any(p > k // 2 for p, k in zip(pad, ks)):
        raise RuntimeError(f"{name}: pad should be at most half of effective kernel size, but got pad={pad[0]}, "
                           f"kernel_size={ks[0]}")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError(f"{name}: divisor must be not zero")
    out = tuple(_pool_out(s, k, t, p, 1, ceil_mode) for s, k, t, p in zip(x.shape[2:], ks, st, pad))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, x.shape[1:]))}). Calculated output size: "
                           f"({'x'.join(map(str, (x.shape[1],) + out))}). Output size is too small")
    div = _avg_divisor(np if x.is_cpu else x._data.__array_namespace__(), x._data.dtype, x.shape[2:], out, ks,
                       st, pad, count_include_pad, divisor_override)
    y = apply(AvgPool, x, ksize=ks, stride=st, pad=pad, out=out, div=div, divisor_override=divisor_override)
    return y.squeeze(0) if unbatched else y


def avg_pool1d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """1-D average pooling (mirrors torch.nn.functional.avg_pool1d)."""
    return _avg_pool(1, "avg_pool1d", input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def avg_pool2d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """2-D average pooling (mirrors torch.nn.functional.avg_pool2d)."""
    return _avg_pool(2, "avg_pool2d", input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def avg_pool3d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:
    """3-D average pooling (mirrors torch.nn.functional.avg_pool3d)."""
    return _avg_pool(3, "avg_pool3d", input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


# -- adaptive pooling -------------------------------------------------------------------------------------
def _adaptive_bounds(size: int, out: int):
    o = np.arange(out)
    return (o * size) // out, -((-(o + 1) * size) // out)


def _adaptive_args(nsp, name, input, output_size):
    x, unbatched = _batchify(input, nsp, name)
    if x.ndim == nsp + 2 and any(s == 0 for s in x.shape[2:]):
        raise RuntimeError(f"{name}(): Expected input to have non-zero size for non-batch dimensions, but input "
                           f"has sizes {list(input.shape)} with dimension {2} being empty")
    osz = output_size if isinstance(output_size, (list, tuple)) else (output_size,) * nsp
    if len(osz) != nsp:
        raise RuntimeError(f"{name}: output_size must be {nsp}")
    osz = tuple(int(s) if s is not None else x.shape[2 + i] for i, s in enumerate(osz))
    return x, unbatched, osz


def _adaptive_avg(nsp, name, input, output_size):
    from ._vision import _separable, _adaptive_taps  # noqa: PLC0415

    x, unbatched, osz = _adaptive_args(nsp, name, input, output_size)
    taps = [_adaptive_taps(s, o) for s, o in zip(x.shape[2:], osz)]
    y = _separable(x, taps)
    return y.squeeze(0) if unbatched else y


def adaptive_avg_pool1d(input: Tensor, output_size) -> Tensor:
    """1-D adaptive average pooling (mirrors torch.nn.functional.adaptive_avg_pool1d)."""
    return _adaptive_avg(1, "adaptive_avg_pool1d", input, output_size)


def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:
    """2-D adaptive average pooling (mirrors torch.nn.functional.adaptive_avg_pool2d)."""
    return _adaptive_avg(2, "adaptive_avg_pool2d", input, output_size)


def adaptive_avg_pool3d(input: Tensor, output_size) -> Tensor:
    """3-D adaptive average pooling (mirrors torch.nn.functional.adaptive_avg_pool3d)."""
    return _adaptive_avg(3, "adaptive_avg_pool3d", input, output_size)


class AdaptiveMaxPool(Op):
    nondiff_outputs = (1,)

    def forward(ctx, xp, x, out):
        nsp = len(out)
        sp = x.shape[-nsp:]
        lead = x.shape[:-nsp]
        # pad every window to the longest one by repeating its last index (does not change the max)
        idxs = []
        for s, o in zip(sp, out):
            st, en = _adaptive_bounds(s, o)
            kmax = int((en - st).max())
            ii = np.minimum(st[:, None] + np.arange(kmax)[None, :], (en - 1)[:, None])
            idxs.append(ii)
        flat_in = None
        for i, ii in enumerate(idxs):  # flat spatial index grid of shape (O1, K1, O2, K2, ...)
            shape = [1] * (2 * nsp)
            shape[2 * i], shape[2 * i + 1] = ii.shape
            part = ii.reshape(shape)
            flat_in = part if flat_in is None else flat_in * sp[i] + part
        perm = tuple(range(0, 2 * nsp, 2)) + tuple(range(1, 2 * nsp, 2))
        grid = np.ascontiguousarray(np.broadcast_to(flat_in, tuple(d for ii in idxs for d in ii.shape))
                                    .transpose(perm)).reshape(tuple(out) + (-1,))
        grid = xp.asarray(grid)
        vals = x.reshape(lead + (-1,))[..., grid]  # (..., *O, Kprod)
        am = xp.argmax(vals, axis=-1)
        val = xp.take_along_axis(vals, am[..., None], axis=-1)[..., 0]
        if xp.isnan(x).any():
            val = xp.where(xp.isnan(vals).any(-1), xp.nan, val)
        flat = xp.take_along_axis(xp.broadcast_to(grid, vals.shape), am[..., None], axis=-1)[..., 0]
        ctx.p = (flat, x.shape, nsp)
        return val, flat.astype(np.int64)

    def backward(ctx, g, _gi=None):
        flat, shape, nsp = ctx.p
        return apply(ScatterFlat, g, idx=flat, shape=shape, nsp=nsp)


def _adaptive_max(nsp, name, input, output_size, return_indices):
    x, unbatched, osz = _adaptive_args(nsp, name, input, output_size)
    val, idx = apply(AdaptiveMaxPool, x, out=osz)
    if unbatched:
        val, idx = val.squeeze(0), idx.squeeze(0)
    return (val, idx) if return_indices else val


def adaptive_max_pool1d(input: Tensor, output_size, return_indices: bool = False):
    """1-D adaptive max pooling (mirrors torch.nn.functional.adaptive_max_pool1d)."""
    return _adaptive_max(1, "adaptive_max_pool1d", input, output_size, return_indices)


def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):
    """2-D adaptive max pooling (mirrors torch.nn.functional.adaptive_max_pool2d)."""
    return _adaptive_max(2, "adaptive_max_pool2d", input, output_size, return_indices)


def adaptive_max_pool3d(input: Tensor, output_size, return_indices: bool = False):
    """3-D adaptive max pooling (mirrors torch.nn.functional.adaptive_max_pool3d)."""
    return _adaptive_max(3, "adaptive_max_pool3d", input, output_size, return_indices)


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=True):
    return adaptive_max_pool1d(input, output_size, True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=True):
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool3d_with_indices(input, output_size, return_indices=True):
    return adaptive_max_pool3d(input, output_size, True)


# -- max_unpool -------------------------------------------------------------------------------------------
def _max_unpool(nsp, name, input, indices, kernel_size, stride, padding, output_size):
    x, unbatched = _batchify(input, nsp, name)
    idx = indices.unsqueeze(0) if unbatched else indices
    if idx.shape != x.shape:
        raise RuntimeError(f"Expected shape of indices to be same as that of the input tensor ({list(x.shape)}) "
                           f"but got indices tensor with shape: {list(idx.shape)}")
    ks = _ntuple(kernel_size, nsp, "kernel_size")
    st = ks if stride is None else _ntuple(stride, nsp, "stride")
    pad = _ntuple(padding, nsp, "padding")
    default = tuple((i - 1) * s - 2 * p + k for i, s, p, k in zip(x.shape[2:], st, pad, ks))
    if output_size is None:
        osz = default
    else:
        osz = tuple(output_size)[-nsp:]
        for o, d, s in zip(osz, default, st):
            if not d - s < o < d + s:
                raise ValueError(f"invalid output_size \"{list(output_size)}\" (dim {nsp} must be between "
                                 f"{d - s} and {d + s})")
    L = _prod(osz)
    ia = idx._data
    if ia.size and (ia.min() < 0 or ia.max() >= L):
        raise RuntimeError(f"Found an invalid max index: {int(ia.max())} (output volumes are of size "
                           f"{'x'.join(map(str, osz))}")
    y = apply(ScatterFlat, x, idx=ia, shape=tuple(x.shape[:2]) + osz, nsp=nsp)
    return y.squeeze(0) if unbatched else y


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of max_pool1d (mirrors torch.nn.functional.max_unpool1d)."""
    return _max_unpool(1, "max_unpool1d", input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of max_pool2d (mirrors torch.nn.functional.max_unpool2d)."""
    return _max_unpool(2, "max_unpool2d", input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of max_pool3d (mirrors torch.nn.functional.max_unpool3d)."""
    return _max_unpool(3, "max_unpool3d", input, indices, kernel_size, stride, padding, output_size)


# -- power-average pooling --------------------------------------------------------------------------------
def _lp_pool(nsp, input, norm_type, kernel_size, stride, ceil_mode):
    ks = _ntuple(kernel_size, nsp, "kernel_size")
    pooled = _avg_pool(nsp, f"lp_pool{nsp}d", input.pow(norm_type), ks, stride, 0, ceil_mode, True, None)
    # torch: (sign(x) * relu(|x|)) * prod(k), then ** (1/p)
    return (pooled.sign() * pooled.abs()).mul(_prod(ks)).pow(1.0 / norm_type)


def lp_pool1d(input: Tensor, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """1-D power-average pooling (mirrors torch.nn.functional.lp_pool1d)."""
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input: Tensor, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """2-D power-average pooling (mirrors torch.nn.functional.lp_pool2d)."""
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input: Tensor, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False) -> Tensor:
    """3-D power-average pooling (mirrors torch.nn.functional.lp_pool3d)."""
    return _lp_pool(3, input, norm_type, kernel_size, stride, ceil_mode)

