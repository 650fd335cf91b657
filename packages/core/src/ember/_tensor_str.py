"""Printing tensors like torch: tensor([...], dtype=..., requires_grad=True, grad_fn=<MulBackward0>).

NOTE [ tensor printing ]: the layout follows torch's rules exactly, so ``repr`` output of a program ported
with ``import ember as torch`` is identical (``ember.`` replaces ``torch.`` in dtype names):
  * one formatter per tensor (two for complex: real and imaginary parts), built from the (summarised) values:
    floats choose int mode (all nonzero finite values integral: ``1.``), scientific mode (max/min ratio over
    1000, max over 1e8 or min under 1e-4) or fixed mode with ``precision`` digits; every element is
    right-aligned to the widest nonzero finite value;
  * more than ``threshold`` elements: ``edgeitems`` per edge with `` ...`` / ``...`` between;
  * rows wrap at ``linewidth``; suffixes (device, dtype, grad_fn/requires_grad) go on a new line when the
    last line would overflow.
"""
from __future__ import annotations

import contextlib
import math

import numpy as np

from . import _dtype as D


class _PrintOptions:
    precision = 4
    threshold = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode = None


def set_printoptions(precision: int | None = None, threshold: float | None = None, edgeitems: int | None = None,
                     linewidth: int | None = None, profile: str | None = None, sci_mode: bool | None = None) -> None:
    """Set print options (mirrors torch.set_printoptions)."""
    if profile == "default":
        _PrintOptions.precision, _PrintOptions.threshold = 4, 1000
        _PrintOptions.edgeitems, _PrintOptions.linewidth = 3, 80
    elif profile == "short":
        _PrintOptions.precision, _PrintOptions.threshold = 2, 1000
        _PrintOptions.edgeitems, _PrintOptions.linewidth = 2, 80
    elif profile == "full":
        _PrintOptions.precision, _PrintOptions.threshold = 4, math.inf
        _PrintOptions.edgeitems, _PrintOptions.linewidth = 3, 80
    for k, v in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                 ("linewidth", linewidth)):
        if v is not None:
            setattr(_PrintOptions, k, v)
    _PrintOptions.sci_mode = sci_mode


