"""The autograd graph: nodes and the backward engine.

NOTE [ graph without cycles ]: a tensor points at its node (``grad_fn``); a node points at the nodes of its
inputs (``next_functions``) and at saved *input* tensors, never at its own output. A saved output is kept as a
bare array and re-wrapped during backward. A leaf's AccumulateGrad holds the leaf; the leaf holds only a weak
reference back. Graphs are therefore freed by reference counting alone.

NOTE [ saved tensors and versions ]: each saved tensor is stored with the value of its version counter at save
time; backward compares it with the counter's current value and raises torch's "modified by an inplace
operation" error instead of computing a wrong gradient.
"""
from __future__ import annotations

import heapq
import itertools
import traceback
import warnings
import weakref

from .._dtype import from_numpy_dtype
from .grad_mode import GradMode

__all__ = ["Node", "AccumulateGrad", "run_backward", "AnomalyMode"]

_seq = itertools.count()


class AnomalyMode:
    enabled = False
    check_nan = True


class Node:
    """A recorded operation. Subclasses define ``backward(self, *grads)`` returning one grad per input."""

    # NOTE [ node attributes ]: only what every node sets lives in slots; rarely-set attributes (hooks, the
    # anomaly trace, multi-output metadata, saved values) default to None at class level so that building a
    # node costs three attribute stores on the hot path.
    __slots__ = ("next_functions", "_seq", "_in_meta", "__dict__", "__weakref__")
    _saved = None
    _out_meta = None
    _hooks = None
    _pre_hooks = None
    _tensor_hooks = None
    _trace = None

    def _init_node(self, edges, in_meta, out_meta):
        self.next_functions = edges
        self._in_meta = in_meta
        if out_meta is not None:
            self._out_meta = out_meta
        self._seq = next(_seq)
        if AnomalyMode.enabled:
            self._trace = traceback.format_stack()[:-3]

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self):
        return f"<{self.name()} object at {hex(id(self))}>"

    def register_hook(self, fn):
        """fn(grad_inputs, grad_outputs) -> new grad_inputs or None, after the node runs."""
        if self._hooks is None:
            self._hooks = {}
        return _Handle(self._hooks, fn)

    def register_prehook(self, fn):
        """fn(grad_outputs) -> new grad_outputs or None, before the node runs."""
        if self._pre_hooks is None:
            self._pre_hooks = {}
        return _Handle(self._pre_hooks, fn)

    def _release(self):
        # torch frees only saved values: a node that saved nothing can be run again without retain_graph
        if self._saved is not None:
            self._saved = _FREED

    @property
    def metadata(self) -> dict:
        return self.__dict__.setdefault("_metadata", {})


class _Freed:
    pass


_FREED = _Freed()

_handle_ids = itertools.count()


class _Handle:
    """Removable handle (mirrors torch.utils.hooks.RemovableHandle)."""

    def __init__(self, store: dict, fn):
        self.id = next(_handle_ids)
        # plain dicts cannot be weakly referenced: hold the store (it never points back at the handle)
        self._store = store
        store[self.id] = fn

    def remove(self):
        if self._store is not None:
            self._store.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class AccumulateGrad(Node):
    """Sink node of a leaf tensor: adds the incoming gradient into ``leaf.grad``."""

    __slots__ = ("variable",)

    def __init__(self, leaf):
        self.variable = leaf
        self._init_node((), None, None)

    def name(self):
        return "torch::autograd::AccumulateGrad"


def grad_accumulator(t) -> AccumulateGrad:
    ref = t._acc
    acc = ref() if ref is not None else None
    if acc is None:
        acc = AccumulateGrad(t)
        t._acc = weakref.ref(acc)
    return acc


def edge_of(t):
    """The (node, output_nr) edge a tensor contributes to a new node, or None when it needs no grad."""
    if not t._rg:
        return None
    fn = t._grad_fn
    if fn is not None:
        return (fn, t._out_nr)
    return (grad_accumulator(t), 0)


def _accumulate_into_leaf(leaf, g, create_graph):
    hooks = leaf._hooks
    if hooks:
        for h in list(hooks.values()):
            r = h(g)
            if r is not None:
                g = r
    cur = leaf._grad
    if cur is None:
        if not create_graph:
            d = g._data
            if g._grad_fn is not None or g._base is not None or not d.flags.writeable or d.base is not None \
                    or d.shape != leaf._data.shape:
                d = d.copy() if d.shape == leaf._data.shape else leaf._data.__array_namespace__().broadcast_to(
                    d, leaf._data.shape).copy()
            g = _wrap(d)
        leaf._grad = g
    elif create_graph or GradMode.enabled:
        leaf._grad = cur + g
    else:
        try:
            cur._data += g._data
            cur._bump()
        except (TypeError, ValueError):
            leaf._grad = cur + g
    if leaf._post_acc_hooks:
        for h in list(leaf._post_acc_hooks.values()):
            h(leaf)


