"""Fused recurrent layers: one Op runs a whole direction of a layer (LSTM, GRU, RNN tanh/relu) over time.

NOTE [ fused recurrent layer ]: ``_RNNLayer`` takes the layer input ``x`` (time-major ``(T, B, I)``, packed
``(N, I)`` with ``batch_sizes``, or a single step ``(B, I)`` for the cells) and the layer's weights, and returns
``(output, h_n[, c_n])``. Forward projects the input for ALL time steps with one matmul and then runs the
recurrence with one matmul plus fused gate math per step. Sequences of unequal lengths are handled in the packed
layout: step ``t`` owns rows ``offs[t]:offs[t]+batch_sizes[t]`` of the packed input, and only the first
``batch_sizes[t]`` hidden rows advance (batch sizes never increase), so every row of ``h_n`` holds the last state
of its own sequence, for either direction.

Backward is hand-written back-propagation through time. When ``create_graph`` is off (grad mode is disabled
during backward) it runs on the arrays of the saved tensors: the gate derivatives are precomputed for all steps
in a few vectorised passes, the loop does a handful of array ops and one matmul per step, and the weight
gradients are one matmul each over all steps. When ``create_graph`` is on, the layer is recomputed from the
saved input tensors with ordinary (differentiable) ember ops and differentiated with ``autograd.grad``, so
higher-order gradients are exact.
"""
from __future__ import annotations

from ...autograd.grad_mode import GradMode
from ...ops._op import Op, apply

