"""OpInfo entries: ops.misc (extra pointwise math, statistics, builders, searching/binning)."""
from __future__ import annotations

import itertools

import numpy as np
import scipy.special as sp

import ember
from .base import ErrorInput, OpInfo, SampleInput, make


def _bin(positive=False, low=-2.0, high=2.0):
    def samples(dt):
        kw = dict(dtype=dt, positive=positive, low=low, high=high)
        return [SampleInput((make((3, 4), **kw), make((3, 4), seed=1, **kw)), name="same"),
                SampleInput((make((2, 1, 4), **kw), make((3, 1), seed=1, **kw)), name="broadcast"),
                SampleInput((make((4, 3), noncontig=True, **kw), make((4, 3), seed=2, **kw)), name="noncontig"),
                SampleInput((make((), **kw), make((3,), seed=1, **kw)), name="0d")]
    return samples


def _un(positive=False, low=-2.0, high=2.0):
    def samples(dt):
        kw = dict(dtype=dt, positive=positive, low=low, high=high)
        return [SampleInput((make((5,), **kw),), name="1d"), SampleInput((make((3, 4), **kw),), name="2d"),
                SampleInput((make((4, 3), noncontig=True, **kw),), name="noncontig"),
                SampleInput((make((), **kw),), name="0d")]
    return samples


def _ternary(positive_last=False):
    def samples(dt):
        t2 = dict(positive=True, low=0.5) if positive_last else {}
        return [SampleInput((make((3, 4), dt), make((3, 4), dt, seed=1), make((3, 4), dt, seed=2, **t2)),
                            name="same"),
                SampleInput((make((3, 4), dt), make((4,), dt, seed=1), make((3, 1), dt, seed=2, **t2)),
                            dict(value=0.5), name="broadcast")]
    return samples


def _shape_err(fn_args):
    def errors():
        return [ErrorInput(SampleInput(fn_args), RuntimeError, "cannot be broadcast")]
    return errors


def _np_trapz(y, x=None, dx=None, dim=-1):
    if x is None:
        return np.trapezoid(y, dx=1 if dx is None else dx, axis=dim)
    return np.trapezoid(y, x=x, axis=dim)


def _np_cumtrapz(y, x=None, dx=None, dim=-1):
    from scipy.integrate import cumulative_trapezoid  # noqa: PLC0415

    return cumulative_trapezoid(y, x=x, dx=1 if dx is None else dx, axis=dim)


def _np_block_diag(*ms):
    from scipy.linalg import block_diag  # noqa: PLC0415

    return block_diag(*[np.atleast_2d(m) for m in ms])


def _np_combinations(x, r=2, with_replacement=False):
    gen = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    return np.array([list(c) for c in gen(x.tolist(), r)], dtype=x.dtype)


def _np_renorm(x, p, dim, maxnorm):
    axes = tuple(d for d in range(x.ndim) if d != dim)
    n = np.sum(np.abs(x) ** p, axis=axes, keepdims=True) ** (1.0 / p)
    return x * np.where(n > maxnorm, maxnorm / (n + 1e-7), 1.0)


def _quantile_samples(dt):
    return [SampleInput((make((3, 5), dt), 0.3), dict(dim=1), name="dim"),
            SampleInput((make((4, 3), dt, noncontig=True), 0.5), dict(dim=0, keepdim=True), name="keepdim"),
            SampleInput((make((2, 3), dt), 0.75), name="flat")]


