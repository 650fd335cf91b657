"""OpInfo entries: reductions, cumulative ops, sorting/selection and unique.

Float samples are uniform random, so values are distinct and max/sort/median gradients are unambiguous.
Ops returning (values, indices) are checked on their values here (``output_process``); their indices and
named-tuple types are checked against torch in ``tests/test_reduction.py``.
"""
from __future__ import annotations

import numpy as np

import ember
from .base import ErrorInput, NonContig, OpInfo, SampleInput, make

F64 = np.float64


def _arr(a):
    return a.array if isinstance(a, NonContig) else a


def _ax(x, dim):
    """NumPy axis for a torch ``dim`` (0-d inputs accept dim 0/-1 and reduce nothing)."""
    if dim is None or x.ndim == 0:
        return None
    return tuple(dim) if isinstance(dim, (list, tuple)) else dim


def _red_ref(fn, **fixed):
    def ref(x, dim=None, keepdim=False, **kw):
        kw.update(fixed)
        kw.pop("dtype", None)
        return np.asarray(fn(x, axis=_ax(x, dim), keepdims=keepdim, **kw))
    return ref


def _samples(tuple_dims=True, full=True, dim_required=False, zero_d=True):
    """Reduction samples: full, dim, negative dim + keepdim, tuple dims, non-contiguous, 0-d."""
    def samples(dt):
        s = []
        if full and not dim_required:
            s.append(SampleInput((make((3, 4), dt),), name="full"))
        s += [SampleInput((make((3, 4), dt),), dict(dim=1), name="dim"),
              SampleInput((make((2, 3, 4), dt),), dict(dim=-1, keepdim=True), name="negdim-keepdim"),
              SampleInput((make((4, 3), dt, noncontig=True),), dict(dim=0), name="noncontig")]
        if tuple_dims:
            s.append(SampleInput((make((2, 3, 4), dt),), dict(dim=(0, -1)), name="tuple-dims"))
        if zero_d:
            s.append(SampleInput((make((), dt),), dict(dim=0), name="0d-dim"))
            if full and not dim_required:
                s.append(SampleInput((make((), dt),), name="0d"))
        return s
    return samples


def _full_samples(dt):
    return [SampleInput((make((3, 4), dt),), name="2d"),
            SampleInput((make((4, 3), dt, noncontig=True),), name="noncontig"),
            SampleInput((make((), dt),), name="0d")]


def _dim_errors(*extra, dim_kw="dim"):
    def errors():
        es = [ErrorInput(SampleInput((make((3, 4)),), {dim_kw: 2}), IndexError, "Dimension out of range"),
              ErrorInput(SampleInput((make((3, 4)),), {dim_kw: -3}), IndexError, "Dimension out of range")]
        return es + [e() for e in extra]
    return errors


def _err(args, kwargs, typ, match):
    return lambda: ErrorInput(SampleInput(args, kwargs), typ, match)


_values = lambda out: out[0]  # noqa: E731


def _vi_ref(fn):
    """Reference for (values, indices) ops: values only (indices are compared with torch elsewhere)."""
    def ref(x, dim=-1, keepdim=False, **kw):
        return fn(x, _ax(x, dim), keepdim, **kw)
    return ref


