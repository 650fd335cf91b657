"""OpInfo entries for ember.linalg (imported into the linalg family table)."""
from __future__ import annotations

import numpy as np

import ember
from .base import ErrorInput, OpInfo, SampleInput, make


def _torch():
    import torch  # noqa: PLC0415

    return torch


def _s(*args, name="", **kw):
    return SampleInput(tuple(args), kw, name=name)


def _eye(a, n):
    return a.new_tensor(np.eye(n, dtype=np.float64)).to(a.dtype)


def _spd(a):
    return a @ a.mT + 3 * _eye(a, a.shape[-1])


def _sym(a):
    return a + a.mT


def _np_spd(a):
    return a @ np.swapaxes(a, -1, -2) + 3 * np.eye(a.shape[-1])


def _np_sym(a):
    return a + np.swapaxes(a, -1, -2)


def _wc(shape, dt, seed=0):
    """A well-conditioned (diagonally dominated) square matrix or batch."""
    return (make(shape, dt, seed=seed, low=-1.0, high=1.0) + 4 * np.eye(shape[-1])).astype(dt)


def _sq_samples(dt):
    return [_s(_wc((3, 3), dt), name="3x3"), _s(_wc((2, 3, 3), dt, seed=1), name="batch")]


def _rect_samples(dt):
    return [_s(make((4, 3), dt), name="tall"), _s(make((3, 5), dt, seed=1), name="wide"),
            _s(make((2, 3, 3), dt, seed=2), name="batch")]


def _sq_errors(name):
    def errors():
        return [ErrorInput(_s(make((2, 3))), RuntimeError,
                           f"{name}: A must be batches of square matrices, but they are 2 by 3 matrices"),
                ErrorInput(_s(make((3,))), RuntimeError, "at least 2 dimensions"),
                ErrorInput(_s(make((3, 3), np.int64)), RuntimeError,
                           f"{name}: Expected a floating point or complex tensor as input. Got Long")]
    return errors


def _inv_errors():
    return _sq_errors("linalg.inv")() + [
        ErrorInput(_s(np.zeros((3, 3))), ember.linalg.LinAlgError, "singular")]


def _solve_samples(dt):
    return [_s(_wc((3, 3), dt), make((3, 2), dt, seed=1), name="matrix"),
            _s(_wc((3, 3), dt), make((3,), dt, seed=1), name="vector"),
            _s(_wc((2, 3, 3), dt), make((3, 1), dt, seed=1), name="broadcast"),
            _s(_wc((3, 3), dt), make((2, 3), dt, seed=1), left=False, name="right")]


def _np_solve(a, b, left=True):
    if not left:
        return np.swapaxes(np.linalg.solve(np.swapaxes(a, -1, -2), np.swapaxes(b, -1, -2)), -1, -2)
    if b.ndim == 1:
        return np.linalg.solve(a, b[:, None])[:, 0]
    return np.linalg.solve(a, b)


def _solve_errors():
    return [ErrorInput(_s(np.zeros((3, 3)), make((3,))), ember.linalg.LinAlgError, "singular"),
            ErrorInput(_s(_wc((3, 3), np.float64), make((4, 2))), RuntimeError, "Incompatible shapes")]


def _chol_samples(dt):
    return [_s(make((3, 3), dt), name="lower"), _s(make((2, 3, 3), dt, seed=1), upper=True, name="upper-batch")]


def _np_chol(a, upper=False):
    L = np.linalg.cholesky(_np_spd(a))
    return np.swapaxes(L, -1, -2) if upper else L


def _chol_errors():
    return [ErrorInput(_s(-np.eye(3)), ember.linalg.LinAlgError,
                       "the leading minor of order 1 is not positive-definite")]


def _op_chol(a, upper=False):
    return ember.linalg.cholesky(_spd(a), upper=upper)


def _top_chol(a, upper=False):
    return _torch().linalg.cholesky(_spd(a), upper=upper)


