"""Autograd API: engine behaviour, grad modes, hooks, custom Functions, gradcheck, anomaly mode, memory."""
from __future__ import annotations

import gc
import warnings
import weakref

import numpy as np
import pytest

import ember
from ember.autograd import Function, once_differentiable
from ember.autograd.gradcheck import GradcheckError


def t64(data, rg=True):
    return ember.tensor(np.asarray(data, dtype=np.float64), requires_grad=rg)


def close(a, b, tol=1e-10):
    np.testing.assert_allclose(np.asarray(a.detach() if isinstance(a, ember.Tensor) else a), b, atol=tol, rtol=tol)


# -- higher order, create_graph, retain_graph ------------------------------------------------------------------
def test_third_derivative_of_cube():
    x = t64(2.0)
    y = x ** 3
    (g1,) = ember.autograd.grad(y, x, create_graph=True)
    (g2,) = ember.autograd.grad(g1, x, create_graph=True)
    (g3,) = ember.autograd.grad(g2, x)
    close(g1, 12.0), close(g2, 12.0), close(g3, 6.0)
    assert g1.requires_grad and g2.requires_grad and not g3.requires_grad


def test_backward_create_graph_accumulates_differentiable_grad():
    x = t64([1.0, 2.0])
    (x ** 2).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    close(x.grad, [2.0, 4.0])
    g = x.grad.sum()
    x.grad = None
    g.backward()
    close(x.grad, [2.0, 2.0])


def test_retain_graph():
    x = t64([1.0, 2.0])
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    close(x.grad, [4.0, 8.0])
    z = (x.exp()).sum()
    z.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        z.backward()


def test_backward_inputs_restricts_accumulation():
    a, b = t64([1.0, 2.0]), t64([3.0, 4.0])
    (a * b).sum().backward(inputs=[a])
    close(a.grad, [3.0, 4.0])
    assert b.grad is None
    with pytest.raises(RuntimeError, match="cannot be empty"):
        (a * b).sum().backward(inputs=[])


def test_grad_allow_unused_and_materialize():
    a, b = t64([1.0]), t64([2.0])
    y = (a * 3).sum()
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph"):
        ember.autograd.grad(y, [a, b], retain_graph=True)
    ga, gb = ember.autograd.grad(y, [a, b], allow_unused=True, retain_graph=True)
    close(ga, [3.0])
    assert gb is None
    ga, gb = ember.autograd.grad(y, [a, b], materialize_grads=True)
    close(gb, [0.0])


def test_grad_does_not_touch_dot_grad_and_checks_requires_grad():
    x = t64([1.0, 2.0])
    (g,) = ember.autograd.grad((x * x).sum(), x)
    close(g, [2.0, 4.0])
    assert x.grad is None
    with pytest.raises(RuntimeError, match="does not require grad"):
        ember.autograd.grad((x * 2).sum(), t64([1.0], rg=False))


def test_grad_is_grads_batched():
    x = t64([1.0, 2.0, 3.0])
    y = x * x
    (g,) = ember.autograd.grad(y, x, ember.eye(3, dtype=ember.float64), is_grads_batched=True)
    close(g, np.diag([2.0, 4.0, 6.0]))


def test_grad_accumulates_over_two_backwards():
    x = t64([1.0, -1.0])
    (x * 3).sum().backward()
    (x * x).sum().backward()
    close(x.grad, [5.0, 1.0])


def test_non_scalar_backward_needs_gradient():
    x = t64([1.0, 2.0])
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()
    (x * 2).backward(ember.ones(2, dtype=ember.float64))
    close(x.grad, [2.0, 2.0])
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(ember.ones(3, dtype=ember.float64))


def test_backward_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        t64([1.0], rg=False).sum().backward()


