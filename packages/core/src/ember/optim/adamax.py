"""Adamax: Adam with the infinity norm (mirrors torch.optim.Adamax)."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ._foreach import ElementwiseOptimizer, check_betas_eps, check_lr, lerp_, prologue
from .optimizer import _to_scalar

__all__ = ["Adamax"]


class Adamax(ElementwiseOptimizer):
    """Adamax (Kingma & Ba, section 7): the second moment is an exponentially weighted infinity norm."""

    def __init__(self, params: Iterable, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        check_lr(lr)
        check_betas_eps(betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def _tensor_state(self, group) -> list:
        return [("exp_avg", 0.0), ("exp_inf", 0.0)]

    def _kernel(self, group, p, g, st, sc, fresh, scratch):
        lr = _to_scalar(group["lr"])
        beta1, beta2 = group["betas"]
        step = sc["step"] + 1
        tmp = scratch(0)
        prologue(group, p, g, tmp)
        exp_avg, exp_inf = st["exp_avg"], st["exp_inf"]
        lerp_(exp_avg, g, 1 - beta1, tmp)
        np.multiply(exp_inf, beta2, out=exp_inf)
        np.abs(g, out=tmp)
        np.add(tmp, group["eps"], out=tmp)
        np.maximum(exp_inf, tmp, out=exp_inf)
        clr = lr / (1 - beta1 ** step)
        np.multiply(exp_avg, -clr, out=tmp)
        np.divide(tmp, exp_inf, out=tmp)
        np.add(p, tmp, out=p)
        return {"step": step}
