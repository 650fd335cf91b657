"""Generic tests driven by the OpInfo table: forward vs NumPy, gradcheck, gradgradcheck, errors, torch parity."""
from __future__ import annotations

import numpy as np
import pytest

import ember
from opinfo import all_ops
from opinfo.base import NonContig

OPS = all_ops()


def _to_ember(arg, requires_grad):
    if isinstance(arg, NonContig):
        a = arg.array
        # build a transposed-storage copy, then transpose back: same values, non-contiguous strides
        if a.ndim >= 2:
            t = ember.tensor(np.ascontiguousarray(a.swapaxes(-1, -2))).transpose(-1, -2)
        elif a.ndim == 1:
            t = ember.tensor(np.repeat(a, 2))[::2]
        else:
            t = ember.tensor(a)
        t = t.detach()
        assert a.ndim < 1 or not t.is_contiguous() or a.size <= 1
        if requires_grad and a.dtype.kind in "fc":
            t.requires_grad_(True)
        return t
    if isinstance(arg, np.ndarray):
        t = ember.tensor(arg)
        if requires_grad and arg.dtype.kind in "fc":
            t.requires_grad_(True)
        return t
    if isinstance(arg, (list, tuple)) and arg and all(isinstance(x, (np.ndarray, NonContig)) for x in arg):
        return type(arg)(_to_ember(x, requires_grad) for x in arg)
    return arg


def _to_numpy(arg):
    if isinstance(arg, NonContig):
        return arg.array
    if isinstance(arg, (list, tuple)) and arg and all(isinstance(x, (np.ndarray, NonContig)) for x in arg):
        return type(arg)(_to_numpy(x) for x in arg)
    return arg


def _out_arrays(out):
    if isinstance(out, ember.Tensor):
        return [out.detach().numpy()]
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(_out_arrays(o))
        return res
    return [np.asarray(out)]


def _torch_or_none():
    try:
        import torch
        return torch
    except ImportError:
        return None


def _cases(kind):
    cases = []
    torch = _torch_or_none() if kind == "parity" else None
    for op in OPS:
        if op.nondeterministic and kind in ("forward", "parity"):
            continue  # random ops: their distributions are tested in test_random.py
        if kind == "parity" and (op.torch_op is None or (torch is not None and op.resolve_torch(torch) is None)):
            continue  # no torch counterpart: forward is checked against NumPy, gradients by gradcheck
        if kind == "forward" and op.ref is None:
            continue
        if kind in ("grad", "gradgrad") and not getattr(op, kind):
            continue
        if kind == "errors" and op.errors is None:
            continue
        dtypes = op.dtypes if kind in ("forward", "parity") else (np.float64,)
        if kind == "errors":
            cases.append(pytest.param(op, None, id=op.name))
            continue
        for dt in dtypes:
            if kind in ("grad", "gradgrad") and np.dtype(dt).kind not in "fc":
                continue
            cases.append(pytest.param(op, dt, id=f"{op.name}-{np.dtype(dt).name}"))
    return cases


def _float_args(args):
    return [a for a in args if isinstance(a, ember.Tensor) and a.requires_grad]


@pytest.mark.parametrize("op,dtype", _cases("forward"))
def test_forward_matches_numpy(op, dtype):
    for s in op.samples(dtype):
        args = [_to_ember(a, False) for a in s.args]
        out = op.op(*args, **s.kwargs)
        if op.output_process:
            out = op.output_process(out)
        ref = op.ref(*[_to_numpy(a) for a in s.args], **s.kwargs)
        got, exp = _out_arrays(out), _out_arrays(ref)
        assert len(got) == len(exp), s.name
        tol = dict(atol=op.atol, rtol=op.rtol) if np.dtype(dtype) != np.float16 else dict(atol=1e-2, rtol=1e-2)
        for g, e in zip(got, exp):
            assert g.shape == np.shape(e), f"{op.name} {s.name}: shape {g.shape} != {np.shape(e)}"
            np.testing.assert_allclose(g.astype(np.float64) if g.dtype.kind != "c" else g, e, equal_nan=True,
                                       err_msg=f"{op.name} {s.name}", **tol)


