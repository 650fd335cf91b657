"""ember.utils.data: datasets, samplers, collate, DataLoader with and without workers, failure handling."""
from __future__ import annotations

import collections
import os
import random
import signal
import time

import numpy as np
import pytest

import ember
from ember.utils.data import (BatchSampler, ChainDataset, ConcatDataset, DataLoader, Dataset, DistributedSampler,
                              IterableDataset, RandomSampler, SequentialSampler, StackDataset, Subset,
                              SubsetRandomSampler, TensorDataset, WeightedRandomSampler, default_collate,
                              default_convert, get_worker_info, random_split)


class Squares(Dataset):
    def __init__(self, n=10):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return {"x": ember.tensor([float(i), float(i * i)]), "y": i}


def test_tensor_dataset_and_errors():
    ds = TensorDataset(ember.arange(10).reshape(5, 2), ember.arange(5))
    assert len(ds) == 5
    x, y = ds[3]
    assert x.tolist() == [6, 7] and y.item() == 3
    with pytest.raises(AssertionError, match="Size mismatch"):
        TensorDataset(ember.zeros(3), ember.zeros(4))


def test_concat_subset_stack_chain():
    a, b = Squares(3), Squares(4)
    c = ConcatDataset([a, b])
    assert len(c) == 7 and c[3]["y"] == 0 and c[-1]["y"] == 3
    s = Subset(c, [6, 0])
    assert len(s) == 2 and s[0]["y"] == 3
    st = StackDataset(Squares(3), Squares(3))
    assert st[1][0]["y"] == 1
    kw = StackDataset(a=Squares(2), b=Squares(2))
    assert set(kw[0]) == {"a", "b"}
    with pytest.raises(ValueError):
        StackDataset(Squares(2), Squares(3))

    class It(IterableDataset):
        def __init__(self, r):
            self.r = r

        def __iter__(self):
            return iter(self.r)
    assert list(ChainDataset([It(range(2)), It(range(3))])) == [0, 1, 0, 1, 2]
    assert list(It(range(2)) + It(range(1))) == [0, 1, 0]


def test_random_split_lengths_fractions_generator():
    ds = Squares(10)
    a, b = random_split(ds, [7, 3], generator=ember.Generator().manual_seed(0))
    assert len(a) == 7 and len(b) == 3 and not set(a.indices) & set(b.indices)
    a2, _ = random_split(ds, [7, 3], generator=ember.Generator().manual_seed(0))
    assert a.indices == a2.indices
    parts = random_split(ds, [0.5, 0.3, 0.2], generator=ember.Generator().manual_seed(1))
    assert [len(p) for p in parts] == [5, 3, 2]
    with pytest.raises(ValueError):
        random_split(ds, [3, 3])


def test_samplers():
    ds = Squares(10)
    assert list(SequentialSampler(ds)) == list(range(10))
    g = ember.Generator().manual_seed(3)
    r = list(RandomSampler(ds, generator=g))
    assert sorted(r) == list(range(10))
    rr = list(RandomSampler(ds, replacement=True, num_samples=50, generator=g))
    assert len(rr) == 50 and all(0 <= i < 10 for i in rr)
    assert sorted(SubsetRandomSampler([1, 5, 7], generator=g)) == [1, 5, 7]
    w = list(WeightedRandomSampler([0.0, 0.0, 1.0], 20, generator=g))
    assert w == [2] * 20
    assert list(BatchSampler(range(7), 3, False)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(BatchSampler(range(7), 3, True)) == [[0, 1, 2], [3, 4, 5]]
    assert len(BatchSampler(range(7), 3, False)) == 3
    with pytest.raises(ValueError):
        BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError):
        RandomSampler(ds, num_samples=0)


def test_distributed_sampler():
    ds = Squares(10)
    parts = [list(DistributedSampler(ds, num_replicas=3, rank=r, shuffle=False)) for r in range(3)]
    assert [len(p) for p in parts] == [4, 4, 4]
    assert sorted(set(sum(parts, []))) == list(range(10))
    s = DistributedSampler(ds, num_replicas=2, rank=0, shuffle=True, seed=1)
    e0 = list(s)
    s.set_epoch(1)
    assert list(s) != e0 and sorted(e0 + list(DistributedSampler(ds, 2, 1, seed=1))) == list(range(10))
    assert len(DistributedSampler(ds, 3, 0, drop_last=True)) == 3
    with pytest.raises(ValueError):
        DistributedSampler(ds, 2, 2)


Point = collections.namedtuple("Point", "x y")


