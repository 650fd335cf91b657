"""ember.multiprocessing (mirrors torch.multiprocessing): the stdlib API, with tensors sent through shared
memory instead of being pickled by value (NOTE [ shared memory ] in reductions.py). Works with fork and spawn."""
from __future__ import annotations

import multiprocessing as _mp
from multiprocessing import *  # noqa: F401,F403

from .reductions import install as _install, is_shared, share_memory_  # noqa: F401

_install()

__all__ = [n for n in dir(_mp) if not n.startswith("_")] + ["spawn", "ProcessContext", "ProcessRaisedException",
                                                           "ProcessExitedException", "get_sharing_strategy",
                                                           "set_sharing_strategy", "get_all_sharing_strategies"]


def get_all_sharing_strategies() -> set:
    return {"file_descriptor"}


def get_sharing_strategy() -> str:
    return "file_descriptor"


def set_sharing_strategy(strategy: str) -> None:
    if strategy not in get_all_sharing_strategies():
        raise ValueError(f"sharing strategy {strategy!r} is not supported; ember uses 'file_descriptor'")


class ProcessRaisedException(Exception):
    """A spawned process raised: carries the child's traceback text."""

    def __init__(self, msg: str, error_index: int, error_pid: int):
        super().__init__(msg)
        self.error_index, self.pid = error_index, error_pid


class ProcessExitedException(ProcessRaisedException):
    def __init__(self, msg, error_index, error_pid, exit_code, signal_name=None):
        super().__init__(msg, error_index, error_pid)
        self.exit_code, self.signal_name = exit_code, signal_name


def _wrap(fn, i, args, error_queue):
    import traceback  # noqa: PLC0415

    try:
        fn(i, *args)
    except KeyboardInterrupt:
        pass
    except Exception:
        error_queue.put(traceback.format_exc())
        raise SystemExit(1)


class ProcessContext:
    """Handle to processes started by :func:`spawn` (mirrors torch.multiprocessing.ProcessContext)."""

    def __init__(self, processes, error_queues):
        self.processes, self.error_queues = processes, error_queues

    def pids(self):
        return [p.pid for p in self.processes]

    def join(self, timeout=None) -> bool:
        for i, p in enumerate(self.processes):
            p.join(timeout)
            if p.exitcode not in (0, None):
                for q in self.processes:
                    if q.is_alive():
                        q.terminate()
                if not self.error_queues[i].empty():
                    tb = self.error_queues[i].get()
                    raise ProcessRaisedException(f"\n\n-- Process {i} terminated with the following error:\n{tb}",
                                                 i, p.pid)
                raise ProcessExitedException(f"process {i} terminated with exit code {p.exitcode}", i, p.pid,
                                             p.exitcode)
        return all(not p.is_alive() for p in self.processes)


def spawn(fn, args=(), nprocs: int = 1, join: bool = True, daemon: bool = False, start_method: str = "spawn"):
    """Start ``nprocs`` processes running ``fn(i, *args)`` (mirrors torch.multiprocessing.spawn)."""
    ctx = _mp.get_context(start_method)
    error_queues, procs = [], []
    for i in range(nprocs):
        q = ctx.SimpleQueue()
        p = ctx.Process(target=_wrap, args=(fn, i, args, q), daemon=daemon)
        p.start()
        error_queues.append(q)
        procs.append(p)
    pc = ProcessContext(procs, error_queues)
    if not join:
        return pc
    while not pc.join():
        pass
    return None


start_processes = spawn
