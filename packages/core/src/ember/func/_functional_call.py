"""ember.func.functional_call: run a module with some parameters/buffers swapped for given tensors."""
from __future__ import annotations

import contextlib
from typing import Any

__all__ = ["functional_call"]

_MISSING = object()


def _named(module, kind: str) -> dict:
    fn = getattr(module, f"named_{kind}", None)
    if fn is None:
        return {}
    try:
        return dict(fn(remove_duplicate=False))
    except TypeError:  # objects whose named_* take no remove_duplicate
        return dict(fn())


def _owner(module, name: str):
    *path, attr = name.split(".")
    obj = module
    for p in path:
        obj = getattr(obj, p)
    return obj, attr


def _swap(module, name: str, value):
    """Put ``value`` at dotted ``name``; returns what was there (_MISSING when nothing)."""
    obj, attr = _owner(module, name)
    for store_name in ("_parameters", "_buffers"):
        store = getattr(obj, "__dict__", {}).get(store_name)
        if isinstance(store, dict) and attr in store:
            old = store[attr]
            if value is _MISSING:
                del store[attr]
            else:
                store[attr] = value
            return old
    old = getattr(obj, attr, _MISSING)
    if value is _MISSING:
        if old is not _MISSING:
            delattr(obj, attr)
    else:
        try:
            setattr(obj, attr, value)
        except TypeError:  # a __setattr__ that only accepts its own parameter type: bypass it
            object.__setattr__(obj, attr, value)
    return old


def _untie(module, given: dict) -> dict:
    named = _named(module, "parameters")
    named.update(_named(module, "buffers"))
    by_tensor: dict = {}
    for n, t in named.items():
        by_tensor.setdefault(id(t), set()).add(n)
    tied = {n: names for names in by_tensor.values() if len(names) > 1 for n in names}
    given_tied = set(given) & set(tied)
    for g in given_tied:
        names = tied[g]
        vals = {id(given[n]) for n in names if n in given}
        if len(names & given_tied) > 1 and len(vals) != 1:
            raise ValueError(f"functional_call got multiple values for keys {sorted(names)}, which are tied. Consider "
                             f"using tie_weights=False")
    out = dict(given)
    for g in given_tied:
        for n in tied[g]:
            out[n] = given[g]
    return out


@contextlib.contextmanager
def _reparametrize(module, tensors: dict, tie_weights: bool, strict: bool):
    if strict:
        keys = set(_named(module, "parameters")) | set(_named(module, "buffers"))
        missing = sorted(keys - set(tensors))
        unexpected = sorted(set(tensors) - keys)
        msgs = []
        if unexpected:
            msgs.append(f"Unexpected key(s): {', '.join(map(repr, unexpected))}.")
        if missing:
            msgs.append(f"Missing key(s): {', '.join(map(repr, missing))}.")
        if msgs:
            name = module._get_name() if hasattr(module, "_get_name") else type(module).__name__
            raise RuntimeError("Error(s) in reparametrizing for {}:\n\t{}".format(name, "\n\t".join(msgs)))
    todo = _untie(module, tensors) if tie_weights else dict(tensors)
    originals: dict = {}
    try:
        for name, value in todo.items():
            originals[name] = _swap(module, name, value)
        yield
    finally:
        for name, old in reversed(list(originals.items())):
            _swap(module, name, old)


def functional_call(module, parameter_and_buffer_dicts, args: Any = None, kwargs: dict | None = None, *,
                    tie_weights: bool = True, strict: bool = False):
    """Call ``module(*args, **kwargs)`` with its parameters/buffers replaced by the given tensors (by dotted name).

    The module is restored afterwards, even on error. Works with any object exposing ``named_parameters`` /
    ``named_buffers`` and settable attributes (mirrors torch.func.functional_call).
    """
    if isinstance(parameter_and_buffer_dicts, dict):
        tensors = parameter_and_buffer_dicts
    elif isinstance(parameter_and_buffer_dicts, (list, tuple)):
        if not all(isinstance(d, dict) for d in parameter_and_buffer_dicts):
            raise ValueError("Expected all elements of parameter_and_buffer_dicts to be dictionaries")
        seen: dict = {}
        for d in parameter_and_buffer_dicts:
            for k in d:
                seen[k] = seen.get(k, 0) + 1
        repeated = [k for k, c in seen.items() if c > 1]
        if repeated:
            raise ValueError(f"{repeated} appeared in multiple dictionaries; behavior of functional call is ambiguous")
        tensors = {k: v for d in parameter_and_buffer_dicts for k, v in d.items()}
    else:
        raise ValueError(f"Expected parameter_and_buffer_dicts to be a dict, or a list/tuple of dicts, but got "
                         f"{type(parameter_and_buffer_dicts)}")
    if kwargs is None:
        kwargs = {}
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _reparametrize(module, tensors, tie_weights, strict):
        return module(*args, **kwargs)
