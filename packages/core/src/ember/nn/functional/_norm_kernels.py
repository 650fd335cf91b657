"""Numba kernels for row-wise normalisation (layer_norm-style; NumPy arrays only, imported lazily by ``_norm``).

NOTE [ row norm kernels ]: when the normalised axes are the trailing ones of a contiguous input and the affine
weight spans exactly those axes, ``Normalize`` is a per-row operation on an (R, D) matrix. NumPy needs about
six full passes over memory in forward and a dozen in backward; these kernels do one read + one write per
pass with each row in cache. Sums accumulate in float64; ``fastmath={"reassoc"}`` lets LLVM vectorise those
reductions (a different summation order, like NumPy's pairwise sum) while inf/NaN semantics stay IEEE.
"""
from __future__ import annotations

import math

import numba as nb
import numpy as np

__all__ = ["row_norm_fwd", "row_norm_bwd"]

_FM = {"reassoc"}


@nb.njit(cache=True, nogil=True, fastmath=_FM)
def row_norm_fwd(x, w, b, eps, y, mean, invstd):  # pragma: no cover - compiled
    """y = (x - mean_row) * invstd_row [* w] [+ b] over the rows of x (R, D); writes mean/invstd (R,)."""
    R, D = x.shape
    for r in range(R):
        xr = x[r]
        s = 0.0
        for j in range(D):
            s += xr[j]
        m = s / D
        v = 0.0
        for j in range(D):
            d = xr[j] - m
            v += d * d
        inv = 1.0 / math.sqrt(v / D + eps)
        mean[r] = m  # stored in x's dtype, read back so the row maths below stays in that dtype
        invstd[r] = inv
        mc, ic = mean[r], invstd[r]
        yr = y[r]
        if w is None:
            for j in range(D):
                yr[j] = (xr[j] - mc) * ic
        else:
            for j in range(D):
                yr[j] = (xr[j] - mc) * ic * w[j]
        if b is not None:
            for j in range(D):
                yr[j] += b[j]


@nb.njit(cache=True, nogil=True, fastmath=_FM)
def row_norm_bwd(g, x, w, mean, invstd, gx, gw, gb):  # pragma: no cover - compiled
    """gx = invstd * (gh - mean(gh) - xhat * mean(gh * xhat)) with gh = g [* w]; gw += sum g*xhat, gb += sum g
    (gw/gb are float64 accumulators; gx None skips the input gradient)."""
    R, D = x.shape
    tmp = np.empty(2, x.dtype)  # casts the float64 row sums to x's dtype
    for r in range(R):
        xr, gr = x[r], g[r]
        m, inv = mean[r], invstd[r]
        s1 = 0.0
        s2 = 0.0
        for j in range(D):
            xh = (xr[j] - m) * inv
            gh = gr[j] if w is None else gr[j] * w[j]
            s1 += gh
            s2 += gh * xh
            if gw is not None:
                gw[j] += gr[j] * xh
            if gb is not None:
                gb[j] += gr[j]
        if gx is not None:
            tmp[0] = s1 / D
            tmp[1] = s2 / D
            a, c = tmp[0], tmp[1]
            gxr = gx[r]
            for j in range(D):
                xh = (xr[j] - m) * inv
                gh = gr[j] if w is None else gr[j] * w[j]
                gxr[j] = inv * (gh - a - xh * c)
