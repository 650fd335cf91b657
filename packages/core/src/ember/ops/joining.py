"""Joining, splitting and replicating ops: cat/stack and friends, split/chunk/unbind, repeat/tile."""
from __future__ import annotations

import numpy as np

from .._dtype import result_type
from .._tensor import Tensor, _wrap_dim
from ._op import Op, apply
from .shape import (Diagonal, Select, Slice, ViewScatter, _diag_view, atleast_1d, atleast_2d, atleast_3d, clone,
                    diag_embed, narrow, reshape)

__all__ = ["cat", "concat", "concatenate", "stack", "hstack", "vstack", "row_stack", "dstack", "column_stack",
           "split", "chunk", "unbind", "tensor_split", "hsplit", "vsplit", "dsplit", "repeat", "tile",
           "repeat_interleave", "slice_scatter", "select_scatter", "diagonal_scatter", "diagflat", "narrow_copy",
           "view_as_real", "view_as_complex"]


def _tensor_list(tensors, op):
    if isinstance(tensors, Tensor):
        raise TypeError(f"{op}(): argument 'tensors' must be tuple of Tensors, not Tensor")
    tensors = list(tensors)
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t).__name__}")
    return tensors


def _out(res, out):
    if out is None:
        return res
    out._assign_result(res)
    return out


# -- cat / stack -------------------------------------------------------------------------------------------
class Cat(Op):
    def forward(ctx, xp, *xs, dim, dtype, skip):
        ctx.dim, ctx.skip = dim, skip
        ctx.sizes = tuple(x.shape[dim] if not s else 0 for x, s in zip(xs, skip))
        arrs = [x if x.dtype == dtype else x.astype(dtype) for x, s in zip(xs, skip) if not s]
        return xp.concatenate(arrs, axis=dim)

    def backward(ctx, g):
        grads, off = [], 0
        for n, s in zip(ctx.sizes, ctx.skip):
            if s:  # a legacy (0,)-shaped input that cat ignored: an empty gradient of its own shape
                grads.append(g.new_zeros((0,)))
                continue
            grads.append(apply(Slice, g, key=(slice(None),) * ctx.dim + (slice(off, off + n), Ellipsis)))
            off += n
        return tuple(grads)


def cat(tensors, dim: int = 0, *, out=None) -> Tensor:
    """Concatenate tensors along ``dim`` with type promotion; 1-D empty tensors are skipped (like torch)."""
    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    a0 = tensors[0]._data
    nd, dt0 = a0.ndim, a0.dtype
    if nd and a0.shape != (0,) and -nd <= dim < nd and all(t._data.dtype is dt0 and t._data.ndim == nd
                                                          for t in tensors):
        # common case (same dtype and rank, no legacy empties): let concatenate check the sizes, and only on
        # failure run the checks below for torch's message
        try:
            return _out(apply(Cat, *tensors, dim=dim % nd, dtype=dt0, skip=(False,) * len(tensors)), out)
        except ValueError:
            pass
    for i, t in enumerate(tensors):
        if t.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    ref_i = next((i for i, t in enumerate(tensors) if t._data.shape != (0,)), None)
    skip = tuple(ref_i is not None and t._data.shape == (0,) for t in tensors)
    ref = tensors[ref_i if ref_i is not None else 0]
    nd = ref.ndim
    d = _wrap_dim(dim, nd)
    rs = ref._data.shape
    for i, t in enumerate(tensors):
        if skip[i]:
            continue
        s = t._data.shape
        if len(s) != nd:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {nd} and {len(s)}")
        for k in range(nd):
            if k != d and s[k] != rs[k]:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. Expected size {rs[k]} "
                                   f"but got size {s[k]} for tensor number {i} in the list.")
    dt = result_type(*tensors) if len(tensors) > 1 else tensors[0].dtype
    return _out(apply(Cat, *tensors, dim=d, dtype=dt.np, skip=skip), out)


concat = cat


def concatenate(tensors, axis: int = 0, out=None, *, dim: int | None = None) -> Tensor:
    """Alias of :func:`cat` with NumPy's ``axis`` name (``dim`` is accepted too, like torch)."""
    return cat(tensors, axis if dim is None else dim, out=out)


