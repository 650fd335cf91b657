"""The one op pattern: forward on arrays, backward in ember ops, machinery shared by all ops.

NOTE [ op pattern ]: an op is a subclass of ``Op``. It declares
  * ``forward(ctx, xp, *arrays, **params)``: computes with the array module ``xp`` (numpy or cupy) and may
    store non-tensor facts on ``ctx`` (``ctx.dim = dim``). ``ctx`` is a null object on the no-grad path, so
    forward never branches on grad mode;
  * ``save_inputs`` (indices of inputs backward reads through ``ctx.inputs``) and ``save_output``
    (backward reads ``ctx.output``), so only what backward needs is kept alive;
  * ``backward(ctx, *grads)``: written in ember ops, one gradient per input, so ``create_graph`` works.
The machinery here does everything else once: dtype promotion, scalar wrapping, device checks, the
no-grad fast path (no node is built), broadcasting's gradient reduction, saved-tensor version checks.
"""
from __future__ import annotations

import numpy as np
from ml_dtypes import bfloat16 as _bf16

from .._dtype import from_numpy_dtype, get_default_dtype, result_type, scalar_result, _Default
from ..autograd.grad_mode import GradMode
import traceback

from ..autograd.graph import Node, edge_of, grad_accumulator, _FREED, _seq, AnomalyMode
from ..autograd._saved_hooks import HOOKS, PackedInputs, _Packed, pack_saved

_ndarray = np.ndarray
_generic = np.generic
_SCALARS = (bool, int, float, complex)


class _NullCtx:
    """Stands in for the node on the no-grad path; swallows what forward stores."""

    __slots__ = ()

    def __setattr__(self, name, value):
        pass


NULL = _NullCtx()


class Op(Node):
    save_inputs: tuple = ()
    save_output: bool = False
    nondiff_outputs: tuple = ()
    #: int/bool inputs are computed in the default float dtype (true division, exp of ints, ...)
    int_to_float: bool = False
    #: the output shares the input's storage (view, slicing, transpose...): it shares the version counter
    is_view: bool = False
    #: optional, per input: the saved-input indices its gradient reads (others are not version-checked for it)
    saved_for: tuple | None = None
    #: half dtypes (``BF16`` or ``HALF``) whose forward runs on float32 copies (NOTE [ half precision ])
    compute_in_float32: tuple = ()

    def __init_subclass__(cls, **kwargs):
        # grad_fn objects are named like torch's (``type(t.grad_fn).__name__ == "MulBackward0"``); the op's own
        # name stays available for error messages
        super().__init_subclass__(**kwargs)
        cls._op_name = cls.__name__
        cls.__name__ = cls.__qualname__ = cls.__name__ + "Backward0"

    def name(self) -> str:
        return type(self).__name__

    @property
    def needs_input_grad(self) -> tuple:
        """Which inputs need a gradient (torch's ``ctx.needs_input_grad``): backward may return None for the
        others and skip their work (e.g. the data side of a matmul)."""
        return tuple(e is not None for e in self.next_functions)

    # -- saved values ----------------------------------------------------------------------------------
    @property
    def inputs(self):
        saved = self._saved
        if saved is _FREED:
            _raise_freed()
        ins, versions = saved[0], saved[1]
        if ins.__class__ is PackedInputs:  # NOTE [ saved tensor hooks ]
            return ins.unpacked()
        for t, v in zip(ins, versions):
            if v is not None:
                vc = t._vc
                cur = vc[0] if vc is not None else 0
                if cur != v:
                    _raise_modified(self, t, v, cur)
        return ins

    @property
    def output(self):
        saved = self._saved
        if saved is _FREED:
            _raise_freed()
        arr, box, v = saved[2]
        if box[0] != v:
            _raise_modified(self, None, v, box[0])
        if arr.__class__ is _Packed:  # NOTE [ saved tensor hooks ]
            return _unpack_output(self, arr)
        t = _wrap(arr)
        if GradMode.enabled:  # create_graph: the output is connected to this very node
            t._rg = True
            t._grad_fn = self
            t._out_nr = 0
        return t

    @property
    def saved_tensors(self):
        return self.inputs

    def backward(self, *grads):
        raise RuntimeError(f"the derivative for '{type(self)._op_name}' is not implemented")


def _unpack_output(node, packed):
    t = packed.get()
    if GradMode.enabled:  # create_graph: the output is connected to this very node
        t = t.detach()
        t._rg = True
        t._grad_fn = node
        t._out_nr = 0
    return t