# NOTE: intentionally public in ember.nn.functional (torch has them only as torch.lstm_cell etc.): the RNN cell
# modules call them and the OpInfo table tests them under these names.
__all__ = ["lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _sigmoid_(xp, v):
    """In-place logistic function via tanh: stable for any |v| and free of overflow warnings."""
    v *= 0.5
    xp.tanh(v, out=v)
    v *= 0.5
    v += 0.5
    return v


_KERNELS: list = []


def _kernels(xp, dtype):
    """The numba step kernels (NOTE [ LSTM step kernels ]) for float32/float64 NumPy arrays, or None (CuPy,
    other dtypes, or no numba): callers then run the same step with plain array ops."""
    if xp.__name__ != "numpy" or dtype.char not in "fd":
        return None
    if not _KERNELS:
        try:
            from . import _rnn_kernels as k  # noqa: PLC0415  (numba is optional and slow to import)
        except ImportError:
            k = None
        _KERNELS.append(k)
    return _KERNELS[0]


def _steps(batch_sizes, n_rows, batch, reverse):
    """(offsets, sizes, processing order) of the time steps."""
    if batch_sizes is None:
        T = n_rows // batch if batch else 0
        sizes = [batch] * T
    else:
        sizes = list(batch_sizes)
        T = len(sizes)
    offs = [0] * T
    acc = 0
    for t in range(T):
        offs[t] = acc
        acc += sizes[t]
    order = range(T - 1, -1, -1) if reverse else range(T)
    return offs, sizes, order


# -- forward kernels ---------------------------------------------------------------------------------------
# NOTE [ LSTM gate layout ]: internally the gates are ordered (o, i, f, g) -- torch's (i, f, g, o) rolled by one
# block -- so the three sigmoid gates are one contiguous slab, and the o, i, f rows of the weights are scaled
# by 0.5 (exact in binary floating point): sigmoid(x) = 0.5 * tanh(x / 2) + 0.5, so ONE tanh over all four
# gates plus a multiply-add on the sigmoid slab computes every activation of a step.
def _lstm_weights(xp, w, H):
    """Torch-ordered gate rows -> internal (o, i, f, g) order with the sigmoid rows halved."""
    wp = xp.roll(w, H, axis=0)
    wp[:3 * H] *= 0.5
    return wp


def _states(xp, x2, h0, B, uniform, reverse):
    """Storage for the per-step states: (all outputs, all previous states); uniform batches alias the two."""
    N = x2.shape[0]
    if uniform:
        S = xp.empty((N + B,) + h0.shape[1:], x2.dtype)
        if reverse:
            S[N:] = h0
            return S[:N], S[B:]
        S[:B] = h0
        return S[B:], S[:N]
    return xp.empty((N,) + h0.shape[1:], x2.dtype), xp.empty((N,) + h0.shape[1:], x2.dtype)


def _lstm_forward(ctx, xp, x2, h0, c0, w_ih, w_hh, bias, w_hr, offs, sizes, order, uniform):
    H = w_hh.shape[0] // 4
    B = h0.shape[0]
    kern = _kernels(xp, x2.dtype)
    gates = x2 @ _lstm_weights(xp, w_ih, H).T            # (N, 4H): input projection of every step at once
    if bias is not None:
        gates += _lstm_weights(xp, bias, H)
    w_hh_t = xp.ascontiguousarray(_lstm_weights(xp, w_hh, H).T)
    out, hprev = _states(xp, x2, h0, B, uniform, reverse=order[0] != 0)
    c_all, cprev = _states(xp, x2, c0, B, uniform, reverse=order[0] != 0)
    tanh_c = xp.empty(c_all.shape, x2.dtype)
    hu_all = xp.empty(c_all.shape, x2.dtype) if w_hr is not None else None
    w_hr_t = w_hr.T if w_hr is not None else None
    tmp = xp.empty((B, 4 * H), x2.dtype)                  # the recurrent product of a step, reused
    half = x2.dtype.type(0.5)
    if not uniform:
        h = xp.array(h0, copy=True)
        c = xp.array(c0, copy=True)
    for t in order:
        s, b = offs[t], sizes[t]
        e = s + b
        if not uniform:
            hprev[s:e] = h[:b]
            cprev[s:e] = c[:b]
        g = gates[s:e]
        rec = tmp[:b]
        xp.matmul(hprev[s:e], w_hh_t, out=rec)
        g += rec
        xp.tanh(g, out=g)
        cn = c_all[s:e]
        if kern is not None:
            kern.lstm_fwd_cell(gates, cprev, c_all, s, b, H, half)
        else:
            sig = g[:, :3 * H]
            sig *= 0.5
            sig += 0.5
            xp.multiply(g[:, 2 * H:3 * H], cprev[s:e], out=cn)
            cn += g[:, H:2 * H] * g[:, 3 * H:]
        tc = tanh_c[s:e]
        xp.tanh(cn, out=tc)
        if w_hr_t is None:
            xp.multiply(g[:, :H], tc, out=out[s:e])
        else:
            hu = hu_all[s:e]
            xp.multiply(g[:, :H], tc, out=hu)
            xp.matmul(hu, w_hr_t, out=out[s:e])
        if not uniform:
            h[:b] = out[s:e]
            c[:b] = cn
    if uniform:
        s, b = offs[order[-1]], sizes[order[-1]]
        h, c = out[s:s + b].copy(), c_all[s:s + b].copy()
    ctx.state = (gates, hprev, cprev, tanh_c, hu_all)
    return out, h, c


def _gru_forward(ctx, xp, x2, h0, w_ih, w_hh, b_ih, b_hh, offs, sizes, order, uniform):
    H = w_hh.shape[1]
    B = h0.shape[0]
    gates = x2 @ w_ih.T                       # (N, 3H); r, z become activations in place, n stays separate
    if b_ih is not None:
        gates += b_ih
    out, hprev = _states(xp, x2, h0, B, uniform, reverse=order[0] != 0)
    ghn = xp.empty((x2.shape[0], H), x2.dtype)   # W_hn h + b_hn, needed for dr
    w_hh_t = xp.ascontiguousarray(w_hh.T)
    if not uniform:
        h = xp.array(h0, copy=True)
    for t in order:
        s, b = offs[t], sizes[t]
        e = s + b
        if not uniform:
            hprev[s:e] = h[:b]
        hp = hprev[s:e]
        gh = hp @ w_hh_t
        if b_hh is not None:
            gh += b_hh
        g = gates[s:e]
        rz = g[:, :2 * H]
        rz += gh[:, :2 * H]
        _sigmoid_(xp, rz)
        ghn[s:e] = gh[:, 2 * H:]
        n = g[:, 2 * H:]
        n += g[:, :H] * gh[:, 2 * H:]
        xp.tanh(n, out=n)
        hn = out[s:e]
        xp.subtract(hp, n, out=hn)            # h' = n + z * (h - n)
        hn *= g[:, H:2 * H]
        hn += n
        if not uniform:
            h[:b] = hn
    if uniform:
        s, b = offs[order[-1]], sizes[order[-1]]
        h = out[s:s + b].copy()
    ctx.state = (gates, hprev, ghn)
    return out, h


# NOTE: the time loops of the LSTM/GRU/RNN forwards look alike but are deliberately unrolled per cell type
# (hot path: in-place ufuncs on preallocated gate buffers, no per-step dispatch on the cell kind).
def _rnn_forward(ctx, xp, x2, h0, w_ih, w_hh, bias, relu, offs, sizes, order, uniform):
    B = h0.shape[0]
    out, hprev = _states(xp, x2, h0, B, uniform, reverse=order[0] != 0)
    xp.matmul(x2, w_ih.T, out=out)            # the pre-activations become the outputs in place
    if bias is not None:
        out += bias
    w_hh_t = xp.ascontiguousarray(w_hh.T)
    if not uniform:
        h = xp.array(h0, copy=True)
    for t in order:
        s, b = offs[t], sizes[t]
        e = s + b
        if not uniform:
            hprev[s:e] = h[:b]
        o = out[s:e]
        o += hprev[s:e] @ w_hh_t
        if relu:
            xp.maximum(o, 0, out=o)
        else:
            xp.tanh(o, out=o)
        if not uniform:
            h[:b] = o
    if uniform:
        s, b = offs[order[-1]], sizes[order[-1]]
        h = out[s:s + b].copy()
    ctx.state = (hprev,)
    return out, h


# -- backward kernels (arrays; used when create_graph is off) ------------------------------------------------
def _lstm_backward(xp, st, dout, dh_n, dc_n, w_hh, w_hr, offs, sizes, order):
    """BPTT; returns dG (pre-activation gradients in torch's (i, f, g, o) order), dh0, dc0, dW_hr."""
    gates, hprev, cprev, tanh_c, hu_all = st
    N = gates.shape[0]
    H = w_hh.shape[0] // 4
    kern = _kernels(xp, gates.dtype)
    dG = xp.empty_like(gates)
    dh = xp.array(dh_n, copy=True)
    dc = xp.array(dc_n, copy=True)
    dhr_all = xp.empty_like(dout) if w_hr is not None else None
    if kern is not None:  # NOTE [ LSTM step kernels ]: one fused pass + one matmul per step
        one = gates.dtype.type(1)
        for t in reversed(order):
            s, b = offs[t], sizes[t]
            e = s + b
            if w_hr is None:
                kern.lstm_bwd_cell(gates, cprev, tanh_c, dout, dh, dc, dG, s, b, H, one)
            else:
                dhr = dh[:b] + dout[s:e]
                dhr_all[s:e] = dhr
                kern.lstm_bwd_cell(gates, cprev, tanh_c, None, dhr @ w_hr, dc, dG, s, b, H, one)
            xp.matmul(dG[s:e], w_hh, out=dh[:b])
    else:
        o, i, f, gg = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:3 * H], gates[:, 3 * H:]
        # factors of every step at once: dG_o = dh * A_o, dG_{i,f,g} = dc * A3, dc_t = dc_{t+1} f + dh * Bc
        A3 = xp.empty((N, 3, H), gates.dtype)
        xp.multiply(gg, i * (1 - i), out=A3[:, 0])
        xp.multiply(cprev, f * (1 - f), out=A3[:, 1])
        xp.multiply(i, 1 - gg * gg, out=A3[:, 2])
        A_o = tanh_c * o * (1 - o)
        Bc = o * (1 - tanh_c * tanh_c)
        dG4 = dG.reshape(N, 4, H)
        for t in reversed(order):
            s, b = offs[t], sizes[t]
            e = s + b
            dhr = dh[:b] + dout[s:e]
            if w_hr is not None:
                dhr_all[s:e] = dhr
                dhr = dhr @ w_hr
            dct = dhr * Bc[s:e]
            dct += dc[:b]
            xp.multiply(dhr, A_o[s:e], out=dG[s:e, 3 * H:])
            xp.multiply(dct[:, None, :], A3[s:e], out=dG4[s:e, :3])
            xp.multiply(dct, f[s:e], out=dc[:b])
            xp.matmul(dG[s:e], w_hh, out=dh[:b])
    dW_hr = dhr_all.T @ hu_all if w_hr is not None else None
    return dG, dh, dc, dW_hr


