"""Activation functions, softmax family, normalize/distances, one_hot (mirror torch.nn.functional).

Hot activations are single Ops with a hand-written backward in ember ops (so double backward works); the
rarely used ones are compositions of existing ops.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from ..._tensor import Tensor, _wrap_dim
from ...autograd.grad_mode import GradMode
from ...ops._op import HALF, Op, apply
from ...ops.elementwise import _special, where
from ...ops.inplace import assign, _check_leaf

__all__ = ["relu", "relu_", "relu6", "leaky_relu", "leaky_relu_", "elu", "elu_", "selu", "selu_", "celu",
           "celu_", "gelu", "silu", "mish", "hardtanh", "hardtanh_", "hardsigmoid", "hardswish", "softplus",
           "softsign", "tanhshrink", "threshold", "threshold_", "glu", "softmax", "log_softmax", "softmin",
           "sigmoid", "tanh", "logsigmoid", "prelu", "rrelu", "rrelu_", "hardshrink", "softshrink", "normalize",
           "cosine_similarity", "pairwise_distance", "pdist", "one_hot", "gumbel_softmax"]

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_SQRT1_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_K = math.sqrt(2.0 / math.pi)


def _pointwise(name: str, fwd, bwd, save_output: bool = False, quiet: bool = True):
    """An elementwise Op: ``fwd(xp, x, **p)`` on arrays, ``bwd(g, x, y, **p)`` in ember ops.

    ``quiet`` silences NumPy's floating-point warnings for ops that may overflow (exp-based ones); ops that
    cannot (relu) skip the errstate context, which costs about a microsecond per call.
    """

    def forward(ctx, xp, x, **p):
        if x.dtype.kind not in "fcV":
            raise RuntimeError(f"{name.lower()}: expected a floating point input, got {x.dtype}")
        ctx.p = p
        if not quiet:
            return fwd(xp, x, **p).astype(x.dtype, copy=False)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            out = fwd(xp, x, **p)
        return out.astype(x.dtype, copy=False)

    if save_output:
        def backward(ctx, g):
            return bwd(g, None, ctx.output, **ctx.p)
    else:
        def backward(ctx, g):
            return bwd(g, ctx.inputs[0], None, **ctx.p)

    return type(name, (Op,), {"forward": forward, "backward": backward, "save_output": save_output,
                              "save_inputs": () if save_output else (0,)})


def _relu_fwd(xp, x):
    return xp.maximum(x, 0)


ReLU = _pointwise("Relu", _relu_fwd, lambda g, x, y: g * (y > 0), save_output=True, quiet=False)
Hardtanh = _pointwise("Hardtanh", lambda xp, x, lo, hi: xp.clip(x, lo, hi),
                      lambda g, x, y, lo, hi: g * ((x > lo) & (x < hi)))
LeakyReLU = _pointwise("LeakyRelu", lambda xp, x, s: xp.where(x > 0, x, x * s),
                       lambda g, x, y, s: where(x > 0, g, g * s))
ELU = _pointwise("Elu", lambda xp, x, alpha, scale, input_scale: xp.where(
    x > 0, x * scale, xp.expm1(xp.minimum(x, 0) * input_scale) * (alpha * scale)),
    lambda g, x, y, alpha, scale, input_scale: where(
        x > 0, g * scale, g * (alpha * scale * input_scale) * (x.clamp(max=0) * input_scale).exp()))


def _gelu_fwd(xp, x, approximate):
    if approximate == "tanh":
        return 0.5 * x * (1 + xp.tanh(_GELU_K * (x + 0.044715 * x * x * x)))
    return 0.5 * x * (1 + _special(xp, "erf")(x * _SQRT1_2).astype(x.dtype))


def _gelu_bwd(g, x, y, approximate):
    if approximate == "tanh":
        x2 = x * x
        t = (_GELU_K * (x + 0.044715 * x2 * x)).tanh()
        return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * (_GELU_K * (1 + 3 * 0.044715 * x2)))
    cdf = 0.5 * (1 + (x * _SQRT1_2).erf())
    pdf = (x * x * -0.5).exp() * _INV_SQRT_2PI
    return g * (cdf + x * pdf)


GELU = _pointwise("Gelu", _gelu_fwd, _gelu_bwd)


def _sigmoid_xp(xp, x):
    return 0.5 * (xp.tanh(0.5 * x) + 1)  # stable for any |x|


SiLU = _pointwise("Silu", lambda xp, x: x * _sigmoid_xp(xp, x),
                  lambda g, x, y: g * (lambda s: s * (1 + x * (1 - s)))(x.sigmoid()))


def _mish_bwd(g, x, y):
    tsp = _softplus_t(x).tanh()
    s = x.sigmoid()
    return g * (tsp + x * s * (1 - tsp * tsp))


def _softplus_t(x):
    # log(1 + exp(x)) without overflow, in ember ops
    return x.clamp(min=0) + (-(x.abs())).exp().log1p()


Mish = _pointwise("Mish", lambda xp, x: x * xp.tanh(xp.logaddexp(0, x)), _mish_bwd)
Hardsigmoid = _pointwise("Hardsigmoid", lambda xp, x: xp.clip(x / 6 + 0.5, 0, 1),
                         lambda g, x, y: g * (((x > -3) & (x < 3)).to(g.dtype) / 6))
Hardswish = _pointwise("Hardswish", lambda xp, x: x * xp.clip(x + 3, 0, 6) / 6,
                       lambda g, x, y: where(x < -3, g * 0, where(x <= 3, g * (x / 3 + 0.5), g)))
Softplus = _pointwise("Softplus", lambda xp, x, beta, threshold: xp.where(
    x * beta > threshold, x, xp.logaddexp(0, x * beta) / beta),
    lambda g, x, y, beta, threshold: where(x * beta > threshold, g, g * (x * beta).sigmoid()))
Threshold = _pointwise("Threshold", lambda xp, x, th, value: xp.where(x > th, x, value),
                       lambda g, x, y, th, value: g * (x > th))
Hardshrink = _pointwise("Hardshrink", lambda xp, x, lambd: xp.where((x > lambd) | (x < -lambd), x, 0),
                        lambda g, x, y, lambd: g * ((x > lambd) | (x < -lambd)))
Softshrink = _pointwise("Softshrink", lambda xp, x, lambd: xp.where(
    x > lambd, x - lambd, xp.where(x < -lambd, x + lambd, 0)),
    lambda g, x, y, lambd: g * ((x > lambd) | (x < -lambd)))
LogSigmoid = _pointwise("LogSigmoid", lambda xp, x: xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x))),
                        lambda g, x, y: g * (-x).sigmoid())


def _inplace(input: Tensor, out: Tensor, inplace: bool) -> Tensor:
    if not inplace:
        return out
    _check_leaf(input)
    assign(input, out)
    return input


# -- public activations ------------------------------------------------------------------------------------
def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(0, x) elementwise."""
    if input._data.dtype.kind in "iu":
        return _inplace(input, Tensor._wrap(np.maximum(input._data, 0) if input.is_cpu else
                                            input._data.clip(0, None)), inplace)
    return _inplace(input, apply(ReLU, input), inplace)


