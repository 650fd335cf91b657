"""Bookkeeping shared by the legacy hook-based reparametrizations (weight_norm, spectral_norm).

Each installs a forward pre-hook object with a ``name`` attribute and a ``remove(module)`` method.
"""
from __future__ import annotations

from ..modules.module import Module


def check_not_registered(module: Module, hook_cls: type, name: str, label: str) -> None:
    """Refuse a second ``label`` hook on the same parameter (torch raises RuntimeError)."""
    for hook in module._forward_pre_hooks.values():
        if isinstance(hook, hook_cls) and hook.name == name:
            raise RuntimeError(f"Cannot register two {label} hooks on the same parameter {name}")


def remove_hook(module: Module, hook_cls: type, name: str, label: str) -> Module:
    """Undo the ``label`` hook of ``name``: the hook restores a plain parameter and is unregistered."""
    for k, hook in module._forward_pre_hooks.items():
        if isinstance(hook, hook_cls) and hook.name == name:
            hook.remove(module)
            del module._forward_pre_hooks[k]
            return module
    raise ValueError(f"{label} of '{name}' not found in {module}")
