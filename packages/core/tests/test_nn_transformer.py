"""Attention and transformer modules: parity with torch (outputs and gradients), gradcheck, masks, errors."""
from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F

pytestmark = [pytest.mark.filterwarnings("ignore:Support for mismatched:UserWarning"),
              pytest.mark.filterwarnings("ignore:enable_nested_tensor is True:UserWarning")]


def _rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def _e(a, grad=True):
    t = ember.tensor(np.asarray(a))
    return t.requires_grad_(grad) if t.dtype.is_floating_point else t


def _close(a, b, tol=1e-9, msg=""):
    a = a.detach().numpy() if hasattr(a, "detach") else np.asarray(a)
    b = b.detach().numpy() if hasattr(b, "detach") else np.asarray(b)
    assert a.shape == b.shape, (msg, a.shape, b.shape)
    np.testing.assert_allclose(a, b, atol=tol, rtol=tol, err_msg=msg, equal_nan=True)


def _pair(torch, cls, *args, **kwargs):
    tm = getattr(torch.nn, cls)(*args, **kwargs).double()
    em = getattr(nn, cls)(*args, **kwargs).double()
    assert [(k, tuple(v.shape)) for k, v in tm.state_dict().items()] == \
           [(k, tuple(v.shape)) for k, v in em.state_dict().items()]
    em.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    return tm, em


def _backward_both(torch, t_out, e_out, seed=7):
    g = _rand(*t_out.shape, seed=seed)
    (t_out * torch.from_numpy(g)).sum().backward()
    (e_out * ember.tensor(g)).sum().backward()


def _param_grads(tm, em, tol=1e-9):
    tp = dict(tm.named_parameters())
    for name, p in em.named_parameters():
        if tp[name].grad is None:
            assert p.grad is None or np.abs(p.grad.numpy()).max() == 0, name
            continue
        _close(p.grad, tp[name].grad, tol, msg=name)


# -- scaled_dot_product_attention ---------------------------------------------------------------------------
def _sdpa_case(torch, q, k, v, **kw):
    eq, ek, ev = _e(q), _e(k), _e(v)
    tq, tk, tv = (torch.tensor(a, requires_grad=True) for a in (q, k, v))
    ekw = {n: (_e(a) if isinstance(a, np.ndarray) else a) for n, a in kw.items()}
    tkw = {n: (torch.tensor(a, requires_grad=a.dtype.kind == "f") if isinstance(a, np.ndarray) else a)
           for n, a in kw.items()}
    eo = F.scaled_dot_product_attention(eq, ek, ev, **ekw)
    to = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, **tkw)
    _close(eo, to)
    _backward_both(torch, to, eo)
    for a, b in [(eq, tq), (ek, tk), (ev, tv)]:
        _close(a.grad, b.grad)
    m = kw.get("attn_mask")
    if isinstance(m, np.ndarray) and m.dtype.kind == "f":
        _close(ekw["attn_mask"].grad, tkw["attn_mask"].grad)


@pytest.mark.parametrize("case", ["plain", "float_mask", "bool_mask", "causal", "scale", "gqa", "3d"])
def test_sdpa_parity(case):
    torch = pytest.importorskip("torch")
    q, k, v = _rand(2, 4, 5, 6), _rand(2, 4, 7, 6, seed=1), _rand(2, 4, 7, 3, seed=2)
    kw = {}
    if case == "float_mask":
        kw["attn_mask"] = _rand(5, 7, seed=3)
    elif case == "bool_mask":
        m = np.random.default_rng(4).random((2, 1, 5, 7)) > 0.4
        m[0, 0, 2] = False  # a fully masked row: torch's safe softmax gives zeros
        kw["attn_mask"] = m
    elif case == "causal":
        kw["is_causal"] = True
    elif case == "scale":
        kw["scale"] = 0.37
    elif case == "gqa":
        k, v = k[:, :2], v[:, :2]
        kw["enable_gqa"] = True
    elif case == "3d":
        q, k, v = q[0], k[0], v[0]
    _sdpa_case(torch, q, k, v, **kw)


def test_sdpa_gradcheck_and_gradgradcheck():
    q, k, v = _e(_rand(2, 3, 4)), _e(_rand(2, 5, 4, seed=1)), _e(_rand(2, 5, 2, seed=2))
    m = _e(_rand(3, 5, seed=3))
    f = lambda a, b, c, mm: F.scaled_dot_product_attention(a, b, c, attn_mask=mm)  # noqa: E731
    assert ember.autograd.gradcheck(f, (q, k, v, m))
    assert ember.autograd.gradgradcheck(f, (q, k, v, m))
    assert ember.autograd.gradcheck(lambda a, b, c: F.scaled_dot_product_attention(a, b, c, is_causal=True),
                                    (q, k, v))


def test_sdpa_dropout_scales_kept_weights():
    ember.manual_seed(0)
    q = ember.zeros(1, 200, 4, dtype=ember.float64)
    v = ember.ones(1, 50, 3, dtype=ember.float64)
    out = F.scaled_dot_product_attention(q, ember.zeros(1, 50, 4, dtype=ember.float64), v, dropout_p=0.5)
    # uniform attention 1/50 per key; kept keys count 2x: the row mean stays ~1
    assert abs(out.numpy().mean() - 1.0) < 0.1 and out.numpy().std() > 0.05


