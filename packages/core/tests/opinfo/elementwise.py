"""OpInfo entries: elementwise arithmetic, comparison and unary math."""
from __future__ import annotations

import numpy as np
import scipy.special as sp

import ember
from .base import ErrorInput, OpInfo, SampleInput, make


def _unary_samples(positive=False, low=-2.0, high=2.0):
    def samples(dt):
        kw = dict(dtype=dt, positive=positive, low=low, high=high)
        return [SampleInput((make((5,), **kw),), name="1d"),
                SampleInput((make((3, 4), **kw),), name="2d"),
                SampleInput((make((4, 3), noncontig=True, **kw),), name="noncontig"),
                SampleInput((make((), **kw),), name="0d"),
                SampleInput((make((0, 3), **kw),), name="empty")]
    return samples


def _binary_samples(positive=False, low=-2.0, high=2.0):
    def samples(dt):
        kw = dict(dtype=dt, positive=positive, low=low, high=high)
        return [SampleInput((make((3, 4), **kw), make((3, 4), seed=1, **kw)), name="same"),
                SampleInput((make((3, 4), **kw), make((4,), seed=1, **kw)), name="broadcast"),
                SampleInput((make((2, 1, 4), **kw), make((3, 1), seed=1, **kw)), name="broadcast-both"),
                SampleInput((make((4, 3), noncontig=True, **kw), make((4, 3), seed=1, **kw)), name="noncontig"),
                SampleInput((make((), **kw), make((3,), seed=1, **kw)), name="0d"),
                SampleInput((make((3, 4), **kw), 1.5), name="scalar")]
    return samples


def _shape_error(fn):
    def errors():
        return [ErrorInput(SampleInput((make((3, 4)), make((5,)))), RuntimeError, "size of tensor a")]
    return errors


UNARY = [
    # name, numpy ref, domain kwargs, gradgrad
    ("exp", np.exp, {}), ("expm1", np.expm1, {}), ("log", np.log, dict(positive=True)),
    ("log2", np.log2, dict(positive=True)), ("log10", np.log10, dict(positive=True)),
    ("log1p", np.log1p, dict(positive=True)), ("sqrt", np.sqrt, dict(positive=True)),
    ("rsqrt", lambda x: 1 / np.sqrt(x), dict(positive=True)), ("sin", np.sin, {}), ("cos", np.cos, {}),
    ("tan", np.tan, dict(low=-1.0, high=1.0)), ("asin", np.arcsin, dict(low=-0.9, high=0.9)),
    ("acos", np.arccos, dict(low=-0.9, high=0.9)), ("atan", np.arctan, {}), ("sinh", np.sinh, {}),
    ("cosh", np.cosh, {}), ("tanh", np.tanh, {}), ("asinh", np.arcsinh, {}),
    ("acosh", np.arccosh, dict(low=1.2, high=3.0)), ("atanh", np.arctanh, dict(low=-0.9, high=0.9)),
    ("sigmoid", lambda x: 1 / (1 + np.exp(-x)), {}), ("erf", sp.erf, {}), ("erfc", sp.erfc, {}),
    ("erfinv", sp.erfinv, dict(low=-0.9, high=0.9)), ("lgamma", sp.gammaln, dict(positive=True)),
    ("digamma", sp.digamma, dict(positive=True, low=0.5, high=3.0)),
    ("reciprocal", lambda x: 1 / x, dict(positive=True)), ("neg", np.negative, {}), ("abs", np.abs, {}),
    ("exp2", np.exp2, {}), ("logit", lambda x: np.log(x / (1 - x)), dict(low=0.1, high=0.9)),
    ("square", np.square, {}),
]
NONDIFF_UNARY = [("floor", np.floor), ("ceil", np.ceil), ("trunc", np.trunc), ("round", np.round),
                 ("sign", np.sign), ("frac", lambda x: x - np.trunc(x))]

OPS = []
for name, ref, dom in UNARY:
    kw = dict(dom)
    if name == "logit":
        kw.pop("positive", None)
    OPS.append(OpInfo(name, getattr(ember, name), _unary_samples(**kw), ref=ref,
                      grad=True, gradgrad=name not in ("abs",)))
for name, ref in NONDIFF_UNARY:
    OPS.append(OpInfo(name, getattr(ember, name), _unary_samples(), ref=ref, grad=name == "frac", gradgrad=False))

BINARY = [
    ("add", np.add, {}), ("sub", np.subtract, {}), ("mul", np.multiply, {}),
    ("div", np.divide, dict(positive=True)), ("pow", np.power, dict(positive=True, low=0.5, high=2.0)),
    ("atan2", np.arctan2, {}), ("maximum", np.maximum, {}), ("minimum", np.minimum, {}),
    ("hypot", np.hypot, dict(positive=True)), ("remainder", np.remainder, dict(positive=True, low=0.5)),
    ("fmod", np.fmod, dict(positive=True, low=0.5)),
]
for name, ref, dom in BINARY:
    samples = _binary_samples(**dom)
    if name in ("maximum", "minimum", "atan2", "hypot"):
        base = samples
        samples = (lambda base: lambda dt: [s for s in base(dt) if s.name != "scalar"])(base)
    OPS.append(OpInfo(name, getattr(ember, name), samples, ref=ref, errors=_shape_error(None),
                      grad=True, gradgrad=name not in ("maximum", "minimum", "remainder", "fmod")))

for name, ref in [("eq", np.equal), ("ne", np.not_equal), ("lt", np.less), ("le", np.less_equal),
                  ("gt", np.greater), ("ge", np.greater_equal)]:
    OPS.append(OpInfo(name, getattr(ember, name), _binary_samples(), ref=ref, grad=False, gradgrad=False))

OPS += [
    OpInfo("where", lambda c, a, b: ember.where(c, a, b),
           lambda dt: [SampleInput((make((3, 4), np.bool_), make((3, 4), dt), make((4,), dt, seed=2)))],
           ref=np.where),
    OpInfo("clamp", ember.clamp,
           lambda dt: [SampleInput((make((3, 4), dt),), dict(min=-0.5, max=0.7)),
                       SampleInput((make((4, 3), dt, noncontig=True),), dict(min=-0.5))],
           ref=lambda x, min=None, max=None: np.clip(x, min, max), gradgrad=False),
    OpInfo("lerp", ember.lerp,
           lambda dt: [SampleInput((make((3, 4), dt), make((3, 4), dt, seed=1), make((4,), dt, seed=2)))],
           ref=lambda a, b, w: a + w * (b - a)),
]