class Stack(Op):
    def forward(ctx, xp, *xs, dim, dtype):
        ctx.dim = dim
        return xp.stack([x if x.dtype == dtype else x.astype(dtype) for x in xs], axis=dim)

    def backward(ctx, g):
        return unbind(g, ctx.dim)


def stack(tensors, dim: int = 0, *, out=None) -> Tensor:
    """Join equally shaped tensors along a new dim ``dim``."""
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    s0 = tensors[0]._data.shape
    for i, t in enumerate(tensors[1:], 1):
        if t._data.shape != s0:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(s0)} at entry 0 and "
                               f"{list(t.shape)} at entry {i}")
    d = _wrap_dim(dim, len(s0) + 1)
    dt = result_type(*tensors) if len(tensors) > 1 else tensors[0].dtype
    return _out(apply(Stack, *tensors, dim=d, dtype=dt.np), out)


def _nonempty(tensors, op):
    tensors = _tensor_list(tensors, op)
    if not tensors:
        raise RuntimeError(f"{op} expects a non-empty TensorList")
    return tensors


def hstack(tensors, *, out=None) -> Tensor:
    """Concatenate column-wise (dim 1; dim 0 for 1-D tensors)."""
    ts = atleast_1d(_nonempty(tensors, "hstack"))
    return cat(ts, 0 if ts[0].ndim == 1 else 1, out=out)


def vstack(tensors, *, out=None) -> Tensor:
    """Concatenate row-wise after making every tensor at least 2-D."""
    return cat(atleast_2d(_nonempty(tensors, "vstack")), 0, out=out)


row_stack = vstack


def dstack(tensors, *, out=None) -> Tensor:
    """Concatenate depth-wise (dim 2) after making every tensor at least 3-D."""
    return cat(atleast_3d(_nonempty(tensors, "dstack")), 2, out=out)


def column_stack(tensors, *, out=None) -> Tensor:
    """Stack 0-D/1-D tensors as columns (and concatenate 2-D ones) along dim 1."""
    ts = _nonempty(tensors, "column_stack")
    ts = [reshape(t, (t.numel(), 1)) if t.ndim <= 1 else t for t in ts]
    return cat(ts, 1, out=out)


# -- splitting into views -----------------------------------------------------------------------------------
def _respec(outs, cls, keys):
    """Give each output of a multi-output view op its own single-output replay spec (NOTE [ in-place on views ])."""
    for o, k in zip(outs, keys):
        if o._view_fn is not None:
            o._view_fn = (o._view_fn[0], (cls, {"key": k}))
    return outs


class Unbind(Op):
    is_view = True

    def forward(ctx, xp, x, dim, keys):
        ctx.dim = dim
        return tuple(x[k] for k in keys)

    def backward(ctx, *grads):
        return stack(grads, ctx.dim)


def unbind(input, dim: int = 0) -> tuple:
    """All slices along ``dim`` as a tuple of views."""
    if input.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = _wrap_dim(dim, input.ndim)
    keys = tuple((slice(None),) * d + (i, Ellipsis) for i in range(input._data.shape[d]))
    if not keys:
        return ()
    return _respec(apply(Unbind, input, dim=d, keys=keys), Select, keys)


class Pieces(Op):
    """Views of ``x`` along ``dim`` over [start, stop) bounds (split, chunk, tensor_split)."""

    is_view = True

    def forward(ctx, xp, x, dim, keys):
        ctx.dim, ctx.shape, ctx.keys = dim, x.shape, keys
        return tuple(x[k] for k in keys)

    def backward(ctx, *grads):
        d, keys = ctx.dim, ctx.keys
        spans = [k[d] for k in keys]
        if spans[0].start == 0 and spans[-1].stop == ctx.shape[d] and all(
                a.stop == b.start for a, b in zip(spans, spans[1:])):
            return cat(grads, d)  # the pieces tile the input: one concatenation
        total = None
        for g, k in zip(grads, keys):
            part = apply(ViewScatter, g, shape=ctx.shape, key=k)
            total = part if total is None else total + part
        return total


