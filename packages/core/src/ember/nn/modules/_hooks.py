"""Module hook machinery: removable handles, global hooks, backward-hook identity nodes, error notes.

Split out of module.py; see NOTE [ error notes ] there.
"""
from __future__ import annotations

import itertools
import weakref
from collections import OrderedDict
from typing import Callable

from ..._tensor import Tensor
from ...autograd.grad_mode import GradMode
from ...ops._op import Op, apply

__all__: list = []


class RemovableHandle:
    """Handle returned by hook registration; ``remove()`` unregisters (mirrors torch.utils.hooks)."""

    _next_id = itertools.count()

    def __init__(self, hooks_dict: dict, *, extra_dict=None):
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = next(RemovableHandle._next_id)
        if extra_dict is None:
            extra_dict = []
        elif isinstance(extra_dict, dict):
            extra_dict = [extra_dict]
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extra_dict)

    def remove(self) -> None:
        d = self.hooks_dict_ref()
        if d is not None:
            d.pop(self.id, None)
        for ref in self.extra_dict_ref:
            e = ref()
            if e is not None:
                e.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


# -- global hooks (apply to every module); a flag keeps the no-hook path a single read ---------------------
_global_forward_pre_hooks: OrderedDict = OrderedDict()
_global_forward_hooks: OrderedDict = OrderedDict()
_global_forward_hooks_always_called: OrderedDict = OrderedDict()
_global_backward_hooks: OrderedDict = OrderedDict()
_global_backward_pre_hooks: OrderedDict = OrderedDict()


class _Global:
    any = False


def _refresh_global():
    _Global.any = bool(_global_forward_pre_hooks or _global_forward_hooks or _global_backward_hooks
                       or _global_backward_pre_hooks)


class _GlobalHandle(RemovableHandle):
    def remove(self):
        super().remove()
        _refresh_global()


def register_module_forward_pre_hook(hook: Callable) -> RemovableHandle:
    """Register ``hook(module, args)`` run before every module's forward."""
    h = _GlobalHandle(_global_forward_pre_hooks)
    _global_forward_pre_hooks[h.id] = hook
    _refresh_global()
    return h


def register_module_forward_hook(hook: Callable, *, with_kwargs: bool = False,
                                 always_call: bool = False) -> RemovableHandle:
    """Register ``hook(module, args, output)`` run after every module's forward."""
    h = _GlobalHandle(_global_forward_hooks, extra_dict=_global_forward_hooks_always_called)
    _global_forward_hooks[h.id] = hook
    if always_call:
        _global_forward_hooks_always_called[h.id] = True
    _refresh_global()
    return h


def register_module_full_backward_hook(hook: Callable) -> RemovableHandle:
    """Register ``hook(module, grad_input, grad_output)`` for every module."""
    h = _GlobalHandle(_global_backward_hooks)
    _global_backward_hooks[h.id] = hook
    _refresh_global()
    return h


def register_module_full_backward_pre_hook(hook: Callable) -> RemovableHandle:
    """Register ``hook(module, grad_output)`` for every module."""
    h = _GlobalHandle(_global_backward_pre_hooks)
    _global_backward_pre_hooks[h.id] = hook
    _refresh_global()
    return h


# -- backward hooks: identity nodes on a module's inputs and outputs ----------------------------------------
class _BackwardHookFn(Op):
    """Identity on several tensors; its backward calls ``ctx.fn(grads)`` (module backward hooks)."""

    def forward(ctx, xp, *arrays, fn=None):
        ctx.fn = fn
        return tuple(arrays)

    def backward(ctx, *grads):
        return ctx.fn(grads)


