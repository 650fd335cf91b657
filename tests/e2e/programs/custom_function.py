"""Custom autograd.Function plus higher-order derivatives with autograd.grad(create_graph=True) (float64)."""
import numpy as np

RTOL = 1e-9
ATOL = 1e-12


def run(torch) -> dict:
    torch.manual_seed(0)

    class Cube(torch.autograd.Function):
        """x**3 with a hand-written backward that is itself differentiable."""

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, grad_out):
            (x,) = ctx.saved_tensors
            return grad_out * 3 * x ** 2

    class ScaledSoftplus(torch.autograd.Function):
        """beta-scaled softplus with a non-tensor argument and a second output marked non-differentiable."""

        @staticmethod
        def forward(ctx, x, beta):
            ctx.beta = beta
            y = torch.log1p(torch.exp(beta * x)) / beta
            positive = x > 0
            ctx.mark_non_differentiable(positive)
            ctx.save_for_backward(x)
            return y, positive

        @staticmethod
        def backward(ctx, grad_y, grad_positive):
            (x,) = ctx.saved_tensors
            return grad_y * torch.sigmoid(ctx.beta * x), None

    xn = np.linspace(-1.5, 2.0, 7)
    x = torch.from_numpy(xn).requires_grad_()

    y = Cube.apply(x)
    (dy,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    (d2y,) = torch.autograd.grad(dy.sum(), x, create_graph=True)
    (d3y,) = torch.autograd.grad(d2y.sum(), x)

    sp, positive = ScaledSoftplus.apply(x, 2.0)
    (dsp,) = torch.autograd.grad(sp, x, grad_outputs=torch.ones_like(sp), create_graph=True)
    (d2sp,) = torch.autograd.grad(dsp.sum(), x)

    # a scalar function of two variables: gradient, Hessian-vector product via double backward
    w = torch.from_numpy(np.array([0.3, -0.7, 1.1])).requires_grad_()
    f = (torch.sin(w) * torch.exp(w)).sum() + (w[0] * w[1] * w[2]) ** 2
    (g,) = torch.autograd.grad(f, w, create_graph=True)
    v = torch.tensor([1.0, 0.5, -2.0], dtype=torch.float64)
    (hvp,) = torch.autograd.grad(g, w, grad_outputs=v)
    hessian = torch.autograd.functional.hessian(lambda t: (torch.sin(t) * torch.exp(t)).sum() + (t.prod()) ** 2, w)

    # backward() accumulation through the custom op into .grad, then retain_graph for a second pass
    z = (Cube.apply(x) * 2).sum()
    z.backward(retain_graph=True)
    first = x.grad.clone()
    z.backward()
    return {
        "y": y.detach(),
        "dy": dy.detach(),
        "d2y": d2y.detach(),
        "d3y": d3y,
        "softplus": sp.detach(),
        "positive": positive,
        "positive_requires_grad": positive.requires_grad,
        "dsoftplus": dsp.detach(),
        "d2softplus": d2sp,
        "grad_f": g.detach(),
        "hvp": hvp,
        "hessian": hessian,
        "grad_once": first,
        "grad_twice": x.grad,
    }


def check(r) -> None:
    x = np.linspace(-1.5, 2.0, 7)
    np.testing.assert_allclose(r["dy"], 3 * x ** 2, rtol=1e-12)
    np.testing.assert_allclose(r["d2y"], 6 * x, rtol=1e-12)
    np.testing.assert_allclose(r["d3y"], np.full(7, 6.0), rtol=1e-12)
    s = 1 / (1 + np.exp(-2 * x))
    np.testing.assert_allclose(r["dsoftplus"], s, rtol=1e-12)
    np.testing.assert_allclose(r["d2softplus"], 2 * s * (1 - s), rtol=1e-10)
    np.testing.assert_allclose(r["hessian"] @ np.array([1.0, 0.5, -2.0]), r["hvp"], rtol=1e-10)
    np.testing.assert_allclose(r["grad_twice"], 2 * r["grad_once"], rtol=1e-12)
    assert not r["positive_requires_grad"]