def _raise_freed():
    raise RuntimeError(
        "Trying to backward through the graph a second time (or directly access saved tensors after they have "
        "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
        "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or "
        "if you need to access saved tensors after calling backward.")


def _raise_modified(node, t, saved_v, cur_v):
    desc = f"[{t.type_name()} {list(t.shape)}]" if t is not None else "its output"
    raise RuntimeError(
        f"one of the variables needed for gradient computation has been modified by an inplace operation: "
        f"{desc}, which is output 0 of {node.name()}, is at version {cur_v}; expected version {saved_v} instead. "
        f"Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
        f"torch.autograd.set_detect_anomaly(True).")


# -- wrapping -----------------------------------------------------------------------------------------
def _xp_of(a):
    if a.__class__ is _ndarray:
        return np
    from .._device import backend_of  # noqa: PLC0415

    return backend_of(a).xp


def _finish(cls, node, ts, outs, Tensor, params=None):
    """Wrap forward's result(s); link a node when ``node`` is not None.

    NOTE [ per-op overhead ]: this runs once per op, so the single-output case (nearly every op) takes a
    straight path: no closures, no generators, one wrap; edges and metadata are built as tuples directly.
    """
    if outs.__class__ is tuple:
        if cls.is_view:
            spec = (cls, params)
            src = ts[0]
            res = tuple(src._make_view(o if o.__class__ is _ndarray else _as_array(o), spec) for o in outs)
        else:
            res = tuple(_wrap(o if o.__class__ is _ndarray else _as_array(o)) for o in outs)
        if node is None:
            return res
        return _link_multi(cls, node, ts, res)
    if outs.__class__ is not _ndarray:
        outs = _as_array(outs)
    res = ts[0]._make_view(outs, (cls, params)) if cls.is_view else _wrap(outs)
    if node is None:
        return res
    if len(ts) == 1:
        t = ts[0]  # the caller only builds a node when this input requires grad
        fn = t._grad_fn
        edges = ((fn, t._out_nr) if fn is not None else (grad_accumulator(t), 0),)
        d = t._data
        in_meta = ((d.shape, d.dtype),)
    else:
        edges, in_meta = _edges(ts, Tensor)
    node.next_functions = edges
    node._in_meta = in_meta
    node._seq = next(_seq)
    if AnomalyMode.enabled:
        node._trace = traceback.format_stack()[:-2]
    si = cls.save_inputs
    if si or cls.save_output:
        if len(ts) == 1 and cls.saved_for is None and not HOOKS:  # _save's record, inlined for one input
            saved_out = None
            if cls.save_output:
                box = res._vc
                if box is None:
                    box = res._vc = [0]
                saved_out = (res._data, box, box[0])
            if si:
                vc = ts[0]._vc
                node._saved = (ts, (vc[0] if vc is not None else 0,), saved_out)
            else:
                node._saved = ((), (), saved_out)
        else:
            _save(cls, node, ts, res, edges)
    if 0 not in cls.nondiff_outputs and res._data.dtype.kind in "fcV":
        res._rg = True
        res._grad_fn = node
    return res


def _edges(ts, Tensor):
    """(edges, input metadata) of a node's inputs: one entry per input, None where no gradient flows."""
    edges = []
    in_meta = []
    for t in ts:
        if (t.__class__ is Tensor or isinstance(t, Tensor)) and t._rg:
            fn = t._grad_fn
            edges.append((fn, t._out_nr) if fn is not None else (grad_accumulator(t), 0))
            d = t._data
            in_meta.append((d.shape, d.dtype))
        else:
            edges.append(None)
            in_meta.append(None)
    return tuple(edges), tuple(in_meta)


def _link_multi(cls, node, ts, res):
    edges, in_meta = _edges(ts, Tensor)
    nondiff = cls.nondiff_outputs
    out_meta = tuple(None if i in nondiff else (o._data.shape, from_numpy_dtype(o._data.dtype), _xp_of(o._data))
                     for i, o in enumerate(res))
    node.next_functions = edges
    node._in_meta = in_meta
    node._out_meta = out_meta
    node._seq = next(_seq)
    if AnomalyMode.enabled:
        node._trace = traceback.format_stack()[:-3]
    if cls.save_inputs or cls.save_output:
        _save(cls, node, ts, res[0], edges)
    for i, o in enumerate(res):
        if i not in nondiff and o._data.dtype.kind in "fcV":
            o._rg = True
            o._grad_fn = node
            o._out_nr = i
    return res


