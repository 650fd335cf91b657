"""Rprop: resilient backpropagation (mirrors torch.optim.Rprop)."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ._foreach import ElementwiseOptimizer, check_lr
from .optimizer import _to_scalar

__all__ = ["Rprop"]


class Rprop(ElementwiseOptimizer):
    """Rprop (Riedmiller & Braun): per-coordinate step sizes grown or shrunk by the sign agreement of grads."""

    def __init__(self, params: Iterable, lr: float = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False, differentiable: bool = False) -> None:
        check_lr(lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f"Invalid eta values: {etas[0]}, {etas[1]}")
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
                        differentiable=differentiable, capturable=capturable)
        super().__init__(params, defaults)

    def _tensor_state(self, group) -> list:
        return [("prev", 0.0), ("step_size", float(_to_scalar(group["lr"])))]

    def _kernel(self, group, p, g, st, sc, fresh, scratch):
        if group["maximize"]:
            np.negative(g, out=g)
        etaminus, etaplus = group["etas"]
        lo, hi = group["step_sizes"]
        prev, step_size = st["prev"], st["step_size"]
        sign = scratch(0)
        np.multiply(g, prev, out=sign)
        np.sign(sign, out=sign)
        # sign > 0 -> etaplus, sign < 0 -> etaminus, 0 -> 1 (same order of replacement as torch)
        factor = np.where(sign > 0, etaplus, np.where(sign < 0, etaminus, 1.0)).astype(sign.dtype, copy=False)
        np.multiply(step_size, factor, out=step_size)
        np.clip(step_size, lo, hi, out=step_size)
        g[factor == etaminus] = 0
        np.sign(g, out=sign)
        np.multiply(sign, -1, out=sign)
        np.multiply(sign, step_size, out=sign)
        np.add(p, sign, out=p)
        prev[...] = g
        return {"step": sc["step"] + 1}
