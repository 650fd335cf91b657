"""MLP classifier on synthetic spirals: nn.Sequential, CrossEntropyLoss, Adam, StepLR (float32)."""
import numpy as np

from ._util import init_from_numpy

RTOL = 2e-4
ATOL = 2e-5


def spirals(n_per_class: int = 40, classes: int = 3, seed: int = 3):
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for c in range(classes):
        r = np.linspace(0.1, 1.0, n_per_class)
        t = np.linspace(c * 4.0, (c + 1) * 4.0, n_per_class) + 0.2 * rng.standard_normal(n_per_class)
        xs.append(np.stack([r * np.sin(t), r * np.cos(t)], axis=1))
        ys.append(np.full(n_per_class, c))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys).astype(np.int64)


def run(torch) -> dict:
    nn = torch.nn
    torch.manual_seed(0)
    Xn, yn = spirals()
    X, y = torch.from_numpy(Xn), torch.from_numpy(yn)

    model = nn.Sequential(
        nn.Linear(2, 32), nn.ReLU(),
        nn.Linear(32, 32), nn.Tanh(),
        nn.Dropout(p=0.0),
        nn.Linear(32, 3),
    )
    init_from_numpy(torch, model, seed=4)
    criterion = nn.CrossEntropyLoss(label_smoothing=0.05)
    opt = torch.optim.Adam(model.parameters(), lr=0.02, betas=(0.9, 0.99))
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.5)

    losses, lrs = [], []
    model.train()
    for _ in range(20):
        opt.zero_grad()
        logits = model(X)
        loss = criterion(logits, y)
        loss.backward()
        opt.step()
        sched.step()
        losses.append(loss.item())
        lrs.append(sched.get_last_lr()[0])

    model.eval()
    with torch.no_grad():
        logits = model(X)
        probs = torch.softmax(logits, dim=1)
        pred = logits.argmax(dim=1)
        acc = (pred == y).float().mean()
    return {
        "losses": losses,
        "lrs": lrs,
        "probs_head": probs[:6],
        "accuracy": acc,
        "first_weight": model[0].weight.detach(),
        "n_params": sum(p.numel() for p in model.parameters()),
        "adam_step": float(opt.state[model[0].weight]["step"]),
    }


def check(r) -> None:
    assert r["n_params"] == 2 * 32 + 32 + 32 * 32 + 32 + 32 * 3 + 3
    np.testing.assert_allclose(np.asarray(r["probs_head"]).sum(1), 1.0, rtol=1e-5)
    assert r["lrs"][-1] == 0.02 * 0.5 ** 4
    assert r["adam_step"] == 20
