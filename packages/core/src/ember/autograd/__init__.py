"""ember.autograd (mirrors torch.autograd): backward, grad, Function, grad modes, anomaly detection."""
from __future__ import annotations

from typing import Callable, Sequence

from .grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled,
                        is_inference_mode_enabled, GradMode)
from .graph import Node, run_backward, AnomalyMode
from . import graph
from .function import Function, FunctionCtx, once_differentiable
from . import function
from .gradcheck import gradcheck, gradgradcheck
from . import functional
from .variable import Variable

__all__ = ["backward", "grad", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode",
           "set_detect_anomaly", "detect_anomaly", "Function", "FunctionCtx", "once_differentiable", "gradcheck",
           "gradgradcheck", "Node", "functional", "is_anomaly_enabled", "is_anomaly_check_nan_enabled", "Variable"]


def _make_grads(outputs, grad_outputs, create_graph):
    from .._tensor import Tensor  # noqa: PLC0415
    from ..ops.creation import ones_like  # noqa: PLC0415

    grads = []
    for out, g in zip(outputs, grad_outputs):
        if g is None:
            if out.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not (out.is_floating_point() or out.is_complex()):
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs but got "
                                   f"{out.dtype}")
            g = ones_like(out)
        elif not isinstance(g, Tensor):
            from ..ops.creation import tensor  # noqa: PLC0415

            g = tensor(g, dtype=out.dtype, device=out.device)
        elif g.shape != out.shape:
            raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of {g.shape} and output[0] has a "
                               f"shape of {out.shape}.")
        grads.append(g)
    return grads


def _tensors(x):
    from .._tensor import Tensor  # noqa: PLC0415

    if isinstance(x, Tensor):
        return [x]
    return list(x)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph: bool = False, inputs=None) -> None:
    """Accumulate gradients of ``tensors`` into leaves' ``.grad`` (mirrors torch.autograd.backward)."""
    tensors = _tensors(tensors)
    if grad_tensors is None:
        grad_tensors = [None] * len(tensors)
    else:
        grad_tensors = _tensors(grad_tensors) if not isinstance(grad_tensors, (list, tuple)) else list(grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    for t in tensors:
        if not t._rg:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    grads = _make_grads(tensors, grad_tensors, create_graph)
    if inputs is not None:
        inputs = _tensors(inputs)
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs)


def grad(outputs, inputs=None, grad_outputs=None, retain_graph=None, create_graph: bool = False,
         only_inputs: bool = True, allow_unused=None, is_grads_batched: bool = False, materialize_grads=False):
    """Gradients of ``outputs`` w.r.t. ``inputs`` (mirrors torch.autograd.grad).

    Also ``grad(f)`` for a Python callable ``f`` returns a function computing df/dx (like ember.func.grad), so
    ``grad(lambda x: x if x > 0 else -x)(tensor(3.))`` is 1.
    """
    if callable(outputs) and inputs is None:
        from ..func import grad as _fgrad  # noqa: PLC0415

        return _fgrad(outputs)
    from .._tensor import Tensor  # noqa: PLC0415

    outputs = _tensors(outputs)
    single = isinstance(inputs, Tensor)
    inputs = _tensors(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    else:
        grad_outputs = _tensors(grad_outputs) if isinstance(grad_outputs, Tensor) else list(grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    for t in inputs:
        if not t._rg:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    for o in outputs:
        if not o._rg:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
    if allow_unused is None:
        allow_unused = materialize_grads
    elif materialize_grads and not allow_unused:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads=True, but got: "
                         "allow_unused=False.")
    if is_grads_batched:
        res = _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph, bool(allow_unused))
    else:
        grads = _make_grads(outputs, grad_outputs, create_graph)
        res = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs, capture=True,
                           allow_unused=bool(allow_unused))
    if materialize_grads:
        from ..ops.creation import zeros_like  # noqa: PLC0415

        res = [zeros_like(i) if r is None else r for r, i in zip(res, inputs)]
    if not create_graph:
        res = [r.detach() if r is not None else None for r in res]
    return tuple(res)


def _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused):
    """is_grads_batched: the first dim of every grad_output indexes independent vjps; results are stacked."""
    from .functional import stack  # noqa: PLC0415

    sizes = {g.shape[0] if g is not None and g.ndim else None for g in grad_outputs}
    if len(sizes) != 1 or None in sizes:
        raise RuntimeError("If `is_grads_batched=True`, we interpret the first dimension of each grad_output as the "
                           "batch dimension. The sizes of the remaining dimensions are expected to match the shape "
                           "of corresponding output, and every grad_output must share the same batch size.")
    n = sizes.pop()
    per = []
    for b in range(n):
        gs = _make_grads(outputs, [g[b] for g in grad_outputs], create_graph)
        keep = retain_graph or b < n - 1
        per.append(run_backward(outputs, gs, keep, create_graph, inputs=inputs, capture=True,
                                allow_unused=allow_unused))
    return [None if per and per[0][i] is None else stack([p[i] for p in per], 0) for i in range(len(inputs))]


class set_detect_anomaly:
    """Turn anomaly detection on/off; as a function or a context manager."""

    def __init__(self, mode: bool, check_nan: bool = True):
        self.prev = (AnomalyMode.enabled, AnomalyMode.check_nan)
        AnomalyMode.enabled, AnomalyMode.check_nan = bool(mode), check_nan

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        AnomalyMode.enabled, AnomalyMode.check_nan = self.prev
        return False


class detect_anomaly:
    """Context manager/decorator: record forward tracebacks and check backward for NaN."""

    def __init__(self, check_nan: bool = True):
        self.check_nan = check_nan

    def __enter__(self):
        self.prev = (AnomalyMode.enabled, AnomalyMode.check_nan)
        AnomalyMode.enabled, AnomalyMode.check_nan = True, self.check_nan
        return self

    def __exit__(self, *exc):
        AnomalyMode.enabled, AnomalyMode.check_nan = self.prev
        return False

    def __call__(self, fn):
        import functools  # noqa: PLC0415

        @functools.wraps(fn)
        def w(*a, **k):
            with detect_anomaly(self.check_nan):
                return fn(*a, **k)
        return w


def is_anomaly_enabled() -> bool:
    return AnomalyMode.enabled


def is_anomaly_check_nan_enabled() -> bool:
    return AnomalyMode.check_nan