def test_default_collate_structures():
    batch = [{"a": np.array([1.0, 2.0]), "b": (1, 2.5), "c": "s", "p": Point(1, ember.ones(2))} for _ in range(3)]
    out = default_collate(batch)
    assert out["a"].shape == (3, 2) and out["a"].dtype == ember.float64
    assert out["b"][0].dtype == ember.int64 and out["b"][1].dtype == ember.float64
    assert out["c"] == ["s", "s", "s"]
    assert isinstance(out["p"], Point) and out["p"].y.shape == (3, 2)
    assert default_collate([True, False]).dtype == ember.bool
    with pytest.raises(RuntimeError, match="equal size"):
        default_collate([ember.zeros(2), ember.zeros(3)])
    conv = default_convert({"a": np.zeros(2), "t": (np.float32(1.0),)})
    assert isinstance(conv["a"], ember.Tensor) and isinstance(conv["t"][0], ember.Tensor)


def test_dataloader_basic_shuffle_drop_last():
    dl = DataLoader(Squares(10), batch_size=4)
    batches = list(dl)
    assert len(dl) == 3 and [b["y"].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    dl = DataLoader(Squares(10), batch_size=4, drop_last=True)
    assert len(list(dl)) == 2 == len(dl)
    g1 = ember.Generator().manual_seed(5)
    g2 = ember.Generator().manual_seed(5)
    a = [b["y"].tolist() for b in DataLoader(Squares(10), batch_size=3, shuffle=True, generator=g1)]
    b = [b["y"].tolist() for b in DataLoader(Squares(10), batch_size=3, shuffle=True, generator=g2)]
    assert a == b and sorted(sum(a, [])) == list(range(10))
    assert [x["y"] for x in DataLoader(Squares(3), batch_size=None)] == [0, 1, 2]
    with pytest.raises(ValueError):
        DataLoader(Squares(3), sampler=SequentialSampler(range(3)), shuffle=True)
    with pytest.raises(ValueError):
        DataLoader(Squares(3), batch_sampler=BatchSampler(range(3), 2, False), batch_size=2)


def test_tensor_dataset_batched_fetch_matches_per_sample_collate():
    x = ember.arange(40.0).reshape(20, 2)
    y = ember.arange(20)
    fast = list(DataLoader(TensorDataset(x, y), batch_size=6))
    slow = list(DataLoader(TensorDataset(x, y), batch_size=6, collate_fn=lambda b: default_collate(list(b))))
    for (a1, b1), (a2, b2) in zip(fast, slow):
        assert a1.tolist() == a2.tolist() and b1.tolist() == b2.tolist()
    custom = next(iter(DataLoader(TensorDataset(x, y), batch_size=3, collate_fn=lambda b: b)))
    assert len(custom) == 3 and custom[1][1].item() == 1


@pytest.mark.parametrize("ctx", ["fork", "spawn"])
def test_workers_give_same_batches_as_no_workers(ctx):
    ds = TensorDataset(ember.arange(200.0).reshape(100, 2), ember.arange(100))
    ref = [[t.tolist() for t in b] for b in DataLoader(ds, batch_size=8, shuffle=True,
                                                         generator=ember.Generator().manual_seed(0))]
    got = [[t.tolist() for t in b] for b in DataLoader(ds, batch_size=8, shuffle=True, num_workers=2,
                                                         multiprocessing_context=ctx,
                                                         generator=ember.Generator().manual_seed(0))]
    assert ref == got


class SeedProbe(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        info = get_worker_info()
        return ember.tensor([float(info.id if info else -1), random.random(), float(np.random.rand()),
                             ember.rand(1).item()])


def test_worker_seeding_differs_across_workers_and_repeats_across_runs():
    def run():
        return sorted(tuple(r) for b in DataLoader(SeedProbe(), batch_size=1, num_workers=2,
                                                   generator=ember.Generator().manual_seed(7)) for r in b.tolist())
    a, b = run(), run()
    assert a == b
    first_by_worker = {}
    for r in a:
        first_by_worker.setdefault(r[0], r[1:])
    assert set(first_by_worker) == {0.0, 1.0}
    assert first_by_worker[0.0] != first_by_worker[1.0]


def test_worker_init_fn_and_persistent_workers():
    dl = DataLoader(Squares(6), batch_size=2, num_workers=2, persistent_workers=True,
                    worker_init_fn=lambda wid: None)
    e1 = [b["y"].tolist() for b in dl]
    e2 = [b["y"].tolist() for b in dl]
    assert e1 == e2 == [[0, 1], [2, 3], [4, 5]]
    dl._iterator._shutdown_workers()


class ShardedRange(IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))


def test_iterable_dataset_sharding():
    got = sorted(x for b in DataLoader(ShardedRange(10), batch_size=3, num_workers=2) for x in b.tolist())
    assert got == list(range(10))
    assert sorted(DataLoader(ShardedRange(5), batch_size=None)) == list(range(5))


class Crash(Dataset):
    def __len__(self):
        return 100

    def __getitem__(self, i):
        if i == 5:
            os.kill(os.getpid(), signal.SIGKILL)
        return ember.tensor([float(i)])


def test_killed_worker_raises_not_hangs():
    t0 = time.time()
    with pytest.raises(RuntimeError, match=r"DataLoader worker \d \(pid \d+\) killed by signal: SIGKILL"):
        for _ in DataLoader(Crash(), batch_size=1, num_workers=2):
            pass
    assert time.time() - t0 < 30


class Raises(Dataset):
    def __len__(self):
        return 10

    def __getitem__(self, i):
        if i == 3:
            raise ValueError("bad sample 3")
        return ember.tensor([float(i)])


def test_worker_exception_is_reraised_with_worker_traceback():
    with pytest.raises(ValueError, match="Caught ValueError in DataLoader worker process"):
        list(DataLoader(Raises(), batch_size=1, num_workers=2))


class Slow(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        time.sleep(3)
        return ember.tensor([1.0])


def test_timeout_raises():
    with pytest.raises(RuntimeError, match="timed out after 0.5 seconds"):
        list(DataLoader(Slow(), batch_size=1, num_workers=1, timeout=0.5))


def test_leaving_loop_early_shuts_workers_down():
    dl = DataLoader(Squares(100), batch_size=1, num_workers=2)
    it = iter(dl)
    next(it)
    workers = list(it.workers)
    del it
    import gc
    gc.collect()
    for w in workers:
        w.join(timeout=5)
        assert not w.is_alive()


# -- ember.multiprocessing --------------------------------------------------------------------------------
def _child_writes(q, done):
    t = q.get()
    t.add_(10.0)
    done.put("done")


@pytest.mark.parametrize("ctx", ["fork", "spawn"])
def test_shared_memory_tensor_seen_by_other_process(ctx):
    import ember.multiprocessing as emp
    c = emp.get_context(ctx)
    t = ember.zeros(4).share_memory_()
    assert t.is_shared()
    q, done = c.Queue(), c.Queue()
    p = c.Process(target=_child_writes, args=(q, done))
    p.start()
    q.put(t)
    assert done.get(timeout=60) == "done"
    p.join(10)
    assert t.tolist() == [10.0, 10.0, 10.0, 10.0]


def _sum_in_child(t):
    return float(t.sum().item())


def test_pool_transfers_tensors():
    import ember.multiprocessing as emp
    with emp.get_context("fork").Pool(2) as pool:
        out = pool.map(_sum_in_child, [ember.ones(5), ember.ones(3) * 2])
    assert out == [5.0, 6.0]


def test_non_leaf_requiring_grad_refused():
    import pickle
    from multiprocessing.reduction import ForkingPickler
    x = ember.ones(2, requires_grad=True) * 2
    with pytest.raises(RuntimeError, match="autograd does not support crossing process boundaries"):
        ForkingPickler.dumps(x)


_CTRL_C_SCRIPT = r"""
import sys, time
import ember
from ember.utils.data import DataLoader, Dataset

class Slow(Dataset):
    def __len__(self):
        return 10_000
    def __getitem__(self, i):
        time.sleep(0.05)
        return ember.tensor([float(i)])

it = iter(DataLoader(Slow(), batch_size=2, num_workers=2))
next(it)
print("PIDS", " ".join(str(w.pid) for w in it.workers), flush=True)
for _ in it:
    pass
"""


def test_ctrl_c_stops_loop_and_workers(tmp_path):
    import subprocess
    import sys
    script = tmp_path / "loop.py"
    script.write_text(_CTRL_C_SCRIPT)
    p = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    assert line.startswith("PIDS"), line + p.stderr.read()
    pids = [int(x) for x in line.split()[1:]]
    time.sleep(0.3)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=30)
    assert "KeyboardInterrupt" in err
    deadline = time.time() + 10
    alive = pids
    while alive and time.time() < deadline:
        alive = []
        for pid in pids:
            try:
                os.kill(pid, 0)
                with open(f"/proc/{pid}/status") as f:
                    if "State:\tZ" not in f.read():
                        alive.append(pid)
            except (ProcessLookupError, FileNotFoundError):
                pass
        time.sleep(0.1)
    assert not alive, f"workers {alive} outlived the interrupted loop"
