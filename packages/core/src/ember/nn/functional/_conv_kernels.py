"""Numba kernels for depthwise convolution (NumPy arrays only; imported lazily by ``_conv`` when numba is present).

NOTE [ depthwise kernels ]: with one input channel per group (``groups == in_channels``, MobileNet-style), the
im2col + batched matmul route degenerates into thousands of (1 x k*k) @ (k*k x L) products plus a k*k-times
larger im2col copy. These kernels do the direct computation instead, one pass over the padded input per
kernel position with the innermost loop along the output row (contiguous for stride 1, so it vectorises).
All three work on a padded 4-D layout (N, C, Hp, Wp); 1-D convolutions use H = 1. Output channel ``oc`` reads
input channel ``oc // m`` (``m`` = channel multiplier). The weight gradient sums each output column over
one sample in the arrays' dtype and the rest in float64 (accuracy on par with a float32 GEMM).
No ``fastmath``: results keep IEEE semantics.
"""
from __future__ import annotations

import numba as nb
import numpy as np

__all__ = ["dw_forward", "dw_input_grad", "dw_weight_grad"]


@nb.njit(cache=True, nogil=True)
def dw_forward(xp, w, out, m, sh, sw, dh, dw):  # pragma: no cover - compiled
    """out[n, oc, i, j] = sum_{a,b} w[oc, a, b] * xp[n, oc // m, i*sh + a*dh, j*sw + b*dw]."""
    N, OC, OH, OW = out.shape
    KH, KW = w.shape[1], w.shape[2]
    for n in range(N):
        for oc in range(OC):
            c = oc // m
            o = out[n, oc]
            x = xp[n, c]
            o[:, :] = 0
            for a in range(KH):
                for b in range(KW):
                    wv = w[oc, a, b]
                    off = b * dw
                    for i in range(OH):
                        r = i * sh + a * dh
                        if sw == 1:  # unit stride: row views indexed by j >= 0 (no wraparound) vectorise
                            orow = o[i]
                            xr = x[r, off:]
                            for j in range(OW):
                                orow[j] += wv * xr[j]
                        else:
                            for j in range(OW):
                                o[i, j] += wv * x[r, j * sw + off]


@nb.njit(cache=True, nogil=True)
def dw_input_grad(g, w, gxp, m, sh, sw, dh, dw):  # pragma: no cover - compiled
    """Adjoint of ``dw_forward`` in its input: gxp (zeroed here) += scatter of w * g over the windows."""
    N, OC, OH, OW = g.shape
    KH, KW = w.shape[1], w.shape[2]
    gxp[:] = 0
    for n in range(N):
        for oc in range(OC):
            c = oc // m
            gg = g[n, oc]
            gx = gxp[n, c]
            for a in range(KH):
                for b in range(KW):
                    wv = w[oc, a, b]
                    off = b * dw
                    for i in range(OH):
                        r = i * sh + a * dh
                        if sw == 1:
                            gr = gg[i]
                            xr = gx[r, off:]
                            for j in range(OW):
                                xr[j] += wv * gr[j]
                        else:
                            for j in range(OW):
                                gx[r, j * sw + off] += wv * gg[i, j]


@nb.njit(cache=True, nogil=True)
def dw_weight_grad(xp, g, gw, m, sh, sw, dh, dw):  # pragma: no cover - compiled
    """gw[oc, a, b] = sum_{n,i,j} g[n, oc, i, j] * xp[n, oc // m, i*sh + a*dh, j*sw + b*dw]."""
    N, OC, OH, OW = g.shape
    KH, KW = gw.shape[1], gw.shape[2]
    acc = np.empty(OW, g.dtype)  # per-lane partial sums: the j loop vectorises (no serial reduction chain)
    for oc in range(OC):
        c = oc // m
        for a in range(KH):
            for b in range(KW):
                tot = 0.0
                for n in range(N):
                    gg = g[n, oc]
                    x = xp[n, c]
                    acc[:] = 0
                    off = b * dw
                    for i in range(OH):
                        r = i * sh + a * dh
                        if sw == 1:
                            gr = gg[i]
                            xr = x[r, off:]
                            for j in range(OW):
                                acc[j] += gr[j] * xr[j]
                        else:
                            for j in range(OW):
                                acc[j] += gg[i, j] * x[r, j * sw + off]
                    for j in range(OW):
                        tot += acc[j]
                gw[oc, a, b] = tot
