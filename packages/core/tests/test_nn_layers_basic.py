"""Basic layers and activations vs torch (state_dict, outputs, gradients), gradcheck, init, errors."""
from __future__ import annotations

import math

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.nn import init

# (class name, constructor args, constructor kwargs, input shapes)
LAYERS = [
    ("Identity", (), {}, [(3, 4)]),
    ("Linear", (4, 3), {}, [(2, 5, 4)]),
    ("Linear", (4, 3), dict(bias=False), [(4,)]),
    ("Bilinear", (3, 2, 4), {}, [(5, 3), (5, 2)]),
    ("Flatten", (), {}, [(2, 3, 4)]),
    ("Flatten", (0, 1), {}, [(2, 3, 4)]),
    ("Unflatten", (1, (2, 3)), {}, [(4, 6)]),
    ("ReLU", (), {}, [(3, 4)]),
    ("ReLU6", (), {}, [(3, 4)]),
    ("LeakyReLU", (0.2,), {}, [(3, 4)]),
    ("PReLU", (3,), {}, [(2, 3, 4)]),
    ("PReLU", (), {}, [(3, 4)]),
    ("ELU", (0.5,), {}, [(3, 4)]),
    ("SELU", (), {}, [(3, 4)]),
    ("CELU", (1.5,), {}, [(3, 4)]),
    ("GELU", (), {}, [(3, 4)]),
    ("GELU", (), dict(approximate="tanh"), [(3, 4)]),
    ("SiLU", (), {}, [(3, 4)]),
    ("Mish", (), {}, [(3, 4)]),
    ("Sigmoid", (), {}, [(3, 4)]),
    ("Tanh", (), {}, [(3, 4)]),
    ("Hardtanh", (-0.5, 1.5), {}, [(3, 4)]),
    ("Hardsigmoid", (), {}, [(3, 4)]),
    ("Hardswish", (), {}, [(3, 4)]),
    ("Softplus", (2.0, 5.0), {}, [(3, 4)]),
    ("Softsign", (), {}, [(3, 4)]),
    ("Tanhshrink", (), {}, [(3, 4)]),
    ("Threshold", (0.1, -2.0), {}, [(3, 4)]),
    ("GLU", (), {}, [(3, 4)]),
    ("GLU", (0,), {}, [(4, 3)]),
    ("Softmax", (1,), {}, [(3, 4)]),
    ("LogSoftmax", (-1,), {}, [(2, 3, 4)]),
    ("Softmin", (0,), {}, [(3, 4)]),
    ("Softmax2d", (), {}, [(2, 3, 2, 2)]),
    ("LogSigmoid", (), {}, [(3, 4)]),
    ("Hardshrink", (0.3,), {}, [(3, 4)]),
    ("Softshrink", (0.3,), {}, [(3, 4)]),
    ("RReLU", (), {}, [(3, 4)]),
]


def _ids():
    return [f"{n}-{i}" for i, (n, *_rest) in enumerate(LAYERS)]


def _inputs(shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-3, 3, size=s) for s in shapes]


@pytest.mark.parametrize("name,args,kwargs,shapes", LAYERS, ids=_ids())
def test_layer_matches_torch(name, args, kwargs, shapes):
    torch = pytest.importorskip("torch")
    tm = getattr(torch.nn, name)(*args, **kwargs).double().eval()
    em = getattr(nn, name)(*args, **kwargs).double().eval()
    tsd, esd = tm.state_dict(), em.state_dict()
    assert list(esd) == list(tsd)
    assert [tuple(v.shape) for v in esd.values()] == [tuple(v.shape) for v in tsd.values()]
    assert repr(em) == repr(tm)
    em.load_state_dict({k: ember.tensor(v.numpy()) for k, v in tsd.items()})
    xs = _inputs(shapes)
    tx = [torch.tensor(x, requires_grad=True) for x in xs]
    ex = [ember.tensor(x, requires_grad=True) for x in xs]
    tout, eout = tm(*tx), em(*ex)
    np.testing.assert_allclose(eout.detach().numpy(), tout.detach().numpy(), rtol=1e-10, atol=1e-12)
    g = np.random.default_rng(1).standard_normal(tuple(tout.shape))
    tout.backward(torch.tensor(g))
    eout.backward(ember.tensor(g))
    # torch's hardsigmoid backward multiplies by the float32 constant 1/6: allow float32-level agreement there
    rtol = 1e-7 if name == "Hardsigmoid" else 1e-9
    for a, b in zip(ex, tx):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=rtol, atol=1e-12)
    for (n, p), (_, q) in zip(em.named_parameters(), tm.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=n)


@pytest.mark.parametrize("name,args,kwargs,shapes", LAYERS, ids=_ids())
def test_layer_gradcheck(name, args, kwargs, shapes):
    em = getattr(nn, name)(*args, **kwargs).double().eval()
    params = [p for p in em.parameters()]
    xs = [ember.tensor(x, requires_grad=True) for x in _inputs(shapes, seed=2)]
    n = len(xs)

    def f(*ts):
        with _swap_params(em, ts[n:]):
            return em(*ts[:n])

    assert ember.autograd.gradcheck(f, tuple(xs) + tuple(params))


class _swap_params:
    """Temporarily use the given tensors as the module's parameters (gradcheck perturbs its inputs)."""

    def __init__(self, module, tensors):
        self.module, self.tensors = module, tensors

    def __enter__(self):
        self.saved = []
        for (mod, name), t in zip(_param_slots(self.module), self.tensors):
            self.saved.append((mod, name, mod._parameters[name]))
            mod._parameters[name] = t

    def __exit__(self, *exc):
        for mod, name, p in self.saved:
            mod._parameters[name] = p


