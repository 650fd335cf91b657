"""Stochastic weight averaging and EMA of models (mirrors torch.optim.swa_utils)."""
from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Iterable
from copy import deepcopy
from typing import Any

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from ..nn.modules.module import Module
from .lr_scheduler import LRScheduler, _format_param
from .optimizer import Optimizer

__all__ = ["AveragedModel", "update_bn", "SWALR", "get_ema_multi_avg_fn", "get_swa_multi_avg_fn", "get_ema_avg_fn",
           "get_swa_avg_fn"]


def _lerp_arrays(avg: list, cur: list, w: float) -> None:
    """avg <- lerp(avg, cur, w) in place on the arrays (torch's two-formula lerp), bumping versions."""
    for a, c in zip(avg, cur):
        d, cd = a._data, c._data
        if w < 0.5:
            d += (cd - d) * w
        else:
            d[...] = cd - (cd - d) * (1 - w)
        a._bump()


def _is_float(t: Tensor) -> bool:
    return t.is_floating_point() or t.is_complex()


def get_ema_multi_avg_fn(decay: float = 0.999) -> Callable:
    """In-place exponential moving average over lists of tensors: ema <- decay * ema + (1 - decay) * cur."""
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")

    def ema_update(ema_param_list: list, current_param_list: list, _) -> None:
        if _is_float(ema_param_list[0]):
            _lerp_arrays(ema_param_list, current_param_list, 1 - decay)
        else:
            with no_grad():
                for e, c in zip(ema_param_list, current_param_list):
                    e.copy_(e * decay + c * (1 - decay))
    return ema_update


def get_swa_multi_avg_fn() -> Callable:
    """In-place running mean over lists of tensors: avg <- avg + (cur - avg) / (n + 1)."""

    def swa_update(averaged_param_list: list, current_param_list: list, num_averaged) -> None:
        n = float(num_averaged)
        if _is_float(averaged_param_list[0]):
            _lerp_arrays(averaged_param_list, current_param_list, 1 / (n + 1))
        else:
            with no_grad():
                for a, c in zip(averaged_param_list, current_param_list):
                    a.copy_(a + (c - a) / (n + 1))
    return swa_update


def get_ema_avg_fn(decay: float = 0.999) -> Callable:
    """Per-tensor EMA: returns decay * ema + (1 - decay) * cur."""
    if decay < 0.0 or decay > 1.0:
        raise ValueError(f"Invalid decay value {decay} provided. Please provide a value in [0,1] range.")

    def ema_update(ema_param: Tensor, current_param: Tensor, num_averaged):
        with no_grad():
            return decay * ema_param + (1 - decay) * current_param
    return ema_update


def get_swa_avg_fn() -> Callable:
    """Per-tensor running mean: returns avg + (cur - avg) / (n + 1)."""

    def swa_update(averaged_param: Tensor, current_param: Tensor, num_averaged):
        with no_grad():
            return averaged_param + (current_param - averaged_param) / (num_averaged + 1)
    return swa_update


class AveragedModel(Module):
    """A deep copy of ``model`` whose parameters track an average (SWA by default, or ``avg_fn``/``multi_avg_fn``).

    ``update_parameters(model)`` folds the model's current parameters into the average; ``n_averaged`` is a long
    buffer counting the updates. With ``use_buffers=True`` buffers are averaged too, else copied.
    """

    def __init__(self, model: Module, device=None, avg_fn: Callable | None = None,
                 multi_avg_fn: Callable | None = None, use_buffers: bool = False) -> None:
        super().__init__()
        if avg_fn is not None and multi_avg_fn is not None:
            raise AssertionError("Only one of avg_fn and multi_avg_fn should be provided")
        self.module = deepcopy(model)
        if device is not None:
            self.module = self.module.to(device)
        from ..ops.creation import tensor  # noqa: PLC0415

        self.register_buffer("n_averaged", tensor(0, dtype=D.int64, device=device))
        self.avg_fn = avg_fn
        self.multi_avg_fn = multi_avg_fn
        self.use_buffers = use_buffers

    def forward(self, *args, **kwargs):
        return self.module(*args, **kwargs)

    def update_parameters(self, model: Module) -> None:
        """Fold ``model``'s current parameters (and buffers, with use_buffers) into the average."""
        if self.use_buffers:
            mine = itertools.chain(self.module.parameters(), self.module.buffers())
            theirs = itertools.chain(model.parameters(), model.buffers())
        else:
            mine, theirs = self.parameters(), model.parameters()
        avg_list, cur_list = [], []
        n = int(self.n_averaged.item())
        for pa, pm in zip(mine, theirs):
            pm_ = pm.detach().to(pa.device)
            avg_list.append(pa.detach())
            cur_list.append(pm_)
            if n == 0:
                pa._data[...] = pm_._data
                pa._bump()
        if n > 0:
            if self.avg_fn is None:
                # group by (device, dtype) like torch's foreach path so integer buffers take the exact formula
                groups: dict = {}
                for a, c in zip(avg_list, cur_list):
                    groups.setdefault((str(a.device), a.dtype), ([], []))
                    groups[(str(a.device), a.dtype)][0].append(a)
                    groups[(str(a.device), a.dtype)][1].append(c)
                fn = self.multi_avg_fn or get_swa_multi_avg_fn()
                for a_l, c_l in groups.values():
                    fn(a_l, c_l, self.n_averaged.to(a_l[0].device))
            else:
                for a, c in zip(avg_list, cur_list):
                    res = self.avg_fn(a, c, self.n_averaged.to(a.device))
                    a._data[...] = res._data
                    a._bump()
        if not self.use_buffers:
            for b_swa, b_model in zip(self.module.buffers(), model.buffers()):
                b_swa._data[...] = b_model.detach().to(b_swa.device)._data
                b_swa._bump()
        self.n_averaged._data += 1
        self.n_averaged._bump()