def _check_nan(node, grads):
    for i, g in enumerate(grads):
        # a check, not a computation: read the array directly (no graph, works before reductions exist)
        if g is not None and g._data.dtype.kind in "fc" and bool((g._data != g._data).any()):
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")


_EMBER_DIR = __file__.rsplit("/autograd/", 1)[0]


def _anomaly_note(err, node):
    """Attach (and warn, like torch) the traceback of the forward call that created ``node``."""
    if node._trace:
        # the user's frames: ember's own frames (op front-ends, the machinery) say nothing about where it was
        tb = "".join(f for f in node._trace if _EMBER_DIR not in f.split(",", 1)[0]) or "".join(node._trace)
        msg = (f"Error detected in {node.name()}. Traceback of forward call that caused the error:\n{tb}")
        warnings.warn(msg, UserWarning, stacklevel=2)
        try:
            err.add_note(msg)
        except AttributeError:
            pass


def run_backward(roots, grad_roots, retain_graph: bool, create_graph: bool, inputs=None,
                 capture: bool = False, allow_unused: bool = False):
    """Run reverse mode from ``roots`` with output gradients ``grad_roots``.

    With ``capture`` (autograd.grad), gradients reaching ``inputs`` are returned instead of accumulated.
    With ``inputs`` and no capture (backward(inputs=...)), only those leaves accumulate.

    NOTE [ engine order ]: a node runs once every node that feeds it a gradient has run (dependency counts);
    among ready nodes the most recently created runs first (a max-heap on the creation sequence number), like
    torch. One dict serves as both the visited set and the dependency counts, so a small graph costs a few
    dict operations per node.
    """
    # --- targets ------------------------------------------------------------------------------------
    target_edges = None
    if inputs is not None:
        target_edges = []
        for t in inputs:
            if t._grad_fn is not None:
                target_edges.append((t._grad_fn, t._out_nr))
            elif t._rg:
                target_edges.append((grad_accumulator(t), 0))
            else:
                target_edges.append(None)
    # --- root gradients -------------------------------------------------------------------------------
    buffers: dict = {}
    deps: dict = {}  # node -> number of edges into it from nodes reached from the roots (NOTE [ engine order ])
    for t, g in zip(roots, grad_roots):
        fn = t._grad_fn
        if fn is None:
            if not t._rg:
                raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
            fn = grad_accumulator(t)
            nr = 0
        else:
            nr = t._out_nr
        buf = buffers.get(fn)
        if buf is None:
            buf = buffers[fn] = [None] * (len(fn._out_meta) if fn._out_meta else 1)
            deps[fn] = 0
        buf[nr] = g if buf[nr] is None else buf[nr] + g
    root_nodes = list(deps)
    # --- dependency counts (iterative DFS; deps doubles as the visited set) -----------------------------
    stack = list(root_nodes)
    while stack:
        for e in stack.pop().next_functions:
            if e is not None:
                nxt = e[0]
                c = deps.get(nxt)
                if c is None:
                    deps[nxt] = 1
                    stack.append(nxt)
                else:
                    deps[nxt] = c + 1
    # prune: with explicit inputs, only nodes on a path to some target run
    needed = None
    if target_edges is not None:
        tnodes = {e[0] for e in target_edges if e is not None}
        needed = set()
        # reverse topological: process by increasing seq (children before parents in creation order)
        for fn in sorted(deps, key=lambda n: n._seq):
            if fn in tnodes or any(e is not None and e[0] in needed for e in fn.next_functions):
                needed.add(fn)
        captured = [None] * len(target_edges)
        target_index: dict = {}
        for i, e in enumerate(target_edges):
            if e is not None:
                target_index.setdefault(e[0], []).append((i, e[1]))

    heap = [(-fn._seq, id(fn), fn) for fn in root_nodes if deps[fn] == 0]
    heapq.heapify(heap)
    heappush, heappop = heapq.heappush, heapq.heappop
    anomaly = AnomalyMode.enabled  # read once: the mode in force when backward starts applies to all of it
    prev_mode = GradMode.enabled
    GradMode.enabled = create_graph
    try:
        while heap:
            fn = heappop(heap)[2]
            grads = buffers.pop(fn, None)
            if grads is None:
                grads = [None]
            if fn._tensor_hooks:
                for nr, hooks in fn._tensor_hooks.items():
                    for h in list(hooks.values()):
                        if grads[nr] is not None:
                            r = h(grads[nr])
                            if r is not None:
                                grads[nr] = r
            if fn._pre_hooks:
                for h in list(fn._pre_hooks.values()):
                    r = h(tuple(grads))
                    if r is not None:
                        grads = list(r)
            if needed is not None:
                hit = target_index.get(fn)
                if hit:
                    for i, nr in hit:
                        captured[i] = grads[nr]
                    if capture and type(fn) is AccumulateGrad:
                        continue
                if fn not in needed:
                    continue
                if capture and hit and not any(e is not None and e[0] in needed for e in fn.next_functions):
                    continue
            if type(fn) is AccumulateGrad:
                if grads[0] is not None:
                    _accumulate_into_leaf(fn.variable, grads[0], create_graph)
                continue
            nexts = fn.next_functions
            if grads[0] is None and (len(grads) == 1 or all(g is None for g in grads)):
                # no gradient reached this node (an upstream backward returned None): like torch's undefined
                # grads, nothing flows on; calling backward(None) would crash in ops that assume a tensor
                in_grads = (None,) * len(nexts)
            else:
                try:
                    in_grads = _call_node(fn, grads, retain_graph)
                except Exception as err:
                    if anomaly:
                        _anomaly_note(err, fn)
                    raise
            if anomaly and AnomalyMode.check_nan:
                try:
                    _check_nan(fn, in_grads)
                except RuntimeError as err:
                    _anomaly_note(err, fn)
                    raise
            for e, g in zip(nexts, in_grads):
                if e is None:
                    continue
                nxt = e[0]
                if g is not None:
                    buf = buffers.get(nxt)
                    if buf is None:
                        if nxt._out_meta:
                            buf = buffers[nxt] = [None] * len(nxt._out_meta)
                            buf[e[1]] = g
                        else:
                            buffers[nxt] = [g]
                    else:
                        nr = e[1]
                        cur = buf[nr]
                        buf[nr] = g if cur is None else cur + g
                d = deps[nxt] - 1
                deps[nxt] = d
                if d == 0:
                    heappush(heap, (-nxt._seq, id(nxt), nxt))
    finally:
        GradMode.enabled = prev_mode
    if target_edges is not None and not capture:
        for c, t in zip(captured, inputs):
            if c is not None and t._grad_fn is not None:
                t._grad = c if t._grad is None else t._grad + c
    if capture:
        for c in captured:
            if c is None and not allow_unused:
                raise RuntimeError("One of the differentiated Tensors appears to not have been used in the "
                                   "graph. Set allow_unused=True if this is the desired behavior.")
        return captured
    return None


