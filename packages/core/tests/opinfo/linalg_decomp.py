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
