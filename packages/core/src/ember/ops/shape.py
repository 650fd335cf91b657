"""Shape and view ops: view/reshape, permute/transpose, squeeze/unsqueeze, expand, flatten, ..."""
from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor, _wrap_dim
from ..autograd.grad_mode import GradMode
from ._op import NULL, Op, apply


def _shape_arg(shape):
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = tuple(shape[0])
    for s in shape:
        if s.__class__ is not int:  # numpy ints, 0-d tensors, SymInt-likes: convert once
            return tuple(int(s) for s in shape)
    return shape


def _infer_shape(shape, numel, op="view"):
    if -1 not in shape and math.prod(shape) == numel and (not shape or min(shape) >= 0):
        return shape  # the common case: a fully specified, valid shape
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
    if not (input._rg and GradMode.enabled):  # no graph: make the view directly (same checks as View.forward)
        # View.forward uses only array methods, so no array module is needed
        return input._make_view(View.forward(NULL, None, input._data, shape), (View, {"shape": shape}))
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


# ``t()``: a Transpose whose grad_fn is named ``TBackward0`` as in torch; private so ``ember.T`` is not exported
_T = type("T", (Transpose,), {"__module__": __name__})


def t(input):
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return apply(_T, input, d0=0, d1=1) if input.ndim == 2 else input.view(input.shape)


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


# -- views through a basic index key: select, narrow, slicing -----------------------------------------------
def _full_key(key):
    """Ensure the key ends in an Ellipsis so NumPy returns a 0-d *view* rather than a scalar copy."""
    return key if any(k is Ellipsis for k in key) else key + (Ellipsis,)


class _KeyView(Op):
    """``x[key]`` for a basic key (ints, slices, None, Ellipsis): a view; backward scatters into zeros."""

    is_view = True

    def forward(ctx, xp, x, key):
        ctx.shape, ctx.key = x.shape, key
        return x[key]

    def backward(ctx, g):
        return apply(ViewScatter, g, shape=ctx.shape, key=ctx.key)


class Select(_KeyView):
    pass


class Slice(_KeyView):
    pass


class ViewScatter(Op):
    """zeros(shape) with ``g`` written at the basic ``key``: the gradient of a basic-index view."""

    def forward(ctx, xp, g, shape, key):
        ctx.key = key
        out = xp.zeros(shape, g.dtype)
        out[key] = g
        return out

    def backward(ctx, gg):
        return apply(Slice, gg, key=ctx.key)


def select(input, dim: int, index: int):
    """The slice ``input[..., index, ...]`` along ``dim`` (a view with one dimension fewer)."""
    nd = input.ndim
    if nd == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, nd)
    n = input._data.shape[d]
    index = int(index)
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {list(input.shape)} at "
                         f"dimension {d}")
    return apply(Select, input, key=(slice(None),) * d + (index % n if n else index, Ellipsis))


def narrow(input, dim: int, start, length: int):
    """The view ``input[..., start:start+length, ...]`` along ``dim``."""
    nd = input.ndim
    if nd == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, nd)
    n = input._data.shape[d]
    start, length = int(start), int(length)
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got {start})")
    if start < 0:
        start += n
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return apply(Slice, input, key=(slice(None),) * d + (slice(start, start + length), Ellipsis))