def _param_slots(module):
    return [(m, n) for m in module.modules() for n, p in m._parameters.items() if p is not None]


def test_inplace_activations():
    x = ember.tensor([-1.0, 0.5, 2.0])
    y = nn.ReLU(inplace=True)(x)
    assert y is x and x.tolist() == [0.0, 0.5, 2.0]
    x = ember.tensor([-1.0, 0.5, 8.0])
    F.relu6(x, inplace=True)
    assert x.tolist() == [0.0, 0.5, 6.0]
    a = ember.tensor([-1.0, 2.0], requires_grad=True)
    b = a * 1
    F.leaky_relu_(b, 0.5)
    b.sum().backward()
    assert a.grad.tolist() == [0.5, 1.0]
    assert repr(nn.ReLU(inplace=True)) == "ReLU(inplace=True)"


def test_softmax_implicit_dim_warns_and_stable():
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        y = F.softmax(ember.tensor([[1000.0, 0.0]]))
    np.testing.assert_allclose(y.numpy(), [[1.0, 0.0]])
    np.testing.assert_allclose(F.log_softmax(ember.tensor([1000.0, 0.0]), 0).numpy(), [0.0, -1000.0])
    assert F.softmax(ember.tensor([1, 2, 3]), 0, dtype=ember.float64).dtype == ember.float64


def test_one_hot():
    out = F.one_hot(ember.tensor([0, 2, 1]))
    assert out.dtype == ember.int64 and out.tolist() == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    assert F.one_hot(ember.tensor([[1]]), num_classes=4).shape == (1, 1, 4)
    with pytest.raises(RuntimeError, match="LongTensor"):
        F.one_hot(ember.tensor([1.0]))
    with pytest.raises(RuntimeError, match="smaller than num_classes"):
        F.one_hot(ember.tensor([5]), 3)


def test_linear_wrong_features_error_names_module_and_shapes():
    m = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(5, 2))
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(6x3 and 5x2\)") as info:
        m(ember.randn(6, 4))
    note = info.value.__notes__[0]
    assert "'2'" in note and "Linear" in note and "[6, 3]" in note
    with pytest.raises(RuntimeError, match="same dtype"):
        nn.Linear(2, 2)(ember.ones(1, 2, dtype=ember.float64))


def test_linear_default_init_bounds():
    ember.manual_seed(0)
    m = nn.Linear(50, 40)
    bound = 1 / math.sqrt(50)
    w = m.weight.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert np.abs(m.bias.detach().numpy()).max() <= bound
    ember.manual_seed(0)
    m2 = nn.Linear(50, 40)
    np.testing.assert_array_equal(m2.weight.detach().numpy(), w)


def test_init_functions():
    assert init.calculate_gain("relu") == math.sqrt(2)
    assert init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2 / 1.04)
    assert init.calculate_gain("tanh") == 5 / 3 and init.calculate_gain("selu") == 0.75
    with pytest.raises(ValueError, match="Unsupported nonlinearity"):
        init.calculate_gain("swish")
    w = ember.empty(200, 300)
    init.xavier_uniform_(w)
    a = math.sqrt(6 / 500)
    assert float(w.abs().max()) <= a
    init.kaiming_normal_(w, mode="fan_out", nonlinearity="relu")
    assert abs(float(w.std()) - math.sqrt(2 / 200)) < 0.01
    init.trunc_normal_(w, std=2.0, a=-1.0, b=1.0)
    assert float(w.abs().max()) <= 1.0
    init.orthogonal_(w)
    q = w.numpy()
    np.testing.assert_allclose(q @ q.T, np.eye(200), atol=1e-4)
    e = ember.empty(3, 5)
    init.eye_(e)
    np.testing.assert_array_equal(e.numpy(), np.eye(3, 5))
    d = ember.empty(4, 2, 3, 3)
    init.dirac_(d, groups=2)
    assert float(d.sum()) == 4 and float(d[0, 0, 1, 1]) == 1 and float(d[2, 0, 1, 1]) == 1
    init.constant_(e, 0.3)
    assert np.allclose(e.numpy(), 0.3)
    init.zeros_(e)
    init.ones_(e)
    assert float(e.sum()) == 15
    s = ember.empty(10, 4)
    init.sparse_(s, 0.5)
    assert ((s.numpy() == 0).sum(0) >= 5).all()
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(ember.empty(3))
    p = nn.Parameter(ember.empty(3, 3))
    init.normal_(p)
    assert p.requires_grad and p.grad_fn is None
    g1, g2 = ember.Generator().manual_seed(3), ember.Generator().manual_seed(3)
    u1, u2 = ember.empty(4, 4), ember.empty(4, 4)
    init.kaiming_uniform_(u1, generator=g1)
    init.kaiming_uniform_(u2, generator=g2)
    np.testing.assert_array_equal(u1.numpy(), u2.numpy())


def test_lazy_linear_in_sequential_and_state_dict():
    m = nn.Sequential(nn.LazyLinear(4), nn.ReLU(), nn.LazyLinear(2))
    out = m(ember.randn(3, 7))
    assert out.shape == (3, 2) and [tuple(v.shape) for v in m.state_dict().values()] == [(4, 7), (4,), (2, 4), (2,)]


def test_flatten_unflatten_errors():
    with pytest.raises(TypeError, match="unflattened_size"):
        nn.Unflatten(1, 3)
    assert nn.Unflatten(1, (2, 2))(ember.zeros(3, 4)).shape == (3, 2, 2)
    assert repr(nn.Unflatten(1, (2, 2))) == "Unflatten(dim=1, unflattened_size=(2, 2))"
