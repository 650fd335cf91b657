"""OpInfo entries: indexing (getitem/setitem), gather/scatter, index_*, masked_*, take/put, nonzero."""
from __future__ import annotations

import numpy as np

import ember
from .base import ErrorInput, OpInfo, SampleInput, make


def S(*args, name="", **kwargs):
    return SampleInput(args, kwargs, name)


def E(*args, err=RuntimeError, match="", **kwargs):
    return ErrorInput(SampleInput(args, kwargs), err, match)


def _m(*shape, dt=np.float64, **kw):
    return make(shape, dt, **kw)


def _i(*vals):
    return np.array(vals, dtype=np.int64)


def _getitem(x, *idx):
    return x[idx[0] if len(idx) == 1 else tuple(idx)]


def _setitem(x, v, *idx):
    y = x.clone() if hasattr(x, "clone") else x.copy()
    y[idx[0] if len(idx) == 1 else tuple(idx)] = v
    return y


def _np_scatter(x, dim, index, src, reduce=None, include_self=True):
    """Loop reference for scatter/scatter_reduce (independent of the vectorised implementation)."""
    out = x.copy()
    src = np.broadcast_to(src, index.shape) if np.ndim(src) == 0 else src
    groups = {}
    for pos in np.ndindex(*index.shape):
        tgt = list(pos)
        tgt[dim] = index[pos]
        groups.setdefault(tuple(tgt), []).append(src[pos])
    for tgt, vals in groups.items():
        vals = list(vals)
        if reduce is None:
            out[tgt] = vals[-1]
            continue
        if include_self:
            vals.append(x[tgt])
        f = {"sum": np.sum, "prod": np.prod, "mean": np.mean, "amax": np.max, "amin": np.min}[reduce]
        out[tgt] = f(vals)
    return out


def _np_index_op(kind):
    def ref(x, dim, index, src, alpha=1):
        out = np.moveaxis(x.copy(), dim, 0)
        s = np.moveaxis(np.asarray(src), dim, 0) if np.ndim(src) else src
        for k, i in enumerate(index):
            if kind == "add":
                out[i] += alpha * s[k]
            elif kind == "copy":
                out[i] = s[k]
            else:
                out[i] = src
        return np.moveaxis(out, 0, dim)
    return ref


_MASK = np.array([[True, False, True, False], [False, False, True, True], [True, True, False, False]])
_GIDX = np.array([[0, 1, 2, 0], [2, 2, 1, 0]], dtype=np.int64)     # (2, 4) index into a (3, 4) input, dim 0
_UIDX = np.array([[0, 1, 2, 0], [2, 0, 1, 1]], dtype=np.int64)     # unique targets per column (plain scatter)


def _scatter_reduce_samples(dt):
    out = []
    for red in ("sum", "prod", "mean", "amax", "amin"):
        for inc in (True, False):
            out.append(S(_m(3, 4, dt=dt), 0, _GIDX, _m(2, 4, dt=dt, seed=1), red, include_self=inc,
                         name=f"{red}-{inc}"))
    out.append(S(_m(4, 3, dt=dt), 1, _GIDX.T.copy(), _m(4, 2, dt=dt, seed=2), "sum", name="dim1"))
    return out


