"""nn workloads (issue "ember core II"): forward + backward + an SGD step, same code for ember and torch."""
from __future__ import annotations

import numpy as np

from workloads import Workload


def _train_step(lib, model, x, y, loss_fn):
    opt = lib.optim.SGD(model.parameters(), lr=0.01)

    def run():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss
    return run


def mlp(lib):
    lib.manual_seed(0)
    nn = lib.nn
    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((128, 784), dtype=np.float32))
    y = lib.tensor(rng.integers(0, 10, 128))
    return _train_step(lib, model, x, y, nn.functional.cross_entropy)


def lenet(lib):
    lib.manual_seed(0)
    nn = lib.nn
    model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(16 * 5 * 5, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((64, 1, 28, 28), dtype=np.float32))
    y = lib.tensor(rng.integers(0, 10, 64))
    return _train_step(lib, model, x, y, nn.functional.cross_entropy)


class _LSTMHead:
    pass


def lstm(lib):
    lib.manual_seed(0)
    nn = lib.nn

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(64, 128)

        def forward(self, x):
            return self.lstm(x)[0]

    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((35, 32, 64), dtype=np.float32))
    y = lib.tensor(rng.standard_normal((35, 32, 128), dtype=np.float32))
    return _train_step(lib, M(), x, y, nn.functional.mse_loss)


def transformer(lib):
    lib.manual_seed(0)
    nn = lib.nn
    layer = nn.TransformerEncoderLayer(d_model=128, nhead=4, dim_feedforward=512, batch_first=True, dropout=0.1)
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((16, 64, 128), dtype=np.float32))
    y = lib.tensor(rng.standard_normal((16, 64, 128), dtype=np.float32))
    return _train_step(lib, layer, x, y, nn.functional.mse_loss)


WORKLOADS = [
    Workload("MLP 784-512-256-10 b128 train step", mlp, number=5, target=1.2),
    Workload("LeNet-5 1x28x28 b64 train step", lenet, number=3, target=2.0),
    Workload("LSTM h128 in64 seq35 b32 train step", lstm, number=2, target=1.5),
    Workload("TransformerEncoderLayer d128 h4 train", transformer, number=2, target=1.5),
]