# -- hooks -----------------------------------------------------------------------------------------------------
def test_leaf_hook_modifies_grad_and_handle_removes():
    x = t64([1.0, 2.0])
    seen = []
    h = x.register_hook(lambda g: (seen.append(g.clone()), g * 10)[1])
    (x * 2).sum().backward()
    close(seen[0], [2.0, 2.0])
    close(x.grad, [20.0, 20.0])
    h.remove()
    x.grad = None
    (x * 2).sum().backward()
    close(x.grad, [2.0, 2.0])
    assert len(seen) == 1


def test_nonleaf_hook_and_retain_grad():
    x = t64([1.0, 2.0])
    y = x * 3
    y.register_hook(lambda g: g * 2)
    y.retain_grad()
    assert y.retains_grad
    (y * y).sum().backward()
    # the hook runs before retain_grad's capture (registration order) and changes what flows to x
    close(y.grad, 2 * 2 * np.array([3.0, 6.0]))
    close(x.grad, 3 * 2 * 2 * np.array([3.0, 6.0]))
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        t64([1.0], rg=False).register_hook(lambda g: g)


def test_nonleaf_grad_access_warns():
    x = t64([1.0])
    y = x * 2
    y.sum().backward()
    with pytest.warns(UserWarning, match="is not a leaf Tensor is being accessed"):
        assert y.grad is None


def test_node_hooks_prehooks_and_metadata():
    x = t64([1.0, 2.0])
    y = x.exp()
    node = y.grad_fn
    assert node.name() == "ExpBackward0"
    nf = node.next_functions
    assert len(nf) == 1 and nf[0][0].name() == "torch::autograd::AccumulateGrad" and nf[0][1] == 0
    assert nf[0][0].variable is x
    calls = []
    node.register_prehook(lambda gout: (calls.append("pre"), (gout[0] * 2,))[1])
    h = node.register_hook(lambda gin, gout: (calls.append("post"), None)[1])
    y.sum().backward(retain_graph=True)
    assert calls == ["pre", "post"]
    close(x.grad, 2 * np.exp([1.0, 2.0]))
    h.remove()
    node.metadata["k"] = 1
    assert node.metadata == {"k": 1}


def test_post_accumulate_grad_hook():
    x = t64([1.0])
    seen = []
    x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.item()))
    (x * 4).sum().backward()
    assert seen == [4.0]


# -- grad modes -------------------------------------------------------------------------------------------------
def test_grad_modes_as_context_managers():
    x = t64([1.0])
    with ember.no_grad():
        assert not (x * 2).requires_grad
        with ember.enable_grad():
            assert (x * 2).requires_grad
    with ember.set_grad_enabled(False):
        assert not ember.is_grad_enabled()
    assert ember.is_grad_enabled()
    ember.set_grad_enabled(False)
    assert not ember.is_grad_enabled()
    ember.set_grad_enabled(True)
    with ember.inference_mode():
        assert ember.is_inference_mode_enabled() and not (x * 2).requires_grad
    with ember.inference_mode(False):
        assert (x * 2).requires_grad


def test_grad_modes_as_decorators():
    x = t64([1.0])

    @ember.no_grad()
    def f1():
        return x * 2

    @ember.no_grad
    def f2():
        return x * 2

    @ember.set_grad_enabled(False)
    def f3():
        return x * 2

    @ember.inference_mode()
    def f4():
        return x * 2

    @ember.enable_grad()
    def f5():
        return x * 2

    assert ember.is_grad_enabled()  # decorating must not switch the mode
    assert not any(f().requires_grad for f in (f1, f2, f3, f4))
    with ember.no_grad():
        assert f5().requires_grad
    assert ember.is_grad_enabled()


# -- detach, requires_grad rules, in-place errors ------------------------------------------------------------
def test_detach_and_detach_():
    x = t64([1.0, 2.0])
    y = x * 2
    d = y.detach()
    assert not d.requires_grad and d.grad_fn is None
    d.zero_()  # shares storage and version counter with y
    close(y, [0.0, 0.0])
    assert y._version == d._version == 1
    z = x * 3
    assert z.detach_() is z and not z.requires_grad and z.is_leaf