def _gru_backward(xp, st, dout, dh_n, w_hh, offs, sizes, order):
    gates, hprev, ghn = st
    N = gates.shape[0]
    H = w_hh.shape[1]
    r, z, n = gates[:, :H], gates[:, H:2 * H], gates[:, 2 * H:]
    # dn_pre = dh * Fn,  dz_pre = dh * Fz,  dr_pre = dn_pre * Fr
    Fn = (1 - z) * (1 - n * n)
    Fz = (hprev - n) * z * (1 - z)
    Fr = ghn * r * (1 - r)
    dGi = xp.empty_like(gates)
    dGh = xp.empty_like(gates)
    dh = xp.array(dh_n, copy=True)
    for t in reversed(order):
        s, b = offs[t], sizes[t]
        e = s + b
        dhr = dh[:b] + dout[s:e]
        dnp = dGi[s:e, 2 * H:]
        xp.multiply(dhr, Fn[s:e], out=dnp)
        xp.multiply(dnp, Fr[s:e], out=dGi[s:e, :H])
        xp.multiply(dhr, Fz[s:e], out=dGi[s:e, H:2 * H])
        dGh[s:e, :2 * H] = dGi[s:e, :2 * H]
        xp.multiply(dnp, r[s:e], out=dGh[s:e, 2 * H:])
        nd = dGh[s:e] @ w_hh
        dhr *= z[s:e]
        nd += dhr
        dh[:b] = nd
    return dGi, dGh, dh


