"""OpInfo entries: views, reshaping, joining/splitting and reordering ops (ember.ops.shape / ember.ops.joining)."""
from __future__ import annotations

import numpy as np

import ember
from .base import ErrorInput, OpInfo, SampleInput, make


def S(*args, name="", **kwargs):
    return SampleInput(args, kwargs, name)


def E(*args, err=RuntimeError, match="", **kwargs):
    return ErrorInput(SampleInput(args, kwargs), err, match)


def _np_diag_embed(x, offset=0, dim1=-2, dim2=-1):
    n = x.shape[-1] + abs(offset)
    out = np.zeros(x.shape[:-1] + (n, n), x.dtype)
    i = np.arange(x.shape[-1])
    r, c = (i, i + offset) if offset >= 0 else (i - offset, i)
    out[..., r, c] = x
    nd = out.ndim
    d1, d2 = dim1 % nd, dim2 % nd
    rest = [d for d in range(nd) if d not in (d1, d2)]
    perm = [0] * nd
    for src, dst in zip(range(nd - 2), rest):
        perm[dst] = src
    perm[d1], perm[d2] = nd - 2, nd - 1
    return out.transpose(perm)


def _np_unfold(x, dim, size, step):
    dim %= x.ndim
    n = (x.shape[dim] - size) // step + 1
    wins = [np.take(x, np.arange(i * step, i * step + size), axis=dim) for i in range(n)]
    return np.moveaxis(np.stack(wins, axis=dim), dim + 1, -1)


def _np_repeat(x, *reps):
    return np.tile(x, reps[0] if len(reps) == 1 and isinstance(reps[0], tuple) else reps)


def _list_op(name):
    """Ember and torch callables taking the tensors as separate arguments (so the harness sees each one)."""
    def e(*ts, **kw):
        return getattr(ember, name)(list(ts), **kw)

    def t(*ts, **kw):
        import torch  # noqa: PLC0415

        return getattr(torch, name)(list(ts), **kw)
    return e, t


def _list_ref(fn):
    return lambda *ts, dim=None: fn(list(ts)) if dim is None else fn(list(ts), dim)


def _split_ref(x, s, dim=0):
    if isinstance(s, int):
        return np.split(x, list(range(s, x.shape[dim], s)), axis=dim)
    return np.split(x, np.cumsum(s)[:-1].tolist(), axis=dim)


