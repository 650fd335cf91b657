"""Recurrent layers, cells and packed sequences: parity with torch (outputs and gradients), gradcheck, errors."""
from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.nn.functional._rnn import layer_reference, rnn_layer
from ember.nn.utils import rnn as rnn_utils


def _rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _e(a, grad=True):
    t = ember.tensor(np.asarray(a, dtype=np.float64))
    return t.requires_grad_(grad)


def _copy_to_ember(tm, em):
    em.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})


def _close(a, b, tol=1e-9, msg=""):
    a = a.detach().numpy() if hasattr(a, "detach") else np.asarray(a)
    b = b.detach().numpy() if hasattr(b, "detach") else np.asarray(b)
    assert a.shape == b.shape, (msg, a.shape, b.shape)
    np.testing.assert_allclose(a, b, atol=tol, rtol=tol, err_msg=msg)


def _pair(torch, kind, *args, **kwargs):
    tm = getattr(torch.nn, kind)(*args, **kwargs).double()
    em = getattr(nn, kind)(*args, **kwargs).double()
    _copy_to_ember(tm, em)
    return tm, em


def _check_grads(torch, tm, em, t_out, e_out, t_in=(), e_in=(), seed=5):
    """Backprop the same random cotangent through both and compare input and parameter gradients."""
    t_outs = t_out if isinstance(t_out, (tuple, list)) else [t_out]
    e_outs = e_out if isinstance(e_out, (tuple, list)) else [e_out]
    t_loss, e_loss = 0, 0
    for k, (a, b) in enumerate(zip(t_outs, e_outs)):
        g = _rand(*a.shape, seed=seed + k)
        t_loss = t_loss + (a * torch.from_numpy(g)).sum()
        e_loss = e_loss + (b * ember.tensor(g)).sum()
    t_loss.backward()
    e_loss.backward()
    for a, b in zip(t_in, e_in):
        _close(b.grad, a.grad, msg="input grad")
    tp = dict(tm.named_parameters())
    for name, p in em.named_parameters():
        _close(p.grad, tp[name].grad, msg=f"grad of {name}")


# -- state dict / init ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind,kw", [("LSTM", dict(num_layers=2, bidirectional=True)),
                                     ("LSTM", dict(proj_size=3)), ("GRU", dict(bias=False)),
                                     ("RNN", dict(nonlinearity="relu", num_layers=2))])
def test_state_dict_names_and_shapes_match_torch(kind, kw):
    torch = pytest.importorskip("torch")
    tm = getattr(torch.nn, kind)(4, 5, **kw)
    em = getattr(nn, kind)(4, 5, **kw)
    assert [(k, tuple(v.shape)) for k, v in tm.state_dict().items()] == \
           [(k, tuple(v.shape)) for k, v in em.state_dict().items()]


def test_default_init_is_uniform_in_bound():
    m = nn.LSTM(3, 16, num_layers=2)
    for p in m.parameters():
        a = p.detach().numpy()
        assert np.abs(a).max() <= 0.25 and a.std() > 0.05


def test_cell_state_dict_names():
    assert list(nn.LSTMCell(3, 4).state_dict()) == ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    assert list(nn.GRUCell(3, 4, bias=False).state_dict()) == ["weight_ih", "weight_hh"]
    assert nn.GRUCell(3, 4).weight_ih.shape == (12, 3)


# -- full-sequence parity -------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind,kw", [
    ("LSTM", dict(num_layers=2, bidirectional=True)),
    ("LSTM", dict(batch_first=True, proj_size=3)),
    ("LSTM", dict(bias=False, bidirectional=True, proj_size=2)),
    ("GRU", dict(num_layers=2, bidirectional=True, batch_first=True)),
    ("RNN", dict(nonlinearity="tanh", num_layers=2)),
    ("RNN", dict(nonlinearity="relu", bidirectional=True)),
])
def test_sequence_parity_with_initial_state(kind, kw):
    torch = pytest.importorskip("torch")
    tm, em = _pair(torch, kind, 4, 5, **kw)
    nd = 2 if kw.get("bidirectional") else 1
    L = kw.get("num_layers", 1)
    hsz = kw.get("proj_size", 0) or 5
    x = _rand(6, 3, 4) if not kw.get("batch_first") else _rand(3, 6, 4)
    h0 = _rand(L * nd, 3, hsz, seed=1)
    tx, ex = torch.tensor(x, requires_grad=True), _e(x)
    th, eh = torch.tensor(h0, requires_grad=True), _e(h0)
    if kind == "LSTM":
        c0 = _rand(L * nd, 3, 5, seed=2)
        tc, ec = torch.tensor(c0, requires_grad=True), _e(c0)
        to, (thn, tcn) = tm(tx, (th, tc))
        eo, (ehn, ecn) = em(ex, (eh, ec))
        _close(ecn, tcn)
        t_outs, e_outs, t_in, e_in = [to, thn, tcn], [eo, ehn, ecn], [tx, th, tc], [ex, eh, ec]
    else:
        to, thn = tm(tx, th)
        eo, ehn = em(ex, eh)
        t_outs, e_outs, t_in, e_in = [to, thn], [eo, ehn], [tx, th], [ex, eh]
    _close(eo, to)
    _close(ehn, thn)
    _check_grads(torch, tm, em, t_outs, e_outs, t_in, e_in)


