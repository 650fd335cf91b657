"""Train a small CNN on the MNIST test split with ember, then checkpoint, reload and re-evaluate.

The 10,000 images of ../shared/data/mnist (IDX files, gzip) are split 8,000 train / 2,000 held out.
Written exactly as a PyTorch program: swap ``import ember as torch`` for ``import torch`` and it runs the same.
"""
from __future__ import annotations

import argparse
import gzip
import os
import struct
import sys
import tempfile
import time

import numpy as np

import ember as torch
import ember.nn as nn
import ember.nn.functional as F
from ember.utils.data import DataLoader, TensorDataset

try:
    from tqdm import tqdm
except ImportError:  # progress bars are optional
    def tqdm(it, **kw):
        return it

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data", "mnist"))


def read_idx(path: str) -> np.ndarray:
    """Read an IDX file (optionally gzip-compressed) into a NumPy array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {raw[:4].hex()})")
    shape = struct.unpack(f">{ndim}I", raw[4:4 + 4 * ndim])
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{path}: truncated (expected {int(np.prod(shape))} values, found {data.size})")
    return data.reshape(shape)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)
        self.dropout = nn.Dropout(0.25)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = self.dropout(torch.flatten(x, 1))
        x = F.relu(self.fc1(x))
        return self.fc2(x)


def evaluate(model, loader) -> float:
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for x, y in loader:
            correct += (model(x).argmax(1) == y).sum().item()
            total += y.numel()
    return correct / total


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", default=DEFAULT_DATA, help="folder with t10k-images-idx3-ubyte.gz and labels")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    torch.manual_seed(args.seed)
    images = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(((images.astype(np.float32) / 255.0) - 0.1307) / 0.3081).unsqueeze(1)
    y = torch.from_numpy(labels.astype(np.int64))
    perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(args.seed))
    train_idx, held_idx = perm[:8000], perm[8000:]
    train = TensorDataset(x[train_idx], y[train_idx])
    held = TensorDataset(x[held_idx], y[held_idx])
    train_loader = DataLoader(train, batch_size=args.batch_size, shuffle=True,
                              generator=torch.Generator().manual_seed(args.seed))
    held_loader = DataLoader(held, batch_size=500)
    print(f"MNIST test split: {len(train)} train / {len(held)} held out, {args.epochs} epochs")

    model = Net()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    t0 = time.time()
    for epoch in range(1, args.epochs + 1):
        model.train()
        running, n = 0.0, 0
        bar = tqdm(train_loader, desc=f"epoch {epoch}/{args.epochs}", unit="batch", leave=False)
        for xb, yb in bar:
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            running += loss.item() * len(yb)
            n += len(yb)
            if hasattr(bar, "set_postfix"):
                bar.set_postfix(loss=f"{running / n:.4f}")
        sched.step()
        acc = evaluate(model, held_loader)
        print(f"epoch {epoch}: train loss {running / n:.4f}  held-out accuracy {acc:.2%}  "
              f"({time.time() - t0:.0f}s)", flush=True)

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "mnist_cnn.ember")
        torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": args.epochs}, path)
        ckpt = torch.load(path)
        reloaded = Net()
        reloaded.load_state_dict(ckpt["model"])
        acc2 = evaluate(reloaded, held_loader)
    print(f"checkpoint saved and reloaded: held-out accuracy {acc2:.2%} (before save {acc:.2%})")
    if abs(acc2 - acc) > 1e-12:
        print("error: the reloaded model disagrees with the trained one", file=sys.stderr)
        return 1
    print(f"result: {acc:.2%} held-out accuracy in {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
