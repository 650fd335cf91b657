"""ember.optim: optimizer updates (hand-computed and against torch), state dicts, param groups, hooks, layout."""
import copy
import math

import numpy as np
import pytest

import ember
from ember import optim

SHAPES = [(4, 3), (3,), (2, 2, 2), ()]


def _params(lib, dtype=np.float64, seed=0, shapes=SHAPES):
    rng = np.random.default_rng(seed)
    return [lib.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True) for s in shapes]


def _grads(n_steps, dtype=np.float64, seed=1, shapes=SHAPES):
    rng = np.random.default_rng(seed)
    return [[rng.standard_normal(s).astype(dtype) for s in shapes] for _ in range(n_steps)]


def _run(lib, name, kwargs, dtype=np.float64, steps=6, skip=None, foreach=None):
    ps = _params(lib, dtype)
    if foreach is not None:
        kwargs = dict(kwargs, foreach=foreach)
    opt = getattr(lib.optim, name)(ps, **kwargs)
    for i, gs in enumerate(_grads(steps, dtype)):
        for j, (p, g) in enumerate(zip(ps, gs)):
            p.grad = None if skip is not None and (i, j) in skip else lib.tensor(g)
        opt.step()
    return [p.detach().numpy().copy() for p in ps], opt


# -- hand-computed values (no torch needed) -------------------------------------------------------------------
def test_sgd_hand_computed():
    p = ember.tensor([1.0, -2.0], dtype=ember.float64, requires_grad=True)
    opt = optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.5)
    p.grad = ember.tensor([1.0, 1.0], dtype=ember.float64)
    opt.step()  # g = 1 + 0.5 p = [1.5, 0]; buf = g; p -= 0.1 g
    np.testing.assert_allclose(p.detach().numpy(), [0.85, -2.0])
    p.grad = ember.tensor([1.0, 1.0], dtype=ember.float64)
    opt.step()  # g = [1.425, 0]; buf = 0.9 buf + g = [2.775, 0]
    np.testing.assert_allclose(p.detach().numpy(), [0.85 - 0.2775, -2.0])
    np.testing.assert_allclose(opt.state[p]["momentum_buffer"].numpy(), [2.775, 0.0])


def test_adam_hand_computed():
    p = ember.tensor([1.0], dtype=ember.float64, requires_grad=True)
    opt = optim.Adam([p], lr=0.1)
    x = 1.0
    m = v = 0.0
    for t, g in enumerate([0.5, -1.0, 2.0], start=1):
        p.grad = ember.tensor([g], dtype=ember.float64)
        opt.step()
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        x -= 0.1 / (1 - 0.9 ** t) * m / (math.sqrt(v) / math.sqrt(1 - 0.999 ** t) + 1e-8)
    np.testing.assert_allclose(p.detach().numpy(), [x], rtol=1e-12)
    assert float(opt.state[p]["step"]) == 3.0


# -- parity with torch ----------------------------------------------------------------------------------------
CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True)),
    ("Adam", dict(lr=0.01, maximize=True, decoupled_weight_decay=True, weight_decay=0.1)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, amsgrad=True, weight_decay=0.3)),
    ("Adamax", dict(lr=0.01, weight_decay=0.1)),
    ("NAdam", dict(lr=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, momentum_decay=0.01, decoupled_weight_decay=True)),
    ("RAdam", dict(lr=0.01)),
    ("RAdam", dict(lr=0.01, betas=(0.9, 0.5), weight_decay=0.1, decoupled_weight_decay=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, centered=True, momentum=0.5, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.1, initial_accumulator_value=0.5, weight_decay=0.1, maximize=True)),
    ("Adadelta", dict(lr=1.0)),
    ("Adadelta", dict(lr=0.5, rho=0.8, weight_decay=0.1)),
    ("ASGD", dict(lr=0.05, t0=2, lambd=0.01)),
    ("Rprop", dict(lr=0.05)),
]


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_parity_with_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    ref, topt = _run(torch, name, kwargs)
    for foreach in (False, None):
        got, eopt = _run(ember, name, kwargs, foreach=foreach)
        for a, b in zip(got, ref):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    # state has torch's keys, order and values
    tsd, esd = topt.state_dict(), eopt.state_dict()
    assert list(tsd["state"]) == list(esd["state"])
    for k in tsd["state"]:
        assert list(tsd["state"][k]) == list(esd["state"][k])
        for key, tv in tsd["state"][k].items():
            np.testing.assert_allclose(np.asarray(esd["state"][k][key].numpy()), tv.numpy(), rtol=1e-9, atol=1e-12)
    assert tsd["param_groups"] == esd["param_groups"]


