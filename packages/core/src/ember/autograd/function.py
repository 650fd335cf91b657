"""Custom autograd functions (mirrors torch.autograd.Function).

NOTE [ custom Function nodes ]: each ``Function`` subclass gets a graph node class ``<Name>Backward`` (a
``graph.Node``); one instance is both the ``ctx`` seen by ``forward``/``backward`` and the node in the graph.
Saved *inputs* are kept as tensors; saved *outputs* (and inputs marked dirty, which become outputs) are kept as
bare arrays plus their version box and re-wrapped on access, so the node never holds a tensor whose
``grad_fn`` is the node itself (NOTE [ graph without cycles ] in graph.py).
"""
from __future__ import annotations

import functools
import inspect
import warnings
from typing import Any, Callable

from .grad_mode import GradMode
from .graph import Node, _FREED, edge_of

__all__ = ["Function", "FunctionCtx", "BackwardCFunction", "once_differentiable", "InplaceFunction"]


def _tensor_cls():
    from .._tensor import Tensor  # noqa: PLC0415

    return Tensor


def _xp_of(arr):
    from ..ops._op import _xp_of as f  # noqa: PLC0415

    return f(arr)


_FREED_MSG = ("Trying to backward through the graph a second time (or directly access saved tensors after they have "
              "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
              "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
              "if you need to access saved tensors after calling backward.")


def _modified_error(t, grad_fn, out_nr, saved_v, cur_v):
    where = f", which is output {out_nr} of {grad_fn.name()}," if grad_fn is not None else ""
    return RuntimeError(
        f"one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"[{t.type_name()} {list(t.shape)}]{where} is at version {cur_v}; expected version {saved_v} instead. "
        f"Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
        f"torch.autograd.set_detect_anomaly(True).")


class FunctionCtx:
    """The ``ctx`` API shared by custom Function nodes: save_for_backward, mark_dirty, ..."""

    __slots__ = ()

    def save_for_backward(self, *tensors) -> None:
        """Save tensors (or None) for ``backward``; read them back through ``ctx.saved_tensors``."""
        self._to_save = tensors

    def save_for_forward(self, *tensors) -> None:
        self._saved_for_forward = tensors

    def mark_dirty(self, *args) -> None:
        """Declare input tensors modified in place by ``forward``; they must also be returned."""
        self._dirty = args

    def mark_non_differentiable(self, *args) -> None:
        """Declare outputs that get no gradient (e.g. indices); backward still receives a grad slot for them."""
        self._non_diff = args

    def set_materialize_grads(self, value: bool) -> None:
        """With False, backward receives None instead of zeros for outputs that got no gradient."""
        self.materialize_grads = bool(value)

    def mark_shared_storage(self, *pairs) -> None:
        raise RuntimeError("mark_shared_storage is deprecated. Tensors with shared storages are automatically "
                           "tracked. Note that calls to `set_()` are not tracked")


class BackwardCFunction(Node, FunctionCtx):
    """Graph node (and ctx) of a custom Function: ``backward`` calls the user's static backward."""

    _forward_cls: Any = None

    def _fn_init(self):
        self._to_save = None
        self._dirty = ()
        self._non_diff = ()
        self.materialize_grads = True
        self.needs_input_grad = ()
        self._saved = None
        self.next_functions = ()
        self._n_inputs = 0
        self._tensor_input = ()

    @property
    def saved_tensors(self) -> tuple:
        saved = self._saved
        if saved is _FREED:
            raise RuntimeError(_FREED_MSG)
        if saved is None:
            return ()
        Tensor = _tensor_cls()
        res = []
        for s in saved:
            if s is None:
                res.append(None)
            elif s[0] == 0:  # an input (or unrelated tensor): kept as is
                _, t, box, v, gfn, nr = s
                if box is not None and box[0] != v:
                    raise _modified_error(t, gfn, nr, v, box[0])
                res.append(t)
            else:  # an output of this node: re-wrapped so the node never owns it (NOTE [ custom Function nodes ])
                _, arr, box, v, nr, diff = s
                t = Tensor._wrap(arr)
                t._vc = box
                if diff:
                    t._rg, t._grad_fn, t._out_nr = True, self, nr
                if box[0] != v:
                    raise _modified_error(t, self, nr, v, box[0])
                res.append(t)
        return tuple(res)

    saved_variables = saved_tensors

    def name(self) -> str:
        return type(self).__name__

    def backward(self, *grads):  # the engine's entry point
        cls = self._forward_cls
        user_bw, user_vjp = cls.backward, cls.vjp
        if user_bw is not Function.backward and user_vjp is not Function.vjp:
            raise RuntimeError("Implementing both 'backward' and 'vjp' for a custom Function is not allowed. You "
                               "should only implement one of them.")
        fn = user_vjp if user_vjp is not Function.vjp else user_bw
        res = fn(self, *grads)
        if not isinstance(res, tuple):
            res = (res,)
        n = self._n_inputs
        if len(res) > n and all(r is None for r in res[n:]):
            res = res[:n]  # torch drops trailing None grads (e.g. for kwargs-only forwards)
        if len(res) != n:
            raise RuntimeError(f"function {self.name()} returned an incorrect number of gradients (expected {n}, "
                               f"got {len(res)})")
        Tensor = _tensor_cls()
        out = []
        for i, (g, is_t) in enumerate(zip(res, self._tensor_input)):
            if g is not None and not is_t:
                raise RuntimeError(f"function {self.name()} returned a gradient different than None at position "
                                   f"{i + 1}, but the corresponding forward input was not a Variable")
            if g is not None and not isinstance(g, Tensor):
                raise TypeError(f"function {self.name()} returned a gradient of type {type(g).__name__} at "
                                f"position {i + 1}; expected a Tensor or None")
            out.append(g)
        return tuple(out)


