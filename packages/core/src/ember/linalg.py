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
from .ops._linalg_decomp import LinAlgError
from .ops._op import apply
from .ops.linalg import _linalg_cross, _multi_dot, _vector_norm, _sname, matmul

__all__ = ["LinAlgError", "norm", "vector_norm", "matrix_norm", "inv", "inv_ex", "pinv", "solve", "det",
           "slogdet", "svd", "svdvals", "qr", "cholesky", "cholesky_ex", "eigh", "eigvalsh", "matrix_rank",
           "matrix_power", "lstsq", "cross", "multi_dot", "diagonal", "vander", "matmul", "vecdot", "solve_ex"]

_SVD = namedtuple("torch_return_types_linalg_svd", ["U", "S", "Vh"])
_EIGH = namedtuple("torch_return_types_linalg_eigh", ["eigenvalues", "eigenvectors"])
_QR = namedtuple("torch_return_types_linalg_qr", ["Q", "R"])
_SLOGDET = namedtuple("torch_return_types_linalg_slogdet", ["sign", "logabsdet"])
_LSTSQ = namedtuple("torch_return_types_linalg_lstsq", ["solution", "residuals", "rank", "singular_values"])
_INV_EX = namedtuple("torch_return_types_linalg_inv_ex", ["inverse", "info"])
_CHOL_EX = namedtuple("torch_return_types_linalg_cholesky_ex", ["L", "info"])
_SOLVE_EX = namedtuple("torch_return_types_linalg_solve_ex", ["result", "info"])


# -- checks ---------------------------------------------------------------------------------------------------
def _float_input(name: str, A: Tensor) -> Tensor:
    if A._data.dtype.kind not in "fc":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {_sname(A._data.dtype)}")
    if A._data.dtype in (np.float16,) or A.dtype is D.bfloat16:
        raise RuntimeError(f"{name}: Low precision dtypes not supported. Got {A.dtype.__repr__()[6:].capitalize()}")
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
    if x._data.dtype.kind not in "fc":
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
                           f"{_sname(x._data.dtype)}")
    if dtype is not None:
        x = x.to(dtype)
    return _out(_vector_norm(x, ord, dim, keepdim), out)


def matrix_norm(A: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *, dtype=None, out=None) -> Tensor:
    """Matrix norm over the two dims ``dim``: 'fro', 'nuc', inf, -inf, 1, -1, 2, -2."""
    if A.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
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
