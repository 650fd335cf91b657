"""Finite-difference checks of gradients (mirrors torch.autograd.gradcheck / gradgradcheck).

NOTE [ gradcheck layout ]: every Jacobian here is a host NumPy array of shape (input numel, output numel), as in
torch. The numerical one comes from central differences, perturbing the input's array in place; the analytical
one from one ``autograd.grad`` call per output element (one-hot grad_output). Complex outputs are checked as
their real and imaginary parts; for a complex input the numerical column is ds/dx + i ds/dy (the convention of
the gradients autograd returns).
"""
from __future__ import annotations

import warnings
from typing import Callable, Sequence

import numpy as np

from .grad_mode import GradMode

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError", "get_numerical_jacobian", "get_analytical_jacobian"]


class GradcheckError(RuntimeError):
    """Raised by gradcheck/gradgradcheck when a check fails (a RuntimeError, as in torch)."""


FAILED_NONDET_MSG = """

NOTE: If your op relies on non-deterministic operations i.e., it is listed here:
https://pytorch.org/docs/stable/generated/torch.use_deterministic_algorithms.html
this failure might be expected.

If you are adding a new operator, please file an issue and then use one of the
workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck.
If the test
- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck
  with `nondet_tol=<tol>` as a keyword argument.
- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test
  to have `gradcheck_nondet_tol=<tol>`.
- is a Module test (e.g., in common_nn.py), then modify the corresponding
  module_test entry to have `gradcheck_nondet_tol=<tol>`
"""

FAST_FAIL_SLOW_OK_MSG = """
Fast gradcheck failed but element-wise differences are small. This means that the
test might've passed in slow_mode!

If you are adding a new operator, please file an issue and then use one of the
workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck:

If the test
- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck
  with `fast_mode=False` as a keyword argument.
- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test
  to have `gradcheck_fast_mode=False`
- is a Module test (e.g., in common_nn.py), then modify the corresponding
  module_test entry to have `gradcheck_fast_mode=False`
"""


# -- small helpers --------------------------------------------------------------------------------------------
def _T():
    from .._tensor import Tensor  # noqa: PLC0415

    return Tensor


def _as_tuple(x):
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def _host(arr) -> np.ndarray:
    if isinstance(arr, np.ndarray):
        return arr
    from .._device import backend_of  # noqa: PLC0415

    return np.asarray(backend_of(arr).to_host(arr))


def _is_tensor(x) -> bool:
    return isinstance(x, _T())


def _diff_inputs(inputs):
    return [(i, x) for i, x in enumerate(inputs) if _is_tensor(x) and x.requires_grad]


def _differentiable_outputs(out):
    return tuple(o for o in _as_tuple(out) if _is_tensor(o) and o.requires_grad)


def _show(arr) -> str:
    return repr(_T()._wrap(np.asarray(arr)))


def _allclose(a, n, rtol, atol) -> bool:
    dt = np.result_type(a.dtype, n.dtype)
    return bool(np.allclose(a.astype(dt), n.astype(dt), rtol=rtol, atol=atol))


def _grad(outputs, inputs, grad_outputs, **kw):
    from . import grad  # noqa: PLC0415

    return grad(outputs, inputs, grad_outputs, **kw)


def _notallclose_msg(a, n, out_idx, in_idx, complex_indices, test_imag, forward=False) -> str:
    cplx = complex_indices and out_idx in complex_indices
    prefix = f"While considering the {'imaginary' if test_imag else 'real'} part of complex outputs only, " \
        if cplx else ""
    mode = "computed with forward mode " if forward else ""
    return (f"{prefix}Jacobian {mode}mismatch for output {out_idx:d} with respect to input {in_idx:d},\n"
            f"numerical:{_show(n)}\nanalytical:{_show(a)}\n")


# -- numerical Jacobian ---------------------------------------------------------------------------------------
def _eval_outputs(fn, inputs):
    """Evaluate ``fn`` and return its tensor outputs as host arrays (float64 for non-float outputs)."""
    outs = []
    for o in _as_tuple(fn(*inputs)):
        if _is_tensor(o):
            a = _host(o._data)
            outs.append(a.copy() if a.dtype.kind in "fc" else a.astype(np.float64))
    return outs