def _chunk_ref(x, c, dim=0):
    s = -(-x.shape[dim] // c)
    return _split_ref(x, s, dim)


def _m(*shape, dt=np.float64, **kw):
    return make(shape, dt, **kw)


OPS = [
    OpInfo("view", lambda x, *s: x.view(*s),
           lambda dt: [S(_m(3, 4, dt=dt), 2, -1, name="infer"), S(_m(3, 4, dt=dt), (12,)), S(_m(dt=dt), 1, 1),
                       S(np.zeros((0, 3), dt), 3, 0, name="empty")],
           ref=lambda x, *s: x.reshape(*s), torch_op=lambda x, *s: x.view(*s),
           errors=lambda: [E(_m(3, 4), 5, match="invalid for input of size 12"),
                           E(_m(4, 3, noncontig=True), 12, match="view size is not compatible"),
                           E(_m(3, 4), -1, -1, match="only one dimension can be inferred")]),
    OpInfo("reshape", ember.reshape,
           lambda dt: [S(_m(3, 4, dt=dt), (2, -1)), S(_m(4, 3, dt=dt, noncontig=True), (12,), name="noncontig"),
                       S(_m(dt=dt), (1,)), S(np.zeros((0, 2), dt), (2, 0))],
           ref=np.reshape),
    OpInfo("view_as", lambda x, o: x.view_as(o), lambda dt: [S(_m(3, 4, dt=dt), np.zeros((2, 6), np.int64))],
           ref=lambda x, o: x.reshape(o.shape), torch_op=lambda x, o: x.view_as(o)),
    OpInfo("reshape_as", lambda x, o: x.reshape_as(o),
           lambda dt: [S(_m(4, 3, dt=dt, noncontig=True), np.zeros((12,), np.int64))],
           ref=lambda x, o: x.reshape(o.shape), torch_op=lambda x, o: x.reshape_as(o)),
    OpInfo("permute", ember.permute,
           lambda dt: [S(_m(2, 3, 4, dt=dt), (2, 0, -2)), S(_m(dt=dt), ())],
           ref=np.transpose, errors=lambda: [E(_m(2, 3), (0,), match="number of dimensions"),
                                             E(_m(2, 3), (0, 0), match="duplicate dims")]),
    OpInfo("transpose", ember.transpose,
           lambda dt: [S(_m(2, 3, 4, dt=dt), 0, -1), S(_m(4, 3, dt=dt, noncontig=True), 0, 1)],
           ref=lambda x, a, b: np.swapaxes(x, a, b),
           errors=lambda: [E(_m(2, 3), 0, 2, err=IndexError, match="Dimension out of range")]),
    OpInfo("movedim", ember.movedim,
           lambda dt: [S(_m(2, 3, 4, dt=dt), 0, -1), S(_m(2, 3, 4, dt=dt), (0, 1), (2, 0))],
           ref=np.moveaxis, errors=lambda: [E(_m(2, 3), (0, 1), (0,), match="same number of dims"),
                                            E(_m(2, 3), (0, 0), (0, 1), match="repeated dim")]),
    OpInfo("moveaxis", ember.moveaxis, lambda dt: [S(_m(2, 3, 4, dt=dt), -1, 0)], ref=np.moveaxis),
    OpInfo("expand", lambda x, *s: x.expand(*s),
           lambda dt: [S(_m(3, 1, dt=dt), 2, 3, 4), S(_m(3, 1, dt=dt), -1, 5), S(_m(dt=dt), (2, 2))],
           ref=lambda x, *s: np.broadcast_to(x, np.broadcast_shapes(x.shape, s[0] if isinstance(s[0], tuple)
                                                                       else tuple(x.shape[i - len(s) + x.ndim] if v == -1
                                                                                  else v for i, v in enumerate(s)))),
           torch_op=lambda x, *s: x.expand(*s),
           errors=lambda: [E(_m(3, 2), 3, 4, match="must match the existing size"),
                           E(_m(3, 2), 2, match="number of sizes provided")]),
    OpInfo("broadcast_to", ember.broadcast_to, lambda dt: [S(_m(3, 1, dt=dt), (2, 3, 4))], ref=np.broadcast_to),
    OpInfo("broadcast_tensors", ember.broadcast_tensors,
           lambda dt: [S(_m(3, 1, dt=dt), _m(4, dt=dt, seed=1)), S(_m(dt=dt), _m(2, 2, dt=dt, seed=1))],
           ref=lambda *xs: np.broadcast_arrays(*xs),
           errors=lambda: [E(_m(3, 4), _m(5), match="size of tensor a")]),
    OpInfo("squeeze", ember.squeeze,
           lambda dt: [S(_m(1, 3, 1, dt=dt)), S(_m(1, 3, 1, dt=dt), -1), S(_m(1, 3, 1, dt=dt), (0, 2), name="dims"),
                       S(_m(1, 3, 1, dt=dt), 1, name="nonsingleton"), S(_m(dt=dt), 0, name="0d")],
           ref=lambda x, dim=None: np.squeeze(x, tuple(d for d in ((dim,) if isinstance(dim, int) else dim)
                                                       if x.ndim and x.shape[d] == 1) if dim is not None else None),
           errors=lambda: [E(_m(1, 3), 2, err=IndexError, match="Dimension out of range")]),
    OpInfo("unsqueeze", ember.unsqueeze, lambda dt: [S(_m(3, 4, dt=dt), -1), S(_m(dt=dt), 0)],
           ref=np.expand_dims),
    OpInfo("flatten", ember.flatten,
           lambda dt: [S(_m(2, 3, 4, dt=dt)), S(_m(2, 3, 4, dt=dt), 1), S(_m(4, 3, dt=dt, noncontig=True)),
                       S(_m(dt=dt))],
           ref=lambda x, s=0: x.reshape(x.shape[:s] + (-1,)) if x.ndim else x.reshape(1)),
    OpInfo("clone", ember.clone, lambda dt: [S(_m(4, 3, dt=dt, noncontig=True)), S(_m(dt=dt))], ref=np.copy),
    OpInfo("contiguous", lambda x: x.contiguous(), lambda dt: [S(_m(4, 3, dt=dt, noncontig=True))], ref=np.copy,
           torch_op=lambda x: x.contiguous()),
    OpInfo("select", ember.select,
           lambda dt: [S(_m(3, 4, dt=dt), 1, -1), S(_m(3, dt=dt), 0, 2, name="to-0d"),
                       S(_m(4, 3, dt=dt, noncontig=True), 0, 1)],
           ref=lambda x, d, i: np.take(x, i, axis=d),
           errors=lambda: [E(_m(3, 4), 0, 3, err=IndexError, match=r"select\(\): index 3 out of range"),
                           E(_m(), 0, 0, err=IndexError, match="0-dim tensor")]),
    OpInfo("narrow", ember.narrow,
           lambda dt: [S(_m(3, 4, dt=dt), 1, 1, 2), S(_m(3, 4, dt=dt), -2, -2, 2), S(_m(3, 4, dt=dt), 0, 3, 0)],
           ref=lambda x, d, s, n: np.take(x, np.arange(s % x.shape[d] if s < 0 else s,
                                                       (s % x.shape[d] if s < 0 else s) + n), axis=d),
           errors=lambda: [E(_m(3, 4), 0, 2, 2, match="exceeds dimension size"),
                           E(_m(3, 4), 0, -4, 1, err=IndexError, match="start out of range")]),
    OpInfo("diagonal", ember.diagonal,
           lambda dt: [S(_m(3, 4, dt=dt)), S(_m(3, 4, dt=dt), 1), S(_m(3, 4, dt=dt), -2),
                       S(_m(2, 3, 4, dt=dt), 0, -1, 0), S(_m(3, 4, dt=dt), 5, name="empty")],
           ref=lambda x, o=0, a=0, b=1: np.diagonal(x, o, a, b),
           errors=lambda: [E(_m(3, 4), 0, 0, 0, match="diagonal dimensions cannot be identical")]),
    OpInfo("diag", ember.diag,
           lambda dt: [S(_m(3, dt=dt)), S(_m(3, dt=dt), 1), S(_m(3, 4, dt=dt), -1), S(_m(3, 4, dt=dt))],
           ref=lambda x, k=0: np.diag(x, k),
           errors=lambda: [E(_m(2, 2, 2), match=r"diag\(\): Supports 1D or 2D tensors. Got 3D")]),
    OpInfo("diag_embed", ember.diag_embed,
           lambda dt: [S(_m(2, 3, dt=dt)), S(_m(2, 3, dt=dt), 1), S(_m(2, 3, dt=dt), -1, 0, 2)],
           ref=_np_diag_embed, errors=lambda: [E(_m(2, 3), 0, 0, 0, match="cannot be identical")]),
    OpInfo("trace", ember.trace, lambda dt: [S(_m(3, 4, dt=dt)), S(_m(4, 3, dt=dt, noncontig=True))],
           ref=np.trace, errors=lambda: [E(_m(2, 2, 2), match="expected a matrix, but got tensor with dim 3")]),
    OpInfo("unfold", lambda x, *a: x.unfold(*a),
           lambda dt: [S(_m(3, 7, dt=dt), 1, 3, 2, name="overlap"), S(_m(6, 2, dt=dt), 0, 2, 3, name="gap"),
                       S(_m(3, 4, dt=dt), -1, 4, 1)],
           ref=_np_unfold, torch_op=lambda x, *a: x.unfold(*a),
           errors=lambda: [E(_m(3, 4), 1, 5, 1, match="maximum size for tensor at dimension 1 is 4 but size is 5"),
                           E(_m(3, 4), 1, 2, 0, match="step is 0 but must be > 0")]),
    OpInfo("as_strided", ember.as_strided,
           lambda dt: [S(_m(3, 4, dt=dt), (2, 2), (1, 2)), S(_m(3, 4, dt=dt), (3, 3), (4, 1), 1)],
           ref=lambda x, size, st, off=0: np.lib.stride_tricks.as_strided(
               x.reshape(-1)[off:], size, tuple(s * x.itemsize for s in st)).copy(),
           errors=lambda: [E(_m(3, 4), (3, 3), (1, 1), 100, match="out of bounds for storage")]),
    OpInfo("flip", ember.flip,
           lambda dt: [S(_m(3, 4, dt=dt), (0,)), S(_m(2, 3, 4, dt=dt), (0, -1)), S(_m(dt=dt), ()),
                       S(_m(4, 3, dt=dt, noncontig=True), (1,))],
           ref=lambda x, d: np.flip(x, d) if d else x.copy(),
           errors=lambda: [E(_m(3, 4), (0, 0), match="appears multiple times")]),
    OpInfo("fliplr", ember.fliplr, lambda dt: [S(_m(3, 4, dt=dt))], ref=np.fliplr,
           errors=lambda: [E(_m(3), match="Input must be >= 2-d.")]),
    OpInfo("flipud", ember.flipud, lambda dt: [S(_m(3, 4, dt=dt))], ref=np.flipud),
    OpInfo("roll", ember.roll,
           lambda dt: [S(_m(3, 4, dt=dt), 1), S(_m(3, 4, dt=dt), (1, -3), (0, 1)), S(_m(3, 4, dt=dt), 2, -1)],
           ref=lambda x, s, d=None: np.roll(x, s, d),
           errors=lambda: [E(_m(3, 4), (1, 2), (0,), match="shifts and dimensions must align")]),
    OpInfo("rot90", ember.rot90,
           lambda dt: [S(_m(3, 4, dt=dt)), S(_m(3, 4, dt=dt), 2), S(_m(2, 3, 4, dt=dt), -1, (1, 2)),
                       S(_m(3, 4, dt=dt), 3, (1, 0))],
           ref=lambda x, k=1, dims=(0, 1): np.rot90(x, k, dims),
           errors=lambda: [E(_m(3, 4), 1, (0, 0), match="expected rotation dims to be different"),
                           E(_m(3, 4), 1, (0,), match="expected total rotation dims == 2")]),
    OpInfo("repeat", lambda x, *r: x.repeat(*r),
           lambda dt: [S(_m(2, 3, dt=dt), 2, 1, 3), S(_m(2, 3, dt=dt), (1, 2)), S(_m(dt=dt), 3),
                       S(_m(2, 3, dt=dt), 0, 1, name="zero")],
           ref=_np_repeat, torch_op=lambda x, *r: x.repeat(*r),
           errors=lambda: [E(_m(2, 3), 2, match="can not be smaller than number of dimensions")]),
    OpInfo("tile", ember.tile, lambda dt: [S(_m(2, 3, dt=dt), (2,)), S(_m(2, 3, dt=dt), (2, 1, 2))], ref=np.tile),
    OpInfo("repeat_interleave", ember.repeat_interleave,
           lambda dt: [S(_m(2, 3, dt=dt), 2), S(_m(2, 3, dt=dt), 2, 1), S(_m(2, 3, dt=dt), np.array([1, 0, 2]), 1),
                       S(_m(2, 3, dt=dt), np.array([3]), 0)],
           ref=lambda x, r, dim=None: np.repeat(x, r, dim),
           errors=lambda: [E(_m(2), np.array([1, 2, 3]), 0, match="repeats must have the same size"),
                           E(_m(2), -1, match="Repeats must be non-negative")]),
    OpInfo("atleast_1d", ember.atleast_1d, lambda dt: [S(_m(dt=dt)), S(_m(2, 3, dt=dt))], ref=np.atleast_1d),
    OpInfo("atleast_2d", ember.atleast_2d, lambda dt: [S(_m(dt=dt)), S(_m(3, dt=dt))], ref=np.atleast_2d),
    OpInfo("atleast_3d", ember.atleast_3d, lambda dt: [S(_m(3, dt=dt)), S(_m(2, 3, dt=dt))], ref=np.atleast_3d),
    # joining / splitting
    OpInfo("cat", _list_op("cat")[0],
           lambda dt: [S(_m(2, 3, dt=dt), _m(4, 3, dt=dt, seed=1)), S(_m(2, 3, dt=dt), _m(2, 1, dt=dt), dim=-1),
                       S(_m(3, 2, dt=dt, noncontig=True), _m(3, 2, dt=dt), dim=1, name="noncontig"),
                       S(_m(2, 3, dt=dt), np.zeros((0,), dt), dim=0, name="legacy-empty"),
                       S(np.zeros((0, 3), dt), _m(2, 3, dt=dt), name="empty")],
           torch_op=_list_op("cat")[1], ref=lambda *ts, dim=0: np.concatenate([t for t in ts if t.shape != (0,)], dim),
           errors=lambda: [E(_m(3, 4), _m(3, 5), match="Sizes of tensors must match except in dimension 0"),
                           E(_m(3, 4), _m(3), match="Tensors must have same number of dimensions"),
                           E(_m(), _m(), match="zero-dimensional tensor"),
                           E(_m(3, 4), dim=2, err=IndexError, match="Dimension out of range"),
                           E(err=ValueError, match="expected a non-empty list")]),
    OpInfo("concat", _list_op("concat")[0], lambda dt: [S(_m(2, 3, dt=dt), _m(2, 3, dt=dt), dim=1)], torch_op=_list_op("concat")[1], ref=_list_ref(np.concatenate)),
    OpInfo("concatenate", _list_op("concatenate")[0], lambda dt: [S(_m(2, 3, dt=dt), _m(2, 3, dt=dt), dim=1)],
           torch_op=_list_op("concatenate")[1], ref=_list_ref(np.concatenate)),
    OpInfo("stack", _list_op("stack")[0],
           lambda dt: [S(_m(2, 3, dt=dt), _m(2, 3, dt=dt, seed=1)), S(_m(2, 3, dt=dt), _m(2, 3, dt=dt), dim=-1),
                       S(_m(dt=dt), _m(dt=dt), name="0d")],
           torch_op=_list_op("stack")[1], ref=lambda *ts, dim=0: np.stack(ts, dim),
           errors=lambda: [E(_m(3, 4), _m(3, 5), match="stack expects each tensor to be equal size"),
                           E(match="stack expects a non-empty TensorList")]),
    OpInfo("hstack", _list_op("hstack")[0], lambda dt: [S(_m(2, 3, dt=dt), _m(2, 1, dt=dt)), S(_m(2, dt=dt), _m(3, dt=dt))],
           torch_op=_list_op("hstack")[1], ref=_list_ref(np.hstack)),
    OpInfo("vstack", _list_op("vstack")[0], lambda dt: [S(_m(3, dt=dt), _m(2, 3, dt=dt))], torch_op=_list_op("vstack")[1], ref=_list_ref(np.vstack),
           errors=lambda: [E(match="vstack expects a non-empty TensorList")]),
    OpInfo("dstack", _list_op("dstack")[0], lambda dt: [S(_m(2, 3, dt=dt), _m(2, 3, 2, dt=dt))], torch_op=_list_op("dstack")[1], ref=_list_ref(np.dstack)),
    OpInfo("column_stack", _list_op("column_stack")[0], lambda dt: [S(_m(3, dt=dt), _m(3, 2, dt=dt)),
                                                         S(_m(dt=dt), _m(dt=dt))], torch_op=_list_op("column_stack")[1], ref=_list_ref(np.column_stack)),
    OpInfo("split", ember.split,
           lambda dt: [S(_m(5, 2, dt=dt), 2), S(_m(5, 2, dt=dt), [1, 4]), S(_m(2, 5, dt=dt), [2, 0, 3], -1)],
           ref=_split_ref,
           errors=lambda: [E(_m(3, 4), [1, 1], match="split_with_sizes expects split_sizes to sum exactly to 3"),
                           E(_m(3, 4), 0, match="split_size can only be 0")]),
    OpInfo("chunk", ember.chunk, lambda dt: [S(_m(5, 2, dt=dt), 2), S(_m(2, 6, dt=dt), 4, 1)], ref=_chunk_ref,
           errors=lambda: [E(_m(3), 0, match="chunk expects `chunks` to be greater than 0")]),
    OpInfo("unbind", ember.unbind, lambda dt: [S(_m(3, 2, dt=dt)), S(_m(3, 2, dt=dt), -1)],
           ref=lambda x, d=0: [np.take(x, i, d) for i in range(x.shape[d])],
           errors=lambda: [E(_m(), err=IndexError, match="no dimensions")]),
    OpInfo("tensor_split", ember.tensor_split,
           lambda dt: [S(_m(7, 2, dt=dt), 3), S(_m(7, 2, dt=dt), [1, 5]), S(_m(2, 7, dt=dt), [3, 1], 1),
                       S(_m(7, dt=dt), np.array(2))],
           ref=lambda x, s, d=0: np.array_split(x, int(s) if np.ndim(s) == 0 else s, d),
           errors=lambda: [E(_m(3), 0, match="number of sections must be larger than 0"),
                           E(_m(3), np.array([[1]]), match="zero-dimensional or one-dimensional")]),
    OpInfo("hsplit", ember.hsplit, lambda dt: [S(_m(2, 4, dt=dt), 2), S(_m(6, dt=dt), [2])], ref=np.hsplit),
    OpInfo("vsplit", ember.vsplit, lambda dt: [S(_m(4, 2, dt=dt), 2)], ref=np.vsplit),
    OpInfo("dsplit", ember.dsplit, lambda dt: [S(_m(1, 2, 4, dt=dt), [1, 3])], ref=np.dsplit),
]


# -- scatter-into-view ops, diagflat, narrow_copy, complex<->real views ---------------------------------------
def _np_slice_scatter(x, src, dim=0, start=None, end=None, step=1):
    out = x.copy()
    key = [slice(None)] * x.ndim
    key[dim] = slice(start, end, step)
    out[tuple(key)] = src
    return out


def _np_select_scatter(x, src, dim, index):
    out = x.copy()
    key = [slice(None)] * x.ndim
    key[dim] = index
    out[tuple(key)] = src
    return out


def _np_diagonal_scatter(x, src, offset=0, dim1=0, dim2=1):
    out = np.moveaxis(x.copy(), (dim1, dim2), (-2, -1))
    i = np.arange(src.shape[-1])
    out[..., i + max(-offset, 0), i + max(offset, 0)] = src
    return np.moveaxis(out, (-2, -1), (dim1, dim2))


def _view_as_real_roundtrip(mod):
    # complex multiply in between, so the gradient crosses both views with a non-trivial complex Jacobian
    return lambda a: mod.view_as_real(mod.view_as_complex(a) * mod.tensor(1 + 2j, dtype=mod.complex128).to(
        mod.complex64 if a.dtype == mod.float32 else mod.complex128))


def _np_vr_roundtrip(a):
    z = (a[..., 0] + 1j * a[..., 1]) * (1 + 2j)
    return np.stack([z.real, z.imag], -1)


OPS += [
    OpInfo("slice_scatter", ember.slice_scatter,
           lambda dt: [S(_m(4, 3, dt=dt), _m(2, 3, dt=dt, seed=1), 0, 1, 3),
                       S(_m(3, 5, dt=dt), _m(3, 3, dt=dt, seed=1), 1, 0, None, 2, name="step"),
                       S(_m(3, 4, dt=dt), _m(3, 4, dt=dt, seed=1), name="whole")],
           ref=_np_slice_scatter,
           errors=lambda: [E(_m(3, 4), _m(3, 3), 1, 0, 2,
                             match=r"expected src to have a size equal to the slice of self. src size = \[3, 3\], "
                                   r"slice size = \[3, 2\]")]),
    OpInfo("select_scatter", ember.select_scatter,
           lambda dt: [S(_m(3, 4, dt=dt), _m(4, dt=dt, seed=1), 0, 1), S(_m(2, 3, 4, dt=dt), _m(2, 4, dt=dt), 1, -1)],
           ref=_np_select_scatter,
           errors=lambda: [E(_m(3, 4), _m(3), 1, 7, err=IndexError, match="select\\(\\): index 7 out of range"),
                           E(_m(3, 4), _m(3), 0, 0, match="expected src to have a size equal to the slice")]),
    OpInfo("diagonal_scatter", ember.diagonal_scatter,
           lambda dt: [S(_m(3, 4, dt=dt), _m(3, dt=dt, seed=1)), S(_m(3, 4, dt=dt), _m(3, dt=dt, seed=1), 1),
                       S(_m(2, 3, 3, dt=dt), _m(3, 2, dt=dt, seed=1), 0, 0, 2, name="dims")],
           ref=_np_diagonal_scatter,
           errors=lambda: [E(_m(3, 4), _m(4), match="expected src to have a size equal to the slice")]),
    OpInfo("diagflat", ember.diagflat,
           lambda dt: [S(_m(3, dt=dt)), S(_m(2, 2, dt=dt), 1), S(_m(3, dt=dt), -2)],
           ref=lambda x, offset=0: np.diagflat(x, offset)),
    OpInfo("narrow_copy", ember.narrow_copy,
           lambda dt: [S(_m(4, 3, dt=dt), 0, 1, 2), S(_m(2, 5, dt=dt), -1, 2, 3)],
           ref=lambda x, d, s, n: np.take(x, np.arange(s % x.shape[d], s % x.shape[d] + n), d),
           errors=lambda: [E(_m(3), 0, 2, 2, match="exceeds dimension size")]),
    OpInfo("view_as_complex", ember.view_as_complex, lambda dt: [S(_m(3, 2, dt=dt)), S(_m(2, 2, 2, dt=dt))],
           ref=lambda a: a[..., 0] + 1j * a[..., 1], grad=False, gradgrad=False,
           low_precision=False,  # float16 views as ComplexHalf in torch; ember has no complex32
           errors=lambda: [E(_m(3, 3), match="Tensor must have a last dimension of size 2"),
                           E(_m(2, 2).T, match="Tensor must have a last dimension with stride 1")]),
    OpInfo("view_as_real-roundtrip", _view_as_real_roundtrip(ember), lambda dt: [S(_m(3, 2, dt=dt))],
           ref=_np_vr_roundtrip, torch_op=lambda a: _view_as_real_roundtrip(__import__("torch"))(a),
           low_precision=False),  # ComplexHalf (complex32) does not exist in ember
]
