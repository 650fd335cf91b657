"""Numba kernels for depthwise convolution (NumPy arrays only; imported lazily by ``_conv`` when numba is present).

NOTE [ depthwise kernels ]: with one input channel per group (``groups == in_channels``, MobileNet-style), the
im2col + batched matmul route degenerates into thousands of (1 x k*k) @ (k*k x L) products plus a k*k-times
larger im2col copy. These kernels do the direct computation instead, one pass over the padded input per
kernel position with the innermost loop along the output row (contiguous for stride 1, so it vectorises).
All three work on a padded 4-D layout (N, C, Hp, Wp); 1-D convolutions use H = 1. Output channel ``oc`` reads
input channel ``oc // m`` (``m`` = channel multiplier). The weight gradient sums each output column over
one sample in the arrays' dtype and the rest in float64 (accuracy on par with a float32 GEMM).
No ``fastmath``: results keep IEEE semantics.

NOTE [ im2col kernels ]: for plain (and grouped) convolutions the GEMM does the arithmetic; what is left is
building the im2col matrix and its adjoint, col2im. NumPy's strided-view copy moves runs of one output row
and needs a separately padded input; ``im2col`` writes the windows straight from the unpadded input (zeros
where a window hangs over the border) and ``col2im`` scatter-adds them back, both split over the (n, c)
planes. ``cols`` is an
(N, C*KH*KW, OH*OW) view: contiguous for the per-sample layout or a transposed view of a (C*K, N, L) buffer
for the batch-last one (NOTE [ im2col layout ] in _conv.py). Each plane writes only its own rows / its own
output plane.
"""
from __future__ import annotations


import numba as nb
import numpy as np

__all__ = ["dw_forward", "dw_input_grad", "dw_weight_grad", "im2col", "col2im"]


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


@nb.njit(inline="always")
def _span(n_out, n_in, s, off):  # pragma: no cover - compiled
    """The range [j0, j1) of output positions j with 0 <= j*s + off < n_in."""
    j0 = 0 if off >= 0 else (-off + s - 1) // s
    j1 = 0 if n_in - off <= 0 else (n_in - off - 1) // s + 1
    return min(j0, n_out), max(min(j1, n_out), min(j0, n_out))


@nb.njit(cache=True, nogil=True)
def im2col(x, cols, KH, KW, OH, OW, sh, sw, ph, pw, dh, dw):  # pragma: no cover - compiled
    """cols[n, (c*KH + a)*KW + b, i*OW + j] = x[n, c, i*sh - ph + a*dh, j*sw - pw + b*dw] (0 outside x)."""
    N, C, H, W = x.shape
    for t in range(N * C):
        n = t // C
        c = t - n * C
        xc = x[n, c]
        for a in range(KH):
            i0, i1 = _span(OH, H, sh, a * dh - ph)
            for b in range(KW):
                row = cols[n, (c * KH + a) * KW + b]
                off = b * dw - pw
                j0, j1 = _span(OW, W, sw, off)
                for i in range(OH):
                    base = i * OW
                    if i < i0 or i >= i1:
                        for j in range(OW):
                            row[base + j] = 0
                        continue
                    xr = xc[i * sh - ph + a * dh]
                    for j in range(j0):
                        row[base + j] = 0
                    if sw == 1:
                        for j in range(j0, j1):
                            row[base + j] = xr[j + off]
                    else:
                        for j in range(j0, j1):
                            row[base + j] = xr[j * sw + off]
                    for j in range(j1, OW):
                        row[base + j] = 0


@nb.njit(cache=True, nogil=True)
def col2im(cols, y, KH, KW, IH, IW, sh, sw, ph, pw, dh, dw):  # pragma: no cover - compiled
    """Adjoint of ``im2col``: y (N, C, H, W) = zeros + scatter-add of cols (N, C*KH*KW, IH*IW)."""
    N, C, H, W = y.shape
    for t in range(N * C):
        n = t // C
        c = t - n * C
        yc = y[n, c]
        yc[:, :] = 0
        for a in range(KH):
            i0, i1 = _span(IH, H, sh, a * dh - ph)
            for b in range(KW):
                row = cols[n, (c * KH + a) * KW + b]
                off = b * dw - pw
                j0, j1 = _span(IW, W, sw, off)
                for i in range(i0, i1):
                    base = i * IW
                    yr = yc[i * sh - ph + a * dh]
                    if sw == 1:
                        for j in range(j0, j1):
                            yr[j + off] += row[base + j]
                    else:
                        for j in range(j0, j1):
                            yr[j * sw + off] += row[base + j]
