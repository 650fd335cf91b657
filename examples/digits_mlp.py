"""A tiny second example: an MLP on scikit-learn's 8x8 digits (1,797 images), trained with ember in seconds.

    .venv/bin/python examples/digits_mlp.py
"""
from __future__ import annotations

import argparse
import sys

import numpy as np

import ember as torch
import ember.nn as nn
from ember.utils.data import DataLoader, TensorDataset


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        print("this example needs scikit-learn: pip install scikit-learn", file=sys.stderr)
        return 2
    torch.manual_seed(args.seed)
    digits = load_digits()
    x = torch.tensor(digits.data / 16.0, dtype=torch.float32)
    y = torch.tensor(digits.target)
    perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(args.seed))
    tr, te = perm[:1500], perm[1500:]
    loader = DataLoader(TensorDataset(x[tr], y[tr]), batch_size=64, shuffle=True)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(args.epochs):
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        acc = (model(x[te]).argmax(1) == y[te]).float().mean().item()
    print(f"digits: final train loss {loss.item():.4f}, held-out accuracy {acc:.2%} on {len(te)} images")
    return 0 if acc > 0.9 else 1


if __name__ == "__main__":
    sys.exit(main())