@pytest.mark.parametrize("name", ["Adam", "SGD", "RMSprop"])
def test_parity_float32_and_missing_grads(name):
    torch = pytest.importorskip("torch")
    kw = {"lr": 0.01, "momentum": 0.9} if name != "Adam" else {"lr": 0.01}
    skip = {(1, 0), (2, 0), (3, 2)}  # some params miss some steps: per-param steps differ afterwards
    ref, _ = _run(torch, name, kw, dtype=np.float32, skip=skip)
    got, _ = _run(ember, name, kw, dtype=np.float32, skip=skip)
    for a, b in zip(got, ref):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6)


def test_adam_complex_matches_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    z = rng.standard_normal(5) + 1j * rng.standard_normal(5)
    gs = [rng.standard_normal(5) + 1j * rng.standard_normal(5) for _ in range(4)]
    out = []
    for lib in (ember, torch):
        p = lib.tensor(z.copy(), requires_grad=True)
        opt = lib.optim.Adam([p], lr=0.1, weight_decay=0.1)
        for g in gs:
            p.grad = lib.tensor(g)
            opt.step()
        out.append(p.detach().numpy().copy())
    np.testing.assert_allclose(out[0], out[1], rtol=1e-10)


def test_lbfgs_matches_torch():
    torch = pytest.importorskip("torch")
    for ls in (None, "strong_wolfe"):
        res = []
        for lib in (ember, torch):
            x = lib.tensor([-1.5, 2.0], dtype=lib.float64, requires_grad=True)
            opt = lib.optim.LBFGS([x], lr=1 if ls else 0.5, max_iter=15, history_size=5, line_search_fn=ls)

            def closure():
                opt.zero_grad()
                loss = (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2
                loss.backward()
                return loss

            losses = [float(opt.step(closure)) for _ in range(3)]
            res.append((x.detach().numpy().copy(), losses, opt.state[x]["func_evals"], opt.state[x]["n_iter"]))
        np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-7)
        np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-7)
        assert res[0][2:] == res[1][2:]