OPS = [
    OpInfo("getitem", _getitem,
           lambda dt: [S(_m(3, 4, dt=dt), 1, name="int"), S(_m(3, 4, dt=dt), -1, 2, name="int-int"),
                       S(_m(3, 4, dt=dt), slice(0, 3, 2), name="slice"),
                       S(_m(3, 4, dt=dt), Ellipsis, slice(1, None), name="ellipsis"),
                       S(_m(3, 4, dt=dt), None, 1, None, name="none"),
                       S(_m(3, 4, dt=dt), _MASK, name="bool-mask"),
                       S(_m(3, 4, dt=dt), _MASK[:, 0].copy(), name="row-mask"),
                       S(_m(3, 4, dt=dt), _i(2, 0, 2), name="int-tensor-dup"),
                       S(_m(3, 4, dt=dt), [0, -1], name="list"),
                       S(_m(3, 4, dt=dt), slice(None), _i(3, 1, 1), name="adv-dim1"),
                       S(_m(2, 3, 4, dt=dt), _i(0, 1), slice(None), _i(3, 2), name="adv-split"),
                       S(_m(4, 3, dt=dt, noncontig=True), slice(1, 3), _i(0, 2), name="noncontig"),
                       S(_m(3, 4, dt=dt), _i(), name="empty-index")],
           ref=_getitem, torch_op=_getitem,
           errors=lambda: [E(_m(3, 4), 5, err=IndexError, match="index 5 is out of bounds for dimension 0 with size 3"),
                           E(_m(3, 4), 0, 0, 0, err=IndexError, match="too many indices for tensor of dimension 2"),
                           E(_m(3, 4), _i(5), err=IndexError, match="index 5 is out of bounds"),
                           E(_m(3, 4), np.array([True, False]), err=IndexError, match="The shape of the mask"),
                           E(_m(3, 4), 1.5, err=IndexError, match="only integers, slices"),
                           E(_m(3, 4), slice(None, None, -1), err=ValueError, match="step must be greater than zero"),
                           E(_m(3, 4), np.array([1.0]), err=IndexError, match="tensors used as indices")]),
    OpInfo("setitem", _setitem,
           lambda dt: [S(_m(3, 4, dt=dt), _m(4, dt=dt, seed=1), 1, name="int-broadcast"),
                       S(_m(3, 4, dt=dt), 2.5, slice(0, 2), name="scalar"),
                       S(_m(3, 4, dt=dt), _m(dt=dt, seed=1), _MASK, name="bool-mask"),
                       S(_m(3, 4, dt=dt), _m(2, 4, dt=dt, seed=1), _i(2, 0), name="int-tensor"),
                       S(_m(3, 4, dt=dt), _m(3, 1, dt=dt, seed=1), Ellipsis, 0, None, name="ellipsis-none"),
                       S(_m(4, 3, dt=dt, noncontig=True), _m(2, dt=dt, seed=1), [0, 3], 1, name="list")],
           ref=_setitem, torch_op=_setitem,
           errors=lambda: [E(_m(3, 4), _m(3), slice(0, 2), match="must match the existing size"),
                           E(_m(3, 4), _m(3), _i(0, 1), match="shape mismatch: value tensor of shape"),
                           E(_m(3, 4), 1.0, 3, err=IndexError, match="out of bounds")]),
    OpInfo("index_select", ember.index_select,
           lambda dt: [S(_m(3, 4, dt=dt), 0, _i(2, 0, 2)), S(_m(3, 4, dt=dt), -1, _i(3)),
                       S(_m(4, 3, dt=dt, noncontig=True), 1, _i()), S(_m(3, 4, dt=dt), 1, np.array(2))],
           ref=lambda x, d, i: np.take(x, np.reshape(i, -1), d),
           errors=lambda: [E(_m(3, 4), 0, _i(3), err=IndexError, match="index out of range in self"),
                           E(_m(3, 4), 0, np.array([[1]]), err=IndexError, match="Index is supposed to be a vector"),
                           E(_m(3, 4), 0, np.array([1.0]), match="Expected dtype int32 or int64 for index")]),
    OpInfo("gather", ember.gather,
           lambda dt: [S(_m(3, 4, dt=dt), 0, _GIDX), S(_m(3, 4, dt=dt), 1, np.array([[3, 0], [1, 1]], np.int64)),
                       S(_m(4, 3, dt=dt, noncontig=True), -1, np.array([[2], [0]], np.int64)),
                       S(_m(dt=dt), 0, np.array(0, np.int64), name="0d")],
           ref=lambda x, d, i: np.take_along_axis(x[tuple(slice(0, n) if k != d % x.ndim else slice(None)
                                                        for k, n in enumerate(i.shape))], i, d) if x.ndim else x,
           errors=lambda: [E(_m(3, 4), 0, _i(5)[:, None], match="index 5 is out of bounds for dimension 0 with size 3"),
                           E(_m(3, 4), 0, _i(1), match="same number of dimensions"),
                           E(_m(3, 4), 0, np.zeros((2, 5), np.int64), match="Size does not match at dimension 1"),
                           E(_m(3, 4), 0, np.array([[1]], np.int32), match="Expected dtype int64 for index")]),
    OpInfo("take_along_dim", ember.take_along_dim,
           lambda dt: [S(_m(3, 4, dt=dt), _GIDX, 0), S(_m(3, 4, dt=dt), np.array([[1], [0], [3]], np.int64), 1),
                       S(_m(3, 4, dt=dt), _i(11, 0))],
           ref=lambda x, i, d=None: np.take_along_axis(x, i, d),
           errors=lambda: [E(_m(3, 4), _i(1), 0, match="should have the same number of dimensions")]),
    OpInfo("scatter", ember.scatter,
           lambda dt: [S(_m(3, 4, dt=dt), 0, _UIDX, _m(2, 4, dt=dt, seed=1), name="src"),
                       S(_m(3, 4, dt=dt), 1, np.array([[3], [0]], np.int64), 1.5, name="value"),
],
           ref=lambda x, d, i, s, reduce=None: _np_scatter(x, d, i, s if np.ndim(s) == 0 else s[:i.shape[0], :i.shape[1]],
                                                          {None: None, "add": "sum", "multiply": "prod"}[reduce]),
           errors=lambda: [E(_m(3, 4), 0, _i(5)[:, None], _m(1, 1), match="index 5 is out of bounds"),
                           E(_m(3, 4), 0, _i(1)[:, None], _m(1, 1, dt=np.float32),
                             match="Expected self.dtype to be equal to src.dtype"),
                           E(_m(3, 4), 0, np.zeros((2, 2), np.int64), _m(1, 1), match="no larger size than src"),
                           E(_m(3, 4), 0, _UIDX, _m(2, 4), reduce="foo", match="reduce argument must be either add")]),
    # torch implements no derivative for scatter(reduce=...): forward is checked against NumPy, gradients by gradcheck
    OpInfo("scatter_reduce_arg", ember.scatter,
           lambda dt: [S(_m(3, 4, dt=dt), 0, _GIDX, _m(2, 4, dt=dt, seed=1), reduce="add", name="add"),
                       S(_m(3, 4, dt=dt), 0, _GIDX, _m(2, 4, dt=dt, seed=1), reduce="multiply", name="mul")],
           ref=lambda x, d, i, s, reduce: _np_scatter(x, d, i, s, {"add": "sum", "multiply": "prod"}[reduce]),
           torch_op=None),
    OpInfo("scatter_add", ember.scatter_add,
           lambda dt: [S(_m(3, 4, dt=dt), 0, _GIDX, _m(2, 4, dt=dt, seed=1)),
                       S(_m(4, 3, dt=dt, noncontig=True), 1, _GIDX.T.copy(), _m(4, 2, dt=dt, seed=1))],
           ref=lambda x, d, i, s: _np_scatter(x, d, i, s[:i.shape[0], :i.shape[1]], "sum")),
    OpInfo("scatter_reduce", ember.scatter_reduce, _scatter_reduce_samples,
           ref=lambda x, d, i, s, r, include_self=True: _np_scatter(x, d, i, s, r, include_self),
           errors=lambda: [E(_m(3, 4), 0, _GIDX, _m(2, 4), "foo", match="must be either sum, prod, mean, amax or amin")]),
    OpInfo("index_add", ember.index_add,
           lambda dt: [S(_m(3, 4, dt=dt), 0, _i(2, 0, 2), _m(3, 4, dt=dt, seed=1)),
                       S(_m(3, 4, dt=dt), 1, _i(1), _m(3, 1, dt=dt, seed=1), alpha=2.0)],
           ref=_np_index_op("add"),
           errors=lambda: [E(_m(3, 4), 0, _i(1, 2), _m(3, 4), match=r"Number of indices \(2\) should be equal"),
                           E(_m(3, 4), 0, _i(1, 2), _m(2, 4, dt=np.float32), match="must have the same scalar type"),
                           E(_m(3, 4), 0, _i(1, 5), _m(2, 4), match="index 5 is out of bounds")]),
    OpInfo("index_copy", ember.index_copy,
           lambda dt: [S(_m(3, 4, dt=dt), 0, _i(2, 0), _m(2, 4, dt=dt, seed=1)),
                       S(_m(4, 3, dt=dt, noncontig=True), -1, _i(1), _m(4, 1, dt=dt, seed=1))],
           ref=_np_index_op("copy"),
           errors=lambda: [E(_m(3, 4), 0, _i(1, 2), _m(3, 4), err=IndexError, match="Number of indices"),
                           E(_m(3, 4), 0, _i(1, 2), _m(2, 4, dt=np.float32), match="expected to have the same dtype")]),
    OpInfo("index_fill", ember.index_fill,
           lambda dt: [S(_m(3, 4, dt=dt), 0, _i(2, 0), -1.5), S(_m(3, 4, dt=dt), 1, _i(3), 2.0)],
           ref=_np_index_op("fill"),
           errors=lambda: [E(_m(3, 4), 0, _i(1, 7), 1.0, err=IndexError, match="index 7 is out of bounds"),
                           E(_m(3, 4), 0, _i(1), _m(2), match="only supports a 0-dimensional value tensor")]),
    OpInfo("index_put", lambda x, i, v, acc=False: ember.index_put(x, (i,), v, acc),
           lambda dt: [S(_m(3, 4, dt=dt), _i(2, 0), _m(2, 4, dt=dt, seed=1)),
                       S(_m(3, 4, dt=dt), _i(1, 1), _m(4, dt=dt, seed=1), True, name="accumulate"),
                       S(_m(3, 4, dt=dt), _MASK, _m(dt=dt, seed=1), name="mask")],
           ref=lambda x, i, v, acc=False: _np_index_put(x, i, v, acc),
           torch_op=lambda x, i, v, acc=False: x.index_put((i,), v, acc),
           errors=lambda: [E(_m(3, 4), _i(5), _m(), err=IndexError, match="index 5 is out of bounds"),
                           E(_m(3, 4), _i(1), _m(dt=np.float32), match="Index put requires the source and destination")]),
    OpInfo("masked_fill", ember.masked_fill,
           lambda dt: [S(_m(3, 4, dt=dt), _MASK, -2.0), S(_m(3, 4, dt=dt), _MASK[0], 0.5, name="broadcast"),
                       S(_m(4, 3, dt=dt, noncontig=True), _MASK.T.copy(), _m(dt=dt, seed=1), name="tensor-value")],
           ref=lambda x, m, v: np.where(m, v, x),
           errors=lambda: [E(_m(3, 4), _m(3, 4), 1.0, match="only supports boolean masks"),
                           E(_m(3, 4), _MASK, _m(1), match="only supports a 0-dimensional value tensor"),
                           E(_m(3, 4), np.ones(5, bool), 1.0, match="size of tensor a")]),
    OpInfo("masked_scatter", ember.masked_scatter,
           lambda dt: [S(_m(3, 4, dt=dt), _MASK, _m(3, 4, dt=dt, seed=1)),
                       S(_m(3, 4, dt=dt), _MASK[1], _m(7, dt=dt, seed=1), name="broadcast")],
           ref=lambda x, m, s: _np_masked_scatter(x, m, s),
           errors=lambda: [E(_m(3, 4), _MASK, _m(3), match="Number of elements of source < number of ones in mask"),
                           E(_m(3, 4), _MASK, _m(12, dt=np.float32), match="expected self and source to have same")]),
    OpInfo("masked_select", ember.masked_select,
           lambda dt: [S(_m(3, 4, dt=dt), _MASK), S(_m(3, 4, dt=dt), _MASK[2], name="broadcast"),
                       S(_m(4, dt=dt), _MASK, name="broadcast-input")],
           ref=lambda x, m: np.broadcast_arrays(x, m)[0][np.broadcast_arrays(x, m)[1]],
           errors=lambda: [E(_m(3, 4), np.ones(4), match="expected BoolTensor for mask"),
                           E(_m(3, 4), np.ones(5, bool), match="size of tensor a")]),
    OpInfo("take", ember.take,
           lambda dt: [S(_m(3, 4, dt=dt), np.array([[0, 11], [-1, 5]], np.int64)),
                       S(_m(4, 3, dt=dt, noncontig=True), _i(1, 1, 2))],
           ref=lambda x, i: x.reshape(-1)[i],
           errors=lambda: [E(_m(3, 4), _i(12), err=IndexError, match="out of range: tried to access index 12"),
                           E(_m(3, 4), _i(-13), err=IndexError, match="tried to access index -13")]),
    OpInfo("put", ember.put,
           lambda dt: [S(_m(3, 4, dt=dt), _i(0, 11, 5), _m(3, dt=dt, seed=1)),
                       S(_m(3, 4, dt=dt), _i(1, 1), _m(2, dt=dt, seed=1), True, name="accumulate")],
           ref=lambda x, i, s, acc=False: _np_put(x, i, s, acc),
           errors=lambda: [E(_m(3, 4), _i(12), _m(1), err=IndexError, match="out of range"),
                           E(_m(3, 4), _i(1, 2), _m(1), err=IndexError, match="Expected source and index to have")]),
    OpInfo("nonzero", ember.nonzero,
           lambda dt: [S(np.where(_MASK, _m(3, 4, dt=dt), 0).astype(dt)), S(np.zeros((0, 2), dt)),
                       S(np.array(5, dt)), S(_MASK.astype(dt), as_tuple=True, name="as_tuple")],
           ref=lambda x, as_tuple=False: np.nonzero(x) if as_tuple else np.argwhere(x), grad=False, gradgrad=False),
    OpInfo("argwhere", ember.argwhere, lambda dt: [S(_MASK.astype(dt))], ref=np.argwhere, grad=False,
           gradgrad=False),
]


