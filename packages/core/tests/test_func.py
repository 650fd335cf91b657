"""ember.func (grad, vjp, jvp, jacrev, jacfwd, hessian, vmap, functional_call) and ember.autograd.functional."""
from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.autograd.functional as AF
from ember import func


def t64(data, rg=False):
    return ember.tensor(np.asarray(data, dtype=np.float64), requires_grad=rg)


def arr(t):
    return np.asarray(t.detach()) if isinstance(t, ember.Tensor) else np.asarray(t)


def close(a, b, tol=1e-8):
    np.testing.assert_allclose(arr(a), arr(b), atol=tol, rtol=tol)


def fd_jacobian(f, x: np.ndarray, eps=1e-6):
    """Central-difference Jacobian of f: array -> array, shaped out.shape + x.shape."""
    out0 = arr(f(t64(x)))
    jac = np.zeros(out0.shape + x.shape)
    for idx in np.ndindex(*x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += eps
        xm[idx] -= eps
        jac[(Ellipsis,) + idx] = (arr(f(t64(xp))) - arr(f(t64(xm)))) / (2 * eps)
    return jac


def f_vec(x):  # R^3 -> R^2, nonlinear in every input
    return ember.stack([(x * x).sum() * x[0], (x.sin() * x.exp()).sum()])


def f_scalar(x):
    return (x.sin() * x * x).sum() + x[0] * x[1] * x[2]


X = np.array([0.3, -1.2, 0.8])


# -- grad ---------------------------------------------------------------------------------------------------------
def test_grad_matches_finite_differences_and_returns_plain_tensors():
    g = func.grad(f_scalar)(t64(X))
    close(g, fd_jacobian(f_scalar, X), 1e-6)
    assert not g.requires_grad and g.grad_fn is None


def test_grad_control_flow():
    def abs_val(x):
        return x if x > 0 else -x

    close(func.grad(abs_val)(ember.tensor(3.0)), 1.0)
    close(func.grad(abs_val)(ember.tensor(-3.0)), -1.0)
    close(ember.autograd.grad(abs_val)(ember.tensor(-3.0)), -1.0)


def test_nested_grad_higher_order():
    f = lambda x: x ** 3  # noqa: E731
    x = t64(2.0)
    close(func.grad(f)(x), 12.0)
    close(func.grad(func.grad(f))(x), 12.0)
    close(func.grad(func.grad(func.grad(f)))(x), 6.0)
    # mixed partials through closures: d/dy [d/dx (x*y)^2] = 4xy
    y0 = t64(3.0)
    inner = lambda y: func.grad(lambda x: (x * y) ** 2)(x)  # noqa: E731
    close(func.grad(inner)(y0), 4 * 2.0 * 3.0)


def test_grad_argnums_has_aux_and_pytrees():
    def f(a, b, c):
        return (a * b).sum() + c["w"].sum() * 2, {"aux": a * 1}

    a, b, c = t64([1.0, 2.0]), t64([3.0, 4.0]), {"w": t64([5.0])}
    ga, aux = func.grad(f, has_aux=True)(a, b, c)
    close(ga, [3.0, 4.0])
    assert set(aux) == {"aux"} and not aux["aux"].requires_grad
    (gb, gc), aux = func.grad(f, argnums=(1, 2), has_aux=True)(a, b, c)
    close(gb, [1.0, 2.0])
    assert isinstance(gc, dict)
    close(gc["w"], [2.0])
    g, (value, aux) = func.grad_and_value(f, argnums=-1, has_aux=True)(a, b, c)
    close(value, 21.0)
    close(g["w"], [2.0])


def test_grad_unused_input_is_zero_and_closure_gradient_flows():
    close(func.grad(lambda x, y: (y * 2).sum(), argnums=0)(t64([1.0, 2.0]), t64([1.0])), [0.0, 0.0])
    w = t64([2.0, 3.0], rg=True)
    g = func.grad(lambda x: (x * x * w).sum())(t64([1.0, 1.0]))
    close(g, [4.0, 6.0])
    assert g.requires_grad  # depends on the captured w, so ordinary autograd can still differentiate it
    g.sum().backward()
    close(w.grad, [2.0, 2.0])


def test_grad_errors():
    with pytest.raises(RuntimeError, match="Expected f\\(\\*args\\) to return a scalar Tensor, got tensor with 1 dims"):
        func.grad(lambda x: x * 2)(t64([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="Expected f\\(\\*args\\) to return a Tensor"):
        func.grad(lambda x: 3.0)(t64(1.0))
    with pytest.raises(RuntimeError, match="should be a tuple: \\(output, aux\\)"):
        func.grad(lambda x: x.sum(), has_aux=True)(t64([1.0]))
    with pytest.raises(RuntimeError, match="Got argnums=2, but only 1 positional inputs"):
        func.grad(lambda x: x.sum(), argnums=2)(t64([1.0]))
    with pytest.raises(RuntimeError, match="argnums must be int or Tuple"):
        func.grad(lambda x: x.sum(), argnums=[0])(t64([1.0]))


def test_grad_works_inside_no_grad():
    with ember.no_grad():
        g = func.grad(lambda x: (x * x).sum())(t64([1.0, 2.0]))
    close(g, [2.0, 4.0])


# -- vjp / jvp / jacobians ---------------------------------------------------------------------------------------------
def test_vjp_and_jvp_match_jacobian():
    J = fd_jacobian(f_vec, X)
    v = np.array([0.7, -1.3])
    u = np.array([0.2, 0.5, -0.4])
    out, vjp_fn = func.vjp(f_vec, t64(X))
    close(out, arr(f_vec(t64(X))))
    (g,) = vjp_fn(t64(v))
    close(g, v @ J, 1e-6)
    out, jv = func.jvp(f_vec, (t64(X),), (t64(u),))
    close(jv, J @ u, 1e-6)
    assert not jv.requires_grad
    with pytest.raises(RuntimeError, match="Expected primals to be a tuple"):
        func.jvp(f_vec, t64(X), t64(u))
    with pytest.raises(RuntimeError, match="same python structure"):
        func.jvp(f_vec, (t64(X),), [t64(u)])
    with pytest.raises(RuntimeError, match="pytree structure of cotangents"):
        vjp_fn((t64(v),))


def test_vjp_pytree_outputs_and_aux():
    def f(a, b):
        return {"s": (a * b).sum(), "p": a * 2}, b.sum()

    a, b = t64([1.0, 2.0]), t64([3.0, 4.0])
    out, fn, aux = func.vjp(f, a, b, has_aux=True)
    close(aux, 7.0)
    ga, gb = fn({"s": t64(1.0), "p": t64([1.0, 1.0])})
    close(ga, [5.0, 6.0])
    close(gb, [1.0, 2.0])


def test_jacrev_jacfwd_match_finite_differences():
    J = fd_jacobian(f_vec, X)
    close(func.jacrev(f_vec)(t64(X)), J, 1e-6)
    close(func.jacfwd(f_vec)(t64(X)), J, 1e-6)
    # two inputs and a matrix output: entry shapes are out.shape + in.shape
    A, B = np.arange(6.0).reshape(2, 3) / 7, np.array([0.5, -0.2, 0.1])
    f = lambda a, b: (a * b).tanh()  # noqa: E731
    ja, jb = func.jacrev(f, argnums=(0, 1))(t64(A), t64(B))
    assert tuple(ja.shape) == (2, 3, 2, 3) and tuple(jb.shape) == (2, 3, 3)
    close(ja, fd_jacobian(lambda a: f(a, t64(B)), A), 1e-6)
    close(jb, fd_jacobian(lambda b: f(t64(A), b), B), 1e-6)
    jac, aux = func.jacrev(lambda x: (x * 2, x.sum()), has_aux=True)(t64([1.0, 2.0]))
    close(jac, 2 * np.eye(2))
    close(aux, 3.0)


def test_hessian_matches_finite_differences_of_grad():
    H = func.hessian(f_scalar)(t64(X))
    fd = fd_jacobian(lambda x: func.grad(f_scalar)(x), X)
    close(H, fd, 1e-6)
    close(H, arr(H).T, 1e-12)
    close(AF.hessian(f_scalar, t64(X)), H, 1e-12)


def test_func_matches_torch():
    torch = pytest.importorskip("torch")

    def tf(x):
        return torch.stack([(x * x).sum() * x[0], (x.sin() * x.exp()).sum()])

    tx = torch.tensor(X)
    close(func.jacrev(f_vec)(t64(X)), torch.autograd.functional.jacobian(tf, tx).numpy())

    def tfs(x):
        return (x.sin() * x * x).sum() + x[0] * x[1] * x[2]

    close(func.hessian(f_scalar)(t64(X)), torch.autograd.functional.hessian(tfs, tx).numpy())
    v = torch.tensor([0.3, -0.1, 0.7], dtype=torch.float64)
    close(AF.hvp(f_scalar, t64(X), t64(v.numpy()))[1], torch.autograd.functional.hvp(tfs, tx, v)[1].numpy())


# -- vmap ----------------------------------------------------------------------------------------------------------------
def test_vmap_matches_loop():
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((4, 3)), rng.standard_normal((3, 4))
    f = lambda a, b: (a * b).sin().sum()  # noqa: E731
    out = func.vmap(f, in_dims=(0, 1))(t64(A), t64(B))
    close(out, [arr(f(t64(A[i]), t64(B[:, i]))) for i in range(4)])
    # None in_dims broadcasts an argument, out_dims moves the batch dim
    w = t64([1.0, 2.0, 3.0])
    out = func.vmap(lambda a, w: a * w, in_dims=(0, None), out_dims=1)(t64(A), w)
    close(out, (A * arr(w)).T)


def test_vmap_nested_structures_and_nesting():
    rng = np.random.default_rng(1)
    A = rng.standard_normal((2, 3, 5))

    def f(pair, scale):
        a, b = pair
        return {"sum": (a + b) * scale, "prod": a * b}

    x = t64(A[0])
    out = func.vmap(f, in_dims=((0, 1), None))((x, x.T), 2.0)
    assert set(out) == {"sum", "prod"}
    close(out["sum"], (A[0] + A[0]) * 2.0)
    # vmap of vmap == elementwise over two dims
    out = func.vmap(func.vmap(lambda v: v.exp().sum()))(t64(A))
    close(out, np.exp(A).sum(-1))
    # tuple outputs with per-output out_dims
    o1, o2 = func.vmap(lambda v: (v * 2, v.sum()), out_dims=(1, 0))(t64(A[0]))
    close(o1, (A[0] * 2).T)
    close(o2, A[0].sum(-1))


def test_vmap_of_grad_gives_per_sample_gradients_and_grad_flows_through_vmap():
    rng = np.random.default_rng(2)
    xs = rng.standard_normal((5, 3))
    per = func.vmap(func.grad(f_scalar))(t64(xs))
    close(per, np.stack([fd_jacobian(f_scalar, x) for x in xs]), 1e-6)
    w = t64([0.5, -1.0, 2.0], rg=True)
    func.vmap(lambda x: (x * w).sum())(t64(xs)).sum().backward()
    close(w.grad, xs.sum(0))


def test_vmap_errors_and_randomness():
    with pytest.raises(ValueError, match="same size in the mapped dimension"):
        func.vmap(lambda a, b: a + b)(ember.ones(2), ember.ones(3))
    with pytest.raises(ValueError, match="cannot vmap over non-Tensor"):
        func.vmap(lambda a, k: a * k)(ember.ones(2), 3.0)
    with pytest.raises(ValueError, match="in_dim to satisfy"):
        func.vmap(lambda a: a, in_dims=1)(ember.ones(2))
    with pytest.raises(ValueError, match="in_dims is not compatible with the structure"):
        func.vmap(lambda a: a, in_dims=((0, 0),))(ember.ones(2))
    with pytest.raises(RuntimeError, match="Only allowed values for randomness"):
        func.vmap(lambda a: a, randomness="bad")
    if hasattr(ember, "rand") and hasattr(ember, "get_rng_state"):
        with pytest.raises(RuntimeError, match="randomness error mode"):
            func.vmap(lambda a: a * ember.rand(()))(ember.ones(3))
        same = func.vmap(lambda a: a * ember.rand(()), randomness="same")(ember.ones(3))
        assert np.unique(arr(same)).size == 1
        diff = func.vmap(lambda a: a * ember.rand(()), randomness="different")(ember.ones(3))
        assert np.unique(arr(diff)).size == 3


# -- functional_call ---------------------------------------------------------------------------------------------
class Affine:
    """Not an nn.Module: just named_parameters / named_buffers and attributes."""

    def __init__(self):
        self.weight = t64([[1.0, 2.0], [3.0, 4.0]], rg=True)
        self.shift = t64([0.5, 0.5])

    def named_parameters(self):
        return iter([("weight", self.weight)])

    def named_buffers(self):
        return iter([("shift", self.shift)])

    def __call__(self, x):
        return x @ self.weight.T + self.shift


def test_functional_call_swaps_and_restores():
    m = Affine()
    orig = m.weight
    new_w = t64([[1.0, 0.0], [0.0, 1.0]])
    out = func.functional_call(m, {"weight": new_w}, (t64([2.0, 3.0]),))
    close(out, [2.5, 3.5])
    assert m.weight is orig
    out = func.functional_call(m, ({"weight": new_w}, {"shift": t64([0.0, 0.0])}), t64([2.0, 3.0]))
    close(out, [2.0, 3.0])
    with pytest.raises(ValueError, match="appeared in multiple dictionaries"):
        func.functional_call(m, ({"weight": new_w}, {"weight": new_w}), t64([2.0, 3.0]))
    with pytest.raises(RuntimeError, match="Missing key\\(s\\): 'shift'"):
        func.functional_call(m, {"weight": new_w}, t64([2.0, 3.0]), strict=True)

    class Failing(Affine):
        def __call__(self, x):
            raise KeyError("inside")

    f = Failing()
    w0 = f.weight
    with pytest.raises(KeyError):
        func.functional_call(f, {"weight": new_w}, t64([1.0, 1.0]))
    assert f.weight is w0


def test_functional_call_with_nn_module_and_per_sample_grads():
    nn = ember.nn
    lin = nn.Linear(3, 2).double()
    params = {k: v.detach() for k, v in lin.named_parameters()}
    x = t64(np.random.default_rng(3).standard_normal((4, 3)))
    out = func.functional_call(lin, params, (x,))
    close(out, arr(x) @ arr(params["weight"]).T + arr(params["bias"]))
    assert isinstance(lin.weight, nn.Parameter)

    def loss(p, xi):
        return func.functional_call(lin, p, (xi,)).pow(2).sum()

    per = func.vmap(func.grad(loss), in_dims=(None, 0))(params, x)
    assert tuple(per["weight"].shape) == (4, 2, 3)
    for i in range(4):
        g = func.grad(loss)(params, x[i])
        close(per["weight"][i], g["weight"])
        close(per["bias"][i], g["bias"])


def test_functional_call_tied_weights():
    class Tied(Affine):
        def __init__(self):
            super().__init__()
            self.other = self.weight

        def named_parameters(self, remove_duplicate=True):
            items = [("weight", self.weight)]
            return iter(items if remove_duplicate else items + [("other", self.other)])

        def __call__(self, x):
            return x @ self.weight.T + x @ self.other.T

    m = Tied()
    eye = t64(np.eye(2))
    close(func.functional_call(m, {"weight": eye}, t64([1.0, 2.0])), [2.0, 4.0])
    untied = func.functional_call(m, {"weight": eye}, t64([1.0, 2.0]), tie_weights=False)
    close(untied, arr(t64([1.0, 2.0])) + np.array([1.0, 2.0]) @ arr(m.other).T)
    with pytest.raises(ValueError, match="which are tied"):
        func.functional_call(m, {"weight": eye, "other": eye * 2}, t64([1.0, 2.0]))


# -- autograd.functional -----------------------------------------------------------------------------------------
def test_autograd_functional_jacobian_structures():
    J = fd_jacobian(f_vec, X)
    close(AF.jacobian(f_vec, t64(X)), J, 1e-6)
    f2 = lambda a, b: (a * b, a.sum() * b)  # noqa: E731
    a, b = t64([1.0, 2.0]), t64([3.0, 4.0])
    jac = AF.jacobian(f2, (a, b))
    assert len(jac) == 2 and len(jac[0]) == 2
    close(jac[0][0], np.diag([3.0, 4.0]))
    close(jac[0][1], np.diag([1.0, 2.0]))
    close(jac[1][0], [[3.0, 3.0], [4.0, 4.0]])
    close(jac[1][1], 3 * np.eye(2))
    single_in = AF.jacobian(lambda x: (x * 2, x * 3), a)
    assert isinstance(single_in, tuple) and tuple(single_in[1].shape) == (2, 2)
    assert not AF.jacobian(f_vec, t64(X)).requires_grad
    assert AF.jacobian(f_vec, t64(X, rg=True), create_graph=True).requires_grad


def test_autograd_functional_products():
    rng = np.random.default_rng(4)
    u, v2, v3 = rng.standard_normal(3), rng.standard_normal(2), rng.standard_normal(3)
    J = arr(AF.jacobian(f_vec, t64(X)))
    H = arr(AF.hessian(f_scalar, t64(X)))
    out, res = AF.vjp(f_vec, t64(X), t64(v2))
    close(res, v2 @ J)
    out, res = AF.jvp(f_vec, t64(X), t64(u))
    close(res, J @ u)
    out, res = AF.vhp(f_scalar, t64(X), t64(v3))
    close(out, arr(f_scalar(t64(X))))
    close(res, v3 @ H)
    out, res = AF.hvp(f_scalar, t64(X), t64(v3))
    close(res, H @ v3)
    # tuple inputs keep tuple results
    out, (ga, gb) = AF.vjp(lambda a, b: (a * b).sum(), (t64([1.0, 2.0]), t64([3.0, 4.0])))
    close(ga, [3.0, 4.0])
    close(gb, [1.0, 2.0])


def test_autograd_functional_errors_and_strict():
    with pytest.raises(RuntimeError, match="v can only be None if the user-provided function returns a single Tensor "
                                           "with a single element"):
        AF.vjp(f_vec, t64(X))
    with pytest.raises(RuntimeError, match="v has invalid size"):
        AF.vjp(f_vec, t64(X), t64([1.0, 2.0, 3.0]))
    with pytest.raises(TypeError, match="must be either a Tensor or a tuple of Tensors"):
        AF.jacobian(f_vec, [1.0, 2.0])
    with pytest.raises(RuntimeError, match="independent of input 1"):
        AF.jacobian(lambda a, b: a * 2, (t64([1.0]), t64([2.0])), strict=True)
    close(AF.jacobian(lambda a, b: a * 2, (t64([1.0]), t64([2.0])))[1], [[0.0]])
    with pytest.raises(RuntimeError, match="does not require gradients"):
        AF.vjp(lambda a: a.detach().sum(), t64([1.0]), strict=True)
    with pytest.raises(RuntimeError, match="should return a single Tensor"):
        AF.hessian(lambda a: (a.sum(), a.sum()), t64([1.0]))
    with pytest.raises(NotImplementedError, match="vectorize=True"):
        AF.jacobian(f_vec, t64(X), strategy="forward-mode")
    close(AF.jacobian(f_vec, t64(X), strategy="forward-mode", vectorize=True), AF.jacobian(f_vec, t64(X)))
