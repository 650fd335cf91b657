"""ember.cuda (mirrors torch.cuda) on CuPy; every query answers without error where CUDA is missing."""
from __future__ import annotations

_available = None


def is_available() -> bool:
    """True when CuPy imports and sees at least one GPU."""
    global _available
    if _available is None:
        try:
            import cupy  # noqa: PLC0415

            _available = bool(cupy.cuda.is_available())
        except Exception:  # ImportError, CUDARuntimeError: no CuPy or no driver
            _available = False
    return _available


def device_count() -> int:
    if not is_available():
        return 0
    import cupy  # noqa: PLC0415

    return cupy.cuda.runtime.getDeviceCount()


def current_device() -> int:
    if not is_available():
        raise RuntimeError("No CUDA GPUs are available")
    import cupy  # noqa: PLC0415

    return cupy.cuda.Device().id


def synchronize(device=None) -> None:
    if is_available():
        import cupy  # noqa: PLC0415

        cupy.cuda.Device().synchronize()


def manual_seed(seed: int) -> None:
    if is_available():
        import cupy  # noqa: PLC0415

        cupy.random.seed(seed)


manual_seed_all = manual_seed


def is_bf16_supported() -> bool:
    return is_available()


def get_device_name(device=None) -> str:
    if not is_available():
        raise RuntimeError("No CUDA GPUs are available")
    import cupy  # noqa: PLC0415

    return cupy.cuda.runtime.getDeviceProperties(0)["name"].decode()


def memory_allocated(device=None) -> int:
    if not is_available():
        return 0
    import cupy  # noqa: PLC0415

    return cupy.get_default_memory_pool().used_bytes()


def empty_cache() -> None:
    if is_available():
        import cupy  # noqa: PLC0415

        cupy.get_default_memory_pool().free_all_blocks()