# eigh: eigenvalues, V diag(L^2) V^T (gauge invariant), |V| (sign-gauge invariant for distinct eigenvalues)
def _eigh_samples(dt):
    return [_s(make((3, 3), dt), name="3x3"), _s(make((2, 4, 4), dt, seed=1), UPLO="U", name="batch-U")]


def _eigh_recon(o):
    L, V = o
    return (V * (L * L).unsqueeze(-2)) @ V.mT


def _np_eigh_recon(a, UPLO="L"):
    L, V = np.linalg.eigh(_np_sym(a))
    return (V * (L * L)[..., None, :]) @ np.swapaxes(V, -1, -2)


def _np_eigh_absV(a, UPLO="L"):
    return np.abs(np.linalg.eigh(_np_sym(a))[1])


# svd: U diag(S^2) Vh and |U|, S, |Vh| (reduced)
def _svd_recon(o):
    U, S, Vh = o
    k = S.shape[-1]
    return (U[..., :, :k] * (S * S).unsqueeze(-2)) @ Vh[..., :k, :]


def _np_svd_recon(a, full_matrices=True):
    U, S, Vh = np.linalg.svd(a, full_matrices=False)
    return (U * (S * S)[..., None, :]) @ Vh


def _svd_samples(dt):
    return [_s(make((4, 3), dt), full_matrices=False, name="tall"),
            _s(make((3, 5), dt, seed=1), full_matrices=False, name="wide"),
            _s(make((4, 3), dt, seed=2), full_matrices=True, name="full"),
            _s(make((2, 3, 3), dt, seed=3), full_matrices=False, name="batch")]


def _svd_absU(o):
    return o[0][..., :, :o[1].shape[-1]].abs()


def _np_svd_absU(a, full_matrices=True):
    return np.abs(np.linalg.svd(a, full_matrices=False)[0])


def _qr_samples(dt):
    return [_s(make((4, 3), dt), name="tall"), _s(make((3, 3), dt, seed=1), name="square"),
            _s(make((3, 5), dt, seed=2), name="wide"), _s(make((2, 4, 3), dt, seed=3), name="batch")]


def _qr_out(o):
    return o[0].abs() @ o[1].abs()


def _np_qr(a, mode="reduced"):
    Q, R = np.linalg.qr(a, mode=mode)
    return np.abs(Q) @ np.abs(R)


def _qr_errors():
    return [ErrorInput(_s(make((3, 3)), mode="x"), RuntimeError, "qr received unrecognized mode 'x'")]


def _pinv_samples(dt):
    return [_s(make((4, 3), dt), name="tall"), _s(make((3, 5), dt, seed=1), name="wide"),
            _s(make((2, 3, 3), dt, seed=2), name="batch")]


def _lstsq_samples(dt):
    return [_s(make((5, 3), dt), make((5, 2), dt, seed=1), name="overdetermined"),
            _s(make((2, 5, 3), dt, seed=2), make((2, 5, 2), dt, seed=3), name="batch")]


def _np_lstsq(a, b):
    return np.linalg.pinv(a) @ b


def _mpow_samples(dt):
    return [_s(_wc((3, 3), dt) / 4, 3, name="3"), _s(_wc((3, 3), dt) / 4, -2, name="-2"),
            _s(_wc((2, 3, 3), dt) / 4, 1, name="1"), _s(_wc((3, 3), dt), 0, name="0")]


def _np_mpow(a, n):
    return np.linalg.matrix_power(a, n)


def _vnorm_samples(dt):
    return [_s(make((3, 4), dt), name="2"), _s(make((3, 4), dt), 1, dim=1, name="1-dim"),
            _s(make((3, 4), dt), 3.0, dim=(0, 1), keepdim=True, name="3-keepdim"),
            _s(make((3, 4), dt), float("inf"), dim=0, name="inf"), _s(make((3, 4), dt), -float("inf"), name="-inf"),
            _s(make((3, 4), dt), 0.5, dim=-1, name="0.5")]


def _np_vnorm(x, ord=2, dim=None, keepdim=False):
    a = np.abs(x)
    if ord == float("inf"):
        return a.max(axis=dim, keepdims=keepdim)
    if ord == -float("inf"):
        return a.min(axis=dim, keepdims=keepdim)
    return (a ** ord).sum(axis=dim, keepdims=keepdim) ** (1 / ord)