def test_unbatched_input_and_default_state():
    torch = pytest.importorskip("torch")
    tm, em = _pair(torch, "GRU", 4, 5, num_layers=2)
    x = _rand(7, 4)
    to, th = tm(torch.tensor(x))
    eo, eh = em(_e(x, False))
    assert eo.shape == (7, 5) and eh.shape == (2, 5)
    _close(eo, to)
    _close(eh, th)
    tm, em = _pair(torch, "LSTM", 4, 5)
    h = (_rand(1, 5), _rand(1, 5, seed=3))
    to, (th, tc) = tm(torch.tensor(x), tuple(torch.tensor(a) for a in h))
    eo, (eh, ec) = em(_e(x, False), tuple(_e(a, False) for a in h))
    _close(eo, to)
    _close(ec, tc)


@pytest.mark.parametrize("kind,kw", [("LSTM", dict(num_layers=2, bidirectional=True)),
                                     ("GRU", dict(num_layers=2, bidirectional=True)),
                                     ("LSTM", dict(proj_size=2, bidirectional=True)),
                                     ("RNN", dict(bidirectional=True))])
@pytest.mark.parametrize("enforce_sorted", [True, False])
def test_packed_sequence_parity(kind, kw, enforce_sorted):
    torch = pytest.importorskip("torch")
    tm, em = _pair(torch, kind, 3, 5, **kw)
    lengths = [5, 4, 2, 1] if enforce_sorted else [2, 5, 1, 4]
    x = _rand(5, 4, 3)
    tx, ex = torch.tensor(x, requires_grad=True), _e(x)
    tp = torch.nn.utils.rnn.pack_padded_sequence(tx, lengths, enforce_sorted=enforce_sorted)
    ep = rnn_utils.pack_padded_sequence(ex, lengths, enforce_sorted=enforce_sorted)
    _close(ep.data, tp.data)
    assert ep.batch_sizes.tolist() == tp.batch_sizes.tolist()
    to, th = tm(tp)
    eo, eh = em(ep)
    assert isinstance(eo, rnn_utils.PackedSequence)
    t_pad, t_len = torch.nn.utils.rnn.pad_packed_sequence(to, total_length=6)
    e_pad, e_len = rnn_utils.pad_packed_sequence(eo, total_length=6)
    assert e_len.tolist() == t_len.tolist()
    _close(e_pad, t_pad)
    t_h = list(th) if kind == "LSTM" else [th]
    e_h = list(eh) if kind == "LSTM" else [eh]
    for a, b in zip(e_h, t_h):
        _close(a, b)
    _check_grads(torch, tm, em, [t_pad] + t_h, [e_pad] + e_h, [tx], [ex])


def test_packed_with_initial_state_is_permuted():
    torch = pytest.importorskip("torch")
    tm, em = _pair(torch, "LSTM", 3, 4)
    x, lengths = _rand(4, 3, 3), [1, 4, 2]
    h = (_rand(1, 3, 4, seed=1), _rand(1, 3, 4, seed=2))
    tp = torch.nn.utils.rnn.pack_padded_sequence(torch.tensor(x), lengths, enforce_sorted=False)
    ep = rnn_utils.pack_padded_sequence(_e(x, False), lengths, enforce_sorted=False)
    _, (th, tc) = tm(tp, tuple(torch.tensor(a) for a in h))
    _, (eh, ec) = em(ep, tuple(_e(a, False) for a in h))
    _close(eh, th)
    _close(ec, tc)