def _scalar_fn(op, args, kwargs):
    def f(*xs):
        it = iter(xs)
        full = [next(it) if (isinstance(a, ember.Tensor) and a.requires_grad) else a for a in args]
        out = op.op(*full, **kwargs)
        if op.output_process:
            out = op.output_process(out)
        return out
    return f


@pytest.mark.parametrize("op,dtype", _cases("grad"))
def test_gradcheck(op, dtype):
    for s in op.samples(dtype):
        args = [_to_ember(a, True) for a in s.args]
        inputs = _float_args(args)
        if not inputs:
            continue
        assert ember.autograd.gradcheck(_scalar_fn(op, args, s.kwargs), tuple(inputs), atol=op.grad_atol), s.name


@pytest.mark.parametrize("op,dtype", _cases("gradgrad"))
def test_gradgradcheck(op, dtype):
    for s in op.samples(dtype)[:2]:
        args = [_to_ember(a, True) for a in s.args]
        inputs = _float_args(args)
        if not inputs:
            continue
        assert ember.autograd.gradgradcheck(_scalar_fn(op, args, s.kwargs), tuple(inputs), atol=op.grad_atol), \
            s.name


@pytest.mark.parametrize("op,dtype", _cases("errors"))
def test_error_inputs(op, dtype):
    for e in op.errors():
        args = [_to_ember(a, False) for a in e.sample.args]
        with pytest.raises(e.error_type, match=e.match):
            op.op(*args, **e.sample.kwargs)


def _to_torch(torch, arg, requires_grad):
    if isinstance(arg, NonContig):
        arg = arg.array
    if isinstance(arg, np.ndarray):
        t = torch.from_numpy(arg.copy())
        if requires_grad and arg.dtype.kind in "fc":
            t.requires_grad_(True)
        return t
    if isinstance(arg, (list, tuple)) and arg and all(isinstance(x, (np.ndarray, NonContig)) for x in arg):
        return type(arg)(_to_torch(torch, x, requires_grad) for x in arg)
    return arg


@pytest.mark.parametrize("op,dtype", _cases("parity"))
def test_torch_parity(op, dtype):
    torch = pytest.importorskip("torch")
    top = op.resolve_torch(torch)
    if top is None:
        pytest.skip(f"{op.name} has no torch counterpart to compare")
    for s in op.samples(dtype):
        eargs = [_to_ember(a, True) for a in s.args]
        targs = [_to_torch(torch, a, True) for a in s.args]
        tkw = {k: (_to_torch(torch, v, False) if isinstance(v, np.ndarray) else
                   (getattr(torch, v.name) if isinstance(v, ember.dtype) else v)) for k, v in s.kwargs.items()}
        eout = op.op(*eargs, **s.kwargs)
        tout = top(*targs, **tkw)
        if op.output_process:
            eout, tout = op.output_process(eout), op.output_process(tout)
        eouts = eout if isinstance(eout, (tuple, list)) else [eout]
        touts = tout if isinstance(tout, (tuple, list)) else [tout]
        tol = dict(atol=op.atol, rtol=op.rtol)
        for e, t in zip(eouts, touts):
            if not isinstance(t, torch.Tensor):
                continue
            np.testing.assert_allclose(e.detach().numpy().astype(np.float64) if e.dtype != ember.complex64 and
                                       e.dtype != ember.complex128 else e.detach().numpy(),
                                       t.detach().numpy(), equal_nan=True, err_msg=f"{op.name} {s.name}", **tol)
            assert str(e.dtype).split(".")[1] == str(t.dtype).split(".")[1], f"{op.name}: dtype {e.dtype} vs {t.dtype}"
        # backward parity on the first float output
        e0, t0 = eouts[0], touts[0]
        if not (isinstance(t0, torch.Tensor) and t0.requires_grad and e0.requires_grad):
            continue
        rng = np.random.default_rng(1)
        g = rng.standard_normal(tuple(t0.shape)).astype(t0.detach().numpy().dtype)
        ein = _float_args(eargs)
        tin = [t for t in targs if isinstance(t, torch.Tensor) and t.requires_grad]
        egs = ember.autograd.grad(e0, ein, ember.tensor(g), allow_unused=True)
        tgs = torch.autograd.grad(t0, tin, torch.from_numpy(g), allow_unused=True)
        for eg, tg in zip(egs, tgs):
            if tg is None:
                continue
            assert eg is not None, f"{op.name}: ember gives no gradient where torch does"
            np.testing.assert_allclose(eg.numpy(), tg.numpy(), err_msg=f"{op.name} {s.name} grad",
                                       atol=max(op.atol, 1e-4) * 10, rtol=op.rtol * 10)


