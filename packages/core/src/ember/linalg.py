"""ember.linalg (mirrors torch.linalg): norms, inverses, solves, determinants and decompositions.

Forward goes through ``xp.linalg``; every function is differentiable (backward formulas in
``ember/ops/_linalg_decomp.py``, written in ember ops so double backward works).
"""
from __future__ import annotations

import math
from collections import namedtuple

import numpy as np

from . import _dtype as D
from ._tensor import Tensor, _wrap_dim
from .ops import _linalg_decomp as _dec
from .ops import _linalg_lu as _lu
from .ops._linalg_decomp import LinAlgError
from .ops._op import apply
from .ops.linalg import _linalg_cross, _multi_dot, _vector_norm, _sname, matmul

__all__ = ["LinAlgError", "norm", "vector_norm", "matrix_norm", "inv", "inv_ex", "pinv", "solve", "det",
           "slogdet", "svd", "svdvals", "qr", "cholesky", "cholesky_ex", "eigh", "eigvalsh", "matrix_rank",
           "matrix_power", "lstsq", "cross", "multi_dot", "diagonal", "vander", "matmul", "vecdot", "solve_ex",
           "lu", "lu_factor", "lu_factor_ex", "lu_solve", "solve_triangular", "matrix_exp", "eig", "eigvals", "cond",
           "tensorinv", "tensorsolve", "householder_product"]

_SVD = namedtuple("torch_return_types_linalg_svd", ["U", "S", "Vh"])
_EIGH = namedtuple("torch_return_types_linalg_eigh", ["eigenvalues", "eigenvectors"])
_QR = namedtuple("torch_return_types_linalg_qr", ["Q", "R"])
_SLOGDET = namedtuple("torch_return_types_linalg_slogdet", ["sign", "logabsdet"])
_LSTSQ = namedtuple("torch_return_types_linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])
_INV_EX = namedtuple("torch_return_types_linalg_inv_ex", ["inverse", "info"])
_CHOL_EX = namedtuple("torch_return_types_linalg_cholesky_ex", ["L", "info"])
_SOLVE_EX = namedtuple("torch_return_types_linalg_solve_ex", ["result", "info"])


# -- checks ---------------------------------------------------------------------------------------------------
# torch's CPU LAPACK kernels have no half types: these raise NotImplementedError naming the kernel; the rest
# refuse half with a RuntimeError ("Low precision dtypes not supported")
_HALF_KERNEL = {"linalg.det": "lu_cpu", "linalg.solve": "lu_cpu", "linalg.solve_ex": "lu_cpu", "linalg.lu": "lu_cpu",
                "linalg.lu_factor": "lu_cpu", "linalg.lu_factor_ex": "lu_cpu", "linalg.cholesky": "cholesky_cpu",
                "linalg.cholesky_ex": "cholesky_cpu", "linalg.eigh": "linalg_eigh_cpu",
                "linalg.eigvalsh": "linalg_eigh_cpu", "linalg.svd": "linalg_svd_cpu",
                "linalg.svdvals": "linalg_svd_cpu", "linalg.cond": "linalg_svd_cpu", "linalg.qr": "geqrf_cpu",
                "linalg.eig": "linalg_eig_out_cpu", "linalg.eigvals": "linalg_eig_out_cpu",
                "linalg.solve_triangular": "triangular_solve_cpu", "linalg.householder_product": "orgqr_cpu"}


def _float_input(name: str, A: Tensor) -> Tensor:
    if A._data.dtype.kind not in "fcV":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {_sname(A._data.dtype)}")
    if A.dtype is D.float16 or A.dtype is D.bfloat16:
        if name in _HALF_KERNEL:
            raise NotImplementedError(f'"{_HALF_KERNEL[name]}" not implemented for \'{_sname(A._data.dtype)}\'')
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got {_sname(A._data.dtype)}")
    return A


def _matrix(name: str, A: Tensor) -> Tensor:
    if A.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    return _float_input(name, A)


def _square(name: str, A: Tensor) -> Tensor:
    _matrix(name, A)
    if A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices")
    return A


def _out(r, out):
    if out is None:
        return r
    if isinstance(r, tuple):
        for o, x in zip(out, r):
            o._assign_result(x)
        return out
    out._assign_result(r)
    return out


# -- norms ----------------------------------------------------------------------------------------------------
def vector_norm(x: Tensor, ord: float = 2, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """||x||_ord over ``dim`` (all elements when None); ord may be inf, -inf, 0 or any real."""
    if x._data.dtype.kind not in "fcV":
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{_sname(x._data.dtype)}")
    if dtype is not None:
        x = x.to(dtype)
    return _out(_vector_norm(x, ord, dim, keepdim), out)


def matrix_norm(A: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """Matrix norm over the two dims ``dim``: 'fro', 'nuc', inf, -inf, 1, -1, 2, -2."""
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    if ord in ("nuc", 2, -2) or A._data.dtype.kind not in "fcV":  # the others need no SVD: half is fine
        _float_input("linalg.matrix_norm", A)
    if dtype is not None:
        A = A.to(dtype)
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {dim}")
    d0, d1 = _wrap_dim(dim[0], A.ndim), _wrap_dim(dim[1], A.ndim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})")
    if ord == "fro":
        return _out(_vector_norm(A, 2, (d0, d1), keepdim), out)
    if ord in ("nuc", 2, -2):
        # move the two dims last, take singular values, reduce them
        perm = [i for i in range(A.ndim) if i not in (d0, d1)] + [d0, d1]
        S = svdvals(A.permute(*perm))
        if ord == "nuc":
            r = S.sum(-1)
        else:
            r = _vector_norm(S, math.inf if ord == 2 else -math.inf, -1)
        if keepdim:
            for d in sorted((d0, d1)):
                r = r.unsqueeze(d)
        return _out(r, out)
    if ord in (1, -1, math.inf, -math.inf):
        inner_dim, outer_dim = (d0, d1) if ord in (1, -1) else (d1, d0)
        red = math.inf if ord > 0 else -math.inf
        s = _vector_norm(A, 1, inner_dim, keepdim=True)
        r = _vector_norm(s, red, outer_dim, keepdim=True)
        if not keepdim:
            r = r.squeeze((d0, d1))
        return _out(r, out)
    raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")


def norm(A: Tensor, ord=None, dim=None, keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """Vector or matrix norm (mirrors torch.linalg.norm)."""
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None:
        if len(dim) == 1:
            return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype, out=out)
        if len(dim) == 2:
            return matrix_norm(A, "fro" if ord is None else ord, dim, keepdim, dtype=dtype, out=out)
        raise RuntimeError(f"linalg.norm: If dim is specified, it mut be of length 1 or 2. Got {list(dim)}")
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype, out=out)
    if A.ndim == 1:
        if isinstance(ord, str):
            raise RuntimeError(f"linalg.vector_norm: ord must be a number, got {ord}")
        return vector_norm(A, ord, None, keepdim, dtype=dtype, out=out)
    if A.ndim == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype, out=out)
    raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got {A.ndim}D.")


