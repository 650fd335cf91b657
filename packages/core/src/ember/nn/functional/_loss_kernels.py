"""Numba kernels for the row-wise (N, C) cross entropy (NumPy float arrays only; imported lazily by ``_loss``).

NOTE [ cross entropy kernels ]: the class-index cross entropy of an (N, C) batch is a max-shifted exp per row
plus a few per-row reductions. ``exp`` stays in NumPy (its SIMD exp is several times faster than numba's
scalar libm call); everything around it runs in these single-pass row kernels (NOTE [ numba threads ]): the row
shift (plus the shifted logit of each target) before the exp, the float64 row sums of the exponentials
after it, and in backward the softmax scaling ``e * factor_row`` (the target column is fixed up by the
caller). NaN propagates as in NumPy: a row holding NaN has a NaN max and so NaN everywhere.
"""
from __future__ import annotations

import numba as nb


__all__ = ["row_shift", "row_sums", "row_scale"]

from ._numba import KERNEL_OPTS as _PAR  # noqa: E402  (NOTE [ numba threads ])


@nb.njit(**_PAR)
def row_shift(x, mx, ts, e, picked):  # pragma: no cover - compiled
    """e = x - mx[r] per row (mx: the row maxima; NumPy's SIMD max is faster than a NaN-aware numba loop);
    picked[r] = e[r, ts[r]]."""
    R, C = x.shape
    for r in range(R):
        xr, er = x[r], e[r]
        m = mx[r]
        for j in range(C):
            er[j] = xr[j] - m
        picked[r] = er[ts[r]]


@nb.njit(fastmath={"reassoc"}, **_PAR)
def row_sums(e, out):  # pragma: no cover - compiled
    """out[r] = sum_j e[r, j] accumulated in float64."""
    R, C = e.shape
    for r in range(R):
        er = e[r]
        s = 0.0
        for j in range(C):
            s += er[j]
        out[r] = s


@nb.njit(**_PAR)
def row_scale(e, f, out):  # pragma: no cover - compiled
    """out[r, :] = e[r, :] * f[r]."""
    R, C = e.shape
    for r in range(R):
        er, orow = e[r], out[r]
        a = f[r]
        for j in range(C):
            orow[j] = er[j] * a
