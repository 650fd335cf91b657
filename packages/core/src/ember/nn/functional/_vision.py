"""Vision ops: pad, interpolate/upsample, grid_sample/affine_grid, pixel_shuffle/unshuffle, channel_shuffle.

NOTE [ separable axis maps ]: reflect/replicate/circular padding, nearest/linear/cubic interpolation and
adaptive average pooling are all linear maps that act on one spatial axis at a time. Each is one sparse
(out x in) matrix per axis; ``Separable`` applies them (one sparse matmul per axis) and its backward is the
same op with the transposed matrices, so gradients of every order reuse one fused op and duplicate indices
(reflection borders, upsampling) are summed by the sparse product rather than by a Python loop. On NumPy
the matrices are applied as gathers along the axis (``_apply_maps_np``) instead of sparse products on
moved, copied axes.
"""
from __future__ import annotations

import math

import numpy as np

from ..._tensor import Tensor
from ...ops._op import HALF, Op, apply
from ...ops.creation import _torch_linspace

__all__ = ["pad", "interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "grid_sample",
           "affine_grid", "pixel_shuffle", "pixel_unshuffle", "channel_shuffle"]


# -- sparse per-axis maps ---------------------------------------------------------------------------------
def _csr(idx, wts, n_in):
    """An (out x n_in) CSR matrix with the given taps (idx, wts: (out, T) arrays)."""
    import scipy.sparse as sps  # noqa: PLC0415

    o, t = idx.shape
    m = sps.csr_matrix((wts.ravel(), idx.ravel(), np.arange(0, o * t + 1, t)), shape=(o, n_in))
    m.sum_duplicates()
    return m


class _AxisMaps:
    """Host CSR matrices (float64) per trailing axis, with per-dtype/device copies made on first use.

    ``taps``: for interpolation maps of 1 or 2 axes, the fixed-width (idx, wts) taps per axis that the numba
    kernels apply directly (NOTE [ resample kernels ]); ``adjoint`` marks the transposed map."""

    __slots__ = ("mats", "_cache", "taps", "adjoint")

    def __init__(self, mats, taps=None, adjoint=False):
        self.mats = tuple(mats)
        self._cache = {}
        self.taps = taps
        self.adjoint = adjoint

    def kernel_taps(self, dtype):
        """(iy, wy, ix, wx) for the 2-d kernels in ``dtype`` (1-d maps get a one-row identity first axis)."""
        key = ("taps", dtype)
        got = self._cache.get(key)
        if got is None:
            taps = self.taps if len(self.taps) == 2 else ((np.zeros((1, 1), np.int64), np.ones((1, 1))),) + self.taps
            got = tuple(a for i, w in taps for a in (np.ascontiguousarray(i, np.int64),
                                                     np.ascontiguousarray(w, dtype)))
            self._cache[key] = got
        return got

    def get(self, xp, dtype):
        key = (id(xp), dtype)
        got = self._cache.get(key)
        if got is None:
            got = tuple(None if m is None else _to_xp(xp, m.astype(dtype)) for m in self.mats)
            self._cache[key] = got
        return got

    def transposed(self) -> "_AxisMaps":
        return _AxisMaps((None if m is None else m.T.tocsr() for m in self.mats), self.taps, not self.adjoint)


def _to_xp(xp, m):
    if xp is np:
        return m
    import cupyx.scipy.sparse as csp  # noqa: PLC0415

    return csp.csr_matrix(m)