# -- inverses and solves -----------------------------------------------------------------------------------
def inv(A: Tensor, *, out=None) -> Tensor:
    """Inverse of a (batch of) square matrix; singular input raises LinAlgError."""
    _square("linalg.inv", A)
    return _out(_dec.inv(A), out)


def inv_ex(A: Tensor, *, check_errors: bool = False, out=None):
    """inv returning (inverse, info); info > 0 marks a singular matrix."""
    _square("linalg.inv_ex", A)
    try:
        r = _dec.inv(A)
        info = Tensor._wrap(np.zeros(A.shape[:-2], dtype=np.int32))
    except LinAlgError:
        if check_errors:
            raise
        r = A * float("nan")
        info = Tensor._wrap(np.ones(A.shape[:-2], dtype=np.int32))
    return _INV_EX(r, info)


def pinv(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, out=None, rcond=None) -> Tensor:
    """Moore-Penrose pseudo-inverse with singular values below max(atol, rtol * s_max) dropped."""
    _matrix("linalg.pinv", A)
    if rcond is not None:
        rtol = rcond
    atol = atol.item() if isinstance(atol, Tensor) else atol
    rtol = rtol.item() if isinstance(rtol, Tensor) else rtol
    return _out(apply(_dec.Pinv, A, atol=atol, rtol=rtol, hermitian=hermitian), out)


def _is_vector_rhs(A, B):
    return B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))