_ALL_OF = {n: tuple(range(n)) for n in range(2, 5)}  # save_inputs naming every input: keep ``ts`` as is


def _save(cls, node, ts, out, edges=None):
    saved_out = None
    if cls.save_output:
        box = out._vc
        if box is None:
            box = out._vc = [0]
        saved_out = (out._data, box, box[0])
    si = cls.save_inputs
    if not si:
        node._saved = ((), (), saved_out)
        if HOOKS:
            pack_saved(node)
        return
    # like torch, a saved input is version-checked only when the gradient of an input that needs one reads it
    # (``x * c`` with only ``x`` requiring grad does not care if ``x`` is later modified in place)
    sf = cls.saved_for
    if sf is None or edges is None:
        used = si
    else:
        used = ()
        for e, reads in zip(edges, sf):
            if e is not None:
                used += reads
    # plain loops, not generator expressions: this runs once per recorded op (NOTE [ per-op overhead ])
    if len(ts) == 1:  # one input, saved (si is (0,)); it is a Tensor (apply checks)
        if used:
            vc = ts[0]._vc
            versions = (vc[0] if vc is not None else 0,)
        else:
            versions = (None,)
        node._saved = (ts, versions, saved_out)
    else:
        ins = ts if si == _ALL_OF.get(len(ts)) else tuple(t if i in si else None for i, t in enumerate(ts))
        versions = []
        for i, t in enumerate(ts):
            if i in used and i in si and (t.__class__ is Tensor or isinstance(t, Tensor)):
                vc = t._vc
                versions.append(vc[0] if vc is not None else 0)
            else:
                versions.append(None)
        node._saved = (ins, tuple(versions), saved_out)
    if HOOKS:  # saved-tensor hooks are active (NOTE [ saved tensor hooks ])
        pack_saved(node)


def _save2(cls, node, a, b, out, ea, eb):
    """``_save`` for binary(): the same record, with its loops unrolled for the two inputs.

    NOTE [ per-op overhead ]: the saved-output block deliberately repeats ``_save``'s (a call costs more than
    it); keep the two in sync."""
    si = cls.save_inputs
    if si != (0, 1) or HOOKS:
        _save(cls, node, (a, b), out, (ea, eb))
        return
    saved_out = None
    if cls.save_output:
        box = out._vc
        if box is None:
            box = out._vc = [0]
        saved_out = (out._data, box, box[0])
    sf = cls.saved_for
    if sf is None:
        ua = ub = True
    else:  # as in _save: version-check only what the gradients that will run read
        ra = sf[0] if ea is not None else ()
        rb = sf[1] if eb is not None else ()
        ua = 0 in ra or 0 in rb
        ub = 1 in ra or 1 in rb
    va = vb = None
    if ua:
        vc = a._vc
        va = vc[0] if vc is not None else 0
    if ub and (b.__class__ is Tensor or isinstance(b, Tensor)):
        vc = b._vc
        vb = vc[0] if vc is not None else 0
    node._saved = ((a, b), (va, vb), saved_out)


def _as_array(o):
    if isinstance(o, _generic):  # a reduction's NumPy scalar: ``[...]`` makes the 0-d array twice as fast as asarray
        return o[...]
    if isinstance(o, _SCALARS):
        return np.asarray(o)
    return o


def apply(cls, *ts, **params):
    """Run op ``cls`` on tensors ``ts`` (already tensors; scalars allowed where the op accepts them)."""

    t0 = ts[0]
    if t0.__class__ is not Tensor and not isinstance(t0, Tensor):
        raise TypeError(f"{cls._op_name.lower()}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(t0).__name__}")
    a0 = t0._data
    xp = np if a0.__class__ is _ndarray else _xp_of(a0)
    if cls.int_to_float and a0.dtype.kind in "biu":
        a0 = a0.astype(_Default.dtype.np)
    h = cls.compute_in_float32
    # a float first input wider than 2 bytes rules half out cheaply (what _half_of would find, without its loop)
    if h and (t0._data.dtype.itemsize == 2 or t0._data.dtype.kind not in "fV") and _half_of(h, ts) is not None:
        return _apply_f32(cls, ts, a0, xp, params)  # NOTE [ half precision ]
    if len(ts) == 1:  # one input (unary ops, views, reductions): no lists or generators (NOTE [ per-op overhead ])
        if GradMode.enabled and t0._rg:
            node = cls.__new__(cls)
            return _finish(cls, node, ts, cls.forward(node, xp, a0, **params), Tensor, params)
        out = cls.forward(NULL, xp, a0, **params)
        if out.__class__ is _ndarray:  # the no-grad fast path: wrap, build no node
            return t0._make_view(out, (cls, params)) if cls.is_view else _wrap(out)
        return _finish(cls, None, ts, out, Tensor, params)
    arrays = [a0]
    rg = t0._rg
    for t in ts[1:]:
        if t.__class__ is Tensor or isinstance(t, Tensor):
            arrays.append(t._data)
            if t._rg:
                rg = True
        else:
            arrays.append(t)
    if rg and GradMode.enabled:
        node = cls.__new__(cls)
        return _finish(cls, node, ts, cls.forward(node, xp, *arrays, **params), Tensor, params)
    return _finish(cls, None, ts, cls.forward(NULL, xp, *arrays, **params), Tensor, params)