def _mnorm_samples(dt):
    return [_s(make((3, 4), dt), name="fro"), _s(make((3, 4), dt), "nuc", name="nuc"),
            _s(make((3, 4), dt), 2, name="2"), _s(make((3, 4), dt), -2, name="-2"),
            _s(make((3, 4), dt), 1, name="1"), _s(make((3, 4), dt), -1, name="-1"),
            _s(make((3, 4), dt), float("inf"), name="inf"), _s(make((2, 3, 4), dt), "fro", dim=(0, 2), name="dims")]


def _np_mnorm(a, ord="fro", dim=(-2, -1), keepdim=False):
    return np.linalg.norm(a, ord=ord, axis=dim, keepdims=keepdim)


def _norm_samples(dt):
    return [_s(make((3, 4), dt), name="flat"), _s(make((3, 4), dt), "nuc", name="nuc"),
            _s(make((5,), dt), 3, name="vec-3"), _s(make((3, 4), dt), 1, dim=1, name="dim")]


def _np_norm(a, ord=None, dim=None, keepdim=False):
    if ord is None and dim is None:
        return np.linalg.norm(a.reshape(-1))
    return np.linalg.norm(a, ord=ord, axis=dim, keepdims=keepdim)


def _diag_samples(dt):
    return [_s(make((3, 4), dt), name="main"), _s(make((2, 3, 4), dt), offset=1, dim1=0, dim2=2, name="offset")]


def _vander_samples(dt):
    return [_s(make((4,), dt), name="square"), _s(make((2, 3), dt), N=5, name="batch-N")]


def _np_vander(x, N=None):
    N = x.shape[-1] if N is None else N
    return x[..., None] ** np.arange(N)


def _det_samples(dt):
    return [_s(make((3, 3), dt), name="3x3"), _s(make((2, 3, 3), dt, seed=1), name="batch")]


def _slogdet_ref(a):
    return np.linalg.slogdet(a)[1]


def _vecdot_samples(dt):
    return [_s(make((3, 4), dt), make((4,), dt, seed=1)), _s(make((3, 4), dt), make((3, 4), dt, seed=1), dim=0)]