def _check_same(before, after, eps):
    for a, b in zip(before, after):
        if a.dtype != b.dtype or a.shape != b.shape:
            raise GradcheckError(
                f"Expected `func` to return outputs with the same dtype and shape when inputs are perturbed by "
                f"{eps}. Got: dtype {a.dtype} / shape {list(a.shape)} before perturbation and dtype {b.dtype} / "
                f"shape {list(b.shape)} after.")


def _directional(fn, inputs, t, delta, eps):
    """Central difference of every output along ``delta`` (an array shaped like ``t``, already scaled)."""
    arr = t._data
    orig = arr.copy()
    try:
        arr[...] = orig - delta
        outa = _eval_outputs(fn, inputs)
        arr[...] = orig + delta
        outb = _eval_outputs(fn, inputs)
    finally:
        arr[...] = orig
    _check_same(outa, outb, eps)
    return [((b - a) / (2 * eps)).reshape(-1) for a, b in zip(outa, outb)]


def _numerical_jacobian(fn, inputs, eps):
    """list over differentiable inputs of list over tensor outputs of (in_numel, out_numel) arrays."""
    res = []
    for _, t in _diff_inputs(inputs):
        arr = t._data
        n = arr.size
        cplx = arr.dtype.kind == "c"
        cols = None
        for k in range(n):
            idx = np.unravel_index(k, arr.shape)
            orig = arr[idx].copy() if hasattr(arr[idx], "copy") else arr[idx]
            try:
                arr[idx] = orig - eps
                outa = _eval_outputs(fn, inputs)
                arr[idx] = orig + eps
                outb = _eval_outputs(fn, inputs)
                if cplx:
                    arr[idx] = orig - eps * 1j
                    outc = _eval_outputs(fn, inputs)
                    arr[idx] = orig + eps * 1j
                    outd = _eval_outputs(fn, inputs)
            finally:
                arr[idx] = orig
            _check_same(outa, outb, eps)
            col = [((b - a) / (2 * eps)).reshape(-1) for a, b in zip(outa, outb)]
            if cplx:
                col = [c + 1j * ((d - cc) / (2 * eps)).reshape(-1) for c, cc, d in zip(col, outc, outd)]
            if cols is None:
                cols = [np.zeros((n, c.size), dtype=np.result_type(c.dtype, arr.dtype)) for c in col]
            for j, c in enumerate(col):
                cols[j][k] = c
        if cols is None:  # empty input: size-0 Jacobians against every output
            cols = [np.zeros((0, a.size), dtype=arr.dtype) for a in _eval_outputs(fn, inputs)]
        res.append(cols)
    return res


def get_numerical_jacobian(fn: Callable, inputs, target=None, eps: float = 1e-3, grad_out: float = 1.0):
    """Numerical Jacobians of ``fn`` w.r.t. the inputs requiring grad (per input, per output)."""
    return tuple(tuple(_T()._wrap(c * grad_out) for c in per_in) for per_in in
                 _numerical_jacobian(fn, _as_tuple(inputs), eps))


# -- analytical Jacobian ------------------------------------------------------------------------------------
def _analytical_rows(output, diff_inputs):
    """(in_numel, out_numel) Jacobian per input via one-hot vjps; also whether sizes and dtypes were right."""
    Tensor = _T()
    od = output._data
    xp = np if isinstance(od, np.ndarray) else None
    if xp is None:
        from ..ops._op import _xp_of  # noqa: PLC0415

        xp = _xp_of(od)
    n_out = od.size
    jacs = [np.zeros((t._data.size, n_out), dtype=t._data.dtype if t._data.dtype.kind in "fc" else np.float64)
            for t in diff_inputs]
    sizes_ok = types_ok = True
    for k in range(n_out):
        go = xp.zeros(od.shape, dtype=od.dtype)
        go[np.unravel_index(k, od.shape)] = 1
        grads = _grad(output, diff_inputs, Tensor._wrap(go), retain_graph=True, allow_unused=True)
        for j, (g, t) in enumerate(zip(grads, diff_inputs)):
            if g is None:
                continue
            if g._data.shape != t._data.shape:
                sizes_ok = False
                continue
            if g._data.dtype != t._data.dtype:
                types_ok = False
            jacs[j][:, k] = _host(g._data).reshape(-1)
    return jacs, sizes_ok, types_ok


