"""API gaps found by tools/api_coverage.py: in-place view ops, complex views, stft methods, binomial, distance
modules, gumbel_softmax, conv/linear-BN fusion, stateless.functional_call, LazyConvNd, saved-tensor hooks, Variable,
eig/matrix_exp backward parity. Op-level forward/gradcheck/errors/parity live in the OpInfo tables."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F


def _t(a, rg=False):
    return ember.tensor(np.asarray(a, dtype=np.float64), requires_grad=rg)


# -- in-place view ops ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name,args,shape", [("t_", (), (3, 2)), ("transpose_", (0, 1), (3, 2)),
                                             ("swapdims_", (1, 0), (3, 2)), ("unsqueeze_", (1,), (2, 1, 3)),
                                             ("squeeze_", (), (2, 3))])
def test_inplace_view_ops_change_shape_share_storage_and_bump_version(name, args, shape):
    base = ember.arange(6.0).reshape(2, 3)
    x = base.clone()
    alias = x.view(-1)
    v0 = x._version
    out = getattr(x, name)(*args)
    assert out is x and tuple(x.shape) == shape and x._version == v0 + 1
    alias[0] = 100.0  # same storage: writes through the old alias are visible
    assert float(x.reshape(-1)[0]) == 100.0


def test_inplace_view_ops_autograd_matches_torch():
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(0).standard_normal((2, 3))
    g = np.random.default_rng(1).standard_normal((1, 3, 2))
    res = []
    for m in (ember, torch):
        x = m.tensor(a, requires_grad=True)
        y = x * 2
        y.t_()
        y.unsqueeze_(0)
        (y * m.tensor(g)).sum().backward()
        res.append((tuple(y.shape), x.grad.numpy(), y._version))
    assert res[0][0] == res[1][0] and res[0][2] == res[1][2]
    np.testing.assert_allclose(res[0][1], res[1][1])


def test_inplace_view_op_on_leaf_requiring_grad_raises():
    x = ember.randn(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        x.t_()
    with ember.no_grad():
        x.t_()
    assert tuple(x.shape) == (3, 2)


def test_inplace_view_op_on_view_keeps_base_link():
    base = ember.zeros(2, 3)
    v = base[0]
    v.unsqueeze_(0)
    assert tuple(v.shape) == (1, 3) and v._base is base
    v[0, 1] = 5.0
    assert float(base[0, 1]) == 5.0


# -- complex <-> real views -----------------------------------------------------------------------------------
def test_view_as_real_shares_storage_and_version():
    z = ember.tensor(np.array([1 + 2j, 3 - 4j]))
    r = ember.view_as_real(z)
    assert tuple(r.shape) == (2, 2) and r.dtype == ember.float64
    r[1, 1] = 7.0
    assert complex(z[1].item()) == 3 + 7j
    c = ember.view_as_complex(r)
    c[0] = 9 + 9j
    assert complex(z[0].item()) == 9 + 9j and z._version == r._version == c._version
    with pytest.raises(RuntimeError, match="view_as_real is only supported for complex tensors"):
        ember.view_as_real(ember.zeros(2))
    with pytest.raises(RuntimeError, match="stride divisible by 2"):
        ember.view_as_complex(ember.zeros(2, 3)[:, :2])


def test_narrow_copy_negative_start_is_a_copy():
    x = ember.arange(10.0).reshape(2, 5)
    y = ember.narrow_copy(x, -1, -3, 3)
    np.testing.assert_array_equal(y.numpy(), x.numpy()[:, 2:5])
    y[0, 0] = -1
    assert float(x[0, 2]) == 2.0


# -- stft/istft methods -----------------------------------------------------------------------------------------
def test_stft_istft_methods_match_functions():
    x = ember.randn(2, 64)
    w = ember.hann_window(16)
    s = x.stft(16, hop_length=4, window=w, return_complex=True)
    np.testing.assert_allclose(s.numpy(), ember.stft(x, 16, hop_length=4, window=w, return_complex=True).numpy())
    back = s.istft(16, hop_length=4, window=w, length=64)
    np.testing.assert_allclose(back.numpy(), x.numpy(), atol=1e-5)


# -- random.binomial --------------------------------------------------------------------------------------------
def test_binomial_moments_dtype_and_generator():
    count, prob = ember.full((20000,), 10.0), ember.full((20000,), 0.3)
    ember.manual_seed(0)
    s = ember.binomial(count, prob)
    assert s.dtype == ember.float32 and float(s.min()) >= 0 and float(s.max()) <= 10
    assert abs(float(s.mean()) - 3.0) < 0.05 and abs(float(s.var()) - 2.1) < 0.1
    g = ember.Generator().manual_seed(5)
    a = ember.binomial(count, prob, g)
    g.manual_seed(5)
    assert bool((a == ember.binomial(count, prob, generator=g)).all())
    edge = ember.binomial(ember.tensor([4.0, 4.0]), ember.tensor([0.0, 1.0]))
    np.testing.assert_array_equal(edge.numpy(), [0.0, 4.0])
    with pytest.raises(ValueError, match="binomial only supports floating-point dtypes for count, got: Long"):
        ember.binomial(ember.tensor([5, 3]), ember.tensor([0.5, 0.2]))


# -- nn: distance modules, gumbel_softmax, fusion, stateless, lazy convs -----------------------------------------
def test_distance_modules_match_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    for em, tm in [(nn.CosineSimilarity(), torch.nn.CosineSimilarity()),
                   (nn.CosineSimilarity(dim=0, eps=1e-3), torch.nn.CosineSimilarity(dim=0, eps=1e-3)),
                   (nn.PairwiseDistance(), torch.nn.PairwiseDistance()),
                   (nn.PairwiseDistance(p=1.0, keepdim=True), torch.nn.PairwiseDistance(p=1.0, keepdim=True))]:
        ea, eb = _t(a, True), _t(b, True)
        ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
        eo, to = em(ea, eb), tm(ta, tb)
        np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=1e-6)
        eo.sum().backward()
        to.sum().backward()
        np.testing.assert_allclose(ea.grad.numpy(), ta.grad.numpy(), rtol=1e-6, atol=1e-9)
    assert repr(nn.PairwiseDistance()) == "PairwiseDistance()"


def test_gumbel_softmax_soft_and_straight_through():
    logits = ember.randn(8, 5, requires_grad=True)
    soft = F.gumbel_softmax(logits, tau=0.5)
    np.testing.assert_allclose(soft.sum(-1).detach().numpy(), np.ones(8), rtol=1e-5)
    hard = F.gumbel_softmax(logits, tau=0.5, hard=True, dim=-1)
    h = hard.detach().numpy()
    assert set(np.unique(h)) <= {0.0, 1.0} and (h.sum(-1) == 1).all()
    w = ember.randn(8, 5)
    (hard * w).sum().backward()
    assert logits.grad is not None and float(logits.grad.abs().sum()) > 0  # gradient of the soft sample
    with pytest.warns(UserWarning, match="`eps` parameter is deprecated"):
        F.gumbel_softmax(logits, eps=1e-5)


def test_gumbel_softmax_samples_follow_the_softmax():
    ember.manual_seed(0)
    logits = ember.tensor([[0.0, 1.0, 2.0]]).expand(20000, 3)
    counts = F.gumbel_softmax(logits, hard=True).sum(0).numpy() / 20000
    np.testing.assert_allclose(counts, np.exp([0, 1, 2]) / np.exp([0, 1, 2]).sum(), atol=0.02)


@pytest.mark.parametrize("conv_cls,bn_cls,shape,transpose", [
    (nn.Conv2d, nn.BatchNorm2d, (2, 3, 6, 6), False), (nn.Conv1d, nn.BatchNorm1d, (2, 3, 9), False),
    (nn.ConvTranspose2d, nn.BatchNorm2d, (2, 3, 4, 4), True)])
def test_fuse_conv_bn_eval_matches_unfused(conv_cls, bn_cls, shape, transpose):
    conv, bn = conv_cls(3, 4, 3), bn_cls(4)
    with ember.no_grad():
        bn.running_mean.normal_()
        bn.running_var.uniform_(0.5, 2.0)
        bn.weight.normal_()
        bn.bias.normal_()
    conv.eval()
    bn.eval()
    fused = nn.utils.fuse_conv_bn_eval(conv, bn, transpose=transpose)
    x = ember.randn(*shape)
    np.testing.assert_allclose(fused(x).detach().numpy(), bn(conv(x)).detach().numpy(), atol=1e-5)
    assert isinstance(fused.weight, nn.Parameter) and fused is not conv
    conv.train()
    with pytest.raises(AssertionError, match="Fusion only for eval"):
        nn.utils.fuse_conv_bn_eval(conv, bn)


def test_fuse_linear_bn_eval_matches_unfused():
    lin, bn = nn.Linear(5, 4, bias=False), nn.BatchNorm1d(4)
    with ember.no_grad():
        bn.running_mean.normal_()
        bn.running_var.uniform_(0.5, 2.0)
    lin.eval()
    bn.eval()
    fused = nn.utils.fuse_linear_bn_eval(lin, bn)
    x = ember.randn(3, 5)
    np.testing.assert_allclose(fused(x).detach().numpy(), bn(lin(x)).detach().numpy(), atol=1e-5)


def test_stateless_functional_call_delegates_with_warning():
    lin = nn.Linear(3, 2)
    x = ember.randn(4, 3)
    w, b = ember.zeros(2, 3), ember.ones(2)
    with pytest.warns(FutureWarning, match="stateless.functional_call is deprecated"):
        y = nn.utils.stateless.functional_call(lin, {"weight": w, "bias": b}, (x,))
    np.testing.assert_array_equal(y.detach().numpy(), np.ones((4, 2)))
    assert lin.weight.shape == (2, 3) and not bool((lin.weight == 0).all())


@pytest.mark.parametrize("cls,eager,shape", [(nn.LazyConv1d, nn.Conv1d, (2, 3, 8)),
                                             (nn.LazyConv2d, nn.Conv2d, (2, 3, 6, 6)),
                                             (nn.LazyConv3d, nn.Conv3d, (1, 2, 4, 4, 4)),
                                             (nn.LazyConv2d, nn.Conv2d, (3, 6, 6))])
def test_lazy_conv_infers_in_channels(cls, eager, shape):
    m = cls(4, 3, padding=1, groups=1)
    assert m.has_uninitialized_params()
    y = m(ember.randn(*shape))
    cin = shape[0] if len(shape) == m._n + 1 else shape[1]
    assert type(m) is eager and m.in_channels == cin and m.weight.shape == (4, cin) + (3,) * m._n
    assert y.shape[-m._n - 1] == 4
    assert isinstance(m.weight, nn.Parameter)


# -- saved tensor hooks, Variable ------------------------------------------------------------------------------
def test_saved_tensors_hooks_pack_unpack_counts_match_torch():
    torch = pytest.importorskip("torch")
    counts = []
    for m in (ember, torch):
        log = []

        def pack(t, log=log):
            log.append("p")
            return t * 1

        def unpack(t, log=log):
            log.append("u")
            return t

        x = m.tensor([0.5, -1.0, 2.0], requires_grad=True)
        with m.autograd.graph.saved_tensors_hooks(pack, unpack):
            y = (x * x).exp().sum()
        n_pack = len(log)
        y.backward()
        counts.append((n_pack, log.count("u"), x.grad.numpy().copy()))
    assert counts[0][:2] == counts[1][:2]
    np.testing.assert_allclose(counts[0][2], counts[1][2])


def test_saved_tensors_hooks_values_used_and_nesting():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    with ember.autograd.graph.saved_tensors_hooks(lambda t: t * 0 + 3.0, lambda t: t):  # backward sees 3s
        y = (x * x).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 6.0])
    outer = []
    with ember.autograd.graph.saved_tensors_hooks(lambda t: outer.append(1) or t, lambda t: t):
        with ember.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            x.exp()
        x.exp()
    assert outer == [1]
    from ember.autograd._saved_hooks import HOOKS

    assert HOOKS == []


def test_save_on_cpu_gradients_and_double_backward():
    rng = np.random.default_rng(0)
    a = rng.standard_normal(4)
    x = _t(a, True)
    with ember.autograd.graph.save_on_cpu(pin_memory=False):
        y = (x.sin() * x).exp().sum()
    g, = ember.autograd.grad(y, x, create_graph=True)
    gg, = ember.autograd.grad(g.sum(), x)
    x2 = _t(a, True)
    y2 = (x2.sin() * x2).exp().sum()
    g2, = ember.autograd.grad(y2, x2, create_graph=True)
    gg2, = ember.autograd.grad(g2.sum(), x2)
    np.testing.assert_allclose(g.detach().numpy(), g2.detach().numpy())
    np.testing.assert_allclose(gg.numpy(), gg2.numpy())


def test_unpack_hook_must_return_tensor():
    x = ember.tensor([1.0], requires_grad=True)
    with ember.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: "nope"):
        y = (x * x).sum()
    with pytest.raises(TypeError, match="unpack_hook expected to be a Tensor"):
        y.backward()


def test_variable_is_a_deprecated_alias():
    t = ember.ones(2)
    v = ember.autograd.Variable(t, requires_grad=True)
    assert v is t and v.requires_grad and isinstance(t, ember.autograd.Variable)
    assert not isinstance(3, ember.autograd.Variable)
    assert ember.autograd.Variable().numel() == 0


# -- linalg backward parity where the OpInfo harness cannot reach -------------------------------------------
def test_eig_backward_matches_torch_for_phase_invariant_loss():
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(3).standard_normal((4, 4))
    grads = []
    for m in (ember, torch):
        x = m.tensor(a, requires_grad=True)
        w, v = m.linalg.eig(x)
        loss = (w.real * m.tensor([1.0, 2.0, 3.0, 4.0], dtype=m.float64)).sum() + w.imag.pow(2).sum() + \
            v.abs().pow(2).mul(m.arange(4, dtype=m.float64)).sum()
        loss.backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6, atol=1e-8)


def test_eig_backward_rejects_phase_dependent_loss():
    rot = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 2.0]])  # complex eigenvalues +-i
    x = ember.tensor(rot + 0.1 * np.random.default_rng(3).standard_normal((3, 3)), requires_grad=True)
    w, v = ember.linalg.eig(x)
    with pytest.raises(RuntimeError, match="specified up to multiplication by e\\^{i phi}"):
        v.real.sum().backward()


def test_matrix_exp_of_large_norm_and_complex_input_matches_scipy():
    import scipy.linalg as sl

    rng = np.random.default_rng(0)
    a = 20 * rng.standard_normal((3, 3)) / 3
    np.testing.assert_allclose(ember.linalg.matrix_exp(_t(a)).numpy(), sl.expm(a), rtol=1e-8)
    c = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    np.testing.assert_allclose(ember.matrix_exp(ember.tensor(c)).numpy(), sl.expm(c), rtol=1e-8)


def test_lu_factor_ex_reports_singular_pivot():
    a = _t([[1.0, 2.0], [2.0, 4.0]])
    LU, piv, info = ember.linalg.lu_factor_ex(a)
    assert int(info) == 2 and piv.dtype == ember.int32
    with pytest.raises(ember.linalg.LinAlgError, match=r"U\[2,2\] is zero"):
        ember.linalg.lu_factor(a)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        P, L, U = ember.lu_unpack(LU, piv)
    np.testing.assert_allclose((P @ L @ U).numpy(), a.numpy())
