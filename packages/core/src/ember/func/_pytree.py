"""Minimal pytrees for ember.func: nested tuples, lists, dicts and namedtuples of leaves.

Like torch.utils._pytree, ``None`` is a node without children (not a leaf), so optional entries never count as
inputs or outputs.
"""
from __future__ import annotations

from typing import Any, Callable

__all__ = ["TreeSpec", "tree_flatten", "tree_unflatten", "tree_map", "LEAF"]


class TreeSpec:
    """Structure of a pytree: node type, context (dict keys / namedtuple class) and child specs."""

    __slots__ = ("kind", "context", "children", "num_leaves")

    def __init__(self, kind: str, context: Any, children: list):
        self.kind, self.context, self.children = kind, context, children
        self.num_leaves = 1 if kind == "leaf" else sum(c.num_leaves for c in children)

    def __eq__(self, other) -> bool:
        return (isinstance(other, TreeSpec) and self.kind == other.kind and self.context == other.context
                and self.children == other.children)

    def __repr__(self) -> str:
        if self.kind == "leaf":
            return "*"
        if self.kind == "none":
            return "None"
        inner = ", ".join(repr(c) for c in self.children)
        if self.kind == "dict":
            inner = ", ".join(f"{k!r}: {c!r}" for k, c in zip(self.context, self.children))
            return "{" + inner + "}"
        if self.kind == "list":
            return f"[{inner}]"
        if self.kind == "namedtuple":
            return f"{self.context.__name__}({inner})"
        return f"({inner}{',' if len(self.children) == 1 else ''})"


LEAF = TreeSpec("leaf", None, [])


def _is_namedtuple(x) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def tree_flatten(tree) -> tuple[list, TreeSpec]:
    """Leaves in depth-first order and the structure to rebuild the tree."""
    leaves: list = []

    def rec(t):
        if t is None:
            return TreeSpec("none", None, [])
        if _is_namedtuple(t):
            return TreeSpec("namedtuple", type(t), [rec(c) for c in t])
        if isinstance(t, tuple):
            return TreeSpec("tuple", None, [rec(c) for c in t])
        if isinstance(t, list):
            return TreeSpec("list", None, [rec(c) for c in t])
        if isinstance(t, dict):
            keys = list(t.keys())
            return TreeSpec("dict", (type(t), tuple(keys)), [rec(t[k]) for k in keys])
        leaves.append(t)
        return LEAF

    spec = rec(tree)
    return leaves, spec


def tree_unflatten(leaves, spec: TreeSpec):
    """Inverse of tree_flatten."""
    it = iter(leaves)

    def rec(s):
        if s.kind == "leaf":
            return next(it)
        if s.kind == "none":
            return None
        kids = [rec(c) for c in s.children]
        if s.kind == "tuple":
            return tuple(kids)
        if s.kind == "list":
            return kids
        if s.kind == "namedtuple":
            return s.context(*kids)
        cls, keys = s.context
        d = dict(zip(keys, kids))
        return d if cls is dict else cls(d)

    leaves = list(leaves)
    if len(leaves) != spec.num_leaves:
        raise ValueError(f"tree_unflatten: expected {spec.num_leaves} leaves, got {len(leaves)}")
    return rec(spec)


def tree_map(fn: Callable, tree):
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([fn(x) for x in leaves], spec)
