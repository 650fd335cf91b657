"""Grad-mode switches: no_grad, enable_grad, set_grad_enabled, inference_mode."""
from __future__ import annotations

import functools

__all__ = ["GradMode", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "is_inference_mode_enabled"]


class GradMode:
    # NOTE [ grad mode ]: a class attribute read on every op; a thread-local would cost ~100 ns per op.
    enabled = True
    inference = False


def is_grad_enabled() -> bool:
    return GradMode.enabled


def is_inference_mode_enabled() -> bool:
    return GradMode.inference


class _DecoratorContextManager:
    """Usable as ``with no_grad():``, ``@no_grad()`` and ``@no_grad``."""

    def __new__(cls, *args, **kwargs):
        if cls is not set_grad_enabled and len(args) == 1 and callable(args[0]) and not kwargs \
                and not isinstance(args[0], bool):
            return cls()(args[0])
        return super().__new__(cls)

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_DecoratorContextManager):
    """Disable gradient recording (mirrors torch.no_grad)."""

    def __enter__(self):
        self.prev = GradMode.enabled
        GradMode.enabled = False

    def __exit__(self, *exc):
        GradMode.enabled = self.prev
        return False


class enable_grad(_DecoratorContextManager):
    """Enable gradient recording inside a no_grad block."""

    def __enter__(self):
        self.prev = GradMode.enabled
        GradMode.enabled = True

    def __exit__(self, *exc):
        GradMode.enabled = self.prev
        return False


class set_grad_enabled(_DecoratorContextManager):
    """Set grad mode on or off; works as a function, context manager or decorator."""

    def __init__(self, mode: bool):
        self.prev = GradMode.enabled
        self.mode = bool(mode)
        GradMode.enabled = self.mode

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        GradMode.enabled = self.prev
        return False

    def clone(self):
        return set_grad_enabled(self.mode)

    def __call__(self, fn):
        # as a decorator, the constructor must not leave the mode switched (torch restores it here)
        GradMode.enabled = self.prev
        return super().__call__(fn)


class inference_mode(_DecoratorContextManager):
    """Like no_grad; tensors made inside are inference tensors (no graph is ever recorded)."""

    def __init__(self, mode: bool = True):
        self.mode = mode

    def __enter__(self):
        self.prev = (GradMode.enabled, GradMode.inference)
        if self.mode:
            GradMode.enabled, GradMode.inference = False, True

    def __exit__(self, *exc):
        GradMode.enabled, GradMode.inference = self.prev
        return False

    def clone(self):
        return inference_mode(self.mode)
