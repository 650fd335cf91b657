"""The examples run end to end on the bundled data (the README's main job, shortened to one epoch)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MNIST = os.path.join(ROOT, "..", "shared", "data", "mnist")


def _run(args, timeout):
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_mnist_example_one_epoch_trains_checkpoints_and_reloads():
    if not os.path.exists(os.path.join(MNIST, "t10k-images-idx3-ubyte.gz")):
        pytest.fail(f"MNIST data missing at {MNIST}: the shared data sets are part of the test environment")
    r = _run(["examples/main.py", "--epochs", "1"], timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "8000 train / 2000 held out" in r.stdout
    acc = float(r.stdout.split("result: ")[1].split("%")[0])
    assert acc > 90.0, r.stdout
    assert "checkpoint saved and reloaded" in r.stdout


def test_mnist_idx_reader_rejects_bad_files(tmp_path):
    sys.path.insert(0, os.path.join(ROOT, "examples"))
    try:
        from mnist_cnn import read_idx
    finally:
        sys.path.pop(0)
    bad = tmp_path / "x.idx"
    bad.write_bytes(b"\x00\x00\x0d\x01" + (3).to_bytes(4, "big") + b"\x00\x00\x00")
    with pytest.raises(ValueError, match="not an unsigned-byte IDX"):
        read_idx(str(bad))
    bad.write_bytes(b"\x00\x00\x08\x01" + (5).to_bytes(4, "big") + b"\x01\x02")
    with pytest.raises(ValueError, match="truncated"):
        read_idx(str(bad))
    arr = read_idx(os.path.join(MNIST, "t10k-labels-idx1-ubyte.gz"))
    assert arr.shape == (10000,) and arr.max() == 9


def test_digits_example():
    pytest.importorskip("sklearn")
    r = _run(["examples/digits_mlp.py", "--epochs", "15"], timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "held-out accuracy" in r.stdout