def test_sdpa_errors():
    q = ember.zeros(2, 3, 4)
    with pytest.raises(RuntimeError, match="last dimension of query"):
        F.scaled_dot_product_attention(q, ember.zeros(2, 3, 5), ember.zeros(2, 3, 5))
    with pytest.raises(RuntimeError, match="should not be set when is_causal=True"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=ember.zeros(3, 3), is_causal=True)


# -- MultiheadAttention ---------------------------------------------------------------------------------------
MHA_CASES = {
    "self": (dict(), dict()),
    "masks": (dict(), dict(masks=True)),
    "masks_per_head": (dict(), dict(masks=True, per_head=True, average=False)),
    "bool_attn_mask": (dict(), dict(bool_mask=True)),
    "kdim_vdim": (dict(kdim=3, vdim=5), dict(cross=True)),
    "no_bias": (dict(bias=False), dict()),
    "bias_kv_zero_attn": (dict(add_bias_kv=True, add_zero_attn=True), dict(masks=True)),
    "batch_first": (dict(batch_first=True), dict(masks=True)),
    "no_weights": (dict(), dict(masks=True, need_weights=False)),
    "causal": (dict(), dict(causal=True, need_weights=False)),
}


@pytest.mark.parametrize("name", list(MHA_CASES))
def test_mha_parity(name):
    torch = pytest.importorskip("torch")
    ctor, opts = MHA_CASES[name]
    tm, em = _pair(torch, "MultiheadAttention", 8, 2, **ctor)
    L, S, N = 4, 5, 3
    bf = ctor.get("batch_first", False)
    shape_q = (N, L, 8) if bf else (L, N, 8)
    q = _rand(*shape_q)
    if opts.get("cross"):
        k = _rand(*((N, S, 3) if bf else (S, N, 3)), seed=1)
        v = _rand(*((N, S, 5) if bf else (S, N, 5)), seed=2)
    else:
        S = L
        k = v = None
    call = {}
    if opts.get("masks"):
        kpm = np.zeros((N, S), bool)
        kpm[1, -2:] = True
        am = _rand(N * 2, L, S, seed=3) if opts.get("per_head") else _rand(L, S, seed=3)
        call.update(key_padding_mask=kpm, attn_mask=am)
    if opts.get("bool_mask"):
        call["attn_mask"] = np.triu(np.ones((L, S), bool), 1)
    if opts.get("causal"):
        call.update(attn_mask=np.triu(np.full((L, S), -np.inf), 1), is_causal=True)
    if "average" in opts:
        call["average_attn_weights"] = opts["average"]
    call["need_weights"] = opts.get("need_weights", True)
    tq = torch.tensor(q, requires_grad=True)
    eq = _e(q)
    tk, ek = (torch.tensor(k, requires_grad=True), _e(k)) if k is not None else (tq, eq)
    tv, ev = (torch.tensor(v, requires_grad=True), _e(v)) if v is not None else (tq, eq)
    tc = {a: (torch.tensor(b) if isinstance(b, np.ndarray) else b) for a, b in call.items()}
    ec = {a: (_e(b, False) if isinstance(b, np.ndarray) else b) for a, b in call.items()}
    to, tw = tm(tq, tk, tv, **tc)
    eo, ew = em(eq, ek, ev, **ec)
    _close(eo, to)
    if tw is None:
        assert ew is None
    else:
        _close(ew, tw)
    _backward_both(torch, to, eo)
    _close(eq.grad, tq.grad)
    if k is not None:
        _close(ek.grad, tk.grad)
        _close(ev.grad, tv.grad)
    _param_grads(tm, em)


def test_mha_unbatched_and_init():
    torch = pytest.importorskip("torch")
    tm, em = _pair(torch, "MultiheadAttention", 6, 3)
    x = _rand(4, 6)
    to, tw = tm(torch.tensor(x), torch.tensor(x), torch.tensor(x))
    eo, ew = em(_e(x, False), _e(x, False), _e(x, False))
    _close(eo, to)
    _close(ew, tw)
    m = nn.MultiheadAttention(6, 3, kdim=2, add_bias_kv=True)
    assert m.in_proj_weight is None and m.q_proj_weight.shape == (6, 6) and m.k_proj_weight.shape == (6, 2)
    assert np.all(m.in_proj_bias.detach().numpy() == 0) and np.all(m.out_proj.bias.detach().numpy() == 0)
    assert m.bias_k.shape == (1, 1, 6)
    bound = np.sqrt(6.0 / (6 + 6))
    assert np.abs(m.q_proj_weight.detach().numpy()).max() <= bound
    assert isinstance(m.out_proj, nn.Linear)


