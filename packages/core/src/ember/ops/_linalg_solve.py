"""Triangular-factor solves at the top level (torch.cholesky_solve, cholesky_inverse, triangular_solve).

They compose ``linalg.solve_triangular`` (which has its own backward), so gradients and double gradients come
from that op.
"""
from __future__ import annotations

from collections import namedtuple

from .._tensor import Tensor
from ._linalg_lu import solve_triangular

triangular_solve_result = namedtuple("triangular_solve", ["solution", "cloned_coefficient"])


# torch's CPU kernels for these have no half types
_HALF_KERNEL = {"cholesky_solve": "cholesky_solve_cpu", "cholesky_inverse": "cholesky_inverse_out_cpu",
                "triangular_solve": "triangular_solve_cpu"}


def _check_square(name: str, A: Tensor) -> None:
    if A.dtype.is_floating_point and A.dtype.itemsize == 2:
        kind = "Half" if A.dtype.name == "float16" else "BFloat16"
        raise NotImplementedError(f'"{_HALF_KERNEL[name]}" not implemented for \'{kind}\'')
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {A.shape[-2]} by "
                           f"{A.shape[-1]} matrices" if A.ndim >= 2 else
                           f"{name}: The input tensor A must have at least 2 dimensions.")


def cholesky_solve(B: Tensor, L: Tensor, upper: bool = False) -> Tensor:
    """Solve A X = B given the Cholesky factor of A (lower ``L`` with A = L L^H, or upper U with A = U^H U)."""
    _check_square("cholesky_solve", L)
    if B.ndim < 2:
        raise RuntimeError("b should have at least 2 dimensions, but has 1 dimensions instead")
    if upper:
        y = solve_triangular(L.mH, B, upper=False)
        return solve_triangular(L, y, upper=True)
    y = solve_triangular(L, B, upper=False)
    return solve_triangular(L.mH, y, upper=True)


def cholesky_inverse(L: Tensor, upper: bool = False) -> Tensor:
    """Inverse of A from its Cholesky factor."""
    _check_square("cholesky_inverse", L)
    from .creation import eye  # noqa: PLC0415

    n = L.shape[-1]
    identity = eye(n, dtype=L.dtype, device=L.device).expand(*L.shape[:-2], n, n)
    return cholesky_solve(identity, L, upper)


def triangular_solve(b: Tensor, A: Tensor, upper: bool = True, transpose: bool = False,
                     unitriangular: bool = False):
    """Solve A X = b (or A^T X = b) for triangular A; returns (solution, cloned_coefficient)."""
    _check_square("triangular_solve", A)
    T = A.mT if transpose else A
    x = solve_triangular(T, b, upper=upper != transpose, unitriangular=unitriangular)
    return triangular_solve_result(x, A.clone())


Tensor.cholesky_solve = cholesky_solve
Tensor.cholesky_inverse = cholesky_inverse
Tensor.triangular_solve = lambda self, A, upper=True, transpose=False, unitriangular=False: triangular_solve(
    self, A, upper, transpose, unitriangular)