def _pieces(input, d, bounds):
    keys = tuple((slice(None),) * d + (slice(a, b), Ellipsis) for a, b in bounds)
    return _respec(apply(Pieces, input, dim=d, keys=keys), Slice, keys)


def split(tensor, split_size_or_sections, dim: int = 0) -> tuple:
    """Split into views of ``split_size`` (last one smaller) or of the given list of sizes."""
    if tensor.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, tensor.ndim)
    n = tensor._data.shape[d]
    if isinstance(split_size_or_sections, (int, np.integer)) or (
            isinstance(split_size_or_sections, Tensor) and split_size_or_sections.ndim == 0):
        s = int(split_size_or_sections)
        if s < 0:
            raise RuntimeError(f"split expects split_size be non-negative, but got split_size={s}")
        if s == 0 and n != 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension size of {n}")
        if n == 0:
            return _pieces(tensor, d, [(0, 0)])
        return _pieces(tensor, d, [(a, min(a + s, n)) for a in range(0, n, s)])
    sizes = [int(s) for s in split_size_or_sections]
    if sum(sizes) != n or any(s < 0 for s in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                           f"dimension {d}), but got split_sizes={sizes}")
    starts = np.cumsum([0] + sizes).tolist()
    return _pieces(tensor, d, list(zip(starts[:-1], starts[1:])))


def chunk(input, chunks: int, dim: int = 0) -> tuple:
    """Split into ``chunks`` views of size ceil(n / chunks) (fewer when they run out)."""
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    if input.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    d = _wrap_dim(dim, input.ndim)
    n = input._data.shape[d]
    if n == 0:
        return _pieces(input, d, [(0, 0)] * chunks)
    return split(input, -(-n // chunks), d)


def tensor_split(input, indices_or_sections, dim: int = 0) -> tuple:
    """Split into ``n`` near-equal views, or at the given indices (NumPy's array_split)."""
    if input.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims")
    ios = indices_or_sections
    if isinstance(ios, Tensor):
        if ios.ndim > 1:
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to be a zero-dimensional or "
                               f"one-dimensional tensor, but got a tensor with {ios.ndim} dims")
        ios = ios.item() if ios.ndim == 0 else ios.tolist()
    d = _wrap_dim(dim, input.ndim)
    n = input._data.shape[d]
    if isinstance(ios, (int, np.integer)):
        k = int(ios)
        if k <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {k}")
        q, r = divmod(n, k)
        sizes = [q + 1] * r + [q] * (k - r)
        starts = np.cumsum([0] + sizes).tolist()
        return _pieces(input, d, list(zip(starts[:-1], starts[1:])))
    idx = [min(max(int(i) + (n if int(i) < 0 else 0), 0), n) for i in ios]
    edges = [0] + idx + [n]
    return _pieces(input, d, [(a, max(a, b)) for a, b in zip(edges[:-1], edges[1:])])


def _split_dim(input, ios, dim, op):
    if isinstance(ios, (int, np.integer)):
        n = input._data.shape[dim]
        if ios == 0 or n % ios:
            raise RuntimeError(f"torch.{op} attempted to split along dimension {dim}, but the size of the "
                               f"dimension {n} is not divisible by the split_size {ios}!")
    return tensor_split(input, ios, dim)


def hsplit(input, indices_or_sections) -> tuple:
    """tensor_split along dim 1 (dim 0 for 1-D)."""
    if input.ndim < 1:
        raise RuntimeError(f"torch.hsplit requires a tensor with at least 1 dimension, but got a tensor with "
                           f"{input.ndim} dimensions!")
    return _split_dim(input, indices_or_sections, 0 if input.ndim == 1 else 1, "hsplit")


def vsplit(input, indices_or_sections) -> tuple:
    """tensor_split along dim 0 (needs at least 2 dims)."""
    if input.ndim < 2:
        raise RuntimeError(f"torch.vsplit requires a tensor with at least 2 dimension, but got a tensor with "
                           f"{input.ndim} dimensions!")
    return _split_dim(input, indices_or_sections, 0, "vsplit")


def dsplit(input, indices_or_sections) -> tuple:
    """tensor_split along dim 2 (needs at least 3 dims)."""
    if input.ndim < 3:
        raise RuntimeError(f"torch.dsplit requires a tensor with at least 3 dimension, but got a tensor with "
                           f"{input.ndim} dimensions!")
    return _split_dim(input, indices_or_sections, 2, "dsplit")


# -- replicating: repeat, tile, repeat_interleave -------------------------------------------------------------
class Repeat(Op):
    def forward(ctx, xp, x, reps):
        lead = len(reps) - x.ndim
        padded = (1,) * lead + x.shape
        ctx.in_shape, ctx.padded, ctx.reps = x.shape, padded, reps
        return xp.tile(x.reshape(padded), reps)

    def backward(ctx, g):
        inter = []
        for r, s in zip(ctx.reps, ctx.padded):
            inter += [r, s]
        return g.reshape(tuple(inter)).sum(tuple(range(0, len(inter), 2))).reshape(ctx.in_shape)


def repeat(input, *sizes) -> Tensor:
    """Tensor.repeat: tile ``input`` ``sizes[i]`` times along each dim (leading new dims allowed)."""
    reps = tuple(int(s) for s in (sizes[0] if len(sizes) == 1 and isinstance(sizes[0], (list, tuple))
                                  else sizes))
    if len(reps) < input.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of dimensions of "
                           "tensor")
    padded = (1,) * (len(reps) - input.ndim) + input._data.shape
    for r, s in zip(reps, padded):
        if r < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {r * s}: "
                               f"{[a * b for a, b in zip(reps, padded)]}")
    return apply(Repeat, input, reps=reps)