def test_requires_grad_rules():
    with pytest.raises(RuntimeError, match="only Tensors of floating point and complex dtype can require gradients"):
        ember.tensor([1, 2]).requires_grad_()
    with pytest.raises(RuntimeError, match="(?i)only Tensors of floating point"):
        ember.tensor([1, 2], requires_grad=True)
    x = t64([1.0])
    y = x * 2
    assert y.requires_grad and not y.is_leaf
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf variables"):
        y.requires_grad = False
    assert not (x.detach() * 2).requires_grad
    assert (x.detach() + x).requires_grad


def test_inplace_modification_of_saved_output_raises():
    x = t64([1.0, 2.0])
    y = x.exp()
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_inplace_on_leaf_requiring_grad_raises():
    x = t64([1.0, 2.0])
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        x.add_(1)
    with ember.no_grad():
        x.add_(1)  # allowed without grad
    close(x, [2.0, 3.0])


def test_inplace_on_nonleaf_gradient_is_right():
    x = t64([1.0, 2.0])
    y = x * 2
    y.mul_(3)
    y.sum().backward()
    close(x.grad, [6.0, 6.0])


# -- custom Function ----------------------------------------------------------------------------------------------
class Exp(Function):
    @staticmethod
    def forward(ctx, x):
        r = x.exp()
        ctx.save_for_backward(r)
        return r

    @staticmethod
    def backward(ctx, g):
        (r,) = ctx.saved_tensors
        return g * r


class MulConst(Function):
    """Mixed tensor / non-tensor inputs, setup_context style."""

    @staticmethod
    def forward(x, k, y):
        return x * k * y

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, k, y = inputs
        ctx.k = k
        ctx.save_for_backward(x, y)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        gx = g * ctx.k * y if ctx.needs_input_grad[0] else None
        gy = g * ctx.k * x if ctx.needs_input_grad[2] else None
        return gx, None, gy


def test_function_basic_and_double_backward():
    x = t64([0.5, 1.0])
    y = Exp.apply(x)
    assert type(y.grad_fn).__name__ == "ExpBackward" and y.grad_fn.name() == "ExpBackward"
    assert isinstance(y.grad_fn, ember.autograd.graph.Node)
    assert y.grad_fn.next_functions[0][0].variable is x
    (g,) = ember.autograd.grad(y.sum(), x, create_graph=True)
    close(g, np.exp([0.5, 1.0]))
    (gg,) = ember.autograd.grad(g.sum(), x)
    close(gg, np.exp([0.5, 1.0]))
    assert ember.autograd.gradcheck(Exp.apply, (x,))
    assert ember.autograd.gradgradcheck(Exp.apply, (x,))


def test_function_saved_output_has_no_reference_cycle():
    gc.collect()
    x = t64([1.0])
    y = Exp.apply(x)
    ref = weakref.ref(y.grad_fn)
    del y
    assert ref() is None  # freed by refcounting alone: the node does not own its output


def test_function_setup_context_needs_input_grad_and_none_grads():
    x, y = t64([1.0, 2.0]), t64([3.0, 4.0], rg=False)
    seen = {}

    class Spy(MulConst):
        @staticmethod
        def backward(ctx, g):
            seen["needs"] = ctx.needs_input_grad
            return MulConst.backward(ctx, g)

    out = Spy.apply(x, 2.0, y)
    out.sum().backward()
    assert seen["needs"] == (True, False, False)
    close(x.grad, [6.0, 8.0])
    assert ember.autograd.gradcheck(lambda a, b: MulConst.apply(a, 2.0, b), (x, t64([3.0, 4.0])))
    out = MulConst.apply(x, 2.0, y=y)  # kwargs bound to positions with setup_context
    close(out, [6.0, 16.0])