def movedim(input, source, destination):
    """Move dims ``source`` to positions ``destination`` (a permuted view)."""
    nd = input.ndim
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({src} dims) should contain the "
                           f"same number of dims as destination ({dst} dims)")
    src = [_wrap_dim(d, nd) for d in src]
    dst = [_wrap_dim(d, nd) for d in dst]
    if len(set(src)) != len(src):
        raise RuntimeError(f"movedim: repeated dim in `source` ({_shape_arg((source,))})")
    if len(set(dst)) != len(dst):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({_shape_arg((destination,))})")
    order = [d for d in range(nd) if d not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return apply(Permute, input, dims=tuple(order))


moveaxis = movedim


# -- strided views: diagonal, unfold, as_strided ------------------------------------------------------------
def _diag_view(xp, x, offset, d1, d2):
    """Writable strided view of the diagonal of dims (d1, d2), appended as the last dim (like torch)."""
    n1, n2 = x.shape[d1], x.shape[d2]
    if offset >= 0:
        length, s1, s2 = max(min(n1, n2 - offset), 0), 0, offset
    else:
        length, s1, s2 = max(min(n1 + offset, n2), 0), -offset, 0
    key = [slice(None)] * x.ndim
    key[d1], key[d2] = slice(min(s1, n1), None), slice(min(s2, n2), None)
    y = x[tuple(key)]
    keep = [i for i in range(x.ndim) if i not in (d1, d2)]
    shape = tuple(x.shape[i] for i in keep) + (length,)
    strides = tuple(x.strides[i] for i in keep) + (x.strides[d1] + x.strides[d2],)
    return xp.lib.stride_tricks.as_strided(y, shape=shape, strides=strides)


class Diagonal(Op):
    is_view = True

    def forward(ctx, xp, x, offset, dim1, dim2):
        ctx.shape, ctx.args = x.shape, (offset, dim1, dim2)
        return _diag_view(xp, x, offset, dim1, dim2)

    def backward(ctx, g):
        return apply(DiagEmbed, g, shape=ctx.shape, offset=ctx.args[0], dim1=ctx.args[1], dim2=ctx.args[2])


class DiagEmbed(Op):
    """zeros(shape) with the last dim of ``x`` on the (offset, dim1, dim2) diagonal."""

    def forward(ctx, xp, x, shape, offset, dim1, dim2):
        ctx.args = (offset, dim1, dim2)
        out = xp.zeros(shape, x.dtype)
        _diag_view(xp, out, offset, dim1, dim2)[...] = x
        return out

    def backward(ctx, g):
        return apply(Diagonal, g, offset=ctx.args[0], dim1=ctx.args[1], dim2=ctx.args[2])


def _diag_dims(nd, dim1, dim2):
    d1, d2 = _wrap_dim(dim1, nd), _wrap_dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


def diagonal(input, offset: int = 0, dim1: int = 0, dim2: int = 1):
    """The (offset) diagonal of dims (dim1, dim2) as the last dim: a view."""
    d1, d2 = _diag_dims(input.ndim, dim1, dim2)
    return apply(Diagonal, input, offset=int(offset), dim1=d1, dim2=d2)


def diag_embed(input, offset: int = 0, dim1: int = -2, dim2: int = -1):
    """Put the last dim of ``input`` on the diagonal of a new pair of dims (dim1, dim2)."""
    nd = input.ndim + 1
    d1, d2 = _diag_dims(nd, dim1, dim2)
    rest = list(input._data.shape[:-1])
    n = (input._data.shape[-1] if input.ndim else 1) + abs(int(offset))
    for d in sorted((d1, d2)):
        rest.insert(d, n)
    x = input if input.ndim else input.reshape(1)
    return apply(DiagEmbed, x, shape=tuple(rest), offset=int(offset), dim1=d1, dim2=d2)


def diag(input, diagonal: int = 0):
    """1-D -> 2-D matrix with ``input`` on a diagonal; 2-D -> 1-D copy of a diagonal."""
    if input.ndim == 1:
        return diag_embed(input, diagonal, 0, 1)
    if input.ndim == 2:
        return clone(apply(Diagonal, input, offset=int(diagonal), dim1=0, dim2=1))
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D")


def trace(input):
    """Sum of the main diagonal of a matrix."""
    if input.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {input.ndim}")
    return apply(Diagonal, input, offset=0, dim1=0, dim2=1).sum()


class Unfold(Op):
    """Sliding windows of ``size`` every ``step`` along ``dim``, as a strided view (windows in a new last dim)."""

    is_view = True

    def forward(ctx, xp, x, dim, size, step):
        ctx.shape, ctx.args = x.shape, (dim, size, step)
        if x.ndim == 0:
            return x.reshape((1,) * size) if size else x.reshape(1)[:0]
        count = (x.shape[dim] - size) // step + 1
        shape = x.shape[:dim] + (count,) + x.shape[dim + 1:] + (size,)
        st = x.strides
        strides = st[:dim] + (st[dim] * step,) + st[dim + 1:] + (st[dim],)
        return xp.lib.stride_tricks.as_strided(x, shape=shape, strides=strides)

    def backward(ctx, g):
        if not ctx.shape:
            return g.reshape(())
        return apply(UnfoldBackward, g, shape=ctx.shape, dim=ctx.args[0], size=ctx.args[1], step=ctx.args[2])


class UnfoldBackward(Op):
    """Sum overlapping windows back into the input's shape (one strided add per window position)."""

    def forward(ctx, xp, g, shape, dim, size, step):
        ctx.args = (dim, size, step)
        out = xp.zeros(shape, g.dtype)
        count = g.shape[dim]
        lead = (slice(None),) * dim
        for i in range(size):  # loop over the window length only; each step is one vectorised add
            out[lead + (slice(i, i + step * (count - 1) + 1, step),)] += g[..., i]
        return out

    def backward(ctx, gg):
        return apply(Unfold, gg, dim=ctx.args[0], size=ctx.args[1], step=ctx.args[2])


def unfold(input, dimension: int, size: int, step: int):
    """Tensor.unfold: a view of all windows of length ``size`` taken every ``step`` along ``dimension``."""
    d = _wrap_dim(dimension, input.ndim)
    n = input._data.shape[d] if input.ndim else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    return apply(Unfold, input, dim=d, size=int(size), step=int(step))


class AsStrided(Op):
    """A view with explicit sizes/strides (elements) starting ``rel`` elements past the input's first element."""

    is_view = True

    def forward(ctx, xp, x, size, stride, rel):
        it = x.itemsize
        ctx.in_shape, ctx.in_strides = x.shape, tuple(s // it for s in x.strides)
        ctx.args = (size, stride, rel)
        start = xp.lib.stride_tricks.as_strided(x, shape=(rel + 1,), strides=(it,))[rel:]
        return xp.lib.stride_tricks.as_strided(start, shape=size, strides=tuple(s * it for s in stride))

    def backward(ctx, g):
        from .indexing import take  # noqa: PLC0415

        size, stride, rel = ctx.args
        pos_out = _positions(np, size, stride, rel)
        pos_in = _positions(np, ctx.in_shape, ctx.in_strides, 0)
        m = int(max(pos_out.max(initial=-1), pos_in.max(initial=-1))) + 1
        idx_out = Tensor._wrap(pos_out.reshape(-1))
        idx_in = Tensor._wrap(pos_in)
        if g._data.__class__ is not np.ndarray:
            idx_out, idx_in = idx_out.to(g.device), idx_in.to(g.device)
        storage = g.new_zeros((m,)).index_add(0, idx_out, g.reshape(-1))
        return take(storage, idx_in)


def _positions(xp, shape, strides, offset):
    """Storage positions (elements) of every element of a strided layout, as an int64 array of ``shape``."""
    pos = xp.full(tuple(shape), offset, dtype=np.int64)
    for d, (n, s) in enumerate(zip(shape, strides)):
        r = xp.arange(n, dtype=np.int64) * s
        pos = pos + r.reshape((n,) + (1,) * (len(shape) - d - 1))
    return pos


def as_strided(input, size, stride, storage_offset: int | None = None):
    """A view of ``input``'s storage with the given sizes and strides (in elements)."""
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    if len(size) != len(stride):
        raise RuntimeError("mismatch in length of strides and shape")
    own = input.storage_offset()
    off = own if storage_offset is None else int(storage_offset)
    root = input._base if input._base is not None else input
    need = 1 + sum((n - 1) * s for n, s in zip(size, stride)) if all(size) else 0
    if off + need > root._data.size or off < own:
        raise RuntimeError(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {off}, and "
                           f"itemsize {input._data.itemsize} requiring a storage size of "
                           f"{(off + need) * input._data.itemsize} are out of bounds for storage of size "
                           f"{root._data.size * input._data.itemsize}")
    return apply(AsStrided, input, size=size, stride=stride, rel=off - own)


# -- reordering copies: flip, roll, rot90 -----------------------------------------------------------------
def _dim_list(dims, nd):
    ds = [_wrap_dim(int(d), nd) for d in ((dims,) if isinstance(dims, int) else dims)]
    if len(set(ds)) != len(ds):
        raise RuntimeError(f"dim {ds[0]} appears multiple times in the list of dims")
    return tuple(ds)


class Flip(Op):
    def forward(ctx, xp, x, dims):
        ctx.dims = dims
        return xp.flip(x, axis=dims).copy() if dims else x.copy()

    def backward(ctx, g):
        return apply(Flip, g, dims=ctx.dims)


def flip(input, *args, dims=None):
    """Reverse the order of elements along ``dims`` (a copy); ``Tensor.flip(*dims)`` also works."""
    dims = _shape_arg(args) if args else (() if dims is None else _shape_arg((dims,)))
    return apply(Flip, input, dims=_dim_list(dims, input.ndim))


def fliplr(input):
    """Flip left/right (dim 1); needs at least 2 dims."""
    if input.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


def flipud(input):
    """Flip up/down (dim 0); needs at least 1 dim."""
    if input.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


class Roll(Op):
    def forward(ctx, xp, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        if dims is None:
            return xp.roll(x.reshape(-1), shifts[0]).reshape(x.shape)
        return xp.roll(x, shifts, axis=dims)

    def backward(ctx, g):
        return apply(Roll, g, shifts=tuple(-s for s in ctx.shifts), dims=ctx.dims)


def roll(input, shifts, dims=None):
    """Roll elements along ``dims`` by ``shifts`` (flattened when ``dims`` is None)."""
    shifts = (int(shifts),) if isinstance(shifts, (int, np.integer)) else tuple(int(s) for s in shifts)
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        return apply(Roll, input, shifts=shifts, dims=None)
    dims = (dims,) if isinstance(dims, (int, np.integer)) else tuple(dims)
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}")
    nd = input.ndim
    return apply(Roll, input, shifts=shifts, dims=tuple(_wrap_dim(int(d), nd) for d in dims))


def rot90(input, k: int = 1, dims=(0, 1)):
    """Rotate by 90 degrees ``k`` times in the plane of ``dims`` (from the first towards the second)."""
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    nd = input.ndim
    if nd < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {nd}")
    d0, d1 = _wrap_dim(dims[0], nd), _wrap_dim(dims[1], nd)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}")
    k = k % 4
    if k == 1:
        return transpose(flip(input, (d1,)), d0, d1)
    if k == 2:
        return flip(input, (d0, d1))
    if k == 3:
        return flip(transpose(input, d0, d1), (d1,))
    return clone(input)


# -- broadcasting and at-least-nd --------------------------------------------------------------------------
def broadcast_shapes(*shapes):
    """The shape all ``shapes`` broadcast to (ints count as 1-D shapes)."""
    from .._tensor import Size  # noqa: PLC0415

    shapes = [(int(s),) if isinstance(s, (int, np.integer)) else tuple(int(x) for x in s) for s in shapes]
    n = max((len(s) for s in shapes), default=0)
    out = [1] * n
    for s in shapes:
        for i in range(1, len(s) + 1):
            if s[-i] < 0:
                raise RuntimeError(f"Trying to create tensor with negative dimension {s[-i]}: {list(s)}")
            if out[-i] == 1:
                out[-i] = s[-i]
    for k, s in enumerate(shapes):
        for i in range(1, len(s) + 1):
            if s[-i] != out[-i] and s[-i] != 1:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {s[-i]} at {-i}! Mismatching "
                                   f"argument at index {k} had {tuple(s)}; but expected shape should be "
                                   f"broadcastable to {out}")
    return Size(out)


