"""Normalisation: batch_norm, instance_norm, layer_norm, group_norm, rms_norm, local_response_norm.

NOTE [ one normalisation op ]: batch/instance/layer/group norm all compute
``y = (x - mean_R(x)) * rsqrt(var_R(x) + eps) * w + b`` with statistics over a set of axes R of a (possibly
reshaped) input and an affine weight broadcast over the other axes. ``Normalize`` does this in one fused
forward and returns the closed-form gradient in backward:
    gx = invstd * (g*w - mean_R(g*w) - xhat * mean_R(g*w*xhat)),  gw = sum(g*xhat),  gb = sum(g).
Without create_graph, backward runs that formula as one fused op (``NormalizeBackward``); with create_graph
it spells the same formula in ember ops from the saved input, so second derivatives are exact.
"""
from __future__ import annotations

import numpy as np

from ..._tensor import Tensor
from ...autograd.grad_mode import GradMode, no_grad
from ...ops._op import Op, apply

__all__ = ["batch_norm", "instance_norm", "layer_norm", "group_norm", "rms_norm", "local_response_norm"]


def _needs(ctx, i):
    return ctx.next_functions[i] is not None


_ROWK: list = []


def _row_kernels(xp, x, w, b, axes):
    """The numba row kernels (NOTE [ row norm kernels ]) when normalising the trailing axes of a float32/64
    NumPy array with an affine weight/bias spanning exactly those axes (layer_norm), else None."""
    if xp is not np or x.dtype.char not in "fd" or x.size == 0 or axes != tuple(range(x.ndim - len(axes), x.ndim)):
        return None
    tail = x.shape[x.ndim - len(axes):]
    for p in (w, b):
        if p is not None and (p.shape != tail or p.dtype != x.dtype):
            return None
    return _kernels()


def _kernels():
    """The numba kernel module, imported on first use (numba is slow to import)."""
    if not _ROWK:
        from . import _norm_kernels as k  # noqa: PLC0415

        _ROWK.append(k)
    return _ROWK[0]


def _chan_layout(xp, x, w, b, axes):
    """(kernels, N, C) when ``Normalize`` is a batch_norm (axes (0, 2, ...)) or instance_norm (axes (2, ...))
    of a float32/64 NumPy array with per-channel (C, 1, ...) affine parameters of its dtype, else None.
    instance_norm runs as a batch_norm of the (1, N*C, S) view (NOTE [ channel norm kernels ])."""
    if xp is not np or x.dtype.char not in "fd" or x.size == 0 or x.ndim < 2:
        return None
    rest = tuple(range(2, x.ndim))
    if axes == (0,) + rest:
        n, c = 1, x.shape[1]
    elif axes == rest and rest:
        n, c = x.shape[0], x.shape[1]
    else:
        return None
    for p in (w, b):
        if p is not None and (p.shape != (c,) + (1,) * len(rest) or p.dtype != x.dtype):
            return None
    return _kernels(), n, c


def _chan3d(a, n):
    """The (N, C, S) view the channel kernels take (instance norm: (1, N*C, S))."""
    a = np.ascontiguousarray(a)
    return a.reshape(1, a.shape[0] * a.shape[1], -1) if n > 1 else a.reshape(a.shape[0], a.shape[1], -1)


def _chan_param(p, n):
    return None if p is None else (np.tile(p.reshape(-1), n) if n > 1 else p.reshape(-1))


def _rows2d(a, d):
    return np.ascontiguousarray(a).reshape(-1, d)