def test_function_wrong_number_of_grads():
    class Two(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, g):
            return g

    a, b = t64([1.0]), t64([2.0])
    with pytest.raises(RuntimeError, match=r"function TwoBackward returned an incorrect number of gradients "
                                           r"\(expected 2, got 1\)"):
        Two.apply(a, b).sum().backward()


def test_function_grad_for_non_tensor_input_raises():
    class G(Function):
        @staticmethod
        def forward(ctx, a, k):
            return a * k

        @staticmethod
        def backward(ctx, g):
            return g, g

    with pytest.raises(RuntimeError, match="returned a gradient different than None at position 2"):
        G.apply(t64([1.0]), 2.0).sum().backward()


def test_function_mark_dirty_inplace():
    class AddOneInplace(Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 1

    x = t64([1.0, 2.0])
    y = x * 2
    v0 = y._version
    z = AddOneInplace.apply(y)
    assert z is y and y.grad_fn.name() == "AddOneInplaceBackward" and y._version == v0 + 1
    close(y, [3.0, 5.0])
    (y * y).sum().backward()
    close(x.grad, 2 * 2 * np.array([3.0, 5.0]))
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad has been used in an in-place"):
        AddOneInplace.apply(t64([1.0]))

    class Forgot(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_dirty(x)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(RuntimeError, match="marked as dirty during the forward method were not returned"):
        Forgot.apply(x * 1)


def test_function_mark_dirty_saved_tensor_version_check():
    class Sq(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * g * x

    x = t64([1.0])
    h = x * 1
    out = Sq.apply(h)
    h.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()


def test_function_mark_non_differentiable_and_materialize():
    class SortLike(Function):
        @staticmethod
        def forward(ctx, x):
            idx = ember.tensor(np.argsort(x.detach().numpy()))
            vals = x * 1
            ctx.mark_non_differentiable(idx)
            return vals, idx

        @staticmethod
        def backward(ctx, g_vals, g_idx):
            assert g_idx is not None  # materialized zeros for the index output
            return g_vals

    x = t64([3.0, 1.0])
    vals, idx = SortLike.apply(x)
    assert vals.requires_grad and not idx.requires_grad

    class NoMat(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 1, x * 2

        @staticmethod
        def backward(ctx, ga, gb):
            assert gb is None
            return ga

    a, b = NoMat.apply(x)
    a.sum().backward()
    close(x.grad, [1.0, 1.0])


def test_function_returning_input_and_no_grad():
    class Ident(Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = t64([1.0])
    y = Ident.apply(x)
    assert y is not x and y.grad_fn.name() == "IdentBackward"
    y.sum().backward()
    close(x.grad, [2.0])
    with ember.no_grad():
        z = Ident.apply(x)
    assert z.grad_fn is None and not z.requires_grad


def test_once_differentiable():
    class Cube(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            assert not ember.is_grad_enabled()
            return 3 * g * x * x

    x = t64([2.0])
    (g,) = ember.autograd.grad(Cube.apply(x).sum(), x)
    close(g, [12.0])
    (g,) = ember.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
    assert not g.requires_grad  # as in torch: the grad_output did not require grad, nothing to guard
    y = Cube.apply(x)
    (g,) = ember.autograd.grad(y, x, t64([1.0]), create_graph=True)
    assert g.requires_grad and g.grad_fn.name() == "Error"
    with pytest.raises(RuntimeError, match="trying to differentiate twice a function that was marked with "
                                           "@once_differentiable"):
        g.sum().backward()


def test_function_misc_api():
    with pytest.warns(DeprecationWarning):
        inst = Exp()
    with pytest.raises(RuntimeError, match="Legacy autograd function"):
        inst(t64([1.0]))
    with pytest.raises(TypeError, match="no keyword arguments"):
        Exp.apply(x=t64([1.0]))

    class Both(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, g):
            return g

        @staticmethod
        def vjp(ctx, g):
            return g

    with pytest.raises(RuntimeError, match="Implementing both 'backward' and 'vjp'"):
        Both.apply(t64([1.0])).sum().backward()


def test_function_matches_torch():
    torch = pytest.importorskip("torch")

    class TExp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            r = x.exp()
            ctx.save_for_backward(r)
            return r

        @staticmethod
        def backward(ctx, g):
            (r,) = ctx.saved_tensors
            return g * r

    xs = np.array([0.1, -0.4, 2.0])
    tx = torch.tensor(xs, requires_grad=True)
    (TExp.apply(tx) * torch.tensor(xs)).sum().backward()
    ex = t64(xs)
    (Exp.apply(ex) * ember.tensor(xs)).sum().backward()
    close(ex.grad, tx.grad.numpy())
    assert type(TExp.apply(tx).grad_fn).__name__ == "TExpBackward"
    assert type(Exp.apply(ex).grad_fn).__name__ == "ExpBackward"


# -- gradcheck -----------------------------------------------------------------------------------------------------
def test_gradcheck_passes_and_detects_wrong_gradient():
    class Wrong(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x  # should be 2 * g * x

    x = t64([1.0, 2.0, 3.0])
    assert ember.autograd.gradcheck(lambda a: (a * a).sin(), (x,))
    with pytest.raises(GradcheckError, match=r"(?s)Jacobian mismatch for output 0 with respect to input 0,\n"
                                             r"numerical:.*\nanalytical:"):
        ember.autograd.gradcheck(Wrong.apply, (x,))
    assert isinstance(GradcheckError("x"), RuntimeError)
    assert ember.autograd.gradcheck(Wrong.apply, (x,), raise_exception=False) is False
    with pytest.raises(GradcheckError, match="Jacobian mismatch"):
        ember.autograd.gradcheck(Wrong.apply, (x,), fast_mode=True)
    assert ember.autograd.gradcheck(lambda a: (a * a).sin(), (x,), fast_mode=True)


def test_gradcheck_input_rules():
    with pytest.raises(ValueError, match="at least one input tensor to require gradient"):
        ember.autograd.gradcheck(lambda a: a * 2, (t64([1.0], rg=False),))
    x32 = ember.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="Input #0 requires gradient and is not a double precision"):
        ember.autograd.gradcheck(lambda a: a * 2, (x32,), eps=1e-3, atol=1e-2, rtol=1e-2)
    # non-tensor args pass through; several outputs; a single tensor instead of a tuple
    assert ember.autograd.gradcheck(lambda a, k, b: (a * k, a * b), (t64([1.0, 2.0]), 3.0, t64([4.0, 5.0])))
    assert ember.autograd.gradcheck(lambda a: a.exp(), t64([0.3]))


def test_gradcheck_extra_checks():
    x, y = t64([0.3, -0.7]), t64([1.2, 0.4])
    f = lambda a, b: (a * b).tanh()  # noqa: E731
    assert ember.autograd.gradcheck(f, (x, y), check_batched_grad=True, check_forward_ad=True)
    assert ember.autograd.gradgradcheck(f, (x, y))
    assert ember.autograd.gradgradcheck(f, (x, y), fast_mode=True)
    assert ember.autograd.gradgradcheck(f, (x, y), grad_outputs=(t64([1.0, -2.0]),))


def test_gradcheck_non_differentiable_output_and_nondeterminism():
    x = t64([1.0, 2.0])
    assert ember.autograd.gradcheck(lambda a: a > 0, (x,))  # no differentiable output: numerical J must be 0
    with pytest.raises(GradcheckError, match="Numerical gradient for function expected to be zero"):
        ember.autograd.gradcheck(lambda a: a.detach() * 2, (x,))
    state = {"n": 0}

    class Noisy(Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            state["n"] += 1
            return g * (2 + 1e-3 * state["n"])

    with pytest.raises(GradcheckError, match="Backward is not reentrant"):
        ember.autograd.gradcheck(Noisy.apply, (x,), atol=1e-1, rtol=1e-1)


def test_gradcheck_complex():
    z = ember.tensor(np.array([1 + 2j, -0.5 + 0.3j]), requires_grad=True)
    assert ember.autograd.gradcheck(lambda a: (a * a).real, (z,))
    assert ember.autograd.gradcheck(lambda a: a * a, (z,))


# -- anomaly mode -----------------------------------------------------------------------------------------------
def test_anomaly_mode_attaches_forward_traceback():
    class Boom(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            raise ValueError("boom in backward")

    x = t64([1.0])
    with ember.autograd.detect_anomaly():
        y = Boom.apply(x)  # the forward call site recorded below
        with pytest.raises(ValueError, match="boom in backward") as info:
            y.sum().backward()
    notes = "".join(getattr(info.value, "__notes__", []))
    assert "Error detected in BoomBackward" in notes and "test_anomaly_mode_attaches_forward_traceback" in notes
    assert not ember.autograd.is_anomaly_enabled()
    with pytest.raises(ValueError) as info:
        Boom.apply(x).sum().backward()
    assert not getattr(info.value, "__notes__", None)


def test_anomaly_mode_nan_detection_names_node():
    x = t64([0.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with ember.autograd.set_detect_anomaly(True):
            y = (x.sqrt() * 0).sum()
            with pytest.raises(RuntimeError, match=r"Function 'SqrtBackward0' returned nan values in its 0th output"):
                y.backward()
        with ember.autograd.detect_anomaly(check_nan=False):
            (x.sqrt() * 0).sum().backward()
    assert np.isnan(x.grad.numpy()[0])

    @ember.autograd.detect_anomaly()
    def inside():
        return ember.autograd.is_anomaly_enabled()

    assert inside() and not ember.autograd.is_anomaly_enabled()


# -- ember.autograd.grad(f) / func.grad with control flow ------------------------------------------------------
def abs_val(x):
    return x if x > 0 else -x


@pytest.mark.parametrize("grad_fn", [ember.func.grad, ember.autograd.grad], ids=["func.grad", "autograd.grad"])
def test_abs_val_control_flow(grad_fn):
    close(grad_fn(abs_val)(ember.tensor(3.0)), 1.0)
    close(grad_fn(abs_val)(ember.tensor(-3.0)), -1.0)


# -- memory ----------------------------------------------------------------------------------------------------------
def test_training_loop_frees_graph_without_cycles():
    rng = np.random.default_rng(0)
    X = ember.tensor(rng.standard_normal((32, 4)))
    Y = ember.tensor(rng.standard_normal((32, 1)))
    w = ember.tensor(rng.standard_normal((4, 1)) * 0.1, requires_grad=True)
    b = ember.zeros(1, dtype=ember.float64, requires_grad=True)
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        node_refs = []
        losses = []
        for _ in range(200):
            loss = ((X @ w + b - Y) ** 2).mean()
            node_refs.append(weakref.ref(loss.grad_fn))
            loss.backward()
            with ember.no_grad():
                w -= 0.05 * w.grad
                b -= 0.05 * b.grad
            w.grad = None
            b.grad = None
            losses.append(loss.item())
            del loss
            assert node_refs[-1]() is None  # freed by refcounting, immediately
        assert gc.collect() == 0  # nothing was left for the cycle collector
    finally:
        if was_enabled:
            gc.enable()
    assert losses[-1] < losses[0]
    assert w.is_leaf and w.requires_grad and w.grad_fn is None


def test_retained_graph_and_create_graph_are_freed():
    gc.collect()
    gc.disable()
    try:
        x = t64([1.0, 2.0])
        y = (x.exp() * x).sum()
        (g,) = ember.autograd.grad(y, x, create_graph=True)
        ref = weakref.ref(g.grad_fn)
        g.sum().backward()
        del y, g
        assert ref() is None
        z = Exp.apply(x).sum()
        z.backward(retain_graph=True)
        ref = weakref.ref(z.grad_fn)
        del z
        assert ref() is None
        assert gc.collect() == 0
    finally:
        gc.enable()