# -- float16 / bfloat16 ------------------------------------------------------------------------------------
# NOTE [ low-precision forward ]: every entry tested in float32 also runs on float16 and bfloat16 inputs (the
# float32 samples rounded to the half type). The output dtype must be torch's for the same half inputs, and the
# values must match the reference evaluated on the rounded inputs, within the half type's precision (scaled by
# the output's magnitude: reductions and matmuls accumulate rounding). Where torch refuses the half type, ember
# must raise the same exception type.
_HALF = {"float16": (np.float16, 1e-2), "bfloat16": (ember.bfloat16.np, 5e-2)}


def _low_precision_cases():
    cases = []
    for op in OPS:
        if np.float32 not in op.dtypes or not op.low_precision:
            continue
        for name in _HALF:
            cases.append(pytest.param(op, name, id=f"{op.name}-{name}"))
    return cases


def _map_arrays(arg, fn):
    """Apply ``fn`` to every float array of a sample argument (keeping NonContig wrappers)."""
    if isinstance(arg, NonContig):
        return NonContig(_map_arrays(arg.array, fn))
    if isinstance(arg, np.ndarray):
        return fn(arg) if arg.dtype.kind == "f" or arg.dtype == ember.bfloat16.np else arg
    if isinstance(arg, (list, tuple)) and arg and all(isinstance(x, (np.ndarray, NonContig)) for x in arg):
        return type(arg)(_map_arrays(x, fn) for x in arg)
    return arg


def _half_to_torch(torch, arg):
    if isinstance(arg, NonContig):
        arg = arg.array
    if isinstance(arg, np.ndarray):
        if arg.dtype == ember.bfloat16.np:  # torch.from_numpy has no bfloat16: go through float32 (exact)
            return torch.from_numpy(arg.astype(np.float32)).to(torch.bfloat16)
        return torch.from_numpy(arg.copy())
    if isinstance(arg, (list, tuple)) and arg and all(isinstance(x, (np.ndarray, NonContig)) for x in arg):
        return type(arg)(_half_to_torch(torch, x) for x in arg)
    if isinstance(arg, ember.dtype):
        return getattr(torch, arg.name)
    return arg


def _flat_outputs(out):
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(_flat_outputs(o))
        return res
    return [out]


def _dtype_name(x):
    """'float16', 'bfloat16', 'int64'... of an ember/torch tensor; None for non-tensors."""
    d = getattr(x, "dtype", None)
    if d is None or isinstance(x, np.ndarray) or np.isscalar(x):
        return None
    return str(d).split(".")[-1]