def _lower_median(x, axis, keepdims):
    if axis is None:
        return np.sort(x.reshape(-1))[(x.size - 1) // 2] if x.ndim else x
    s = np.sort(x, axis=axis)
    v = np.take(s, [(x.shape[axis] - 1) // 2], axis=axis)
    return v if keepdims else v.squeeze(axis)


def _nan_samples(dt):
    x = make((3, 5), dt)
    x[0, 1] = x[2, 3] = x[2, 0] = np.nan
    return [SampleInput((x,), dict(dim=1), name="nan-dim"),
            SampleInput((x.copy(),), dict(dim=-2, keepdim=True), name="nan-negdim"),
            SampleInput((x.copy(),), name="nan-full"),
            SampleInput((NonContig(x.T.copy()),), dict(dim=0), name="nan-noncontig")]


def _vector_norm(x, p="fro", dim=None, keepdim=False):
    ax = _ax(x, (dim,) if isinstance(dim, int) else dim)
    a = np.abs(x)
    if p == "nuc":
        return np.linalg.norm(x, "nuc", axis=ax or (0, 1), keepdims=keepdim)
    p = 2 if p == "fro" else p
    if p == np.inf:
        return np.amax(a, axis=ax, keepdims=keepdim)
    if p == -np.inf:
        return np.amin(a, axis=ax, keepdims=keepdim)
    return np.sum(a ** p, axis=ax, keepdims=keepdim) ** (1.0 / p)


def _norm_samples(dt):
    return [SampleInput((make((3, 4), dt),), name="fro"),
            SampleInput((make((3, 4), dt),), dict(p=1, dim=-1), name="p1-negdim"),
            SampleInput((make((2, 3, 4), dt),), dict(p=3, dim=(0, 2), keepdim=True), name="p3-tuple-keepdim"),
            SampleInput((make((4, 3), dt, noncontig=True),), dict(p=float("inf"), dim=0), name="inf-noncontig"),
            SampleInput((make((3, 4), dt),), dict(p=-float("inf"), dim=1), name="-inf"),
            SampleInput((make((3, 4), dt, positive=True),), dict(p=0.5), name="p0.5"),
            SampleInput((make((3, 4), dt),), dict(p="fro", dim=(0, 1)), name="fro-dims"),
            SampleInput((make((3, 4), dt),), dict(p="nuc"), name="nuc"),
            SampleInput((make((), dt),), dict(p=2), name="0d")]


def _cum_samples(dt, positive=False):
    kw = dict(positive=positive)
    return [SampleInput((make((3, 4), dt, **kw), 1), name="dim1"),
            SampleInput((make((2, 3, 4), dt, **kw), -2), name="negdim"),
            SampleInput((make((4, 3), dt, noncontig=True, **kw),), dict(dim=0), name="noncontig"),
            SampleInput((make((5,), dt, **kw), 0), name="1d"),
            SampleInput((make((), dt, **kw), 0), name="0d")]


def _cumprod_samples(dt):
    x = make((3, 5), dt)
    x[1, 2] = 0.0
    x[2, 1] = x[2, 3] = 0.0
    return _cum_samples(dt) + [SampleInput((x, 1), name="zeros")]


def _cumext_ref(fn):
    def ref(x, dim):
        return x.copy() if x.ndim == 0 else fn.accumulate(x, axis=dim)
    return ref


def _logcumsumexp_ref(x, dim):
    return x.copy() if x.ndim == 0 else np.logaddexp.accumulate(x, axis=dim)


def _cum_ref(fn):
    def ref(x, dim):
        return x.copy() if x.ndim == 0 else fn(x, axis=dim)
    return ref


def _sort_samples(dt):
    return [SampleInput((make((3, 5), dt),), name="default"),
            SampleInput((make((3, 5), dt),), dict(dim=0, descending=True), name="dim0-desc"),
            SampleInput((make((2, 3, 4), dt),), dict(dim=-2), name="negdim"),
            SampleInput((make((4, 3), dt, noncontig=True),), dict(dim=0, descending=True, stable=True),
                        name="noncontig-stable"),
            SampleInput((make((), dt),), name="0d")]


def _sort_ref(x, dim=-1, descending=False, stable=False):
    if x.ndim == 0:
        return x.copy()
    s = np.sort(x, axis=dim)
    return np.flip(s, axis=dim) if descending else s


def _argsort_ref(x, dim=-1, descending=False, stable=False):
    if x.ndim == 0:
        return np.asarray(0)
    return np.argsort(-x if descending else x, axis=dim, kind="stable")


def _topk_samples(dt):
    return [SampleInput((make((3, 6), dt), 2), name="k2"),
            SampleInput((make((4, 5), dt), 3), dict(dim=0, largest=False), name="smallest-dim0"),
            SampleInput((make((2, 3, 4), dt), 4), dict(dim=-1), name="k-all"),
            SampleInput((make((5, 4), dt, noncontig=True), 2, -2), name="noncontig-negdim"),
            SampleInput((make((), dt), 1), name="0d")]


def _topk_ref(x, k, dim=-1, largest=True, sorted=True):
    if x.ndim == 0:
        return x.copy()
    s = np.sort(x, axis=dim)
    if largest:
        s = np.flip(s, axis=dim)
    return np.take(s, np.arange(k), axis=dim)


def _kth_samples(dt):
    return [SampleInput((make((3, 5), dt), 2), name="k2"),
            SampleInput((make((4, 5), dt), 4, 0), dict(keepdim=True), name="dim0-keepdim"),
            SampleInput((make((2, 3, 4), dt), 1, -2), name="negdim"),
            SampleInput((make((5, 4), dt, noncontig=True), 3), dict(dim=0), name="noncontig"),
            SampleInput((make((), dt), 1), name="0d")]


def _kth_ref(x, k, dim=-1, keepdim=False):
    if x.ndim == 0:
        return x.copy()
    v = np.take(np.sort(x, axis=dim), [k - 1], axis=dim)
    return v if keepdim else v.squeeze(dim)


def _mode_samples(dt):
    if np.dtype(dt).kind in "iu":  # repeated values exercise the tie rules
        return [SampleInput((make((4, 7), dt, low=0, high=3),), name="ints"),
                SampleInput((make((6, 3), dt, low=0, high=2),), dict(dim=0, keepdim=True), name="ints-dim0")]
    return [SampleInput((make((3, 5), dt),), name="distinct"),
            SampleInput((make((2, 3, 4), dt),), dict(dim=-2, keepdim=True), name="negdim-keepdim"),
            SampleInput((make((4, 3), dt, noncontig=True),), dict(dim=0), name="noncontig"),
            SampleInput((make((), dt),), name="0d")]


def _mode_ref(x, dim=-1, keepdim=False):
    if x.ndim == 0:
        return x.copy()
    a = np.moveaxis(x, dim, -1)
    flat = a.reshape(-1, a.shape[-1])
    out = []
    for row in flat:
        vals, cnt = np.unique(row, return_counts=True)
        out.append(vals[np.argmax(cnt)])
    r = np.asarray(out, dtype=x.dtype).reshape(a.shape[:-1])
    return np.expand_dims(r, dim) if keepdim else r


def _median_samples(dt):
    return [SampleInput((make((3, 5), dt),), name="full"),
            SampleInput((make((3, 4), dt),), dict(dim=1), name="dim-even"),
            SampleInput((make((2, 3, 5), dt),), dict(dim=-1, keepdim=True), name="negdim-keepdim"),
            SampleInput((make((4, 3), dt, noncontig=True),), dict(dim=0), name="noncontig"),
            SampleInput((make((), dt),), name="0d"),
            SampleInput((make((), dt),), dict(dim=0), name="0d-dim")]


def _median_ref(x, dim=None, keepdim=False):
    return _lower_median(x, _ax(x, dim), keepdim)


def _nanmedian_ref(x, dim=None, keepdim=False):
    ax = _ax(x, dim)
    if ax is None:
        v = x.reshape(-1)
        v = np.sort(v[~np.isnan(v)])
        return v[(v.size - 1) // 2] if v.size else np.nan
    s = np.sort(x, axis=ax)  # NaN last
    c = (~np.isnan(x)).sum(axis=ax, keepdims=True)
    r = np.take_along_axis(s, np.maximum((c - 1) // 2, 0), axis=ax)
    return r if keepdim else r.squeeze(ax)


def _unique_samples(dt):
    x = make((4, 6), dt, low=0, high=4).astype(dt) if np.dtype(dt).kind in "iu" else \
        np.round(make((4, 6), dt) * 2) / 2
    rows = np.array([[1, 2, 3], [1, 2, 3], [0, 5, 1], [1, 2, 3]], dtype=dt)
    return [SampleInput((x,), name="plain"),
            SampleInput((x,), dict(return_inverse=True, return_counts=True), name="flags"),
            SampleInput((NonContig(x.T.copy()),), dict(return_counts=True), name="noncontig"),
            SampleInput((rows,), dict(dim=0, return_inverse=True, return_counts=True), name="dim0"),
            SampleInput((rows.T.copy(),), dict(dim=-1, return_inverse=True), name="negdim")]


def _unique_ref(x, sorted=True, return_inverse=False, return_counts=False, dim=None):
    out, inv, cnt = np.unique(x if dim is not None else x.reshape(-1), return_inverse=True,
                              return_counts=True, axis=dim)
    res = [out] + ([inv.reshape(x.shape if dim is None else -1)] if return_inverse else []) + \
        ([cnt] if return_counts else [])
    return res[0] if len(res) == 1 else tuple(res)


def _uc_samples(dt):
    x = np.array([1, 1, 2, 2, 2, 3, 1, 1, 4], dtype=dt)
    rows = np.array([[1, 2], [1, 2], [3, 4], [1, 2], [1, 2]], dtype=dt)
    return [SampleInput((x,), name="plain"),
            SampleInput((x,), dict(return_inverse=True, return_counts=True), name="flags"),
            SampleInput((rows,), dict(dim=0, return_inverse=True, return_counts=True), name="dim0"),
            SampleInput((NonContig(rows.T.copy()),), dict(dim=-1, return_counts=True), name="noncontig-negdim")]


def _uc_ref(x, return_inverse=False, return_counts=False, dim=None):
    if dim is None:
        flat = x.reshape(-1)
        first = np.r_[True, flat[1:] != flat[:-1]]
        out = flat[first]
        shape = x.shape
    else:
        m = np.moveaxis(x, dim, 0)
        first = np.r_[True, (m[1:] != m[:-1]).reshape(m.shape[0] - 1, -1).any(axis=1)]
        out = np.moveaxis(m[first], 0, dim)
        shape = (m.shape[0],)
    res = [out]
    if return_inverse:
        res.append((np.cumsum(first) - 1).reshape(shape))
    if return_counts:
        res.append(np.diff(np.r_[np.flatnonzero(first), first.size]))
    return res[0] if len(res) == 1 else tuple(res)


def _diff_samples(dt):
    return [SampleInput((make((3, 5), dt),), name="default"),
            SampleInput((make((4, 3), dt),), dict(n=2, dim=0), name="n2-dim0"),
            SampleInput((make((3, 4), dt), 1, -1, make((3, 2), dt, seed=1), make((3, 1), dt, seed=2)),
                        name="prepend-append"),
            SampleInput((make((4, 3), dt, noncontig=True),), dict(dim=-2), name="noncontig"),
            SampleInput((make((5,), dt),), dict(n=3), name="1d-n3")]


def _diff_ref(x, n=1, dim=-1, prepend=None, append=None):
    kw = {k: v for k, v in (("prepend", prepend), ("append", append)) if v is not None}
    return np.diff(x, n=n, axis=dim, **kw)


def _bool_samples(dt):
    x = make((3, 4), dt)
    x[0] = 0
    x[1, 2] = 0
    return [SampleInput((x,), name="full"),
            SampleInput((x,), dict(dim=1), name="dim"),
            SampleInput((x,), dict(dim=-2, keepdim=True), name="negdim-keepdim"),
            SampleInput((x,), dict(dim=(0, 1)), name="tuple"),
            SampleInput((NonContig(x.T.copy()),), dict(dim=0), name="noncontig"),
            SampleInput((make((), dt),), name="0d")]


def _count_samples(dt):
    x = make((3, 4), dt)
    x[0, :2] = 0
    return [SampleInput((x,), name="full"), SampleInput((x,), dict(dim=-1), name="negdim"),
            SampleInput((x,), dict(dim=(0, 1)), name="tuple"),
            SampleInput((NonContig(x.T.copy()),), dict(dim=0), name="noncontig")]


def _prod_samples(dt):
    z = make((3, 4), dt)
    z[1, 2] = 0.0
    z[2, 0] = z[2, 3] = 0.0
    return [SampleInput((make((3, 4), dt),), name="full"),
            SampleInput((make((3, 4), dt),), dict(dim=-1, keepdim=True), name="negdim-keepdim"),
            SampleInput((make((4, 3), dt, noncontig=True),), dict(dim=0), name="noncontig"),
            SampleInput((z,), dict(dim=1), name="zeros-dim"),
            SampleInput((make((3,), dt) * np.array([1, 0, 1], dtype=dt),), name="one-zero-full"),
            SampleInput((make((), dt),), dict(dim=0), name="0d")]


def _nan_inputs(fn_samples):
    def samples(dt):
        return _nan_samples(dt) + fn_samples(dt)
    return samples


def _aminmax_samples(dt):
    return [SampleInput((make((3, 4), dt),), name="full"),
            SampleInput((make((3, 4), dt),), dict(dim=-1, keepdim=True), name="negdim-keepdim"),
            SampleInput((make((4, 3), dt, noncontig=True),), dict(dim=0), name="noncontig"),
            SampleInput((make((), dt),), name="0d")]


def _var_samples(dt):
    return [SampleInput((make((3, 4), dt),), name="full"),
            SampleInput((make((3, 4), dt),), dict(dim=1, correction=0), name="correction0"),
            SampleInput((make((2, 3, 4), dt),), dict(dim=(0, -1), keepdim=True), name="tuple-keepdim"),
            SampleInput((make((4, 3), dt, noncontig=True), 0, False), name="legacy-unbiased"),
            SampleInput((make((3, 5), dt),), dict(dim=-1, correction=2), name="correction2")]


def _var_ref(sqrt):
    def ref(x, dim=None, unbiased=None, keepdim=False, correction=None):
        c = correction if correction is not None else (1 if unbiased is None else int(unbiased))
        v = np.var(x, axis=_ax(x, dim), ddof=c, keepdims=keepdim)
        return np.sqrt(v) if sqrt else v
    return ref


def _lse_ref(x, dim, keepdim=False):
    ax = _ax(x, dim)
    m = np.amax(x, axis=ax, keepdims=True)
    r = np.log(np.sum(np.exp(x - m), axis=ax, keepdims=True)) + m
    return r if keepdim else (r.squeeze(ax) if ax is not None else r.reshape(()))


def _lse_samples(dt):
    big = make((3, 4), dt) * 300
    return _samples(full=False)(dt) + [SampleInput((big.astype(dt),), dict(dim=1), name="large")]


def _lcse_samples(dt):
    return _cum_samples(dt) + [SampleInput(((make((3, 6), dt) * 200).astype(dt), 1), name="large")]


OPS = [
    OpInfo("sum", ember.sum, _samples(), ref=_red_ref(np.sum), errors=_dim_errors(
        _err((make((3, 4)),), dict(dim=(0, 0)), RuntimeError, "appears multiple times"))),
    OpInfo("nansum", ember.nansum, _nan_inputs(_samples()), ref=_red_ref(np.nansum), errors=_dim_errors()),
    OpInfo("mean", ember.mean, _samples(), ref=_red_ref(np.mean), errors=_dim_errors(
        _err((np.arange(4),), {}, RuntimeError, "mean\\(\\): could not infer output dtype"))),
    OpInfo("nanmean", ember.nanmean, _nan_inputs(_samples()), ref=_red_ref(np.nanmean), errors=_dim_errors(
        _err((np.arange(4),), {}, RuntimeError, "nanmean"))),
    OpInfo("prod", ember.prod, _prod_samples, ref=_red_ref(np.prod), errors=_dim_errors()),
    OpInfo("max", ember.max, _samples(tuple_dims=False, full=False), ref=_vi_ref(
        lambda x, ax, kd: np.amax(x, axis=ax, keepdims=kd)), output_process=_values, errors=_dim_errors(
        _err((np.zeros((0,)),), {}, RuntimeError, "Expected reduction dim to be specified"),
        _err((np.zeros((0, 3)),), dict(dim=0), IndexError, "Expected reduction dim 0 to have non-zero size"))),
    OpInfo("max_full", lambda x: ember.max(x), _full_samples, ref=np.amax,
           torch_op=lambda x: __import__("torch").max(x)),
    OpInfo("max_binary", lambda a, b: ember.max(a, b),
           lambda dt: [SampleInput((make((3, 4), dt), make((4,), dt, seed=1)))], ref=np.maximum,
           torch_op="max", gradgrad=False),
    OpInfo("min", ember.min, _samples(tuple_dims=False, full=False), ref=_vi_ref(
        lambda x, ax, kd: np.amin(x, axis=ax, keepdims=kd)), output_process=_values, errors=_dim_errors()),
    OpInfo("min_full", lambda x: ember.min(x), _full_samples, ref=np.amin,
           torch_op=lambda x: __import__("torch").min(x)),
    OpInfo("amax", ember.amax, _samples(), ref=_red_ref(np.amax), errors=_dim_errors(
        _err((np.zeros((0, 3)),), dict(dim=0), IndexError, "amax\\(\\): Expected reduction dim 0"))),
    OpInfo("amin", ember.amin, _samples(), ref=_red_ref(np.amin), errors=_dim_errors()),
    OpInfo("argmax", ember.argmax, _samples(tuple_dims=False),
           ref=lambda x, dim=None, keepdim=False: np.argmax(x, axis=_ax(x, dim), keepdims=keepdim)
           if dim is not None else np.argmax(x).reshape((1,) * x.ndim if keepdim else ()),
           grad=False, gradgrad=False, errors=_dim_errors()),
    OpInfo("argmin", ember.argmin, _samples(tuple_dims=False),
           ref=lambda x, dim=None, keepdim=False: np.argmin(x, axis=_ax(x, dim), keepdims=keepdim)
           if dim is not None else np.argmin(x).reshape((1,) * x.ndim if keepdim else ()),
           grad=False, gradgrad=False, errors=_dim_errors()),
    OpInfo("aminmax", ember.aminmax, _aminmax_samples,
           ref=lambda x, dim=None, keepdim=False: np.amin(x, axis=_ax(x, dim), keepdims=keepdim) * 2 +
           np.amax(x, axis=_ax(x, dim), keepdims=keepdim) * 3,
           output_process=lambda o: o[0] * 2 + o[1] * 3 if isinstance(o, tuple) else o,
           errors=_dim_errors()),
    OpInfo("var", ember.var, _var_samples, ref=_var_ref(False), errors=_dim_errors(
        _err((np.arange(4),), {}, RuntimeError, "std and var only support floating point"))),
    OpInfo("std", ember.std, _var_samples, ref=_var_ref(True), errors=_dim_errors()),
    OpInfo("var_mean", ember.var_mean, _var_samples, ref=lambda x, *a, **k: _var_ref(False)(x, *a, **k) * 2 +
           np.mean(x, axis=_ax(x, k.get("dim", a[0] if a else None)), keepdims=k.get("keepdim", False)),
           output_process=lambda o: o[0] * 2 + o[1] if isinstance(o, tuple) else o, errors=_dim_errors()),
    OpInfo("std_mean", ember.std_mean, _var_samples, ref=lambda x, *a, **k: _var_ref(True)(x, *a, **k) * 2 +
           np.mean(x, axis=_ax(x, k.get("dim", a[0] if a else None)), keepdims=k.get("keepdim", False)),
           output_process=lambda o: o[0] * 2 + o[1] if isinstance(o, tuple) else o, errors=_dim_errors()),
    OpInfo("logsumexp", ember.logsumexp, _lse_samples, ref=_lse_ref, errors=_dim_errors()),
    OpInfo("norm", ember.norm, _norm_samples, ref=_vector_norm, errors=_dim_errors(
        _err((np.arange(4),), {}, RuntimeError, "Expected a floating point"),
        _err((make((2, 3, 4)),), dict(p="nuc"), RuntimeError, "nuclear norm"))),
    OpInfo("all", ember.all, _bool_samples, ref=_red_ref(np.all), grad=False, gradgrad=False,
           dtypes=(np.float32, np.int64, np.bool_), errors=_dim_errors()),
    OpInfo("any", ember.any, _bool_samples, ref=_red_ref(np.any), grad=False, gradgrad=False,
           dtypes=(np.float64, np.int32, np.bool_), errors=_dim_errors()),
    OpInfo("count_nonzero", ember.count_nonzero, _count_samples,
           ref=lambda x, dim=None: np.asarray(np.count_nonzero(x, axis=_ax(x, dim))), grad=False, gradgrad=False,
           dtypes=(np.float64, np.int64), errors=_dim_errors()),
    OpInfo("cumsum", ember.cumsum, _cum_samples, ref=_cum_ref(np.cumsum), errors=_dim_errors()),
    OpInfo("cumprod", ember.cumprod, _cumprod_samples, ref=_cum_ref(np.cumprod), errors=_dim_errors()),
    OpInfo("cummax", ember.cummax, _cum_samples, ref=_cumext_ref(np.maximum), output_process=_values,
           errors=_dim_errors()),
    OpInfo("cummin", ember.cummin, _cum_samples, ref=_cumext_ref(np.minimum), output_process=_values,
           errors=_dim_errors()),
    OpInfo("logcumsumexp", ember.logcumsumexp, _lcse_samples, ref=_logcumsumexp_ref, errors=_dim_errors(
        _err((np.arange(4), 0), {}, NotImplementedError, "logcumsumexp"))),
    OpInfo("diff", ember.diff, _diff_samples, ref=_diff_ref, errors=_dim_errors(
        _err((make(()),), {}, RuntimeError, "at least one-dimensional"))),
    OpInfo("sort", ember.sort, _sort_samples, ref=_sort_ref, output_process=_values, errors=_dim_errors()),
    OpInfo("argsort", ember.argsort, _sort_samples, ref=_argsort_ref, grad=False, gradgrad=False,
           errors=_dim_errors()),
    OpInfo("topk", ember.topk, _topk_samples, ref=_topk_ref, output_process=_values, errors=lambda: [
        ErrorInput(SampleInput((make((3, 4)), 5)), RuntimeError, "selected index k out of range"),
        ErrorInput(SampleInput((make((3, 4)), 1, 2)), IndexError, "Dimension out of range")]),
    OpInfo("kthvalue", ember.kthvalue, _kth_samples, ref=_kth_ref, output_process=_values, errors=lambda: [
        ErrorInput(SampleInput((make((3, 4)), 5)), RuntimeError, "kthvalue\\(\\): selected number k out of range"),
        ErrorInput(SampleInput((make((3, 4)), 1, -3)), IndexError, "Dimension out of range")]),
    OpInfo("median", ember.median, _median_samples, ref=_median_ref,
           output_process=lambda o: o[0] if isinstance(o, tuple) else o, errors=_dim_errors()),
    OpInfo("nanmedian", ember.nanmedian, _nan_inputs(_median_samples), ref=_nanmedian_ref,
           output_process=lambda o: o[0] if isinstance(o, tuple) else o, errors=_dim_errors()),
    OpInfo("mode", ember.mode, _mode_samples, ref=_mode_ref, output_process=_values,
           dtypes=(np.float32, np.float64, np.int64), errors=_dim_errors()),
    OpInfo("unique", ember.unique, _unique_samples, ref=_unique_ref, grad=False, gradgrad=False,
           dtypes=(np.float64, np.int64), errors=lambda: [
               ErrorInput(SampleInput((make((3, 4)),), dict(dim=2)), IndexError, "Dimension out of range")]),
    OpInfo("unique_consecutive", ember.unique_consecutive, _uc_samples, ref=_uc_ref, grad=False, gradgrad=False,
           dtypes=(np.float64, np.int64), errors=lambda: [
               ErrorInput(SampleInput((make((3, 4)),), dict(dim=-3)), IndexError, "Dimension out of range")]),
]
