"""linear and bilinear (mirror torch.nn.functional)."""
from __future__ import annotations

from ..._tensor import Tensor
from ...ops._op import HALF, Op, apply

__all__ = ["linear", "bilinear"]

_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16",
            "int64": "long int", "int32": "int", "complex64": "c10::complex<float>",
            "complex128": "c10::complex<double>"}


def _c_name(npdt) -> str:
    return _C_NAMES.get(str(npdt), str(npdt))


class Linear(Op):
    """y = x @ W.T + b as one matmul over the flattened leading dims, with a fused backward."""

    save_inputs = (0, 1)
    compute_in_float32 = HALF  # NOTE [ half precision ] in ops/_op.py

    def forward(ctx, xp, x, w, b=None):
        k = w.shape[-1] if w.ndim == 2 else w.shape[0]
        if x.ndim == 0 or x.shape[-1] != k:
            rows = x.size // x.shape[-1] if x.ndim and x.shape[-1] else (1 if x.ndim <= 1 else x.shape[0])
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x.shape[-1] if x.ndim else 1} "
                               f"and {k}x{w.shape[0] if w.ndim == 2 else 1})")
        if x.dtype != w.dtype or (b is not None and b.dtype != x.dtype):
            other = w.dtype if x.dtype != w.dtype else b.dtype
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_c_name(x.dtype)} != "
                               f"{_c_name(other)}")
        ctx.has_bias = b is not None
        lead = x.shape[:-1]
        out = x.reshape(-1, k) @ (w.T if w.ndim == 2 else w.reshape(k, 1))
        if b is not None:
            out += b
        return out.reshape(lead + ((w.shape[0],) if w.ndim == 2 else ()))

    def backward(ctx, g):
        x, w, _ = ctx.inputs
        k = x.shape[-1]
        if w.ndim == 1:  # y = x @ w
            return g.unsqueeze(-1) * w, (g.reshape(-1, 1) * x.reshape(-1, k)).sum(0), None
        n = w.shape[0]
        g2 = g.reshape(-1, n)
        need_x, need_w, need_b = ctx.needs_input_grad  # skip the matmuls of inputs that need no grad
        gx = (g2 @ w).reshape(x.shape) if need_x else None
        gw = g2.mT @ x.reshape(-1, k) if need_w else None
        gb = g2.sum(0) if ctx.has_bias and need_b else None
        return gx, gw, gb


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y = input @ weight.T + bias."""
    return apply(Linear, input, weight, bias)


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """y[..., o] = sum_ij input1[..., i] * weight[o, i, j] * input2[..., j] + bias[o]."""
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(f"bilinear(): input batch dimensions do not match: got {list(input1.shape[:-1])} and "
                           f"{list(input2.shape[:-1])}")
    if weight.ndim != 3 or input1.shape[-1] != weight.shape[1] or input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(f"bilinear(): input sizes do not match weight: input1 {list(input1.shape)}, input2 "
                           f"{list(input2.shape)}, weight {list(weight.shape)}")
    lead = tuple(input1.shape[:-1])
    o, i, j = weight.shape
    x1 = input1.reshape(-1, i)
    x2 = input2.reshape(-1, j)
    # (B, i) @ (i, o*j) -> (B, o, j), then contract j with x2: two matmuls instead of an einsum
    t = (x1 @ weight.permute(1, 0, 2).reshape(i, o * j)).reshape(-1, o, j)
    out = (t @ x2.unsqueeze(-1)).squeeze(-1)
    if bias is not None:
        out = out + bias
    return out.reshape(lead + (o,))