def tile(input, dims) -> Tensor:
    """Like :func:`repeat`, but ``dims`` shorter than ``input.ndim`` is padded with leading ones."""
    dims = (int(dims),) if isinstance(dims, (int, np.integer)) else tuple(int(d) for d in dims)
    return repeat(input, (1,) * (input.ndim - len(dims)) + dims)


class RepeatInterleave(Op):
    def forward(ctx, xp, x, reps, dim):
        ctx.dim, ctx.in_shape, ctx.reps = dim, x.shape, reps
        return xp.repeat(x, reps, axis=dim)

    def backward(ctx, g):
        d, shape, reps = ctx.dim, ctx.in_shape, ctx.reps
        if isinstance(reps, int):
            return g.reshape(shape[:d] + (shape[d], reps) + shape[d + 1:]).sum(d + 1)
        idx = Tensor._wrap(np.repeat(np.arange(shape[d], dtype=np.int64), reps))
        if not g.is_cpu:
            idx = idx.to(g.device)
        return g.new_zeros(shape).index_add(d, idx, g)


def repeat_interleave(input, repeats=None, dim: int | None = None, *, output_size: int | None = None) -> Tensor:
    """Repeat each element ``repeats`` times along ``dim`` (flattened when None); ``repeat_interleave(r)``
    with a single int tensor gives ``arange(len(r))`` repeated by ``r``."""
    if repeats is None:
        r = input
        if r.ndim != 1 or r._data.dtype.kind not in "iu":
            raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
        from .creation import arange  # noqa: PLC0415

        return repeat_interleave(arange(r.shape[0], device=r.device), r, 0)
    if dim is None:
        input = reshape(input, (-1,))
        d = 0
    else:
        d = _wrap_dim(dim, input.ndim)
    n = input._data.shape[d] if input.ndim else 1
    if input.ndim == 0:
        input = reshape(input, (1,))
    if isinstance(repeats, Tensor) and repeats.ndim == 0:
        repeats = int(repeats.item())
    if isinstance(repeats, (int, np.integer)):
        if repeats < 0:
            raise RuntimeError("Repeats must be non-negative")
        reps = int(repeats)
    else:
        r = np.asarray(repeats.cpu()._data if isinstance(repeats, Tensor) else repeats, dtype=np.int64)
        if r.ndim != 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        if (r < 0).any():
            raise RuntimeError("repeats can not be negative")
        if r.shape[0] == 1:
            reps = int(r[0])
        elif r.shape[0] != n:
            raise RuntimeError(f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                               f"{r.shape[0]} and input.size(0) = {n}")
        else:
            reps = r.tolist()
    out = apply(RepeatInterleave, input, reps=reps, dim=d)
    if output_size is not None and out.shape[d] != output_size:
        raise RuntimeError("repeat_interleave: Allocated size does not match required size")
    return out