class Separable(Op):
    """Apply one sparse matrix per trailing axis (NOTE [ separable axis maps ])."""

    compute_in_float32 = HALF  # scipy.sparse has no half types

    def forward(ctx, xp, x, maps):
        ctx.maps = maps
        if maps.taps is not None and xp is np and x.dtype.char in "fd" and x.size:
            return _resample_np(x, maps)
        mats = maps.get(xp, x.dtype)
        nsp = len(mats)
        if xp is np:
            return _apply_maps_np(x, mats)
        y = x
        for i, m in enumerate(mats):
            if m is None:
                continue
            ax = y.ndim - nsp + i
            moved = xp.moveaxis(y, ax, 0)
            rest = moved.shape[1:]
            r = m @ xp.ascontiguousarray(moved).reshape(moved.shape[0], -1)
            y = xp.moveaxis(xp.asarray(r).reshape((m.shape[0],) + rest), 0, ax)
        return xp.ascontiguousarray(y)

    def backward(ctx, g):
        return apply(Separable, g, maps=ctx.maps.transposed())


_KERNELS: list = []


def _resample_np(x, maps):
    """Separable on NumPy through the numba tap kernels (NOTE [ resample kernels ])."""
    if not _KERNELS:
        from . import _vision_kernels  # noqa: PLC0415  (numba is slow to import)

        _KERNELS.append(_vision_kernels)
    k = _KERNELS[0]
    iy, wy, ix, wx = maps.kernel_taps(x.dtype)
    nsp = len(maps.taps)
    lead = x.shape[:-nsp]
    x3 = np.ascontiguousarray(x).reshape((-1,) + ((1,) if nsp == 1 else x.shape[-2:-1]) + x.shape[-1:])
    if maps.adjoint:
        size = tuple(m.shape[0] for m in maps.mats)
        out = np.zeros((x3.shape[0],) + ((1,) if nsp == 1 else size[:1]) + size[-1:], x.dtype)
        k.resample2d_adjoint(x3, iy, wy, ix, wx, out)
    else:
        out = np.empty((x3.shape[0], len(iy), len(ix)), x.dtype)
        k.resample2d(x3, iy, wy, ix, wx, out)
    return out.reshape(lead + tuple(m.shape[0] for m in maps.mats))


def _gather_sum(y, ax, idx, wts, bshape):
    """sum_j take(y, idx[:, j], ax) * wts[:, j] (broadcast along ``ax``)."""
    if idx.shape[1] == 1 and (wts == 1).all():
        return np.take(y, idx[:, 0], axis=ax)
    acc = np.take(y, idx[:, 0], axis=ax) * wts[:, 0].reshape(bshape)
    for j in range(1, idx.shape[1]):
        acc += np.take(y, idx[:, j], axis=ax) * wts[:, j].reshape(bshape)
    return acc


def _apply_maps_np(x, mats):
    """NumPy Separable: each CSR map applied along its axis as gathers (``take``) of whole trailing blocks
    times per-row weights, with no moveaxis + contiguous copies, when every row has the same number of taps
    (interpolation and padding maps); ragged maps (the transposed ones of the backward) stay sparse products.
    Every stored entry is used exactly as the sparse product would (inf/NaN included)."""
    nsp = len(mats)
    y = x
    for i, m in enumerate(mats):
        if m is None:
            continue
        ax = y.ndim - nsp + i
        bshape = (-1,) + (1,) * (y.ndim - ax - 1)
        nnz = np.diff(m.indptr)
        counts = np.unique(nnz)
        if len(counts) == 1 and counts[0] > 0:
            t = int(counts[0])
            y = _gather_sum(y, ax, m.indices.reshape(-1, t), m.data.reshape(-1, t), bshape)
            continue
        # ragged rows (the transposed maps of the backward): one sparse product on the moved axis
        moved = np.moveaxis(y, ax, 0)
        r = m @ np.ascontiguousarray(moved).reshape(moved.shape[0], -1)
        y = np.moveaxis(np.asarray(r).reshape((m.shape[0],) + moved.shape[1:]), 0, ax)
    return np.ascontiguousarray(y)


