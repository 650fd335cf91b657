"""DataLoader (mirrors torch.utils.data.DataLoader), with real worker processes.

NOTE [ workers ]: each worker gets its own index queue and a shared result queue. Batches travel through
shared memory (ember.multiprocessing). The main process hands out at most ``prefetch_factor`` tasks per worker,
reorders results by task index, and never blocks for long: it waits on the result queue in short slices and
between them checks that every worker is alive, so a worker that crashes or is killed raises an error naming
the worker and its exit status instead of hanging. Leaving a loop early, an exception, Ctrl-C or garbage
collection of the iterator shuts the workers down. Each worker seeds Python's ``random``, NumPy's global RNG
and ember's default generator with ``base_seed + worker_id``; ``base_seed`` is drawn from the loader's
generator for every epoch, so augmentations differ across workers and repeat across runs.
"""
from __future__ import annotations

import itertools
import multiprocessing as _py_mp
import os
import queue
import random
import signal
import sys
import threading
import traceback
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from . import _collate
from .dataset import Dataset, IterableDataset, _Batch
from .sampler import BatchSampler, RandomSampler, SequentialSampler

__all__ = ["DataLoader", "get_worker_info", "WorkerInfo", "default_collate", "default_convert"]

default_collate = _collate.default_collate
default_convert = _collate.default_convert

_POLL = 0.1  # seconds between liveness checks while waiting for a batch


@dataclass(frozen=True)
class WorkerInfo:
    id: int
    num_workers: int
    seed: int
    dataset: Any


_worker_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """Inside a worker process: its id, the worker count, its seed and its dataset copy. None in the main process."""
    return _worker_info


class _ExceptionWrapper:
    """An exception raised in a worker, re-raised in the main process with the worker's traceback."""

    def __init__(self, exc: BaseException, where: str):
        self.exc_type = type(exc)
        self.msg = f"Caught {type(exc).__name__} {where}.\nOriginal {''.join(traceback.format_exception(exc))}"

    def reraise(self):
        try:
            err = self.exc_type(self.msg)
        except Exception:  # exception types whose constructor needs other arguments
            raise RuntimeError(self.msg) from None
        raise err


class _IterableEnd:
    def __init__(self, worker_id: int):
        self.worker_id = worker_id


def _fetch(dataset, indices, collate_fn, auto_collation: bool):
    if not auto_collation:
        return collate_fn(dataset[indices])
    getitems = getattr(dataset, "__getitems__", None)
    if getitems is not None:
        data = getitems(indices)
        if isinstance(data, _Batch) and collate_fn is not default_collate:
            data = [tuple(s[i] for s in data.stacked) for i in range(len(indices))]
    else:
        data = [dataset[i] for i in indices]
    return collate_fn(data)


def _seed_worker(seed: int) -> None:
    from ... import manual_seed  # noqa: PLC0415

    random.seed(seed)
    np.random.seed(seed % (2 ** 32))
    manual_seed(seed)


def _worker_loop(dataset, index_queue, result_queue, done_event, collate_fn, auto_collation, seed, init_fn,
                 worker_id, num_workers, is_iterable, drop_last, batch_size):
    global _worker_info
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is handled by the main process, which stops us
    try:
        _seed_worker(seed)
        _worker_info = WorkerInfo(worker_id, num_workers, seed, dataset)
        if init_fn is not None:
            init_fn(worker_id)
        it = iter(dataset) if is_iterable else None
    except Exception as e:
        result_queue.put((None, _ExceptionWrapper(e, f"in DataLoader worker process {worker_id} while starting")))
        it = None
        init_failed = True
    else:
        init_failed = False
    exhausted = False
    while not done_event.is_set():
        try:
            task = index_queue.get(timeout=_POLL)
        except queue.Empty:
            continue
        if task is None:
            break
        idx, indices = task
        if init_failed:
            continue
        if is_iterable:
            if exhausted:
                result_queue.put((idx, _IterableEnd(worker_id)))
                continue
            try:
                if auto_collation:
                    batch = list(itertools.islice(it, batch_size))
                    if not batch or (drop_last and len(batch) < batch_size):
                        raise StopIteration
                    data = collate_fn(batch)
                else:
                    data = collate_fn(next(it))
            except StopIteration:
                exhausted = True
                result_queue.put((idx, _IterableEnd(worker_id)))
                continue
            except Exception as e:
                data = _ExceptionWrapper(e, f"in DataLoader worker process {worker_id}")
        else:
            try:
                data = _fetch(dataset, indices, collate_fn, auto_collation)
            except Exception as e:
                data = _ExceptionWrapper(e, f"in DataLoader worker process {worker_id}")
        result_queue.put((idx, data))
        del data
    result_queue.cancel_join_thread()


