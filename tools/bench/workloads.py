"""Benchmark workloads. Each ``setup(lib)`` builds inputs with ``lib`` (ember or torch) and returns a
zero-argument callable doing one unit of work; the same code runs for both libraries."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass
class Workload:
    name: str
    setup: Callable
    number: int = 1          # calls per timing
    target: float | None = None  # the bound on ember/torch


def _t(lib, a, requires_grad=False):
    t = lib.tensor(a)
    if requires_grad:
        t.requires_grad_(True)
    return t


def mul_add_nograd(lib):
    rng = np.random.default_rng(0)
    a, b = _t(lib, rng.random(16, dtype=np.float32)), _t(lib, rng.random(16, dtype=np.float32))

    def run():
        for _ in range(10_000):
            c = a * b + a
        return c
    return run


def mul_add_grad(lib):
    rng = np.random.default_rng(0)
    a, b = _t(lib, rng.random(16, dtype=np.float32), True), _t(lib, rng.random(16, dtype=np.float32), True)

    def run():
        for i in range(10_000):
            c = a * b + a
            if i % 100 == 99:
                c.sum().backward()
        return c
    return run


def matmul_1024(lib):
    rng = np.random.default_rng(0)
    a = _t(lib, rng.random((1024, 1024), dtype=np.float32))
    b = _t(lib, rng.random((1024, 1024), dtype=np.float32))
    return lambda: a @ b


WORKLOADS = [
    Workload("elementwise a*b+a 16 x10k no-grad", mul_add_nograd, target=1.5),
    Workload("elementwise a*b+a 16 x10k grad", mul_add_grad, target=2.0),
    Workload("matmul 1024x1024 f32", matmul_1024, number=5, target=1.1),
]

try:  # later issues add workloads in their own modules
    from workloads_nn import WORKLOADS as _NN  # noqa: E402

    WORKLOADS += _NN
except ImportError:
    pass
try:
    from workloads_train import WORKLOADS as _TR  # noqa: E402

    WORKLOADS += _TR
except ImportError:
    pass
try:
    from workloads_ops import WORKLOADS as _OPS  # noqa: E402

    WORKLOADS += _OPS
except ImportError:
    pass
try:
    from workloads_kernels import WORKLOADS as _KER  # noqa: E402

    WORKLOADS += _KER
except ImportError:
    pass
