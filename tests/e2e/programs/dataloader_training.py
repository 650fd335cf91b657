"""DataLoader over a TensorDataset (shuffle=False), SGD with weight decay, MultiStepLR per epoch (float32)."""
import numpy as np

from ._util import init_from_numpy

RTOL = 2e-4
ATOL = 2e-5


def run(torch) -> dict:
    nn = torch.nn
    data = torch.utils.data
    torch.manual_seed(0)
    rng = np.random.default_rng(61)
    Xn = rng.standard_normal((50, 5)).astype(np.float32)
    yn = (Xn @ np.array([1.0, -2.0, 0.0, 0.5, 3.0], dtype=np.float32) > 0).astype(np.float32)
    dataset = data.TensorDataset(torch.from_numpy(Xn), torch.from_numpy(yn).unsqueeze(1))
    loader = data.DataLoader(dataset, batch_size=16, shuffle=False, drop_last=False)

    model = init_from_numpy(torch, nn.Sequential(nn.Linear(5, 8), nn.SiLU(), nn.Linear(8, 1)), seed=62)
    criterion = nn.BCEWithLogitsLoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.5, weight_decay=1e-3)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[2, 3], gamma=0.3)

    epoch_losses, lrs, batch_shapes = [], [], []
    for epoch in range(4):
        total, seen = 0.0, 0
        for xb, yb in loader:
            if epoch == 0:
                batch_shapes.append(list(xb.shape))
            opt.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * xb.shape[0]
            seen += xb.shape[0]
        sched.step()
        epoch_losses.append(total / seen)
        lrs.append(sched.get_last_lr()[0])

    model.eval()
    with torch.no_grad():
        probs = torch.sigmoid(model(dataset.tensors[0])).squeeze(1)
    acc = ((probs > 0.5).float() == dataset.tensors[1].squeeze(1)).float().mean()
    return {
        "losses": epoch_losses,
        "lrs": lrs,
        "batch_shapes": batch_shapes,
        "n_batches": len(loader),
        "probs": probs,
        "accuracy": acc,
        "weight": model[0].weight.detach(),
    }


def check(r) -> None:
    assert r["batch_shapes"] == [[16, 5], [16, 5], [16, 5], [2, 5]]
    assert r["n_batches"] == 4
    np.testing.assert_allclose(r["lrs"], [0.5, 0.15, 0.045, 0.045], rtol=1e-12)
    assert float(r["accuracy"]) > 0.8
