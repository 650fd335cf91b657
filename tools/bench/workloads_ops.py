"""Per-op overhead micro-workloads (pytorch#41383): 10k calls of one op on a 16-element float32 tensor, same
code for ember and torch. ember's target is torch's per-op time (ratio <= 1) for these tiny tensors."""
from __future__ import annotations

import numpy as np

from workloads import Workload

N = 10_000


def _x(lib, requires_grad=False):
    t = lib.tensor(np.random.default_rng(0).standard_normal(16).astype(np.float32))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _loop(op):
    def run():
        for _ in range(N):
            r = op()
        return r
    return run


def unary(lib):
    x = _x(lib)
    return _loop(lambda: x.exp())


def reduction(lib):
    x = _x(lib)
    return _loop(lambda: x.sum())


def view(lib):
    x = _x(lib)
    return _loop(lambda: x.view(4, 4))


def slicing(lib):
    x = _x(lib)
    return _loop(lambda: x[2:5])


def index_int(lib):
    x = _x(lib)
    return _loop(lambda: x[3])


def mul_scalar(lib):
    x = _x(lib)
    return _loop(lambda: x * 2.0)


def compare(lib):
    x = _x(lib)
    return _loop(lambda: x > 0)


def add_inplace(lib):
    x = _x(lib)
    return _loop(lambda: x.add_(1.0))


def cat2(lib):
    a, b = _x(lib), _x(lib)
    return _loop(lambda: lib.cat([a, b]))


def matmul4(lib):
    a = _x(lib).reshape(4, 4)
    b = _x(lib).reshape(4, 4) * 0.5
    return _loop(lambda: a @ b)


def relu(lib):
    x = _x(lib)
    f = lib.nn.functional.relu
    return _loop(lambda: f(x))


def grad_step(lib):
    x = _x(lib)
    w = _x(lib, requires_grad=True)

    def run():
        for _ in range(N):
            y = (x * w).exp().sum()
            y.backward()
        return y
    return run


WORKLOADS = [
    Workload("ops unary x.exp() 16 x10k", unary, target=1.0),
    Workload("ops reduction x.sum() 16 x10k", reduction, target=1.0),
    Workload("ops view x.view(4,4) 16 x10k", view, target=1.0),
    Workload("ops slicing x[2:5] 16 x10k", slicing, target=1.0),
    Workload("ops index x[3] 16 x10k", index_int, target=1.0),
    Workload("ops scalar x*2.0 16 x10k", mul_scalar, target=1.0),
    Workload("ops compare x>0 16 x10k", compare, target=1.0),
    Workload("ops inplace x.add_(1.0) 16 x10k", add_inplace, target=1.0),
    Workload("ops cat([a,b]) 16 x10k", cat2, target=1.0),
    Workload("ops matmul 4x4 x10k", matmul4, target=1.0),
    Workload("ops F.relu 16 x10k", relu, target=1.0),
    Workload("ops grad (x*w).exp().sum().bwd x10k", grad_step, target=1.0),
]
