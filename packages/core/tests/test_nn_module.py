"""The module system: attribute routing, iteration, state_dict, hooks, repr, copying, error notes, utils."""
from __future__ import annotations

import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.nn.utils import parametrize


def _t(a, **kw):
    return ember.tensor(np.asarray(a, dtype=np.float64), **kw)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear1 = nn.Linear(4, 6)
        self.act = nn.ReLU()
        self.linear2 = nn.Linear(6, 4)

    def forward(self, x):
        return self.linear2(self.act(self.linear1(x)))


class Encoder(nn.Module):
    def __init__(self, n=4):
        super().__init__()
        self.layers = nn.ModuleList([Block() for _ in range(n)])

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.head = nn.Linear(4, 2)
        self.register_buffer("scale", ember.ones(2))
        self.register_buffer("tmp", ember.zeros(1), persistent=False)

    def forward(self, x):
        return self.head(self.encoder(x)) * self.scale


# -- routing ----------------------------------------------------------------------------------------------
def test_attribute_routing():
    m = nn.Module()
    m.w = nn.Parameter(ember.zeros(3))
    m.sub = nn.Linear(2, 2)
    m.register_buffer("b", ember.ones(2))
    m.plain = 5
    assert set(m._parameters) == {"w"} and set(m._modules) == {"sub"} and set(m._buffers) == {"b"}
    assert m.plain == 5 and "plain" in m.__dict__
    with pytest.raises(TypeError, match="cannot assign 'torch.FloatTensor' as parameter 'w'"):
        m.w = ember.zeros(3)
    m.w = None
    assert m._parameters["w"] is None
    with pytest.raises(TypeError, match="as child module 'sub'"):
        m.sub = 3
    m.b = ember.zeros(2)  # a buffer stays a buffer
    assert "b" in m._buffers
    m.buf2 = nn.Buffer(ember.ones(1), persistent=False)
    assert "buf2" in m._buffers and "buf2" not in m.state_dict()
    del m.sub
    assert "sub" not in m._modules
    with pytest.raises(AttributeError, match="'Module' object has no attribute 'nope'"):
        m.nope
    with pytest.raises(KeyError, match="attribute 'plain' already exists"):
        m.register_buffer("plain", ember.zeros(1))
    with pytest.raises(KeyError, match="contain"):
        m.register_parameter("a.b", None)
    with pytest.raises(TypeError, match="is not a Module subclass"):
        m.add_module("x", 3)


def test_uninitialized_module_errors():
    class Bad(nn.Module):
        def __init__(self):
            self.lin = nn.Linear(2, 2)

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Bad()


def test_iteration_prefix_recurse_duplicates():
    m = Model()
    names = [n for n, _ in m.named_parameters()]
    assert names[:2] == ["encoder.layers.0.linear1.weight", "encoder.layers.0.linear1.bias"]
    assert len(names) == 4 * 4 + 2
    assert [n for n, _ in m.named_parameters(prefix="model", recurse=True)][0] == \
        "model.encoder.layers.0.linear1.weight"
    assert list(m.named_parameters(recurse=False)) == []
    assert [n for n, _ in m.named_buffers()] == ["scale", "tmp"]
    assert [n for n, _ in m.named_children()] == ["encoder", "head"]
    mods = [n for n, _ in m.named_modules()]
    assert mods[:4] == ["", "encoder", "encoder.layers", "encoder.layers.0"]
    # shared parameters/modules are yielded once unless remove_duplicate=False
    shared = nn.Linear(2, 2)
    s = nn.Sequential(shared, shared)
    assert len(list(s.parameters())) == 2
    assert len(list(s.named_parameters(remove_duplicate=False))) == 4
    assert len(list(s.named_modules(remove_duplicate=False))) == 3
    assert len(list(s.modules())) == 2


def test_train_eval_requires_grad_zero_grad():
    m = Model()
    m.eval()
    assert not any(x.training for x in m.modules())
    m.train()
    assert all(x.training for x in m.modules())
    with pytest.raises(ValueError):
        m.train("yes")
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())
    m.requires_grad_(True)
    m(ember.randn(3, 4)).sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.zero_grad(set_to_none=False)
    assert all(float(p.grad.abs().sum()) == 0 for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())


