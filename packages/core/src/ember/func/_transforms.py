"""Autodiff transforms of ember.func (mirrors torch.func): grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian.

NOTE [ transform levels without levels ]: torch.func keeps one autograd "level" per nested transform. ember
uses the ordinary tape instead: each transform runs ``func`` on *its own* inputs (fresh leaves, or identity views
of inputs that already require grad so an enclosing transform still sees the dependency) and differentiates with
``create_graph=True`` whenever grad mode was on. A result is then detached unless its graph reaches a leaf that
the transform did not create itself, i.e. unless an enclosing transform (or ordinary autograd on a captured
tensor) can still differentiate it. So ``grad(grad(f))`` works, and ``grad(f)(x)`` returns plain tensors.
"""
from __future__ import annotations

import functools
from typing import Callable

from ..autograd.grad_mode import GradMode
from ..autograd.graph import AccumulateGrad
from ._pytree import tree_flatten, tree_unflatten

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian"]


def _T():
    from .._tensor import Tensor  # noqa: PLC0415

    return Tensor


class _Level:
    """Inputs made by one transform call; decides which results stay attached to the outer graph."""

    def __init__(self):
        self.outer = GradMode.enabled
        self.own: dict = {}  # id -> leaf; holding the leaf keeps its id unique while the level lives

    def prep(self, x):
        Tensor = _T()
        if not isinstance(x, Tensor):
            raise RuntimeError(f"Expected a Tensor to differentiate with respect to, got {type(x).__name__}")
        if x.requires_grad and self.outer:
            return x.view(tuple(x.shape))  # an identity node keeps the link to the enclosing graph
        t = x.detach()
        t.requires_grad_(True)
        self.own[id(t)] = t
        return t

    def finish(self, t):
        """Detach ``t`` unless its graph reaches a leaf this level did not create."""
        if t is None or not isinstance(t, _T()) or not t.requires_grad:
            return t
        if self.outer and self._reaches_outside(t):
            return t
        return t.detach()

    def _reaches_outside(self, t) -> bool:
        fn = t._grad_fn
        if fn is None:
            return id(t) not in self.own
        seen = set()
        stack = [fn]
        while stack:
            n = stack.pop()
            if id(n) in seen:
                continue
            seen.add(id(n))
            if type(n) is AccumulateGrad:
                if id(n.variable) not in self.own:
                    return True
                continue
            for e in n.next_functions:
                if e is not None:
                    stack.append(e[0])
        return False


def _autograd_grad(outputs, inputs, grad_outputs, create_graph):
    """grad with unused inputs as zeros; outputs that do not require grad contribute nothing."""
    from ..autograd import grad as _grad  # noqa: PLC0415
    from ..ops.creation import zeros_like  # noqa: PLC0415

    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    res = [None] * len(inputs)
    if pairs:
        res = list(_grad([o for o, _ in pairs], list(inputs), [g for _, g in pairs], retain_graph=True,
                         create_graph=create_graph, allow_unused=True))
    return [zeros_like(i) if r is None else r for r, i in zip(res, inputs)]


def _normalize_argnums(argnums, args, api: str):
    if isinstance(argnums, int):
        nums = (argnums,)
    elif isinstance(argnums, tuple) and argnums and all(isinstance(a, int) for a in argnums):
        nums = argnums
    else:
        raise RuntimeError(f"{api}: argnums must be int or Tuple[int, ...], got: {argnums}")
    n = len(args)
    out = []
    for a in nums:
        if not -n <= a < n:
            raise RuntimeError(f"Got argnums={a}, but only {n} positional inputs")
        out.append(a % n)
    if len(set(out)) != len(out):
        raise RuntimeError(f"{api}: argnums must be unique, got: {argnums}")
    return tuple(out)


def _prep_args(level, args, argnums, api):
    """Replace args[argnums] by fresh differentiable copies; returns new args, flat diff leaves, their spec."""
    nums = _normalize_argnums(argnums, args, api)
    diff = tuple(args[i] for i in nums) if isinstance(argnums, tuple) else args[nums[0]]
    flat, spec = tree_flatten(diff)
    if not flat:
        raise RuntimeError(f"{api}: Expected the inputs selected by argnums={argnums} to contain at least one "
                           f"Tensor.")
    flat = [level.prep(x) for x in flat]
    new_diff = tree_unflatten(flat, spec)
    new_args = list(args)
    if isinstance(argnums, tuple):
        for i, v in zip(nums, new_diff):
            new_args[i] = v
    else:
        new_args[nums[0]] = new_diff
    return new_args, flat, spec