def test_lbfgs_converges_without_torch():
    x = ember.tensor([3.0, -2.0], dtype=ember.float64, requires_grad=True)
    opt = optim.LBFGS([x], line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = ((x - ember.tensor([1.0, 2.0], dtype=ember.float64)) ** 2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    np.testing.assert_allclose(x.detach().numpy(), [1.0, 2.0], atol=1e-6)
    with pytest.raises(ValueError, match="per-parameter options"):
        optim.LBFGS([{"params": [x]}, {"params": [ember.zeros(1, requires_grad=True)]}])


# -- Optimizer API ----------------------------------------------------------------------------------------------
def test_constructor_errors():
    p = ember.zeros(2, requires_grad=True)
    with pytest.raises(TypeError, match="iterable of Tensors or dicts"):
        optim.SGD(p, lr=0.1)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(ValueError, match="Invalid learning rate: -1"):
        optim.Adam([p], lr=-1)
    with pytest.raises(ValueError, match="Invalid beta parameter at index 1"):
        optim.Adam([p], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="Nesterov momentum requires"):
        optim.SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        optim.SGD([p * 2], lr=0.1)
    with pytest.raises(TypeError, match="optimizer can only optimize Tensors"):
        optim.SGD([1.0], lr=0.1)


def test_param_groups_and_duplicates():
    a, b = ember.zeros(2, requires_grad=True), ember.zeros(3, requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["momentum"] == 0.9
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        opt.add_param_group({"params": [a]})
    with pytest.warns(UserWarning, match="duplicate parameters"):
        optim.SGD([a, a], lr=0.1)
    c = ember.zeros(1, requires_grad=True)
    opt.add_param_group({"params": [c], "lr": 0.3})
    assert opt.param_groups[2]["lr"] == 0.3 and opt.param_groups[2]["momentum"] == 0.9
    named = optim.Adam([("w", a), ("b", b)])
    assert named.param_groups[0]["param_names"] == ["w", "b"]


def test_zero_grad():
    p = ember.ones(3, requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    (p * 2).sum().backward()
    g = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is g and np.all(g.numpy() == 0)
    opt.zero_grad()
    assert p.grad is None


def test_step_skips_params_without_grad_and_bumps_version():
    a, b = ember.ones(2, requires_grad=True), ember.ones(2, requires_grad=True)
    opt = optim.Adam([a, b], lr=0.1)
    a.grad = ember.ones(2)
    v0 = a._version
    opt.step()
    assert b not in opt.state and np.all(b.detach().numpy() == 1)
    assert a._version > v0 and len(opt.state) == 1


def test_closure_and_hooks():
    p = ember.ones(2, requires_grad=True)
    opt = optim.SGD([p], lr=0.1)
    calls = []
    h1 = opt.register_step_pre_hook(lambda o, args, kw: calls.append("pre"))
    opt.register_step_post_hook(lambda o, args, kw: calls.append("post"))
    g = optim.register_optimizer_step_pre_hook(lambda o, args, kw: calls.append("global"))

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert float(loss) == 2.0 and calls == ["global", "pre", "post"]
    np.testing.assert_allclose(p.detach().numpy(), [0.8, 0.8])
    h1.remove()
    g.remove()
    calls.clear()
    opt.step(closure)
    assert calls == ["post"]


def test_state_dict_layout_and_roundtrip():
    ps = _params(ember, shapes=[(3,), (2,)])
    opt = optim.Adam([{"params": [ps[0]]}, {"params": [ps[1]], "lr": 0.5}], lr=0.1)
    for gs in _grads(2, shapes=[(3,), (2,)]):
        for p, g in zip(ps, gs):
            p.grad = ember.tensor(g)
        opt.step()
    sd = opt.state_dict()
    assert list(sd) == ["state", "param_groups"]
    assert list(sd["state"]) == [0, 1] and list(sd["state"][0]) == ["step", "exp_avg", "exp_avg_sq"]
    step = sd["state"][0]["step"]
    assert isinstance(step, ember.Tensor) and step.dtype == ember.float32 and step.ndim == 0 and float(step) == 2
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1]]
    assert sd["param_groups"][1]["lr"] == 0.5
    # a fresh optimizer loaded from the state dict continues identically
    qs = [ember.tensor(p.detach().numpy().copy(), requires_grad=True) for p in ps]
    opt2 = optim.Adam([{"params": [qs[0]]}, {"params": [qs[1]]}], lr=0.1)
    opt2.load_state_dict(copy.deepcopy(sd))  # like torch, loading aliases the given tensors
    assert opt2.param_groups[1]["lr"] == 0.5 and opt2.param_groups[1]["params"][0] is qs[1]
    for gs in _grads(3, seed=7, shapes=[(3,), (2,)]):
        for p, q, g in zip(ps, qs, gs):
            p.grad, q.grad = ember.tensor(g), ember.tensor(g)
        opt.step()
        opt2.step()
    for p, q in zip(ps, qs):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
    bad = optim.Adam([qs[0]], lr=0.1)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        bad.load_state_dict(sd)
    bad = optim.Adam([{"params": qs}, {"params": [ember.zeros(1, requires_grad=True)]}])
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        bad.load_state_dict(sd)


def test_load_state_dict_casts_to_param_dtype():
    p = ember.zeros(3, dtype=ember.float32, requires_grad=True)
    opt = optim.Adam([p])
    sd = {"state": {0: {"step": ember.tensor(4.0), "exp_avg": ember.ones(3, dtype=ember.float64),
                        "exp_avg_sq": ember.ones(3, dtype=ember.float64)}},
          "param_groups": [dict(opt.state_dict()["param_groups"][0])]}
    opt.load_state_dict(sd)
    assert opt.state[p]["exp_avg"].dtype == ember.float32
    p.grad = ember.ones(3)
    opt.step()
    assert float(opt.state[p]["step"]) == 5.0


def test_repr_matches_torch():
    torch = pytest.importorskip("torch")
    for name in ("SGD", "Adam", "AdamW", "RMSprop"):
        e = getattr(optim, name)([ember.zeros(1, requires_grad=True)], lr=0.1)
        t = getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)], lr=0.1)
        assert repr(e) == repr(t)
        assert e.defaults == t.defaults


