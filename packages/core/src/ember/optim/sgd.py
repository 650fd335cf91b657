"""SGD with momentum, dampening, Nesterov and weight decay (mirrors torch.optim.SGD)."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ._foreach import ElementwiseOptimizer, add_scaled_, check_fused, check_lr, prologue
from .optimizer import _to_scalar

__all__ = ["SGD"]


class SGD(ElementwiseOptimizer):
    """Stochastic gradient descent (optionally with momentum), the same update as torch.optim.SGD."""

    _setstate_defaults = {"nesterov": False, "maximize": False, "foreach": None, "differentiable": False,
                          "fused": False}

    def __init__(self, params: Iterable, lr: float = 1e-3, momentum: float = 0, dampening: float = 0,
                 weight_decay: float = 0, nesterov: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, differentiable: bool = False, fused: bool | None = None) -> None:
        check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov,
                        maximize=maximize, foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        check_fused(fused, foreach, differentiable)

    def _scalar_state(self, group) -> dict:
        return {}

    def _tensor_state(self, group) -> list:
        # the momentum buffer starts as a copy of the first (decayed) gradient
        return [("momentum_buffer", None)] if group["momentum"] != 0 else []

    def _kernel(self, group, p, g, st, sc, fresh, scratch):
        tmp = scratch(0)
        prologue(group, p, g, tmp)
        momentum = group["momentum"]
        if momentum != 0:
            buf = st["momentum_buffer"]
            if "momentum_buffer" in fresh:
                buf[...] = g
            else:
                np.multiply(buf, momentum, out=buf)
                add_scaled_(buf, g, 1 - group["dampening"], tmp)
            if group["nesterov"]:
                add_scaled_(g, buf, momentum, tmp)
            else:
                g = buf
        add_scaled_(p, g, -_to_scalar(group["lr"]), tmp)
        return None
