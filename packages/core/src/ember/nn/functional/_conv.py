"""Convolutions (conv1d/2d/3d, conv_transpose1d/2d/3d) and unfold/fold, via im2col on strided views.

NOTE [ conv as three ops ]: every convolution is built from three N-d ops that are each other's adjoints:
  * ``Conv(x, w, b)``: im2col windows of the padded input (a strided view, copied once) times the weight
    matrix, one batched matmul per call;
  * ``ConvTranspose(x, w, b)``: weight^T times the input, then col2im (a loop over the kernel positions with
    strided slice-adds, never over pixels);
  * ``ConvWeight(x, g)``: the weight gradient, one matmul of the gradient with the im2col windows.
Conv's backward is (ConvTranspose, ConvWeight), ConvTranspose's is (Conv, ConvWeight) and ConvWeight's is
(ConvTranspose, Conv), so gradients of any order stay inside these three fused ops. Padding is carried as
the left pad ``lo`` per dim plus an explicit output size: the right pad is whatever the windows need, which
also covers asymmetric 'same' padding and output_padding.

NOTE [ stride-1 transpose ]: with unit stride, ConvTranspose(x, w) equals Conv(x, w') where w' swaps the
in/out channels of w (per group) and flips it in space, with left pad d*(k-1) - lo. That turns the input
gradient of every stride-1 convolution into a forward-style im2col + GEMM (contraction over C*K, a small
output) instead of a GEMM that writes the large (C*K, L) column matrix and a col2im pass that reads it back.
"""
from __future__ import annotations

import itertools

import numpy as np

from ..._tensor import Tensor
from ...ops._op import HALF, Op, apply

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
           "unfold", "fold"]


# -- shared helpers (also used by pooling) ----------------------------------------------------------------
def _ntuple(v, n: int, name: str = "value") -> tuple:
    """Expand an int (or 1-tuple) to an n-tuple of ints, torch style."""
    if isinstance(v, (list, tuple)):
        if len(v) == 1 and n > 1:
            return tuple(int(v[0]) for _ in range(n))
        if len(v) != n:
            raise RuntimeError(f"expected {name} to be a single integer value or a list of {n} values to match "
                               f"the convolution dimensions, but got {name}={list(v)}")
        return tuple(int(x) for x in v)
    return (int(v),) * n


def _prod(t) -> int:
    p = 1
    for x in t:
        p *= int(x)
    return p


def _as_strided(xp, a, shape, strides):
    if xp is np:
        return np.lib.stride_tricks.as_strided(a, shape, strides, writeable=False)
    return xp.lib.stride_tricks.as_strided(a, shape, strides)


def _pad_for(xp, x, lo, need, value=0):
    """Pad the trailing spatial dims of ``x``: ``lo`` on the left, on the right what reaching ``need`` requires."""
    nsp = len(lo)
    sp = x.shape[-nsp:]
    hi = [max(0, n - l - s) for n, l, s in zip(need, lo, sp)]
    if not any(lo) and not any(hi):
        return x
    out = xp.full(x.shape[:-nsp] + tuple(s + l + h for s, l, h in zip(sp, lo, hi)), value, dtype=x.dtype)
    out[(Ellipsis,) + tuple(slice(l, l + s) for l, s in zip(lo, sp))] = x
    return out


def _windows(xp, xpad, ksize, out, stride, dil, kernel_first=True):
    """Strided view of sliding windows over the trailing dims: (..., *K, *O) (or (..., *O, *K))."""
    nsp = len(ksize)
    st = xpad.strides
    lead, lead_st = xpad.shape[:-nsp], st[:-nsp]
    sp_st = st[-nsp:]
    k_shape, k_st = tuple(ksize), tuple(s * d for s, d in zip(sp_st, dil))
    o_shape, o_st = tuple(out), tuple(s * t for s, t in zip(sp_st, stride))
    if kernel_first:
        return _as_strided(xp, xpad, lead + k_shape + o_shape, lead_st + k_st + o_st)
    return _as_strided(xp, xpad, lead + o_shape + k_shape, lead_st + o_st + k_st)


def _needed(out, ksize, stride, dil):
    return [(o - 1) * s + d * (k - 1) + 1 for o, k, s, d in zip(out, ksize, stride, dil)]


