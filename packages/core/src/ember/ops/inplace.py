"""In-place machinery: write a result into a tensor, bump its version, and rewrite the graph.

NOTE [ in-place ops ]: every in-place op is computed out of place and then written into the target's array,
so each op's backward is the out-of-place one. The target takes over the result's graph node. When that node
saved the target's *old* value, the saved entry is swapped for a snapshot, so the gradient stays right.

NOTE [ in-place on views ]: when the target is a view of a base that is part of a graph, the base's node
becomes a CopySlices: its gradient passes through outside the view region, and through the in-place op's
node inside it. The view's own node is then regenerated from the base by replaying its view chain.
"""
from __future__ import annotations

import numpy as np

from .._dtype import from_numpy_dtype
from ..autograd.grad_mode import GradMode, enable_grad
from ..autograd.graph import Node, edge_of
from ._op import _FREED


def _check_leaf(t):
    if GradMode.enabled and t._rg and t._grad_fn is None:
        if t._base is not None:
            return
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")


def _replay(chain, t):
    """Re-apply a view chain ((parent_chain, (cls, params)) nested) to tensor ``t``."""
    if chain is None:
        return t
    parent, (cls, params) = chain
    from ._op import apply  # noqa: PLC0415

    return apply(cls, _replay(parent, t), **(params or {}))


class CopySlices(Node):
    """Base gradient after an in-place op wrote into one of its views."""

    def __init__(self, chain, base_shape, base_dtype, xp):
        self.chain = chain
        self.base_shape = base_shape
        self.xp = xp

    def name(self):
        return "CopySlices"

    def backward(self, g):
        from .._tensor import Tensor  # noqa: PLC0415
        from .elementwise import where  # noqa: PLC0415

        mask = Tensor._wrap(self.xp.ones(self.base_shape, dtype=bool))
        prev = GradMode.enabled
        GradMode.enabled = False
        try:
            _replay(self.chain, mask)._data[...] = False
        finally:
            GradMode.enabled = prev
        g_base = where(mask, g, g * 0)
        g_view = _replay(self.chain, g)
        return g_base, g_view


from ._op import Op as _Op  # noqa: E402


class ZeroGrad(_Op):
    """Zeros shaped like the input, whose gradient to the input is zero: keeps a tensor in the graph."""

    def forward(ctx, xp, x):
        return xp.zeros_like(x)

    def backward(ctx, g):
        return g * 0


def assign(self, res) -> None:
    """Write tensor ``res`` into ``self`` as an in-place op's result."""
    sd, rd = self._data, res._data
    if rd.dtype is sd.dtype and rd.shape == sd.shape and not (GradMode.enabled and (res._rg or self._rg)):
        # the common case, no graph and nothing to cast or broadcast, in a few steps (NOTE [ per-op overhead ])
        try:
            sd[...] = rd
        except ValueError:  # a read-only (expanded) array
            _raise_overlap()
        self._bump()
        return
    if rd.dtype != sd.dtype:
        r, s = from_numpy_dtype(rd.dtype), from_numpy_dtype(sd.dtype)
        if r._cat > s._cat:
            raise RuntimeError(f"result type {_tn(r)} can't be cast to the desired output type {_tn(s)}")
    if rd.shape != sd.shape:
        try:
            bs = np.broadcast_shapes(rd.shape, sd.shape)
        except ValueError:
            bs = None
        if bs != sd.shape:
            raise RuntimeError(f"output with shape {list(sd.shape)} doesn't match the broadcast shape "
                               f"{list(bs if bs is not None else rd.shape)}")
    needs_graph = GradMode.enabled and (res._rg or self._rg)
    if needs_graph:
        if not res._rg:  # the new value does not depend on the graph: keep self in it with zero gradient
            from ._op import apply  # noqa: PLC0415

            res = res + apply(ZeroGrad, self)
        elif res._grad_fn is None:  # a leaf: the target must not become that leaf
            from .shape import clone  # noqa: PLC0415

            res = clone(res)
    node = res._grad_fn
    if needs_graph and self._base is not None and self._base._rg and self._base._grad_fn is None and \
            self._view_fn is not None:  # check before writing, so a refused op leaves the data untouched
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    if needs_graph and node is not None:
        _snapshot_saved_self(node, self)
    if not sd.flags.writeable:
        _raise_overlap()
    sd[...] = rd
    self._bump()
    if not needs_graph:
        return
    if res._rg and node is not None and rd.shape != sd.shape:
        res = res.expand(sd.shape)
        node = res._grad_fn
    base = self._base
    if base is not None and (base._rg or res._rg) and self._view_fn is not None:
        _rewrite_base(self, base, res)
        return
    self._grad_fn = res._grad_fn
    self._out_nr = res._out_nr
    self._rg = res._rg or self._rg


def _raise_overlap():
    raise RuntimeError("unsupported operation: more than one element of the written-to tensor refers to a "
                       "single memory location. Please clone() the tensor before performing the operation.") \
        from None


def _tn(d):
    return {"float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int", "bool": "Bool",
            "float16": "Half", "bfloat16": "BFloat16", "uint8": "Byte", "int8": "Char", "int16": "Short",
            "complex64": "ComplexFloat", "complex128": "ComplexDouble"}[d.name]


def _snapshot_saved_self(node, self):
    saved = getattr(node, "_saved", None)
    if not saved or saved is _FREED or not saved[0]:
        return
    ins = saved[0]
    if not any(t is self for t in ins):
        return
    from .._tensor import Tensor  # noqa: PLC0415

    snap = Tensor._wrap(self._data.copy())
    snap._rg, snap._grad_fn, snap._out_nr = self._rg, self._grad_fn, self._out_nr
    snap._vc = [self._vc[0]] if self._vc is not None else None  # keep the version the node recorded at save time
    node._saved = (tuple(snap if t is self else t for t in ins), saved[1], saved[2])


def _rewrite_base(view, base, res):
    if base._grad_fn is None and base._rg:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    from ._op import _xp_of  # noqa: PLC0415

    cs = CopySlices(view._view_fn, base._data.shape, base._data.dtype, _xp_of(base._data))
    e_base = edge_of(base)
    e_res = edge_of(res) if res._rg else None
    cs._init_node((e_base, e_res), ((base._data.shape, base._data.dtype) if e_base else None,
                                    (view._data.shape, view._data.dtype) if e_res else None), None)
    base._grad_fn = cs
    base._out_nr = 0
    base._rg = True
    with enable_grad():
        fresh = _replay(view._view_fn, base)
    view._grad_fn = fresh._grad_fn
    view._out_nr = fresh._out_nr
    view._rg = True


def inplace(fn):
    """Make an in-place method from an out-of-place function ``fn(self, *args)``."""

    def method(self, *args, **kwargs):
        _check_leaf(self)
        assign(self, fn(self, *args, **kwargs))
        return self

    method.__name__ = getattr(fn, "__name__", "op") + "_"
    return method
