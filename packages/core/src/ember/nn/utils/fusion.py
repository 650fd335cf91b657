"""Fold an eval-mode BatchNorm into the preceding conv/linear layer (mirrors torch.nn.utils.fusion)."""
from __future__ import annotations

import copy

from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from ..parameter import Parameter

__all__ = ["fuse_conv_bn_eval", "fuse_conv_bn_weights", "fuse_linear_bn_eval", "fuse_linear_bn_weights"]


def fuse_conv_bn_eval(conv, bn, transpose: bool = False):
    """A copy of ``conv`` whose weight and bias absorb the eval-mode ``bn`` that follows it."""
    assert not (conv.training or bn.training), "Fusion only for eval!"
    fused = copy.deepcopy(conv)
    assert bn.running_mean is not None and bn.running_var is not None
    fused.weight, fused.bias = fuse_conv_bn_weights(fused.weight, fused.bias, bn.running_mean, bn.running_var,
                                                    bn.eps, bn.weight, bn.bias, transpose)
    return fused


def fuse_conv_bn_weights(conv_w: Tensor, conv_b: Tensor | None, bn_rm: Tensor, bn_rv: Tensor, bn_eps: float,
                         bn_w: Tensor | None, bn_b: Tensor | None, transpose: bool = False):
    """(weight, bias) of the conv equivalent to conv followed by an eval-mode batch norm."""
    dt = conv_w.dtype
    bias_dt = conv_b.dtype if conv_b is not None else dt
    w_rg = conv_w.requires_grad
    b_rg = conv_b.requires_grad if conv_b is not None else False
    with no_grad():
        if conv_b is None:
            conv_b = bn_rm.new_zeros(bn_rm.shape)
        if bn_w is None:
            bn_w = bn_rm.new_ones(bn_rm.shape)
        if bn_b is None:
            bn_b = bn_rm.new_zeros(bn_rm.shape)
        rsqrt_var = (bn_rv + bn_eps).rsqrt()
        # output channels are dim 0 of a conv weight, dim 1 of a transposed conv weight
        shape = ([1, -1] if transpose else [-1, 1]) + [1] * (conv_w.ndim - 2)
        w = (conv_w * (bn_w * rsqrt_var).reshape(shape)).to(dt)
        b = ((conv_b - bn_rm) * rsqrt_var * bn_w + bn_b).to(bias_dt)
    return Parameter(w, w_rg), Parameter(b, b_rg)


def fuse_linear_bn_eval(linear, bn):
    """A copy of ``linear`` whose weight and bias absorb the eval-mode ``bn`` that follows it."""
    assert not (linear.training or bn.training), "Fusion only for eval!"
    fused = copy.deepcopy(linear)
    assert linear.out_features == bn.num_features or bn.num_features == 1, \
        "To fuse, linear.out_features must equal bn.num_features or bn.num_features must be equal to 1"
    assert bn.running_mean is not None and bn.running_var is not None
    fused.weight, fused.bias = fuse_linear_bn_weights(fused.weight, fused.bias, bn.running_mean, bn.running_var,
                                                      bn.eps, bn.weight, bn.bias)
    return fused


def fuse_linear_bn_weights(linear_w: Tensor, linear_b: Tensor | None, bn_rm: Tensor, bn_rv: Tensor, bn_eps: float,
                           bn_w: Tensor, bn_b: Tensor):
    """(weight, bias) of the linear layer equivalent to linear followed by an eval-mode batch norm."""
    w_rg = linear_w.requires_grad
    b_rg = linear_b.requires_grad if linear_b is not None else False
    with no_grad():
        if linear_b is None:
            linear_b = bn_rm.new_zeros(bn_rm.shape)
        scale = bn_w * (bn_rv + bn_eps).rsqrt()
        w = linear_w * scale.unsqueeze(-1)
        b = (linear_b - bn_rm) * scale + bn_b
    return Parameter(w, w_rg), Parameter(b, b_rg)
