"""Numba kernels for 2-d tap resampling (NumPy float arrays only; imported lazily by ``_vision``).

NOTE [ resample kernels ]: interpolate's per-axis maps have a fixed number of taps per output index (1 for
nearest, 2 for linear, 4 for cubic). On (P, H, W) planes (1-d inputs use H = 1) the forward evaluates
``y[oh, ow] = sum_t wy[oh, t] * sum_u wx[ow, u] * x[iy[oh, t], ix[ow, u]]`` directly (torch's order for
bilinear) and the adjoint scatters ``g * wy * wx`` back to the same taps, plane by plane, each plane
writing only its own output, with no temporaries.
"""
from __future__ import annotations

import numba as nb


__all__ = ["resample2d", "resample2d_adjoint"]

from ._numba import KERNEL_OPTS as _PAR  # noqa: E402  (NOTE [ numba threads ])


@nb.njit(**_PAR)
def resample2d(x, iy, wy, ix, wx, y):  # pragma: no cover - compiled
    """y (P, OH, OW) from x (P, H, W) through the row taps (iy, wy: (OH, Ty)) and column taps (OW, Tx)."""
    P = x.shape[0]
    OH, Ty = iy.shape
    OW, Tx = ix.shape
    for p in range(P):
        for oh in range(OH):
            yr = y[p, oh]
            yr[:] = 0
            for t in range(Ty):
                a = wy[oh, t]
                row = x[p, iy[oh, t]]
                for ow in range(OW):
                    s = wx[ow, 0] * row[ix[ow, 0]]
                    for u in range(1, Tx):
                        s += wx[ow, u] * row[ix[ow, u]]
                    yr[ow] += a * s


@nb.njit(**_PAR)
def resample2d_adjoint(g, iy, wy, ix, wx, gx):  # pragma: no cover - compiled
    """The adjoint of ``resample2d``: gx (P, H, W), zeroed by the caller, += each g (P, OH, OW) spread over
    its taps."""
    P = g.shape[0]
    OH, Ty = iy.shape
    OW, Tx = ix.shape
    for p in range(P):
        for oh in range(OH):
            gr = g[p, oh]
            for t in range(Ty):
                a = wy[oh, t]
                row = gx[p, iy[oh, t]]
                for ow in range(OW):
                    v = a * gr[ow]
                    for u in range(Tx):
                        row[ix[ow, u]] += wx[ow, u] * v
