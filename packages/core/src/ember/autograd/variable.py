"""``Variable``: the deprecated pre-0.4 wrapper (mirrors torch.autograd.Variable); calling it returns the tensor."""
from __future__ import annotations


class _VariableMeta(type):
    def __instancecheck__(cls, other) -> bool:
        from .._tensor import Tensor  # noqa: PLC0415

        return isinstance(other, Tensor)


class Variable(metaclass=_VariableMeta):
    """Deprecated: tensors are Variables. ``Variable(t, requires_grad=True)`` returns ``t`` requiring grad."""

    def __new__(cls, data=None, requires_grad: bool = False, volatile: bool = False):
        from .._tensor import Tensor  # noqa: PLC0415
        from ..ops.creation import tensor  # noqa: PLC0415

        if data is None:
            data = tensor([])
        if not isinstance(data, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(data).__name__}")
        if requires_grad:
            data.requires_grad_(True)
        return data