def _separable(x: Tensor, taps, kernel: bool = False) -> Tensor:
    """taps: per trailing axis, None or (idx, wts, n_in); ``kernel``: the taps of 1 or 2 axes (all present)
    may be applied directly by the resample kernels (interpolation maps)."""
    # copies: the CSR constructor shares the tap arrays and sum_duplicates rewrites them
    kt = tuple((t[0].copy(), t[1].copy()) for t in taps) if kernel and len(taps) <= 2 and all(t is not None for t in taps) \
        else None
    return apply(Separable, x, maps=_AxisMaps((None if t is None else _csr(*t) for t in taps), kt))


def _adaptive_taps(size: int, out: int):
    o = np.arange(out)
    st, en = (o * size) // out, -((-(o + 1) * size) // out)
    k = int((en - st).max())
    idx = np.minimum(st[:, None] + np.arange(k)[None, :], size - 1)
    wts = ((st[:, None] + np.arange(k)[None, :]) < en[:, None]) / (en - st)[:, None]
    return idx, wts, size


# -- pad --------------------------------------------------------------------------------------------------
class ConstantPad(Op):
    """Constant padding with signed per-dim (lo, hi) pads (negative pads crop); its adjoint is the negation."""

    def forward(ctx, xp, x, pads, value):
        ctx.pads = pads
        nd = len(pads)
        sp = x.shape[-nd:] if nd else ()
        out_sp = tuple(s + l + h for s, (l, h) in zip(sp, pads))
        if any(o < 0 for o in out_sp):
            raise RuntimeError(f"The input size {sp[0]}, plus negative padding {pads[0][0]} and {pads[0][1]} "
                               f"resulted in a negative output size, which is invalid. Check dimension "
                               f"{x.ndim - nd} of your input.")
        out = xp.full(x.shape[:x.ndim - nd] + out_sp, value, dtype=x.dtype)
        src = tuple(slice(max(0, -l), s - max(0, -h)) for s, (l, h) in zip(sp, pads))
        dst = tuple(slice(max(0, l), max(0, l) + (sl.stop - sl.start)) for (l, h), sl in zip(pads, src))
        if all(sl.stop > sl.start for sl in src):
            out[(Ellipsis,) + dst] = x[(Ellipsis,) + src]
        return out

    def backward(ctx, g):
        return apply(ConstantPad, g, pads=tuple((-l, -h) for l, h in ctx.pads), value=0)


def _index_taps(idx, n_in):
    return idx[:, None], np.ones((idx.size, 1)), n_in


def _pad_index(size, lo, hi, mode):
    i = np.arange(-lo, size + hi)
    if mode == "replicate":
        return np.clip(i, 0, size - 1)
    if mode == "circular":
        return np.mod(i, size)
    # reflect (without repeating the edge)
    period = 2 * (size - 1) if size > 1 else 1
    i = np.mod(np.abs(i), period)
    return np.where(i >= size, period - i, i)


def pad(input: Tensor, pad, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last len(pad)//2 dims; pad = (left_last, right_last, left_prev, ...) (mirrors F.pad)."""
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    nd = len(pad) // 2
    if nd > input.ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input dimension but got "
                           f"padding length {len(pad)} and input of dimension {input.ndim}")
    pairs = tuple((pad[2 * (nd - 1 - i)], pad[2 * (nd - 1 - i) + 1]) for i in range(nd))
    if mode == "constant":
        return apply(ConstantPad, input, pads=pairs, value=0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f"Padding mode \"{mode}\" doesn't take in value argument")
    if nd > 3 or input.ndim < nd + 1 or input.ndim > nd + 2:
        raise NotImplementedError(f"Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now")
    sp = input.shape[-nd:]
    taps = []
    for d, (s, (lo, hi)) in enumerate(zip(sp, pairs)):
        dim = input.ndim - nd + d
        if mode == "reflect" and (lo >= s or hi >= s):
            raise RuntimeError(f"Argument #4: Padding size should be less than the corresponding input dimension, "
                               f"but got: padding ({lo}, {hi}) at dimension {dim} of input {list(input.shape)}")
        if mode == "circular" and (lo > s or hi > s):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if mode == "replicate" and s == 0 and (lo or hi):
            raise RuntimeError(f"padding size is expected to be less than the input size, but got input of size "
                               f"{list(input.shape)}")
        if lo < 0 or hi < 0:
            taps.append(_index_taps(np.arange(max(0, -lo), s - max(0, -hi)), s))
            if lo > 0 or hi > 0:
                raise NotImplementedError("mixed negative and positive non-constant padding is not supported")
        elif lo == 0 and hi == 0:
            taps.append(None)
        else:
            taps.append(_index_taps(_pad_index(s, lo, hi, mode), s))
    return _separable(input, taps)