def _check_analytical(output, diff_inputs, nondet_tol, check_grad_dtypes):
    j1, sizes_ok, types_ok = _analytical_rows(output, diff_inputs)
    j2, _, _ = _analytical_rows(output, diff_inputs)
    reentrant = all(a.shape == b.shape and (np.abs(a - b).max(initial=0.0) <= nondet_tol) for a, b in zip(j1, j2))
    if not types_ok and check_grad_dtypes:
        raise GradcheckError("Gradient has dtype mismatch")
    if not sizes_ok:
        raise GradcheckError("Analytical gradient has incorrect size")
    if not reentrant:
        raise GradcheckError(
            f"Backward is not reentrant, i.e., running backward with same input and grad_output multiple times "
            f"gives different values, although analytical gradient matches numerical gradient.The tolerance for "
            f"nondeterminism was {nondet_tol}." + FAILED_NONDET_MSG)
    return j1


def get_analytical_jacobian(inputs, output, nondet_tol: float = 0.0, grad_out: float = 1.0):
    """Analytical Jacobians of ``output`` w.r.t. the inputs requiring grad; also (reentrant, sizes_ok, types_ok)."""
    diff = [t for _, t in _diff_inputs(_as_tuple(inputs))]
    j1, sizes_ok, types_ok = _analytical_rows(output, diff)
    j2, _, _ = _analytical_rows(output, diff)
    reentrant = all(np.abs(a - b).max(initial=0.0) <= nondet_tol for a, b in zip(j1, j2))
    return tuple(_T()._wrap(j * grad_out) for j in j1), reentrant, sizes_ok, types_ok


# -- the checks -----------------------------------------------------------------------------------------------
def _check_inputs(inputs):
    any_rg = False
    for idx, inp in enumerate(inputs):
        if _is_tensor(inp) and inp.requires_grad:
            if inp._data.dtype not in (np.float64, np.complex128):
                warnings.warn(f"Input #{idx} requires gradient and is not a double precision floating point or "
                              f"complex. This check will likely fail if all the inputs are not of double precision "
                              f"floating point or complex. ", stacklevel=4)
            if inp.numel() and not all(st > 0 or sz <= 1 for st, sz in zip(inp.stride(), inp.shape)):
                raise RuntimeError(f"The {idx}th input has a dimension with stride 0. gradcheck only supports inputs "
                                   f"that are non-overlapping to be able to compute the numerical gradients "
                                   f"correctly. You should call .contiguous on the input before passing it to "
                                   f"gradcheck.")
            any_rg = True
    if not any_rg:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of the them "
                         "have requires_grad=True.")


def _check_no_differentiable_outputs(func, inputs, eps):
    for per_in in _numerical_jacobian(func, inputs, eps):
        for jac in per_in:
            if np.count_nonzero(jac) > 0:
                raise GradcheckError("Numerical gradient for function expected to be zero")
    return True


def _slow_check(func, inputs, outputs, eps, rtol, atol, check_grad_dtypes, nondet_tol, complex_indices=None,
                test_imag=False):
    if not outputs:
        return _check_no_differentiable_outputs(func, inputs, eps)
    func_out = _as_tuple(func(*inputs))
    numerical = _numerical_jacobian(func, inputs, eps)  # [input][tensor output]
    rg = [o.requires_grad for o in func_out if _is_tensor(o)]
    diff = [t for _, t in _diff_inputs(inputs)]
    for i, o in enumerate(outputs):
        analytical = _check_analytical(o, diff, nondet_tol, check_grad_dtypes)
        num_i = [per_in[[k for k, r in enumerate(rg) if r][i]] for per_in in numerical]
        for j, (a, n) in enumerate(zip(analytical, num_i)):
            if not _allclose(a, n, rtol, atol):
                raise GradcheckError(_notallclose_msg(a, n, i, j, complex_indices, test_imag))
    return True


