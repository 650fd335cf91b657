"""Adam and its decoupled-weight-decay form (mirrors torch.optim.Adam)."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ._foreach import ElementwiseOptimizer, addcmul_, check_betas_eps, check_fused, check_lr, lerp_, prologue
from ._kernels import adam_, adam_available
from .optimizer import _to_scalar

__all__ = ["Adam"]


class Adam(ElementwiseOptimizer):
    """Adam (Kingma & Ba), with AMSGrad, L2 or decoupled weight decay, and maximize; torch's exact update."""

    _setstate_defaults = {"amsgrad": False, "maximize": False, "foreach": None, "capturable": False,
                          "differentiable": False, "fused": None, "decoupled_weight_decay": False}

    def __init__(self, params: Iterable, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0, amsgrad: bool = False, *, foreach: bool | None = None,
                 maximize: bool = False, capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None, decoupled_weight_decay: bool = False) -> None:
        check_lr(lr)
        check_betas_eps(betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)

    def _tensor_state(self, group) -> list:
        spec = [("exp_avg", 0.0), ("exp_avg_sq", 0.0)]
        if group["amsgrad"]:
            spec.append(("max_exp_avg_sq", 0.0))
        return spec

    def _kernel(self, group, p, g, st, sc, fresh, scratch):
        lr = _to_scalar(group["lr"])
        beta1, beta2 = (_to_scalar(b) for b in group["betas"])
        step = sc["step"] + 1
        tmp = scratch(0)
        prologue(group, p, g, tmp, group["decoupled_weight_decay"], lr)
        exp_avg, exp_avg_sq = st["exp_avg"], st["exp_avg_sq"]
        step_size = lr / (1 - beta1 ** step)
        bc2_sqrt = (1 - beta2 ** step) ** 0.5
        if not group["amsgrad"] and adam_available(p, g, exp_avg, exp_avg_sq):
            adam_(p, g, exp_avg, exp_avg_sq, beta1, beta2, group["eps"], step_size, bc2_sqrt)
            return {"step": step}
        lerp_(exp_avg, g, 1 - beta1, tmp)
        np.multiply(exp_avg_sq, beta2, out=exp_avg_sq)
        addcmul_(exp_avg_sq, g, g, 1 - beta2, tmp)
        v = exp_avg_sq
        if group["amsgrad"]:
            v = st["max_exp_avg_sq"]
            np.maximum(v, exp_avg_sq, out=v)
        np.sqrt(v, out=tmp)  # denom = sqrt(v) / sqrt(bc2) + eps
        np.divide(tmp, bc2_sqrt, out=tmp)
        np.add(tmp, group["eps"], out=tmp)
        np.multiply(exp_avg, -step_size, out=g)  # p += (-step_size * m) / denom
        np.divide(g, tmp, out=g)
        np.add(p, g, out=p)
        return {"step": step}
