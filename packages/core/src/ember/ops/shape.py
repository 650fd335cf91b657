"""Shape and view ops: view/reshape, permute/transpose, squeeze/unsqueeze, expand, flatten, ..."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap_dim
from ._op import Op, apply


def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def _infer_shape(shape, numel, op="view"):
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


class View(Op):
    is_view = True

    def forward(ctx, xp, x, shape):
        ctx.in_shape = x.shape
        v = x.view()
        try:
            v.shape = shape
        except AttributeError:
            raise RuntimeError("view size is not compatible with input tensor's size and stride (at least one "
                               "dimension spans across two contiguous subspaces). Use .reshape(...) instead.") \
                from None
        return v

    def backward(ctx, g):
        return g.reshape(ctx.in_shape)


class Reshape(Op):
    def forward(ctx, xp, x, shape):
        ctx.in_shape = x.shape
        return x.reshape(shape)

    def backward(ctx, g):
        return g.reshape(ctx.in_shape)


def view(input, *shape):
    """A view with a new shape (or a new dtype): shares storage and version counter with ``input``."""
    if len(shape) == 1 and not isinstance(shape[0], (int, list, tuple, np.integer)):
        from .._dtype import to_dtype  # noqa: PLC0415

        return _view_dtype(input, to_dtype(shape[0]))
    shape = _infer_shape(_shape_arg(shape), input._data.size)
    return apply(View, input, shape=shape)


def view_as(input, other):
    """``input.view(other.shape)``."""
    return view(input, other._data.shape)


def reshape_as(input, other):
    """``input.reshape(other.shape)``."""
    return reshape(input, other._data.shape)


def _view_dtype(input, dt):
    return input._make_view(input._data.view(dt.np))


def reshape(input, *shape):
    shape = _infer_shape(_shape_arg(shape), input._data.size)
    d = input._data
    if d.shape == shape:
        return apply(View, input, shape=shape)
    v = d.view()
    try:
        v.shape = shape
        return apply(View, input, shape=shape)
    except AttributeError:
        return apply(Reshape, input, shape=shape)


class Permute(Op):
    is_view = True

    def forward(ctx, xp, x, dims):
        ctx.dims = dims
        return x.transpose(dims)

    def backward(ctx, g):
        return g.permute(tuple(np.argsort(ctx.dims).tolist()))


def permute(input, *dims):
    dims = _shape_arg(dims)
    nd = input.ndim
    if len(dims) != nd:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                           f"length of the desired ordering of dimensions i.e. input.dim() = {nd} is not equal "
                           f"to len(dims) = {len(dims)}")
    dims = tuple(_wrap_dim(d, nd) for d in dims)
    if len(set(dims)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return apply(Permute, input, dims=dims)


class Transpose(Op):
    is_view = True

    def forward(ctx, xp, x, d0, d1):
        ctx.d = (d0, d1)
        return xp.swapaxes(x, d0, d1)

    def backward(ctx, g):
        return g.transpose(*ctx.d)


def transpose(input, dim0: int, dim1: int):
    nd = input.ndim
    d0, d1 = _wrap_dim(dim0, nd), _wrap_dim(dim1, nd)
    if nd < 2:
        return apply(View, input, shape=input._data.shape)
    return apply(Transpose, input, d0=d0, d1=d1)


swapaxes = swapdims = transpose


def t(input):
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return transpose(input, 0, 1) if input.ndim == 2 else input.view(input.shape)


def adjoint(input):
    return transpose(input, -2, -1).conj()


class Expand(Op):
    is_view = True

    def forward(ctx, xp, x, shape):
        ctx.in_shape = x.shape
        return xp.broadcast_to(x, shape)

    def backward(ctx, g):
        from ..autograd.graph import _sum_to  # noqa: PLC0415

        return _sum_to(g, ctx.in_shape, ctx)


def expand(input, *sizes):
    sizes = _shape_arg(sizes)
    src = input._data.shape
    if len(sizes) < len(src):
        raise RuntimeError(f"expand({input.type_name()}{{{list(src)}}}, size={list(sizes)}): the number of sizes "
                           f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in the "
                           f"tensor ({len(src)})")
    lead = len(sizes) - len(src)
    out = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"expand: the expanded size of the tensor (-1) isn't allowed in a leading, "
                                   f"non-existing dimension {i}")
            out.append(s)
        else:
            cur = src[i - lead]
            if s == -1:
                s = cur
            elif cur != 1 and s != cur:
                raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                                   f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                                   f"{list(src)}")
            out.append(s)
    out = tuple(out)
    if out == src:
        return apply(View, input, shape=out)
    return apply(Expand, input, shape=out)


def expand_as(input, other):
    return expand(input, other.shape)


def squeeze(input, dim=None):
    shape = input._data.shape
    if dim is None:
        new = tuple(s for s in shape if s != 1)
    else:
        dims = dim if isinstance(dim, (list, tuple)) else (dim,)
        dims = {_wrap_dim(d, input.ndim) for d in dims}
        new = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    return apply(View, input, shape=new)


def unsqueeze(input, dim: int):
    nd = input.ndim + 1
    d = _wrap_dim(dim, nd)
    shape = list(input._data.shape)
    shape.insert(d, 1)
    return apply(View, input, shape=tuple(shape))


def flatten(input, start_dim: int = 0, end_dim: int = -1):
    nd = input.ndim
    if nd == 0:
        return reshape(input, (1,))
    s, e = _wrap_dim(start_dim, nd), _wrap_dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    shape = input._data.shape
    n = 1
    for x in shape[s:e + 1]:
        n *= x
    return reshape(input, shape[:s] + (n,) + shape[e + 1:])


def unflatten(input, dim: int, sizes):
    nd = input.ndim
    d = _wrap_dim(dim, nd)
    shape = input._data.shape
    sizes = _infer_shape(tuple(sizes), shape[d])
    return reshape(input, shape[:d] + tuple(sizes) + shape[d + 1:])


def ravel(input):
    return reshape(input, (-1,))


class Contiguous(Op):
    def forward(ctx, xp, x):
        return xp.ascontiguousarray(x)

    def backward(ctx, g):
        return g


def contiguous(input, memory_format=None):
    if input._data.flags.c_contiguous:
        return input
    return apply(Contiguous, input)


class Clone(Op):
    def forward(ctx, xp, x):
        return x.copy()

    def backward(ctx, g):
        return g


def clone(input, *, memory_format=None):
    return apply(Clone, input)
