"""NAdam: Adam with Nesterov momentum (mirrors torch.optim.NAdam)."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ._foreach import ElementwiseOptimizer, addcmul_, check_betas_eps, check_lr, check_nonneg, lerp_, prologue
from .optimizer import _scalar_np_dtype, _to_scalar

__all__ = ["NAdam"]


class NAdam(ElementwiseOptimizer):
    """NAdam (Dozat) with the momentum-decay schedule and optional decoupled weight decay (NAdamW)."""

    def __init__(self, params: Iterable, lr: float = 2e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, foreach: bool | None = None, maximize: bool = False,
                 capturable: bool = False, differentiable: bool = False) -> None:
        check_lr(lr)
        check_betas_eps(betas, eps, weight_decay)
        check_nonneg(("momentum_decay", momentum_decay))
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize, foreach=foreach,
                        capturable=capturable, differentiable=differentiable)
        super().__init__(params, defaults)

    def _scalar_state(self, group) -> dict:
        return {"step": 0.0, "mu_product": 1.0}

    _n_scratch = 2

    def _tensor_state(self, group) -> list:
        return [("exp_avg", 0.0), ("exp_avg_sq", 0.0)]

    def _kernel(self, group, p, g, st, sc, fresh, scratch):
        lr = _to_scalar(group["lr"])
        beta1, beta2 = group["betas"]
        md = group["momentum_decay"]
        step = sc["step"] + 1
        tmp = scratch(0)
        prologue(group, p, g, tmp, group["decoupled_weight_decay"], lr)
        bias_correction2 = 1 - beta2 ** step
        mu = beta1 * (1.0 - 0.5 * (0.96 ** (step * md)))
        mu_next = beta1 * (1.0 - 0.5 * (0.96 ** ((step + 1) * md)))
        sdt = _scalar_np_dtype()
        mu_product = float(sdt(sc["mu_product"]) * sdt(mu))  # the 0-d state tensor rounds like torch's
        exp_avg, exp_avg_sq = st["exp_avg"], st["exp_avg_sq"]
        lerp_(exp_avg, g, 1 - beta1, tmp)
        np.multiply(exp_avg_sq, beta2, out=exp_avg_sq)
        addcmul_(exp_avg_sq, g, g, 1 - beta2, tmp)
        denom = scratch(1)
        np.divide(exp_avg_sq, bias_correction2, out=denom)
        np.sqrt(denom, out=denom)
        np.add(denom, group["eps"], out=denom)
        np.multiply(g, -lr * (1.0 - mu) / (1.0 - mu_product), out=tmp)
        np.divide(tmp, denom, out=tmp)
        np.add(p, tmp, out=p)
        np.multiply(exp_avg, (-lr * mu_next) / (1.0 - mu_product * mu_next), out=tmp)
        np.divide(tmp, denom, out=tmp)
        np.add(p, tmp, out=p)
        return {"step": step, "mu_product": mu_product}