def binary(cls, a, b, **params):
    """Elementwise binary op with torch's promotion; ``a`` is a Tensor, ``b`` a Tensor or scalar."""

    ad = a._data
    if b.__class__ is Tensor or isinstance(b, Tensor):
        bd = b._data
        if ad.dtype is not bd.dtype and ad.dtype != bd.dtype:
            rd = result_type(a, b)
            if cls.int_to_float and rd._cat < 2:
                rd = _Default.dtype
            if ad.dtype != rd.np:
                ad = ad.astype(rd.np)
            if bd.dtype != rd.np:
                bd = bd.astype(rd.np)
        elif cls.int_to_float and ad.dtype.kind in "biu":
            ad = ad.astype(_Default.dtype.np)
            bd = bd.astype(_Default.dtype.np)
        if ad.__class__ is not bd.__class__:
            _check_same_device(a, b)
        grad = GradMode.enabled and (a._rg or b._rg)
    elif (b.__class__ is float or b.__class__ is int) and ad.dtype.kind in "fc":
        # a float/complex tensor with a Python float or int keeps its dtype (torch's wrapped-number rule)
        bd = b
        grad = GradMode.enabled and a._rg
    elif isinstance(b, _SCALARS) or isinstance(b, _generic):
        rd = scalar_result(from_numpy_dtype(ad.dtype), b)
        if cls.int_to_float and rd._cat < 2:
            rd = _Default.dtype
        if rd.np != ad.dtype:
            ad = ad.astype(rd.np)
        bd = b if not isinstance(b, _generic) else b.item()
        if rd._cat < 2 and isinstance(bd, int) and not isinstance(bd, bool):
            bd = _wrap_int(bd, rd)
        grad = GradMode.enabled and a._rg
    else:
        from .creation import tensor  # noqa: PLC0415

        return binary(cls, a, tensor(b, device=a.device), **params)
    xp = np if ad.__class__ is _ndarray else _xp_of(ad)
    if ad.dtype.kind == "V":  # bfloat16: NOTE [ half precision ]
        return _binary_bf16(cls, a, b, ad, bd, xp, grad, params)
    if not grad:
        try:
            out = cls.forward(NULL, xp, ad, bd, **params)
        except ValueError as e:
            _broadcast_error(cls, a, b, e)
        return _wrap(out if out.__class__ is _ndarray else _as_array(out))
    node = cls.__new__(cls)
    try:
        out = cls.forward(node, xp, ad, bd, **params)
    except ValueError as e:
        _broadcast_error(cls, a, b, e)
    t = _wrap(out if out.__class__ is _ndarray else _as_array(out))
    # inlined _finish for two inputs (the hottest path in training loops)
    if a._rg:
        fn = a._grad_fn
        ea = (fn, a._out_nr) if fn is not None else (grad_accumulator(a), 0)
        ma = (a._data.shape, a._data.dtype)
    else:
        ea = ma = None
    if (b.__class__ is Tensor or isinstance(b, Tensor)) and b._rg:
        fn = b._grad_fn
        eb = (fn, b._out_nr) if fn is not None else (grad_accumulator(b), 0)
        mb = (b._data.shape, b._data.dtype)
    else:
        eb = mb = None
    node.next_functions = (ea, eb)
    node._in_meta = (ma, mb)
    node._seq = next(_seq)
    if AnomalyMode.enabled:
        node._trace = traceback.format_stack()[:-2]
    if cls.save_inputs or cls.save_output:
        _save2(cls, node, a, b, t, ea, eb)
    if out.dtype.kind in "fcV":
        t._rg = True
        t._grad_fn = node
    return t