def solve(A: Tensor, B: Tensor, *, left: bool = True, out=None) -> Tensor:
    """Solve A X = B (or X A = B with left=False); B may be a vector or a batch of matrices."""
    _square("linalg.solve", A)
    _float_input("linalg.solve", B)
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                           f"{_sname(A._data.dtype)} and B of type {_sname(B._data.dtype)} instead")
    vec = _is_vector_rhs(A, B)
    Bm = B.unsqueeze(-1) if vec else B
    if not left:
        if vec:
            raise RuntimeError("linalg.solve: Vector broadcasting of the left hand side is not supported for "
                               "left=False. In this case linalg.solve is equivalent to B / A.squeeze(-1)")
        return _out(solve(A.mT, B.mT).mT, out)
    if Bm.shape[-2] != A.shape[-1]:
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
                           f"({A.shape[-2]}x{A.shape[-1]} and {Bm.shape[-2]}x{Bm.shape[-1]})")
    X = _dec.solve(A, Bm)
    return _out(X.squeeze(-1) if vec else X, out)


def solve_ex(A: Tensor, B: Tensor, *, left: bool = True, check_errors: bool = False, out=None):
    """solve returning (result, info)."""
    try:
        return _SOLVE_EX(solve(A, B, left=left), Tensor._wrap(np.zeros(A.shape[:-2], dtype=np.int32)))
    except LinAlgError:
        if check_errors:
            raise
        return _SOLVE_EX(B * float("nan"), Tensor._wrap(np.ones(A.shape[:-2], dtype=np.int32)))


def _eye(A):
    from .ops.creation import eye  # noqa: PLC0415

    return eye(A.shape[-1], dtype=A.dtype, device=A.device)


def det(A: Tensor, *, out=None) -> Tensor:
    """Determinant of a (batch of) square matrix."""
    _square("linalg.det", A)
    return _out(apply(_dec.Det, A), out)


def slogdet(A: Tensor, *, out=None):
    """(sign, log|det|) of a (batch of) square matrix."""
    _square("linalg.slogdet", A)
    return _out(_SLOGDET(*apply(_dec.Slogdet, A)), out)


# -- decompositions -------------------------------------------------------------------------------------------
def cholesky(A: Tensor, *, upper: bool = False, out=None) -> Tensor:
    """Cholesky factor of a Hermitian positive-definite matrix (lower, or upper with upper=True)."""
    _square("linalg.cholesky", A)
    return _out(apply(_dec.Cholesky, A, upper=upper), out)


def cholesky_ex(A: Tensor, *, upper: bool = False, check_errors: bool = False, out=None):
    """cholesky returning (L, info); info is the order of the failing leading minor (0 on success)."""
    _square("linalg.cholesky_ex", A)
    try:
        return _CHOL_EX(cholesky(A, upper=upper), Tensor._wrap(np.zeros(A.shape[:-2], dtype=np.int32)))
    except LinAlgError as e:
        if check_errors:
            raise
        k = int(str(e).split("order ")[1].split(" ")[0])
        return _CHOL_EX(A * 0, Tensor._wrap(np.full(A.shape[:-2], k, dtype=np.int32)))


def eigh(A: Tensor, UPLO: str = "L", *, out=None):
    """Eigenvalues (ascending, real) and eigenvectors of a Hermitian matrix."""
    _square("linalg.eigh", A)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return _out(_EIGH(*apply(_dec.Eigh, A, UPLO=UPLO)), out)


def eigvalsh(A: Tensor, UPLO: str = "L", *, out=None) -> Tensor:
    """Eigenvalues of a Hermitian matrix, ascending."""
    _square("linalg.eigvalsh", A)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")
    return _out(apply(_dec.Eigh, A, UPLO=UPLO)[0], out)


def svd(A: Tensor, full_matrices: bool = True, *, driver=None, out=None):
    """A = U diag(S) Vh; reduced factors with full_matrices=False."""
    _matrix("linalg.svd", A)
    return _out(_SVD(*apply(_dec.Svd, A, full_matrices=full_matrices)), out)


def svdvals(A: Tensor, *, driver=None, out=None) -> Tensor:
    """Singular values, descending."""
    _matrix("linalg.svdvals", A)
    return _out(apply(_dec.Svd, A, full_matrices=False)[1], out)