# -- interpolate ------------------------------------------------------------------------------------------
_DIM_MODES = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}


def _src_index(scale, o, align_corners, cubic):
    if align_corners:
        return scale * o
    src = scale * (o + 0.5) - 0.5
    return src if cubic else np.maximum(src, 0.0)


def _axis_scale(n_in, n_out, align_corners, sf):
    if align_corners:
        return (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    return 1.0 / sf if (sf is not None and sf > 0) else n_in / n_out


def _interp_taps(mode, n_in, n_out, align_corners, sf, dtype):
    o = np.arange(n_out, dtype=np.float64)
    if mode in ("nearest", "nearest-exact"):
        # torch computes nearest's source index in float32
        scale = np.float32(1.0 / sf if (sf is not None and sf > 0) else n_in / n_out)
        of = o.astype(np.float32) + (np.float32(0.5) if mode == "nearest-exact" else np.float32(0))
        src = np.minimum(np.floor(of * scale).astype(np.int64), n_in - 1)
        return _index_taps(src, n_in)
    real = np.float32 if dtype == np.float32 else np.float64  # torch's opmath precision for the coordinates
    scale = real(_axis_scale(n_in, n_out, align_corners, sf))
    src = _src_index(scale, o.astype(real), align_corners, mode == "bicubic").astype(real)
    if mode == "bicubic":
        i0 = np.floor(src)
        t = (src - i0).astype(np.float64)
        a = -0.75

        def c1(x):
            return ((a + 2) * x - (a + 3)) * x * x + 1

        def c2(x):
            return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
        wts = np.stack([c2(t + 1), c1(t), c1(1 - t), c2(2 - t)], 1)
        idx = np.clip(i0.astype(np.int64)[:, None] + np.arange(-1, 3)[None, :], 0, n_in - 1)
        return idx, wts, n_in
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    lam = (src - i0).astype(np.float64)
    i1 = np.where(i0 < n_in - 1, i0 + 1, i0)
    return np.stack([i0, i1], 1), np.stack([1 - lam, lam], 1), n_in


def interpolate(input: Tensor, size=None, scale_factor=None, mode: str = "nearest", align_corners: bool | None = None,
                recompute_scale_factor: bool | None = None, antialias: bool = False) -> Tensor:
    """Resize the spatial dims (mirrors torch.nn.functional.interpolate)."""
    nsp = input.ndim - 2
    if nsp < 1 or nsp > 3:
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) "
                                  f"for the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
                                  f"nearest-exact (got {mode})")
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: linear | "
                             "bilinear | bicubic | trilinear")
    elif mode in _DIM_MODES:
        align_corners = bool(align_corners)
        if _DIM_MODES[mode] != nsp:
            raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {_DIM_MODES[mode] + 2}D "
                                      f"input")
    else:
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for "
                                  f"the modes: nearest | linear | bilinear | bicubic | trilinear | area | "
                                  f"nearest-exact (got {mode})")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    sp = input.shape[2:]
    if size is not None:
        osz = tuple(size) if isinstance(size, (list, tuple)) else (size,) * nsp
        if len(osz) != nsp:
            raise ValueError(f"Input and output must have the same number of spatial dimensions, but got input with "
                             f"spatial dimensions of {list(sp)} and output size of {list(osz)}. Please provide input "
                             f"tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.")
        osz = tuple(int(s) for s in osz)
        sfs = (None,) * nsp
    elif scale_factor is not None:
        sfs = tuple(scale_factor) if isinstance(scale_factor, (list, tuple)) else (scale_factor,) * nsp
        if len(sfs) != nsp:
            raise ValueError(f"Input and scale_factor must have the same number of spatial dimensions, but got input "
                             f"with spatial dimensions of {list(sp)} and scale_factor of shape {list(sfs)}.")
        osz = tuple(int(math.floor(float(s) * float(f))) for s, f in zip(sp, sfs))
        if recompute_scale_factor:
            sfs = (None,) * nsp
    else:
        raise ValueError("either size or scale_factor should be defined")
    if any(o <= 0 for o in osz):
        raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                           f"({', '.join(map(str, sp))}) and output ({', '.join(map(str, osz))})")
    if mode == "area":
        taps = [_adaptive_taps(s, o) for s, o in zip(sp, osz)]
    else:
        dt = input._data.dtype
        taps = [None if (mode in ("nearest", "nearest-exact") and s == o) else
                _interp_taps(mode, s, o, align_corners, f, dt) for s, o, f in zip(sp, osz, sfs)]
    return _separable(input, taps, kernel=True)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of interpolate."""
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated alias of interpolate(mode='nearest')."""
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated alias of interpolate(mode='bilinear', align_corners=True)."""
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# -- grid_sample / affine_grid ----------------------------------------------------------------------------
def _reflect(c, twice_low, twice_high):
    if twice_low == twice_high:
        return c * 0
    mn = twice_low / 2
    span = (twice_high - twice_low) / 2
    c = (c - mn).abs()
    extra = c.fmod(span)
    flips = (c / span).floor().detach()
    even = (flips.remainder(2) == 0)
    from ...ops.elementwise import where  # noqa: PLC0415

    return where(even, extra + mn, span - extra + mn)


def _fma_half_offset(a, half, xp):
    """round(a * half - 0.5) with one rounding, as torch's vectorised 2-D CPU sampler computes it (an FMA).

    ``half`` = size / 2 has few bits: a float32 product is exact in float64; a float64 one is split (Veltkamp)
    into two exact products and summed with a compensated (TwoSum) step.
    """
    if a.dtype == np.float32:
        return (a.astype(np.float64) * half - 0.5).astype(np.float32)
    c = 134217729.0 * a
    hi = c - (c - a)
    lo = a - hi
    p = hi * half
    s = p - 0.5
    bb = s - p
    err = (p - (s - bb)) + (-0.5 - bb)
    return s + (err + lo * half)


def _grid_coord(c, size, padding_mode, align_corners, fused=False):
    if align_corners:
        c = ((c + 1) / 2) * (size - 1)
    elif fused and c._data.dtype in (np.float32, np.float64):
        # torch's 2-D kernel: fma(c + 1, size / 2, -0.5); which side of a pixel centre a grid point lands on
        # decides the bilinear gradient there (identity-initialised spatial transformers sit exactly on them)
        a = c + 1
        c = a * (size / 2) - 0.5
        exact = _fma_half_offset(a._data, size / 2, np)
        c = c + Tensor._wrap(exact - c._data)
    else:
        c = ((c + 1) * size - 1) / 2
    if padding_mode == "reflection":
        c = _reflect(c, 0, 2 * (size - 1)) if align_corners else _reflect(c, -1, 2 * size - 1)
    if padding_mode in ("border", "reflection"):
        # torch counts the borders themselves as out of bounds: no gradient at c == 0 or c == size - 1
        from ...ops.elementwise import where  # noqa: PLC0415

        inside = Tensor._wrap((c._data > 0) & (c._data < size - 1))
        c = where(inside, c, c.detach().clamp(0, size - 1))
    return c


def grid_sample(input: Tensor, grid: Tensor, mode: str = "bilinear", padding_mode: str = "zeros",
                align_corners: bool | None = None) -> Tensor:
    """Sample input at grid locations in [-1, 1] (mirrors torch.nn.functional.grid_sample)."""
    from ._pool import GatherFlat  # noqa: PLC0415

    if mode not in ("bilinear", "nearest"):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but "
                         f"got: '{mode}'" if mode != "bicubic" else "grid_sample: bicubic mode is not supported")
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if input.ndim not in (4, 5) or grid.ndim != input.ndim:
        raise RuntimeError(f"grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but "
                           f"got input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    nsp = input.ndim - 2
    if grid.shape[0] != input.shape[0]:
        raise RuntimeError(f"grid_sampler(): expected grid and input to have same batch size, but got input with "
                           f"sizes {list(input.shape)} and grid with sizes {list(grid.shape)}")
    if grid.shape[-1] != nsp:
        raise RuntimeError(f"grid_sampler(): expected grid to have size {nsp} in last dimension, but got grid with "
                           f"sizes {list(grid.shape)}")
    if input.dtype != grid.dtype:
        raise RuntimeError(f"grid_sampler(): expected input and grid to have same dtype, but input has "
                           f"{input.dtype} and grid has {grid.dtype}")
    align_corners = bool(align_corners)
    n, c = input.shape[:2]
    sp = tuple(input.shape[2:])               # (D,) H, W
    osp = tuple(grid.shape[1:-1])
    P = 1
    for s in osp:
        P *= s
    g = grid.reshape(n, P, nsp)
    # grid's last axis is (x, y[, z]) = (W, H[, D]): coords[i] addresses spatial axis i
    coords = [_grid_coord(g[:, :, nsp - 1 - i], sp[i], padding_mode, align_corners, fused=nsp == 2)
              for i in range(nsp)]
    xf = input.reshape(n, c, -1)
    if mode == "nearest":
        flat, valid = 0, None
        for i, ci in enumerate(coords):
            r = np.rint(ci.detach()._data).astype(np.int64)
            ok = (r >= 0) & (r <= sp[i] - 1)
            valid = ok if valid is None else valid & ok
            flat = flat * sp[i] + np.clip(r, 0, sp[i] - 1)
        idx = np.broadcast_to(flat[:, None, :], (n, c, P))
        out = apply(GatherFlat, xf, idx=np.ascontiguousarray(idx), nsp=1)
        out = out * Tensor._wrap(valid[:, None, :].astype(input._data.dtype))
        return out.reshape((n, c) + osp)
    lows = [ci.detach().floor() for ci in coords]
    fr = [ci - lo for ci, lo in zip(coords, lows)]  # differentiable in the grid
    lo_i = [lo._data.astype(np.int64) for lo in lows]
    out = None
    for corner in range(2 ** nsp):
        bits = [(corner >> (nsp - 1 - i)) & 1 for i in range(nsp)]
        flat, valid, w = 0, None, None
        for i, b in enumerate(bits):
            ii = lo_i[i] + b
            ok = (ii >= 0) & (ii <= sp[i] - 1)
            valid = ok if valid is None else valid & ok
            flat = flat * sp[i] + np.clip(ii, 0, sp[i] - 1)
            wi = fr[i] if b else 1 - fr[i]
            w = wi if w is None else w * wi
        w = w * Tensor._wrap(valid.astype(input._data.dtype))
        idx = np.ascontiguousarray(np.broadcast_to(flat[:, None, :], (n, c, P)))
        term = apply(GatherFlat, xf, idx=idx, nsp=1) * w.unsqueeze(1)
        out = term if out is None else out + term
    return out.reshape((n, c) + osp)


def affine_grid(theta: Tensor, size, align_corners: bool | None = None) -> Tensor:
    """Sampling grid (N, H, W, 2) / (N, D, H, W, 3) for the affine maps theta (mirrors F.affine_grid)."""
    size = tuple(int(s) for s in size)
    align_corners = bool(align_corners)
    if len(size) == 4:
        if theta.ndim != 3 or tuple(theta.shape[1:]) != (2, 3):
            raise ValueError(f"Expected a batch of 2D affine matrices of shape Nx2x3 for size {list(size)}. Got "
                             f"{list(theta.shape)}.")
    elif len(size) == 5:
        if theta.ndim != 3 or tuple(theta.shape[1:]) != (3, 4):
            raise ValueError(f"Expected a batch of 3D affine matrices of shape Nx3x4 for size {list(size)}. Got "
                             f"{list(theta.shape)}.")
    else:
        raise NotImplementedError(f"affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
                                  f"respectively. Got size {list(size)}.")
    if min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {list(size)}")
    if size[0] != theta.shape[0]:
        raise ValueError(f"Expected theta batch size {theta.shape[0]} to match size[0] {size[0]}")
    sp = size[2:]

    dt = theta._data.dtype

    def lin(s):
        # torch's linspace bits, scaled in theta's dtype: grid points then fall on the same side of pixel centres
        if s <= 1:
            return np.zeros(1, dtype=dt)
        v = _torch_linspace(np, -1.0, 1.0, s, dt) if dt in (np.float32, np.float64) else np.linspace(-1.0, 1.0, s)
        v = v.astype(dt)
        return v if align_corners else v * dt.type(s - 1) / dt.type(s)
    mesh = np.meshgrid(*[lin(s) for s in sp], indexing="ij")  # each (D,) H, W
    comps = [mesh[len(sp) - 1 - i] for i in range(len(sp))] + [np.ones(sp, dtype=dt)]  # x (W), y (H)[, z (D)], 1
    base = np.stack(comps, -1).reshape(1, -1, len(sp) + 1).astype(dt)
    bt = Tensor._wrap(base if theta.is_cpu else theta._data.__array_namespace__().asarray(base))
    grid = bt @ theta.transpose(1, 2)
    return grid.reshape((size[0],) + sp + (len(sp),))


# -- pixel / channel shuffle ------------------------------------------------------------------------------
def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C*r^2, H, W) -> (*, C, H*r, W*r) (mirrors torch.nn.functional.pixel_shuffle)."""
    r = int(upscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f"upscale_factor, but input.size(-3)={c} is not divisible by {r * r}")
    oc = c // (r * r)
    nl = len(lead)
    x = input.reshape(tuple(lead) + (oc, r, r, h, w))
    x = x.permute(tuple(range(nl)) + (nl, nl + 3, nl + 1, nl + 4, nl + 2))
    return x.reshape(tuple(lead) + (oc, h * r, w * r))


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H*r, W*r) -> (*, C*r^2, H, W) (mirrors torch.nn.functional.pixel_unshuffle)."""
    r = int(downscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    *lead, c, h, w = input.shape
    if h % r or w % r:
        raise RuntimeError(f"pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)="
                           f"{h} is not divisible by {r}" if h % r else
                           f"pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)="
                           f"{w} is not divisible by {r}")
    nl = len(lead)
    x = input.reshape(tuple(lead) + (c, h // r, r, w // r, r))
    x = x.permute(tuple(range(nl)) + (nl, nl + 2, nl + 4, nl + 1, nl + 3))
    return x.reshape(tuple(lead) + (c * r * r, h // r, w // r))


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """Rearrange channels (N, g*k, *) -> (N, k*g, *) (mirrors torch.nn.functional.channel_shuffle)."""
    if input.ndim < 3:
        raise RuntimeError(f"channel_shuffle expects input to have at least 3 dimensions, but got input with "
                           f"{input.ndim} dimension(s)")
    g = int(groups)
    if g <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of groups:{g}")
    n, c = input.shape[:2]
    if c % g:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels and {g} groups.")
    rest = tuple(input.shape[2:])
    return input.reshape((n, g, c // g) + rest).transpose(1, 2).reshape((n, c) + rest)
