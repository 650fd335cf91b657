"""Activation checkpointing (mirrors torch.utils.checkpoint): keep only the inputs of a segment and recompute
its forward during backward, trading compute for memory. Gradients equal the un-checkpointed ones."""
from __future__ import annotations

from .._tensor import Tensor
from ..autograd.grad_mode import GradMode, enable_grad, no_grad
from ..autograd.graph import Node, grad_accumulator

__all__ = ["checkpoint", "checkpoint_sequential"]


class CheckpointBackward(Node):
    def __init__(self, function, args, kwargs, rng_state, n_out):
        self.function, self.args, self.kwargs, self.rng_state, self.n_out = function, args, kwargs, rng_state, n_out
        self._saved = ()  # the inputs count as saved values: a second backward needs retain_graph

    def name(self):
        return "CheckpointFunctionBackward"

    def _release(self):
        super()._release()
        self.args = self.kwargs = self.args_spec = None

    def backward(self, *grads):
        from .. import autograd  # noqa: PLC0415
        from ..random import get_rng_state, set_rng_state  # noqa: PLC0415

        inputs = [a.detach().requires_grad_(a.requires_grad) if isinstance(a, Tensor) else a for a in self.args]
        saved_rng = get_rng_state() if self.rng_state is not None else None
        if self.rng_state is not None:
            set_rng_state(self.rng_state)
        try:
            with enable_grad():
                outs = self.function(*inputs, **self.kwargs)
        finally:
            if saved_rng is not None:
                set_rng_state(saved_rng)
        outs = outs if isinstance(outs, tuple) else (outs,)
        pairs = [(o, g) for o, g in zip(outs, grads) if isinstance(o, Tensor) and o.requires_grad and g is not None]
        diff_inputs = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
        if pairs:
            autograd.backward([o for o, _ in pairs], [g for _, g in pairs], create_graph=GradMode.enabled)
        it = iter(diff_inputs)
        return tuple(next(it).grad if (isinstance(a, Tensor) and a.requires_grad) else None for a in self.args_spec)


def checkpoint(function, *args, use_reentrant: bool | None = None, context_fn=None, determinism_check="default",
               debug: bool = False, preserve_rng_state: bool = True, **kwargs):
    """Run ``function(*args, **kwargs)`` without storing its intermediate activations."""
    from ..random import get_rng_state  # noqa: PLC0415

    rng = get_rng_state() if preserve_rng_state else None
    with no_grad():
        out = function(*args, **kwargs)
    if not GradMode.enabled:
        return out
    outs = out if isinstance(out, tuple) else (out,)
    node = CheckpointBackward(function, args, kwargs, rng, len(outs))
    node.args_spec = args
    edges = []
    meta = []
    for a in args:
        if isinstance(a, Tensor) and a._rg:
            fn = a._grad_fn
            edges.append((fn, a._out_nr) if fn is not None else (grad_accumulator(a), 0))
            meta.append((a._data.shape, a._data.dtype))
        else:
            edges.append(None)
            meta.append(None)
    out_meta = tuple((o._data.shape, o.dtype, o._data.__array_namespace__()) if isinstance(o, Tensor) else None
                     for o in outs)
    node._init_node(tuple(edges), tuple(meta), out_meta)
    # parameters used inside ``function`` receive their gradients during recomputation, so the segment must run
    # even when no input requires grad (torch's non-reentrant behaviour)
    res = []
    for i, o in enumerate(outs):
        if isinstance(o, Tensor) and o._data.dtype.kind in "fcV":
            o = Tensor._wrap(o._data)
            o._rg, o._grad_fn, o._out_nr = True, node, i
        res.append(o)
    return tuple(res) if isinstance(out, tuple) else res[0]


def checkpoint_sequential(functions, segments: int, input, use_reentrant: bool | None = None, **kwargs):
    """Split a Sequential (or list of modules) into ``segments`` checkpointed chunks."""
    if hasattr(functions, "children") and not isinstance(functions, (list, tuple)):
        functions = list(functions.children())
    n = len(functions)
    size = max(n // segments, 1)

    def run(start, end):
        def f(x):
            for j in range(start, end + 1):
                x = functions[j](x)
            return x
        return f

    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run(start, end), input, **kwargs)
    return run(end + 1, n - 1)(input)