def qr(A: Tensor, mode: str = "reduced", *, out=None):
    """QR decomposition; mode 'reduced', 'complete' or 'r' (Q is then empty)."""
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', "
                           f"or 'complete'")
    _matrix("linalg.qr", A)
    return _out(_QR(*apply(_dec.Qr, A, mode=mode)), out)


def matrix_rank(A: Tensor, *, atol=None, rtol=None, hermitian: bool = False, tol=None, out=None) -> Tensor:
    """Number of singular values above max(atol, rtol * s_max) (int64)."""
    _matrix("linalg.matrix_rank", A)
    if tol is not None:
        atol, rtol = tol, 0.0
    xp = np if A.is_cpu else A._data.__array_namespace__()
    a = A._data
    s = xp.abs(xp.linalg.eigvalsh(a)) if hermitian else xp.linalg.svd(a, compute_uv=False)
    atol = atol.item() if isinstance(atol, Tensor) else atol
    rtol = rtol.item() if isinstance(rtol, Tensor) else rtol
    if rtol is None:
        rtol = np.finfo(a.dtype).eps * max(a.shape[-2:]) if (atol is None or atol <= 0) else 0.0
    smax = s.max(axis=-1, keepdims=True) if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,), s.dtype)
    r = xp.sum(s > xp.maximum(atol or 0.0, rtol * smax), axis=-1).astype(np.int64)
    return _out(Tensor._wrap(xp.asarray(r)), out)


def matrix_power(A: Tensor, n: int, *, out=None) -> Tensor:
    """A^n by repeated squaring; negative n inverts first."""
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.matrix_power: A must be batches of square matrices, but they are "
                           f"{A.shape[-2] if A.ndim > 1 else 1} by {A.shape[-1] if A.ndim else 1} matrices")
    if not isinstance(n, (int, np.integer)):
        raise TypeError(f"matrix_power(): argument 'n' must be int, not {type(n).__name__}")
    if n == 0:
        return _out((A * 0 + _eye(A)) if A._data.dtype.kind in "fc" else
                    Tensor._wrap(np.broadcast_to(np.eye(A.shape[-1], dtype=A._data.dtype), A.shape).copy()), out)
    if n < 0:
        A = inv(A)
        n = -n
    result, base = None, A
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return _out(result, out)


def lstsq(A: Tensor, B: Tensor, rcond=None, *, driver=None):
    """Least-squares solution of A X = B: (solution, residuals, rank, singular_values) like torch on CPU."""
    _matrix("torch.linalg.lstsq", A)
    if driver is None:
        driver = "gelsy" if A.is_cpu else "gels"
    if driver not in ("gels", "gelsy", "gelsd", "gelss"):
        raise RuntimeError(f"torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)")
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got "
                           f"input's dtype {A.dtype} and other's dtype {B.dtype}")
    vec = B.ndim == A.ndim - 1
    Bm = B.unsqueeze(-1) if vec else B
    if Bm.shape[-2] != A.shape[-2]:
        raise RuntimeError(f"torch.linalg.lstsq: input.size(-2) should match other.size(-2)")
    m, n = A.shape[-2], A.shape[-1]
    if rcond is None:
        rcond = np.finfo(A._data.dtype).eps * max(m, n)
    X = matmul(pinv(A, rtol=rcond), Bm)
    a = A._data
    xp = np if A.is_cpu else a.__array_namespace__()
    s = xp.linalg.svd(a, compute_uv=False)
    smax = s.max(axis=-1, keepdims=True) if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,), s.dtype)
    rank = xp.sum(s > rcond * smax, axis=-1).astype(np.int64)
    empty = Tensor._wrap(xp.zeros((0,), dtype=s.dtype))
    rank_t = Tensor._wrap(xp.asarray(rank)) if driver != "gels" else Tensor._wrap(xp.zeros((0,), np.int64))
    sv = Tensor._wrap(s) if driver in ("gelsd", "gelss") else empty
    residuals = empty
    if driver != "gelsy" and m > n and bool((rank == n).all()):
        with_grad = matmul(A, X) - Bm
        residuals = (with_grad.abs() ** 2).sum(-2)
    if vec:
        X = X.squeeze(-1)
        if residuals.numel():
            residuals = residuals.squeeze(-1)
    return _LSTSQ(X, residuals, rank_t, sv)