def _fast_check(func, inputs, outputs, eps, rtol, atol, check_grad_dtypes, nondet_tol, complex_indices=None,
                test_imag=False):
    """v^T J u with random u (per input) and v (per output), numerically and analytically (torch's fast mode)."""
    Tensor = _T()
    rng = np.random.default_rng(42)
    diff = [t for _, t in _diff_inputs(inputs)]
    us = []
    for t in diff:
        u = rng.random(t._data.shape)
        if t._data.dtype.kind == "c":
            u = u + 1j * rng.random(t._data.shape)
        nrm = np.sqrt((np.abs(u) ** 2).sum())
        us.append(u / nrm if nrm > 0 else u)
    if not outputs:
        for t, u in zip(diff, us):
            for d in _directional(func, inputs, t, _like(t, u) * eps, eps):
                if np.count_nonzero(d) > 0:
                    raise GradcheckError("Numerical gradient for function expected to be zero")
        return True
    func_out = [o for o in _as_tuple(func(*inputs)) if _is_tensor(o)]
    rg = [k for k, o in enumerate(func_out) if o.requires_grad]
    vs = [rng.random(o._data.shape) for o in outputs]
    numerical = []  # [input][output] scalars
    for t, u in zip(diff, us):
        jvps = _directional(func, inputs, t, _like(t, u) * eps, eps)
        numerical.append([np.sum(v.reshape(-1) * jvps[rg[i]]) for i, v in enumerate(vs)])
    analytical = []  # [output][input]
    for i, (o, v) in enumerate(zip(outputs, vs)):
        vt = Tensor._wrap(_like(o, v).astype(o._data.dtype))
        g1 = _grad(o, diff, vt, retain_graph=True, allow_unused=True)
        g2 = _grad(o, diff, vt, retain_graph=True, allow_unused=True)
        row = []
        for g, h, u, t in zip(g1, g2, us, diff):
            if g is None:
                row.append(np.float64(0.0))
                continue
            if g._data.shape != t._data.shape:
                raise GradcheckError("Analytical gradient has incorrect size")
            if check_grad_dtypes and g._data.dtype != t._data.dtype:
                raise GradcheckError("Gradient has dtype mismatch")
            gh = _host(g._data)
            if h is None or np.abs(gh - _host(h._data)).max(initial=0.0) > nondet_tol:
                raise GradcheckError(
                    f"Backward is not reentrant, i.e., running backward with same input and grad_output multiple "
                    f"times gives different values, although analytical gradient matches numerical gradient.The "
                    f"tolerance for nondeterminism was {nondet_tol}." + FAILED_NONDET_MSG)
            row.append(np.sum(np.real(gh * np.conj(u))))
        analytical.append(row)
    for j, u in enumerate(us):
        for i, v in enumerate(vs):
            a, n = np.asarray(analytical[i][j]), np.asarray(numerical[j][i])
            adj_atol = atol * float(np.abs(u).sum()) * float(v.sum())
            if not _allclose(a, n, rtol, adj_atol):
                raise GradcheckError(_notallclose_msg(a, n, i, j, complex_indices, test_imag)
                                     + _slow_mode_msg(func, inputs, outputs, i, j, eps, rtol, atol))
    return True


def _like(t, arr):
    """Host array ``arr`` moved to ``t``'s device."""
    d = t._data
    if isinstance(d, np.ndarray):
        return arr
    from ..ops._op import _xp_of  # noqa: PLC0415

    return _xp_of(d).asarray(arr)


