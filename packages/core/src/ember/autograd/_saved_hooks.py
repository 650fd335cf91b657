"""Saved-tensor hooks: ``saved_tensors_hooks(pack, unpack)`` and ``save_on_cpu`` (mirror torch.autograd.graph).

NOTE [ saved tensor hooks ]: while a hooks context is active, every tensor an op saves for backward is passed
through ``pack`` at save time (ops/_op.py ``_save``) and the packed value is stored instead of the tensor; the
matching ``unpack`` runs when backward reads it (``Op.inputs`` / ``Op.output``). ``HOOKS`` is a plain module-level
list: with no hooks context open, ``_save`` pays one truthiness test. The unpacked tensor is re-linked to the
saved tensor's graph position, so create_graph still differentiates through it.
"""
from __future__ import annotations

from typing import Any, Callable

#: stack of active (pack, unpack) pairs; the innermost context wins
HOOKS: list = []


class saved_tensors_hooks:
    """Context manager: tensors saved for backward inside it go through ``pack_hook`` now and ``unpack_hook``
    when backward needs them."""

    def __init__(self, pack_hook: Callable[[Any], Any], unpack_hook: Callable[[Any], Any]) -> None:
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self) -> "saved_tensors_hooks":
        HOOKS.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *args) -> None:
        HOOKS.pop()


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors live on the CPU until backward, which moves them back to their device."""

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        def pack(t):
            return t.device, t.cpu()

        def unpack(packed):
            device, t = packed
            return t.to(device)

        super().__init__(pack, unpack)


def _without_hooks(fn, arg):
    """Run a hook with the hooks stack empty, so tensors its own ops save are not packed again (no recursion)."""
    saved = HOOKS[:]
    HOOKS.clear()
    try:
        return fn(arg)
    finally:
        HOOKS[:] = saved


class _Packed:
    """A packed saved tensor with what is needed to unpack it and re-link it to the graph."""

    __slots__ = ("value", "unpack", "rg", "edge")

    def __init__(self, t, pack, unpack):
        from .graph import grad_accumulator  # noqa: PLC0415

        self.value = _without_hooks(pack, t)
        self.unpack = unpack
        self.rg = t._rg
        # a leaf is linked through its AccumulateGrad node, a non-leaf through its grad_fn
        self.edge = ((t._grad_fn, t._out_nr) if t._grad_fn is not None else (grad_accumulator(t), 0)) \
            if t._rg else None

    def get(self):
        from .._tensor import Tensor  # noqa: PLC0415

        t = _without_hooks(self.unpack, self.value)
        if not isinstance(t, Tensor):
            raise TypeError(f"Output of saved tensor unpack_hook expected to be a Tensor but got result of type "
                            f"{type(t).__name__}")
        if self.edge is not None and (t._grad_fn, t._out_nr) != self.edge:
            t = t.detach()
            t._rg = True
            t._grad_fn, t._out_nr = self.edge
        return t


class PackedInputs(tuple):
    """The saved inputs of a node while hooks were active (a marker type ``Op.inputs`` tests for)."""

    __slots__ = ()

    def unpacked(self) -> tuple:
        return tuple(p.get() if p.__class__ is _Packed else p for p in self)


def pack_saved(node) -> None:
    """Replace a node's freshly saved tensors by their packed form (called from ops/_op.py ``_save``)."""
    from .._tensor import Tensor  # noqa: PLC0415

    pack, unpack = HOOKS[-1]
    ins, versions, out = node._saved
    if ins:
        ins = PackedInputs(_Packed(t, pack, unpack) if isinstance(t, Tensor) else t for t in ins)
        versions = (None,) * len(versions)  # the packed value is what backward reads: no version to check
    if out is not None:
        arr, box, v = out
        out = (_Packed(Tensor._wrap(arr), pack, unpack), box, v)
    node._saved = (ins, versions, out)