class _BackwardHookState:
    """One forward call's backward-hook bookkeeping (mirrors torch.utils.hooks.BackwardHook)."""

    def __init__(self, module, hooks, pre_hooks):
        self.module = module
        self.hooks = hooks
        self.pre_hooks = pre_hooks
        self.grad_outputs = None
        self.n_inputs = 0
        self.input_idx = None
        self.n_outputs = 0
        self.output_idx = None

    def _wrap(self, values, idx, fn):
        ts = [values[i] for i in idx]
        outs = apply(_BackwardHookFn, *ts, fn=fn)
        values = list(values)
        for i, o in zip(idx, outs):
            values[i] = o
        return values

    def setup_input_hook(self, args):
        self.n_inputs = len(args)
        idx = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a._rg]
        if not idx or not GradMode.enabled:
            return args
        self.input_idx = idx

        def fn(grads):
            grad_input = [None] * self.n_inputs
            for i, g in zip(idx, grads):
                grad_input[i] = g
            grad_input = tuple(grad_input)
            for hook in self.hooks:
                res = hook(self.module, grad_input, self.grad_outputs)
                if res is None:
                    continue
                if not isinstance(res, tuple):
                    res = (res,)
                if len(res) != len(grad_input):
                    raise RuntimeError(f"Backward hook returned an invalid number of grad_input, got "
                                       f"{len(res)}, but expected {len(grad_input)}")
                grad_input = res
            return tuple(grad_input[i] for i in idx)

        return tuple(self._wrap(args, idx, fn))

    def setup_output_hook(self, result):
        single = isinstance(result, Tensor)
        outs = (result,) if single else result
        if not isinstance(outs, tuple) or not GradMode.enabled:
            return result
        idx = [i for i, a in enumerate(outs) if isinstance(a, Tensor) and a._rg]
        if not idx:
            return result
        self.n_outputs = len(outs)

        def fn(grads):
            grad_output = [None] * self.n_outputs
            for i, g in zip(idx, grads):
                grad_output[i] = g
            grad_output = tuple(grad_output)
            for hook in self.pre_hooks:
                res = hook(self.module, grad_output)
                if res is not None:
                    if not isinstance(res, tuple):
                        res = (res,)
                    if len(res) != len(grad_output):
                        raise RuntimeError(f"Backward pre hook returned an invalid number of grad_output, got "
                                           f"{len(res)}, but expected {len(grad_output)}")
                    grad_output = res
            self.grad_outputs = grad_output
            if self.input_idx is None:  # no input requires grad: the hooks fire here with grad_input=None
                grad_input = (None,) * self.n_inputs
                for hook in self.hooks:
                    res = hook(self.module, grad_input, self.grad_outputs)
                    if res is not None and not (isinstance(res, tuple) and all(r is None for r in res)):
                        raise RuntimeError("Backward hook for Modules where no input requires gradient should "
                                           "always return None or None for all gradients.")
            return tuple(grad_output[i] for i in idx)

        new = self._wrap(outs, idx, fn)
        return new[0] if single else tuple(new)


# -- error notes (NOTE [ error notes ]) ------------------------------------------------------------------------
def _describe_inputs(args, kwargs) -> str:
    def one(a):
        if isinstance(a, Tensor):
            return f"[{', '.join(str(s) for s in a._data.shape)}]"
        if isinstance(a, (tuple, list)) and a and all(isinstance(x, Tensor) for x in a):
            return "(" + ", ".join(one(x) for x in a) + ")"
        return type(a).__name__
    parts = [one(a) for a in args] + [f"{k}={one(v)}" for k, v in kwargs.items()]
    return ", ".join(parts)


def _note_error(err: BaseException, module, args, kwargs) -> None:
    info = getattr(err, "_ember_module_note", None)
    if info is None:  # innermost module: add the note
        try:
            text = _note_text("", module, _describe_inputs(args, kwargs))
            err.add_note(text)
            err._ember_module_note = [module, _describe_inputs(args, kwargs), len(err.__notes__) - 1]
        except (AttributeError, TypeError):
            pass
        return
    inner, shapes, idx = info
    if inner is module:
        return
    name = None
    for n, m in module.named_modules():
        if m is inner:
            name = n
            break
    if name is None:
        return
    notes = getattr(err, "__notes__", None)
    if notes is not None and idx < len(notes):
        notes[idx] = _note_text(name, inner, shapes)


def _note_text(name: str, module, shapes: str) -> str:
    where = f"module '{name}'" if name else "module"
    return f"Exception raised in {where} ({type(module).__name__}) called with input shapes: {shapes}"
