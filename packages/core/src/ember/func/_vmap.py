"""ember.func.vmap: map a function over a batch dimension (mirrors torch.func.vmap).

NOTE [ vmap by looping ]: ember has no batching rules; vmap slices every mapped input along its in_dim, calls
``func`` once per batch element and stacks the results along out_dims. Slicing and stacking are ember ops, so
gradients flow through vmap and vmap nests with itself and with the autodiff transforms.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from ._pytree import tree_flatten, tree_unflatten

__all__ = ["vmap"]


def _T():
    from .._tensor import Tensor  # noqa: PLC0415

    return Tensor


def _name(func) -> str:
    return getattr(func, "__name__", repr(func))


def _broadcast_dims(dims, tree, what: str, fname: str, err_dims):
    """Flat list of dims, one per leaf of ``tree``: an int/None applies to a whole subtree."""
    if dims is None or isinstance(dims, int):
        leaves, _ = tree_flatten(tree)
        return [dims] * len(leaves)
    if isinstance(dims, (tuple, list)) and isinstance(tree, (tuple, list)) and len(dims) == len(tree):
        out = []
        for d, t in zip(dims, tree):
            out.extend(_broadcast_dims(d, t, what, fname, err_dims))
        return out
    if isinstance(dims, dict) and isinstance(tree, dict) and set(dims) == set(tree):
        out = []
        for k in tree:
            out.extend(_broadcast_dims(dims[k], tree[k], what, fname, err_dims))
        return out
    _, dspec = tree_flatten(err_dims)
    _, tspec = tree_flatten(tree)
    raise ValueError(f"vmap({fname}, {what}={err_dims}, ...)(<inputs>): {what} is not compatible with the structure "
                     f"of `{'inputs' if what == 'in_dims' else 'outputs'}`. {what} has structure {dspec} but "
                     f"{'inputs' if what == 'in_dims' else 'outputs'} has structure {tspec}.")


def _select(x, dim: int, i: int):
    return x[(slice(None),) * dim + (i,)]


def _rng_state():
    import ember  # noqa: PLC0415

    f = getattr(ember, "get_rng_state", None)
    return f() if f is not None else None


def _set_rng_state(state):
    import ember  # noqa: PLC0415

    if state is not None:
        ember.set_rng_state(state)


def _same_state(a, b) -> bool:
    if a is None or b is None:
        return True
    import numpy as np  # noqa: PLC0415

    return bool(np.array_equal(np.asarray(a), np.asarray(b)))


def _equal(a, b) -> bool:
    import numpy as np  # noqa: PLC0415

    return isinstance(b, _T()) and tuple(a.shape) == tuple(b.shape) and bool(
        np.array_equal(np.asarray(a.detach()), np.asarray(b.detach()), equal_nan=a._data.dtype.kind in "fc"))


def vmap(func: Callable, in_dims: Any = 0, out_dims: Any = 0, randomness: str = "error", *,
         chunk_size: int | None = None) -> Callable:
    """Vectorise ``func`` over dimension ``in_dims`` of its inputs; outputs are stacked along ``out_dims``.

    ``in_dims``/``out_dims``: an int, None (not mapped) or a pytree of those matching the inputs/outputs.
    ``randomness``: 'error' (random ops inside raise), 'different' or 'same' (one draw shared by the batch).
    """
    if randomness not in ("error", "different", "same"):
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got "
                           f"{randomness}")
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")
    if not (in_dims is None or isinstance(in_dims, (int, tuple))):
        raise ValueError(f"vmap({_name(func)}, in_dims={in_dims}, ...): expected `in_dims` to be int or a (potentially "
                         f"nested) tuple matching the structure of inputs, got: {type(in_dims)}.")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        Tensor = _T()
        fname = _name(func)
        if isinstance(in_dims, tuple) and len(in_dims) != len(args):
            raise ValueError(f"vmap({fname}, in_dims={in_dims}, ...)(<inputs>): Expected len(in_dims) == len(inputs), "
                             f"but got {len(in_dims)} and {len(args)}")
        flat_args, args_spec = tree_flatten(args)
        flat_dims = _broadcast_dims(in_dims, args, "in_dims", fname, in_dims)
        sizes = []
        norm_dims = []
        for x, d in zip(flat_args, flat_dims):
            if d is None:
                norm_dims.append(None)
                continue
            if not isinstance(d, int):
                raise ValueError(f"vmap({fname}, in_dims={in_dims}, ...)(<inputs>): in_dims must be int or None, got "
                                 f"{type(d)}")
            if not isinstance(x, Tensor):
                raise ValueError(f"vmap({fname}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input but "
                                 f"the input is of type {type(x)}. We cannot vmap over non-Tensor arguments, please "
                                 f"use None as the respective in_dim")
            nd = x.dim()
            if not -nd <= d < nd:
                raise ValueError(f"vmap({fname}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for some input, but "
                                 f"that input is a Tensor of dimensionality {nd} so expected in_dim to satisfy "
                                 f"-{nd} <= in_dim < {nd}.")
            d = d % nd
            norm_dims.append(d)
            sizes.append(x.shape[d])
        if not sizes:
            raise ValueError(f"vmap({fname}, in_dims={in_dims}, ...)(<inputs>): at least one input must be a Tensor "
                             f"mapped over a dimension (in_dims must not be None for every Tensor input)")
        if len(set(sizes)) != 1:
            raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                             f"{sizes} for the mapped dimension")
        n = sizes[0]
        if n == 0:
            raise ValueError(f"vmap({fname}, ...): cannot map over a dimension of size 0")
        state0 = _rng_state() if randomness != "different" else None
        results = []
        out_spec = None
        for b in range(n):
            if randomness == "same":
                _set_rng_state(state0)
            sliced = [x if d is None else _select(x, d, b) for x, d in zip(flat_args, norm_dims)]
            out = func(*tree_unflatten(sliced, args_spec), **kwargs)
            if randomness == "error" and b == 0 and not _same_state(state0, _rng_state()):
                raise RuntimeError("vmap: called random operation while in randomness error mode. Please either use "
                                   "the 'same' or 'different' randomness flags on vmap or perform the randomness "
                                   "operation out of vmap")
            flat_out, spec = tree_flatten(out)
            if out_spec is None:
                out_spec, out_tree = spec, out
            elif spec != out_spec:
                raise ValueError(f"vmap({fname}, ...): `{fname}` must return outputs with the same structure for "
                                 f"every batch element")
            results.append(flat_out)
        flat_odims = _broadcast_dims(out_dims, out_tree, "out_dims", fname, out_dims) \
            if not (isinstance(out_dims, tuple) and len(out_dims) == 1 and not isinstance(out_tree, tuple)) \
            else _broadcast_dims(out_dims[0], out_tree, "out_dims", fname, out_dims)
        from ..autograd.functional import stack  # noqa: PLC0415

        final = []
        for k, od in enumerate(flat_odims):
            col = [r[k] for r in results]
            if od is None:
                if isinstance(col[0], Tensor) and any(not _equal(col[0], v) for v in col[1:]):
                    raise ValueError(f"vmap({fname}, ...): `{fname}` can not return a BatchedTensor when out_dim is "
                                     f"None")
                final.append(col[0])
                continue
            for v in col:
                if not isinstance(v, Tensor):
                    raise ValueError(f"vmap({fname}, ...): `{fname}` must only return Tensors, got type {type(v)}. "
                                     f"Did you mean to set out_dims= to None for output?")
            nd = col[0].dim() + 1
            if not isinstance(od, int) or not -nd <= od < nd:
                raise ValueError(f"vmap({fname}, ...): out_dim={od} is out of range for an output of "
                                 f"dimensionality {nd - 1} (expected -{nd} <= out_dim < {nd})")
            final.append(stack(col, od % nd))
        return tree_unflatten(final, out_spec)

    return wrapped