def grad_and_value(func: Callable, argnums=0, has_aux: bool = False) -> Callable:
    """Function returning (gradient of the scalar ``func`` w.r.t. args[argnums], value) (mirrors torch.func)."""
    from ..autograd.grad_mode import enable_grad  # noqa: PLC0415

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        Tensor = _T()
        level = _Level()
        with enable_grad():
            new_args, flat, spec = _prep_args(level, args, argnums, "grad_and_value")
            output = func(*new_args, **kwargs)
            aux = None
            if has_aux:
                if not (isinstance(output, tuple) and len(output) == 2):
                    raise RuntimeError("grad_and_value(f)(*args): output of function f should be a tuple: "
                                       "(output, aux) if has_aux is True")
                output, aux = output
            if not isinstance(output, Tensor):
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a Tensor, got "
                                   f"{type(output)}")
            if output.dim() != 0:
                raise RuntimeError(f"grad_and_value(f)(*args): Expected f(*args) to return a scalar Tensor, got "
                                   f"tensor with {output.dim()} dims. Maybe you wanted to use the vjp or jacrev "
                                   f"APIs instead?")
            from ..ops.creation import ones_like  # noqa: PLC0415

            grads = _autograd_grad([output], flat, [ones_like(output)], level.outer)
            grads = tree_unflatten([level.finish(g) for g in grads], spec)
            value = level.finish(output)
            if has_aux:
                a_flat, a_spec = tree_flatten(aux)
                aux = tree_unflatten([level.finish(a) for a in a_flat], a_spec)
                return grads, (value, aux)
            return grads, value

    return wrapper


def grad(func: Callable, argnums=0, has_aux: bool = False) -> Callable:
    """Function computing the gradient of the scalar ``func`` w.r.t. args[argnums] (mirrors torch.func.grad).

    ``func`` may use Python control flow on tensor values: ``grad(lambda x: x if x > 0 else -x)(t)``.
    """
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, value = gv(*args, **kwargs)
        if has_aux:
            return g, value[1]
        return g

    return wrapper


def _check_tensor_outputs(flat_out, api):
    Tensor = _T()
    if not flat_out:
        raise RuntimeError(f"{api}: Expected f to be a function that has non-empty output (got output = [])")
    for o in flat_out:
        if not isinstance(o, Tensor):
            raise RuntimeError(f"{api}: Expected f(*primals) to return only tensors, got unsupported type "
                               f"{type(o)}")


def vjp(func: Callable, *primals, has_aux: bool = False):
    """(func(*primals), vjp_fn): ``vjp_fn(cotangents)`` returns one gradient per primal (mirrors torch.func.vjp)."""
    from ..autograd.grad_mode import enable_grad  # noqa: PLC0415

    level = _Level()
    with enable_grad():
        flat_p, p_spec = tree_flatten(primals)
        flat_p = [level.prep(x) for x in flat_p]
        out = func(*tree_unflatten(flat_p, p_spec))
        aux = None
        if has_aux:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise RuntimeError("vjp(f, *primals): output of function f should be a tuple: (output, aux) if "
                                   "has_aux is True")
            out, aux = out
        flat_out, out_spec = tree_flatten(out)
        _check_tensor_outputs(flat_out, "vjp(f, *primals)")

    def vjp_fn(cotangents, *, retain_graph: bool = True, create_graph: bool | None = None):
        flat_ct, ct_spec = tree_flatten(cotangents)
        if ct_spec != out_spec:
            raise RuntimeError(f"Expected pytree structure of cotangents to be the same as pytree structure of "
                               f"outputs to the function. cotangents: {ct_spec}, primal output: {out_spec}")
        for i, (o, c) in enumerate(zip(flat_out, flat_ct)):
            if tuple(o.shape) != tuple(c.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of {c.shape} and output[{i}] "
                                   f"has a shape of {o.shape}.")
        inner = _Level()
        inner.own = level.own
        cg = GradMode.enabled if create_graph is None else create_graph
        inner.outer = cg
        with enable_grad():
            grads = _autograd_grad(flat_out, flat_p, flat_ct, cg)
        return tree_unflatten([inner.finish(g) for g in grads], p_spec)

    out_res = tree_unflatten([level.finish(o) for o in flat_out], out_spec)
    if has_aux:
        a_flat, a_spec = tree_flatten(aux)
        return out_res, vjp_fn, tree_unflatten([level.finish(a) for a in a_flat], a_spec)
    return out_res, vjp_fn


