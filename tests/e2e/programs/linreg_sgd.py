"""Linear regression trained by hand: autograd for the gradient, manual SGD updates under ``no_grad``."""
import numpy as np

RTOL = 1e-7
ATOL = 1e-10


def run(torch) -> dict:
    torch.manual_seed(0)
    rng = np.random.default_rng(1)
    X = torch.from_numpy(rng.standard_normal((128, 3)))
    true_w = torch.tensor([[2.0], [-3.0], [0.5]], dtype=torch.float64)
    y = X @ true_w + 1.25 + 0.01 * torch.from_numpy(rng.standard_normal((128, 1)))

    w = torch.zeros(3, 1, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    lr = 0.1
    losses = []
    for _ in range(40):
        pred = X.mm(w) + b
        loss = ((pred - y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b.sub_(lr * b.grad)
            w.grad.zero_()
            b.grad = None
        losses.append(loss.item())
    with torch.no_grad():
        residual = (X @ w + b - y).abs().max()
    return {
        "losses": losses,
        "w": w.detach(),
        "b": b.detach(),
        "residual": residual,
        "w_requires_grad": w.requires_grad,
        "residual_requires_grad": residual.requires_grad,
    }


def check(r) -> None:
    np.testing.assert_allclose(np.asarray(r["w"]).ravel(), [2.0, -3.0, 0.5], atol=0.05)
    np.testing.assert_allclose(float(r["b"][0]), 1.25, atol=0.05)
    assert r["w_requires_grad"] and not r["residual_requires_grad"]