def _rnn_backward(xp, st, out, dout, dh_n, w_hh, relu, offs, sizes, order):
    D = (out > 0).astype(out.dtype) if relu else 1 - out * out
    dG = xp.empty_like(out)
    dh = xp.array(dh_n, copy=True)
    for t in reversed(order):
        s, b = offs[t], sizes[t]
        e = s + b
        d = dG[s:e]
        xp.add(dh[:b], dout[s:e], out=d)
        d *= D[s:e]
        xp.matmul(d, w_hh, out=dh[:b])
    return dG, dh


class _RNNLayer(Op):
    """One direction of one recurrent layer over a whole sequence (NOTE [ fused recurrent layer ])."""

    save_inputs = (0, 1, 2, 3, 4, 5, 6, 7)

    def forward(ctx, xp, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, mode="LSTM", batch_sizes=None, reverse=False):
        B = h0.shape[0]
        x2 = x.reshape(-1, x.shape[-1])
        offs, sizes, order = _steps(batch_sizes, x2.shape[0], B, reverse)
        uniform = batch_sizes is None
        ctx.mode, ctx.batch_sizes, ctx.reverse, ctx.xp = mode, batch_sizes, reverse, xp
        ctx.steps = (offs, sizes, order)
        if mode == "LSTM":
            bias = _bias_sum(b_ih, b_hh)
            out, h, c = _lstm_forward(ctx, xp, x2, h0, c0, w_ih, w_hh, bias, w_hr, offs, sizes, order, uniform)
        elif mode == "GRU":
            out, h = _gru_forward(ctx, xp, x2, h0, w_ih, w_hh, b_ih, b_hh, offs, sizes, order, uniform)
        else:
            bias = _bias_sum(b_ih, b_hh)
            out, h = _rnn_forward(ctx, xp, x2, h0, w_ih, w_hh, bias, mode == "RNN_RELU", offs, sizes, order,
                                  uniform)
            ctx.out = out
        out = out.reshape(x.shape[:-1] + (out.shape[-1],))
        return (out, h, c) if mode == "LSTM" else (out, h)

    def _release(self):
        # the graph is freed (no retain_graph): drop the per-step buffers with the saved tensors
        super()._release()
        self.state = self.out = None

    def backward(ctx, *grads):
        if GradMode.enabled:
            return _double_backward(ctx, grads)
        x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr = (t._data if t is not None else None for t in ctx.inputs)
        need = [e is not None for e in ctx.next_functions]
        xp = ctx.xp
        offs, sizes, order = ctx.steps
        dout = grads[0]._data
        dout = dout.reshape(-1, dout.shape[-1])
        mode = ctx.mode
        dW_hr = dc0 = None
        if mode == "LSTM":
            dG, dh0, dc0, dW_hr = _lstm_backward(xp, ctx.state, dout, grads[1]._data, grads[2]._data, w_hh, w_hr,
                                                offs, sizes, order)
            # dG is in torch's gate order: every weight gradient is one plain matmul over all steps
            dx = (dG @ w_ih) if need[0] else None
            x2 = x.reshape(-1, x.shape[-1])
            dW_ih = dG.T @ x2 if need[3] else None
            dW_hh = dG.T @ ctx.state[1] if need[4] else None
            db = dG.sum(0) if need[5] or need[6] else None
            db_ih = db if need[5] else None
            db_hh = (db.copy() if need[5] else db) if need[6] else None
        else:
            if mode == "GRU":
                dGi, dGh, dh0 = _gru_backward(xp, ctx.state, dout, grads[1]._data, w_hh, offs, sizes, order)
                hprev = ctx.state[1]
            else:
                dGi, dh0 = _rnn_backward(xp, ctx.state, ctx.out, dout, grads[1]._data, w_hh, mode == "RNN_RELU",
                                         offs, sizes, order)
                dGh = dGi
                hprev = ctx.state[0]
            dx = (dGi @ w_ih) if need[0] else None
            x2 = x.reshape(-1, x.shape[-1])
            dW_ih = dGi.T @ x2 if need[3] else None
            dW_hh = dGh.T @ hprev if need[4] else None
            db_ih = dGi.sum(0) if need[5] else None
            db_hh = dGh.sum(0) if need[6] else None
        if dx is not None:
            dx = dx.reshape(x.shape)
        return tuple(None if a is None else _wrap(a) for a in (dx, dh0, dc0, dW_ih, dW_hh, db_ih, db_hh, dW_hr))