# -- small helpers ---------------------------------------------------------------------------------------
def cross(input: Tensor, other: Tensor, *, dim: int = -1, out=None) -> Tensor:
    """Cross product of 3-vectors along ``dim`` with broadcasting."""
    return _out(_linalg_cross(input, other, dim), out)


def multi_dot(tensors, *, out=None) -> Tensor:
    """Product of a chain of matrices in the cheapest order; the first/last may be 1-D."""
    return _out(_multi_dot(tensors), out)


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """Diagonal of (a batch of) matrices along dim1, dim2, appended as the last dim."""
    if A.ndim < 2:
        raise RuntimeError(f"diagonal dimensions requires ndim larger than 1, but got {A.ndim}")
    d1, d2 = _wrap_dim(dim1, A.ndim), _wrap_dim(dim2, A.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return _dec.diagonal(A, offset, d1, d2)


def vander(x: Tensor, *, N: int | None = None) -> Tensor:
    """Vandermonde matrix with increasing powers: column j is x**j."""
    if x.dtype is D.float16 or x.dtype is D.bfloat16:  # torch.vander accepts them, torch.linalg.vander does not
        raise RuntimeError(f"linalg.vander supports floating point, complex, and integer tensors, but got "
                           f"{_sname(x._data.dtype)}")
    return _vander(x, N=N)


def _vander(x: Tensor, *, N: int | None = None) -> Tensor:
    if x.ndim < 1:
        raise RuntimeError("linalg.vander: x must have at least one dimension.")
    N = x.shape[-1] if N is None else N
    if N <= 1:
        if N < 1:
            raise RuntimeError("N must be greater than 1.")
    if x._data.dtype == np.bool_:
        x = x.long()
    return apply(_dec.Vander, x, N=N)


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1, out=None) -> Tensor:
    """Dot product along ``dim`` with broadcasting, conjugating x."""
    xc = x.conj() if x.is_complex() else x
    return _out((xc * y).sum(dim), out)


# -- LU family, triangular solves, matrix exponential, general eigensolver (ops in ops/_linalg_lu.py) -------------
_LU = namedtuple("torch_return_types_linalg_lu", ["P", "L", "U"])
_LU_FACTOR = namedtuple("torch_return_types_linalg_lu_factor", ["LU", "pivots"])
_LU_FACTOR_EX = namedtuple("torch_return_types_linalg_lu_factor_ex", ["LU", "pivots", "info"])
_EIG = namedtuple("torch_return_types_linalg_eig", ["eigenvalues", "eigenvectors"])


def _lu_input(name: str, A: Tensor, pivot: bool) -> Tensor:
    if A.ndim < 2:
        raise RuntimeError(f"torch.lu_factor: Expected tensor with 2 or more dimensions. Got size: {list(A.shape)} "
                           f"instead")
    _float_input(name, A)
    if not pivot:
        raise RuntimeError(f"{name}: LU without pivoting is not implemented on the CPU")
    return A


def lu_factor_ex(A: Tensor, *, pivot: bool = True, check_errors: bool = False, out=None):
    """Packed LU factorisation with partial pivoting: (LU, pivots, info); info > 0 marks a zero pivot U[i, i]."""
    _lu_input("linalg.lu_factor_ex", A, pivot)
    LU, piv, info = apply(_lu.LuFactor, A)
    if check_errors and bool((info > 0).any()):
        raise LinAlgError(f"linalg.lu_factor_ex: U[{int(info.max())},{int(info.max())}] is zero and using it on "
                          f"lu_solve would result in a division by zero.")
    return _out(_LU_FACTOR_EX(LU, piv, info), out)


def lu_factor(A: Tensor, *, pivot: bool = True, out=None):
    """Packed LU factorisation with partial pivoting: (LU, pivots) with 1-based int32 pivots, like LAPACK."""
    _lu_input("linalg.lu_factor", A, pivot)
    LU, piv, info = apply(_lu.LuFactor, A)
    if bool((info > 0).any()):
        i = int(info[info > 0].reshape(-1)[0])
        raise LinAlgError(f"torch.linalg.lu_factor: U[{i},{i}] is zero and using it on lu_solve would result in a "
                          f"division by zero. If you still want to perform the factorization, consider calling "
                          f"linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)")
    return _out(_LU_FACTOR(LU, piv), out)