def get_printoptions() -> dict:
    """The current print options as keyword arguments for set_printoptions."""
    return {k: getattr(_PrintOptions, k) for k in ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")}


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change the print options (a context manager)."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """Chooses int/sci/fixed mode and the column width from the values that will be shown."""

    def __init__(self, a: np.ndarray, floating: bool):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = a.ravel()
        if not floating:
            if flat.size:
                self.max_width = max(len(str(v)) for v in flat.tolist())
            return
        vals = flat[np.isfinite(flat) & (flat != 0)]
        if vals.size == 0:
            return
        absv = np.abs(vals).astype(np.float64)
        vmin, vmax = absv.min(), absv.max()
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        sci = _PrintOptions.sci_mode
        self.sci_mode = bool(vmax / vmin > 1000.0 or vmax > 1.0e8 or vmin < 1.0e-4) if sci is None else sci
        p = _PrintOptions.precision
        pyvals = vals.tolist()
        if self.sci_mode:
            self.max_width = max(len(f"{v:.{p}e}") for v in pyvals)
        elif self.int_mode:
            self.max_width = max(len(f"{v:.0f}") + 1 for v in pyvals)
        else:
            self.max_width = max(len(f"{v:.{p}f}") for v in pyvals)

    def format(self, v) -> str:
        if self.floating:
            p = _PrintOptions.precision
            if self.sci_mode:
                s = f"{v:{self.max_width}.{p}e}"
            elif self.int_mode:
                s = f"{v:.0f}"
                if not (math.isinf(v) or math.isnan(v)):
                    s += "."
            else:
                s = f"{v:.{p}f}"
        else:
            s = f"{v}"
        return " " * (self.max_width - len(s)) + s


def _val_str(v, f1: _Formatter, f2: _Formatter | None) -> str:
    if f2 is None:
        return f1.format(v)
    re = f1.format(v.real)
    im = (f2.format(v.imag) + "j").lstrip()
    return re + im if im[0] in "+-" else re + "+" + im


def _vector_str(a: np.ndarray, indent: int, summarize: bool, f1, f2) -> str:
    elem_len = f1.max_width + 2 + (f2.max_width + 1 if f2 is not None else 0)
    per_line = max(1, math.floor((_PrintOptions.linewidth - indent) / elem_len))
    e = _PrintOptions.edgeitems
    if summarize and not e:
        data = ["..."]
    elif summarize and a.shape[0] > 2 * e:
        data = [_val_str(v, f1, f2) for v in a[:e].tolist()] + [" ..."] + \
            [_val_str(v, f1, f2) for v in a[-e:].tolist()]
    else:
        data = [_val_str(v, f1, f2) for v in a.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _str_with(a: np.ndarray, indent: int, summarize: bool, f1, f2) -> str:
    if a.ndim == 0:
        return _val_str(a.item(), f1, f2)
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, f1, f2)
    e = _PrintOptions.edgeitems
    n = a.shape[0]
    if summarize and n > 2 * e:
        rows = [_str_with(a[i], indent + 1, summarize, f1, f2) for i in range(e)] + ["..."] + \
            [_str_with(a[i], indent + 1, summarize, f1, f2) for i in range(n - e, n)]
    else:
        rows = [_str_with(a[i], indent + 1, summarize, f1, f2) for i in range(n)]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


def _summarized(a: np.ndarray) -> np.ndarray:
    """The values that will be printed (edges of every long dimension), for the formatter."""
    if a.ndim == 0:
        return a
    e = _PrintOptions.edgeitems
    if a.ndim > 1 and not e:
        return a[(slice(0, 0),) * a.ndim]
    for ax in range(a.ndim):
        n = a.shape[ax]
        if n > 2 * e:
            idx = np.r_[0:e, n - e:n]
            a = np.take(a, idx, axis=ax)
    return a


def _body(a: np.ndarray, indent: int) -> str:
    summarize = a.size > _PrintOptions.threshold
    if a.dtype.kind == "c":
        r, i = a.real, a.imag
        f1 = _Formatter(_summarized(r) if summarize else r, True)
        f2 = _Formatter(_summarized(i) if summarize else i, True)
        return _str_with(a, indent, summarize, f1, f2)
    f1 = _Formatter(_summarized(a) if summarize else a, a.dtype.kind == "f")
    return _str_with(a, indent, summarize, f1, None)


def _add_suffixes(s: str, suffixes: list, indent: int) -> str:
    out = [s]
    last = len(s) - s.rfind("\n") + 1
    for suf in suffixes:
        if last + len(suf) + 2 > _PrintOptions.linewidth:
            out.append(",\n" + " " * indent + suf)
            last = indent + len(suf)
        else:
            out.append(", " + suf)
            last += len(suf) + 2
    out.append(")")
    return "".join(out)


def _host(t) -> np.ndarray:
    a = np.asarray(t._data if t.is_cpu else t._data.get())
    if a.dtype == D.bfloat16.np or a.dtype == np.float16:
        a = a.astype(np.float32)  # printed through Python floats, exact for both
    return a


def tensor_repr(t) -> str:
    """``repr(tensor)`` laid out exactly like torch's."""
    from ._tensor import Tensor  # noqa: PLC0415

    cls = type(t)
    plain = cls is Tensor or cls.__name__ == "Parameter"
    prefix = "tensor(" if plain else f"{cls.__name__}("
    indent = len(prefix)
    a = _host(t)
    d = t.dtype
    suffixes = []
    if not t.is_cpu:
        suffixes.append(f"device='{t.device}'")
    default = D.get_default_dtype()
    default_complex = D.complex128 if default is D.float64 else D.complex64
    if a.size == 0:
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        if d != default:
            suffixes.append(f"dtype={d!r}")
        body = "[]"
    else:
        if not _PrintOptions.edgeitems:
            suffixes.append(f"size={tuple(a.shape)}")
        if d not in (default, default_complex, D.int64, D.bool):
            suffixes.append(f"dtype={d!r}")
        body = _body(a, indent)
    if t._grad_fn is not None:
        suffixes.append(f"grad_fn=<{t._grad_fn.name()}>")
    elif t._rg:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
