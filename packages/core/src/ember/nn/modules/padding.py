"""Padding modules: Zero/Constant/Reflection/Replication/Circular Pad 1d-3d (mirror torch.nn)."""
from __future__ import annotations

from ..._tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = ["ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
           "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d", "ReplicationPad2d",
           "ReplicationPad3d", "CircularPad1d", "CircularPad2d", "CircularPad3d"]


def _pad_tuple(padding, n: int) -> tuple:
    if isinstance(padding, int):
        return (padding,) * (2 * n)
    padding = tuple(padding)
    if len(padding) != 2 * n:
        raise ValueError(f"padding must be an int or a {2 * n}-tuple, got {padding}")
    return padding


class _PadNd(Module):
    __constants__ = ["padding", "mode", "value"]
    _n = 1
    _mode = "constant"
    _dims = (2, 3)

    def __init__(self, padding) -> None:
        super().__init__()
        self.padding = _pad_tuple(padding, self._n)

    def _check(self, input):
        if input.ndim not in self._dims:
            raise ValueError(f"expected {self._dims[0]}D or {self._dims[1]}D input (got {input.ndim}D input)")

    def forward(self, input: Tensor) -> Tensor:
        if self._mode != "constant":
            self._check(input)
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    def __init__(self, padding, value: float) -> None:
        super().__init__(padding)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"


class ConstantPad1d(_ConstantPadNd):
    """Pad the last dim with a constant."""

    _n = 1


class ConstantPad2d(_ConstantPadNd):
    """Pad the last 2 dims with a constant."""

    _n = 2


class ConstantPad3d(_ConstantPadNd):
    """Pad the last 3 dims with a constant."""

    _n = 3


class _ZeroPadMixin:
    """ConstantPadNd with the value fixed at 0 (torch's ZeroPadNd subclass ConstantPadNd)."""

    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    extra_repr = _PadNd.extra_repr


class ZeroPad1d(_ZeroPadMixin, ConstantPad1d):
    """Pad the last dim with zeros."""


class ZeroPad2d(_ZeroPadMixin, ConstantPad2d):
    """Pad the last 2 dims with zeros."""


class ZeroPad3d(_ZeroPadMixin, ConstantPad3d):
    """Pad the last 3 dims with zeros."""


class ReflectionPad1d(_PadNd):
    """Reflect-pad the last dim."""

    _n, _mode, _dims = 1, "reflect", (2, 3)


class ReflectionPad2d(_PadNd):
    """Reflect-pad the last 2 dims."""

    _n, _mode, _dims = 2, "reflect", (3, 4)


class ReflectionPad3d(_PadNd):
    """Reflect-pad the last 3 dims."""

    _n, _mode, _dims = 3, "reflect", (4, 5)


class ReplicationPad1d(_PadNd):
    """Edge-replicate-pad the last dim."""

    _n, _mode, _dims = 1, "replicate", (2, 3)


class ReplicationPad2d(_PadNd):
    """Edge-replicate-pad the last 2 dims."""

    _n, _mode, _dims = 2, "replicate", (3, 4)


class ReplicationPad3d(_PadNd):
    """Edge-replicate-pad the last 3 dims."""

    _n, _mode, _dims = 3, "replicate", (4, 5)


class CircularPad1d(_PadNd):
    """Circular-pad the last dim."""

    _n, _mode, _dims = 1, "circular", (2, 3)


class CircularPad2d(_PadNd):
    """Circular-pad the last 2 dims."""

    _n, _mode, _dims = 2, "circular", (3, 4)


class CircularPad3d(_PadNd):
    """Circular-pad the last 3 dims."""

    _n, _mode, _dims = 3, "circular", (4, 5)