def lu_unpack_impl(LU: Tensor, pivots: Tensor, unpack_data: bool = True, unpack_pivots: bool = True):
    """(P, L, U) from a packed LU and its pivots (differentiable w.r.t. LU)."""
    if pivots.dtype != D.int32:
        raise RuntimeError("torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype.\n"
                           "Note: this function is intended to be used with the output produced by "
                           "torch.linalg.lu_factor")
    from .ops.creation import eye  # noqa: PLC0415
    from .ops._op import _xp_of  # noqa: PLC0415

    m, n = LU.shape[-2:]
    k = min(m, n)
    L = U = P = LU.new_empty((0,))
    if unpack_data:
        L = LU[..., :, :k].tril(-1) + eye(m, k, dtype=LU.dtype, device=LU.device)
        U = LU[..., :k, :].triu()
    if unpack_pivots:
        P = Tensor._wrap(_lu.perm_matrix(_xp_of(pivots._data), pivots._data, m, LU._data.dtype))
    return P, L, U


def lu(A: Tensor, *, pivot: bool = True, out=None):
    """A = P L U with partial pivoting: (P, L, U)."""
    _lu_input("linalg.lu", A, pivot)
    LU, piv, _ = apply(_lu.LuFactor, A)
    return _out(_LU(*lu_unpack_impl(LU, piv)), out)


def _lu_solve_shapes(name, LU, B, left):
    if B.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor B must have at least 2 dimensions.")
    n = LU.shape[-1]
    if LU.shape[-2] != n:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {LU.shape[-2]} by {n} "
                           f"matrices")
    if (B.shape[-2] if left else B.shape[-1]) != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"{name}: Incompatible shapes of A and B for the equation {eq} ({n}x{n} and "
                           f"{B.shape[-2]}x{B.shape[-1]})")


def lu_solve(LU: Tensor, pivots: Tensor, B: Tensor, *, left: bool = True, adjoint: bool = False, out=None) -> Tensor:
    """Solve A X = B (or X A = B, or with A^H) given A's packed LU factorisation from :func:`lu_factor`."""
    _lu_solve_shapes("linalg.lu_solve", LU, B, left)
    P, L, U = lu_unpack_impl(LU, pivots)
    st = _lu.solve_triangular
    if not left:  # X A = B  <=>  A^H X^H = B^H
        X = lu_solve(LU, pivots, B.mH if B.is_complex() else B.mT, adjoint=not adjoint)
        return _out(X.mH if X.is_complex() else X.mT, out)
    if adjoint:  # A^H X = B with A^H = U^H L^H P^T
        Y = st(_dec._h(L), st(_dec._h(U), B, upper=False), upper=True, unitriangular=True)
        return _out(P @ Y, out)
    return _out(st(U, st(L, P.mT @ B, upper=False, unitriangular=True), upper=True), out)


def solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True, unitriangular: bool = False,
                     out=None) -> Tensor:
    """Solve A X = B (``left``) or X A = B for a triangular A (only its ``upper``/lower triangle is read)."""
    _square("linalg.solve_triangular", A)
    if B.ndim < 2:
        raise RuntimeError("linalg.solve_triangular: The input tensor B must have at least 2 dimensions.")
    n = A.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        eq = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.solve_triangular: Incompatible shapes of A and B for the equation {eq} "
                           f"({n}x{n} and {B.shape[-2]}x{B.shape[-1]})")
    if A.dtype != B.dtype:
        rd = D.promote_types(A.dtype, B.dtype)
        A, B = A.to(rd), B.to(rd)
    return _out(_lu.solve_triangular(A, B, upper=upper, left=left, unitriangular=unitriangular), out)


def matrix_exp(A: Tensor) -> Tensor:
    """Matrix exponential exp(A) of a (batch of) square matrix (Padé [13/13] with scaling and squaring)."""
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        _square("linalg.matrix_exp", A)
    if A._data.dtype.kind not in "fcV":
        _float_input("linalg.matrix_exp", A)
    return _lu.matrix_exp(A)


def eig(A: Tensor, *, out=None):
    """Eigenvalues and unit-norm eigenvectors of a general square matrix; both complex."""
    _square("linalg.eig", A)
    return _out(_EIG(*_lu.eig(A)), out)


def eigvals(A: Tensor, *, out=None) -> Tensor:
    """Eigenvalues of a general square matrix (complex)."""
    _square("linalg.eigvals", A)
    return _out(_lu.eig(A)[0], out)