def _col2im(xp, cols, ksize, insize, stride, dil, lo, out, batch_last=False):
    """Adjoint of windowing: cols (B, *K, *I[, N]) scatter-added into (B, *out[, N]) shifted by ``lo`` (the crop).

    ``batch_last`` keeps a trailing batch axis so each of the kh*kw slice-adds moves long contiguous runs.
    """
    nsp = len(ksize)
    full = [max(n, l + o) for n, l, o in zip(_needed(insize, ksize, stride, dil), lo, out)]
    tail = cols.shape[-1:] if batch_last else ()
    lead = cols.shape[:cols.ndim - 2 * nsp - len(tail)]
    buf = xp.zeros(lead + tuple(full) + tail, dtype=cols.dtype)
    pre = (slice(None),) * len(lead)
    for kpos in itertools.product(*[range(k) for k in ksize]):
        dst = pre + tuple(slice(k * d, k * d + s * (i - 1) + 1, s) for k, d, s, i in zip(kpos, dil, stride, insize))
        buf[dst] += cols[pre + kpos]
    if all(l == 0 and f == o for l, f, o in zip(lo, full, out)):
        return buf
    return buf[pre + tuple(slice(l, l + o) for l, o in zip(lo, out))]


def _batch_last(out, limit: int = 15) -> bool:
    # NOTE [ im2col layout ]: with short output rows the (N, CK, L) im2col copy moves runs of a few elements
    # and the per-sample GEMMs are small. Putting the batch axis last makes the runs out_w*N long and the
    # matmul a single GEMM; for the forward (groups=1) the channels-last layout does better still: runs of
    # C*kw elements and one (N*L, C*K) @ (C*K, OC) GEMM.
    return out[-1] <= limit


def _im2col(xp, x, ksize, out, stride, lo, dil, batch_last):
    """(N, C, *S) -> (N, C*K, L) or, batch last, (C*K, L*N)."""
    n, c = x.shape[:2]
    ck, L = c * _prod(ksize), _prod(out)
    if batch_last:
        xt = xp.ascontiguousarray(xp.moveaxis(x, 0, -1))
        xt = _pad_for_last(xp, xt, lo, _needed(out, ksize, stride, dil))
        st = xt.strides
        nsp = len(ksize)
        sp_st = st[1:1 + nsp]
        win = _as_strided(xp, xt, (c,) + tuple(ksize) + tuple(out) + (n,),
                          (st[0],) + tuple(s * d for s, d in zip(sp_st, dil)) +
                          tuple(s * t for s, t in zip(sp_st, stride)) + (st[-1],))
        return win.reshape(ck, L * n)
    xpad = _pad_for(xp, x, lo, _needed(out, ksize, stride, dil))
    return _windows(xp, xpad, ksize, out, stride, dil).reshape(n, ck, L)


def _pad_for_last(xp, x, lo, need):
    """_pad_for on (C, *S, N): pads the middle spatial dims."""
    nsp = len(lo)
    sp = x.shape[1:1 + nsp]
    hi = [max(0, n - l - s) for n, l, s in zip(need, lo, sp)]
    if not any(lo) and not any(hi):
        return x
    out = xp.zeros((x.shape[0],) + tuple(s + l + h for s, l, h in zip(sp, lo, hi)) + (x.shape[-1],), x.dtype)
    out[(slice(None),) + tuple(slice(l, l + s) for l, s in zip(lo, sp))] = x
    return out


def _needs(ctx, i: int) -> bool:
    """Whether input ``i`` of the node needs a gradient (torch's needs_input_grad)."""
    return ctx.next_functions[i] is not None


# -- depthwise fast path (NOTE [ depthwise kernels ] in _conv_kernels.py) ---------------------------------
_DW: list = []


def _dw(xp, x, nsp):
    """The numba depthwise kernels for 1-D/2-D float32/float64 NumPy arrays, else None (generic path)."""
    if xp is not np or nsp > 2 or x.dtype.char not in "fd":
        return None
    if not _DW:
        try:
            from . import _conv_kernels as k  # noqa: PLC0415  (numba is optional and slow to import)
        except ImportError:
            k = None
        _DW.append(k)
    return _DW[0]


def _as4d(a, nsp):
    """(N, C, L) -> (N, C, 1, L) so the 2-D kernels serve 1-D convolutions."""
    return np.ascontiguousarray(a if nsp == 2 else a[:, :, None, :])


def _hw(t, nsp, one=1):
    """A per-dim parameter as its 2-D (h, w) pair."""
    return tuple(t) if nsp == 2 else (one,) + tuple(t)


