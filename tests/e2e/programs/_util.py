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
    # tied parameters appear under several names: every name of one parameter gets the same draw
    owner = {}
    for name, p in module.named_parameters(remove_duplicate=False):
        owner[name] = id(p)
    drawn = {}
    out = {}
    for name, value in sd.items():
        if name in owner:
            if owner[name] not in drawn:
                shape = tuple(value.shape)
                fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else shape[0]
                bound = 1.0 / math.sqrt(max(fan_in, 1))
                drawn[owner[name]] = rng.uniform(-bound, bound, size=shape)
            out[name] = torch.from_numpy(drawn[owner[name]])  # float64: load_state_dict casts to the param dtype
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
