"""Devices and the array backends behind them.

NOTE [ backends ]: ops are written once against an array module `xp` (numpy or cupy). The few things that
really differ between the libraries (RNG, scatter-add, synchronisation, memory stats) sit on a Backend
object; ops never test the device themselves. CuPy is imported lazily so `import ember` needs NumPy alone.
"""
from __future__ import annotations

import numpy as np

__all__ = ["device", "Backend", "backend_for", "backend_of", "cuda_xp"]


class device:
    """A device (mirrors torch.device): ``device('cpu')``, ``device('cuda', 0)``, ``device('cuda:1')``."""

    __slots__ = ("type", "index")

    def __init__(self, type, index: int | None = None):
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int):
            type, index = "cuda", type
        if not isinstance(type, str):
            raise TypeError(f"device() received an invalid combination of arguments - got ({type!r})")
        if ":" in type:
            if index is not None:
                raise ValueError(f"type (string) must not include an index because index was passed "
                                 f"explicitly: {type}")
            type, _, idx = type.partition(":")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if type not in ("cpu", "cuda", "meta"):
            raise RuntimeError(f"Expected one of cpu, cuda, meta device type at start of device string: {type}")
        self.type, self.index = type, index

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __repr__(self):
        return f"device(type='{self.type}'" + (f", index={self.index})" if self.index is not None else ")")

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __reduce__(self):
        return (device, (self.type, self.index))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_cupy = None


def cuda_xp():
    """Import CuPy on first use; raise torch's error when CUDA is unavailable."""
    global _cupy
    if _cupy is None:
        try:
            import cupy  # noqa: PLC0415
        except ImportError as e:
            raise AssertionError("Torch not compiled with CUDA enabled (CuPy is not installed: "
                                 "pip install 'ember[cuda]')") from e
        _cupy = cupy
    return _cupy


class Backend:
    """What differs between array libraries. One instance per library."""

    def __init__(self, name: str, xp):
        self.name = name
        self.xp = xp

    def scatter_add(self, target, index, values):
        if self.xp is np:
            np.add.at(target, index, values)
        else:
            self.xp.add.at(target, index, values)  # cupy implements add.at with atomics

    def to_host(self, a):
        return a if self.xp is np else a.get()

    def synchronize(self):
        if self.xp is not np:
            self.xp.cuda.Device().synchronize()


CPU = Backend("cpu", np)
_CUDA: Backend | None = None
CPU_DEVICE = device("cpu")


def cuda_backend() -> Backend:
    global _CUDA
    if _CUDA is None:
        _CUDA = Backend("cuda", cuda_xp())
    return _CUDA


def backend_of(a) -> Backend:
    """Backend owning an array."""
    if isinstance(a, np.ndarray):
        return CPU
    return cuda_backend()


def backend_for(dev: device) -> Backend:
    if dev.type == "cpu":
        return CPU
    if dev.type == "cuda":
        from . import cuda  # noqa: PLC0415

        if not cuda.is_available():
            raise RuntimeError("Found no NVIDIA driver on your system / CUDA is not available "
                               "(ember.cuda.is_available() is False)")
        return cuda_backend()
    raise RuntimeError(f"unsupported device {dev}")


def to_device(d) -> device:
    if d is None:
        return CPU_DEVICE
    if isinstance(d, device):
        return d
    return device(d)
