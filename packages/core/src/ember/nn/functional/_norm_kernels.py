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


__all__ = ["row_norm_fwd", "row_norm_bwd", "chan_norm_fwd", "chan_norm_bwd"]

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


# NOTE [ channel norm kernels ]: batch_norm / instance_norm normalise an (N, C, S) view per channel c over
# (N, S). The channel's slice is small enough to stay in cache across the passes, so each kernel reads the
# input from memory about once (single-threaded: NOTE [ numba threads ] in _numba.py).
# Statistics accumulate in float64; the elementwise passes use torch's per-channel alpha/beta form.
from ._numba import KERNEL_OPTS as _PAR  # noqa: E402  (NOTE [ numba threads ])


@nb.njit(fastmath=_FM, **_PAR)
def chan_norm_fwd(x, w, b, eps, y, mean, var, invstd):  # pragma: no cover - compiled
    """Per channel c of x (N, C, S): y = (x - mean_c) * invstd_c [* w_c] [+ b_c]; writes mean/var
    (biased)/invstd (C,) in x's dtype. w/b are (C,) or None."""
    N, C, S = x.shape
    cnt = N * S
    for c in range(C):
        s = 0.0
        for n in range(N):
            xr = x[n, c]
            for j in range(S):
                s += xr[j]
        m = s / cnt
        v = 0.0
        for n in range(N):
            xr = x[n, c]
            for j in range(S):
                d = xr[j] - m
                v += d * d
        v /= cnt
        inv = 1.0 / math.sqrt(v + eps)
        mean[c] = m
        var[c] = v
        invstd[c] = inv
        a = inv if w is None else inv * w[c]
        bb = -m * a if b is None else b[c] - m * a
        alpha = y.dtype.type(a)
        beta = y.dtype.type(bb)
        for n in range(N):
            xr, yr = x[n, c], y[n, c]
            for j in range(S):
                yr[j] = xr[j] * alpha + beta


@nb.njit(fastmath=_FM, **_PAR)
def chan_norm_bwd(g, x, w, mean, invstd, gx, sg, sgx):  # pragma: no cover - compiled
    """Closed-form batch-norm gradient per channel: sg_c = sum g, sgx_c = sum g * xhat (float64, always
    written: they are gb and gw); gx = (g - sg/n - (x - m) * k) * invstd [* w] with k = sum(g (x-m)) invstd^2 / n
    (torch's formula); gx None skips the input gradient."""
    N, C, S = x.shape
    cnt = N * S
    for c in range(C):
        m = mean[c]
        s1 = 0.0
        s2 = 0.0
        for n in range(N):
            xr, gr = x[n, c], g[n, c]
            for j in range(S):
                s1 += gr[j]
                s2 += gr[j] * (xr[j] - m)
        inv = np.float64(invstd[c])
        sg[c] = s1
        sgx[c] = s2 * inv
        if gx is not None:
            t = x.dtype.type
            mc = t(m)
            gm = t(s1 / cnt)
            k = t(s2 * inv * inv / cnt)
            iw = t(inv if w is None else inv * w[c])
            for n in range(N):
                xr, gr, gxr = x[n, c], g[n, c], gx[n, c]
                for j in range(S):
                    gxr[j] = (gr[j] - gm - (xr[j] - mc) * k) * iw