def _slow_mode_msg(func, inputs, outputs, out_idx, in_idx, eps, rtol, atol) -> str:
    func_out = [o for o in _as_tuple(func(*inputs)) if _is_tensor(o)]
    rg = [k for k, o in enumerate(func_out) if o.requires_grad]
    num = _numerical_jacobian(func, inputs, eps)[in_idx][rg[out_idx]]
    diff = [t for _, t in _diff_inputs(inputs)]
    ana = _analytical_rows(outputs[out_idx], diff)[0][in_idx]
    max_diff = np.abs(num - ana).max(initial=0.0)
    msg = ("\nThe above quantities relating the numerical and analytical jacobians are computed \n"
           "in fast mode. See: https://github.com/pytorch/pytorch/issues/53876 for more background \n"
           "about fast mode. Below, we recompute numerical and analytical jacobians in slow mode:\n\n"
           f"Numerical:\n {_show(num)}\nAnalytical:\n{_show(ana)}\n\n"
           f"The max per-element difference (slow mode) is: {max_diff}.\n")
    if _allclose(ana, num, rtol, atol):
        msg += FAST_FAIL_SLOW_OK_MSG
    return msg


def _real_and_imag_output(fn):
    from ..ops.elementwise import real, imag  # noqa: PLC0415

    def apply(part):
        def wrapped(*inputs):
            return tuple(part(o) if _is_tensor(o) and o.is_complex() else o for o in _as_tuple(fn(*inputs)))
        return wrapped
    return apply(real), apply(imag)


def _check_real_imag(check, func, func_out, inputs, outputs, *args):
    outs = _as_tuple(func_out)
    if any(_is_tensor(o) and o.is_complex() for o in outs):
        cidx = [i for i, o in enumerate(outputs) if o.is_complex()]
        real_fn, imag_fn = _real_and_imag_output(func)
        check(imag_fn, inputs, _differentiable_outputs(imag_fn(*inputs)), *args, complex_indices=cidx,
              test_imag=True)
        check(real_fn, inputs, _differentiable_outputs(real_fn(*inputs)), *args, complex_indices=cidx)
    else:
        check(func, inputs, outputs, *args)


def _check_forward_ad(func, inputs, outputs, eps, rtol, atol):
    """Forward-mode columns J e_k (computed exactly by the double-backward trick) vs numerical columns."""
    from .functional import jvp  # noqa: PLC0415

    diff_pos = _diff_inputs(inputs)
    if not outputs:
        return True
    func_out = [o for o in _as_tuple(func(*inputs)) if _is_tensor(o)]
    rg = [k for k, o in enumerate(func_out) if o.requires_grad]
    numerical = _numerical_jacobian(func, inputs, eps)
    Tensor = _T()

    def f(*diff_vals):
        full = list(inputs)
        for (p, _), v in zip(diff_pos, diff_vals):
            full[p] = v
        return tuple(o for o in _as_tuple(func(*full)) if _is_tensor(o) and o.requires_grad)

    primals = tuple(t.detach() for _, t in diff_pos)
    for j, (_, t) in enumerate(diff_pos):
        d = t._data
        cols = [np.zeros((d.size, o._data.size), dtype=np.result_type(o._data.dtype, d.dtype)) for o in outputs]
        for k in range(d.size):
            tangents = []
            for jj, (_, tt) in enumerate(diff_pos):
                z = np.zeros(tt._data.shape, dtype=tt._data.dtype)
                if jj == j:
                    z[np.unravel_index(k, z.shape)] = 1
                tangents.append(Tensor._wrap(_like(tt, z)))
            _, col = jvp(f, primals, tuple(tangents))
            for i, c in enumerate(_as_tuple(col)):
                cols[i][k] = _host(c._data).reshape(-1)
        for i, a in enumerate(cols):
            n = numerical[j][rg[i]]
            if not _allclose(a, n, rtol, atol):
                raise GradcheckError(_notallclose_msg(a, n, i, j, None, False, forward=True))
    return True