def cond(A: Tensor, p=None, *, out=None) -> Tensor:
    """Condition number of A in the norm ``p`` (2-norm by default: ratio of extreme singular values)."""
    if p not in (None, 2, -2, 1, -1, math.inf, -math.inf, "fro", "nuc"):
        raise RuntimeError(f"linalg.cond got an invalid norm type: {p}")
    if p in (None, 2, -2):
        _matrix("linalg.cond", A)
        s = svdvals(A)
        r = s[..., 0] / s[..., -1] if p != -2 else s[..., -1] / s[..., 0]
        return _out(r, out)
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"linalg.cond(ord={p}): A must be batches of square matrices, but they are "
                           f"{A.shape[-2] if A.ndim >= 2 else 1} by {A.shape[-1] if A.ndim else 1} matrices")
    _float_input("linalg.cond", A)
    Ainv, info = inv_ex(A)
    r = matrix_norm(A, p) * matrix_norm(Ainv, p)
    # a singular matrix has infinite condition number in every norm
    from .ops.elementwise import where  # noqa: PLC0415

    return _out(where(info > 0, math.inf, r), out)


def tensorinv(A: Tensor, ind: int = 2, *, out=None) -> Tensor:
    """The tensor inverse w.r.t. tensordot over ``ind`` dims: shape A.shape[ind:] + A.shape[:ind]."""
    if ind <= 0:
        raise RuntimeError(f"Expected a strictly positive integer for 'ind', but got {ind}")
    head, tail = tuple(A.shape[:ind]), tuple(A.shape[ind:])
    ph, pt = math.prod(head), math.prod(tail)
    if ph != pt:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[ind:]) == "
                           f"prod(self.shape[:ind]), but got {pt} != {ph}")
    return _out(inv(A.reshape(ph, pt)).reshape(tail + head), out)


def tensorsolve(A: Tensor, B: Tensor, dims=None, *, out=None) -> Tensor:
    """X with tensordot(A, X, X.ndim) = B; ``dims`` of A are first moved to the end."""
    if dims is not None:
        nd = A.ndim
        src = [_wrap_dim(d, nd) for d in dims]
        A = A.permute(*([d for d in range(nd) if d not in src] + src))
    rest = tuple(A.shape[B.ndim:])
    pb, pr = B.numel(), math.prod(rest)
    if math.prod(A.shape[:B.ndim]) != pr or pb != pr:
        raise RuntimeError(f"Expected self to satisfy the requirement prod(self.shape[other.ndim:]) == "
                           f"prod(self.shape[:other.ndim]), but got {pr} != {math.prod(A.shape[:B.ndim])}")
    return _out(solve(A.reshape(pb, pr), B.reshape(pb, 1)).reshape(rest), out)


def householder_product(A: Tensor, tau: Tensor, *, out=None) -> Tensor:
    """The first n columns of H_1 ... H_k with H_i = I - tau_i v_i v_i^H (v_i: column i of A below the diagonal,
    with an implicit 1 on it), as produced by a QR factorisation (LAPACK orgqr)."""
    if A.ndim < 2:
        raise RuntimeError("torch.linalg.householder_product: input must have at least 2 dimensions.")
    m, n = A.shape[-2:]
    k = tau.shape[-1]
    if m < n:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-2] must be greater than or equal to "
                           "input.shape[-1]")
    if n < k:
        raise RuntimeError("torch.linalg.householder_product: input.shape[-1] must be greater than or equal to "
                           "tau.shape[-1]")
    from .ops.creation import eye  # noqa: PLC0415

    I = eye(m, dtype=A.dtype, device=A.device)
    Q = eye(m, n, dtype=A.dtype, device=A.device).expand(*A.shape[:-2], m, n)
    below = A.tril(-1) + eye(m, n, dtype=A.dtype, device=A.device)
    # apply the reflectors right to left to the thin identity: Q = H_1 (H_2 (... (H_k I[:, :n])))
    for i in range(k - 1, -1, -1):
        v = below[..., :, i:i + 1]
        v = v * (I[:, i:i + 1].cumsum(0))  # zero above the diagonal entry i
        vh = v.mH if v.is_complex() else v.mT
        Q = Q - (tau[..., i:i + 1].unsqueeze(-1) * v) @ (vh @ Q)
    return _out(Q, out)
