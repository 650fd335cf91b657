"""Adadelta (mirrors torch.optim.Adadelta)."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ._foreach import ElementwiseOptimizer, add_scaled_, addcmul_, check_lr, check_nonneg, prologue
from .optimizer import _to_scalar

__all__ = ["Adadelta"]


class Adadelta(ElementwiseOptimizer):
    """Adadelta (Zeiler): steps scaled by the ratio of running RMS of updates to running RMS of gradients."""

    def __init__(self, params: Iterable, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, foreach: bool | None = None, *, capturable: bool = False,
                 maximize: bool = False, differentiable: bool = False) -> None:
        check_lr(lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}")
        check_nonneg(("epsilon", eps), ("weight_decay", weight_decay))
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize, capturable=capturable,
                        foreach=foreach, differentiable=differentiable)
        super().__init__(params, defaults)

    _n_scratch = 2

    def _tensor_state(self, group) -> list:
        return [("square_avg", 0.0), ("acc_delta", 0.0)]

    def _kernel(self, group, p, g, st, sc, fresh, scratch):
        lr = _to_scalar(group["lr"])
        rho, eps = group["rho"], group["eps"]
        tmp = scratch(0)
        prologue(group, p, g, tmp)
        square_avg, acc_delta = st["square_avg"], st["acc_delta"]
        np.multiply(square_avg, rho, out=square_avg)
        addcmul_(square_avg, g, g, 1 - rho, tmp)
        std = scratch(1)
        np.add(square_avg, eps, out=std)
        np.sqrt(std, out=std)
        delta = tmp
        np.add(acc_delta, eps, out=delta)
        np.sqrt(delta, out=delta)
        np.divide(delta, std, out=delta)
        np.multiply(delta, g, out=delta)
        np.multiply(acc_delta, rho, out=acc_delta)
        addcmul_(acc_delta, delta, delta, 1 - rho, std)
        add_scaled_(p, delta, -lr, std)
        return {"step": sc["step"] + 1}