def test_to_dtype_keeps_parameter_identity():
    m = Model()
    w = m.head.weight
    m.double()
    assert m.head.weight is w and w.dtype == ember.float64 and m.scale.dtype == ember.float64
    m.to(ember.float32)
    assert w.dtype == ember.float32
    m.to(dtype=ember.float64, device="cpu")
    assert w.dtype == ember.float64
    m.half().float()
    assert w.dtype == ember.float32
    with pytest.raises(TypeError, match="only accepts floating point"):
        m.to(ember.int64)
    m.to(ember.zeros(1, dtype=ember.float64))
    assert w.dtype == ember.float64
    seen = []
    m.apply(lambda mod: seen.append(type(mod).__name__))
    assert seen[-1] == "Model" and seen[0] == "Linear"


def test_get_submodule_parameter_buffer():
    m = Model()
    assert m.get_submodule("encoder.layers.3.linear1") is m.encoder.layers[3].linear1
    assert m.get_parameter("encoder.layers.1.linear2.bias") is m.encoder.layers[1].linear2.bias
    assert m.get_buffer("scale") is m.scale
    with pytest.raises(AttributeError, match="has no attribute `nope`"):
        m.get_submodule("encoder.nope")
    with pytest.raises(AttributeError, match="is not an nn.Parameter"):
        m.get_parameter("scale")


# -- state dict -------------------------------------------------------------------------------------------
def test_state_dict_keys_and_roundtrip():
    m = Model()
    sd = m.state_dict()
    assert "tmp" not in sd and "scale" in sd
    assert list(sd)[:2] == ["scale", "encoder.layers.0.linear1.weight"]  # own state first, then children
    assert not sd["head.weight"].requires_grad and m.state_dict(keep_vars=True)["head.weight"] is m.head.weight
    m2 = Model()
    res = m2.load_state_dict(sd)
    assert res.missing_keys == [] and res.unexpected_keys == [] and repr(res) == "<All keys matched successfully>"
    x = ember.randn(2, 4)
    np.testing.assert_allclose(m(x).detach().numpy(), m2(x).detach().numpy())


def test_load_state_dict_reports_every_problem_at_once():
    m = nn.Linear(3, 2)
    bad = {"weight": ember.zeros(5, 5), "extra": ember.zeros(1), "more.x": ember.zeros(1)}
    with pytest.raises(RuntimeError) as info:
        m.load_state_dict(bad)
    msg = str(info.value)
    assert msg.startswith("Error(s) in loading state_dict for Linear:\n\t")
    assert 'Missing key(s) in state_dict: "bias".' in msg
    assert 'Unexpected key(s) in state_dict: "extra", "more.x".' in msg
    assert "size mismatch for weight: copying a param with shape torch.Size([5, 5]) from checkpoint, the shape in " \
           "current model is torch.Size([2, 3])." in msg
    res = m.load_state_dict({"weight": ember.ones(2, 3), "extra": ember.zeros(1)}, strict=False)
    assert res.missing_keys == ["bias"] and res.unexpected_keys == ["extra"]
    assert float(m.weight.sum()) == 6.0
    with pytest.raises(TypeError, match="Expected state_dict to be dict-like"):
        m.load_state_dict([1, 2])


def test_load_state_dict_message_matches_torch():
    torch = pytest.importorskip("torch")
    tm = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1))
    em = nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1))
    bad = {"0.weight": np.zeros((4, 4), np.float32), "2.bias": np.zeros(1, np.float32), "9.w": np.zeros(1, np.float32)}
    with pytest.raises(RuntimeError) as te:
        tm.load_state_dict({k: torch.from_numpy(v) for k, v in bad.items()})
    with pytest.raises(RuntimeError) as ee:
        em.load_state_dict({k: ember.tensor(v) for k, v in bad.items()})
    assert str(ee.value) == str(te.value)