L = ember.linalg
DECOMP_OPS = [
    OpInfo("linalg.inv", L.inv, _sq_samples, ref=np.linalg.inv, errors=_inv_errors, atol=1e-4),
    OpInfo("linalg.det", L.det, _det_samples, ref=np.linalg.det, errors=_sq_errors("linalg.det"), atol=1e-4),
    OpInfo("linalg.slogdet", L.slogdet, _det_samples, ref=_slogdet_ref, output_process=lambda o: o[1], atol=1e-4),
    OpInfo("linalg.solve", L.solve, _solve_samples, ref=_np_solve, errors=_solve_errors, atol=1e-4),
    OpInfo("linalg.cholesky", _op_chol, _chol_samples, ref=_np_chol, torch_op=_top_chol, errors=None, atol=1e-4),
    OpInfo("linalg.cholesky-errors", L.cholesky, lambda dt: [], errors=_chol_errors, torch_op=None, grad=False,
           gradgrad=False),
    OpInfo("linalg.eigh", lambda a, UPLO="L": L.eigh(_sym(a), UPLO=UPLO), _eigh_samples, ref=_np_eigh_recon,
           torch_op=lambda a, UPLO="L": _torch().linalg.eigh(_sym(a), UPLO=UPLO), output_process=_eigh_recon,
           atol=1e-4),
    OpInfo("linalg.eigh-errors", L.eigh, lambda dt: [], errors=_sq_errors("linalg.eigh"), torch_op=None, grad=False,
           gradgrad=False),
    OpInfo("linalg.eigh-absV", lambda a, UPLO="L": L.eigh(_sym(a), UPLO=UPLO), _eigh_samples, ref=_np_eigh_absV,
           torch_op=lambda a, UPLO="L": _torch().linalg.eigh(_sym(a), UPLO=UPLO),
           output_process=lambda o: o[1].abs(), atol=1e-4, gradgrad=False),
    OpInfo("linalg.eigvalsh", lambda a, UPLO="L": L.eigvalsh(_sym(a), UPLO=UPLO), _eigh_samples,
           ref=lambda a, UPLO="L": np.linalg.eigvalsh(_np_sym(a)),
           torch_op=lambda a, UPLO="L": _torch().linalg.eigvalsh(_sym(a), UPLO=UPLO), atol=1e-4),
    OpInfo("linalg.svd", L.svd, _svd_samples, ref=_np_svd_recon, output_process=_svd_recon, atol=1e-4),
    OpInfo("linalg.svd-absU", L.svd, _svd_samples, ref=_np_svd_absU, output_process=_svd_absU, atol=1e-4,
           torch_op="linalg.svd", gradgrad=False),
    OpInfo("linalg.svdvals", L.svdvals, _rect_samples, ref=lambda a: np.linalg.svd(a, compute_uv=False), atol=1e-4),
    OpInfo("linalg.qr", L.qr, _qr_samples, ref=_np_qr, output_process=_qr_out, errors=_qr_errors, atol=1e-4),
    OpInfo("linalg.pinv", L.pinv, _pinv_samples, ref=np.linalg.pinv, atol=1e-4),
    OpInfo("linalg.pinv-hermitian", lambda a: L.pinv(_spd(a), hermitian=True),
           lambda dt: [_s(make((3, 3), dt))], ref=lambda a: np.linalg.pinv(_np_spd(a)), atol=1e-4,
           torch_op=lambda a: _torch().linalg.pinv(_spd(a), hermitian=True)),
    OpInfo("linalg.lstsq", L.lstsq, _lstsq_samples, ref=_np_lstsq, output_process=lambda o: o[0], atol=1e-4),
    OpInfo("linalg.matrix_power", L.matrix_power, _mpow_samples, ref=_np_mpow, atol=1e-4),
    OpInfo("linalg.vector_norm", L.vector_norm, _vnorm_samples, ref=_np_vnorm, atol=1e-4),
    OpInfo("linalg.matrix_norm", L.matrix_norm, _mnorm_samples, ref=_np_mnorm, atol=1e-4),
    OpInfo("linalg.norm", L.norm, _norm_samples, ref=_np_norm, atol=1e-4),
    OpInfo("linalg.diagonal", L.diagonal, _diag_samples,
           ref=lambda a, offset=0, dim1=-2, dim2=-1: np.diagonal(a, offset, dim1, dim2)),
    OpInfo("linalg.vander", L.vander, _vander_samples, ref=_np_vander),
    OpInfo("linalg.vecdot", L.vecdot, _vecdot_samples, ref=lambda x, y, dim=-1: (x * y).sum(dim)),
    OpInfo("linalg.matrix_rank", L.matrix_rank, _rect_samples, ref=np.linalg.matrix_rank, grad=False,
           gradgrad=False),
]


# -- LU family, triangular solves, matrix_exp, eig, cond, tensorinv/tensorsolve, householder_product ------------
def _np_lu(a):
    """(L, U) of A = P L U by a per-matrix loop over scipy.linalg.lu (an independent LAPACK reference)."""
    import scipy.linalg as sl  # noqa: PLC0415

    flat = a.reshape((-1,) + a.shape[-2:])
    res = [sl.lu(m) for m in flat]
    return [np.stack([r[i] for r in res]).reshape(a.shape[:-2] + res[0][i].shape[-2:]) for i in (1, 2)]


def _np_lu_packed(a):
    lo, up = _np_lu(a)
    m, n = a.shape[-2:]
    k = min(m, n)
    out = np.zeros(a.shape, a.dtype)
    out[..., :, :k] += np.tril(lo, -1)
    out[..., :k, :] += up
    return out