def test_dropout_between_layers_only_in_training():
    m = nn.LSTM(3, 4, num_layers=2, dropout=0.5).double()
    x = _e(_rand(5, 2, 3), False)
    m.eval()
    a, _ = m(x)
    b, _ = m(x)
    _close(a, b, 0)
    m.train()
    ember.manual_seed(0) if hasattr(ember, "manual_seed") else None
    outs = [m(x)[0].detach().numpy() for _ in range(3)]
    assert not np.allclose(outs[0], outs[1])


def test_dropout_warning_single_layer():
    with pytest.warns(UserWarning, match="num_layers greater than 1"):
        nn.GRU(3, 4, dropout=0.2)


# -- cells ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind,kw", [("LSTMCell", {}), ("GRUCell", {}), ("RNNCell", dict(nonlinearity="relu")),
                                     ("RNNCell", dict(bias=False))])
def test_cell_parity(kind, kw):
    torch = pytest.importorskip("torch")
    tm, em = _pair(torch, kind, 4, 5, **kw)
    x, h = _rand(3, 4), _rand(3, 5, seed=1)
    tx, ex = torch.tensor(x, requires_grad=True), _e(x)
    th, eh = torch.tensor(h, requires_grad=True), _e(h)
    if kind == "LSTMCell":
        c = _rand(3, 5, seed=2)
        tc, ec = torch.tensor(c, requires_grad=True), _e(c)
        to, eo = tm(tx, (th, tc)), em(ex, (eh, ec))
        _close(eo[0], to[0])
        _close(eo[1], to[1])
        _check_grads(torch, tm, em, list(to), list(eo), [tx, th, tc], [ex, eh, ec])
    else:
        to, eo = tm(tx, th), em(ex, eh)
        _close(eo, to)
        _check_grads(torch, tm, em, to, eo, [tx, th], [ex, eh])
    # unbatched and default state
    ub = em(_e(x[0], False))
    assert (ub[0] if kind == "LSTMCell" else ub).shape == (5,)


# -- the fused layer: gradcheck, double backward, reference ----------------------------------------------------
@pytest.mark.parametrize("mode", ["LSTM", "GRU", "RNN_TANH", "RNN_RELU"])
@pytest.mark.parametrize("packed", [False, True])
def test_fused_layer_gradcheck(mode, packed):
    G = {"LSTM": 4, "GRU": 3}.get(mode, 1)
    H, I = 3, 2
    bs = (3, 2, 2, 1) if packed else None
    x = _e(_rand(8, I) if packed else _rand(4, 3, I))
    h0, c0 = _e(_rand(3, H, seed=1)), (_e(_rand(3, H, seed=2)) if mode == "LSTM" else None)
    ws = [_e(_rand(G * H, I, seed=3) * 0.5), _e(_rand(G * H, H, seed=4) * 0.5), _e(_rand(G * H, seed=5)),
          _e(_rand(G * H, seed=6))]
    ins = [x, h0] + ([c0] if c0 is not None else []) + ws
    for reverse in (False, True):
        def f(*args):
            it = iter(args)
            xx, hh = next(it), next(it)
            cc = next(it) if c0 is not None else None
            return rnn_layer(mode, xx, hh, cc, *it, batch_sizes=bs, reverse=reverse)

        assert ember.autograd.gradcheck(f, tuple(ins))
        fused = f(*ins)
        ref = layer_reference(mode, x, h0, c0, *ws, batch_sizes=bs, reverse=reverse)
        for a, b in zip(fused, ref):
            _close(a, b, 1e-12)


