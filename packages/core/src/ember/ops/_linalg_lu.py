"""Ops behind ember.linalg's LU family, triangular solves, the matrix exponential and the general eigensolver.

Forwards run on ``xp`` only (numpy or cupy), batched over leading dims. Backward formulas follow PyTorch's
(FunctionsManual.cpp: linalg_lu_backward, linalg_solve_triangular backward, differential_analytic_matrix_function,
linalg_eig_backward) and are written in ember ops, so create_graph works.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ._linalg_decomp import LinAlgError, _h, _linalg_error, _out, diag_embed, diagonal
from ._op import HALF, Op, apply
from .return_types import _make


# -- LU with partial pivoting -------------------------------------------------------------------------------
def _lu_xp(xp, A):
    """Batched Doolittle LU with partial pivoting (LAPACK getrf semantics): packed LU, 1-based int32 pivots, info.

    One vectorised rank-1 update per column; the Python loop runs min(m, n) times, never per element or batch.
    """
    LU = A.copy()
    m, n = A.shape[-2:]
    k = min(m, n)
    batch = A.shape[:-2]
    piv = xp.zeros(batch + (k,), dtype=np.int32)
    info = xp.zeros(batch, dtype=np.int32)
    for j in range(k):
        p = xp.argmax(xp.abs(LU[..., j:, j]), axis=-1) + j
        piv[..., j] = p + 1
        pi = xp.broadcast_to(p[..., None, None], batch + (1, n))
        row_p = xp.take_along_axis(LU, pi, axis=-2)
        row_j = LU[..., j:j + 1, :].copy()
        xp.put_along_axis(LU, pi, row_j, axis=-2)
        LU[..., j:j + 1, :] = row_p
        pivot = LU[..., j, j]
        zero = pivot == 0
        info = xp.where(zero & (info == 0), j + 1, info)
        # a zero pivot leaves its column as is (LAPACK): the factorisation exists but U is singular
        LU[..., j + 1:, j] /= xp.where(zero, 1, pivot)[..., None]
        LU[..., j + 1:, j + 1:] -= LU[..., j + 1:, j:j + 1] * LU[..., j:j + 1, j + 1:]
    return LU, piv, info


def perm_from_pivots(xp, piv, m):
    """Row permutation ``perm`` with (P^T A)[i] = A[perm[i]] from 1-based LAPACK pivots (batched)."""
    batch = piv.shape[:-1]
    perm = xp.broadcast_to(xp.arange(m), batch + (m,)).copy()
    for j in range(piv.shape[-1]):
        p = (piv[..., j:j + 1] - 1).astype(np.int64)
        a = perm[..., j:j + 1].copy()
        b = xp.take_along_axis(perm, p, axis=-1)
        perm[..., j:j + 1] = b
        xp.put_along_axis(perm, p, a, axis=-1)
    return perm


def perm_matrix(xp, piv, m, dtype):
    """The permutation matrix P of A = P L U."""
    perm = perm_from_pivots(xp, piv, m)
    cols = xp.broadcast_to(xp.arange(m), perm.shape)
    # P[perm[i], i] = 1, written through the flat index of each batch matrix
    flat = xp.zeros(piv.shape[:-1] + (m * m,), dtype=dtype)
    xp.put_along_axis(flat, perm * m + cols, xp.ones(perm.shape, dtype=dtype), axis=-1)
    return flat.reshape(piv.shape[:-1] + (m, m))


class LuFactor(Op):
    """A = P L U packed as LU (L unit lower below the diagonal, U on and above), pivots and info."""

    save_output = True
    nondiff_outputs = (1, 2)

    def forward(ctx, xp, A):
        LU, piv, info = _lu_xp(xp, A)
        ctx.piv = piv
        return LU, piv, info

    def backward(ctx, gLU, _gpiv, _ginfo):
        from .creation import eye  # noqa: PLC0415

        LU = ctx.output
        m, n = LU.shape[-2:]
        k = min(m, n)
        L = LU[..., :, :k].tril(-1) + eye(m, k, dtype=LU.dtype, device=LU.device)
        U = LU[..., :k, :].triu()
        P = Tensor._wrap(perm_matrix(_xp(LU), ctx.piv, m, LU._data.dtype))
        return lu_backward(gLU[..., :, :k].tril(-1), gLU[..., :k, :].triu(), P, L, U)


def _xp(t):
    from ._op import _xp_of  # noqa: PLC0415

    return _xp_of(t._data)


def lu_backward(gL, gU, P, L, U):
    """Gradient of A = P L U (any shape) from the gradients of L (m x k) and U (k x n)."""
    m, n = L.shape[-2], U.shape[-1]
    k = min(m, n)
    if m <= n:
        # wide/square: gA = P L^{-H} ([tril(L^H gL - gU U^H, -1) U1^{-H}, 0] + gU)
        U1 = U[..., :, :k]
        phi = (_h(L) @ gL - gU @ _h(U)).tril(-1)
        head = solve_triangular(_h(U1), phi, upper=False, left=False)
        if n > k:
            from .joining import cat  # noqa: PLC0415

            head = cat([head, head.new_zeros(head.shape[:-1] + (n - k,))], -1)
        X = head + gU
        return P @ solve_triangular(_h(L), X, upper=True, unitriangular=True)
    # tall: gA = P (gL + [L1^{-H} triu(gU U^H - L^H gL); 0]) U^{-H}
    L1 = L[..., :k, :]
    psi = (gU @ _h(U) - _h(L) @ gL).triu()
    top = solve_triangular(_h(L1), psi, upper=True, unitriangular=True)
    from .joining import cat  # noqa: PLC0415

    Y = gL + cat([top, top.new_zeros(top.shape[:-2] + (m - k, k))], -2)
    return P @ solve_triangular(_h(U), Y, upper=False, left=False)


# -- triangular solve ---------------------------------------------------------------------------------------
def _triangle(xp, A, upper, unit):
    T = xp.triu(A) if upper else xp.tril(A)
    if unit:
        n = A.shape[-1]
        i = xp.arange(n)
        T = T.copy() if T is A else T
        T[..., i, i] = 1
    return T


def _substitute(xp, T, B, upper):
    """Column-by-column substitution (used only when the fast solver refuses a singular triangle: inf/nan)."""
    n = T.shape[-1]
    X = xp.zeros(np.broadcast_shapes(T.shape[:-2], B.shape[:-2]) + B.shape[-2:], dtype=np.result_type(T, B))
    order = range(n - 1, -1, -1) if upper else range(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in order:
            acc = (T[..., i:i + 1, :] @ X)[..., 0, :]
            X[..., i, :] = (B[..., i, :] - acc) / T[..., i, i:i + 1]
    return X


class SolveTriangular(Op):
    """X with A X = B (left) or X A = B, A triangular; batch dims broadcast."""

    save_inputs = (0,)
    save_output = True

    def forward(ctx, xp, A, B, upper, left, unitriangular):
        ctx.upper, ctx.left, ctx.unit = upper, left, unitriangular
        T = _triangle(xp, A, upper, unitriangular)
        if not left:  # X A = B  <=>  A^T X^T = B^T
            T, B = xp.swapaxes(T, -1, -2), xp.swapaxes(B, -1, -2)
            upper = not upper
        try:
            X = xp.linalg.solve(xp.broadcast_to(T, np.broadcast_shapes(T.shape[:-2], B.shape[:-2]) + T.shape[-2:]),
                                xp.broadcast_to(B, np.broadcast_shapes(T.shape[:-2], B.shape[:-2]) + B.shape[-2:]))
        except _linalg_error(xp):
            X = _substitute(xp, T, B, upper)
        return X if left else xp.swapaxes(X, -1, -2)

    def backward(ctx, g):
        A = ctx.inputs[0]
        X = ctx.output
        up, unit = ctx.upper, ctx.unit
        Ah = _h(A)
        if ctx.left:
            gB = solve_triangular(Ah, g, upper=not up, left=True, unitriangular=unit)
            gA = -(gB @ _h(X))
        else:
            gB = solve_triangular(Ah, g, upper=not up, left=False, unitriangular=unit)
            gA = -(_h(X) @ gB)
        diag = 1 if unit else 0
        gA = gA.triu(diag) if up else gA.tril(-diag)
        return gA, gB


def solve_triangular(A: Tensor, B: Tensor, *, upper: bool, left: bool = True, unitriangular: bool = False):
    return apply(SolveTriangular, A, B, upper=bool(upper), left=bool(left), unitriangular=bool(unitriangular))


# -- matrix exponential ---------------------------------------------------------------------------------------
# Padé [13/13] coefficients and the 1-norm bound theta_13 of Higham (2005), "The scaling and squaring method for
# the matrix exponential revisited".
_PADE13 = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800., 129060195264000.,
           10559470521600., 670442572800., 33522128640., 1323241920., 40840800., 960960., 16380., 182., 1.)
_THETA13 = 5.371920351148152


def _expm_xp(xp, A):
    """exp(A) for a batch of square matrices by Padé [13/13] with per-matrix scaling and squaring."""
    n = A.shape[-1]
    norm1 = xp.abs(A).sum(-2).max(-1) if A.size else xp.zeros(A.shape[:-2])
    with np.errstate(divide="ignore"):
        s = xp.maximum(0, xp.ceil(xp.log2(norm1 / _THETA13))).astype(np.int64)
    s = xp.where(xp.isfinite(norm1), s, 0)
    As = A / (2.0 ** s).astype(A.real.dtype)[..., None, None]
    b = _PADE13
    eye = xp.eye(n, dtype=A.dtype)
    A2 = As @ As
    A4 = A2 @ A2
    A6 = A4 @ A2
    U = As @ (A6 @ (b[13] * A6 + b[11] * A4 + b[9] * A2) + b[7] * A6 + b[5] * A4 + b[3] * A2 + b[1] * eye)
    V = A6 @ (b[12] * A6 + b[10] * A4 + b[8] * A2) + b[6] * A6 + b[4] * A4 + b[2] * A2 + b[0] * eye
    R = xp.linalg.solve(V - U, V + U)
    smax = int(s.max()) if s.size else 0
    for i in range(smax):  # square each matrix its own number of times
        R = xp.where((s > i)[..., None, None], R @ R, R)
    return R


class MatrixExp(Op):
    save_inputs = (0,)
    compute_in_float32 = HALF  # torch supports half matrix_exp; Padé in half would lose everything

    def forward(ctx, xp, A):
        return _expm_xp(xp, A)

    def backward(ctx, g):
        # d exp(A)^*[G] is the upper-right block of exp([[A^H, G], [0, A^H]])
        from .joining import cat  # noqa: PLC0415

        A = ctx.inputs[0]
        n = A.shape[-1]
        Ah = _h(A)
        z = Ah.new_zeros(Ah.shape)
        big = cat([cat([Ah, g], -1), cat([z, Ah], -1)], -2)
        return matrix_exp(big)[..., :n, n:]


def matrix_exp(A: Tensor) -> Tensor:
    return apply(MatrixExp, A)


# -- general (non-symmetric) eigendecomposition ------------------------------------------------------------
class Eig(Op):
    """Eigenvalues L and unit-norm eigenvectors V of a general square matrix: always complex."""

    def forward(ctx, xp, A):
        cdt = np.complex64 if A.dtype in (np.float32, np.complex64) else np.complex128
        try:
            w, v = xp.linalg.eig(A)
        except _linalg_error(xp):
            raise LinAlgError("linalg.eig: The algorithm failed to converge because the input matrix is "
                              "ill-conditioned or has too many repeated eigenvalues") from None
        w, v = w.astype(cdt), v.astype(cdt)
        ctx.outs = (w, v)
        ctx.real_input = A.dtype.kind != "c"
        return w, v

    def backward(ctx, gL, gV):
        L, V = _out(ctx, 0), _out(ctx, 1)
        Vh = _h(V)
        VhgV = Vh @ gV
        d = diagonal(VhgV)
        if bool((d.imag.abs() > 1e-2 * (1 + d.abs())).any()):
            raise RuntimeError("linalg_eig_backward: The eigenvectors in the complex case are specified up to "
                               "multiplication by e^{i phi}. The specified loss function depends on this quantity, "
                               "so it is ill-defined.")
        # project out the phase direction of each eigenvector, divide by conj(L_j - L_i) off the diagonal
        VhgV = VhgV - Vh @ (V * d.real.unsqueeze(-2))
        Lc = L.conj()
        E = Lc.unsqueeze(-2) - Lc.unsqueeze(-1)
        from .creation import eye  # noqa: PLC0415

        I = eye(L.shape[-1], dtype=L.dtype, device=L.device)
        gA = VhgV / (E + I) * (1 - I) + diag_embed(gL)
        from ._linalg_decomp import solve  # noqa: PLC0415

        gA = solve(Vh, gA @ Vh)
        return gA.real if ctx.real_input else gA


def eig(A: Tensor):
    return apply(Eig, A)


# -- torch-level functions without a Tensor method (exported from ops/linalg.py) ------------------------------
def _vnorm(*args, **kwargs):
    from .linalg import _vector_norm  # noqa: PLC0415

    return _vector_norm(*args, **kwargs)


def _la():
    from .. import linalg  # noqa: PLC0415

    return linalg


def pdist(input: Tensor, p: float = 2) -> Tensor:
    """p-norm distances between all pairs of rows i < j of an (N, M) tensor, flattened row by row."""
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if not input.is_floating_point():
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    from .creation import triu_indices  # noqa: PLC0415

    i, j = triu_indices(input.shape[0], input.shape[0], 1, device=input.device)
    return _vnorm(input[i] - input[j], float(p), dim=-1)


def vander(x: Tensor, N: int | None = None, increasing: bool = False) -> Tensor:
    """Vandermonde matrix of a 1-D ``x``: columns x**(N-1) ... x**0 (reversed when ``increasing``)."""
    if x.ndim != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    if N is not None and N < 0:
        raise RuntimeError("N must be non-negative.")
    v = _la()._vander(x, N=x.shape[0] if N is None else N) if (N is None or N > 0) else x.new_zeros((x.shape[0], 0))
    return v if increasing else v.flip(-1)


_LU_UNPACK = _make("lu_unpack", ("P", "L", "U"))


def lu_unpack(LU_data: Tensor, LU_pivots: Tensor, unpack_data: bool = True, unpack_pivots: bool = True, *,
              out=None):
    """(P, L, U) from a packed LU factorisation and its pivots."""
    r = _LU_UNPACK(*_la().lu_unpack_impl(LU_data, LU_pivots, unpack_data, unpack_pivots))
    if out is not None:
        for o, x in zip(out, r):
            o._assign_result(x)
        return out
    return r
