"""Tensors through shared memory between processes.

NOTE [ shared memory ]: ``share_memory_()`` moves a tensor's array into an anonymous shared mapping (Linux
``memfd_create``; an unlinked temp file elsewhere) that lives as long as any process maps it or holds its file
descriptor. Pickling a tensor for a multiprocessing Queue/Pipe/Pool sends the descriptor (via
``multiprocessing.reduction.DupFd``, which works for fork and spawn) plus dtype/shape/strides/offset, never the
bytes; the receiver maps the same memory, so writes on either side are seen by the other. Because the
descriptor keeps the memory alive, the sender may drop its tensor right after ``put`` (DataLoader workers do),
and nothing is left behind in /dev/shm when processes crash.
"""
from __future__ import annotations

import mmap
import os
import tempfile
from multiprocessing import reduction

import numpy as np

from .._tensor import Tensor


class _SharedBlock:
    """Owns one shared mapping and its file descriptor."""

    __slots__ = ("fd", "mm", "size", "__weakref__")

    def __init__(self, fd: int, size: int):
        self.fd = fd
        self.size = size
        self.mm = mmap.mmap(fd, max(size, 1), mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)

    @classmethod
    def create(cls, size: int) -> "_SharedBlock":
        if hasattr(os, "memfd_create"):
            fd = os.memfd_create("ember-shm", os.MFD_CLOEXEC)
        else:  # pragma: no cover - non-Linux
            fd, path = tempfile.mkstemp(prefix="ember-shm-")
            os.unlink(path)
        os.ftruncate(fd, max(size, 1))
        return cls(fd, size)

    def __del__(self):
        try:
            os.close(self.fd)
        except (OSError, TypeError):
            pass


def _array_on(block: _SharedBlock, dtype, shape, strides, offset: int) -> np.ndarray:
    buf = np.frombuffer(block.mm, dtype=np.uint8, count=block.size) if block.size else np.empty(0, np.uint8)
    flat = buf.view(dtype) if block.size else np.empty(0, dtype)
    arr = np.lib.stride_tricks.as_strided(flat[offset:] if flat.size else flat, shape, strides)
    # keep the mapping alive as long as the array: the array's base chain ends at the mmap through frombuffer
    return arr


def share_memory_(self: Tensor) -> Tensor:
    """Move this tensor's data into shared memory (no-op if already shared or on CUDA)."""
    if not self.is_cpu or is_shared(self):
        return self
    src = self._data
    block = _SharedBlock.create(src.nbytes)
    arr = _array_on(block, src.dtype, src.shape, tuple(s * 1 for s in _c_strides(src)), 0)
    arr[...] = src
    _move_data(self, arr, block)
    return self


def _c_strides(a):
    st, acc = [], a.itemsize
    for n in reversed(a.shape):
        st.append(acc)
        acc *= max(n, 1)
    return tuple(reversed(st))


def _move_data(t: Tensor, arr, block):
    # views of this tensor (same base) keep the old memory; torch has the same rule for share_memory_ on views
    t._data = arr
    t.__dict__["_shm"] = block


def _block_of(t: Tensor):
    """The shared block holding ``t``'s memory (its own, or its base's for views), or None."""
    for owner in (t, t._base):
        if owner is not None:
            b = owner.__dict__.get("_shm")
            if b is not None and (owner is t or np.shares_memory(owner._data, t._data)):
                return b
    return None


def is_shared(self: Tensor) -> bool:
    return not self.is_cpu or _block_of(self) is not None


def _rebuild_tensor(df, size, dtype, shape, strides, offset, requires_grad, cls_name):
    fd = df.detach()
    block = _SharedBlock(fd, size)
    arr = _array_on(block, np.dtype(dtype), shape, strides, offset)
    t = Tensor._wrap(arr)
    t.__dict__["_shm"] = block
    t._rg = requires_grad
    if cls_name == "Parameter":
        from ..nn.parameter import Parameter  # noqa: PLC0415

        t = Parameter(t, requires_grad=requires_grad)
        t.__dict__["_shm"] = block
    return t


def reduce_tensor(t: Tensor):
    if t._grad_fn is not None:
        raise RuntimeError("Cowardly refusing to serialize non-leaf tensor which requires_grad, since autograd does "
                           "not support crossing process boundaries.  If you just want to transfer the data, call "
                           "detach() on the tensor before serializing (e.g., putting it on the queue).")
    if not t.is_cpu:
        return (Tensor._wrap, (t._data,))
    block = _block_of(t)
    if block is None:
        share_memory_(t)
        block = t.__dict__["_shm"]
    a = t._data
    base_addr = np.frombuffer(block.mm, dtype=np.uint8).__array_interface__["data"][0] if block.size else 0
    off = (a.__array_interface__["data"][0] - base_addr) // a.itemsize if block.size else 0
    return (_rebuild_tensor, (reduction.DupFd(block.fd), block.size, a.dtype.str, a.shape, a.strides, off,
                              t._rg, type(t).__name__))


def install() -> None:
    Tensor.share_memory_ = share_memory_
    Tensor.is_shared = is_shared
    reduction.ForkingPickler.register(Tensor, reduce_tensor)


def register_subclass(cls) -> None:
    """Register a Tensor subclass (e.g. Parameter) with the multiprocessing pickler."""
    reduction.ForkingPickler.register(cls, reduce_tensor)