def _lu_samples(dt):
    return [_s(make((4, 4), dt), name="square"), _s(make((3, 5), dt, seed=1), name="wide"),
            _s(make((2, 5, 3), dt, seed=2), name="tall-batch")]


def _lu_errors():
    return [ErrorInput(_s(make((3,))), RuntimeError, "Expected tensor with 2 or more dimensions"),
            ErrorInput(_s(make((3, 3)), pivot=False), RuntimeError, "LU without pivoting is not implemented"),
            ErrorInput(_s(make((3, 3), np.int64)), RuntimeError, "Expected a floating point or complex tensor")]


def _lu_factor_errors():
    return [ErrorInput(_s(np.zeros((3, 3))), ember.linalg.LinAlgError, r"U\[1,1\] is zero")]


def _tri(a, upper, unit):
    t = np.triu(a) if upper else np.tril(a)
    if unit:
        t = t.copy()
        i = np.arange(a.shape[-1])
        t[..., i, i] = 1
    return t


def _np_solve_tri(a, b, upper, left=True, unitriangular=False):
    t = _tri(a, upper, unitriangular)
    if left:
        return np.linalg.solve(t, b)
    return np.swapaxes(np.linalg.solve(np.swapaxes(t, -1, -2), np.swapaxes(b, -1, -2)), -1, -2)


def _solve_tri_samples(dt):
    return [_s(_wc((3, 3), dt), make((3, 2), dt, seed=1), upper=True, name="upper"),
            _s(_wc((2, 3, 3), dt), make((3, 1), dt, seed=1), upper=False, name="lower-broadcast"),
            _s(make((3, 3), dt), make((2, 3), dt, seed=1), upper=True, left=False, unitriangular=True,
               name="right-unit")]


def _solve_tri_errors():
    return [ErrorInput(_s(make((3, 2)), make((3, 1)), upper=True), RuntimeError,
                       "A must be batches of square matrices, but they are 3 by 2 matrices"),
            ErrorInput(_s(make((3, 3)), make((3,)), upper=True), RuntimeError,
                       "The input tensor B must have at least 2 dimensions"),
            ErrorInput(_s(make((3, 3)), make((2, 1)), upper=True), RuntimeError,
                       r"Incompatible shapes of A and B for the equation AX = B \(3x3 and 2x1\)")]


def _lu_solve_op(mod):
    def f(a, b, left=True, adjoint=False):
        LU, piv = mod.linalg.lu_factor(a)
        return mod.linalg.lu_solve(LU, piv, b, left=left, adjoint=adjoint)
    return f


def _np_lu_solve(a, b, left=True, adjoint=False):
    a = np.swapaxes(a, -1, -2) if adjoint else a
    return _np_solve(a, b, left)


def _lu_solve_samples(dt):
    return [_s(_wc((3, 3), dt), make((3, 2), dt, seed=1), name="left"),
            _s(_wc((2, 3, 3), dt), make((2, 3, 1), dt, seed=1), adjoint=True, name="adjoint-batch"),
            _s(_wc((3, 3), dt), make((2, 3), dt, seed=1), left=False, name="right"),
            _s(_wc((3, 3), dt), make((2, 3), dt, seed=1), left=False, adjoint=True, name="right-adjoint")]


def _np_expm(a):
    import scipy.linalg as sl  # noqa: PLC0415

    return np.stack([sl.expm(m) for m in a.reshape((-1,) + a.shape[-2:])]).reshape(a.shape)


def _expm_samples(dt):
    return [_s(make((3, 3), dt), name="3x3"), _s(3 * make((2, 4, 4), dt, seed=1), name="batch-scaled"),
            _s(np.zeros((2, 2), dt), name="zero")]


def _eig_parts(o):
    return o[0].real, o[0].imag, o[1].abs()


def _np_eig_parts(a):
    w, v = np.linalg.eig(a)
    return w.real, w.imag, np.abs(v)


def _eig_samples(dt):
    return [_s(make((3, 3), dt), name="3x3"), _s(make((2, 4, 4), dt, seed=3), name="batch")]


