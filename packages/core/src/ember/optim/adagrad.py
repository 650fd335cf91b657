"""Adagrad (mirrors torch.optim.Adagrad)."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .._tensor import Tensor
from ._foreach import ElementwiseOptimizer, addcmul_, check_lr, check_nonneg, prologue
from .optimizer import _scalar_np_dtype, _to_scalar

__all__ = ["Adagrad"]


class Adagrad(ElementwiseOptimizer):
    """Adagrad (Duchi et al.): per-coordinate steps scaled by the root of the summed squared gradients."""

    def __init__(self, params: Iterable, lr: float = 1e-2, lr_decay: float = 0, weight_decay: float = 0,
                 initial_accumulator_value: float = 0, eps: float = 1e-10, foreach: bool | None = None, *,
                 maximize: bool = False, differentiable: bool = False, fused: bool | None = None) -> None:
        check_lr(lr)
        check_nonneg(("lr_decay", lr_decay), ("weight_decay", weight_decay),
                     ("initial_accumulator_value", initial_accumulator_value), ("epsilon", eps))
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        # torch creates Adagrad's state eagerly, so it shows in state_dict() before the first step
        for group in self.param_groups:
            for p in group["params"]:
                st = self.state[p]
                st["step"] = Tensor._wrap(np.array(0.0, dtype=_scalar_np_dtype()))
                v = group["initial_accumulator_value"]
                st["sum"] = Tensor._wrap(p._data.__array_namespace__().full_like(
                    p._data, complex(v, v) if p.is_complex() else v))

    def share_memory(self) -> None:
        """No-op kept for API parity (ember tensors live in one process)."""

    _n_scratch = 2

    def _tensor_state(self, group) -> list:
        return [("sum", float(group["initial_accumulator_value"]))]

    def _kernel(self, group, p, g, st, sc, fresh, scratch):
        lr = _to_scalar(group["lr"])
        step = sc["step"] + 1
        tmp = scratch(0)
        prologue(group, p, g, tmp)
        clr = lr / (1 + (step - 1) * group["lr_decay"])
        state_sum = st["sum"]
        addcmul_(state_sum, g, g, 1, tmp)
        std = scratch(1)
        np.sqrt(state_sum, out=std)
        np.add(std, group["eps"], out=std)
        np.multiply(g, -clr, out=tmp)
        np.divide(tmp, std, out=tmp)
        np.add(p, tmp, out=p)
        return {"step": step}
