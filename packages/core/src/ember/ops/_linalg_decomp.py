"""Ops behind ember.linalg: inverses, solves, determinants and decompositions, each with its backward.

Backward formulas follow PyTorch's derivatives (FunctionsManual.cpp) and are written in ember ops, so
create_graph works. NOTE [ multi-output saves ]: decompositions keep their outputs as bare arrays on the node
(``ctx.outs``); ``_out(ctx, i)`` re-wraps output ``i`` connected to the node itself, as ``Op.output`` does for
output 0, so double backward sees how U, S, V depend on A.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ..autograd.grad_mode import GradMode
from ._op import HALF, Op, apply


class LinAlgError(RuntimeError):
    """A linear algebra computation failed (mirrors torch.linalg.LinAlgError)."""


def _out(ctx, i):
    t = Tensor._wrap(ctx.outs[i])
    if GradMode.enabled:
        t._rg = True
        t._grad_fn = ctx
        t._out_nr = i
    return t


def _h(t):
    return t.mT.conj() if t.is_complex() else t.mT


def _linalg_error(xp):
    """The library's LinAlgError class (numpy's, or cupy's which reuses numpy's)."""
    return getattr(getattr(xp, "linalg", None), "LinAlgError", np.linalg.LinAlgError)


# -- diagonal helpers: a pair of linear ops that are each other's adjoint ----------------------------------
class Diagonal(Op):
    def forward(ctx, xp, x, offset=0, dim1=-2, dim2=-1):
        ctx.shape, ctx.offset, ctx.dim1, ctx.dim2 = x.shape, offset, dim1, dim2
        return xp.diagonal(x, offset, dim1, dim2).copy()

    def backward(ctx, g):
        return apply(DiagScatter, g, shape=ctx.shape, offset=ctx.offset, dim1=ctx.dim1, dim2=ctx.dim2)


class DiagScatter(Op):
    """Zeros of ``shape`` with the diagonal (offset, dim1, dim2) set to the input (last dim)."""

    def forward(ctx, xp, v, shape, offset=0, dim1=-2, dim2=-1):
        ctx.offset, ctx.dim1, ctx.dim2 = offset, dim1, dim2
        z = xp.zeros(shape, dtype=v.dtype)
        zt = xp.moveaxis(z, (dim1, dim2), (-2, -1))
        i = xp.arange(v.shape[-1])
        zt[..., i + max(-offset, 0), i + max(offset, 0)] = v
        return z

    def backward(ctx, g):
        return apply(Diagonal, g, offset=ctx.offset, dim1=ctx.dim1, dim2=ctx.dim2)


def diag_embed(v: Tensor) -> Tensor:
    n = v.shape[-1]
    return apply(DiagScatter, v, shape=tuple(v.shape) + (n,), offset=0, dim1=v.ndim - 1, dim2=v.ndim)


def diagonal(x: Tensor, offset=0, dim1=-2, dim2=-1) -> Tensor:
    return apply(Diagonal, x, offset=offset, dim1=dim1, dim2=dim2)


def _eye_like(A, n=None):
    from .creation import eye  # noqa: PLC0415

    return eye(n or A.shape[-1], dtype=A.dtype, device=A.device)


# -- inverse, solve, determinants -----------------------------------------------------------------------------
class Inv(Op):
    save_output = True

    def forward(ctx, xp, A):
        try:
            return xp.linalg.inv(A)
        except _linalg_error(xp):
            raise LinAlgError("linalg.inv: The inversion could not be completed because the input matrix is "
                              "singular.") from None

    def backward(ctx, g):
        Xh = _h(ctx.output)
        return -(Xh @ g @ Xh)


def inv(A):
    return apply(Inv, A)


class Solve(Op):
    """X = A^{-1} B with B a (batch of) matrix; batch dims broadcast."""

    save_inputs = (0,)
    save_output = True

    def forward(ctx, xp, A, B):
        try:
            return xp.linalg.solve(A, B)
        except _linalg_error(xp):
            raise LinAlgError("torch.linalg.solve: The solver failed because the input matrix is singular.") \
                from None

    def backward(ctx, g):
        A = ctx.inputs[0]
        X = ctx.output
        gB = solve(_h(A), g)
        return -(gB @ _h(X)), gB


def solve(A, B):
    return apply(Solve, A, B)


class Det(Op):
    save_inputs = (0,)
    save_output = True

    def forward(ctx, xp, A):
        return xp.linalg.det(A)

    def backward(ctx, g):
        (A,) = ctx.inputs
        d = ctx.output
        s = (g * d.conj()) if d.is_complex() else g * d
        return s.unsqueeze(-1).unsqueeze(-1) * _h(inv(A))


class Slogdet(Op):
    save_inputs = (0,)
    nondiff_outputs = (0,)

    def forward(ctx, xp, A):
        sign, logabs = xp.linalg.slogdet(A)
        return sign, logabs

    def backward(ctx, gsign, glog):
        (A,) = ctx.inputs
        return glog.unsqueeze(-1).unsqueeze(-1) * _h(inv(A))


# -- Cholesky -------------------------------------------------------------------------------------------------
def _cholesky_failure(xp, A):
    """Order of the first leading minor that is not positive-definite (error path only)."""
    a = A.reshape((-1,) + A.shape[-2:])
    err = _linalg_error(xp)
    for m in a:
        try:
            xp.linalg.cholesky(m)
            continue
        except err:
            pass
        for k in range(1, m.shape[-1] + 1):
            try:
                xp.linalg.cholesky(m[:k, :k])
            except err:
                return k
    return 1


class Cholesky(Op):
    save_output = True

    def forward(ctx, xp, A, upper=False):
        ctx.upper = upper
        try:
            L = xp.linalg.cholesky(A)
        except _linalg_error(xp):
            k = _cholesky_failure(xp, A)
            raise LinAlgError(f"linalg.cholesky: The factorization could not be completed because the input is not "
                              f"positive-definite (the leading minor of order {k} is not positive-definite).") \
                from None
        return xp.swapaxes(L, -1, -2).conj() if upper else L

    def backward(ctx, gL):
        # Iain Murray (2016), arXiv:1602.07527, as in torch's cholesky_backward
        L = ctx.output
        if ctx.upper:
            L, gL = _h(L), _h(gL)
        gA = (_h(L) @ gL).tril()
        gA = 0.5 * (gA + _h(gA.tril(-1)))
        Lh = _h(L)
        gA = solve(Lh, gA)                       # L^{-H} gA
        return _h(solve(Lh, _h(gA)))             # ... L^{-1}


# -- eigh -----------------------------------------------------------------------------------------------------
class Eigh(Op):
    def forward(ctx, xp, A, UPLO="L"):
        try:
            w, V = xp.linalg.eigh(A, UPLO=UPLO)
        except _linalg_error(xp):
            raise LinAlgError("linalg.eigh: The algorithm failed to converge because the input matrix is "
                              "ill-conditioned or has too many repeated eigenvalues.") from None
        ctx.outs = (w, V)
        return w, V

    def backward(ctx, gL, gV):
        L, V = _out(ctx, 0), _out(ctx, 1)
        n = L.shape[-1]
        eye = _eye_like(V, n)
        VhgV = _h(V) @ gV
        VhgV = 0.5 * (VhgV - _h(VhgV))           # project onto skew-Hermitian matrices
        E = L.unsqueeze(-2) - L.unsqueeze(-1)    # E_ij = L_j - L_i
        E = E + eye.real if E.is_complex() else E + eye
        inner = VhgV / E * (1 - eye) + diag_embed(gL.to(V.dtype))
        return V @ inner @ _h(V)


# -- SVD ------------------------------------------------------------------------------------------------------
class Svd(Op):
    def forward(ctx, xp, A, full_matrices=True):
        try:
            U, S, Vh = xp.linalg.svd(A, full_matrices=full_matrices)
        except _linalg_error(xp):
            raise LinAlgError("linalg.svd: The algorithm failed to converge because the input matrix is "
                              "ill-conditioned or has too many repeated singular values.") from None
        ctx.outs = (U, S, Vh)
        ctx.full = full_matrices
        return U, S, Vh

    def backward(ctx, gU, gS, gVh):
        U, S, Vh = _out(ctx, 0), _out(ctx, 1), _out(ctx, 2)
        m, n = U.shape[-2], Vh.shape[-1]
        k = S.shape[-1]
        if ctx.full:
            U, gU = U[..., :, :k], gU[..., :, :k]
            Vh, gVh = Vh[..., :k, :], gVh[..., :k, :]
        return svd_backward(gU, gS, gVh, U, S, Vh, m, n, k)


def svd_backward(gU, gS, gVh, U, S, Vh, m, n, k):
    """torch's svd_backward (reduced SVD A = U diag(S) Vh; U m x k, Vh k x n)."""
    V, gV = _h(Vh), _h(gVh)
    eye = _eye_like(S, k)
    UhgU = _h(U) @ gU
    VhgV = Vh @ gV
    UhgU = UhgU - _h(UhgU)
    VhgV = VhgV - _h(VhgV)
    S2 = S * S
    E = S2.unsqueeze(-2) - S2.unsqueeze(-1) + eye   # E_ij = S_j^2 - S_i^2, 1 on the diagonal
    Sc = S.to(U.dtype) if U.is_complex() else S
    gA = (UhgU * Sc.unsqueeze(-2) + Sc.unsqueeze(-1) * VhgV) / E * (1 - eye)
    gA = gA + diag_embed(gS.to(U.dtype))
    if U.is_complex():
        # 1/2 S^{-1} o diag(skew(U^H gU)): the phase-gauge term torch adds for complex inputs
        gA = gA + diag_embed(diagonal(UhgU) / (2 * Sc))
    if m > k:
        gA = U @ gA
        gUSinv = gU / Sc.unsqueeze(-2)
        gA = gA + gUSinv - U @ (_h(U) @ gUSinv)
        return gA @ Vh
    if n > k:
        gA = gA @ Vh
        SinvgVh = gVh / Sc.unsqueeze(-1)
        gA = gA + SinvgVh - (SinvgVh @ V) @ Vh
        return U @ gA
    return U @ gA @ Vh


