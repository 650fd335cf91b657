"""OpInfo: one table entry per op drives forward, gradcheck, gradgradcheck, errors and torch parity.

An entry names the ember callable, a NumPy reference, and a function that yields sample inputs for a dtype.
Sample arguments are NumPy arrays (turned into tensors by the tests, float ones with requires_grad), plain
Python values, or ``NonContig`` arrays that become non-contiguous views.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np


@dataclass
class NonContig:
    """An array that the tests turn into a non-contiguous tensor view with the same values."""

    array: np.ndarray


@dataclass
class SampleInput:
    args: tuple
    kwargs: dict = field(default_factory=dict)
    name: str = ""


@dataclass
class ErrorInput:
    sample: SampleInput
    error_type: type
    match: str = ""


@dataclass
class OpInfo:
    name: str
    op: Callable                       # ember callable: op(*args, **kwargs)
    samples: Callable[[Any], list]     # samples(np_dtype) -> list[SampleInput]
    ref: Callable | None = None        # NumPy reference on arrays; None: forward checked by parity only
    torch_op: Callable | str | None = "default"  # torch callable, or name in torch namespace, or None to skip
    dtypes: tuple = (np.float32, np.float64)
    grad: bool = True                  # run float64 gradcheck
    gradgrad: bool = True              # run float64 gradgradcheck
    errors: Callable[[], list] | None = None
    atol: float = 1e-5
    rtol: float = 1e-4
    grad_atol: float = 1e-5            # gradcheck tolerance
    output_process: Callable | None = None  # e.g. lambda out: out[0] for ops returning tuples
    nondeterministic: bool = False     # random ops: forward not compared
    low_precision: bool = True         # run the float16/bfloat16 forward test (False: say why at the entry)

    def resolve_torch(self, torch):
        if self.torch_op is None:
            return None
        if callable(self.torch_op):
            return self.torch_op
        name = self.name if self.torch_op == "default" else self.torch_op
        obj = torch
        for part in name.split("."):
            obj = getattr(obj, part, None)
            if obj is None:
                return None
        return obj


def make(shape, dtype=np.float64, low=-2.0, high=2.0, seed=0, positive=False, noncontig=False):
    """A deterministic random array; ``noncontig`` wraps it so tests pass a strided view."""
    rng = np.random.default_rng(abs(hash((tuple(shape), seed))) % (2 ** 32))
    if np.dtype(dtype).kind in "iu":
        a = rng.integers(int(low), int(high) + 1, size=shape).astype(dtype)
    elif np.dtype(dtype).kind == "b":
        a = rng.random(shape) > 0.5
    else:
        lo = 0.1 if positive else low
        a = (lo + (high - lo) * rng.random(shape)).astype(dtype)
    a = np.asarray(a)
    return NonContig(a) if noncontig else a


FAMILIES = ["elementwise", "reduction", "shape", "indexing", "linalg", "creation", "nn", "nn_layers", "nn_seq", "misc"]


def all_ops() -> list:
    ops = []
    for fam in FAMILIES:
        try:
            mod = importlib.import_module(f"{__package__}.{fam}")
        except ModuleNotFoundError as e:
            if e.name == f"{__package__}.{fam}":
                continue
            raise
        ops.extend(mod.OPS)
    return ops