# -- scatter-into-view ops: slice_scatter / select_scatter / diagonal_scatter ----------------------------------
class ViewScatterInto(Op):
    """A copy of ``x`` with ``src`` written into one of its views (a basic-index key or a diagonal)."""

    def forward(ctx, xp, x, src, key, diag):
        ctx.key, ctx.diag = key, diag
        out = x.copy()
        if diag is None:
            out[key] = src
        else:
            _diag_view(xp, out, *diag)[...] = src
        return out

    def backward(ctx, g):
        from .creation import zeros_like  # noqa: PLC0415

        view = apply(Slice, g, key=ctx.key) if ctx.diag is None else apply(
            Diagonal, g, offset=ctx.diag[0], dim1=ctx.diag[1], dim2=ctx.diag[2])
        # the input's gradient is g with the overwritten region zeroed: the same op with a zero source
        gx = apply(ViewScatterInto, g, zeros_like(view), key=ctx.key, diag=ctx.diag)
        return gx, view


def _scatter_into(op, input, src, view, key=None, diag=None):
    if not isinstance(src, Tensor):
        raise TypeError(f"{op}(): argument 'src' (position 2) must be Tensor, not {type(src).__name__}")
    if tuple(src.shape) != tuple(view.shape):
        raise RuntimeError(f"expected src to have a size equal to the slice of self. src size = {list(src.shape)}, "
                           f"slice size = {list(view.shape)}")
    if src.dtype != input.dtype:
        src = src.to(input.dtype)
    return apply(ViewScatterInto, input, src, key=key, diag=diag)


def slice_scatter(input, src, dim: int = 0, start: int | None = None, end: int | None = None,
                  step: int = 1) -> Tensor:
    """A copy of ``input`` with ``src`` embedded at ``input[..., start:end:step, ...]`` along ``dim``."""
    if input.ndim == 0:
        raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, input.ndim)
    if step <= 0:
        raise RuntimeError("slice step must be positive")
    key = (slice(None),) * d + (slice(start, end, step), Ellipsis)
    return _scatter_into("slice_scatter", input, src, input._data[key], key=key)


def select_scatter(input, src, dim: int, index: int) -> Tensor:
    """A copy of ``input`` with ``src`` embedded at ``input.select(dim, index)``."""
    view = input.detach().select(dim, index)  # validates dim/index with select's errors
    d = _wrap_dim(dim, input.ndim)
    n = input._data.shape[d]
    key = (slice(None),) * d + (int(index) % n, Ellipsis)
    return _scatter_into("select_scatter", input, src, view, key=key)