class Normalize(Op):
    save_inputs = (0, 1)

    def forward(ctx, xp, x, w, b, axes, eps, stats=None):
        ch = _chan_layout(xp, x, w, b, axes)
        if ch is not None:
            k, n, c = ch
            x3 = _chan3d(x, n)
            y = np.empty_like(x3)
            mean, var, invstd = (np.empty(x3.shape[1], x.dtype) for _ in range(3))
            k.chan_norm_fwd(x3, _chan_param(w, n), _chan_param(b, n), float(eps), y, mean, var, invstd)
            kshape = tuple(x.shape[i] if i not in axes else 1 for i in range(x.ndim))
            mean, var, invstd = (a.reshape(kshape) for a in (mean, var, invstd))
            if stats is not None:
                stats.extend((mean, var))
            ctx.p = (axes, eps, mean, invstd)
            return y.reshape(x.shape)
        k = _row_kernels(xp, x, w, b, axes) if stats is None else None
        if k is not None:
            d = x.size // _prod(x.shape[:x.ndim - len(axes)])
            x2 = _rows2d(x, d)
            y = np.empty_like(x2)
            mean, invstd = np.empty(len(x2), x.dtype), np.empty(len(x2), x.dtype)
            k.row_norm_fwd(x2, None if w is None else w.reshape(d), None if b is None else b.reshape(d),
                           float(eps), y, mean, invstd)
            kshape = x.shape[:x.ndim - len(axes)] + (1,) * len(axes)
            ctx.p = (axes, eps, mean.reshape(kshape), invstd.reshape(kshape))
            return y.reshape(x.shape)
        mean = x.mean(axis=axes, keepdims=True)
        xc = x - mean
        var = (xc * xc).mean(axis=axes, keepdims=True)
        invstd = (1.0 / xp.sqrt(var + eps)).astype(x.dtype, copy=False)
        if stats is not None:  # batch_norm's running-stat update reads the batch statistics
            stats.extend((mean, var))
        ctx.p = (axes, eps, mean, invstd)
        y = xc * invstd
        if w is not None:
            y *= w
        if b is not None:
            y += b
        return y

    def backward(ctx, g):
        x, w = ctx.inputs[:2]
        axes, eps, mean, invstd = ctx.p
        nx, nw = _needs(ctx, 0), w is not None and _needs(ctx, 1)
        nb = len(ctx.next_functions) > 2 and _needs(ctx, 2)
        if not GradMode.enabled:
            gx, gw, gb = apply(NormalizeBackward, g, x, w, axes=axes, mean=mean, invstd=invstd, need=(nx, nw, nb))
            return (gx if nx else None), (gw if nw else None), (gb if nb else None)
        # create_graph: the same formula in ember ops, statistics recomputed from x so they are differentiable
        m = x.mean(axes, keepdim=True)
        xc = x - m
        inv = ((xc * xc).mean(axes, keepdim=True) + eps).rsqrt()
        xhat = xc * inv
        gh = g * w if w is not None else g
        gx = inv * (gh - gh.mean(axes, keepdim=True) - xhat * (gh * xhat).mean(axes, keepdim=True))
        return gx, ((g * xhat) if nw else None), (g if nb else None)


class NormalizeBackward(Op):
    """The fused closed-form gradient of Normalize (used when no graph of the backward is recorded)."""

    def forward(ctx, xp, g, x, w, axes, mean, invstd, need):
        ch = _chan_layout(xp, x, w, None, axes) if g.dtype == x.dtype else None
        if ch is not None:
            k, n, c = ch
            x3 = _chan3d(x, n)
            gx = np.empty_like(x3) if need[0] else None
            sg, sgx = np.empty(x3.shape[1]), np.empty(x3.shape[1])
            k.chan_norm_bwd(_chan3d(g, n), x3, _chan_param(w, n), mean.reshape(-1), invstd.reshape(-1), gx, sg,
                            sgx)
            gw = gb = None
            if w is not None:  # per-(n, c) sums of instance norm add up over the batch
                gw = (sgx.reshape(n, c).sum(0) if n > 1 else sgx).astype(x.dtype).reshape(w.shape)
                gb = (sg.reshape(n, c).sum(0) if n > 1 else sg).astype(x.dtype).reshape(w.shape)
            out = (None if gx is None else gx.reshape(x.shape), gw if need[1] else None, gb if need[2] else None)
            return tuple(xp.zeros((), x.dtype) if a is None else a for a in out)
        k = _row_kernels(xp, x, w, None, axes) if g.dtype == x.dtype else None
        if k is not None:
            d = x.size // mean.size
            x2 = _rows2d(x, d)
            gx = np.empty_like(x2) if need[0] else None
            acc = (np.zeros(d) if need[1] and w is not None else None, np.zeros(d) if need[2] and w is not None
                   else None)
            k.row_norm_bwd(_rows2d(g, d), x2, None if w is None else w.reshape(d), mean.reshape(-1),
                           invstd.reshape(-1), gx, *acc)
            out = (None if gx is None else gx.reshape(x.shape),) + tuple(
                None if a is None else a.astype(x.dtype).reshape(w.shape) for a in acc)
            return tuple(xp.zeros((), x.dtype) if a is None else a for a in out)
        xhat = (x - mean) * invstd
        gh = g * w if w is not None else g
        gx = None
        if need[0]:
            gx = invstd * (gh - gh.mean(axis=axes, keepdims=True) -
                           xhat * (gh * xhat).mean(axis=axes, keepdims=True))
            gx = gx.astype(x.dtype, copy=False)
        gw = _reduce_to(xp, g * xhat, w.shape) if need[1] and w is not None else None
        gb = _reduce_to(xp, g, w.shape) if need[2] and w is not None else None
        return tuple(xp.zeros((), x.dtype) if a is None else a for a in (gx, gw, gb))

    def backward(ctx, *gg):
        raise RuntimeError("NormalizeBackward is only used without create_graph")