def _check_batched_grad(inputs, output, out_idx):
    """Batched vjps (is_grads_batched) must equal the per-vector vjps."""
    Tensor = _T()
    diff = [t for _, t in _diff_inputs(inputs)]
    rng = np.random.default_rng(1)
    vs = [rng.random(output._data.shape).astype(output._data.dtype) for _ in range(2)]
    batched = _grad(output, diff, Tensor._wrap(_like(output, np.stack(vs))), retain_graph=True, allow_unused=True,
                    is_grads_batched=True)
    for b, v in enumerate(vs):
        single = _grad(output, diff, Tensor._wrap(_like(output, v)), retain_graph=True, allow_unused=True)
        for j, (gb, gs) in enumerate(zip(batched, single)):
            if (gb is None) != (gs is None) or (gs is not None and not np.allclose(_host(gb._data)[b],
                                                                                  _host(gs._data))):
                raise GradcheckError(f"While computing batched gradients, got a mismatch for output {out_idx} "
                                     f"with respect to input {j} (batch element {b}).")


def _check_backward_mul_by_grad_output(outputs, inputs):
    from ..ops.creation import zeros_like  # noqa: PLC0415

    diff = [t for _, t in _diff_inputs(inputs)]
    if not diff:
        raise GradcheckError("no Tensors requiring grad found in input")
    grads = _grad(outputs, diff, [zeros_like(o) for o in outputs], allow_unused=True)
    for gi, di in zip(grads, diff):
        if gi is None:
            continue
        if gi._data.dtype != di._data.dtype or gi.device != di.device:
            raise GradcheckError("grad is incorrect type")
        if gi._data.shape != di._data.shape:
            raise GradcheckError("grad is incorrect size")
        if np.count_nonzero(_host(gi._data)) > 0:
            raise GradcheckError("backward not multiplied by grad_output")


_UNDEFINED = []


def _undefined_grad():
    """An identity Function whose backward passes no gradient on (torch's UndefinedGrad)."""
    if not _UNDEFINED:
        from .function import Function  # noqa: PLC0415

        class UndefinedGrad(Function):
            @staticmethod
            def forward(ctx, x):
                return x

            @staticmethod
            def backward(ctx, g):
                return None

        _UNDEFINED.append(UndefinedGrad)
    return _UNDEFINED[0]


def _check_undefined_grad(func, inputs):
    """Backward must cope with output grads that are undefined (None), all at once or one at a time."""
    from ..ops.creation import zeros_like  # noqa: PLC0415

    UndefinedGrad = _undefined_grad()
    diff = [t for _, t in _diff_inputs(inputs)]
    note = 'Please look at "Notes about undefined output gradients" in "tools/autograd/derivatives.yaml"'

    def check(outs):
        try:
            grads = _grad(outs, diff, [zeros_like(o) for o in outs], allow_unused=True)
        except RuntimeError as e:
            raise GradcheckError("Expected backward function to handle undefined output grads. " + note) from e
        for g in grads:
            if g is not None and np.count_nonzero(_host(g._data)) > 0:
                raise GradcheckError("Expected all input grads to be undefined or zero when all output grads are "
                                     "undefined or zero. " + note)

    outs = _differentiable_outputs(func(*inputs))
    check([UndefinedGrad.apply(o) for o in outs])
    if len(outs) > 1:
        for u in range(len(outs)):
            outs = _differentiable_outputs(func(*inputs))
            check([UndefinedGrad.apply(o) if k == u else o for k, o in enumerate(outs)])
    return True


def _gradcheck_helper(func, inputs, eps, atol, rtol, nondet_tol, check_undefined_grad, check_grad_dtypes,
                      check_batched_grad, check_batched_forward_grad, check_forward_ad, check_backward_ad,
                      fast_mode):
    inputs = _as_tuple(inputs)
    _check_inputs(inputs)
    func_out = func(*inputs)
    outputs = _differentiable_outputs(func_out)
    check = _fast_check if fast_mode else _slow_check
    if check_backward_ad:
        _check_real_imag(check, func, func_out, inputs, outputs, eps, rtol, atol, check_grad_dtypes, nondet_tol)
    if check_forward_ad or check_batched_forward_grad:
        def fwd(f, inps, outs, *a, complex_indices=None, test_imag=False):
            return _check_forward_ad(f, inps, outs, eps, rtol, atol)
        _check_real_imag(fwd, func, func_out, inputs, outputs)
    if not check_backward_ad:
        return True
    for i, o in enumerate(outputs):
        if check_batched_grad:
            _check_batched_grad(inputs, o, i)
    if outputs:
        _check_backward_mul_by_grad_output(outputs, inputs)
    if check_undefined_grad:
        _check_undefined_grad(func, inputs)
    return True


