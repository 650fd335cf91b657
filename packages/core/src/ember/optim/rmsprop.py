"""RMSprop, plain or centered, with momentum (mirrors torch.optim.RMSprop)."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ._foreach import ElementwiseOptimizer, add_scaled_, addcmul_, check_lr, check_nonneg, lerp_, prologue
from .optimizer import _to_scalar

__all__ = ["RMSprop"]


class RMSprop(ElementwiseOptimizer):
    """RMSprop (Hinton): divide the gradient by a running RMS of recent gradients."""

    def __init__(self, params: Iterable, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        check_lr(lr)
        check_nonneg(("epsilon", eps), ("momentum", momentum), ("weight_decay", weight_decay), ("alpha", alpha))
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered, weight_decay=weight_decay,
                        capturable=capturable, foreach=foreach, maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    _n_scratch = 2

    def _tensor_state(self, group) -> list:
        spec = [("square_avg", 0.0)]
        if group["momentum"] > 0:
            spec.append(("momentum_buffer", 0.0))
        if group["centered"]:
            spec.append(("grad_avg", 0.0))
        return spec

    def _kernel(self, group, p, g, st, sc, fresh, scratch):
        lr = _to_scalar(group["lr"])
        alpha, momentum = group["alpha"], group["momentum"]
        tmp = scratch(0)
        prologue(group, p, g, tmp)
        square_avg = st["square_avg"]
        np.multiply(square_avg, alpha, out=square_avg)
        addcmul_(square_avg, g, g, 1 - alpha, tmp)
        avg = scratch(1)
        if group["centered"]:
            grad_avg = st["grad_avg"]
            lerp_(grad_avg, g, 1 - alpha, tmp)
            np.negative(grad_avg, out=tmp)  # avg = sqrt(square_avg - grad_avg^2)
            np.multiply(tmp, grad_avg, out=tmp)
            np.add(square_avg, tmp, out=avg)
            np.sqrt(avg, out=avg)
        else:
            np.sqrt(square_avg, out=avg)
        np.add(avg, group["eps"], out=avg)
        if momentum > 0:
            buf = st["momentum_buffer"]
            np.multiply(buf, momentum, out=buf)
            np.divide(g, avg, out=tmp)
            np.add(buf, tmp, out=buf)
            add_scaled_(p, buf, -lr, tmp)
        else:
            np.multiply(g, -lr, out=tmp)
            np.divide(tmp, avg, out=tmp)
            np.add(p, tmp, out=p)
        return {"step": sc["step"] + 1}