@pytest.mark.parametrize("kernels", [True, False])
@pytest.mark.parametrize("proj", [False, True])
def test_lstm_step_kernels_and_numpy_path_agree(monkeypatch, kernels, proj):
    """The numba step kernels (when numba is installed) and the plain-array fallback give the same gradients."""
    from ember.nn.functional import _rnn

    if kernels:
        pytest.importorskip("numba")
    else:
        monkeypatch.setattr(_rnn, "_KERNELS", [None])
    H, I = 3, 2
    bs = (3, 2, 2, 1)
    x = _e(_rand(8, I))
    h0, c0 = _e(_rand(3, 2 if proj else H, seed=1)), _e(_rand(3, H, seed=2))
    ws = [_e(_rand(4 * H, I, seed=3) * 0.5), _e(_rand(4 * H, 2 if proj else H, seed=4) * 0.5),
          _e(_rand(4 * H, seed=5)), _e(_rand(4 * H, seed=6)), _e(_rand(2, H, seed=7)) if proj else None]
    ins = [t for t in [x, h0, c0] + ws if t is not None]
    for reverse in (False, True):
        fused = rnn_layer("LSTM", x, h0, c0, *ws, batch_sizes=bs, reverse=reverse)
        ref = layer_reference("LSTM", x, h0, c0, *ws, batch_sizes=bs, reverse=reverse)
        loss_f = sum((o * _e(_rand(*o.shape, seed=9 + k), False)).sum() for k, o in enumerate(fused))
        loss_r = sum((o * _e(_rand(*o.shape, seed=9 + k), False)).sum() for k, o in enumerate(ref))
        for a, b in zip(ember.autograd.grad(loss_f, ins), ember.autograd.grad(loss_r, ins)):
            _close(a, b, 1e-12)
    # float32 (the kernels compile per dtype): stays float32 and close to the float64 result
    x32 = ember.tensor(_rand(4, 3, I).astype(np.float32))
    w32 = [None if w is None else ember.tensor(w.detach().numpy().astype(np.float32)).requires_grad_()
           for w in ws]
    h32, c32 = (ember.tensor(t.detach().numpy().astype(np.float32)) for t in (h0, c0))
    out32 = rnn_layer("LSTM", x32, h32, c32, *w32)[0]
    out32.sum().backward()
    assert out32.dtype == ember.float32 and w32[1].grad.dtype == ember.float32
    out64 = rnn_layer("LSTM", x32.double(), h32.double(), c32.double(), *(None if w is None else w.detach().double()
                                                                          for w in w32))[0]
    _close(out32.double(), out64, 1e-5)


def test_fused_layer_double_backward_matches_reference():
    x = _e(_rand(3, 2, 2))
    h0, c0 = _e(_rand(2, 2, seed=1)), _e(_rand(2, 3, seed=2))
    # LSTM with a projection (proj 2, hidden 3) and no hidden-hidden bias
    ws = [_e(_rand(12, 2, seed=3) * 0.5), _e(_rand(12, 2, seed=4) * 0.5), _e(_rand(12, seed=5)), None,
          _e(_rand(2, 3, seed=6))]

    def run(fn):
        out, h, c = fn("LSTM", x, h0, c0, *ws)
        gx, = ember.autograd.grad((out * out).sum() + c.sum(), [x], create_graph=True)
        return ember.autograd.grad((gx * gx).sum(), [ws[1]])[0]

    _close(run(rnn_layer), run(layer_reference), 1e-10)
    w_ih = _e(_rand(6, 2, seed=7), False)
    assert ember.autograd.gradgradcheck(lambda a, hh, w: rnn_layer("GRU", a, hh, None, w_ih, w)[0],
                                        (x, h0, _e(_rand(6, 2, seed=8))))


# -- packing utilities ----------------------------------------------------------------------------------------
def test_pad_sequence_and_unpad_match_torch():
    torch = pytest.importorskip("torch")
    seqs = [_rand(3, 2), _rand(5, 2, seed=1), _rand(1, 2, seed=2)]
    for bf in (False, True):
        for side in ("right", "left"):
            t = torch.nn.utils.rnn.pad_sequence([torch.tensor(s) for s in seqs], batch_first=bf, padding_value=-1.0,
                                                padding_side=side)
            e = rnn_utils.pad_sequence([_e(s, False) for s in seqs], batch_first=bf, padding_value=-1.0,
                                       padding_side=side)
            _close(e, t, 0)
    es = [_e(s) for s in seqs]
    padded = rnn_utils.pad_sequence(es, batch_first=True)
    back = rnn_utils.unpad_sequence(padded, ember.tensor([3, 5, 1]), batch_first=True)
    for a, b in zip(back, seqs):
        _close(a, b, 0)
    (padded * ember.tensor(_rand(*padded.shape, seed=9))).sum().backward()
    assert es[1].grad.shape == (5, 2)


def test_pack_sequence_roundtrip_and_to():
    seqs = [_e(_rand(2, 3), False), _e(_rand(4, 3, seed=1), False), _e(_rand(3, 3, seed=2), False)]
    p = rnn_utils.pack_sequence(seqs, enforce_sorted=False)
    assert p.batch_sizes.tolist() == [3, 3, 2, 1]
    assert p.sorted_indices.tolist() == [1, 2, 0] and p.unsorted_indices.tolist() == [2, 0, 1]
    for a, b in zip(rnn_utils.unpack_sequence(p), seqs):
        _close(a, b, 0)
    q = p.to(ember.float32)
    assert q.data.dtype == ember.float32 and q.batch_sizes is p.batch_sizes
    assert p.to(ember.float64) is p
    assert p.float().data.dtype == ember.float32
    assert isinstance(p, tuple) and p._fields == ("data", "batch_sizes", "sorted_indices", "unsorted_indices")


