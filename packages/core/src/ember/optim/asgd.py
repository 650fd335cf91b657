"""ASGD: averaged stochastic gradient descent (mirrors torch.optim.ASGD)."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ._foreach import ElementwiseOptimizer, add_scaled_, check_lr, check_nonneg, prologue
from .optimizer import _to_scalar

__all__ = ["ASGD"]


class ASGD(ElementwiseOptimizer):
    """Averaged SGD (Polyak & Juditsky): keeps the running average ``ax`` of the iterates in the state."""

    def __init__(self, params: Iterable, lr: float = 1e-2, lambd: float = 1e-4, alpha: float = 0.75,
                 t0: float = 1e6, weight_decay: float = 0, foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False, capturable: bool = False) -> None:
        check_lr(lr)
        check_nonneg(("weight_decay", weight_decay))
        defaults = dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def _scalar_state(self, group) -> dict:
        return {"step": 0.0, "eta": float(_to_scalar(group["lr"])), "mu": 1.0}

    def _tensor_state(self, group) -> list:
        return [("ax", 0.0)]

    def _kernel(self, group, p, g, st, sc, fresh, scratch):
        lr = _to_scalar(group["lr"])
        lambd, alpha, t0 = group["lambd"], group["alpha"], group["t0"]
        tmp = scratch(0)
        prologue(group, p, g, tmp)
        step = sc["step"] + 1
        eta, mu = sc["eta"], sc["mu"]
        np.multiply(p, 1 - lambd * eta, out=p)
        add_scaled_(p, g, -eta, tmp)
        ax = st["ax"]
        if mu != 1:
            np.subtract(p, ax, out=tmp)
            np.multiply(tmp, mu, out=tmp)
            np.add(ax, tmp, out=ax)
        else:
            ax[...] = p
        return {"step": step, "eta": lr / ((1 + lambd * lr * step) ** alpha), "mu": 1 / max(1, step - t0)}