# -- QR -------------------------------------------------------------------------------------------------------
class Qr(Op):
    def forward(ctx, xp, A, mode="reduced"):
        ctx.mode = mode
        if mode == "r":
            R = xp.linalg.qr(A, mode="r")
            Q = xp.zeros((0,), dtype=A.dtype)
        else:
            Q, R = xp.linalg.qr(A, mode=mode)
        ctx.outs = (Q, R)
        ctx.shape = A.shape
        return Q, R

    def backward(ctx, gQ, gR):
        m, n = ctx.shape[-2], ctx.shape[-1]
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                               "Please use linalg.qr(A, mode='reduced') if you are going to differentiate through "
                               "linalg.qr.")
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        Q, R = _out(ctx, 0), _out(ctx, 1)
        if m >= n:
            return _qr_backward_tall(gQ, gR, Q, R)
        # A = [X | Y] with X square: X = Q R1, Y = Q R2
        from .creation import eye  # noqa: PLC0415

        R1, gR1, gR2 = R[..., :, :m], gR[..., :, :m], gR[..., :, m:]
        Y = _out_input_y(Q, R, m)
        gY = Q @ gR2
        gX = _qr_backward_tall(gQ + Y @ _h(gR2), gR1, Q, R1)
        E = eye(n, dtype=Q.dtype, device=Q.device)
        return gX @ E[:m] + gY @ E[m:]