@pytest.mark.parametrize("op,half", _low_precision_cases())
def test_forward_low_precision(op, half):
    np_half, tol = _HALF[half]
    torch = _torch_or_none()
    top = op.resolve_torch(torch) if torch is not None else None
    for s in op.samples(np.float32):
        rounded = [_map_arrays(a, lambda x: x.astype(np_half)) for a in s.args]
        t_err = tout = None
        if top is not None:
            try:
                tkw = {k: _half_to_torch(torch, v) for k, v in s.kwargs.items()}
                tout = top(*[_half_to_torch(torch, a) for a in rounded], **tkw)
            except (RuntimeError, NotImplementedError, TypeError, ValueError) as e:
                t_err = e
        if t_err is not None and not isinstance(t_err, NotImplementedError):
            # torch refuses this half type outright (linalg.inv: "Low precision dtypes not supported"): so must ember
            with pytest.raises(type(t_err)):
                op.op(*[_to_ember(a, False) for a in rounded], **s.kwargs)
            continue
        if t_err is not None:
            # torch's CPU build lacks this kernel ("lu_cpu" not implemented for 'Half'; CUDA has it): ember either
            # refuses the same way (LAPACK decompositions) or computes it, then checked against the reference
            try:
                out = op.op(*[_to_ember(a, False) for a in rounded], **s.kwargs)
            except NotImplementedError:
                continue
        elif top is None:
            try:
                out = op.op(*[_to_ember(a, False) for a in rounded], **s.kwargs)
            except (RuntimeError, NotImplementedError) as e:
                # no torch to compare: a refusal must at least be a deliberate one that names the half type
                if not any(w in str(e) for w in ("Half", "BFloat16", "float or double")):
                    raise
                continue
        else:
            out = op.op(*[_to_ember(a, False) for a in rounded], **s.kwargs)
        f32_out = op.op(*[_to_ember(_map_arrays(a, lambda x: x.astype(np.float32)), False) for a in rounded],
                        **s.kwargs)
        if op.output_process:
            out, f32_out = op.output_process(out), op.output_process(f32_out)
            tout = op.output_process(tout) if tout is not None else None
        outs, f32_outs = _flat_outputs(out), _flat_outputs(f32_out)
        assert len(outs) == len(f32_outs), s.name
        if tout is not None:
            touts = _flat_outputs(tout)
            for e, t in zip(outs, touts):
                if _dtype_name(t) is not None:
                    assert _dtype_name(e) == _dtype_name(t), f"{op.name} {s.name}: dtype {e.dtype} vs torch {t.dtype}"
        else:
            for e, f in zip(outs, f32_outs):
                if _dtype_name(f) == "float32":
                    assert _dtype_name(e) == half, f"{op.name} {s.name}: dtype {e.dtype}, expected {half}"
        if op.nondeterministic:
            continue
        if op.ref is not None:
            exp = _out_arrays(op.ref(*[_to_numpy(_map_arrays(a, lambda x: x.astype(np.float64))) for a in rounded],
                                     **s.kwargs))
        else:
            exp = _out_arrays(f32_out)
        got = _out_arrays(out)
        try:
            _assert_close_half(got, exp, tol, f"{op.name} {s.name} ({half})")
        except AssertionError:
            if tout is None:
                raise
            # rounding decided a discrete choice (nearest pixel, a tie...) differently from the float64
            # reference: torch's own half result is then the spec
            tgot = [t.detach().float().numpy() if t.dtype == torch.bfloat16 else t.detach().numpy()
                    if isinstance(t, torch.Tensor) else np.asarray(t) for t in _flat_outputs(tout)]
            _assert_close_half(got, tgot, tol, f"{op.name} {s.name} ({half}) vs torch")


def _assert_close_half(got, exp, tol, msg):
    assert len(got) == len(exp), msg
    for g, e in zip(got, exp):
        e = np.asarray(e)
        assert g.shape == e.shape, f"{msg}: shape {g.shape} != {e.shape}"
        if g.dtype.kind == "c" or e.dtype.kind == "c":
            g, e = g.astype(np.complex128), e.astype(np.complex128)
        else:
            g, e = g.astype(np.float64), e.astype(np.float64)
        finite = np.abs(e[np.isfinite(e)]) if e.size else np.zeros(0)
        scale = max(1.0, float(finite.max())) if finite.size else 1.0
        np.testing.assert_allclose(g, e, atol=tol * scale, rtol=tol, equal_nan=True, err_msg=msg)