def update_bn(loader: Iterable[Any], model: Module, device=None) -> None:
    """Recompute the BatchNorm running statistics of ``model`` with one pass over ``loader`` (cumulative average)."""
    from ..nn.modules.normalization import _BatchNorm  # noqa: PLC0415

    momenta = {}
    for m in model.modules():
        if isinstance(m, _BatchNorm):
            m.reset_running_stats()
            momenta[m] = m.momentum
    if not momenta:
        return
    was_training = model.training
    model.train()
    for m in momenta:
        m.momentum = None  # momentum None: a cumulative moving average over the whole pass
    with no_grad():
        for inp in loader:
            if isinstance(inp, (list, tuple)):
                inp = inp[0]
            if device is not None:
                inp = inp.to(device)
            model(inp)
    for m, mom in momenta.items():
        m.momentum = mom
    model.train(was_training)


class SWALR(LRScheduler):
    """Anneal each group's lr to its ``swa_lr`` over ``anneal_epochs`` (cos or linear), then hold it."""

    def __init__(self, optimizer: Optimizer, swa_lr: float | list[float], anneal_epochs: int = 10,
                 anneal_strategy: str = "cos", last_epoch: int = -1) -> None:
        for lr, group in zip(_format_param("swa_lr", optimizer, swa_lr), optimizer.param_groups):
            group["swa_lr"] = lr
        if anneal_strategy not in ["cos", "linear"]:
            raise ValueError(f"anneal_strategy must be one of 'cos' or 'linear', instead got {anneal_strategy}")
        self._set_anneal_func(anneal_strategy)
        if not isinstance(anneal_epochs, int) or anneal_epochs < 0:
            raise ValueError(f"anneal_epochs must be equal or greater than 0, got {anneal_epochs}")
        self.anneal_epochs = anneal_epochs
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _linear_anneal(t):
        return t

    @staticmethod
    def _cosine_anneal(t):
        return (1 - math.cos(math.pi * t)) / 2

    @staticmethod
    def _get_initial_lr(lr, swa_lr, alpha):
        if alpha == 1:
            return swa_lr
        return (lr - alpha * swa_lr) / (1 - alpha)

    def get_lr(self) -> list:
        if not self._get_lr_called_within_step:
            warnings.warn("To get the last learning rate computed by the scheduler, please use `get_last_lr()`.",
                          UserWarning, stacklevel=2)
        step = self._step_count - 1
        if self.anneal_epochs == 0:
            step = max(1, step)
        # recover the lr before annealing from the current one, then anneal from it
        prev_alpha = self.anneal_func(max(0, min(1, (step - 1) / max(1, self.anneal_epochs))))
        prev = [self._get_initial_lr(g["lr"], g["swa_lr"], prev_alpha) for g in self.optimizer.param_groups]
        alpha = self.anneal_func(max(0, min(1, step / max(1, self.anneal_epochs))))
        return [g["swa_lr"] * alpha + lr * (1 - alpha) for g, lr in zip(self.optimizer.param_groups, prev)]

    def _set_anneal_func(self, strategy: str) -> None:
        self._anneal_strategy = strategy
        self.anneal_func = self._cosine_anneal if strategy == "cos" else self._linear_anneal

    def state_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "anneal_func")}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update(state_dict)
        self._set_anneal_func(self._anneal_strategy)

