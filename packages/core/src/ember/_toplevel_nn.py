"""The nn ops torch also exposes at the top level (``torch.conv2d``, ``torch.layer_norm``, ``torch.embedding``, ...).

Most share ``nn.functional``'s signature; the few whose top-level argument order differs in torch
(embedding, batch_norm, instance_norm, the norms' trailing cudnn flag) get thin adapters.
"""
from __future__ import annotations

from .nn import functional as F

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "dropout",
           "alpha_dropout", "feature_alpha_dropout", "selu", "celu", "prelu", "rrelu", "pdist", "cosine_similarity",
           "pairwise_distance", "pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "max_pool1d", "max_pool2d",
           "max_pool3d", "avg_pool1d", "adaptive_avg_pool1d", "bilinear", "hardshrink", "threshold", "rms_norm",
           "layer_norm", "group_norm", "batch_norm", "instance_norm", "embedding", "adaptive_max_pool1d",
           "selu_", "celu_", "threshold_", "rrelu_", "feature_dropout"]

conv1d, conv2d, conv3d = F.conv1d, F.conv2d, F.conv3d
conv_transpose1d, conv_transpose2d, conv_transpose3d = F.conv_transpose1d, F.conv_transpose2d, F.conv_transpose3d
dropout, alpha_dropout, feature_alpha_dropout = F.dropout, F.alpha_dropout, F.feature_alpha_dropout
selu, celu, prelu, rrelu = F.selu, F.celu, F.prelu, F.rrelu
pdist, cosine_similarity, pairwise_distance = F.pdist, F.cosine_similarity, F.pairwise_distance
pixel_shuffle, pixel_unshuffle, channel_shuffle = F.pixel_shuffle, F.pixel_unshuffle, F.channel_shuffle
max_pool1d, max_pool2d, max_pool3d, avg_pool1d = F.max_pool1d, F.max_pool2d, F.max_pool3d, F.avg_pool1d
adaptive_avg_pool1d, bilinear, hardshrink, threshold = F.adaptive_avg_pool1d, F.bilinear, F.hardshrink, F.threshold


def selu_(input):
    return F.selu(input, inplace=True)


def celu_(input, alpha: float = 1.0):
    return F.celu(input, alpha, inplace=True)


def threshold_(input, threshold: float, value: float):
    return F.threshold(input, threshold, value, inplace=True)


def rrelu_(input, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False, generator=None):
    return F.rrelu(input, lower, upper, training, inplace=True)


def feature_dropout(input, p: float, train: bool):
    """Drop whole channels (dim 1), like torch.feature_dropout."""
    return F.dropout2d(input, p, train) if input.ndim == 4 else F.dropout1d(input, p, train) if input.ndim == 3 \
        else F.dropout3d(input, p, train)


def adaptive_max_pool1d(input, output_size):
    """torch.adaptive_max_pool1d returns (values, indices)."""
    return F.adaptive_max_pool1d(input, output_size, return_indices=True)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    return F.rms_norm(input, normalized_shape, weight, eps)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps: float = 1e-5, cudnn_enable: bool = True):
    return F.layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input, num_groups: int, weight=None, bias=None, eps: float = 1e-5, cudnn_enabled: bool = True):
    return F.group_norm(input, num_groups, weight, bias, eps)


def batch_norm(input, weight, bias, running_mean, running_var, training: bool, momentum: float, eps: float,
               cudnn_enabled: bool = True):
    return F.batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def instance_norm(input, weight, bias, running_mean, running_var, use_input_stats: bool, momentum: float,
                  eps: float, cudnn_enabled: bool = True):
    return F.instance_norm(input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps)


def embedding(weight, input, padding_idx: int = -1, scale_grad_by_freq: bool = False, sparse: bool = False):
    """torch.embedding takes (weight, indices) — the reverse of F.embedding."""
    return F.embedding(input, weight, None if padding_idx == -1 else padding_idx,
                       scale_grad_by_freq=scale_grad_by_freq)