def _out_input_y(Q, R, m):
    return Q @ R[..., :, m:]


def _qr_backward_tall(gQ, gR, Q, R):
    """gA = (gQ + Q copyltu(M)) R^{-H}, M = R gR^H - gQ^H Q, copyltu(M) = tril(M, -1) + tril(M, -1)^H + Re diag(M)
    (Walter & Lehmann 2018; Liao et al. 2019; the real diagonal follows from R's real diagonal)."""
    M = R @ _h(gR) - _h(gQ) @ Q
    Ml = M.tril(-1)
    d = diagonal(M)
    copyltu = Ml + _h(Ml) + diag_embed(d.real.to(d.dtype) if d.is_complex() else d)
    B = gQ + Q @ copyltu
    # B R^{-H} = (R^{-1} B^H)^H
    return _h(solve(R, _h(B)))


# -- pseudo-inverse -------------------------------------------------------------------------------------------
class Pinv(Op):
    save_inputs = (0,)
    save_output = True

    def forward(ctx, xp, A, atol=None, rtol=None, hermitian=False):
        m, n = A.shape[-2], A.shape[-1]
        if hermitian:
            w, V = xp.linalg.eigh(A)
            s = xp.abs(w)
        else:
            U, s, Vh = xp.linalg.svd(A, full_matrices=False)
        eps = np.finfo(A.dtype).eps
        if rtol is None:
            rtol = eps * max(m, n) if (atol is None or atol <= 0) else 0.0
        smax = s.max(axis=-1, keepdims=True) if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,), s.dtype)
        cutoff = xp.maximum(xp.asarray(atol or 0.0, dtype=s.dtype), rtol * smax)
        keep = s > cutoff
        with np.errstate(divide="ignore"):
            sinv = xp.where(keep, 1 / xp.where(keep, s, 1), 0).astype(s.dtype)
        if hermitian:
            winv = xp.where(keep, 1 / xp.where(keep, w, 1), 0).astype(w.dtype)
            return xp.matmul(V * winv[..., None, :], xp.swapaxes(V, -1, -2).conj())
        return xp.matmul(xp.swapaxes(Vh, -1, -2).conj() * sinv[..., None, :], xp.swapaxes(U, -1, -2).conj())

    def backward(ctx, g):
        (A,) = ctx.inputs
        P = ctx.output
        return pinv_backward(g, P, A)


def pinv_backward(g, P, A):
    """torch's pinv_backward: gradient of A -> pinv(A) for (locally) constant rank."""
    m, n = A.shape[-2], A.shape[-1]
    Ph, gh = _h(P), _h(g)
    if m <= n:
        K = gh @ P
        KPh = K @ Ph
        return -_h(P @ K) + KPh - (A @ P) @ KPh + (Ph @ P) @ (gh - K @ A)
    K = P @ gh
    PhK = Ph @ K
    return -_h(K @ P) + (gh - A @ K) @ P @ Ph + PhK - (PhK @ P) @ A


# -- vander ---------------------------------------------------------------------------------------------------
class Vander(Op):
    save_inputs = (0,)
    compute_in_float32 = HALF

    def forward(ctx, xp, x, N):
        ctx.N = N
        return x[..., None] ** xp.arange(N, dtype=np.int64 if x.dtype.kind in "iu" else x.dtype)

    def backward(ctx, g):
        (x,) = ctx.inputs
        N = ctx.N
        if N <= 1:
            return x * 0
        # d x^j / dx = j x^(j-1): column j of the gradient pairs with column j-1 of vander(x, N-1)
        from .creation import arange  # noqa: PLC0415

        j = arange(1, N, dtype=x.dtype, device=x.device)
        return (g[..., 1:] * j * apply(Vander, x, N=N - 1)).sum(-1)
