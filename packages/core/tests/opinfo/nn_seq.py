"""OpInfo entries: sequence ops -- scaled_dot_product_attention and the fused recurrent cells."""
from __future__ import annotations

import numpy as np

import ember.nn.functional as F
from .base import ErrorInput, OpInfo, SampleInput, make


def _sig(x):
    return 1 / (1 + np.exp(-x))


# -- references ----------------------------------------------------------------------------------------------
def _sdpa_ref(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False):
    s = q @ np.swapaxes(k, -1, -2) * (scale if scale is not None else 1 / np.sqrt(q.shape[-1]))
    if is_causal:
        s = np.where(np.tril(np.ones(s.shape[-2:], bool)), s, -np.inf)
    if attn_mask is not None:
        s = np.where(attn_mask, s, -np.inf) if attn_mask.dtype == bool else s + attn_mask
    p = np.exp(s - s.max(-1, keepdims=True))
    return (p / p.sum(-1, keepdims=True)) @ v


def _lstm_ref(x, hx, w_ih, w_hh, b_ih=None, b_hh=None):
    h, c = hx
    g = x @ w_ih.T + h @ w_hh.T + (0 if b_ih is None else b_ih + b_hh)
    i, f, gg, o = np.split(g, 4, axis=1)
    c2 = _sig(f) * c + _sig(i) * np.tanh(gg)
    return _sig(o) * np.tanh(c2), c2


def _gru_ref(x, h, w_ih, w_hh, b_ih=None, b_hh=None):
    gi = x @ w_ih.T + (0 if b_ih is None else b_ih)
    gh = h @ w_hh.T + (0 if b_hh is None else b_hh)
    ir, iz, inn = np.split(gi, 3, axis=1)
    hr, hz, hn = np.split(gh, 3, axis=1)
    r, z = _sig(ir + hr), _sig(iz + hz)
    n = np.tanh(inn + r * hn)
    return (1 - z) * n + z * h


def _rnn_ref(act):
    def ref(x, h, w_ih, w_hh, b_ih=None, b_hh=None):
        pre = x @ w_ih.T + h @ w_hh.T + (0 if b_ih is None else b_ih + b_hh)
        return act(pre)
    return ref


# -- samples -------------------------------------------------------------------------------------------------
def _sdpa_samples(dt):
    q, k, v = make((2, 3, 4), dt), make((2, 5, 4), dt, seed=1), make((2, 5, 3), dt, seed=2)
    return [SampleInput((q, k, v), name="3d"),
            SampleInput((make((1, 2, 3, 4), dt), make((1, 2, 5, 4), dt, seed=1), make((1, 2, 5, 3), dt, seed=2)),
                        name="4d"),
            SampleInput((q, k, v, make((3, 5), dt, seed=3)), name="float_mask"),
            SampleInput((q, make((2, 3, 4), dt, seed=1), make((2, 3, 3), dt, seed=2)), dict(is_causal=True),
                        name="causal"),
            SampleInput((make((2, 3, 4), dt, noncontig=True), k, v), dict(scale=0.5), name="noncontig_scale")]


def _cell_samples(gates, lstm=False):
    def samples(dt):
        B, I, H = 3, 4, 2
        x, h = make((B, I), dt), make((B, H), dt, seed=1)
        hx = (h, make((B, H), dt, seed=2)) if lstm else h
        w_ih, w_hh = make((gates * H, I), dt, seed=3, low=-1, high=1), make((gates * H, H), dt, seed=4, low=-1,
                                                                               high=1)
        b_ih, b_hh = make((gates * H,), dt, seed=5), make((gates * H,), dt, seed=6)
        return [SampleInput((x, hx, w_ih, w_hh, b_ih, b_hh), name="bias"),
                SampleInput((x, hx, w_ih, w_hh), name="no_bias"),
                SampleInput((make((B, I), dt, noncontig=True), hx, w_ih, w_hh, b_ih, b_hh), name="noncontig")]
    return samples


def _sdpa_errors():
    return [ErrorInput(SampleInput((make((2, 3, 4)), make((2, 5, 3)), make((2, 5, 3)))), RuntimeError,
                       "last dimension of query"),
            ErrorInput(SampleInput((make((2, 3, 4)), make((2, 5, 4)), make((2, 4, 3)))), RuntimeError,
                       "same sequence length")]


def _cell_errors(gates, lstm=False):
    def errors():
        h = make((3, 2))
        hx = (h, h) if lstm else h
        return [ErrorInput(SampleInput((make((3, 5)), hx, make((gates * 2, 4)), make((gates * 2, 2)))),
                           RuntimeError, "input has inconsistent input_size: got 5 expected 4"),
                ErrorInput(SampleInput((make((4, 4)), hx, make((gates * 2, 4)), make((gates * 2, 2)))),
                           RuntimeError, "Input batch size 4 doesn't match hidden0 batch size 3")]
    return errors


OPS = [
    OpInfo("nn.functional.scaled_dot_product_attention", F.scaled_dot_product_attention, _sdpa_samples,
           ref=_sdpa_ref, errors=_sdpa_errors),
    OpInfo("lstm_cell", F.lstm_cell, _cell_samples(4, lstm=True), ref=_lstm_ref, errors=_cell_errors(4, True)),
    OpInfo("gru_cell", F.gru_cell, _cell_samples(3), ref=_gru_ref, errors=_cell_errors(3)),
    OpInfo("rnn_tanh_cell", F.rnn_tanh_cell, _cell_samples(1), ref=_rnn_ref(np.tanh), errors=_cell_errors(1)),
    OpInfo("rnn_relu_cell", F.rnn_relu_cell, _cell_samples(1), ref=_rnn_ref(lambda a: np.maximum(a, 0)),
           errors=_cell_errors(1)),
]