class FunctionMeta(type):
    """Creates the ``<Name>Backward`` node class of every Function subclass."""

    def __init__(cls, name, bases, attrs):
        cls._backward_cls = type(name + "Backward", (BackwardCFunction,), {"_forward_cls": cls,
                                                                          "__module__": cls.__module__})
        super().__init__(name, bases, attrs)


def _bind_default_args(func, *args, **kwargs):
    sig = inspect.signature(func)
    bound = sig.bind(*args, **kwargs)
    bound.apply_defaults()
    return bound.args


class Function(metaclass=FunctionMeta):
    """Base class of custom differentiable operations (mirrors torch.autograd.Function).

    Subclasses define static ``forward(ctx, *args)`` (or ``forward(*args)`` plus ``setup_context(ctx, inputs,
    output)``) and ``backward(ctx, *grad_outputs)``, and are called through ``apply``.
    """

    generate_vmap_rule = False

    def __init__(self, *args, **kwargs):
        warnings.warn(f"{self.__class__} should not be instantiated. Methods on autograd functions are all static, "
                      f"so you should invoke them on the class itself. Instantiating an autograd function will raise "
                      f"an error in a future version of PyTorch.", DeprecationWarning, stacklevel=2)

    def __call__(self, *args, **kwargs):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please use "
                           "new-style autograd function with static forward method. (Example: "
                           "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)")

    @staticmethod
    def forward(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple, output: Any) -> Any:
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx: Any, *grad_inputs: Any) -> Any:
        raise NotImplementedError("You must implement the jvp function for custom autograd.Function to use it with "
                                  "forward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run ``forward`` without recording, then link one ``<Name>Backward`` node to its outputs."""
        has_setup = cls.setup_context is not Function.setup_context
        if has_setup:
            args = _bind_default_args(cls.forward, *args, **kwargs)
        elif kwargs:
            raise TypeError("apply() takes no keyword arguments")
        Tensor = _tensor_cls()
        node = cls._backward_cls.__new__(cls._backward_cls)
        node._fn_init()
        is_t = tuple(isinstance(a, Tensor) for a in args)
        grad_on = GradMode.enabled
        needs = tuple(bool(grad_on and t and a._rg) for a, t in zip(args, is_t))
        node.needs_input_grad = needs
        node._n_inputs = len(args)
        node._tensor_input = is_t
        executable = any(needs)
        # edges are taken before forward: an input marked dirty is re-linked to this node afterwards
        edges = tuple(edge_of(a) if n else None for a, n in zip(args, needs)) if executable else ()
        prev = GradMode.enabled
        GradMode.enabled = False
        try:
            if has_setup:
                out = cls.forward(*args)
                cls.setup_context(node, args, out)
            else:
                out = cls.forward(node, *args)
        finally:
            GradMode.enabled = prev
        return _wrap_outputs(node, args, out, executable, edges, Tensor)


class InplaceFunction(Function):
    """Function with an ``inplace`` flag (mirrors torch.autograd.function.InplaceFunction)."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace


def _alias(t):
    """A new tensor object on the same data and version counter (torch's view_as(self) without grad)."""
    return t._make_view(t._data)


def _wrap_outputs(node, args, out, executable, edges, Tensor):
    is_tuple = isinstance(out, tuple)
    outs = out if is_tuple else (out,)
    input_ids = {id(a) for a in args if isinstance(a, Tensor)}
    dirty = {id(t) for t in node._dirty}
    non_diff = {id(t) for t in node._non_diff}
    out_ids = {id(o) for o in outs if isinstance(o, Tensor)}
    if dirty - out_ids:
        raise RuntimeError("Some elements marked as dirty during the forward method were not returned as output. "
                           "The inputs that are modified inplace must all be outputs of the Function.")
    if executable:
        in_meta = tuple((a._data.shape, a._data.dtype) if e is not None else None for a, e in zip(args, edges))
        mat = node.materialize_grads
        out_meta = tuple((o._data.shape, _dtype_of(o), _xp_of(o._data)) if mat and isinstance(o, Tensor) else None
                         for o in outs)
        node._init_node(edges, in_meta, out_meta)
    new_outs = []
    for i, o in enumerate(outs):
        if not isinstance(o, Tensor):
            new_outs.append(o)
            continue
        oid = id(o)
        is_input, is_modified = oid in input_ids, oid in dirty
        diff = executable and oid not in non_diff and o._data.dtype.kind in "fcV"
        if not diff:
            if not o._rg:
                if is_input and not is_modified:
                    o = _alias(o)
            elif is_input:
                o = o.detach()
            elif o._base is None:
                o.detach_()
        elif is_modified:
            if o._grad_fn is None and o._rg and o._base is None:
                raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
            if not is_input:
                warnings.warn("Only input Tensors should be given to ctx.mark_dirty(). If a Tensor is not an input, "
                              "there is no need to pass it to mark_dirty().", stacklevel=3)
            _rebase(o, node, i, Tensor)
        else:
            if is_input:
                o = _alias(o)
            o._rg, o._grad_fn, o._out_nr = True, node, i
        new_outs.append(o)
    if executable and node._to_save is not None:
        node._saved = _pack_saved(node, node._to_save, outs, new_outs, dirty, Tensor)
    node._to_save = None
    node._dirty = node._non_diff = ()
    return tuple(new_outs) if is_tuple else new_outs[0]


def _dtype_of(o):
    from .._dtype import from_numpy_dtype  # noqa: PLC0415

    return from_numpy_dtype(o._data.dtype)


def _rebase(o, node, i, Tensor):
    """Re-link an input modified in place by forward to ``node`` (through its base when it is a view)."""
    base = o._base
    if base is not None and o._view_fn is not None and base._rg:
        from ..ops.inplace import _rewrite_base  # noqa: PLC0415

        res = Tensor._wrap(o._data)
        res._rg, res._grad_fn, res._out_nr = True, node, i
        _rewrite_base(o, base, res)
        return
    o._rg, o._grad_fn, o._out_nr = True, node, i


def _pack_saved(node, to_save, outs, new_outs, dirty, Tensor):
    pos = {id(o): i for i, o in enumerate(outs) if isinstance(o, Tensor)}
    packed = []
    for k, t in enumerate(to_save):
        if t is None:
            packed.append(None)
            continue
        if not isinstance(t, Tensor):
            raise TypeError(f"save_for_backward can only save variables, but argument {k} is of type "
                            f"{type(t).__name__}")
        i = pos.get(id(t))
        if i is not None and (t._grad_fn is node or id(t) in dirty or new_outs[i]._grad_fn is node):
            final = new_outs[i]
            box = final._vc
            if box is None:
                box = final._vc = [0]
            packed.append((1, final._data, box, box[0], i, final._grad_fn is node))
        else:
            if t._vc is None:
                t._vc = [0]
            packed.append((0, t, t._vc, t._vc[0], t._grad_fn, t._out_nr))
    return tuple(packed)


# -- once_differentiable ------------------------------------------------------------------------------------
class DelayedError(Node):
    """A node that raises ``msg`` when backward reaches it (double backward through a once_differentiable fn)."""

    def __init__(self, msg: str, num_outputs: int):
        self.msg = msg
        self._init_node((None,) * num_outputs, None, (None,) * num_outputs)

    def name(self) -> str:
        return "Error"  # torch's name for this node

    def backward(self, *grads):
        raise RuntimeError(self.msg)


def once_differentiable(fn: Callable) -> Callable:
    """Decorate a Function's backward that is not itself differentiable: it runs without recording, and a
    double backward through its results raises instead of silently returning wrong gradients."""

    @functools.wraps(fn)
    def wrapper(ctx, *args):
        prev = GradMode.enabled
        GradMode.enabled = False
        try:
            outputs = fn(ctx, *args)
        finally:
            GradMode.enabled = prev
        if not GradMode.enabled:
            return outputs
        Tensor = _tensor_cls()
        if not any(isinstance(a, Tensor) and a._rg for a in args):
            return outputs
        single = not isinstance(outputs, tuple)
        outs = (outputs,) if single else outputs
        err = DelayedError("trying to differentiate twice a function that was marked with @once_differentiable",
                           len(outs))
        res = []
        for k, v in enumerate(outs):
            if isinstance(v, Tensor):
                v = Tensor._wrap(v._data)
                if v._data.dtype.kind in "fc":
                    v._rg, v._grad_fn, v._out_nr = True, err, k
            res.append(v)
        return res[0] if single else tuple(res)

    return wrapper