def _np_index_put(x, i, v, acc):
    out = x.copy()
    if acc:
        np.add.at(out, i if i.dtype != bool else np.nonzero(i), v)
    else:
        out[i] = v
    return out


def _np_masked_scatter(x, m, s):
    x, m = np.broadcast_arrays(x, m)
    out = x.copy()
    out[m] = s.reshape(-1)[:int(m.sum())]
    return out


def _np_put(x, i, s, acc):
    out = x.copy().reshape(-1)
    if acc:
        np.add.at(out, i, s)
    else:
        out[i] = s
    return out.reshape(x.shape)


# -- index_reduce, unravel_index ------------------------------------------------------------------------------
def _np_index_reduce(x, dim, index, src, reduce, include_self=True):
    out = np.moveaxis(x.copy(), dim, 0)
    s = np.moveaxis(src, dim, 0)
    fn = {"prod": np.prod, "mean": np.mean, "amax": np.max, "amin": np.min}[reduce]
    for t in np.unique(index):
        vals = list(s[index == t]) + ([out[t]] if include_self else [])
        out[t] = fn(np.stack(vals), axis=0)
    return np.moveaxis(out, 0, dim)


def _index_reduce_samples(dt):
    idx = _i(0, 2, 0, 3, 2)
    src = _m(5, 3, dt=dt, seed=1)
    src[1] = src[0]  # ties for amax/amin gradient sharing
    out = []
    for red in ("prod", "mean", "amax", "amin"):
        for inc in (True, False):
            out.append(S(_m(4, 3, dt=dt), 0, idx, src, red, include_self=inc, name=f"{red}-{inc}"))
    out.append(S(_m(3, 4, dt=dt), 1, _i(1, 1), _m(3, 2, dt=dt, seed=2), "mean", name="dim1"))
    return out


OPS += [
    OpInfo("index_reduce", ember.index_reduce, _index_reduce_samples, ref=_np_index_reduce,
           errors=lambda: [E(_m(3, 4), 0, _i(0), _m(1, 4), "sum",
                             match="Expected reduce to be one of prod, mean, amax or amin but got sum"),
                           E(_m(3, 4), 0, _i(5), _m(1, 4), "prod", err=IndexError, match="out of bounds")]),
    OpInfo("unravel_index", ember.unravel_index,
           lambda dt: [S(_i(7, -1, 5, 0), (2, 3)), S(np.array(5), (2, 3)), S(_i(3, 4), 6)],
           ref=lambda i, s: np.unravel_index(np.mod(i, np.prod(s)), s), dtypes=(np.int64,), grad=False,
           gradgrad=False,
           errors=lambda: [E(np.array([1.0]), (2, 2), err=TypeError, match="expected 'indices' to be integer dtype"),
                           E(_i(3), (2, -2), err=ValueError, match="'shape' cannot have negative values")]),
]
