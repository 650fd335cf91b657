"""Per-sample gradients with torch.func (functional_call + grad + vmap), checked against a Python loop (float64)."""
import numpy as np

from ._util import init_from_numpy

RTOL = 1e-9
ATOL = 1e-12


def run(torch) -> dict:
    nn = torch.nn
    F = nn.functional
    from_numpy = torch.from_numpy
    func = torch.func
    torch.manual_seed(0)
    model = init_from_numpy(torch, nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3)).double(), seed=111)
    rng = np.random.default_rng(112)
    X = from_numpy(rng.standard_normal((5, 4)))
    y = from_numpy(rng.integers(0, 3, size=5))
    params = {k: v.detach() for k, v in model.named_parameters()}

    def loss_one(p, x, t):
        out = func.functional_call(model, p, (x.unsqueeze(0),))
        return F.cross_entropy(out, t.unsqueeze(0))

    per_sample = func.vmap(func.grad(loss_one), in_dims=(None, 0, 0))(params, X, y)

    loop = {k: [] for k in params}
    for i in range(X.shape[0]):
        model.zero_grad()
        F.cross_entropy(model(X[i:i + 1]), y[i:i + 1]).backward()
        for k, p in model.named_parameters():
            loop[k].append(p.grad.clone())

    jac = func.jacrev(lambda x: torch.tanh(x) * x.sum())(X[0])
    value, vjp_fn = func.vjp(lambda x: x.sin() * 2, X[0])
    (vjp_out,) = vjp_fn(torch.ones_like(value))
    batched_dot = func.vmap(torch.dot)(X, X)
    return {
        "per_sample": {k: v for k, v in per_sample.items()},
        "loop": {k: torch.stack(v) for k, v in loop.items()},
        "jacobian": jac,
        "vjp": vjp_out,
        "batched_dot": batched_dot,
    }


def check(r) -> None:
    for k in r["loop"]:
        np.testing.assert_allclose(r["per_sample"][k], r["loop"][k], rtol=1e-10, atol=1e-12)