def _pin(batch):
    return batch  # CPU tensors: pinning is a no-op


class DataLoader:
    """Iterate over a dataset in batches, optionally with worker processes (mirrors torch's DataLoader)."""

    def __init__(self, dataset: Dataset, batch_size: int | None = 1, shuffle: bool | None = None, sampler=None,
                 batch_sampler=None, num_workers: int = 0, collate_fn: Callable | None = None,
                 pin_memory: bool = False, drop_last: bool = False, timeout: float = 0,
                 worker_init_fn: Callable | None = None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor: int | None = None, persistent_workers: bool = False,
                 pin_memory_device: str = "", in_order: bool = True):
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable "
                             "multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing.let num_workers > "
                             "0 to enable multiprocessing, otherwise set prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.persistent_workers = persistent_workers
        self.generator = generator
        self._is_iterable = isinstance(dataset, IterableDataset)
        if self._is_iterable:
            if shuffle not in (None, False):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified shuffle option, but got "
                                 f"shuffle={shuffle}")
            if sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified sampler option, but got "
                                 f"sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified batch_sampler option, but "
                                 f"got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, "
                                 "and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with "
                             "drop_last")
        if sampler is None and not self._is_iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._is_iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self._iterator = None

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None or (self._is_iterable and self.batch_size is not None)

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self) -> int:
        if self._is_iterable:
            n = len(self.dataset)
            if self.batch_size is not None:
                n = n // self.batch_size if self.drop_last else -(-n // self.batch_size)
            return n
        return len(self._index_sampler)

    def __iter__(self):
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        if self.persistent_workers:
            if self._iterator is None:
                self._iterator = _MultiProcessIter(self)
            else:
                self._iterator._reset()
            return self._iterator
        return _MultiProcessIter(self)

    def _base_seed(self) -> int:
        from ... import empty, int64  # noqa: PLC0415

        return int(empty((), dtype=int64).random_(generator=self.generator).item())


class _SingleProcessIter:
    def __init__(self, loader: DataLoader):
        self.loader = loader
        # drawn (and unused) like torch's iterator does, so 0 and N workers consume the generator alike
        self.base_seed = loader._base_seed()
        self.dataset = loader.dataset
        self.collate_fn = loader.collate_fn
        self.auto = loader._auto_collation
        if loader._is_iterable:
            self.data_iter = iter(loader.dataset)
            self.index_iter = None
        else:
            self.index_iter = iter(loader._index_sampler)

    def __iter__(self):
        return self

    def __len__(self):
        return len(self.loader)

    def __next__(self):
        ld = self.loader
        if self.index_iter is None:
            if self.auto:
                batch = list(itertools.islice(self.data_iter, ld.batch_size))
                if not batch or (ld.drop_last and len(batch) < ld.batch_size):
                    raise StopIteration
                data = self.collate_fn(batch)
            else:
                data = self.collate_fn(next(self.data_iter))
        else:
            data = _fetch(self.dataset, next(self.index_iter), self.collate_fn, self.auto)
        return _pin(data) if ld.pin_memory else data