OPS = [
    OpInfo("addcmul", ember.addcmul, _ternary(), ref=lambda x, a, b, value=1: x + value * a * b,
           errors=_shape_err((make((3, 4)), make((5,)), make((3, 4))))),
    OpInfo("addcdiv", ember.addcdiv, _ternary(positive_last=True), ref=lambda x, a, b, value=1: x + value * a / b),
    OpInfo("copysign", ember.copysign, _bin(), ref=np.copysign, gradgrad=True),
    OpInfo("logaddexp", ember.logaddexp, _bin(), ref=np.logaddexp),
    OpInfo("logaddexp2", ember.logaddexp2, _bin(), ref=np.logaddexp2),
    OpInfo("heaviside", ember.heaviside, _bin(), ref=np.heaviside, grad=False, gradgrad=False,
           torch_op=None),  # torch has no derivative (its parity test lives in test_misc_ops.py)
    OpInfo("nextafter", ember.nextafter, _bin(), ref=np.nextafter, grad=False, gradgrad=False, atol=0,
           rtol=0),
    OpInfo("gcd", ember.gcd, lambda dt: [SampleInput((make((3, 4), np.int64, low=-20, high=20),
                                                      make((4,), np.int64, low=0, high=30, seed=1)))],
           ref=np.gcd, dtypes=(np.int64,), grad=False, gradgrad=False),
    OpInfo("lcm", ember.lcm, lambda dt: [SampleInput((make((3, 4), np.int64, low=-20, high=20),
                                                      make((4,), np.int64, low=0, high=30, seed=1)))],
           ref=np.lcm, dtypes=(np.int64,), grad=False, gradgrad=False),
    OpInfo("rsub", ember.rsub, lambda dt: [SampleInput((make((3, 4), dt), make((4,), dt, seed=1)), dict(alpha=2)),
                                           SampleInput((make((3, 4), dt), 1.5))],
           ref=lambda a, b, alpha=1: b - alpha * a),
    OpInfo("deg2rad", ember.deg2rad, _un(), ref=np.deg2rad),
    OpInfo("rad2deg", ember.rad2deg, _un(), ref=np.rad2deg),
    OpInfo("ldexp", ember.ldexp, lambda dt: [SampleInput((make((3, 4), dt), make((4,), np.int64, low=0, high=3)))],
           ref=lambda a, b: a * 2.0 ** b),
    OpInfo("frexp", ember.frexp, _un(), ref=lambda x: np.frexp(x)[0], output_process=lambda out: out[0]),
    OpInfo("i0", ember.i0, _un(), ref=np.i0),
    OpInfo("igamma", ember.igamma, _bin(positive=True), ref=sp.gammainc, grad=False, gradgrad=False,
           torch_op=None),  # no derivative w.r.t. input in torch: tested in test_misc_ops.py
    OpInfo("igammac", ember.igammac, _bin(positive=True), ref=sp.gammaincc, grad=False, gradgrad=False,
           torch_op=None),
    OpInfo("mvlgamma", ember.mvlgamma, lambda dt: [SampleInput((make((3, 4), dt, low=2.0, high=4.0), 3))],
           ref=lambda x, p: sp.multigammaln(x, p) if x.ndim == 0 else np.vectorize(lambda v: sp.multigammaln(v, p))(x),
           errors=lambda: [ErrorInput(SampleInput((make((3,), low=-1.0, high=0.0), 2)), RuntimeError,
                                      "greater than")]),
    OpInfo("trapezoid", ember.trapezoid,
           lambda dt: [SampleInput((make((3, 5), dt),), name="dx1"),
                       SampleInput((make((3, 5), dt), np.sort(make((5,), dt, seed=3))), name="x"),
                       SampleInput((make((4, 3), dt, noncontig=True),), dict(dx=0.5, dim=0), name="dim0")],
           ref=_np_trapz),
    OpInfo("cumulative_trapezoid", ember.cumulative_trapezoid,
           lambda dt: [SampleInput((make((3, 5), dt),), dict(dx=2.0), name="dx"),
                       SampleInput((make((3, 5), dt), np.sort(make((5,), dt, seed=3))), name="x")],
           ref=_np_cumtrapz),
    OpInfo("cov", ember.cov, lambda dt: [SampleInput((make((3, 6), dt),), name="2d"),
                                         SampleInput((make((6,), dt),), dict(correction=0), name="1d")],
           ref=lambda x, correction=1: np.cov(x, ddof=correction),
           errors=lambda: [ErrorInput(SampleInput((make((2, 2, 2)),)), ValueError, "two or fewer")]),
    OpInfo("corrcoef", ember.corrcoef, lambda dt: [SampleInput((make((3, 6), dt),))], ref=np.corrcoef),
    OpInfo("cartesian_prod", ember.cartesian_prod,
           lambda dt: [SampleInput((make((3,), dt), make((2,), dt, seed=1)))],
           ref=lambda a, b: np.stack([g.ravel() for g in np.meshgrid(a, b, indexing="ij")], 1)),
    OpInfo("combinations", ember.combinations,
           lambda dt: [SampleInput((make((4,), dt),), name="r2"),
                       SampleInput((make((3,), dt),), dict(r=3, with_replacement=True), name="repl")],
           ref=_np_combinations,
           errors=lambda: [ErrorInput(SampleInput((make((2, 2)),)), RuntimeError, "1D vector")]),
    OpInfo("block_diag", ember.block_diag,
           lambda dt: [SampleInput((make((2, 3), dt), make((2,), dt, seed=1), make((), dt, seed=2)))],
           ref=_np_block_diag,
           errors=lambda: [ErrorInput(SampleInput((make((2, 2, 2)),)), RuntimeError, "2 or fewer dimensions")]),
    OpInfo("quantile", ember.quantile, _quantile_samples,
           ref=lambda x, q, dim=None, keepdim=False: np.quantile(x, q, axis=dim, keepdims=keepdim),
           errors=lambda: [ErrorInput(SampleInput((make((3,)), 1.5)), RuntimeError, "range"),
                           ErrorInput(SampleInput((make((3,), np.int64), 0.5)), RuntimeError, "float or double")]),
    OpInfo("nanquantile", ember.nanquantile, _quantile_samples,
           ref=lambda x, q, dim=None, keepdim=False: np.nanquantile(x, q, axis=dim, keepdims=keepdim)),
    OpInfo("msort", ember.msort, lambda dt: [SampleInput((make((4, 3), dt),))], ref=lambda x: np.sort(x, 0)),
    OpInfo("renorm", ember.renorm, lambda dt: [SampleInput((make((3, 4), dt), 2, 0, 1.0)),
                                               SampleInput((make((3, 4), dt), 1, 1, 2.0))], ref=_np_renorm),
    OpInfo("gradient", ember.gradient,
           lambda dt: [SampleInput((make((5, 4), dt),), name="all"),
                       SampleInput((make((5, 4), dt),), dict(spacing=2.0, dim=0, edge_order=2), name="edge2")],
           ref=lambda x, spacing=1.0, dim=None, edge_order=1: np.gradient(x, spacing, axis=dim,
                                                                           edge_order=edge_order)),
    OpInfo("isclose", ember.isclose, lambda dt: [SampleInput((make((3, 4), dt), make((3, 4), dt, seed=1)),
                                                             dict(atol=0.5))],
           ref=lambda a, b, atol=1e-8: np.isclose(a, b, atol=atol), grad=False, gradgrad=False),
    OpInfo("searchsorted", ember.searchsorted,
           lambda dt: [SampleInput((np.sort(make((6,), dt)), make((3, 2), dt, seed=1)), name="1d"),
                       SampleInput((np.sort(make((6,), dt)), make((4,), dt, seed=1)), dict(right=True), name="right")],
           ref=lambda s, v, right=False: np.searchsorted(s, v, side="right" if right else "left"),
           grad=False, gradgrad=False),
    OpInfo("histc", ember.histc, lambda dt: [SampleInput((make((50,), dt),), dict(bins=7, min=-1, max=1))],
           ref=lambda x, bins, min, max: np.histogram(x, bins, range=(min, max))[0].astype(x.dtype),
           grad=False, gradgrad=False),
]