# NOTE [ half precision ]: torch computes float16/bfloat16 ops in float32 ("opmath") and rounds the result to
# the half type; reductions accumulate in float32. NumPy has fast float16 loops for most ufuncs but accumulates
# float16 cumsum/var in float16 and has no BLAS for it; ml_dtypes' bfloat16 loops are slower than a float32
# round trip, its matmul returns float32 and einsum refuses it. So ops flagged ``compute_in_float32`` (and every
# elementwise binary op on bfloat16) run on float32 copies of their half inputs; float32 outputs are cast back.
_F32 = np.dtype(np.float32)
BF16 = (np.dtype(_bf16),)
HALF = BF16 + (np.dtype(np.float16),)


def _half_of(kinds, ts):
    """The half dtype of ``ts`` to compute in float32; None when none, or when float dtypes are mixed (the op's
    own dtype check then raises torch's error)."""
    half = None
    for t in ts:
        d = getattr(getattr(t, "_data", None), "dtype", None)
        if d is None or d.kind not in "fV":
            continue
        if half is None and d in kinds:
            half = d
        elif d != half:
            return None
    return half


def _to_half(out, half):
    if out.__class__ is tuple:
        return tuple(_to_half(o, half) for o in out)
    return out.astype(half) if getattr(out, "dtype", None) == _F32 else out


def _apply_f32(cls, ts, a0, xp, params):
    """``apply`` for an op flagged ``compute_in_float32`` with a half input."""
    half = _half_of(cls.compute_in_float32, ts)
    arrays = [a0] + [t._data if isinstance(t, Tensor) else t for t in ts[1:]]
    arrays = [a.astype(_F32) if getattr(a, "dtype", None) in cls.compute_in_float32 else a for a in arrays]
    node = cls.__new__(cls) if GradMode.enabled and any(isinstance(t, Tensor) and t._rg for t in ts) else None
    out = cls.forward(NULL if node is None else node, xp, *arrays, **params)
    if params.get("dtype") is None:  # an explicit ``dtype=`` output is already what was asked for
        out = _to_half(out, half)
    return _finish(cls, node, ts, out, Tensor, params)


def _binary_bf16(cls, a, b, ad, bd, xp, grad, params):
    half = ad.dtype
    ad = ad.astype(_F32)
    if getattr(bd, "dtype", None) == half:
        bd = bd.astype(_F32)
    node = cls.__new__(cls) if grad else None
    try:
        out = cls.forward(NULL if node is None else node, xp, ad, bd, **params)
    except ValueError as e:
        _broadcast_error(cls, a, b, e)
    return _finish(cls, node, (a, b), _to_half(out, half), Tensor, params)


def _wrap_int(v: int, rd):
    """Python ints wrap into the tensor's integer type like torch (no OverflowError from NumPy)."""
    info = np.iinfo(rd.np) if rd.np.kind in "iu" else None
    if info is not None and not (info.min <= v <= info.max):
        return rd.np.type(v & ((1 << (8 * rd.itemsize)) - 1)) if rd.np.kind == "u" else \
            np.array(v & ((1 << 64) - 1), dtype=np.uint64).astype(rd.np)[()]
    return v


def _check_same_device(a, b):
    if a.ndim == 0 or b.ndim == 0:
        return
    raise RuntimeError(f"Expected all tensors to be on the same device, but found at least two devices, "
                       f"{a.device} and {b.device}!")


def _broadcast_error(cls, a, b, err):
    from .._tensor import Tensor  # noqa: PLC0415

    sa = list(a.shape)
    sb = list(b.shape) if isinstance(b, Tensor) else []
    if "broadcast" in str(err):
        na, nb = len(sa), len(sb)
        n = max(na, nb)
        for i in range(1, n + 1):
            x = sa[-i] if i <= na else 1
            y = sb[-i] if i <= nb else 1
            if x != y and x != 1 and y != 1:
                raise RuntimeError(f"{cls._op_name.lower()}: The size of tensor a ({x}) must match the size of "
                                   f"tensor b ({y}) at non-singleton dimension {n - i}; shapes {sa} and {sb}") \
                    from None
    raise err


def unbroadcast_shape(*shapes):
    """Broadcast shapes with torch's error."""
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        raise RuntimeError(f"shape mismatch: objects cannot be broadcast to a single shape: "
                           f"{[list(s) for s in shapes]}") from None


__all__ = ["Op", "apply", "binary", "NULL", "get_default_dtype"]


from .._tensor import Tensor  # noqa: E402  (after the op machinery: _tensor imports nothing from here)

_wrap = Tensor._wrap