def _cond_samples(dt):
    return [_s(_wc((3, 3), dt)), _s(_wc((2, 3, 3), dt, seed=1), -2), _s(_wc((3, 3), dt), 1),
            _s(_wc((3, 3), dt), float("inf")), _s(_wc((3, 3), dt), "fro"), _s(_wc((3, 3), dt), "nuc"),
            _s(make((4, 3), dt), name="rect-2")]


def _np_cond(a, p=None):
    return np.linalg.cond(a, p)


def _cond_errors():
    return [ErrorInput(_s(make((3, 2)), 1), RuntimeError, r"linalg.cond\(ord=1\): A must be batches of square"),
            ErrorInput(_s(make((2, 2)), "foo"), RuntimeError, "linalg.cond got an invalid norm type: foo")]


def _np_tensorinv(a, ind=2):
    return np.linalg.tensorinv(a, ind)


def _tensorinv_samples(dt):
    return [_s(_wc((6, 6), dt).reshape(6, 2, 3), 1), _s(_wc((6, 6), dt).reshape(2, 3, 6))]


def _tensorsolve_samples(dt):
    return [_s(_wc((6, 6), dt).reshape(6, 2, 3), make((6,), dt, seed=1)),
            _s(np.moveaxis(_wc((6, 6), dt).reshape(2, 3, 6), 2, 0).copy(), make((2, 3), dt, seed=1), dims=(0,))]


def _tensor_errors():
    return [ErrorInput(_s(make((4, 2, 3)), 1), RuntimeError,
                       r"prod\(self.shape\[ind:\]\) == prod\(self.shape\[:ind\]\), but got 6 != 4"),
            ErrorInput(_s(make((4, 2, 2)), 0), RuntimeError, "Expected a strictly positive integer for 'ind'")]


def _hh_samples(dt):
    return [_s(make((4, 3), dt), make((2,), dt, seed=1)), _s(make((2, 3, 3), dt), make((2, 3), dt, seed=1))]


def _np_hh(a, tau):
    flat_a = a.reshape((-1,) + a.shape[-2:])
    flat_t = tau.reshape((-1, tau.shape[-1]))
    m, n = a.shape[-2:]
    outs = []
    for A, t in zip(flat_a, flat_t):
        Q = np.eye(m)
        for i in range(t.shape[0]):
            v = np.zeros(m)
            v[i], v[i + 1:] = 1.0, A[i + 1:, i]
            Q = Q @ (np.eye(m) - t[i] * np.outer(v, v))
        outs.append(Q[:, :n])
    return np.stack(outs).reshape(a.shape[:-2] + (m, n))


def _hh_errors():
    return [ErrorInput(_s(make((3, 2)), make((3,))), RuntimeError,
                       r"input.shape\[-1\] must be greater than or equal to tau.shape\[-1\]"),
            ErrorInput(_s(make((2, 3)), make((1,))), RuntimeError,
                       r"input.shape\[-2\] must be greater than or equal to input.shape\[-1\]")]


