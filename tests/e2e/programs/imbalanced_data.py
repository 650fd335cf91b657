"""Imbalanced classes: WeightedRandomSampler, random_split with fractions, class-weighted CE (float32)."""
import numpy as np

from ._util import init_from_numpy

RTOL = 2e-4
ATOL = 2e-5


def run(torch) -> dict:
    nn = torch.nn
    data = torch.utils.data
    torch.manual_seed(0)
    rng = np.random.default_rng(121)
    labels_np = np.array([0] * 30 + [1] * 8 + [2] * 2, dtype=np.int64)
    X_np = (rng.standard_normal((40, 4)) + labels_np[:, None] * 1.5).astype(np.float32)
    X, y = torch.from_numpy(X_np), torch.from_numpy(labels_np)
    dataset = data.TensorDataset(X, y)

    class_counts = torch.bincount(y, minlength=3)
    class_weights = 1.0 / class_counts.float()
    sample_weights = class_weights[y]
    g = torch.Generator().manual_seed(5)
    sampler = data.WeightedRandomSampler(sample_weights, num_samples=60, replacement=True, generator=g)
    drawn = torch.tensor(list(iter(sampler)))
    drawn_counts = torch.bincount(y[drawn], minlength=3)

    g2 = torch.Generator().manual_seed(7)
    parts = data.random_split(dataset, [0.7, 0.2, 0.1], generator=g2)
    split_lengths = [len(p) for p in parts]
    parts_int = data.random_split(dataset, [25, 15], generator=torch.Generator().manual_seed(1))

    model = init_from_numpy(torch, nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 3)), seed=122)
    ce_weight = class_counts.sum() / (3 * class_counts.float())
    criterion = nn.CrossEntropyLoss(weight=ce_weight)
    plain = nn.CrossEntropyLoss()
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    loader = data.DataLoader(dataset, batch_size=10, shuffle=False)
    losses, plain_losses = [], []
    for _ in range(3):
        for xb, yb in loader:
            out = model(xb)
            loss = criterion(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            out = model(X)
            losses.append(criterion(out, y).item())
            plain_losses.append(plain(out, y).item())
    with torch.no_grad():
        pred = model(X).argmax(1)
    per_class_recall = torch.stack([(pred[y == c] == c).float().mean() for c in range(3)])
    manual = nn.functional.cross_entropy(out, y, reduction="none")
    manual_weighted = (manual * ce_weight[y]).sum() / ce_weight[y].sum()
    return {
        "losses": losses,
        "plain_losses": plain_losses,
        "class_counts": class_counts,
        "ce_weight": ce_weight,
        "drawn_shape": list(drawn.shape),
        "drawn_sum": int(drawn_counts.sum()),
        "drawn_is_int64": drawn.dtype == torch.int64,
        "split_lengths": split_lengths,
        "split_int_lengths": [len(p) for p in parts_int],
        "subset_item_shape": list(parts[0][0][0].shape),
        "recall": per_class_recall,
        "manual_weighted": manual_weighted,
        "builtin_weighted": criterion(out, y),
    }


def check(r) -> None:
    assert r["split_lengths"] == [28, 8, 4]
    assert r["split_int_lengths"] == [25, 15]
    assert r["drawn_shape"] == [60] and r["drawn_sum"] == 60
    np.testing.assert_allclose(r["manual_weighted"], r["builtin_weighted"], rtol=1e-5)
