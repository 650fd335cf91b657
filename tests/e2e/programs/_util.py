"""Helpers shared by the programs: NumPy-driven initialisation (identical across libraries)."""
from __future__ import annotations

import math

import numpy as np


def numpy_state_dict(torch, module, seed: int) -> dict:
    """A state dict with every floating parameter redrawn from NumPy (uniform, fan-in scaled), as library tensors.

    Buffers (BatchNorm running stats, counters) are kept as they are: they are deterministic already.
    """
    rng = np.random.default_rng(seed)
    sd = module.state_dict()
    names = {n for n, _ in module.named_parameters()}
    out = {}
    for name, value in sd.items():
        if name in names:
            shape = tuple(value.shape)
            fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else shape[0]
            bound = 1.0 / math.sqrt(max(fan_in, 1))
            out[name] = torch.from_numpy(rng.uniform(-bound, bound, size=shape))  # float64: load_state_dict casts
        else:
            out[name] = value
    return out


def init_from_numpy(torch, module, seed: int):
    """Load NumPy-drawn weights into ``module`` through ``load_state_dict`` (strict)."""
    result = module.load_state_dict(numpy_state_dict(torch, module, seed))
    assert not result.missing_keys and not result.unexpected_keys
    return module


def floats(xs) -> list:
    """Python floats from a list of 0-d tensors or numbers."""
    return [float(x) for x in xs]