DECOMP_OPS += [
    OpInfo("linalg.lu", L.lu, _lu_samples, ref=_np_lu, output_process=lambda o: (o[1], o[2]), errors=_lu_errors,
           atol=1e-4),
    OpInfo("linalg.lu_factor", L.lu_factor, _lu_samples, ref=_np_lu_packed, output_process=lambda o: o[0],
           errors=_lu_factor_errors, atol=1e-4),
    OpInfo("linalg.lu_factor_ex", L.lu_factor_ex, _lu_samples, ref=_np_lu_packed, output_process=lambda o: o[0],
           atol=1e-4),
    OpInfo("linalg.lu_solve", _lu_solve_op(ember), _lu_solve_samples, ref=_np_lu_solve,
           torch_op=lambda *a, **k: _lu_solve_op(_torch())(*a, **k), atol=1e-4),
    OpInfo("linalg.solve_triangular", L.solve_triangular, _solve_tri_samples, ref=_np_solve_tri,
           errors=_solve_tri_errors, atol=1e-4),
    OpInfo("linalg.matrix_exp", L.matrix_exp, _expm_samples, ref=_np_expm, errors=_sq_errors("linalg.matrix_exp"),
           atol=1e-4),
    OpInfo("linalg.eig", L.eig, _eig_samples, ref=_np_eig_parts, output_process=_eig_parts, atol=1e-4,
           gradgrad=False, errors=_sq_errors("linalg.eig")),
    OpInfo("linalg.eigvals", L.eigvals, _eig_samples, ref=lambda a: np.linalg.eigvals(a),
           atol=1e-4, grad=False, gradgrad=False),
    OpInfo("linalg.eigvals-parts", L.eigvals, _eig_samples, ref=lambda a: _np_eig_parts(a)[:2],
           output_process=lambda o: (o.real, o.imag), torch_op="linalg.eigvals", atol=1e-4),
    # torch's own backward of cond(p != 2) and vander fails (an in-place write on a saved tensor): forward parity
    OpInfo("linalg.cond", L.cond, _cond_samples, ref=_np_cond, errors=_cond_errors, atol=1e-4,
           torch_op=lambda a, *r: _torch().linalg.cond(a.detach(), *r)),
    OpInfo("linalg.tensorinv", L.tensorinv, _tensorinv_samples, ref=_np_tensorinv, errors=_tensor_errors,
           atol=1e-4),
    OpInfo("linalg.tensorsolve", L.tensorsolve, _tensorsolve_samples,
           ref=lambda a, b, dims=None: np.linalg.tensorsolve(a, b, dims), atol=1e-4),
    OpInfo("linalg.householder_product", L.householder_product, _hh_samples, ref=_np_hh, errors=_hh_errors,
           atol=1e-4),
]


# -- triangular-factor solves at the top level (composed from solve_triangular) --------------------------------
def _chol_factor_samples(dt):
    a = make((2, 4, 4), dt)
    b = make((2, 4, 3), dt, seed=1)
    return [SampleInput((a, b), dict(upper=False), name="lower"), SampleInput((a, b), dict(upper=True), name="upper")]


def _chol_of(lib, a, upper):
    return lib.linalg.cholesky(_spd_lib(lib, a), upper=upper)


def _spd_lib(lib, a):
    return a @ a.mT + 4 * lib.eye(a.shape[-1], dtype=a.dtype)


def _np_spd_chol(a, upper):
    L = np.linalg.cholesky(a @ np.swapaxes(a, -1, -2) + 4 * np.eye(a.shape[-1]))
    return np.swapaxes(L, -1, -2).conj() if upper else L


def _np_chol_solve(a, b, upper=False):
    spd = a @ np.swapaxes(a, -1, -2) + 4 * np.eye(a.shape[-1])
    return np.linalg.solve(spd, b)


DECOMP_OPS += [
    OpInfo("cholesky_solve", lambda a, b, upper: ember.cholesky_solve(b, _chol_of(ember, a, upper), upper),
           _chol_factor_samples, ref=_np_chol_solve,
           torch_op=lambda a, b, upper: _torch().cholesky_solve(b, _chol_of(_torch(), a, upper), upper), atol=1e-4),
    OpInfo("cholesky_inverse", lambda a, b, upper: ember.cholesky_inverse(_chol_of(ember, a, upper), upper),
           _chol_factor_samples,
           ref=lambda a, b, upper: np.linalg.inv(a @ np.swapaxes(a, -1, -2) + 4 * np.eye(a.shape[-1])),
           torch_op=lambda a, b, upper: _torch().cholesky_inverse(_chol_of(_torch(), a, upper), upper), atol=1e-4),
    OpInfo("triangular_solve", lambda a, b, upper: ember.triangular_solve(b, _chol_of(ember, a, upper), upper,
                                                                          transpose=True)[0],
           _chol_factor_samples,
           ref=lambda a, b, upper: np.linalg.solve(np.swapaxes(_np_spd_chol(a, upper), -1, -2), b),
           torch_op=lambda a, b, upper: _torch().triangular_solve(b, _chol_of(_torch(), a, upper), upper,
                                                                  transpose=True)[0], atol=1e-4),
]
