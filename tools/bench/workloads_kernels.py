"""nn kernel workloads (CPU performance review): one kernel or block each, forward + backward unless the name
says otherwise, same code for ember and torch. No issue targets: these track ember/torch ratios over time."""
from __future__ import annotations

import numpy as np

from workloads import Workload


def _rand(lib, shape, requires_grad=False, seed=0):
    t = lib.tensor(np.random.default_rng(seed).standard_normal(shape, dtype=np.float32))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _loss_run(fn, params):
    def run():
        for p in params:
            p.grad = None
        loss = fn()
        loss.backward()
        return loss
    return run


def _sum_sq(out):
    return (out * out).sum()


def resnet_block(lib):
    lib.manual_seed(0)
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = nn.Conv2d(64, 64, 3, padding=1, bias=False)
            self.b1 = nn.BatchNorm2d(64)
            self.c2 = nn.Conv2d(64, 64, 3, padding=1, bias=False)
            self.b2 = nn.BatchNorm2d(64)

        def forward(self, x):
            y = nn.functional.relu(self.b1(self.c1(x)))
            return nn.functional.relu(self.b2(self.c2(y)) + x)

    m = Block()
    x = _rand(lib, (16, 64, 32, 32), True)
    return _loss_run(lambda: _sum_sq(m(x)), [x, *m.parameters()])


def depthwise(lib):
    lib.manual_seed(0)
    m = lib.nn.Conv2d(64, 64, 3, padding=1, groups=64)
    x = _rand(lib, (16, 64, 32, 32), True)
    return _loss_run(lambda: _sum_sq(m(x)), [x, *m.parameters()])


def conv1d_audio(lib):
    lib.manual_seed(0)
    m = lib.nn.Conv1d(1, 32, 80, stride=4)
    x = _rand(lib, (8, 1, 8000), True)
    return _loss_run(lambda: _sum_sq(m(x)), [x, *m.parameters()])


def maxpool(lib):
    m = lib.nn.MaxPool2d(2)
    x = _rand(lib, (16, 64, 32, 32), True)
    return _loss_run(lambda: _sum_sq(m(x)), [x])


def maxpool3(lib):
    m = lib.nn.MaxPool2d(3, stride=2, padding=1)
    x = _rand(lib, (16, 64, 32, 32), True)
    return _loss_run(lambda: _sum_sq(m(x)), [x])


def avgpool(lib):
    m = lib.nn.AvgPool2d(2)
    x = _rand(lib, (16, 64, 32, 32), True)
    return _loss_run(lambda: _sum_sq(m(x)), [x])


def batchnorm(lib):
    lib.manual_seed(0)
    m = lib.nn.BatchNorm2d(64)
    x = _rand(lib, (16, 64, 32, 32), True)
    return _loss_run(lambda: _sum_sq(m(x)), [x, *m.parameters()])


def layernorm(lib):
    lib.manual_seed(0)
    m = lib.nn.LayerNorm(512)
    x = _rand(lib, (64, 128, 512), True)
    return _loss_run(lambda: _sum_sq(m(x)), [x, *m.parameters()])


def embedding(lib):
    lib.manual_seed(0)
    m = lib.nn.Embedding(50_000, 256)
    idx = lib.tensor(np.random.default_rng(0).integers(0, 50_000, (64, 128)))
    return _loss_run(lambda: _sum_sq(m(idx)), list(m.parameters()))


def cross_entropy(lib):
    x = _rand(lib, (256, 10_000), True)
    y = lib.tensor(np.random.default_rng(1).integers(0, 10_000, 256))
    return _loss_run(lambda: lib.nn.functional.cross_entropy(x, y), [x])


def sdpa(lib):
    q, k, v = (_rand(lib, (8, 8, 256, 64), True, seed=s) for s in range(3))
    F = lib.nn.functional
    return _loss_run(lambda: _sum_sq(F.scaled_dot_product_attention(q, k, v, is_causal=True)), [q, k, v])


def gru(lib):
    lib.manual_seed(0)
    m = lib.nn.GRU(256, 256)
    x = _rand(lib, (50, 32, 256), True)
    return _loss_run(lambda: _sum_sq(m(x)[0]), [x, *m.parameters()])


def interpolate(lib):
    x = _rand(lib, (16, 32, 64, 64), True)
    F = lib.nn.functional
    return _loss_run(lambda: _sum_sq(F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)), [x])


def cnn_eval(lib):
    lib.manual_seed(0)
    nn = lib.nn
    m = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Conv2d(64, 128, 3, padding=1), nn.BatchNorm2d(128), nn.ReLU(),
                      nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, 10))
    m.eval()
    x = _rand(lib, (64, 3, 32, 32))

    def run():
        with lib.no_grad():
            return m(x)
    return run


WORKLOADS = [
    Workload("k: ResNet block 64ch 32x32 b16", resnet_block, number=1),
    Workload("k: depthwise conv3x3 g64 32x32 b16", depthwise, number=2),
    Workload("k: conv1d audio 1->32 k80 s4", conv1d_audio, number=3),
    Workload("k: MaxPool2d 2 64ch 32x32 b16", maxpool, number=3),
    Workload("k: MaxPool2d 3 s2 p1 64ch b16", maxpool3, number=3),
    Workload("k: AvgPool2d 2 64ch 32x32 b16", avgpool, number=3),
    Workload("k: BatchNorm2d 64ch 32x32 b16", batchnorm, number=3),
    Workload("k: LayerNorm 512 64x128", layernorm, number=2),
    Workload("k: Embedding 50k x256 64x128", embedding, number=3),
    Workload("k: cross_entropy 10k cls b256", cross_entropy, number=3),
    Workload("k: sdpa causal b8 h8 s256 d64", sdpa, number=1),
    Workload("k: GRU h256 seq50 b32", gru, number=1),
    Workload("k: interpolate bilinear x2 64x64", interpolate, number=2),
    Workload("k: small CNN eval no_grad b64", cnn_eval, number=2),
]