def test_load_state_dict_assign_and_hooks():
    m = nn.Linear(2, 2)
    new_w = ember.ones(2, 2)
    m.load_state_dict({"weight": new_w, "bias": ember.zeros(2)}, assign=True)
    assert isinstance(m.weight, nn.Parameter) and float(m.weight.sum()) == 4
    calls = []
    m.register_load_state_dict_post_hook(lambda mod, keys: calls.append(list(keys.missing_keys)))
    m.register_state_dict_post_hook(lambda mod, sd, prefix, meta: sd.__setitem__(prefix + "extra_key", 1))
    assert "extra_key" in m.state_dict()
    m.load_state_dict({"weight": ember.ones(2, 2)}, strict=False)
    assert calls == [["bias"]]


def test_extra_state():
    class WithExtra(nn.Module):
        def __init__(self):
            super().__init__()
            self.value = 3

        def get_extra_state(self):
            return {"value": self.value}

        def set_extra_state(self, state):
            self.value = state["value"]

    a, b = WithExtra(), WithExtra()
    a.value = 7
    sd = a.state_dict()
    assert sd["_extra_state"] == {"value": 7}
    b.load_state_dict(sd)
    assert b.value == 7


# -- hooks ------------------------------------------------------------------------------------------------
def test_forward_hooks_and_handles():
    m = nn.Linear(2, 2)
    log = []
    h1 = m.register_forward_pre_hook(lambda mod, args: (args[0] * 0,))
    h2 = m.register_forward_hook(lambda mod, args, out: out + 1)
    out = m(ember.ones(3, 2))
    np.testing.assert_allclose(out.detach().numpy(), (m.bias + 1).detach().expand(3, 2).numpy())
    h1.remove()
    h2.remove()
    m.register_forward_pre_hook(lambda mod, args, kwargs: (args, kwargs), with_kwargs=True)
    m.register_forward_hook(lambda mod, args, kwargs, out: log.append(("kw", out.shape)), with_kwargs=True)
    m.register_forward_hook(lambda mod, args, out: log.append("first"), prepend=True)
    m(ember.ones(1, 2))
    assert log == ["first", ("kw", ember.Size([1, 2]))]
    with m.register_forward_hook(lambda mod, args, out: log.append("ctx")):
        m(ember.ones(1, 2))
    m(ember.ones(1, 2))
    assert log.count("ctx") == 1
    with pytest.raises(RuntimeError, match="forward pre-hook must return None or a tuple"):
        bad = nn.Linear(2, 2)
        bad.register_forward_pre_hook(lambda mod, a, k: 3, with_kwargs=True)
        bad(ember.ones(1, 2))


def test_forward_hook_always_call_runs_on_error():
    m = nn.Linear(2, 2)
    seen = []
    m.register_forward_hook(lambda mod, args, out: seen.append("always"), always_call=True)
    m.register_forward_hook(lambda mod, args, out: seen.append("normal"))
    with pytest.raises(RuntimeError):
        m(ember.ones(1, 5))
    assert seen == ["always"]


def test_global_forward_hook():
    from ember.nn.modules.module import register_module_forward_hook

    seen = []
    h = register_module_forward_hook(lambda mod, args, out: seen.append(type(mod).__name__))
    try:
        nn.Sequential(nn.Linear(2, 2), nn.ReLU())(ember.ones(1, 2))
    finally:
        h.remove()
    nn.ReLU()(ember.ones(1))
    assert seen == ["Linear", "ReLU", "Sequential"]


def test_full_backward_hooks_match_torch():
    torch = pytest.importorskip("torch")
    rec_e, rec_t = [], []

    def make(lib, rec):
        lin = lib.nn.Linear(3, 2).double()
        lin.register_full_backward_pre_hook(lambda mod, go: (go[0] * 2,))
        lin.register_full_backward_hook(lambda mod, gi, go: rec.append((gi[0].detach().numpy().copy(),
                                                                         go[0].detach().numpy().copy())))
        return lin

    te = make(torch, rec_t)
    em = make(ember, rec_e)
    em.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in te.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((4, 3))
    xt = torch.tensor(x, requires_grad=True)
    xe = ember.tensor(x, requires_grad=True)
    (te(xt) ** 2).sum().backward()
    (em(xe) ** 2).sum().backward()
    assert len(rec_e) == len(rec_t) == 1
    for a, b in zip(rec_e[0], rec_t[0]):
        np.testing.assert_allclose(a, b, rtol=1e-10)
    np.testing.assert_allclose(xe.grad.numpy(), xt.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(em.weight.grad.numpy(), te.weight.grad.numpy(), rtol=1e-10)


def test_full_backward_hook_replaces_grad_input_and_no_input_grad():
    m = nn.Linear(2, 2).double()
    m.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 0,))
    x = ember.ones(3, 2, dtype=ember.float64, requires_grad=True)
    m(x).sum().backward()
    assert float(x.grad.abs().sum()) == 0
    seen = []
    m2 = nn.Linear(2, 2)
    m2.register_full_backward_hook(lambda mod, gi, go: seen.append((gi, go[0].shape)))
    m2(ember.ones(3, 2)).sum().backward()
    assert seen == [((None,), ember.Size([3, 2]))]


# -- printing ---------------------------------------------------------------------------------------------
def test_repr_matches_torch():
    torch = pytest.importorskip("torch")

    def build(lib):
        n = lib.nn
        return n.Sequential(OrderedDict([
            ("conv_like", n.Linear(4, 8)), ("act", n.GELU(approximate="tanh")), ("drop_free", n.Identity()),
            ("blocks", n.ModuleList([n.Linear(8, 8) for _ in range(3)] + [n.LeakyReLU(0.2, inplace=True)])),
            ("dict", n.ModuleDict({"a": n.Softmax(dim=1), "b": n.Hardtanh(-2.0, 2.0)})),
            ("flat", n.Flatten()), ("unflat", n.Unflatten(1, (2, 4))), ("prelu", n.PReLU(3)),
            ("loss", n.CrossEntropyLoss(label_smoothing=0.1)), ("bil", n.Bilinear(2, 3, 4, bias=False)),
            ("empty", n.Sequential()), ("relu", n.ReLU(inplace=True)), ("softplus", n.Softplus(beta=2.0)),
        ]))

    assert repr(build(ember)) == repr(build(torch))
    pl_e = nn.ParameterList([nn.Parameter(ember.zeros(2, 3)), ember.ones(4)])
    pl_t = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(2, 3)), torch.ones(4)])
    assert repr(pl_e).replace("ember.", "torch.") == repr(pl_t)
    pd_e = nn.ParameterDict({"b": nn.Parameter(ember.zeros(2)), "a": nn.Parameter(ember.zeros(1))})
    pd_t = torch.nn.ParameterDict({"b": torch.nn.Parameter(torch.zeros(2)), "a": torch.nn.Parameter(torch.zeros(1))})
    assert repr(pd_e).replace("ember.", "torch.") == repr(pd_t)
    assert repr(nn.Parameter(ember.ones(2))) == repr(torch.nn.Parameter(torch.ones(2)))


# -- copying ----------------------------------------------------------------------------------------------
def test_deepcopy_and_pickle():
    m = Model()
    shared = nn.Linear(2, 2)
    m.a, m.b = shared, shared
    for clone in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        assert clone.a is clone.b and clone.a is not shared
        assert isinstance(clone.head.weight, nn.Parameter) and clone.head.weight.requires_grad
        for (k, v), (k2, v2) in zip(m.state_dict().items(), clone.state_dict().items()):
            assert k == k2
            np.testing.assert_array_equal(v.numpy(), v2.numpy())
        assert "tmp" in clone._non_persistent_buffers_set
    p = nn.Parameter(ember.ones(2))
    q = copy.deepcopy(p)
    assert type(q) is nn.Parameter and q is not p and q.requires_grad


# -- error notes ------------------------------------------------------------------------------------------
def test_error_note_names_innermost_module_once():
    m = Model()
    m.encoder.layers[3].linear1 = nn.Linear(5, 6)  # wrong in_features: fails inside layer 3
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x4 and 5x6\)") as info:
        m(ember.randn(2, 4))
    notes = info.value.__notes__
    assert len(notes) == 1
    assert "'encoder.layers.3.linear1'" in notes[0] and "(Linear)" in notes[0] and "[2, 4]" in notes[0]
    # called directly, the module is the root
    with pytest.raises(RuntimeError) as info2:
        nn.Linear(3, 2)(ember.randn(4, 5))
    assert len(info2.value.__notes__) == 1 and "(Linear)" in info2.value.__notes__[0]


def test_missing_forward():
    with pytest.raises(NotImplementedError, match="missing the required \"forward\" function"):
        nn.Module()(1)


# -- containers -------------------------------------------------------------------------------------------
def test_sequential_api():
    a, b, c = nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 3)
    s = nn.Sequential(a, b)
    assert len(s) == 2 and s[0] is a and s[-1] is b and list(s) == [a, b]
    s.append(c)
    assert s[2] is c and isinstance(s[1:], nn.Sequential) and len(s[1:]) == 2
    s.insert(0, nn.Identity())
    assert isinstance(s[0], nn.Identity) and s[1] is a
    del s[0]
    assert s[0] is a and list(s._modules) == ["0", "1", "2"]
    s.extend([nn.Tanh()])
    assert len(s) == 4
    s2 = s + nn.Sequential(nn.Sigmoid())
    assert len(s2) == 5
    s[3] = nn.ReLU()
    assert isinstance(s[3], nn.ReLU)
    with pytest.raises(IndexError, match="index 9 is out of range"):
        s[9]
    named = nn.Sequential(OrderedDict([("first", nn.Linear(2, 2)), ("second", nn.ReLU())]))
    assert list(named.state_dict()) == ["first.weight", "first.bias"]
    out = nn.Sequential(nn.Linear(2, 3), nn.ReLU())(ember.ones(4, 2))
    assert out.shape == (4, 3)


def test_modulelist_moduledict_parameterlist_dict():
    ml = nn.ModuleList([nn.Linear(1, 1)])
    ml.append(nn.ReLU())
    ml.extend([nn.Tanh()])
    ml.insert(1, nn.Sigmoid())
    assert [type(x).__name__ for x in ml] == ["Linear", "Sigmoid", "ReLU", "Tanh"]
    del ml[1]
    assert [type(x).__name__ for x in ml] == ["Linear", "ReLU", "Tanh"]
    assert isinstance(ml[-1], nn.Tanh) and len(ml[:2]) == 2
    md = nn.ModuleDict({"a": nn.ReLU()})
    md["b"] = nn.Tanh()
    md.update([("c", nn.Sigmoid())])
    assert list(md.keys()) == ["a", "b", "c"] and "b" in md and len(md) == 3
    assert isinstance(md.pop("a"), nn.ReLU) and len(md) == 2
    pl = nn.ParameterList([ember.zeros(2)])
    pl.append(nn.Parameter(ember.ones(1)))
    assert all(isinstance(p, nn.Parameter) for p in pl) and len(pl) == 2
    holder = nn.Module()
    holder.pl = pl
    assert list(holder.state_dict()) == ["pl.0", "pl.1"]
    pd = nn.ParameterDict({"x": ember.zeros(2)})
    pd["y"] = ember.ones(3)
    assert set(pd.keys()) == {"x", "y"} and isinstance(pd["y"], nn.Parameter)
    with pytest.raises(RuntimeError, match="ParameterList should not be called"):
        pl()


def test_lazy_linear():
    m = nn.LazyLinear(3)
    assert isinstance(m.weight, nn.UninitializedParameter)
    out = m(ember.randn(2, 5))
    assert out.shape == (2, 3) and type(m) is nn.Linear and m.weight.shape == (3, 5) and m.in_features == 5
    bound = 1 / np.sqrt(5)
    assert float(m.bias.abs().max()) <= bound