def _reduce_to(xp, a, shape):
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and a.shape[lead + i] != 1)
    r = a.sum(axis=axes, keepdims=True) if axes else a
    return r.reshape(shape)


def _prod(t) -> int:
    p = 1
    for v in t:
        p *= int(v)
    return p


def _normalize(x, w, b, axes, eps, stats=None):
    return apply(Normalize, x, w, b, axes=axes, eps=eps, stats=stats)


# -- batch / instance norm --------------------------------------------------------------------------------
def _affine_shape(x, c_dim=1):
    return (x.shape[c_dim],) + (1,) * (x.ndim - c_dim - 1)


def _check_param(name, t, c, what="weight"):
    if t is not None and t.numel() != c:
        raise RuntimeError(f"running_mean should contain {c} elements not {t.numel()}" if what == "running_mean"
                           else f"running_var should contain {c} elements not {t.numel()}" if what == "running_var"
                           else f"{name}: expected {what} to have {c} elements, got {t.numel()}")



def _check_dtypes(input: Tensor, *others) -> None:
    """torch's CPU norms take one dtype throughout; half/bfloat16 inputs may carry float32 parameters."""
    dt = input._data.dtype
    for t in others:
        if t is not None and t._data.dtype != dt:
            if dt.itemsize == 2 and dt.kind in "fV" and t._data.dtype == np.float32:
                continue
            raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None, weight: Tensor | None = None,
               bias: Tensor | None = None, training: bool = False, momentum: float | None = 0.1,
               eps: float = 1e-5) -> Tensor:
    """Batch normalisation over (N, C, *) (mirrors torch.nn.functional.batch_norm)."""
    _check_dtypes(input, running_mean, running_var, weight, bias)
    if input.ndim < 2:
        raise ValueError(f"Expected 2D or higher input (got {input.ndim}D input)")
    c = input.shape[1]
    _check_param("batch_norm", running_mean, c, "running_mean")
    _check_param("batch_norm", running_var, c, "running_var")
    _check_param("batch_norm", weight, c)
    _check_param("batch_norm", bias, c, "bias")
    shp = _affine_shape(input)
    w = weight.reshape(shp) if weight is not None else None
    b = bias.reshape(shp) if bias is not None else None
    axes = (0,) + tuple(range(2, input.ndim))
    if training:
        n = input.numel() // c if c else 0
        if n <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                             f"{input.shape!r}".replace("torch.Size", "torch.Size"))
        stats = [] if (running_mean is not None or running_var is not None) else None
        y = _normalize(input, w, b, axes, eps, stats)
        if stats:
            mean, var = stats
            m = 0.1 if momentum is None else momentum
            with no_grad():
                if running_mean is not None:
                    rm = running_mean._data
                    rm *= 1 - m
                    rm += (m * mean.reshape(-1)).astype(rm.dtype, copy=False)
                    running_mean._bump()
                if running_var is not None:
                    rv = running_var._data
                    rv *= 1 - m
                    rv += (m * var.reshape(-1) * (n / (n - 1))).astype(rv.dtype, copy=False)
                    running_var._bump()
        return y
    if running_mean is None or running_var is None:
        raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
    # eval: a per-channel affine map of the input
    inv = (running_var.reshape(shp) + eps).rsqrt()
    scale = inv * w if w is not None else inv
    y = (input - running_mean.reshape(shp)) * scale
    return y + b if b is not None else y