class _MultiProcessIter:
    def __init__(self, loader: DataLoader):
        from ... import multiprocessing as emp  # noqa: F401,PLC0415  (registers shared-memory reducers)

        self.shutdown = True  # until workers exist, there is nothing to shut down
        self.loader = loader
        n = loader.num_workers
        ctx = loader.multiprocessing_context
        if ctx is None:
            ctx = _py_mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        elif isinstance(ctx, str):
            ctx = _py_mp.get_context(ctx)
        self.ctx = ctx
        self.result_queue = ctx.Queue()
        self.done_event = ctx.Event()
        self.index_queues = []
        self.workers = []
        self.base_seed = loader._base_seed()
        self.shutdown = False
        for i in range(n):
            iq = ctx.Queue()
            iq.cancel_join_thread()
            w = ctx.Process(target=_worker_loop, daemon=True,
                            args=(loader.dataset, iq, self.result_queue, self.done_event, loader.collate_fn,
                                  loader._auto_collation, self.base_seed + i, loader.worker_init_fn, i, n,
                                  loader._is_iterable, loader.drop_last, loader.batch_size))
            w.start()
            self.index_queues.append(iq)
            self.workers.append(w)
        self._start_epoch(first=True)

    def _start_epoch(self, first: bool = False):
        ld = self.loader
        self.index_iter = None if ld._is_iterable else iter(ld._index_sampler)
        self.send_idx = 0
        self.rcvd_idx = 0
        self.task_info: dict = {}
        self.reorder: dict = {}
        self.active = [True] * len(self.workers)
        self.worker_cycle = itertools.cycle(range(len(self.workers)))
        self.tasks_outstanding = 0
        self.exhausted = False
        for _ in range(ld.prefetch_factor * len(self.workers)):
            self._put_task()

    def _reset(self):
        # persistent workers: drain nothing (the previous epoch completed or was abandoned) and restart indices
        self.reorder.clear()
        self._drain_outstanding()
        self._start_epoch()

    def _drain_outstanding(self):
        while self.tasks_outstanding > 0:
            try:
                idx, data = self.result_queue.get(timeout=max(self.loader.timeout, 5.0))
            except queue.Empty:
                break
            self.tasks_outstanding -= 1

    def _put_task(self):
        if self.exhausted:
            return
        ld = self.loader
        for _ in range(len(self.workers)):
            wid = next(self.worker_cycle)
            if self.active[wid]:
                break
        else:
            return
        if ld._is_iterable:
            indices = None
        else:
            try:
                indices = next(self.index_iter)
            except StopIteration:
                self.exhausted = True
                return
        self.index_queues[wid].put((self.send_idx, indices))
        self.task_info[self.send_idx] = wid
        self.send_idx += 1
        self.tasks_outstanding += 1

    def __iter__(self):
        return self

    def __len__(self):
        return len(self.loader)

    def _get(self):
        """One result from the queue, checking worker health and the timeout while waiting."""
        waited = 0.0
        timeout = self.loader.timeout
        while True:
            try:
                return self.result_queue.get(timeout=_POLL)
            except (queue.Empty, OSError, EOFError) as e:
                # OSError/EOFError: a batch's shared memory could not be fetched because its worker died
                lost = not isinstance(e, queue.Empty)
                waited += _POLL
                if lost:
                    for w in self.workers:
                        w.join(timeout=1.0)
                for i, w in enumerate(self.workers):
                    if self.active[i] and not w.is_alive():
                        self._shutdown_workers()
                        code = w.exitcode
                        if code is not None and code < 0:
                            try:
                                cause = f"killed by signal: {signal.Signals(-code).name}"
                            except ValueError:
                                cause = f"killed by signal {-code}"
                        else:
                            cause = f"exited unexpectedly with exit code {code}"
                        raise RuntimeError(f"DataLoader worker {i} (pid {w.pid}) {cause}. Details are lost due "
                                           f"to multiprocessing; rerun with num_workers=0 to see the error in the "
                                           f"main process.") from None
                if lost:
                    self._shutdown_workers()
                    raise RuntimeError(f"DataLoader lost a batch in transfer from its workers: {e}") from e
                if timeout > 0 and waited >= timeout:
                    self._shutdown_workers()
                    raise RuntimeError(f"DataLoader timed out after {timeout} seconds")

    def __next__(self):
        ld = self.loader
        while True:
            if self.rcvd_idx in self.reorder:
                data = self.reorder.pop(self.rcvd_idx)
                self.rcvd_idx += 1
                self.tasks_outstanding -= 1
                self._put_task()
                if isinstance(data, _IterableEnd):
                    self.active[data.worker_id] = False
                    continue
                if isinstance(data, _ExceptionWrapper):
                    self._shutdown_workers()
                    data.reraise()
                return _pin(data) if ld.pin_memory else data
            if self.rcvd_idx >= self.send_idx or (ld._is_iterable and not any(self.active)):
                if not ld.persistent_workers:
                    self._shutdown_workers()
                raise StopIteration
            idx, data = self._get()
            if idx is None:  # a worker failed to start
                self._shutdown_workers()
                data.reraise()
            self.reorder[idx] = data

    def _shutdown_workers(self):
        if self.shutdown:
            return
        self.shutdown = True
        try:
            self.done_event.set()
            for q in self.index_queues:
                try:
                    q.put(None)
                except (OSError, ValueError):
                    pass
            for w in self.workers:
                w.join(timeout=2.0)
                if w.is_alive():
                    w.terminate()
                    w.join(timeout=1.0)
            for q in self.index_queues:
                q.close()
            self.result_queue.cancel_join_thread()
            self.result_queue.close()
        except Exception:  # interpreter shutdown: best effort
            pass

    def __del__(self):
        self._shutdown_workers()
