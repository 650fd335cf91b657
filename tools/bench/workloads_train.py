"""Training-infrastructure workloads (issue "ember core III"): data loading and optimizer steps."""
from __future__ import annotations

import numpy as np

from workloads import Workload

_N, _D = 60_000, 784


def _loader(lib, workers):
    rng = np.random.default_rng(0)
    x = lib.from_numpy(rng.standard_normal((_N, _D), dtype=np.float32))
    y = lib.from_numpy(rng.integers(0, 10, _N))
    ds = lib.utils.data.TensorDataset(x, y)
    kw = dict(num_workers=workers, persistent_workers=workers > 0)
    dl = lib.utils.data.DataLoader(ds, batch_size=256, shuffle=True, **kw)

    def run():
        n = 0
        for xb, yb in dl:
            n += len(yb)
        return n
    return run


def loader0(lib):
    return _loader(lib, 0)


def loader2(lib):
    return _loader(lib, 2)


def adam_step(lib):
    lib.manual_seed(0)
    nn = lib.nn
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
    for p in model.parameters():
        p.grad = lib.randn(p.shape) * 0.01
    opt = lib.optim.Adam(model.parameters(), lr=1e-3)
    return opt.step


WORKLOADS = [
    Workload("DataLoader 60000x784 b256 0 workers (epoch)", loader0, number=1, target=1.0),
    Workload("DataLoader 60000x784 b256 2 workers (epoch)", loader2, number=1, target=1.0),
    Workload("Adam step MLP 784-512-256-10 params", adam_step, number=20, target=1.5),
]
