"""Autograd utilities (float64): torch.utils.checkpoint on a block (and checkpoint_sequential) against the plain
graph, per-sample gradients of a small CNN with torch.func.functional_call + vmap(grad), model ensembling with
stacked parameters, torch.autograd.functional jacobian/hessian/vjp/jvp/hvp on a small function, and gradcheck /
gradgradcheck on a custom autograd.Function (plus a deliberately wrong backward that gradcheck must reject)."""
import numpy as np

from ._util import init_from_numpy

RTOL = 1e-8
ATOL = 1e-11


def run(torch) -> dict:
    nn = torch.nn
    F = nn.functional
    func = torch.func
    checkpoint = torch.utils.checkpoint
    autograd_F = torch.autograd.functional
    torch.manual_seed(0)
    rng = np.random.default_rng(1101)
    r = {}

    # --- activation checkpointing gives the same gradients as the plain graph
    class Block(nn.Module):
        def __init__(self, d):
            super().__init__()
            self.ln = nn.LayerNorm(d)
            self.fc1 = nn.Linear(d, 2 * d)
            self.fc2 = nn.Linear(2 * d, d)

        def forward(self, x):
            return x + self.fc2(F.gelu(self.fc1(self.ln(x))))

    class Net(nn.Module):
        def __init__(self, d, use_ckpt):
            super().__init__()
            self.blocks = nn.ModuleList([Block(d) for _ in range(3)])
            self.use_ckpt = use_ckpt

        def forward(self, x):
            for blk in self.blocks:
                x = checkpoint.checkpoint(blk, x, use_reentrant=False) if self.use_ckpt else blk(x)
            return x

    plain = init_from_numpy(torch, Net(6, False).double(), seed=1102)
    ckpt = Net(6, True).double()
    ckpt.load_state_dict(plain.state_dict())
    xin = torch.from_numpy(rng.standard_normal((4, 6)))
    outs, grads = [], []
    for m in (plain, ckpt):
        xi = xin.clone().requires_grad_()
        out = m(xi)
        out.pow(2).mean().backward()
        outs.append(out.detach())
        grads.append([xi.grad] + [p.grad for p in m.parameters()])
    r["ckpt_out"] = outs
    r["ckpt_grads"] = grads
    seq = nn.Sequential(*[Block(6) for _ in range(4)]).double()
    seq.load_state_dict({k: v for k, v in init_from_numpy(torch, nn.Sequential(
        *[Block(6) for _ in range(4)]).double(), seed=1103).state_dict().items()})
    xs = xin.clone().requires_grad_()
    out = checkpoint.checkpoint_sequential(seq, 2, xs, use_reentrant=False)
    out.sum().backward()
    r["ckpt_seq_out"] = out.detach()
    r["ckpt_seq_grad"] = xs.grad

    # --- per-sample gradients of a conv net with functional_call + vmap(grad)
    cnn = init_from_numpy(torch, nn.Sequential(nn.Conv2d(1, 3, 3), nn.ReLU(), nn.Flatten(),
                                               nn.Linear(3 * 4 * 4, 2)).double(), seed=1104)
    images = torch.from_numpy(rng.standard_normal((5, 1, 6, 6)))
    targets = torch.from_numpy(rng.integers(0, 2, size=5))
    params = {k: v.detach() for k, v in cnn.named_parameters()}
    buffers = {k: v.detach() for k, v in cnn.named_buffers()}

    def compute_loss(params, buffers, sample, target):
        batch = sample.unsqueeze(0)
        predictions = func.functional_call(cnn, (params, buffers), (batch,))
        return F.cross_entropy(predictions, target.unsqueeze(0))

    ft_per_sample_grads = func.vmap(func.grad(compute_loss), in_dims=(None, None, 0, 0))(
        params, buffers, images, targets)
    r["per_sample"] = ft_per_sample_grads
    loop = []
    for i in range(5):
        cnn.zero_grad()
        F.cross_entropy(cnn(images[i:i + 1]), targets[i:i + 1]).backward()
        loop.append(cnn[0].weight.grad.clone())
    r["per_sample_loop"] = torch.stack(loop)

    # --- ensembling: stack the parameters of several models and vmap over them
    models = [init_from_numpy(torch, nn.Linear(3, 2).double(), seed=1110 + i) for i in range(3)]
    stacked = {k: torch.stack([dict(m.named_parameters())[k].detach() for m in models]) for k in ("weight", "bias")}
    xe = torch.from_numpy(rng.standard_normal((4, 3)))

    def fmodel(p, x):
        return func.functional_call(models[0], p, (x,))

    r["ensemble"] = func.vmap(fmodel, in_dims=(0, None))(stacked, xe)
    r["ensemble_loop"] = torch.stack([m(xe) for m in models]).detach()

    # --- torch.autograd.functional on small functions
    def f(x):
        return torch.stack([x[0] ** 2 * x[1], torch.sin(x[1]) + x[2].exp(), (x * x).sum()])

    def scalar(x, y):
        return (x.pow(3) * y).sum() + torch.tanh(x @ y)

    x0 = torch.tensor([0.5, -1.0, 0.3], dtype=torch.float64)
    y0 = torch.tensor([1.5, 0.2, -0.7], dtype=torch.float64)
    v = torch.tensor([1.0, 2.0, -1.0], dtype=torch.float64)
    r["jacobian"] = autograd_F.jacobian(f, x0)
    r["jacobian_vec"] = autograd_F.jacobian(f, x0, vectorize=True)
    r["hessian"] = autograd_F.hessian(lambda x: scalar(x, y0), x0)
    hxy = autograd_F.hessian(scalar, (x0, y0))
    r["hessian_pair"] = [list(row) for row in hxy]
    jac_pair = autograd_F.jacobian(scalar, (x0, y0))
    r["jacobian_pair"] = list(jac_pair)
    r["vjp"] = list(autograd_F.vjp(f, x0, v))
    r["jvp"] = list(autograd_F.jvp(f, x0, v))
    r["hvp"] = list(autograd_F.hvp(lambda x: scalar(x, y0), x0, v))
    r["vhp"] = list(autograd_F.vhp(lambda x: scalar(x, y0), x0, v))
    r["func_hessian"] = func.hessian(lambda x: scalar(x, y0))(x0)
    r["jacfwd"] = func.jacfwd(f)(x0)

    # --- gradcheck / gradgradcheck on a custom Function
    class SmoothAbs(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x, eps):
            ctx.save_for_backward(x)
            ctx.eps = eps
            return torch.sqrt(x * x + eps)

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * x / torch.sqrt(x * x + ctx.eps), None

    class WrongGrad(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.sin()

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * x.cos() * 1.1

    xt = torch.from_numpy(rng.standard_normal((3, 2))).requires_grad_()
    r["gradcheck"] = torch.autograd.gradcheck(lambda t: SmoothAbs.apply(t, 0.1), (xt,))
    r["gradgradcheck"] = torch.autograd.gradgradcheck(lambda t: SmoothAbs.apply(t, 0.1), (xt,))
    r["gradcheck_wrong"] = torch.autograd.gradcheck(WrongGrad.apply, (xt,), raise_exception=False)
    try:
        torch.autograd.gradcheck(WrongGrad.apply, (xt,))
        r["gradcheck_raises"] = None
    except RuntimeError as e:
        r["gradcheck_raises"] = "Jacobian mismatch" in str(e)
    r["gradcheck_fast"] = torch.autograd.gradcheck(lambda t: SmoothAbs.apply(t, 0.1), (xt,), fast_mode=True)
    return r


def check(r) -> None:
    for a, b in zip(r["ckpt_grads"][0], r["ckpt_grads"][1]):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(r["per_sample"]["0.weight"], r["per_sample_loop"], rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(r["ensemble"], r["ensemble_loop"], rtol=1e-12)
    np.testing.assert_allclose(r["jacobian"], r["jacobian_vec"], rtol=1e-12)
    np.testing.assert_allclose(r["jacobian"], r["jacfwd"], rtol=1e-12)
    np.testing.assert_allclose(r["hessian"], r["func_hessian"], rtol=1e-12)
    np.testing.assert_allclose(r["hessian"], r["hessian_pair"][0][0], rtol=1e-12)
    assert r["gradcheck"] is True and r["gradgradcheck"] is True and r["gradcheck_fast"] is True
    assert r["gradcheck_wrong"] is False and r["gradcheck_raises"] is True