def test_pack_padded_gradient_flows_to_padded_input():
    x = _e(_rand(4, 2, 3))
    p = rnn_utils.pack_padded_sequence(x, [4, 2])
    p.data.sum().backward()
    g = x.grad.numpy()
    assert g[:, 0].sum() == 12 and g[:2, 1].sum() == 6 and g[2:, 1].sum() == 0


def test_packing_errors():
    x = _e(_rand(5, 3, 2), False)
    with pytest.raises(RuntimeError, match="sorted in decreasing order"):
        rnn_utils.pack_padded_sequence(x, [3, 5, 2])
    with pytest.raises(RuntimeError, match="greater than 0"):
        rnn_utils.pack_padded_sequence(x, [5, 3, 0])
    with pytest.raises(RuntimeError, match=r"Expected `len\(lengths\)` to be equal to batch_size"):
        rnn_utils.pack_padded_sequence(x, [5, 3])
    p = rnn_utils.pack_padded_sequence(x, [5, 3, 2])
    with pytest.raises(ValueError, match="total_length=3 and max sequence length being 5"):
        rnn_utils.pad_packed_sequence(p, total_length=3)
    with pytest.raises(RuntimeError, match="padding_side"):
        rnn_utils.pad_sequence([x[0]], padding_side="up")


# -- errors ---------------------------------------------------------------------------------------------------
def test_module_errors():
    m = nn.LSTM(64, 8)
    with pytest.raises(RuntimeError, match="input.size\\(-1\\) must be equal to input_size. Expected 64, got 32"):
        m(ember.randn(5, 2, 32) if hasattr(ember, "randn") else ember.zeros(5, 2, 32))
    with pytest.raises(ValueError, match="Expected input to be 2D or 3D, got 4D"):
        m(ember.zeros(1, 5, 2, 64))
    with pytest.raises(RuntimeError, match=r"Expected hidden\[0\] size \(1, 2, 8\), got \[1, 3, 8\]"):
        m(ember.zeros(5, 2, 64), (ember.zeros(1, 3, 8), ember.zeros(1, 2, 8)))
    with pytest.raises(RuntimeError, match="Expected hidden size \\(1, 2, 8\\), got \\[2, 2, 8\\]"):
        nn.GRU(4, 8)(ember.zeros(5, 2, 4), ember.zeros(2, 2, 8))
    with pytest.raises(ValueError, match="does not match weight dtype"):
        nn.RNN(4, 8)(ember.zeros(5, 2, 4, dtype=ember.float64))
    with pytest.raises(ValueError, match="proj_size has to be smaller than hidden_size"):
        nn.LSTM(4, 8, proj_size=8)
    with pytest.raises(ValueError, match="proj_size argument is only supported for LSTM"):
        nn.GRU(4, 8, proj_size=2)
    with pytest.raises(ValueError, match="Unknown nonlinearity 'gelu'"):
        nn.RNN(4, 8, nonlinearity="gelu")
    with pytest.raises(ValueError, match="dropout should be a number in range"):
        nn.LSTM(4, 8, dropout=1.5)
    with pytest.raises(RuntimeError, match="input has inconsistent input_size: got 5 expected 10"):
        nn.LSTMCell(10, 20)(ember.zeros(3, 5))
    with pytest.raises(RuntimeError, match="hidden0 has inconsistent hidden_size: got 7, expected 20"):
        nn.GRUCell(10, 20)(ember.zeros(3, 10), ember.zeros(3, 7))
    with pytest.raises(RuntimeError, match="Input batch size 3 doesn't match hidden0 batch size 4"):
        nn.RNNCell(10, 20)(ember.zeros(3, 10), ember.zeros(4, 20))


def test_functional_cells_exist():
    x, h = _e(_rand(2, 3), False), _e(_rand(2, 4, seed=1), False)
    w_ih, w_hh = _e(_rand(4, 3, seed=2), False), _e(_rand(4, 4, seed=3), False)
    out = F.rnn_tanh_cell(x, h, w_ih, w_hh)
    _close(out, np.tanh(x.numpy() @ w_ih.numpy().T + h.numpy() @ w_hh.numpy().T), 1e-12)
    _close(F.rnn_relu_cell(x, h, w_ih, w_hh),
           np.maximum(x.numpy() @ w_ih.numpy().T + h.numpy() @ w_hh.numpy().T, 0), 1e-12)