def _call_node(fn, grads, retain_graph):
    out_meta = fn._out_meta
    if out_meta:
        for i, g in enumerate(grads):
            if g is None and out_meta[i] is not None:
                shape, dt, xp = out_meta[i]
                grads[i] = _wrap(xp.zeros(shape, dt.np))
    if fn._saved is _FREED:
        raise RuntimeError(
            "Trying to backward through the graph a second time (or directly access saved tensors after they "
            "have already been freed). Saved intermediate values of the graph are freed when you call "
            ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
            "graph a second time or if you need to access saved tensors after calling backward.")
    res = fn.backward(*grads)
    if res.__class__ is not tuple:
        res = (res,) if not isinstance(res, list) else tuple(res)
    if fn._hooks:
        for h in list(fn._hooks.values()):
            r = h(res, tuple(grads))
            if r is not None:
                res = tuple(r)
    if not retain_graph:
        fn._release()
    in_meta = fn._in_meta
    if in_meta is None:
        return res
    # the machinery's share of every backward (NOTE [ op pattern ]): sum broadcast grads down to the input's
    # shape and cast them to its dtype; the common case (shape and dtype already right) costs two compares
    out = []
    for g, m in zip(res, in_meta):
        if g is not None and m is not None:
            gd = g._data
            shape, npdt = m
            if gd.shape != shape:
                g = _sum_to(g, shape, fn)
            gdt = gd.dtype
            if gdt is not npdt and gdt != npdt:
                if gdt.kind == "c" and npdt.kind != "c":
                    g = g.real  # torch: a real input receives the real part of a complex gradient
                g = g.to(from_numpy_dtype(npdt))
        out.append(g)
    return out


def _sum_to(g, shape, fn):
    """Undo broadcasting: sum ``g`` down to ``shape`` (NOTE [ broadcasting's gradient ])."""
    gshape = g._data.shape
    lead = len(gshape) - len(shape)
    if lead < 0:
        return g.reshape(shape)
    dims = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and gshape[i + lead] != 1)
    if dims:
        g = g.sum(dims, keepdim=True)
    if lead:
        g = g.reshape(shape)
    elif g._data.shape != shape:
        raise RuntimeError(f"Function {fn.name()} returned an invalid gradient - got {list(gshape)} but "
                           f"expected shape compatible with {list(shape)}")
    return g
from ._saved_hooks import saved_tensors_hooks, save_on_cpu  # noqa: E402,F401  (NOTE [ saved tensor hooks ])


def _wrap(arr):
    """Tensor._wrap, bound on first use (ember._tensor imports this package, so not at import time)."""
    global _wrap
    from .._tensor import Tensor  # noqa: PLC0415

    _wrap = Tensor._wrap
    return _wrap(arr)