def relu_(input: Tensor) -> Tensor:
    return relu(input, inplace=True)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """clamp(x, min_val, max_val) with zero gradient outside the open interval."""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _inplace(input, apply(Hardtanh, input, lo=min_val, hi=max_val), inplace)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(0, x), 6)."""
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x if x > 0 else negative_slope * x."""
    return _inplace(input, apply(LeakyReLU, input, s=negative_slope), inplace)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return leaky_relu(input, negative_slope, inplace=True)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x if x > 0 else alpha * (exp(x) - 1)."""
    return _inplace(input, apply(ELU, input, alpha=alpha, scale=1.0, input_scale=1.0), inplace)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return elu(input, alpha, inplace=True)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """scale * elu(x, alpha) with the self-normalising constants."""
    return _inplace(input, apply(ELU, input, alpha=_SELU_ALPHA, scale=_SELU_SCALE, input_scale=1.0), inplace)


def selu_(input: Tensor) -> Tensor:
    return selu(input, inplace=True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError")
    return _inplace(input, apply(ELU, input, alpha=alpha, scale=1.0, input_scale=1.0 / alpha), inplace)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return celu(input, alpha, inplace=True)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x); ``approximate='tanh'`` uses the tanh formula."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh.")
    return apply(GELU, input, approximate=approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x)."""
    return _inplace(input, apply(SiLU, input), inplace)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x))."""
    return _inplace(input, apply(Mish, input), inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """relu6(x + 3) / 6."""
    return _inplace(input, apply(Hardsigmoid, input), inplace)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * relu6(x + 3) / 6."""
    return _inplace(input, apply(Hardswish, input), inplace)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta * x)) / beta, linear above ``threshold``."""
    return apply(Softplus, input, beta=beta, threshold=threshold)


def softsign(input: Tensor) -> Tensor:
    """x / (1 + |x|)."""
    return input / (input.abs() + 1)


def tanhshrink(input: Tensor) -> Tensor:
    """x - tanh(x)."""
    return input - input.tanh()


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x if x > threshold else value."""
    return _inplace(input, apply(Threshold, input, th=threshold, value=value), inplace)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    return globals()["threshold"](input, threshold, value, inplace=True)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x if |x| > lambd else 0."""
    return apply(Hardshrink, input, lambd=lambd)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """x - lambd if x > lambd, x + lambd if x < -lambd, else 0."""
    if lambd < 0:
        raise RuntimeError(f"lambda must be greater or equal to 0, but found to be {lambd}.")
    return apply(Softshrink, input, lambd=lambd)


def logsigmoid(input: Tensor) -> Tensor:
    """log(sigmoid(x)), stable."""
    return apply(LogSigmoid, input)


def sigmoid(input: Tensor) -> Tensor:
    """1 / (1 + exp(-x))."""
    return input.sigmoid()


def tanh(input: Tensor) -> Tensor:
    """tanh(x)."""
    return input.tanh()


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """a * sigmoid(b) where a, b are the two halves of ``input`` along ``dim``."""
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = _wrap_dim(dim, input.ndim)
    n = input.shape[d]
    if n % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {n}")
    h = n // 2
    lead = (slice(None),) * d
    return input[lead + (slice(0, h),)] * input[lead + (slice(h, n),)].sigmoid()


def _tname(d) -> str:
    return {"float32": "Float", "float64": "Double", "float16": "Half", "bfloat16": "BFloat16"}.get(d.name, d.name)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """x if x > 0 else weight * x, with one weight per channel (dim 1) or a single shared one."""
    if weight.dtype != input.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got {_tname(input.dtype)} and "
                           f"{_tname(weight.dtype)}")
    if weight.numel() != 1:
        if input.ndim == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        c = input.shape[1] if input.ndim >= 2 else input.shape[0]
        if weight.numel() != c:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                               f"{weight.numel()} and channel size = {c}.")
        if input.ndim >= 2:
            weight = weight.reshape((c,) + (1,) * (input.ndim - 2))
    elif weight.ndim > 0:
        weight = weight.reshape(())
    return where(input > 0, input, weight * input)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False) -> Tensor:
    """Randomized leaky ReLU: slope ~ U(lower, upper) in training, (lower + upper) / 2 in eval."""
    if not training:
        return leaky_relu(input, (lower + upper) / 2, inplace)
    from ...ops.creation import empty_like  # noqa: PLC0415

    noise = empty_like(input).uniform_(lower, upper)
    out = where(input >= 0, input, input * noise)
    return _inplace(input, out, inplace)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Tensor:
    return rrelu(input, lower, upper, training, inplace=True)


# -- softmax family: fused, stable (max subtracted) ---------------------------------------------------------
class Softmax(Op):
    save_output = True
    compute_in_float32 = HALF  # NOTE [ half precision ] in ops/_op.py

    def forward(ctx, xp, x, dim):
        ctx.dim = dim
        if x.ndim == 0:
            return xp.ones_like(x)
        if x.shape[dim] == 0 or x.size == 0:
            return x.copy()
        m = x.max(axis=dim, keepdims=True)
        with np.errstate(invalid="ignore", over="ignore", under="ignore"):
            e = xp.exp(x - m)
            e /= e.sum(axis=dim, keepdims=True)
        return e

    def backward(ctx, g):
        y = ctx.output
        if y.ndim == 0:
            return g * 0
        return y * (g - (g * y).sum(ctx.dim, keepdim=True))


class LogSoftmax(Op):
    save_output = True
    compute_in_float32 = HALF  # NOTE [ half precision ] in ops/_op.py

    def forward(ctx, xp, x, dim):
        ctx.dim = dim
        if x.ndim == 0:
            return xp.zeros_like(x)
        if x.shape[dim] == 0 or x.size == 0:
            return x.copy()
        m = x.max(axis=dim, keepdims=True)
        with np.errstate(invalid="ignore", over="ignore", under="ignore", divide="ignore"):
            s = x - m
            s -= xp.log(xp.exp(s).sum(axis=dim, keepdims=True))
        return s

    def backward(ctx, g):
        y = ctx.output
        if y.ndim == 0:
            return g * 0
        return g - y.exp() * g.sum(ctx.dim, keepdim=True)


def _softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X "
                  f"as an argument.", UserWarning, stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _prep_softmax(input, dim, dtype, name, stacklevel):
    if dim is None:
        dim = _softmax_dim(name, input.ndim, stacklevel)
    if dtype is not None:
        from ... import _dtype as D  # noqa: PLC0415

        input = input.to(D.to_dtype(dtype))
    elif input._data.dtype.kind in "biu":
        raise RuntimeError(f'"{name}_lastdim_kernel_impl" not implemented for \'{input.dtype.name.capitalize()}\'')
    return input, _wrap_dim(dim, input.ndim)


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """exp(x) / sum(exp(x)) along ``dim`` (fused, stable)."""
    input, d = _prep_softmax(input, dim, dtype, "softmax", _stacklevel + 1)
    return apply(Softmax, input, dim=d)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """x - logsumexp(x) along ``dim`` (fused, stable)."""
    input, d = _prep_softmax(input, dim, dtype, "log_softmax", _stacklevel + 1)
    return apply(LogSoftmax, input, dim=d)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """softmax(-x) along ``dim``."""
    input, d = _prep_softmax(input, dim, dtype, "softmin", _stacklevel + 1)
    return apply(Softmax, -input, dim=d)


# -- norms and distances ------------------------------------------------------------------------------------
class VectorNorm(Op):
    """p-norm over ``dims`` (None: all); zero norms get a zero gradient like torch."""

    save_inputs = (0,)
    save_output = True
    compute_in_float32 = HALF  # NOTE [ half precision ] in ops/_op.py

    def forward(ctx, xp, x, p=2.0, dims=None, keepdim=False):
        ctx.p, ctx.dims, ctx.keepdim = p, dims, keepdim
        a = xp.abs(x)
        if p == 2:
            out = xp.sqrt((a * a).sum(axis=dims, keepdims=keepdim))
        elif p == 1:
            out = a.sum(axis=dims, keepdims=keepdim)
        elif p == math.inf:
            out = a.max(axis=dims, keepdims=keepdim, initial=0)
        elif p == -math.inf:
            out = a.min(axis=dims, keepdims=keepdim)
        elif p == 0:
            out = (a != 0).sum(axis=dims, keepdims=keepdim).astype(a.dtype)
        else:
            with np.errstate(divide="ignore", over="ignore"):
                out = (a ** p).sum(axis=dims, keepdims=keepdim) ** (1.0 / p)
        return out.astype(a.dtype, copy=False)

    def backward(ctx, g):
        (x,) = ctx.inputs
        y = ctx.output
        p, dims = ctx.p, ctx.dims
        if not ctx.keepdim and dims is not None:
            for d in dims:
                y = y.unsqueeze(d)
                g = g.unsqueeze(d)
        elif not ctx.keepdim:
            y = y.reshape((1,) * x.ndim)
            g = g.reshape((1,) * x.ndim)
        if p == 0:
            return x * 0
        zero = y == 0
        ysafe = where(zero, y * 0 + 1, y)
        if p == 2:
            r = x / ysafe
        elif p == 1:
            r = x.sign()
        elif p in (math.inf, -math.inf):
            hit = (x.abs() == y)
            cnt = hit.sum(dims, keepdim=True) if dims is not None else hit.sum()
            r = x.sign() * hit / cnt
        else:
            r = x.sign() * x.abs() ** (p - 1) / ysafe ** (p - 1)
        return where(zero, r * 0, r * g) if p not in (math.inf, -math.inf) else r * g


def _vector_norm(x: Tensor, p: float = 2.0, dim=None, keepdim: bool = False) -> Tensor:
    """Differentiable p-norm over ``dim`` (int, tuple or None for all)."""
    if dim is not None:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        dims = tuple(sorted(_wrap_dim(d, x.ndim) for d in dims))
    else:
        dims = None
    return apply(VectorNorm, x, p=float(p), dims=dims, keepdim=keepdim)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out=None) -> Tensor:
    """x / max(||x||_p, eps) along ``dim``."""
    denom = _vector_norm(input, p, dim, keepdim=True).clamp(min=eps).expand_as(input)
    r = input / denom
    if out is not None:
        out._assign_result(r)
        return out
    return r


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """sum(x1 * x2) / (max(||x1||, eps) * max(||x2||, eps)) along ``dim`` (inputs broadcast)."""
    x1, x2 = _broadcast_pair(x1, x2)
    d = _wrap_dim(dim, x1.ndim)
    n1 = _vector_norm(x1, 2, d, keepdim=True).clamp(min=eps)
    n2 = _vector_norm(x2, 2, d, keepdim=True).clamp(min=eps)
    return ((x1 / n1) * (x2 / n2)).sum(d)


def _broadcast_pair(a: Tensor, b: Tensor):
    try:
        shape = tuple(np.broadcast_shapes(tuple(a.shape), tuple(b.shape)))
    except ValueError:
        raise RuntimeError(f"The size of tensor a ({a.shape[-1]}) must match the size of tensor b ({b.shape[-1]}) "
                           f"at non-singleton dimension; shapes {list(a.shape)} and {list(b.shape)}") from None
    return (a if tuple(a.shape) == shape else a.expand(shape)), (b if tuple(b.shape) == shape else b.expand(shape))


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """||x1 - x2 + eps||_p over the last dim."""
    diff = x1 - x2 + eps
    if diff.ndim == 0:
        return diff.abs()
    return _vector_norm(diff, p, diff.ndim - 1, keepdim=keepdim)


def pdist(input: Tensor, p: float = 2.0) -> Tensor:
    """Distances between all row pairs i < j of a 2-D input."""
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    n = input.shape[0]
    iu = np.triu_indices(n, 1)
    from ...ops.creation import tensor  # noqa: PLC0415

    i = tensor(iu[0], device=input.device)
    j = tensor(iu[1], device=input.device)
    return _vector_norm(input[i] - input[j], p, 1)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Int64 one-hot encoding with a new last dim of size ``num_classes`` (-1: max + 1)."""
    a = tensor._data
    if a.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    xp = np if tensor.is_cpu else a.__array_namespace__()
    if a.size and int(a.min()) < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        if a.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(a.max()) + 1
    elif a.size and int(a.max()) >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = (a[..., None] == xp.arange(num_classes)).astype(np.int64)
    return Tensor._wrap(out)


del GradMode


def _install_tensor_methods() -> None:
    """torch exposes these as Tensor methods too; they live here next to their implementation."""
    methods = {"softmax": lambda self, dim, dtype=None: softmax(self, dim, dtype=dtype),
               "log_softmax": lambda self, dim, dtype=None: log_softmax(self, dim, dtype=dtype),
               "relu": lambda self: relu(self), "relu_": lambda self: relu(self, inplace=True),
               "hardshrink": lambda self, lambd=0.5: hardshrink(self, lambd)}
    for name, fn in methods.items():
        if not hasattr(Tensor, name):
            fn.__name__ = name
            setattr(Tensor, name, fn)


_install_tensor_methods()


def gumbel_softmax(logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10, dim: int = -1) -> Tensor:
    """Samples from the Gumbel-softmax distribution over ``dim``; ``hard`` returns one-hot samples whose gradient
    is the soft sample's (straight-through estimator)."""
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    from ...ops.creation import empty_like, zeros_like  # noqa: PLC0415

    gumbels = -empty_like(logits).exponential_().log()  # ~ Gumbel(0, 1)
    y_soft = softmax((logits + gumbels) / tau, dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft
