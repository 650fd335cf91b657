"""LazyModuleMixin: modules whose parameters are shaped by their first input (mirrors torch.nn.modules.lazy)."""
from __future__ import annotations

import itertools

from ..parameter import UninitializedParameter, is_lazy

__all__ = ["LazyModuleMixin"]


class LazyModuleMixin:
    """Mixin for modules whose parameters are UninitializedParameters until the first forward.

    Subclasses implement ``initialize_parameters(*args)`` and set ``cls_to_become``; after the first call the
    module becomes an instance of ``cls_to_become`` (e.g. LazyLinear -> Linear).
    """

    cls_to_become = None

    def _uninitialize(self, bias: bool, device=None, dtype=None) -> None:
        """Replace the placeholder parameters the eager constructor built (with 0 input features/channels)."""
        self.weight = UninitializedParameter(device=device, dtype=dtype)
        if bias:
            self.bias = UninitializedParameter(device=device, dtype=dtype)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._initialize_hook = self.register_forward_pre_hook(_lazy_infer_parameters, with_kwargs=True)

    def has_uninitialized_params(self) -> bool:
        return any(is_lazy(p) for p in itertools.chain(self._parameters.values(), self._buffers.values()))

    def initialize_parameters(self, *args, **kwargs):
        raise NotImplementedError(f"initialize_parameters is not implemented for {self.__class__.__name__}")


def _lazy_infer_parameters(module, args, kwargs):
    module.initialize_parameters(*args, **kwargs)
    if module.has_uninitialized_params():
        raise RuntimeError(f"module {module._get_name()} has not been fully initialized")
    module._initialize_hook.remove()
    del module._initialize_hook
    if module.cls_to_become is not None:
        module.__class__ = module.cls_to_become
    return None