def jvp(func: Callable, primals, tangents, *, strict: bool = False, has_aux: bool = False):
    """(func(*primals), J @ tangents), exact through the double-backward trick (mirrors torch.func.jvp)."""
    from ..autograd.grad_mode import enable_grad  # noqa: PLC0415
    from ..ops.creation import zeros_like  # noqa: PLC0415

    if not isinstance(primals, tuple):
        raise RuntimeError("jvp(f, primals, tangents): Expected primals to be a tuple. E.g. it should be valid to "
                           "call f(*primals).")
    flat_p, p_spec = tree_flatten(primals)
    flat_t, t_spec = tree_flatten(tangents)
    if p_spec != t_spec:
        raise RuntimeError(f"jvp(f, primals, tangents): Expected primals and tangents to have the same python "
                           f"structure. For example, if primals is a tuple of 3 tensors, tangents also must be. Got "
                           f"primals with structure {p_spec} and tangents with structure {t_spec}")
    for p, t in zip(flat_p, flat_t):
        if tuple(p.shape) != tuple(t.shape):
            raise RuntimeError(f"jvp(f, primals, tangents): Expected primals and tangents to have the same shape; "
                               f"got {list(p.shape)} and {list(t.shape)}")
    level = _Level()
    with enable_grad():
        flat_in = [level.prep(x) for x in flat_p]
        out = func(*tree_unflatten(flat_in, p_spec))
        aux = None
        if has_aux:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise RuntimeError("jvp(f, primals, tangents): output of function f should be a tuple: (output, "
                                   "aux) if has_aux is True")
            out, aux = out
        flat_out, out_spec = tree_flatten(out)
        _check_tensor_outputs(flat_out, "jvp(f, primals, tangents)")
        # NOTE [ double-backward trick ] in autograd/functional.py
        us = [zeros_like(o).requires_grad_(True) for o in flat_out]
        gs = _autograd_grad(flat_out, flat_in, us, True)
        pairs = [(g, t) for g, t in zip(gs, flat_t) if g.requires_grad]
        if pairs:
            res = _autograd_grad([g for g, _ in pairs], us, [t for _, t in pairs], level.outer)
        else:
            res = [zeros_like(o) for o in flat_out]
    out_res = tree_unflatten([level.finish(o) for o in flat_out], out_spec)
    jvp_res = tree_unflatten([level.finish(r) for r in res], out_spec)
    if has_aux:
        a_flat, a_spec = tree_flatten(aux)
        return out_res, jvp_res, tree_unflatten([level.finish(a) for a in a_flat], a_spec)
    return out_res, jvp_res


def _jac_impl(func, argnums, has_aux, args, kwargs, api):
    from ..autograd.grad_mode import enable_grad  # noqa: PLC0415
    from ..autograd.functional import stack, _onehot  # noqa: PLC0415

    Tensor = _T()
    level = _Level()
    with enable_grad():
        new_args, flat_in, in_spec = _prep_args(level, args, argnums, api)
        out = func(*new_args, **kwargs)
        aux = None
        if has_aux:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise RuntimeError(f"{api}: output of function f should be a tuple: (output, aux) if has_aux is "
                                   f"True")
            out, aux = out
        flat_out, out_spec = tree_flatten(out)
        _check_tensor_outputs(flat_out, api)
        per_out = []
        for o in flat_out:
            od = o._data
            rows = [[] for _ in flat_in]
            for k in range(od.size):
                onehot = Tensor._wrap(_onehot(od, k).reshape(od.shape))
                gs = _autograd_grad([o], flat_in, [onehot], level.outer)
                for r, g in zip(rows, gs):
                    r.append(g)
            jacs = []
            for r, x in zip(rows, flat_in):
                shape = tuple(o.shape) + tuple(x.shape)
                if r:
                    j = stack(r, 0).reshape(shape)
                else:
                    from ..ops.creation import zeros  # noqa: PLC0415

                    j = zeros(shape, dtype=x.dtype, device=x.device)
                jacs.append(level.finish(j))
            per_out.append(tree_unflatten(jacs, in_spec))
        res = tree_unflatten(per_out, out_spec)
        if has_aux:
            a_flat, a_spec = tree_flatten(aux)
            return res, tree_unflatten([level.finish(a) for a in a_flat], a_spec)
        return res


def jacrev(func: Callable, argnums=0, *, has_aux: bool = False, chunk_size: int | None = None,
           _preallocate_and_copy: bool = False) -> Callable:
    """Function computing the Jacobian of ``func`` w.r.t. args[argnums] by reverse mode, one row per output
    element; entry shape is output.shape + input.shape (mirrors torch.func.jacrev)."""
    if chunk_size is not None and chunk_size <= 0:
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return _jac_impl(func, argnums, has_aux, args, kwargs, "jacrev(f, argnums)(*args)")

    return wrapper


def jacfwd(func: Callable, argnums=0, has_aux: bool = False, *, randomness: str = "error") -> Callable:
    """Function computing the Jacobian of ``func`` w.r.t. args[argnums] (mirrors torch.func.jacfwd).

    ember has no forward-mode AD; the same exact Jacobian is assembled row by row in reverse mode.
    """
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got "
                           f"{randomness}")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return _jac_impl(func, argnums, has_aux, args, kwargs, "jacfwd(f, argnums)(*args)")

    return wrapper


def hessian(func: Callable, argnums=0) -> Callable:
    """Function computing the Hessian of ``func`` w.r.t. args[argnums]: jacfwd(jacrev(func))."""
    return jacfwd(jacrev(func, argnums), argnums)

