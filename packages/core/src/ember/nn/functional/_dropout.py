"""Dropout family: dropout, dropout1d/2d/3d, alpha_dropout, feature_alpha_dropout.

Each draws a keep-mask from ember's RNG (so ``ember.manual_seed`` makes runs repeatable) and multiplies the
input by a constant tensor: the product's ordinary backward is the masked gradient, to every order.
"""
from __future__ import annotations

import warnings

import numpy as np

from ..._tensor import Tensor

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout"]

_SELU_ALPHA_P = -1.7580993408473766  # -selu_scale * selu_alpha: the value dropped units saturate to


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _uniform(shape, like: Tensor):
    """U[0, 1) samples shaped ``shape`` from ember's RNG, in like's dtype and device."""
    from ...random import rand  # noqa: PLC0415

    return rand(*shape, dtype=like.dtype, device=like.device)._data


def _mask(shape, p: float, like: Tensor):
    """keep-mask (1 with probability 1-p) as a float array of like's dtype."""
    return (_uniform(shape, like) < (1.0 - p)).astype(like._data.dtype)


def _apply(input: Tensor, factor, offset=None, inplace: bool = False) -> Tensor:
    f = Tensor._wrap(factor)
    if inplace:
        input.mul_(f)
        if offset is not None:
            input.add_(Tensor._wrap(offset))
        return input
    out = input * f
    return out + Tensor._wrap(offset) if offset is not None else out


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero elements with probability p and scale the rest by 1/(1-p) (mirrors F.dropout)."""
    _check_p(p)
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return _apply(input, _zeros_like_scalar(input), None, inplace)
    m = _mask(tuple(input.shape), p, input)
    m *= input._data.dtype.type(1.0 / (1.0 - p))
    return _apply(input, m, None, inplace)


def _zeros_like_scalar(input):
    xp = np if input.is_cpu else input._data.__array_namespace__()
    return xp.zeros((), dtype=input._data.dtype)


def _feature_shape(input: Tensor, batched: bool):
    n_feat = 2 if batched else 1
    return tuple(input.shape[:n_feat]) + (1,) * (input.ndim - n_feat)


def _feature_dropout(input, p, training, inplace, batched):
    _check_p(p)
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return _apply(input, _zeros_like_scalar(input), None, inplace)
    m = _mask(_feature_shape(input, batched), p, input)
    m *= input._data.dtype.type(1.0 / (1.0 - p))
    return _apply(input, m, None, inplace)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, L) / (C, L) input (mirrors F.dropout1d)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that "
                           f"dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                           f"channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).")
    return _feature_dropout(input, p, training, inplace, input.ndim == 3)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, H, W) / (C, H, W) input (mirrors F.dropout2d)."""
    if input.ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and will "
                      f"result in an error in a future release. To retain the behavior and silence this warning, "
                      f"please use dropout instead. Note that dropout2d exists to provide channel-wise dropout on "
                      f"inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension "
                      f"(i.e. 3D or 4D inputs).", stacklevel=2)
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a "
                      "batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, "
                      "please switch to using dropout1d instead.", stacklevel=2)
    return _feature_dropout(input, p, training, inplace, input.ndim >= 3)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, D, H, W) / (C, D, H, W) input (mirrors F.dropout3d)."""
    if input.ndim not in (4, 5):
        warnings.warn(f"dropout3d: Received a {input.ndim}-D input to dropout3d, which is deprecated and will "
                      f"result in an error in a future release. To retain the behavior and silence this warning, "
                      f"please use dropout instead. Note that dropout3d exists to provide channel-wise dropout on "
                      f"inputs with 3 spatial dimensions, a channel dimension, and an optional batch dimension "
                      f"(i.e. 4D or 5D inputs).", stacklevel=2)
    return _feature_dropout(input, p, training, inplace, input.ndim == 5)


def _alpha(input, p, training, inplace, mask_shape):
    _check_p(p)
    if not training or p == 0.0:
        return input
    dt = input._data.dtype.type
    if p == 1.0:
        return _apply(input, _zeros_like_scalar(input), None, inplace)
    keep = _mask(mask_shape, p, input)
    a = 1.0 / np.sqrt((1.0 - p) * (1.0 + p * _SELU_ALPHA_P ** 2))
    b = -a * _SELU_ALPHA_P * p
    # x*keep*a + (1-keep)*alpha'*a + b
    offset = (1 - keep) * dt(_SELU_ALPHA_P * a) + dt(b)
    return _apply(input, keep * dt(a), offset.astype(input._data.dtype, copy=False), inplace)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout that keeps SELU's self-normalising mean and variance (mirrors F.alpha_dropout)."""
    return _alpha(input, p, training, inplace, tuple(input.shape))


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Channel-wise alpha dropout (mirrors F.feature_alpha_dropout)."""
    return _alpha(input, p, training, inplace, _feature_shape(input, True))
