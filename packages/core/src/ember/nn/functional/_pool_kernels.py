"""Numba kernels for max pooling and flat scatter (NumPy float arrays only; imported lazily by ``_pool``).

NOTE [ pool kernels ]: max pooling over (P, H, W) planes (P = N*C; 1-d pooling is the H = 1 case) takes the
max and its flat index in one pass per window, with torch's CPU rule ``val > max or isnan(val)``: the first
maximum wins ties, a NaN propagates and the last NaN's index is kept; a window of -inf points at its first
valid element. The scatter kernel is the adjoint (gradient of max pooling, max_unpool): each plane owns its
output slice, so the loop over planes needs no atomics, and repeated indices (overlapping windows) add up.
"""
from __future__ import annotations

import math

import numba as nb


__all__ = ["max_pool2d_fwd", "scatter_add_planes"]

from ._numba import KERNEL_OPTS as _PAR  # noqa: E402  (NOTE [ numba threads ])


@nb.njit(**_PAR)
def max_pool2d_fwd(x, val, idx, kh, kw, sh, sw, ph, pw, dh, dw):  # pragma: no cover - compiled
    """val/idx (P, OH, OW): max of each window of x (P, H, W) and its flat index ih * W + iw."""
    P, H, W = x.shape
    _, OH, OW = val.shape
    ninf = -math.inf
    for p in range(P):
        xp = x[p]
        for oh in range(OH):
            h0 = oh * sh - ph
            hs = h0
            while hs < 0:
                hs += dh
            he = min(h0 + (kh - 1) * dh + 1, H)
            for ow in range(OW):
                w0 = ow * sw - pw
                ws = w0
                while ws < 0:
                    ws += dw
                we = min(w0 + (kw - 1) * dw + 1, W)
                best = ninf
                bi = hs * W + ws
                for ih in range(hs, he, dh):
                    row = xp[ih]
                    for iw in range(ws, we, dw):
                        v = row[iw]
                        if v > best or math.isnan(v):
                            best = v
                            bi = ih * W + iw
                val[p, oh, ow] = best
                idx[p, oh, ow] = bi


@nb.njit(**_PAR)
def scatter_add_planes(g, idx, out):  # pragma: no cover - compiled
    """out[p, idx[p, j]] += g[p, j] for planes g/idx (P, M) and a zeroed out (P, L)."""
    P, M = g.shape
    for p in range(P):
        gp, ip, op = g[p], idx[p], out[p]
        for j in range(M):
            op[ip[j]] += gp[j]