def test_mha_errors():
    m = nn.MultiheadAttention(8, 2)
    x = ember.zeros(4, 3, 8)
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(8, 3)
    with pytest.raises(ValueError, match="embed_dim and num_heads must be greater than 0"):
        nn.MultiheadAttention(0, 2)
    with pytest.raises(RuntimeError, match=r"The shape of the 2D attn_mask is .*, but should be \(4, 4\)"):
        m(x, x, x, attn_mask=ember.zeros(4, 5))
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        m(x, x, x, is_causal=True)
    with pytest.raises(AssertionError, match="was expecting embedding dimension of 8, but got 6"):
        m(ember.zeros(4, 3, 6), ember.zeros(4, 3, 6), ember.zeros(4, 3, 6))
    with pytest.raises(AssertionError, match="query should be unbatched 2D or batched 3D"):
        m(ember.zeros(1, 4, 3, 8), x, x)


# -- Transformer layers ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kw", [dict(), dict(norm_first=True), dict(activation="gelu", batch_first=True),
                                dict(bias=False)])
def test_encoder_parity_with_masks(kw):
    torch = pytest.importorskip("torch")
    tl = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, **kw)
    tm = torch.nn.TransformerEncoder(tl, 2, norm=torch.nn.LayerNorm(8), enable_nested_tensor=False).double()
    el = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, **kw)
    em = nn.TransformerEncoder(el, 2, norm=nn.LayerNorm(8)).double()
    assert list(tm.state_dict()) == list(em.state_dict())
    em.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    bf = kw.get("batch_first", False)
    x = _rand(*((3, 5, 8) if bf else (5, 3, 8)))
    kpm = np.zeros((3, 5), bool)
    kpm[2, 3:] = True
    mask = np.triu(np.full((5, 5), -np.inf), 1)
    tx, ex = torch.tensor(x, requires_grad=True), _e(x)
    to = tm(tx, mask=torch.tensor(mask), src_key_padding_mask=torch.tensor(kpm))
    eo = em(ex, mask=_e(mask, False), src_key_padding_mask=_e(kpm, False))
    _close(eo, to)
    _backward_both(torch, to, eo)
    _close(ex.grad, tx.grad)
    _param_grads(tm, em)


@pytest.mark.parametrize("kw", [dict(), dict(norm_first=True, batch_first=True)])
def test_decoder_parity_with_masks(kw):
    torch = pytest.importorskip("torch")
    tm = torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, **kw), 2).double()
    em = nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, **kw), 2).double()
    assert list(tm.state_dict()) == list(em.state_dict())
    em.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})
    bf = kw.get("batch_first", False)
    tgt = _rand(*((2, 4, 8) if bf else (4, 2, 8)))
    mem = _rand(*((2, 6, 8) if bf else (6, 2, 8)), seed=1)
    tgt_mask = np.triu(np.full((4, 4), -np.inf), 1)
    mkpm = np.zeros((2, 6), bool)
    mkpm[0, 4:] = True
    tt, et = torch.tensor(tgt, requires_grad=True), _e(tgt)
    tmm, emm = torch.tensor(mem, requires_grad=True), _e(mem)
    to = tm(tt, tmm, tgt_mask=torch.tensor(tgt_mask), memory_key_padding_mask=torch.tensor(mkpm))
    eo = em(et, emm, tgt_mask=_e(tgt_mask, False), memory_key_padding_mask=_e(mkpm, False))
    _close(eo, to)
    _backward_both(torch, to, eo)
    _close(et.grad, tt.grad)
    _close(emm.grad, tmm.grad)
    _param_grads(tm, em)


def test_full_transformer_parity():
    torch = pytest.importorskip("torch")
    kw = dict(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=2, dim_feedforward=12, dropout=0.0)
    tm, em = _pair(torch, "Transformer", **kw)
    src, tgt = _rand(5, 2, 8), _rand(3, 2, 8, seed=1)
    mask = nn.Transformer.generate_square_subsequent_mask(3, dtype=ember.float64)
    _close(mask, torch.nn.Transformer.generate_square_subsequent_mask(3, dtype=torch.float64), 0)
    to = tm(torch.tensor(src), torch.tensor(tgt), tgt_mask=torch.tensor(mask.numpy()))
    eo = em(_e(src, False), _e(tgt, False), tgt_mask=mask)
    _close(eo, to)
    _backward_both(torch, to, eo)
    _param_grads(tm, em)


def test_transformer_init_and_errors():
    m = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=8)
    w = m.encoder.layers[0].linear1.weight.detach().numpy()
    assert np.abs(w).max() <= np.sqrt(6.0 / (8 + 8)) + 1e-7
    assert m.encoder.norm is not None and len(m.decoder.layers) == 1
    mask = nn.Transformer.generate_square_subsequent_mask(3)
    assert mask.dtype == ember.float32 and mask.numpy()[0, 1] == -np.inf and mask.numpy()[1, 0] == 0
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        m(ember.zeros(4, 2, 8), ember.zeros(3, 3, 8))
    with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal to d_model"):
        m(ember.zeros(4, 2, 6), ember.zeros(3, 2, 6))
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")


def test_encoder_layer_dropout_train_vs_eval():
    layer = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.5).double()
    x = _e(_rand(4, 2, 8), False)
    layer.eval()
    _close(layer(x), layer(x), 0)
    layer.train()
    assert not np.allclose(layer(x).detach().numpy(), layer(x).detach().numpy())