def broadcast_to(input, size):
    """``input.expand(size)``: a broadcast view."""
    return expand(input, tuple(size))


def broadcast_tensors(*tensors):
    """Expand all tensors to their common broadcast shape (views)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    out = _bcast_shape([t._data.shape for t in tensors])
    return tuple(expand(t, out) for t in tensors)


def _bcast_shape(shapes):
    """Broadcast shape of tensors' shapes, with torch's 'size of tensor a ... b' error."""
    n = max((len(s) for s in shapes), default=0)
    out = [1] * n
    for s in shapes:
        for i in range(1, len(s) + 1):
            a, b = out[-i], s[-i]
            if a != b and a != 1 and b != 1:
                raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b ({b}) at "
                                   f"non-singleton dimension {n - i}")
            if a == 1:
                out[-i] = b
    return tuple(out)


def _atleast(tensors, fn):
    if len(tensors) == 1 and isinstance(tensors[0], Tensor):
        return fn(tensors[0])
    if len(tensors) == 1:
        tensors = tuple(tensors[0])
    return tuple(fn(t) for t in tensors)


def atleast_1d(*tensors):
    """Views with at least one dim (0-d -> shape (1,)); a tuple for several inputs."""
    return _atleast(tensors, lambda t: reshape(t, (1,)) if t.ndim == 0 else t)


def atleast_2d(*tensors):
    """Views with at least two dims (1-D (n,) -> (1, n))."""
    return _atleast(tensors, lambda t: reshape(t, (1,) * (2 - t.ndim) + t._data.shape) if t.ndim < 2 else t)


def atleast_3d(*tensors):
    """Views with at least three dims ((n,) -> (1, n, 1), (m, n) -> (m, n, 1))."""
    def f(t):
        s = t._data.shape
        if t.ndim == 0:
            return reshape(t, (1, 1, 1))
        if t.ndim == 1:
            return reshape(t, (1, s[0], 1))
        if t.ndim == 2:
            return reshape(t, s + (1,))
        return t
    return _atleast(tensors, f)
