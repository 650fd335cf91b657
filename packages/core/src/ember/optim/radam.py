"""RAdam: rectified Adam (mirrors torch.optim.RAdam)."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ._foreach import ElementwiseOptimizer, addcmul_, check_betas_eps, check_lr, lerp_, prologue
from .optimizer import _to_scalar

__all__ = ["RAdam"]


class RAdam(ElementwiseOptimizer):
    """RAdam (Liu et al.): Adam whose adaptive term is switched in once its variance is tractable."""

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False) -> None:
        check_lr(lr)
        check_betas_eps(betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, decoupled_weight_decay=decoupled_weight_decay,
                        differentiable=differentiable)
        super().__init__(params, defaults)

    def _tensor_state(self, group) -> list:
        return [("exp_avg", 0.0), ("exp_avg_sq", 0.0)]

    def _kernel(self, group, p, g, st, sc, fresh, scratch):
        lr = _to_scalar(group["lr"])
        beta1, beta2 = group["betas"]
        step = sc["step"] + 1
        tmp = scratch(0)
        prologue(group, p, g, tmp, group["decoupled_weight_decay"], lr)
        exp_avg, exp_avg_sq = st["exp_avg"], st["exp_avg_sq"]
        lerp_(exp_avg, g, 1 - beta1, tmp)
        np.multiply(exp_avg_sq, beta2, out=exp_avg_sq)
        addcmul_(exp_avg_sq, g, g, 1 - beta2, tmp)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
        upd = g  # the grad copy is free now
        np.divide(exp_avg, bias_correction1, out=upd)
        np.multiply(upd, lr, out=upd)
        if rho_t > 5.0:
            rect = ((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)) ** 0.5
            np.sqrt(exp_avg_sq, out=tmp)  # adaptive lr = sqrt(bc2) / (sqrt(v) + eps)
            np.add(tmp, group["eps"], out=tmp)
            np.divide(bias_correction2 ** 0.5, tmp, out=tmp)
            np.multiply(upd, tmp, out=upd)
            np.multiply(upd, rect, out=upd)
        np.subtract(p, upd, out=p)
        return {"step": step}
