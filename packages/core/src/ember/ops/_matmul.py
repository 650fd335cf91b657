"""The matmul family: matmul, mm, bmm, mv, dot/vdot/inner/outer and the fused addmm/addmv/baddbmm/addbmm/addr.

Split out of linalg.py (which re-exports every name here and holds einsum, tensordot, kron, cross, multi_dot,
norms and the torch.linalg aliases). ``matmul`` stays a direct ``xp.matmul`` (hot path: ``Tensor.__matmul__``).
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ._op import HALF, Op, apply

_TORCH_NAMES = {"float32": ("float", "Float"), "float64": ("double", "Double"), "float16": ("c10::Half", "Half"),
                "bfloat16": ("c10::BFloat16", "BFloat16"), "int64": ("long int", "Long"), "int32": ("int", "Int"),
                "int16": ("short int", "Short"), "int8": ("signed char", "Char"), "uint8": ("unsigned char", "Byte"),
                "bool": ("bool", "Bool"), "complex64": ("c10::complex<float>", "ComplexFloat"),
                "complex128": ("c10::complex<double>", "ComplexDouble")}


def _cname(npdt) -> str:
    return _TORCH_NAMES.get(str(npdt), (str(npdt),))[0]


def _sname(npdt) -> str:
    return _TORCH_NAMES.get(str(npdt), (None, str(npdt)))[1]


def _same_dtype(a, b):
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_cname(a.dtype)} != "
                           f"{_cname(b.dtype)}")


def _out(r: Tensor, out: Tensor | None) -> Tensor:
    """Write ``r`` into the ``out=`` tensor when one is given (torch's out= convention)."""
    if out is not None:
        out._assign_result(r)
        return out
    return r


def _check_batch2(batch1, batch2):
    """torch's size check for bmm/baddbmm/addbmm: batch2's batch size and rows must match batch1."""
    b, _, k = batch1.shape
    if batch2.shape[0] != b or batch2.shape[1] != k:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: [{b}, {k}] but got: "
                           f"[{batch2.shape[0]}, {batch2.shape[1]}].")


def _h(t):
    """Conjugate transpose of the last two dims (plain transpose for real tensors)."""
    return t.mT.conj() if t.is_complex() else t.mT


def _c(t):
    return t.conj() if t.is_complex() else t


class Matmul(Op):
    save_inputs = (0, 1)
    compute_in_float32 = HALF  # NumPy has no half BLAS (ml_dtypes' bfloat16 matmul even returns float32)

    def forward(ctx, xp, a, b):
        if a.ndim == 0 or b.ndim == 0:
            raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and "
                               f"{b.ndim}D")
        if a.dtype != b.dtype:
            _same_dtype(a, b)
        if a.shape[-1] != (b.shape[-2] if b.ndim > 1 else b.shape[0]):
            if a.ndim <= 2 and b.ndim <= 2:
                raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0] if a.ndim > 1 else 1}x"
                                   f"{a.shape[-1]} and {b.shape[-2] if b.ndim > 1 else b.shape[0]}x"
                                   f"{b.shape[-1] if b.ndim > 1 else 1})")
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                               f"[{a.shape[0] if a.ndim > 2 else 1}, {a.shape[-1]}] but got: "
                               f"[{b.shape[0] if b.ndim > 2 else 1}, {b.shape[-2] if b.ndim > 1 else b.shape[0]}].")
        return xp.matmul(a, b)

    def backward(ctx, g):
        a, b = ctx.inputs
        if a.ndim == 1 and b.ndim == 1:
            return g * _c(b), g * _c(a)
        if a.ndim == 1:
            # (k) @ (..., k, n) -> (..., n)
            ga = (g.unsqueeze(-2) @ _h(b)).squeeze(-2)
            gb = _c(a).unsqueeze(-1) * g.unsqueeze(-2)
            return ga, gb
        if b.ndim == 1:
            ga = g.unsqueeze(-1) * _c(b)
            gb = (_h(a) @ g.unsqueeze(-1)).squeeze(-1)
            return ga, gb
        need_a, need_b = ctx.needs_input_grad
        return (g @ _h(b) if need_a else None), (_h(a) @ g if need_b else None)


def matmul(input, other, *, out=None):
    """Matrix product with broadcasting (mirrors torch.matmul)."""
    r = apply(Matmul, input, other)
    return _out(r, out)


def mm(input: Tensor, mat2: Tensor, *, out=None) -> Tensor:
    """Matrix product of two 2-D tensors (no broadcasting)."""
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    return matmul(input, mat2, out=out)


def bmm(input: Tensor, mat2: Tensor, *, out=None) -> Tensor:
    """Batched matrix product of two 3-D tensors with the same batch size."""
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    _check_batch2(input, mat2)
    return matmul(input, mat2, out=out)


def mv(input: Tensor, vec: Tensor, *, out=None) -> Tensor:
    """Matrix-vector product."""
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input.shape[0]}), mat ({input.shape[0]}x{input.shape[1]}), "
                           f"vec ({vec.shape[0]})")
    return matmul(input, vec, out=out)


def _check_dot(name, a, b):
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"{name} : expected both vectors to have same dtype, but found {_sname(a._data.dtype)} and "
                           f"{_sname(b._data.dtype)}")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to have "
                           f"the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements respectively")


