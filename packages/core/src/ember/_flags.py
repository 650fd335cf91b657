"""Global switches and small predicates at the top level of ``ember`` (mirrors torch)."""
from __future__ import annotations

from ._tensor import Tensor

__all__ = ["use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
           "is_deterministic_algorithms_warn_only_enabled", "is_tensor", "is_storage", "is_floating_point",
           "is_complex", "is_nonzero", "numel", "set_num_threads", "get_num_threads"]


class _Deterministic:
    enabled = False
    warn_only = False


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Request deterministic algorithms (mirrors torch). ember's CPU kernels are deterministic already (NumPy
    reductions and scatter-adds run in a fixed order), so on CPU the flag only records the request; CuPy's
    atomic scatter-adds on CUDA are not yet switched by it."""
    _Deterministic.enabled = bool(mode)
    _Deterministic.warn_only = bool(warn_only)


def are_deterministic_algorithms_enabled() -> bool:
    return _Deterministic.enabled


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    return _Deterministic.warn_only


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def is_storage(obj) -> bool:
    return False


def is_floating_point(input: Tensor) -> bool:
    return input.is_floating_point()


def is_complex(input: Tensor) -> bool:
    return input.is_complex()


def is_nonzero(input: Tensor) -> bool:
    if input.numel() != 1:
        raise RuntimeError(f"Boolean value of Tensor with {'no values' if input.numel() == 0 else 'more than one value'}"
                           f" is ambiguous")
    return bool(input.item())


def numel(input: Tensor) -> int:
    return input.numel()


_threads = [0]


def set_num_threads(n: int) -> None:
    """Limit BLAS threads (through threadpoolctl when installed)."""
    _threads[0] = int(n)
    try:
        from threadpoolctl import threadpool_limits  # noqa: PLC0415

        threadpool_limits(int(n))
    except ImportError:
        pass


def get_num_threads() -> int:
    import os  # noqa: PLC0415

    return _threads[0] or (os.cpu_count() or 1)