def _dw_conv(k, x, w, stride, lo, dil, out):
    """Depthwise Conv forward: x (N, C, *S), w (C*m, 1, *K) -> (N, C*m, *out)."""
    nsp = len(out)
    xpad = _as4d(_pad_for(np, x, lo, _needed(out, w.shape[2:], stride, dil)), nsp)
    oc = w.shape[0]
    y = np.empty((x.shape[0], oc) + _hw(out, nsp), x.dtype)
    sh, sw = _hw(stride, nsp)
    dh, dw = _hw(dil, nsp)
    k.dw_forward(xpad, _as4d(w, nsp)[:, 0], y, oc // x.shape[1], sh, sw, dh, dw)
    return y.reshape((x.shape[0], oc) + tuple(out))


def _dw_weight(k, x, g, stride, lo, dil, ksize):
    """Depthwise ConvWeight: x (N, C, *S), g (N, C*m, *O) -> (C*m, 1, *K)."""
    nsp = len(ksize)
    out = g.shape[2:]
    xpad = _as4d(_pad_for(np, x, lo, _needed(out, ksize, stride, dil)), nsp)
    oc = g.shape[1]
    gw = np.empty((oc,) + _hw(ksize, nsp), x.dtype)
    sh, sw = _hw(stride, nsp)
    dh, dw = _hw(dil, nsp)
    k.dw_weight_grad(xpad, _as4d(g, nsp), gw, oc // x.shape[1], sh, sw, dh, dw)
    return gw.reshape((oc, 1) + tuple(ksize))


def _dw_transpose(k, x, w, groups, stride, lo, dil, out):
    """ConvTranspose with one output channel per group: x (N, G*m, *I), w (G*m, 1, *K) -> (N, G, *out)."""
    nsp = len(out)
    insize, ksize = x.shape[2:], w.shape[2:]
    full = [max(n, l + o) for n, l, o in zip(_needed(insize, ksize, stride, dil), lo, out)]
    buf = np.empty((x.shape[0], groups) + _hw(full, nsp), x.dtype)
    sh, sw = _hw(stride, nsp)
    dh, dw = _hw(dil, nsp)
    k.dw_input_grad(_as4d(x, nsp), _as4d(w, nsp)[:, 0], buf, x.shape[1] // groups, sh, sw, dh, dw)
    buf = buf.reshape((x.shape[0], groups) + tuple(full))
    if all(l == 0 and f == o for l, f, o in zip(lo, full, out)):
        return buf
    return np.ascontiguousarray(buf[(slice(None), slice(None)) + tuple(slice(l, l + o) for l, o in zip(lo, out))])


# -- numba im2col / col2im (NOTE [ im2col kernels ] in _conv_kernels.py) ---------------------------------
def _nb_im2col(k, x, ksize, out, stride, lo, dil, batch_last):
    """im2col of a 1-D/2-D NumPy input by the parallel kernel: (N, C*K, L), or batch last (C*K, N, L)."""
    nsp = len(out)
    n, ck, L = x.shape[0], x.shape[1] * _prod(ksize), _prod(out)
    buf = np.empty((ck, n, L) if batch_last else (n, ck, L), x.dtype)
    k.im2col(_as4d(x, nsp), buf.transpose(1, 0, 2) if batch_last else buf, *_hw(ksize, nsp), *_hw(out, nsp),
             *_hw(stride, nsp), *_hw(lo, nsp, 0), *_hw(dil, nsp))
    return buf


def _nb_col2im(k, cols, c, ksize, insize, stride, lo, dil, out):
    """Adjoint of _nb_im2col: cols (N, C*K, L) (any strides) summed into a new (N, C, *out)."""
    nsp = len(out)
    y = np.empty((cols.shape[0], c) + _hw(out, nsp), cols.dtype)
    k.col2im(cols, y, *_hw(ksize, nsp), *_hw(insize, nsp), *_hw(stride, nsp), *_hw(lo, nsp, 0), *_hw(dil, nsp))
    return y.reshape((cols.shape[0], c) + tuple(out))


def _conv_forward(xp, x, w, stride, lo, dil, groups, out):
    """Conv without bias: the depthwise kernels, else im2col + one (batched) GEMM."""
    n, c = x.shape[:2]
    ksize = w.shape[2:]
    oc = w.shape[0]
    nsp = len(ksize)
    ck, L = (c // groups) * _prod(ksize), _prod(out)
    k = _dw(xp, x, nsp) if groups == c and groups > 1 else None
    if k is not None:
        return _dw_conv(k, x, w, stride, lo, dil, out)
    if groups == 1 and _batch_last(out, 16):
        return _conv_channels_last(xp, x, w, stride, lo, dil, out)
    wm = w.reshape(groups, oc // groups, ck)
    if _batch_last(out):
        cols = _im2col(xp, x, ksize, out, stride, lo, dil, True).reshape(groups, ck, L * n)
        y = xp.matmul(wm, cols).reshape((oc,) + tuple(out) + (n,))
        y = xp.ascontiguousarray(xp.moveaxis(y, -1, 0))
    else:
        cols = _im2col(xp, x, ksize, out, stride, lo, dil, False).reshape(n, groups, ck, L)
        y = xp.matmul(wm, cols)
    return y.reshape((n, oc) + tuple(out))


def _conv_channels_last(xp, x, w, stride, lo, dil, out):
    """groups=1 Conv on small outputs (NOTE [ im2col layout ]): im2col in the channels-last layout (runs of
    C*kw elements), one (N*L, K*C) @ (K*C, OC) GEMM, one transpose back."""
    n, c = x.shape[:2]
    nsp = len(out)
    ksize = w.shape[2:]
    sp = x.shape[2:]
    need = _needed(out, ksize, stride, dil)
    full = tuple(max(nd, l + s_) for nd, l, s_ in zip(need, lo, sp))
    xt = xp.moveaxis(x, 1, -1)
    if full == tuple(sp):
        xpad = xp.ascontiguousarray(xt)
    else:
        xpad = xp.zeros((n,) + full + (c,), x.dtype)
        xpad[(slice(None),) + tuple(slice(l, l + s_) for l, s_ in zip(lo, sp))] = xt
    st = xpad.strides
    win = _as_strided(xp, xpad, (n,) + tuple(out) + tuple(ksize) + (c,),
                      (st[0],) + tuple(st[1 + i] * stride[i] for i in range(nsp)) +
                      tuple(st[1 + i] * dil[i] for i in range(nsp)) + (st[-1],))
    kc = _prod(ksize) * c
    wm = xp.moveaxis(w, 1, -1).reshape(w.shape[0], kc)  # (OC, *K, C) matches the window order
    y = xp.matmul(win.reshape(n * _prod(out), kc), wm.T).reshape((n,) + tuple(out) + (w.shape[0],))
    return xp.ascontiguousarray(xp.moveaxis(y, -1, 1))


def _transpose_as_conv(xp, x, w, groups, lo, dil, out):
    """A stride-1 ConvTranspose as the Conv with the flipped, in/out-swapped kernel and padding d*(k-1) - lo
    (NOTE [ stride-1 transpose ]), or None where that padding would be negative."""
    ksize = w.shape[2:]
    lo2 = tuple(d * (k - 1) - l for d, k, l in zip(dil, ksize, lo))
    if any(l < 0 for l in lo2):
        return None
    cin, cout_g = w.shape[:2]
    wc = w.reshape((groups, cin // groups, cout_g) + tuple(ksize)).swapaxes(1, 2)
    wc = wc[(Ellipsis,) + (slice(None, None, -1),) * len(ksize)]
    wc = xp.ascontiguousarray(wc).reshape((groups * cout_g, cin // groups) + tuple(ksize))
    return _conv_forward(xp, x, wc, (1,) * len(ksize), lo2, dil, groups, out)


# -- the three ops (NOTE [ conv as three ops ]) -----------------------------------------------------------
class Conv(Op):
    save_inputs = (0, 1)
    compute_in_float32 = HALF  # NOTE [ half precision ] in ops/_op.py

    def name(self) -> str:
        return "ConvolutionBackward0"  # torch's node name for every convolution

    def forward(ctx, xp, x, w, b, stride, lo, dil, groups, out):
        ctx.p = (stride, lo, dil, groups)
        y = _conv_forward(xp, x, w, stride, lo, dil, groups, out)
        if b is not None:
            y += b.reshape((w.shape[0],) + (1,) * len(out))
        return y

    def backward(ctx, g):
        return _conv_backward(ctx, g, transposed=False)


class ConvTranspose(Op):
    save_inputs = (0, 1)
    compute_in_float32 = HALF  # NOTE [ half precision ] in ops/_op.py
    name = Conv.name

    def forward(ctx, xp, x, w, b, stride, lo, dil, groups, out):
        ctx.p = (stride, lo, dil, groups)
        n, cin = x.shape[:2]
        insize = x.shape[2:]
        ksize = w.shape[2:]
        cout_g = w.shape[1]
        cout = cout_g * groups
        cin_g = cin // groups
        L, kk = _prod(insize), _prod(ksize)
        k = _dw(xp, x, len(ksize)) if cout_g == 1 and groups > 1 else None
        if k is not None:
            y = _dw_transpose(k, x, w, groups, stride, lo, dil, out)
            if b is not None:
                y += b.reshape((cout,) + (1,) * len(ksize))
            return y
        wm = w.reshape(groups, cin_g, cout_g * kk).transpose(0, 2, 1)
        k = _dw(xp, x, len(ksize))
        if k is not None:
            if _batch_last(insize):  # one GEMM on (Cin, N*L), col2im reads the (C*K, N, L) result transposed
                xt = xp.ascontiguousarray(x.reshape(n, cin, L).transpose(1, 0, 2)).reshape(groups, cin_g, n * L)
                cols = xp.matmul(wm, xt).reshape(cout * kk, n, L).transpose(1, 0, 2)
            else:
                cols = xp.matmul(wm, x.reshape(n, groups, cin_g, L)).reshape(n, cout * kk, L)
            y = _nb_col2im(k, cols, cout, ksize, insize, stride, lo, dil, out)
            if b is not None:
                y += b.reshape((cout,) + (1,) * len(ksize))
            return y
        y = _transpose_as_conv(xp, x, w, groups, lo, dil, out) if all(s == 1 for s in stride) else None
        if y is not None:
            if b is not None:
                y += b.reshape((cout,) + (1,) * len(ksize))
            return y
        # batch-last layout (NOTE [ im2col layout ]): one GEMM, then col2im with long contiguous runs
        xt = xp.ascontiguousarray(xp.moveaxis(x, 0, -1)).reshape(groups, cin_g, L * n)
        cols = xp.matmul(wm, xt).reshape((cout,) + tuple(ksize) + tuple(insize) + (n,))
        y = _col2im(xp, cols, ksize, insize, stride, dil, lo, out, batch_last=True)
        y = xp.ascontiguousarray(xp.moveaxis(y, -1, 0))
        if b is not None:
            y += b.reshape((cout,) + (1,) * len(ksize))
        return y

    def backward(ctx, g):
        return _conv_backward(ctx, g, transposed=True)


def _conv_backward(ctx, g, transposed: bool):
    """Grads of Conv / ConvTranspose, each the other's adjoint: the input grad is the dual op applied to ``g``,
    the weight grad is ConvWeight with the roles of input and ``g`` swapped for the transposed op."""
    x, w = ctx.inputs[:2]
    stride, lo, dil, groups = ctx.p
    gx = gw = gb = None
    if _needs(ctx, 0):
        gx = apply(Conv if transposed else ConvTranspose, g, w, None, stride=stride, lo=lo, dil=dil, groups=groups,
                   out=x.shape[2:])
    if _needs(ctx, 1):
        a, b = (g, x) if transposed else (x, g)
        gw = apply(ConvWeight, a, b, stride=stride, lo=lo, dil=dil, groups=groups, ksize=w.shape[2:])
    if len(ctx.next_functions) > 2 and _needs(ctx, 2):
        gb = g.sum((0,) + tuple(range(2, g.ndim)))
    return gx, gw, gb


class ConvWeight(Op):
    """dL/dw of Conv(x, w) given g = dL/dy: windows of x contracted with g over batch and output positions."""

    save_inputs = (0, 1)
    compute_in_float32 = HALF  # NOTE [ half precision ] in ops/_op.py

    def forward(ctx, xp, x, g, stride, lo, dil, groups, ksize):
        ctx.p = (stride, lo, dil, groups)
        n, c = x.shape[:2]
        oc = g.shape[1]
        out = g.shape[2:]
        cg, ocg = c // groups, oc // groups
        ck, L = cg * _prod(ksize), _prod(out)
        k = _dw(xp, x, len(ksize)) if cg == 1 and groups > 1 else None
        if k is not None:
            return _dw_weight(k, x, g, stride, lo, dil, ksize)
        k = _dw(xp, x, len(ksize))
        if k is not None:
            bl = _batch_last(out)
            cols = _nb_im2col(k, x, ksize, out, stride, lo, dil, bl)
            if bl:
                gt = xp.ascontiguousarray(g.reshape(n, oc, L).transpose(1, 0, 2)).reshape(groups, ocg, n * L)
                gw = xp.matmul(cols.reshape(groups, ck, n * L), gt.transpose(0, 2, 1)).transpose(0, 2, 1)
            else:
                gw = xp.matmul(g.reshape(n, groups, ocg, L), cols.reshape(n, groups, ck, L).transpose(0, 1, 3, 2))
                gw = gw.sum(0)
            return gw.reshape((oc, cg) + tuple(ksize))
        if _batch_last(out):
            cols = _im2col(xp, x, ksize, out, stride, lo, dil, True).reshape(groups, ck, L * n)
            gt = xp.ascontiguousarray(xp.moveaxis(g, 0, -1)).reshape(groups, ocg, L * n)
            # (CK, LN) @ (LN, OCg) keeps the big operand in its natural layout (faster GEMM), then transpose
            gw = xp.matmul(cols, gt.transpose(0, 2, 1)).transpose(0, 2, 1)
        else:
            # (N, CK, L) windows and a batched matmul summed over the batch (a transposed copy is far slower)
            cols = _im2col(xp, x, ksize, out, stride, lo, dil, False).reshape(n, groups, ck, L)
            gw = xp.matmul(g.reshape(n, groups, ocg, L), cols.transpose(0, 1, 3, 2)).sum(0)
        return gw.reshape((oc, cg) + tuple(ksize))

    def backward(ctx, gg):
        x, g = ctx.inputs
        stride, lo, dil, groups = ctx.p
        gx = ggo = None
        if _needs(ctx, 0):
            gx = apply(ConvTranspose, g, gg, None, stride=stride, lo=lo, dil=dil, groups=groups, out=x.shape[2:])
        if _needs(ctx, 1):
            ggo = apply(Conv, x, gg, None, stride=stride, lo=lo, dil=dil, groups=groups, out=g.shape[2:])
        return gx, ggo


# -- argument checking ------------------------------------------------------------------------------------
def _sz(shape) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _batchify(input, nsp: int, name: str):
    nd = input.ndim
    if nd == nsp + 1:
        return input.unsqueeze(0), True
    if nd != nsp + 2:
        raise RuntimeError(f"Expected {nsp + 1}D (unbatched) or {nsp + 2}D (batched) input to {name}, but got "
                           f"input of size: {_sz(input.shape)}")
    return input, False


def _check_dtypes(input, weight, bias):
    if input.dtype != weight.dtype:
        raise RuntimeError(f"Input type ({input.dtype}) and weight type ({weight.dtype}) should be the same")
    if bias is not None and bias.dtype != input.dtype:
        raise RuntimeError(f"Input type ({input.dtype}) and bias type ({bias.dtype}) should be the same")
    if input.device != weight.device:
        raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                           f"{input.device} and {weight.device}!")


def _conv_nd(nsp, name, input, weight, bias, stride, padding, dilation, groups):
    x, unbatched = _batchify(input, nsp, name)
    if weight.ndim != nsp + 2:
        raise RuntimeError(f"weight should have at least three dimensions" if weight.ndim < 3 else
                           f"Expected {nsp + 2}-dimensional weight for {nsp + 2}-dimensional input "
                           f"{_sz(x.shape)}, but got {weight.ndim}-dimensional weight of size "
                           f"{_sz(weight.shape)} instead")
    _check_dtypes(x, weight, bias)
    stride = _ntuple(stride, nsp, "stride")
    dilation = _ntuple(dilation, nsp, "dilation")
    groups = int(groups)
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")
    oc, cg = weight.shape[0], weight.shape[1]
    ksize = tuple(weight.shape[2:])
    if oc % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
                           f"but got weight of size {_sz(weight.shape)} instead")
    if x.shape[1] != cg * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {_sz(weight.shape)}, expected input"
                           f"{_sz(x.shape)} to have {cg * groups} channels, but got {x.shape[1]} channels instead")
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != oc):
        raise RuntimeError(f"Given weight of size {_sz(weight.shape)}, expected bias to be 1-dimensional with "
                           f"{oc} elements, but got bias of size {_sz(bias.shape)} instead")
    sp = x.shape[2:]
    if isinstance(padding, str):
        if padding == "valid":
            lo = hi = (0,) * nsp
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            tot = [d * (k - 1) for d, k in zip(dilation, ksize)]
            lo = tuple(t // 2 for t in tot)
            hi = tuple(t - t // 2 for t in tot)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        lo = hi = _ntuple(padding, nsp, "padding")
        if any(p < 0 for p in lo):
            raise RuntimeError("negative padding is not supported")
    padded = [s + l + h for s, l, h in zip(sp, lo, hi)]
    eff = [d * (k - 1) + 1 for d, k in zip(dilation, ksize)]
    if any(p < e for p, e in zip(padded, eff)):
        raise RuntimeError(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel "
                           f"size: ({' x '.join(map(str, eff))}). Kernel size can't be greater than actual input "
                           f"size")
    out = tuple((p - e) // s + 1 for p, e, s in zip(padded, eff, stride))
    y = apply(Conv, x, weight, bias, stride=stride, lo=tuple(lo), dil=dilation, groups=groups, out=out)
    return y.squeeze(0) if unbatched else y


def _conv_transpose_nd(nsp, name, input, weight, bias, stride, padding, output_padding, groups, dilation):
    x, unbatched = _batchify(input, nsp, name)
    if weight.ndim != nsp + 2:
        raise RuntimeError(f"Expected {nsp + 2}-dimensional weight for {nsp + 2}-dimensional input, but got "
                           f"{weight.ndim}-dimensional weight of size {_sz(weight.shape)} instead")
    _check_dtypes(x, weight, bias)
    stride = _ntuple(stride, nsp, "stride")
    dilation = _ntuple(dilation, nsp, "dilation")
    if isinstance(padding, str):
        raise RuntimeError(f"{name}: padding must be an int or a tuple of ints, got '{padding}'")
    padding = _ntuple(padding, nsp, "padding")
    output_padding = _ntuple(output_padding, nsp, "output_padding")
    groups = int(groups)
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    for op, s, d in zip(output_padding, stride, dilation):
        if op >= s and op >= d:
            raise RuntimeError(f"output padding must be smaller than either stride or dilation, but got "
                               f"output_padding={list(output_padding)} stride={list(stride)} "
                               f"dilation={list(dilation)}")
    cin = weight.shape[0]
    if cin % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, "
                           f"but got weight of size {_sz(weight.shape)} instead")
    if x.shape[1] != cin:
        raise RuntimeError(f"Given transposed=1, weight of size {_sz(weight.shape)}, expected input"
                           f"{_sz(x.shape)} to have {cin} channels, but got {x.shape[1]} channels instead")
    cout = weight.shape[1] * groups
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != cout):
        raise RuntimeError(f"Given transposed=1, weight of size {_sz(weight.shape)}, expected bias to be "
                           f"1-dimensional with {cout} elements, but got bias of size {_sz(bias.shape)} instead")
    ksize = weight.shape[2:]
    out = tuple((i - 1) * s - 2 * p + d * (k - 1) + op + 1
                for i, s, p, d, k, op in zip(x.shape[2:], stride, padding, dilation, ksize, output_padding))
    if any(o <= 0 for o in out):
        raise RuntimeError(f"Given input size per channel: ({' x '.join(map(str, x.shape[2:]))}). Calculated "
                           f"output size per channel: ({' x '.join(map(str, out))}). Output size is too small")
    y = apply(ConvTranspose, x, weight, bias, stride=stride, lo=padding, dil=dilation, groups=groups, out=out)
    return y.squeeze(0) if unbatched else y


# -- public API -------------------------------------------------------------------------------------------
def conv1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1,
           groups: int = 1) -> Tensor:
    """1-D convolution over (N, C, L) or (C, L) (mirrors torch.nn.functional.conv1d)."""
    return _conv_nd(1, "conv1d", input, weight, bias, stride, padding, dilation, groups)


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1,
           groups: int = 1) -> Tensor:
    """2-D convolution over (N, C, H, W) or (C, H, W) (mirrors torch.nn.functional.conv2d)."""
    return _conv_nd(2, "conv2d", input, weight, bias, stride, padding, dilation, groups)


def conv3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1,
           groups: int = 1) -> Tensor:
    """3-D convolution over (N, C, D, H, W) or (C, D, H, W) (mirrors torch.nn.functional.conv3d)."""
    return _conv_nd(3, "conv3d", input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """1-D transposed convolution (mirrors torch.nn.functional.conv_transpose1d)."""
    return _conv_transpose_nd(1, "conv_transpose1d", input, weight, bias, stride, padding, output_padding,
                              groups, dilation)


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """2-D transposed convolution (mirrors torch.nn.functional.conv_transpose2d)."""
    return _conv_transpose_nd(2, "conv_transpose2d", input, weight, bias, stride, padding, output_padding,
                              groups, dilation)


def conv_transpose3d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
                     output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """3-D transposed convolution (mirrors torch.nn.functional.conv_transpose3d)."""
    return _conv_transpose_nd(3, "conv_transpose3d", input, weight, bias, stride, padding, output_padding,
                              groups, dilation)


# -- unfold / fold (im2col / col2im) ----------------------------------------------------------------------
class Unfold(Op):
    def forward(ctx, xp, x, ksize, dil, lo, stride, out):
        ctx.p = (ksize, dil, lo, stride, x.shape[2:])
        n, c = x.shape[:2]
        xpad = _pad_for(xp, x, lo, _needed(out, ksize, stride, dil))
        win = _windows(xp, xpad, ksize, out, stride, dil)
        return xp.ascontiguousarray(win).reshape(n, c * _prod(ksize), _prod(out))

    def backward(ctx, g):
        ksize, dil, lo, stride, insize = ctx.p
        return apply(Fold, g, ksize=ksize, dil=dil, lo=lo, stride=stride, blocks=_blocks(insize, ksize, dil, lo,
                                                                                         stride), out=insize)


class Fold(Op):
    def forward(ctx, xp, x, ksize, dil, lo, stride, blocks, out):
        ctx.p = (ksize, dil, lo, stride, blocks)
        n = x.shape[0]
        c = x.shape[1] // _prod(ksize)
        cols = x.reshape((n, c) + tuple(ksize) + tuple(blocks))
        return xp.ascontiguousarray(_col2im(xp, cols, ksize, blocks, stride, dil, lo, out))

    def backward(ctx, g):
        ksize, dil, lo, stride, blocks = ctx.p
        return apply(Unfold, g, ksize=ksize, dil=dil, lo=lo, stride=stride, out=blocks)


def _blocks(size, ksize, dil, pad, stride):
    return tuple((s + 2 * p - d * (k - 1) - 1) // st + 1 for s, k, d, p, st in zip(size, ksize, dil, pad, stride))


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Extract sliding local blocks (im2col): (N, C, H, W) -> (N, C*kh*kw, L) (mirrors F.unfold)."""
    if input.ndim not in (3, 4):
        raise RuntimeError(f"Input Error: Only 3D or 4D input Tensors are supported (got {input.ndim}D)")
    x, unbatched = (input.unsqueeze(0), True) if input.ndim == 3 else (input, False)
    ks, dil = _ntuple(kernel_size, 2, "kernel_size"), _ntuple(dilation, 2, "dilation")
    pad, st = _ntuple(padding, 2, "padding"), _ntuple(stride, 2, "stride")
    blocks = _blocks(x.shape[2:], ks, dil, pad, st)
    if any(b <= 0 for b in blocks):
        raise RuntimeError(f"Given input with spatial size ({x.shape[2]}, {x.shape[3]}), kernel_size={list(ks)}, "
                           f"dilation={list(dil)}, padding={list(pad)}, calculated shape of the array of sliding "
                           f"blocks as ({blocks[0]}, {blocks[1]}), but its components must be at least one.")
    y = apply(Unfold, x, ksize=ks, dil=dil, lo=pad, stride=st, out=blocks)
    return y.squeeze(0) if unbatched else y


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Combine sliding local blocks into a tensor (col2im), summing overlaps (mirrors F.fold)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got "
                           f"{input.ndim}D)")
    x, unbatched = (input.unsqueeze(0), True) if input.ndim == 2 else (input, False)
    osz, ks = _ntuple(output_size, 2, "output_size"), _ntuple(kernel_size, 2, "kernel_size")
    dil, pad, st = _ntuple(dilation, 2, "dilation"), _ntuple(padding, 2, "padding"), _ntuple(stride, 2, "stride")
    kk = _prod(ks)
    if x.shape[1] % kk:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, "
                           f"but got input.size(1)={x.shape[1]} and kernel_size=({ks[0]}, {ks[1]})")
    blocks = _blocks(osz, ks, dil, pad, st)
    if _prod(blocks) != x.shape[2]:
        raise RuntimeError(f"Given output_size=({osz[0]}, {osz[1]}), kernel_size=({ks[0]}, {ks[1]}), "
                           f"dilation=({dil[0]}, {dil[1]}), padding=({pad[0]}, {pad[1]}), stride=({st[0]}, "
                           f"{st[1]}), expected size of input's dimension 2 to match the calculated number of "
                           f"sliding blocks {blocks[0]} * {blocks[1]} = {_prod(blocks)}, but got "
                           f"input.size(2)={x.shape[2]}.")
    y = apply(Fold, x, ksize=ks, dil=dil, lo=pad, stride=st, blocks=blocks, out=osz)
    return y.squeeze(0) if unbatched else y