def dot(input: Tensor, tensor: Tensor, *, out=None) -> Tensor:
    """Inner product of two 1-D tensors (no conjugation)."""
    _check_dot("dot", input, tensor)
    return matmul(input, tensor, out=out)


def vdot(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Inner product of two 1-D tensors, conjugating the first."""
    _check_dot("vdot", input, other)
    return matmul(_c(input), other, out=out)


def inner(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Sum over the last dims of both tensors; a scalar operand multiplies."""
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    from .linalg import tensordot  # noqa: PLC0415  (linalg.py imports this module: bind late)

    return tensordot(input, other, dims=([input.ndim - 1], [other.ndim - 1]))


def outer(input: Tensor, vec2: Tensor, *, out=None) -> Tensor:
    """Outer product of two 1-D tensors."""
    if input.ndim != 1 or vec2.ndim != 1:
        raise RuntimeError(f"outer: Expected 1-D argument self, but got {input.ndim}-D" if input.ndim != 1 else
                           f"outer: Expected 1-D argument vec2, but got {vec2.ndim}-D")
    return input.unsqueeze(-1) * vec2


ger = outer


class _AddMatmul(Op):
    """beta * input + alpha * (m1 @ m2), one fused op for addmm/addmv/baddbmm."""

    save_inputs = (1, 2)
    compute_in_float32 = HALF

    def forward(ctx, xp, inp, m1, m2, beta=1, alpha=1):
        _same_dtype(m1, m2)
        ctx.beta, ctx.alpha = beta, alpha
        prod = xp.matmul(m1, m2)
        if alpha != 1:
            prod *= alpha
        if beta == 0:  # torch ignores input entirely (nan/inf in it do not propagate)
            return xp.broadcast_to(prod, np.broadcast_shapes(prod.shape, inp.shape)).copy()
        if inp.dtype != prod.dtype:
            inp = inp.astype(prod.dtype)
        return prod + (inp if beta == 1 else beta * inp)

    def backward(ctx, g):
        _, m1, m2 = ctx.inputs
        gi = g * ctx.beta if ctx.beta != 1 else g  # beta == 0 gives torch's zero gradient
        ga = g * ctx.alpha if ctx.alpha != 1 else g
        if m2.ndim == 1:
            return gi, ga.unsqueeze(-1) * _c(m2), (_h(m1) @ ga.unsqueeze(-1)).squeeze(-1)
        return gi, ga @ _h(m2), _h(m1) @ ga


def _addm(name, input, a, b, beta, alpha, out):
    r = apply(_AddMatmul, input, a, b, beta=beta, alpha=alpha)
    if tuple(r.shape) != tuple(np.broadcast_shapes(tuple(r.shape), tuple(input.shape))):
        raise RuntimeError(f"{name}: The expanded size of the input {list(input.shape)} does not match the product "
                           f"shape {list(r.shape)}")
    return _out(r, out)


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """beta * input + alpha * (mat1 @ mat2)."""
    if mat1.ndim != 2 or mat2.ndim != 2:
        raise RuntimeError(f"{'mat1' if mat1.ndim != 2 else 'mat2'} must be a matrix, got "
                           f"{mat1.ndim if mat1.ndim != 2 else mat2.ndim}-D tensor")
    if mat1.shape[1] != mat2.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({mat1.shape[0]}x{mat1.shape[1]} and "
                           f"{mat2.shape[0]}x{mat2.shape[1]})")
    return _addm("addmm", input, mat1, mat2, beta, alpha, out)


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """beta * input + alpha * (mat @ vec)."""
    if mat.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input.ndim}, {mat.ndim}, {vec.ndim}")
    if mat.shape[1] != vec.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({input.shape[0] if input.ndim else 1}), mat "
                           f"({mat.shape[0]}x{mat.shape[1]}), vec ({vec.shape[0]})")
    return _addm("addmv", input, mat, vec, beta, alpha, out)


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """beta * input + alpha * bmm(batch1, batch2)."""
    if batch1.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if batch2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    _check_batch2(batch1, batch2)
    return _addm("baddbmm", input, batch1, batch2, beta, alpha, out)


def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """beta * input + alpha * sum_b batch1[b] @ batch2[b]."""
    if batch1.ndim != 3 or batch2.ndim != 3:
        raise RuntimeError(f"{'batch1' if batch1.ndim != 3 else 'batch2'} must be a 3D tensor")
    _check_batch2(batch1, batch2)
    b, n, k = batch1.shape
    # (n, b*k) @ (b*k, m) sums the batch inside one GEMM
    m1 = batch1.permute(1, 0, 2).reshape(n, b * k)
    m2 = batch2.reshape(b * k, batch2.shape[2])
    return _addm("addbmm", input, m1, m2, beta, alpha, out)


def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta=1, alpha=1, out=None) -> Tensor:
    """beta * input + alpha * outer(vec1, vec2)."""
    r = outer(vec1, vec2) * alpha if alpha != 1 else outer(vec1, vec2)
    r = r if beta == 0 else r + (input * beta if beta != 1 else input)
    return _out(r, out)
