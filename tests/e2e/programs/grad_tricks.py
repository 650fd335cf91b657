"""Autograd plumbing used in training code: accumulation, retain_grad, tensor hooks, checkpointing, detach (float64)."""
import numpy as np

RTOL = 1e-9
ATOL = 1e-12


def run(torch) -> dict:
    nn = torch.nn
    torch.manual_seed(0)
    rng = np.random.default_rng(101)
    W1 = torch.from_numpy(rng.standard_normal((3, 5)) * 0.5).requires_grad_()
    W2 = torch.from_numpy(rng.standard_normal((5, 2)) * 0.5).requires_grad_()
    X = torch.from_numpy(rng.standard_normal((8, 3)))
    r = {}

    # gradient accumulation over micro-batches equals the full-batch gradient
    for xb in X.split(2):
        loss = torch.tanh(xb @ W1).matmul(W2).pow(2).sum() / 4
        loss.backward()
    r["accumulated"] = W1.grad.clone()
    W1.grad = None
    W2.grad.zero_()

    # retain_grad on a non-leaf and a hook that rescales the gradient flowing through it
    h = torch.tanh(X @ W1)
    h.retain_grad()
    seen = []
    handle = h.register_hook(lambda g: (seen.append(g.norm().item()), g * 0.5)[1])
    out = (h @ W2).sum()
    out.backward()
    handle.remove()
    r["h_grad"] = h.grad
    r["W1_grad_hooked"] = W1.grad.clone()
    r["hook_norms"] = seen
    r["h_is_leaf"] = [h.is_leaf, W1.is_leaf, (W1 * 1).is_leaf]

    # activation checkpointing recomputes the block and gives identical gradients
    block = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2)).double()
    with torch.no_grad():
        for p, arr in zip(block.parameters(), [rng.standard_normal(s) for s in [(5, 3), (5,), (2, 5), (2,)]]):
            p.copy_(torch.from_numpy(arr))
    from_ckpt = torch.utils.checkpoint.checkpoint(block, X.requires_grad_(), use_reentrant=False)
    from_ckpt.square().sum().backward()
    r["ckpt_input_grad"] = X.grad.clone()
    r["ckpt_weight_grad"] = block[0].weight.grad.clone()
    X.grad = None
    block.zero_grad()
    block(X).square().sum().backward()
    r["plain_input_grad"] = X.grad
    r["plain_weight_grad"] = block[0].weight.grad

    # detach / no_grad / set_grad_enabled / inference_mode boundaries
    y = W2 * 3
    z = y.detach()
    with torch.set_grad_enabled(False):
        q = W2 * 2
    with torch.inference_mode():
        s = W2.sum()
    r["flags"] = [y.requires_grad, z.requires_grad, q.requires_grad, s.requires_grad, torch.is_grad_enabled()]

    # grad w.r.t. several inputs, allow_unused, and a non-scalar output with grad_outputs
    a = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([0.5, -1.0], dtype=torch.float64, requires_grad=True)
    unused = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    f = torch.outer(a, b).exp()
    ga, gb, gu = torch.autograd.grad(f, (a, b, unused), grad_outputs=torch.ones_like(f), allow_unused=True)
    r["ga"], r["gb"], r["gu_none"] = ga, gb, gu is None

    # in-place update on a leaf under no_grad keeps it a leaf; version counter catches misuse
    w = torch.ones(3, dtype=torch.float64, requires_grad=True)
    e = (w * 2).exp()
    with torch.no_grad():
        w.add_(1.0)
    e.sum().backward()
    r["inplace_leaf_grad"] = w.grad
    return r


def check(r) -> None:
    np.testing.assert_allclose(r["ckpt_input_grad"], r["plain_input_grad"], rtol=1e-12)
    np.testing.assert_allclose(r["ckpt_weight_grad"], r["plain_weight_grad"], rtol=1e-12)
    assert r["h_is_leaf"] == [False, True, False]
    assert r["flags"] == [True, False, False, False, True]
    assert r["gu_none"]