def instance_norm(input: Tensor, running_mean: Tensor | None = None, running_var: Tensor | None = None,
                  weight: Tensor | None = None, bias: Tensor | None = None, use_input_stats: bool = True,
                  momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Instance normalisation: per-sample, per-channel statistics (mirrors F.instance_norm)."""
    _check_dtypes(input, running_mean, running_var, weight, bias)
    if input.ndim < 3:
        raise ValueError(f"Expected 3D or higher input to instance_norm (got {input.ndim}D input)")
    c = input.shape[1]
    shp = _affine_shape(input)
    w = weight.reshape(shp) if weight is not None else None
    b = bias.reshape(shp) if bias is not None else None
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    axes = tuple(range(2, input.ndim))
    if input.numel() // (input.shape[0] * c if c else 1) <= 1:
        raise ValueError(f"Expected more than 1 spatial element when training, got input size {input.shape!r}")
    stats = [] if (running_mean is not None or running_var is not None) else None
    y = _normalize(input, w, b, axes, eps, stats)
    if stats:
        mean, var = stats
        n = input.numel() // (input.shape[0] * c)
        m = momentum
        with no_grad():
            if running_mean is not None:
                rm = running_mean._data
                rm *= 1 - m
                rm += (m * mean.reshape(input.shape[0], c).mean(0)).astype(rm.dtype, copy=False)
                running_mean._bump()
            if running_var is not None:
                rv = running_var._data
                rv *= 1 - m
                rv += (m * var.reshape(input.shape[0], c).mean(0) * (n / (n - 1))).astype(rv.dtype, copy=False)
                running_var._bump()
    return y


# -- layer / group / rms norm -----------------------------------------------------------------------------
def _norm_shape(normalized_shape):
    if isinstance(normalized_shape, int):
        return (normalized_shape,)
    return tuple(int(s) for s in normalized_shape)


def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalise over the trailing ``normalized_shape`` dims (mirrors torch.nn.functional.layer_norm)."""
    _check_dtypes(input, weight, bias)
    ns = _norm_shape(normalized_shape)
    k = len(ns)
    if k == 0 or tuple(input.shape[input.ndim - k:]) != ns or input.ndim < k:
        raise RuntimeError(f"Given normalized_shape={list(ns)}, expected input with shape [*, "
                           f"{', '.join(map(str, ns))}], but got input of size{list(input.shape)}")
    for t, nm in ((weight, "weight"), (bias, "bias")):
        if t is not None and tuple(t.shape) != ns:
            raise RuntimeError(f"Expected {nm} to be of same shape as normalized_shape, but got {nm} of shape "
                               f"{list(t.shape)} and normalized_shape = {list(ns)}")
    axes = tuple(range(input.ndim - k, input.ndim))
    return _normalize(input, weight, bias, axes, eps)


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalise over channel groups (mirrors torch.nn.functional.group_norm)."""
    _check_dtypes(input, weight, bias)
    if input.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received {input.ndim}")
    n, c = input.shape[:2]
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, but got input of "
                           f"shape {list(input.shape)} and num_groups={num_groups}")
    for t in (weight, bias):
        if t is not None and (t.ndim != 1 or t.shape[0] != c):
            raise RuntimeError(f"Expected weight to be a vector of size equal to the number of channels in input, "
                               f"but got weight of shape {list(t.shape)} and input of shape {list(input.shape)}")
    rest = tuple(input.shape[2:])
    x = input.reshape((n, num_groups, c // num_groups, max(1, int(np.prod(rest))) if rest else 1))
    shp = (num_groups, c // num_groups, 1)
    w = weight.reshape(shp) if weight is not None else None
    b = bias.reshape(shp) if bias is not None else None
    y = _normalize(x, w, b, (2, 3), eps)
    return y.reshape(input.shape)


def rms_norm(input: Tensor, normalized_shape, weight: Tensor | None = None, eps: float | None = None) -> Tensor:
    """Root-mean-square normalisation over the trailing dims (mirrors torch.nn.functional.rms_norm)."""
    ns = _norm_shape(normalized_shape)
    k = len(ns)
    if tuple(input.shape[input.ndim - k:]) != ns:
        raise RuntimeError(f"Given normalized_shape={list(ns)}, expected input with shape [*, "
                           f"{', '.join(map(str, ns))}], but got input of size{list(input.shape)}")
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    axes = tuple(range(input.ndim - k, input.ndim))
    y = input * ((input * input).mean(axes, keepdim=True) + eps).rsqrt()
    return y * weight if weight is not None else y


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0) -> Tensor:
    """Normalise across neighbouring channels (mirrors torch.nn.functional.local_response_norm)."""
    from ._pool import avg_pool2d, avg_pool3d  # noqa: PLC0415
    from ._vision import pad  # noqa: PLC0415

    dim = input.ndim
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    div = (input * input).unsqueeze(1)
    if dim == 3:
        div = pad(div, (0, 0, size // 2, (size - 1) // 2))
        div = avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        sizes = input.shape
        div = div.reshape(sizes[0], 1, sizes[1], sizes[2], -1)
        div = pad(div, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        div = avg_pool3d(div, (size, 1, 1), stride=1).squeeze(1)
        div = div.reshape(sizes)
    div = (div * alpha + k).pow(beta)
    return input / div