# -- utils ------------------------------------------------------------------------------------------------
def test_clip_grad_norm_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    grads = [rng.standard_normal((3, 4)), rng.standard_normal(5)]
    for norm_type in (2.0, 1.0, float("inf"), 3.0):
        ep = [nn.Parameter(ember.zeros(g.shape, dtype=ember.float64)) for g in grads]
        tp = [torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64)) for g in grads]
        for p, q, g in zip(ep, tp, grads):
            p.grad = ember.tensor(g.copy())
            q.grad = torch.tensor(g.copy())
        en = nn.utils.clip_grad_norm_(ep, 0.5, norm_type)
        tn = torch.nn.utils.clip_grad_norm_(tp, 0.5, norm_type)
        np.testing.assert_allclose(float(en), float(tn), rtol=1e-10)
        for p, q in zip(ep, tp):
            np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-10)
    p = nn.Parameter(ember.zeros(2))
    p.grad = ember.tensor([float("nan"), 1.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    q = nn.Parameter(ember.zeros(3))
    q.grad = ember.tensor([-3.0, 0.5, 2.0])
    nn.utils.clip_grad_value_(q, 1.0)
    np.testing.assert_allclose(q.grad.numpy(), [-1.0, 0.5, 1.0])


def test_parameters_to_vector_roundtrip():
    m = nn.Linear(3, 2)
    v = nn.utils.parameters_to_vector(m.parameters())
    assert v.shape == (8,)
    nn.utils.vector_to_parameters(ember.arange(8.0), m.parameters())
    np.testing.assert_allclose(m.weight.detach().numpy().ravel(), np.arange(6.0))
    with pytest.raises(TypeError, match="expected torch.Tensor"):
        nn.utils.vector_to_parameters([1.0], m.parameters())


def test_parametrize_register_remove_and_keys():
    torch = pytest.importorskip("torch")

    class Sym(nn.Module):
        def forward(self, x):
            return x.triu() + x.triu(1).mT

    class TSym(torch.nn.Module):
        def forward(self, x):
            return x.triu() + x.triu(1).mT

    m = nn.Linear(3, 3)
    parametrize.register_parametrization(m, "weight", Sym())
    t = torch.nn.Linear(3, 3)
    torch.nn.utils.parametrize.register_parametrization(t, "weight", TSym())
    assert list(m.state_dict()) == list(t.state_dict())
    assert type(m).__name__ == "ParametrizedLinear" and parametrize.is_parametrized(m, "weight")
    assert repr(m) == repr(t).replace("TSym", "Sym")
    w = m.weight.detach().numpy()
    np.testing.assert_allclose(w, w.T)
    with parametrize.cached():
        assert m.weight is m.weight
    m.weight.sum().backward()
    assert m.parametrizations.weight.original.grad is not None
    parametrize.remove_parametrizations(m, "weight")
    assert type(m) is nn.Linear and isinstance(m.weight, nn.Parameter)
    np.testing.assert_allclose(m.weight.detach().numpy(), w)


def test_weight_norm_and_spectral_norm_keys_match_torch():
    torch = pytest.importorskip("torch")
    pairs = [
        (nn.utils.parametrizations.weight_norm, torch.nn.utils.parametrizations.weight_norm),
        (nn.utils.parametrizations.spectral_norm, torch.nn.utils.parametrizations.spectral_norm),
        (nn.utils.weight_norm, torch.nn.utils.weight_norm),
        (nn.utils.spectral_norm, torch.nn.utils.spectral_norm),
    ]
    for ef, tf in pairs:
        with pytest.warns(FutureWarning) if ef is nn.utils.weight_norm else _nullctx():
            em = ef(nn.Linear(4, 3))
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tm = tf(torch.nn.Linear(4, 3))
        esd, tsd = em.state_dict(), tm.state_dict()
        assert list(esd) == list(tsd), ef
        assert [tuple(v.shape) for v in esd.values()] == [tuple(v.shape) for v in tsd.values()]
        # load torch's state into ember and compare the effective weight and output
        em.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tsd.items()})
        em.eval()
        tm.eval()
        x = np.random.default_rng(0).standard_normal((2, 4)).astype(np.float32)
        np.testing.assert_allclose(em(ember.tensor(x)).detach().numpy(), tm(torch.tensor(x)).detach().numpy(),
                                   rtol=1e-4, atol=1e-5)


class _nullctx:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def test_weight_norm_gradients_flow():
    m = nn.utils.parametrizations.weight_norm(nn.Linear(3, 2).double())
    m(ember.randn(4, 3, dtype=ember.float64)).sum().backward()
    g0 = m.parametrizations.weight.original0
    assert g0.shape == (2, 1) and g0.grad is not None
    assert m.parametrizations.weight.original1.grad is not None