def _bias_sum(b_ih, b_hh):
    if b_ih is None:
        return b_hh
    return b_ih if b_hh is None else b_ih + b_hh


def _wrap(a):
    from ..._tensor import Tensor  # noqa: PLC0415

    return Tensor._wrap(a)


def _double_backward(ctx, grads):
    """create_graph: recompute the layer with differentiable ops and differentiate that (exact higher order)."""
    from ... import autograd  # noqa: PLC0415

    ins = ctx.inputs
    outs = layer_reference(ctx.mode, *ins, batch_sizes=ctx.batch_sizes, reverse=ctx.reverse)
    idx = [k for k, t in enumerate(ins) if t is not None and t.requires_grad]
    res = [None] * len(ins)
    if not idx:
        return tuple(res)
    gs = autograd.grad(outs, [ins[k] for k in idx], grads[:len(outs)], create_graph=True, allow_unused=True)
    for k, g in zip(idx, gs):
        res[k] = g
    return tuple(res)


def layer_reference(mode, x, h0, c0, w_ih, w_hh, b_ih=None, b_hh=None, w_hr=None, batch_sizes=None,
                    reverse=False):
    """The recurrent layer written step by step with plain ember ops (differentiable to any order)."""
    import ember  # noqa: PLC0415

    B = h0.shape[0]
    x2 = x.reshape(-1, x.shape[-1])
    offs, sizes, order = _steps(batch_sizes, x2.shape[0], B, reverse)
    gi = x2 @ w_ih.t()
    if b_ih is not None:
        gi = gi + b_ih
    H = w_hh.shape[1] if mode == "GRU" else w_hh.shape[0] // _GATES[mode]
    h, c = h0, c0
    outs = [None] * len(sizes)
    for t in order:
        s, b = offs[t], sizes[t]
        hp = h[:b] if b < B else h
        gh = hp @ w_hh.t()
        if b_hh is not None:
            gh = gh + b_hh
        g = gi[s:s + b]
        if mode == "LSTM":
            pre = g + gh
            cp = c[:b] if b < B else c
            cn = pre[:, H:2 * H].sigmoid() * cp + pre[:, :H].sigmoid() * pre[:, 2 * H:3 * H].tanh()
            hn = pre[:, 3 * H:].sigmoid() * cn.tanh()
            if w_hr is not None:
                hn = hn @ w_hr.t()
            c = ember.cat([cn, c[b:]], 0) if b < B else cn
        elif mode == "GRU":
            r = (g[:, :H] + gh[:, :H]).sigmoid()
            z = (g[:, H:2 * H] + gh[:, H:2 * H]).sigmoid()
            n = (g[:, 2 * H:] + r * gh[:, 2 * H:]).tanh()
            hn = n + z * (hp - n)
        else:
            pre = g + gh
            hn = pre * (pre > 0).to(pre.dtype) if mode == "RNN_RELU" else pre.tanh()
        h = ember.cat([hn, h[b:]], 0) if b < B else hn
        outs[t] = hn
    out = outs[0] if len(outs) == 1 else ember.cat(outs, 0)
    out = out.reshape(tuple(x.shape[:-1]) + (out.shape[-1],))
    return (out, h, c) if mode == "LSTM" else (out, h)


