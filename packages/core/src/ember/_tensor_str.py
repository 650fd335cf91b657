"""Printing tensors like torch: tensor([...], dtype=..., requires_grad=True, grad_fn=<MulBackward0>)."""
from __future__ import annotations

import numpy as np

from . import _dtype as D


class _PrintOptions:
    precision = 4
    threshold = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode = None


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None,
                     sci_mode=None) -> None:
    """Set print options (mirrors torch.set_printoptions)."""
    if profile == "default":
        _PrintOptions.precision, _PrintOptions.threshold = 4, 1000
        _PrintOptions.edgeitems, _PrintOptions.linewidth = 3, 80
    elif profile == "short":
        _PrintOptions.precision, _PrintOptions.threshold = 2, 1000
        _PrintOptions.edgeitems, _PrintOptions.linewidth = 2, 80
    elif profile == "full":
        _PrintOptions.precision, _PrintOptions.threshold = 4, float("inf")
        _PrintOptions.edgeitems, _PrintOptions.linewidth = 3, 80
    for k, v in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                 ("linewidth", linewidth)):
        if v is not None:
            setattr(_PrintOptions, k, v)
    _PrintOptions.sci_mode = sci_mode


def _float_formatter(a):
    p = _PrintOptions.precision
    finite = a[np.isfinite(a)] if a.size else a
    nz = np.abs(finite[finite != 0]) if finite.size else finite
    int_mode = finite.size == 0 or bool(np.all(finite == np.round(finite)))
    sci = _PrintOptions.sci_mode
    if sci is None:
        sci = bool(nz.size) and (nz.max() / nz.min() > 1000.0 or nz.max() > 1e8 or nz.min() < 1e-4)
    if int_mode and not sci:
        return lambda v: _special(v) or f"{v:.0f}."
    if sci:
        return lambda v: _special(v) or f"{v:.{p}e}"
    return lambda v: _special(v) or f"{v:.{p}f}"


def _special(v):
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    return None


def _format(a):
    k = a.dtype.kind
    if k == "b":
        fmt = lambda v: "True" if v else "False"  # noqa: E731
    elif k in "iu":
        fmt = str
    elif k == "c":
        fr = _float_formatter(np.concatenate([a.real.ravel(), a.imag.ravel()]).astype(np.float64))
        fmt = lambda v: f"{fr(v.real)}{'+' if v.imag >= 0 or np.isnan(v.imag) else '-'}{fr(abs(v.imag))}j"  # noqa
    else:
        fmt = _float_formatter(a.astype(np.float64))
    return fmt


def _summarize(a, edge):
    return a.size > _PrintOptions.threshold


def _str_array(a, indent, fmt, summarize, width=None):
    if a.ndim == 0:
        return fmt(a.item() if a.dtype.kind != "f" else float(a))
    if a.ndim == 1:
        items = list(a)
        if summarize and len(items) > 2 * _PrintOptions.edgeitems:
            e = _PrintOptions.edgeitems
            parts = [fmt(v) for v in items[:e]] + ["..."] + [fmt(v) for v in items[-e:]]
        else:
            parts = [fmt(v) for v in items]
        width = width or max((len(p) for p in parts), default=0)
        parts = [p.rjust(width) for p in parts]
        per_line = max(1, (_PrintOptions.linewidth - indent) // (width + 2))
        lines = [", ".join(parts[i:i + per_line]) for i in range(0, len(parts), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    n = a.shape[0]
    e = _PrintOptions.edgeitems
    idx = list(range(n))
    if summarize and n > 2 * e:
        idx = idx[:e] + [None] + idx[-e:]
    rows = [_str_array(a[i], indent + 1, fmt, summarize, width) if i is not None else "..." for i in idx]
    sep = "," + "\n" * (a.ndim - 1) + " " * (indent + 1)
    return "[" + sep.join(rows) + "]"


def tensor_repr(t) -> str:
    a = np.asarray(t._data if t.is_cpu else t._data.get())
    if a.dtype == D.bfloat16.np or a.dtype == np.float16:
        a = a.astype(np.float32)
    suffix = []
    if not t.is_cpu:
        suffix.append(f"device='{t.device}'")
    d = t.dtype
    show_dtype = d not in (D.get_default_dtype(), D.int64, D.bool) and not (d is D.complex64 and
                                                                          D.get_default_dtype() is D.float32)
    if a.size == 0:
        body = "[]"
        if a.ndim != 1:
            suffix.append(f"size={tuple(a.shape)}")
        show_dtype = d not in (D.get_default_dtype(),)
    else:
        summarize = a.size > _PrintOptions.threshold
        vis = _visible(a) if summarize else a
        fmt = _format(vis)
        width = max(len(fmt(v)) for v in vis.ravel()) if a.ndim > 1 else None
        body = _str_array(a, 7, fmt, summarize, width)
    if show_dtype:
        suffix.append(f"dtype={d!r}")
    if t._grad_fn is not None:
        suffix.append(f"grad_fn=<{t._grad_fn.name()}>")
    elif t._rg:
        suffix.append("requires_grad=True")
    return "tensor(" + body + "".join(", " + s for s in suffix) + ")"


def _visible(a):
    e = _PrintOptions.edgeitems
    for ax in range(a.ndim):
        if a.shape[ax] > 2 * e:
            a = np.concatenate([np.take(a, range(e), ax), np.take(a, range(a.shape[ax] - e, a.shape[ax]), ax)], ax)
    return a