def diagonal_scatter(input, src, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """A copy of ``input`` with ``src`` embedded on its (offset, dim1, dim2) diagonal."""
    view = input.detach().diagonal(offset, dim1, dim2)
    d1, d2 = _wrap_dim(dim1, input.ndim), _wrap_dim(dim2, input.ndim)
    return _scatter_into("diagonal_scatter", input, src, view, diag=(int(offset), d1, d2))


def diagflat(input, offset: int = 0) -> Tensor:
    """A 2-D tensor with the flattened ``input`` on its ``offset`` diagonal."""
    return diag_embed(reshape(input, (-1,)), offset, 0, 1)


def narrow_copy(input, dim: int, start: int, length: int) -> Tensor:
    """Like :func:`narrow`, but returns a copy instead of a view."""
    return clone(narrow(input, dim, start, length))


# -- real views of complex tensors ----------------------------------------------------------------------------
class ViewAsReal(Op):
    is_view = True

    def forward(ctx, xp, x):
        r = x.real  # a float view with x's strides; the imaginary part sits half an element further on
        return xp.lib.stride_tricks.as_strided(r, shape=x.shape + (2,), strides=x.strides + (r.itemsize,))

    def backward(ctx, g):
        from .creation import complex as _complex  # noqa: PLC0415

        return _complex(g.select(-1, 0), g.select(-1, 1))


class ViewAsComplex(Op):
    is_view = True

    def forward(ctx, xp, x):
        cdt = np.complex64 if x.dtype == np.float32 else np.complex128
        return x.view(cdt)[..., 0]

    def backward(ctx, g):
        return stack([g.real, g.imag], -1)


def view_as_real(input) -> Tensor:
    """A real view of a complex tensor: a trailing dim of size 2 holds (real, imaginary); shares storage."""
    if not input.is_complex():
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return apply(ViewAsReal, input)


def view_as_complex(input) -> Tensor:
    """A complex view of a real tensor whose last dim has size 2 and stride 1; shares storage."""
    a = input._data
    if a.dtype not in (np.float32, np.float64):
        raise RuntimeError(f"view_as_complex is only supported for float and double tensors, but got a tensor of "
                           f"scalar type: {input.dtype}")
    if a.ndim == 0 or a.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    if a.strides[-1] != a.itemsize:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(s % (2 * a.itemsize) for s in a.strides[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    return apply(ViewAsComplex, input)


# -- in-place view ops (Tensor methods only): the tensor itself becomes the view ---------------------------------
def _inplace_view(self, res):
    """Make ``self`` take over the view ``res`` of itself: new shape/strides, same storage, new graph node."""
    from ..autograd.grad_mode import GradMode  # noqa: PLC0415

    if GradMode.enabled and self._rg and self._grad_fn is None and self._base is None:
        raise RuntimeError("a leaf Variable that requires grad is being used in an in-place operation.")
    self._data = res._data
    if self._base is not None:  # keep the replay chain from the base (NOTE [ in-place on views ])
        self._view_fn = res._view_fn
    if res._rg:
        self._grad_fn, self._out_nr, self._rg = res._grad_fn, res._out_nr, True
    self._bump()
    return self


def squeeze_(input, dim=None) -> Tensor:
    """In-place :meth:`squeeze`."""
    return _inplace_view(input, input.squeeze() if dim is None else input.squeeze(dim))


def unsqueeze_(input, dim: int) -> Tensor:
    """In-place :meth:`unsqueeze`."""
    return _inplace_view(input, input.unsqueeze(dim))


def t_(input) -> Tensor:
    """In-place :meth:`t`."""
    return _inplace_view(input, input.t())


def transpose_(input, dim0: int, dim1: int) -> Tensor:
    """In-place :meth:`transpose`."""
    return _inplace_view(input, input.transpose(dim0, dim1))


def swapdims_(input, dim0: int, dim1: int) -> Tensor:
    """In-place :meth:`swapdims`."""
    return _inplace_view(input, input.transpose(dim0, dim1))


swapaxes_ = swapdims_


# -- spectral methods: Tensor.stft / Tensor.istft (the functions live in ops/spectral.py) -----------------------
def stft(input, n_fft: int, hop_length: int | None = None, win_length: int | None = None, window=None,
         center: bool = True, pad_mode: str = "reflect", normalized: bool = False, onesided: bool | None = None,
         return_complex: bool | None = None) -> Tensor:
    """Tensor method form of :func:`ember.stft`."""
    from .spectral import stft as _stft  # noqa: PLC0415

    return _stft(input, n_fft, hop_length, win_length, window, center, pad_mode, normalized, onesided,
                 return_complex)


def istft(input, n_fft: int, hop_length: int | None = None, win_length: int | None = None, window=None,
          center: bool = True, normalized: bool = False, onesided: bool | None = None, length: int | None = None,
          return_complex: bool = False) -> Tensor:
    """Tensor method form of :func:`ember.istft`."""
    from .spectral import istft as _istft  # noqa: PLC0415

    return _istft(input, n_fft, hop_length, win_length, window, center, normalized, onesided, length,
                  return_complex)