def rnn_layer(mode: str, x, h0, c0, w_ih, w_hh, b_ih=None, b_hh=None, w_hr=None, batch_sizes=None,
              reverse: bool = False):
    """Run one direction of one layer; ``x`` is ``(T, B, I)``, packed ``(N, I)`` (with ``batch_sizes``, a tuple
    of ints) or one step ``(B, I)``. Returns ``(out, h_n, c_n)`` for LSTM, ``(out, h_n)`` otherwise."""
    if x.shape[0] == 0 and (x.dim() == 3 or batch_sizes is not None):
        raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
    return apply(_RNNLayer, x, h0, c0, w_ih, w_hh, b_ih, b_hh, w_hr, mode=mode,
                 batch_sizes=None if batch_sizes is None else tuple(batch_sizes), reverse=reverse)


# -- cells ----------------------------------------------------------------------------------------------------
def _check_cell(input, hx, w_ih, w_hh, label="0"):
    if input.shape[1] != w_ih.shape[1]:
        raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} expected {w_ih.shape[1]}")
    if input.shape[0] != hx.shape[0]:
        raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden{label} batch size "
                           f"{hx.shape[0]}")
    if hx.shape[1] != w_hh.shape[1]:
        raise RuntimeError(f"hidden{label} has inconsistent hidden_size: got {hx.shape[1]}, expected "
                           f"{w_hh.shape[1]}")


def _check_cell_dims(name, input, hs):
    if input.dim() != 2:
        raise RuntimeError(f"{name}: Expected input to be 2D, got {input.dim()}D instead")
    for k, h in enumerate(hs):
        if h.dim() != 2:
            raise RuntimeError(f"{name}: Expected hx[{k}] to be 2D, got {h.dim()}D instead")


def lstm_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One LSTM step (mirrors torch.lstm_cell): ``input (B, I)``, ``hx = (h, c)`` -> ``(h', c')``."""
    h, c = hx
    _check_cell_dims("lstm_cell", input, (h, c))
    _check_cell(input, h, w_ih, w_hh, "0")
    if c.shape[1] != w_hh.shape[1] or c.shape[0] != input.shape[0]:
        raise RuntimeError(f"hidden1 has inconsistent shape: got {list(c.shape)}, expected "
                           f"{[input.shape[0], w_hh.shape[1]]}")
    out, _, cn = rnn_layer("LSTM", input, h, c, w_ih, w_hh, b_ih, b_hh)
    return out, cn


def gru_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One GRU step (mirrors torch.gru_cell): ``input (B, I)``, ``hx (B, H)`` -> ``h'``."""
    _check_cell_dims("gru_cell", input, (hx,))
    _check_cell(input, hx, w_ih, w_hh)
    return rnn_layer("GRU", input, hx, None, w_ih, w_hh, b_ih, b_hh)[0]


def rnn_tanh_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One Elman step with tanh (mirrors torch.rnn_tanh_cell)."""
    _check_cell_dims("rnn_tanh_cell", input, (hx,))
    _check_cell(input, hx, w_ih, w_hh)
    return rnn_layer("RNN_TANH", input, hx, None, w_ih, w_hh, b_ih, b_hh)[0]


def rnn_relu_cell(input, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    """One Elman step with ReLU (mirrors torch.rnn_relu_cell)."""
    _check_cell_dims("rnn_relu_cell", input, (hx,))
    _check_cell(input, hx, w_ih, w_hh)
    return rnn_layer("RNN_RELU", input, hx, None, w_ih, w_hh, b_ih, b_hh)[0]