# -- flat buffers --------------------------------------------------------------------------------------------
def test_flat_layout_survives_param_swap_and_state_reload():
    ps = _params(ember)
    opt = optim.Adam(ps, lr=0.1)
    ref = [ember.tensor(p.detach().numpy().copy(), requires_grad=True) for p in ps]
    ropt = optim.Adam(ref, lr=0.1, foreach=False)
    for i, gs in enumerate(_grads(6)):
        for p, r, g in zip(ps, ref, gs):
            p.grad, r.grad = ember.tensor(g), ember.tensor(g)
        if i == 2:  # replace a parameter's storage: the layout is rebuilt around the new array
            ps[0].data = ember.tensor(ps[0].detach().numpy() * 1.0)
            ref[0].data = ember.tensor(ref[0].detach().numpy() * 1.0)
        if i == 4:
            opt.load_state_dict(opt.state_dict())
        opt.step()
        ropt.step()
    for p, r in zip(ps, ref):
        np.testing.assert_array_equal(p.detach().numpy(), r.detach().numpy())
    # the params now live in one flat array shared with the optimizer state layout
    assert ps[1]._data.base is not None and ps[1]._data.base is ps[2]._data.base


def test_aliased_params_are_not_moved():
    arr = np.zeros(4)
    p = ember.from_numpy(arr).requires_grad_()
    q = ember.zeros(2, dtype=ember.float64, requires_grad=True)
    view = q.detach()  # an alias of q's storage taken before the first step
    opt = optim.SGD([p, q], lr=1.0)
    p.grad, q.grad = ember.ones(4, dtype=ember.float64), ember.ones(2, dtype=ember.float64)
    opt.step()
    np.testing.assert_array_equal(arr, -np.ones(4))  # the user's array is still the parameter's storage
    np.testing.assert_array_equal(view.numpy(), [-1.0, -1.0])


def test_many_params_step_is_vectorised():
    ps = [ember.zeros(10, requires_grad=True) for _ in range(50)]
    opt = optim.Adam(ps, lr=0.1)
    for p in ps:
        p.grad = ember.ones(10)
    opt.step()
    opt.step()
    buckets = list(opt._flat.values())[0][1]
    assert len(buckets) == 1 and buckets[0].views is not None
    np.testing.assert_allclose(ps[7].detach().numpy(), -0.2, rtol=1e-5)


def test_nn_parameters_train():
    nn = pytest.importorskip("ember.nn")
    w = nn.Parameter(ember.zeros(3, 1))
    b = nn.Parameter(ember.zeros(1))
    opt = optim.SGD([w, b], lr=0.1, momentum=0.5)
    x = ember.tensor(np.random.default_rng(0).standard_normal((16, 3)).astype(np.float32))
    y = x.sum(1, keepdim=True) + 0.5
    losses = []
    for _ in range(60):
        opt.zero_grad()
        loss = ((x @ w + b - y) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(float(loss))
    assert losses[-1] < losses[0] * 1e-3
    assert isinstance(w, nn.Parameter) and w.requires_grad
    np.testing.assert_allclose(w.detach().numpy().ravel(), [1, 1, 1], atol=1e-2)