def gradcheck(func: Callable, inputs, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, nondet_tol: float = 0.0, check_undefined_grad: bool = True,
              check_grad_dtypes: bool = False, check_batched_grad: bool = False,
              check_batched_forward_grad: bool = False, check_forward_ad: bool = False,
              check_backward_ad: bool = True, fast_mode: bool = False, masked: bool | None = None) -> bool:
    """Check analytical gradients of ``func`` against central finite differences (mirrors torch).

    Inputs that require grad should be float64/complex128. Returns True, or raises ``GradcheckError`` (or
    returns False with ``raise_exception=False``) on the first mismatch.
    """
    args = (func, inputs, eps, atol, rtol, nondet_tol, check_undefined_grad, check_grad_dtypes, check_batched_grad,
            check_batched_forward_grad, check_forward_ad, check_backward_ad, fast_mode)
    if not raise_exception:
        try:
            return _gradcheck_helper(*args)
        except GradcheckError:
            return False
    return _gradcheck_helper(*args)


def gradgradcheck(func: Callable, inputs, grad_outputs=None, *, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, gen_non_contig_grad_outputs: bool = False, raise_exception: bool = True,
                  nondet_tol: float = 0.0, check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
                  check_batched_grad: bool = False, check_fwd_over_rev: bool = False,
                  check_rev_over_rev: bool = True, fast_mode: bool = False, masked: bool = False) -> bool:
    """Check second derivatives: gradcheck of (inputs, grad_outputs) -> autograd.grad(func(inputs), ...,
    grad_outputs, create_graph=True). Random grad_outputs in [-1, 1) are drawn when not given."""
    Tensor = _T()
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        gos = []
        for o in _differentiable_outputs(func(*inputs)):
            dt = o._data.dtype if o._data.dtype.kind in "fc" else np.float64
            a = rng.uniform(-1, 1, o._data.shape)
            if np.dtype(dt).kind == "c":
                a = a + 1j * rng.uniform(-1, 1, o._data.shape)
            a = a.astype(dt)
            if gen_non_contig_grad_outputs and a.ndim >= 1 and a.size > 1:
                a = np.repeat(a, 2, axis=-1)[..., ::2]
            g = Tensor._wrap(_like(o, a))
            g.requires_grad_(True)
            gos.append(g)
        grad_outputs = tuple(gos)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    n_out = len(grad_outputs)
    diff_in = {i for i, x in enumerate(inputs) if _is_tensor(x) and x.requires_grad}
    diff_go = {i for i, x in enumerate(grad_outputs) if _is_tensor(x) and x.requires_grad}

    def new_func(*args):
        ins = tuple(x.requires_grad_() if i in diff_in else x for i, x in enumerate(args[:len(args) - n_out]))
        outs = _differentiable_outputs(func(*ins))
        gos = tuple(x.requires_grad_() if i in diff_go else x for i, x in enumerate(args[len(args) - n_out:]))
        dins = tuple(x for i, x in enumerate(ins) if i in diff_in)
        prev = GradMode.enabled
        GradMode.enabled = True
        try:
            gis = _grad(outs, dins, gos, create_graph=True, allow_unused=True) if outs else ()
        finally:
            GradMode.enabled = prev
        return tuple(g for g in gis if g is not None)

    return gradcheck(new_func, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, nondet_tol=nondet_tol,
                     check_undefined_grad=check_undefined_grad, check_grad_dtypes=check_grad_dtypes,
                     check_batched_grad=check_batched_grad, check_forward_ad=check_fwd_over_rev,
                     check_backward_ad=check_rev_over_rev, fast_mode=fast_mode, masked=masked)
