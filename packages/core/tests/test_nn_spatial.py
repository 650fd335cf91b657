"""Spatial and normalisation modules of ember.nn against torch.nn: parameters, forward, gradients, state."""
from __future__ import annotations

import math

import numpy as np
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F

DTYPES = [np.float32, np.float64]


def _torch():
    return pytest.importorskip("torch")


def _copy_from_torch(emod, tmod):
    """Load torch's (randomly initialised) state into ember; state_dict keys and shapes must agree."""
    tsd = tmod.state_dict()
    esd = emod.state_dict()
    assert list(esd.keys()) == list(tsd.keys())
    for k in tsd:
        assert tuple(esd[k].shape) == tuple(tsd[k].shape), k
        assert str(esd[k].dtype).split(".")[1] == str(tsd[k].dtype).split(".")[1], k
    emod.load_state_dict({k: ember.tensor(v.detach().numpy().copy()) for k, v in tsd.items()})


def _compare(emod, tmod, shape, dtype, *, train=True, extra=(), int_input=None, tol=None, steps=1):
    torch = _torch()
    tdt = getattr(torch, np.dtype(dtype).name)
    tmod = tmod.to(tdt)
    emod = emod.to(getattr(ember, np.dtype(dtype).name))
    _copy_from_torch(emod, tmod)
    emod.train(train)
    tmod.train(train)
    atol = tol or (1e-4 if dtype == np.float32 else 1e-9)
    rng = np.random.default_rng(0)
    for _ in range(steps):
        if int_input is not None:
            x = int_input
            ex, tx = ember.tensor(x), torch.tensor(x)
        else:
            x = rng.standard_normal(shape).astype(dtype)
            ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        eo, to = emod(ex, *[ember.tensor(a) for a in extra]), tmod(tx, *[torch.tensor(a) for a in extra])
        if isinstance(to, tuple):
            np.testing.assert_array_equal(eo[1].numpy(), to[1].numpy())
            eo, to = eo[0], to[0]
        np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), atol=atol, rtol=atol)
        g = rng.standard_normal(tuple(to.shape)).astype(dtype)
        eps = [p for p in emod.parameters() if p.requires_grad]
        tps = [p for p in tmod.parameters() if p.requires_grad]
        ein = ([ex] if int_input is None else []) + eps
        tin = ([tx] if int_input is None else []) + tps
        if not tin:
            continue
        egs = ember.autograd.grad(eo, ein, ember.tensor(g))
        tgs = torch.autograd.grad(to, tin, torch.tensor(g))
        for a, b in zip(egs, tgs):
            np.testing.assert_allclose(a.numpy(), b.numpy(), atol=atol * 10, rtol=atol * 10)
    for (k, v), (k2, v2) in zip(emod.state_dict().items(), tmod.state_dict().items()):
        np.testing.assert_allclose(v.numpy().astype(np.float64), v2.numpy().astype(np.float64), atol=atol,
                                   err_msg=k)
    return emod, tmod


# -- convolutions -----------------------------------------------------------------------------------------
CONV_CASES = [
    ("Conv1d", (3, 4, 3), dict(stride=2, padding=1), (2, 3, 9)),
    ("Conv1d", (4, 4, 3), dict(groups=4, padding="same", dilation=2, padding_mode="circular"), (2, 4, 8)),
    ("Conv2d", (1, 6, 5), {}, (4, 1, 12, 12)),
    ("Conv2d", (4, 6, (3, 2)), dict(stride=(2, 1), padding=(1, 2), dilation=(2, 1), groups=2), (2, 4, 9, 8)),
    ("Conv2d", (3, 4, 3), dict(padding=1, padding_mode="reflect", bias=False), (2, 3, 6, 7)),
    ("Conv2d", (3, 4, 3), dict(padding=(1, 2), padding_mode="replicate"), (2, 3, 6, 7)),
    ("Conv2d", (3, 4, 4), dict(padding="same", padding_mode="circular"), (2, 3, 6, 7)),
    ("Conv2d", (2, 3, 3), dict(padding="same"), (2, 5, 6)),
    ("Conv3d", (2, 3, 2), dict(stride=(1, 2, 1), padding=1), (1, 2, 4, 5, 4)),
    ("ConvTranspose1d", (3, 2, 3), dict(stride=2, padding=1, output_padding=1), (2, 3, 5)),
    ("ConvTranspose2d", (4, 6, 3), dict(stride=2, padding=1, output_padding=1, groups=2, dilation=1),
     (2, 4, 4, 5)),
    ("ConvTranspose2d", (2, 3, (2, 3)), dict(stride=(1, 2), dilation=(2, 1), bias=False), (2, 2, 4, 3)),
    ("ConvTranspose3d", (2, 2, 2), dict(stride=2), (1, 2, 2, 3, 2)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,args,kwargs,shape", CONV_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CONV_CASES)])
def test_conv_modules_match_torch(name, args, kwargs, shape, dtype):
    torch = _torch()
    _compare(getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs), shape, dtype)


def test_conv_transpose_output_size():
    torch = _torch()
    e, t = nn.ConvTranspose2d(2, 3, 3, stride=2), torch.nn.ConvTranspose2d(2, 3, 3, stride=2)
    _copy_from_torch(e, t)
    x = np.random.default_rng(0).standard_normal((1, 2, 4, 4)).astype(np.float32)
    eo = e(ember.tensor(x), output_size=[10, 10])
    to = t(torch.tensor(x), output_size=[10, 10])
    assert tuple(eo.shape) == tuple(to.shape) == (1, 3, 10, 10)
    np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), atol=1e-5)


def test_conv_default_init_bounds():
    ember.manual_seed(0) if hasattr(ember, "manual_seed") else None
    m = nn.Conv2d(6, 16, 5)
    fan_in = 6 * 25
    bound = 1 / math.sqrt(fan_in)  # kaiming_uniform_(a=sqrt(5)) gives gain*sqrt(3/fan_in) = 1/sqrt(fan_in)
    w, b = m.weight.detach().numpy(), m.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.8 * bound
    assert np.abs(b).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.1 * bound  # U(-b, b) has std b/sqrt(3)
    mt = nn.ConvTranspose2d(4, 6, 3, groups=2)
    assert tuple(mt.weight.shape) == (4, 3, 3, 3)
    fan_in_t = 3 * 9  # torch computes fan_in from weight.size(1) * receptive field
    assert np.abs(mt.bias.detach().numpy()).max() <= 1 / math.sqrt(fan_in_t)


def test_conv_repr_matches_torch():
    torch = _torch()
    for args, kw in [((1, 6, 5), {}), ((4, 6, 3), dict(stride=2, padding=1, groups=2, bias=False,
                                                      padding_mode="reflect")),
                     ((3, 4, 3), dict(padding="same", dilation=2))]:
        assert repr(nn.Conv2d(*args, **kw)) == repr(torch.nn.Conv2d(*args, **kw))
    assert repr(nn.ConvTranspose2d(3, 4, 3, stride=2, output_padding=1)) == \
        repr(torch.nn.ConvTranspose2d(3, 4, 3, stride=2, output_padding=1))


def test_conv_errors():
    m = nn.Conv2d(1, 6, 5)
    with pytest.raises(RuntimeError, match=r"Given groups=1, weight of size \[6, 1, 5, 5\], expected "
                                           r"input\[64, 3, 28, 28\] to have 1 channels, but got 3 channels instead"):
        m(ember.zeros(64, 3, 28, 28))
    with pytest.raises(RuntimeError, match=r"Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d, but got "
                                           r"input of size: \[28, 28\]"):
        m(ember.zeros(28, 28))
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        nn.Conv2d(3, 6, 3, groups=2)
    with pytest.raises(ValueError, match="padding_mode must be one of"):
        nn.Conv2d(3, 6, 3, padding_mode="mirror")
    with pytest.raises(ValueError, match="padding='same' is not supported for strided convolutions"):
        nn.Conv2d(3, 6, 3, stride=2, padding="same")
    with pytest.raises(RuntimeError, match="Input type"):
        m(ember.zeros(1, 1, 8, 8, dtype=ember.float64))


def test_conv_double_backward_matches_torch():
    torch = _torch()
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 4, 6, 5)), rng.standard_normal((4, 2, 3, 3))
    outs = []
    for lib in (ember, torch):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        y = lib.nn.functional.conv2d(xt, wt, stride=(2, 1), padding=1, groups=2)
        gx, gw = lib.autograd.grad((y * y).sum(), [xt, wt], create_graph=True)
        ggx, ggw = lib.autograd.grad((gx * gx).sum() + (gw * gw).sum(), [xt, wt])
        outs.append([a.detach().numpy() for a in (gx, gw, ggx, ggw)])
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, atol=1e-9)


# -- fold / pooling ---------------------------------------------------------------------------------------
POOL_CASES = [
    ("MaxPool1d", (3,), dict(stride=2, padding=1, ceil_mode=True), (2, 3, 9)),
    ("MaxPool2d", (2,), {}, (2, 3, 8, 8)),
    ("MaxPool2d", (3,), dict(stride=2, padding=1, dilation=1, ceil_mode=True, return_indices=True), (2, 3, 7, 8)),
    ("MaxPool3d", (2,), dict(ceil_mode=True), (1, 2, 5, 4, 5)),
    ("AvgPool1d", (3,), dict(stride=2, padding=1, count_include_pad=False), (2, 3, 9)),
    ("AvgPool2d", (3,), dict(stride=2, padding=1, ceil_mode=True), (2, 3, 7, 8)),
    ("AvgPool2d", (2,), dict(divisor_override=3), (2, 3, 6, 6)),
    ("AvgPool3d", (2,), dict(stride=1), (1, 2, 4, 3, 4)),
    ("AdaptiveAvgPool1d", (4,), {}, (2, 3, 9)),
    ("AdaptiveAvgPool2d", ((3, 4),), {}, (2, 3, 7, 9)),
    ("AdaptiveAvgPool2d", (1,), {}, (2, 3, 5, 5)),
    ("AdaptiveAvgPool3d", ((2, None, 3),), {}, (1, 2, 5, 4, 7)),
    ("AdaptiveMaxPool1d", (4,), dict(return_indices=True), (2, 3, 9)),
    ("AdaptiveMaxPool2d", ((3, 4),), {}, (2, 3, 7, 9)),
    ("LPPool2d", (2, 2), {}, (2, 3, 6, 6)),
    ("Unfold", ((2, 3),), dict(padding=1, stride=(1, 2)), (2, 3, 5, 6)),
    ("Fold", ((4, 5), 2), dict(padding=1, stride=2), (2, 12, 9)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,args,kwargs,shape", POOL_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(POOL_CASES)])
def test_pool_fold_modules_match_torch(name, args, kwargs, shape, dtype):
    torch = _torch()
    _compare(getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs), shape, dtype)


def test_max_unpool_roundtrip():
    torch = _torch()
    x = np.random.default_rng(2).standard_normal((2, 3, 6, 8))
    ev, ei = nn.MaxPool2d(2, return_indices=True)(ember.tensor(x))
    tv, ti = torch.nn.MaxPool2d(2, return_indices=True)(torch.tensor(x))
    np.testing.assert_array_equal(ei.numpy(), ti.numpy())
    np.testing.assert_allclose(nn.MaxUnpool2d(2)(ev, ei).numpy(), torch.nn.MaxUnpool2d(2)(tv, ti).numpy())
    np.testing.assert_allclose(nn.MaxUnpool2d(2)(ev, ei, output_size=(7, 9)).numpy(),
                               torch.nn.MaxUnpool2d(2)(tv, ti, output_size=(7, 9)).numpy())


def test_pool_errors():
    with pytest.raises(RuntimeError, match="pad should be at most half of effective kernel size"):
        nn.MaxPool2d(2, padding=2)(ember.zeros(1, 1, 4, 4))
    with pytest.raises(RuntimeError, match="Output size is too small"):
        nn.AvgPool2d(3)(ember.zeros(1, 1, 2, 2))


# -- normalisation ----------------------------------------------------------------------------------------
NORM_CASES = [
    ("BatchNorm1d", (3,), {}, (4, 3)),
    ("BatchNorm1d", (3,), dict(affine=False), (4, 3, 5)),
    ("BatchNorm2d", (3,), dict(momentum=None), (4, 3, 4, 5)),
    ("BatchNorm2d", (3,), dict(bias=False), (4, 3, 2, 2)),
    ("BatchNorm3d", (2,), dict(eps=1e-3, momentum=0.3), (2, 2, 3, 3, 2)),
    ("InstanceNorm1d", (3,), {}, (2, 3, 6)),
    ("InstanceNorm2d", (3,), dict(affine=True, track_running_stats=True), (2, 3, 4, 5)),
    ("InstanceNorm2d", (3,), dict(affine=True), (3, 4, 5)),
    ("InstanceNorm3d", (2,), dict(affine=True), (2, 2, 3, 3, 2)),
    ("LayerNorm", ((4, 5),), {}, (2, 3, 4, 5)),
    ("LayerNorm", (5,), dict(elementwise_affine=False), (2, 3, 5)),
    ("LayerNorm", (5,), dict(bias=False), (2, 3, 5)),
    ("GroupNorm", (2, 6), {}, (2, 6, 3, 4)),
    ("GroupNorm", (3, 3), dict(affine=False), (2, 3, 5)),
    ("RMSNorm", ((3, 4),), {}, (2, 3, 4)),
    ("RMSNorm", (4,), dict(eps=1e-3, elementwise_affine=False), (2, 3, 4)),
    ("LocalResponseNorm", (3,), {}, (2, 5, 4, 3)),
    ("LocalResponseNorm", (2,), dict(alpha=0.1, beta=0.5, k=2.0), (2, 5, 4)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,args,kwargs,shape", NORM_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(NORM_CASES)])
def test_norm_modules_match_torch(name, args, kwargs, shape, dtype):
    torch = _torch()
    tol = 1e-3 if dtype == np.float32 else None
    e, t = _compare(getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs), shape, dtype,
                    steps=3, tol=tol)
    # eval mode uses the running statistics accumulated above
    _compare(e, t, shape, dtype, train=False, tol=tol)


def _with_params(m, torch):
    with torch.no_grad():
        for p in m.parameters():
            p.uniform_(0.5, 1.5)
    return m


@pytest.mark.parametrize("momentum", [0.1, None, 0.5])
def test_batchnorm_running_stats(momentum):
    torch = _torch()
    e, t = nn.BatchNorm2d(3, momentum=momentum), _with_params(torch.nn.BatchNorm2d(3, momentum=momentum), torch)
    _copy_from_torch(e, t)
    rng = np.random.default_rng(5)
    for _ in range(4):
        x = (rng.standard_normal((4, 3, 3, 2)) * 2 + 1).astype(np.float32)
        e(ember.tensor(x))
        t(torch.tensor(x))
    assert e.num_batches_tracked.dtype == ember.int64 and int(e.num_batches_tracked) == 4
    np.testing.assert_allclose(e.running_mean.numpy(), t.running_mean.numpy(), atol=1e-6)
    np.testing.assert_allclose(e.running_var.numpy(), t.running_var.numpy(), atol=1e-6)
    e.eval()
    t.eval()
    x = rng.standard_normal((2, 3, 3, 2)).astype(np.float32)
    np.testing.assert_allclose(e(ember.tensor(x)).detach().numpy(), t(torch.tensor(x)).detach().numpy(), atol=1e-5)
    assert int(e.num_batches_tracked) == 4  # eval does not count batches


def test_batchnorm_no_running_stats_and_state_dict():
    torch = _torch()
    e, t = nn.BatchNorm1d(4, track_running_stats=False), torch.nn.BatchNorm1d(4, track_running_stats=False)
    assert list(e.state_dict()) == list(t.state_dict()) == ["weight", "bias"]
    e.eval()
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    t.eval()
    np.testing.assert_allclose(e(ember.tensor(x)).detach().numpy(), t(torch.tensor(x)).detach().numpy(), atol=1e-5)
    assert list(nn.BatchNorm2d(2).state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                                     "num_batches_tracked"]
    assert repr(nn.BatchNorm2d(3, momentum=None)) == repr(torch.nn.BatchNorm2d(3, momentum=None))
    assert repr(nn.LayerNorm((3, 4))) == repr(torch.nn.LayerNorm((3, 4)))
    assert repr(nn.GroupNorm(2, 4)) == repr(torch.nn.GroupNorm(2, 4))


def test_norm_errors():
    with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
        nn.BatchNorm2d(3)(ember.zeros(2, 3, 4))
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        nn.BatchNorm1d(3)(ember.zeros(1, 3))
    with pytest.raises(ValueError, match="num_channels must be divisible by num_groups"):
        nn.GroupNorm(4, 6)
    with pytest.raises(RuntimeError, match=r"Given normalized_shape=\[5\], expected input with shape \[\*, 5\]"):
        nn.LayerNorm(5)(ember.zeros(2, 4))
    with pytest.raises(ValueError, match="expected input's size at dim=1 to match num_features"):
        nn.InstanceNorm2d(3, affine=True)(ember.zeros(2, 4, 3, 3))


# -- embeddings -------------------------------------------------------------------------------------------
def test_embedding_matches_torch():
    torch = _torch()
    idx = np.array([[1, 2, 4, 5], [4, 3, 2, 9]])
    for kw in [{}, dict(padding_idx=2), dict(padding_idx=-1, scale_grad_by_freq=True), dict(max_norm=1.0)]:
        e, t = nn.Embedding(10, 3, **kw), torch.nn.Embedding(10, 3, **kw)
        _compare(e, t, None, np.float32, int_input=idx)
    assert repr(nn.Embedding(10, 3, padding_idx=2)) == repr(torch.nn.Embedding(10, 3, padding_idx=2))
    e = nn.Embedding(5, 2, padding_idx=1)
    assert np.all(e.weight.detach().numpy()[1] == 0)


def test_embedding_max_norm_renormalises_in_place():
    w = np.array([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]], dtype=np.float32)
    e = nn.Embedding.from_pretrained(ember.tensor(w), freeze=False, max_norm=1.0)
    e(ember.tensor([0, 1]))
    np.testing.assert_allclose(e.weight.detach().numpy()[0], [0.6, 0.8], atol=1e-5)
    np.testing.assert_allclose(e.weight.detach().numpy()[1], [0.3, 0.4])
    np.testing.assert_allclose(e.weight.detach().numpy()[2], [6.0, 8.0])  # rows not looked up are untouched


def test_embedding_from_pretrained_freeze():
    w = ember.tensor(np.arange(6.0, dtype=np.float32).reshape(3, 2))
    e = nn.Embedding.from_pretrained(w)
    assert not e.weight.requires_grad
    np.testing.assert_array_equal(e(ember.tensor([2, 0])).numpy(), [[4, 5], [0, 1]])
    assert nn.Embedding.from_pretrained(w, freeze=False).weight.requires_grad
    with pytest.raises(IndexError, match="index out of range in self"):
        e(ember.tensor([3]))


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_embedding_bag_matches_torch(mode):
    torch = _torch()
    idx, off = np.array([1, 2, 4, 5, 4, 3, 2, 9, 2]), np.array([0, 3, 3, 7])
    for kw in [{}, dict(padding_idx=2), dict(include_last_offset=True)]:
        e, t = nn.EmbeddingBag(10, 3, mode=mode, **kw), torch.nn.EmbeddingBag(10, 3, mode=mode, **kw)
        _compare(e, t, None, np.float64, int_input=idx, extra=(off,))
    e, t = nn.EmbeddingBag(10, 3, mode=mode), torch.nn.EmbeddingBag(10, 3, mode=mode)
    _compare(e, t, None, np.float32, int_input=idx.reshape(3, 3))
    assert repr(e) == repr(t)


def test_embedding_bag_per_sample_weights():
    torch = _torch()
    e, t = nn.EmbeddingBag(10, 3, mode="sum"), torch.nn.EmbeddingBag(10, 3, mode="sum")
    _copy_from_torch(e, t)
    idx, off = np.array([1, 2, 4, 5, 4]), np.array([0, 2])
    psw = np.random.default_rng(0).standard_normal(5).astype(np.float32)
    np.testing.assert_allclose(e(ember.tensor(idx), ember.tensor(off), ember.tensor(psw)).detach().numpy(),
                               t(torch.tensor(idx), torch.tensor(off), torch.tensor(psw)).detach().numpy(), atol=1e-6)
    with pytest.raises(NotImplementedError, match="per_sample_weights is only supported for mode='sum'"):
        nn.EmbeddingBag(10, 3)(ember.tensor(idx), ember.tensor(off), ember.tensor(psw))


# -- vision modules ---------------------------------------------------------------------------------------
VISION_CASES = [
    ("Upsample", (), dict(scale_factor=2, mode="nearest"), (2, 3, 4, 5)),
    ("Upsample", (), dict(size=(7, 9), mode="bilinear", align_corners=False), (2, 3, 4, 5)),
    ("Upsample", (), dict(scale_factor=1.5, mode="bicubic", align_corners=True), (2, 3, 4, 5)),
    ("Upsample", (), dict(scale_factor=2, mode="linear"), (2, 3, 5)),
    ("Upsample", (), dict(size=(3, 5, 4), mode="trilinear"), (1, 2, 2, 3, 3)),
    ("UpsamplingNearest2d", (), dict(scale_factor=3), (2, 3, 4, 5)),
    ("UpsamplingBilinear2d", (), dict(size=(6, 7)), (2, 3, 4, 5)),
    ("PixelShuffle", (2,), {}, (2, 12, 3, 4)),
    ("PixelUnshuffle", (2,), {}, (2, 3, 4, 6)),
    ("ZeroPad2d", ((1, 2, 0, 3),), {}, (2, 3, 4, 5)),
    ("ConstantPad1d", (2, 3.5), {}, (2, 3, 4)),
    ("ConstantPad3d", ((1, 0, 2, 1, 0, 1), -1.0), {}, (1, 2, 3, 3, 2)),
    ("ReflectionPad1d", ((2, 1),), {}, (2, 3, 5)),
    ("ReflectionPad2d", (2,), {}, (2, 3, 4, 5)),
    ("ReplicationPad1d", ((3, 1),), {}, (2, 3, 4)),
    ("ReplicationPad2d", ((1, 2, 3, 0),), {}, (2, 3, 4, 5)),
    ("ReplicationPad3d", (1,), {}, (1, 2, 3, 3, 2)),
    ("CircularPad1d", ((2, 1),), {}, (2, 3, 4)),
    ("CircularPad2d", ((1, 2, 2, 1),), {}, (2, 3, 4, 5)),
    ("Dropout", (0.5,), {}, (3, 4)),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,args,kwargs,shape", VISION_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(VISION_CASES)])
def test_vision_modules_match_torch(name, args, kwargs, shape, dtype):
    torch = _torch()
    train = name != "Dropout"  # dropout is compared in eval mode (identity); random masks are tested below
    e, t = getattr(nn, name)(*args, **kwargs), getattr(torch.nn, name)(*args, **kwargs)
    _compare(e, t, shape, dtype, train=train)
    assert repr(e) == repr(t)


def test_reflection_pad_error():
    with pytest.raises(RuntimeError, match="Padding size should be less than the corresponding input dimension"):
        nn.ReflectionPad1d(3)(ember.zeros(1, 1, 3))


# -- dropout ----------------------------------------------------------------------------------------------
def test_dropout_statistics_and_gradient():
    x = ember.ones(200, 300, requires_grad=True)
    y = F.dropout(x, 0.3, training=True)
    a = y.detach().numpy()
    kept = a != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(a[kept], 1 / 0.7, rtol=1e-6)
    (g,) = ember.autograd.grad(y.sum(), [x])
    np.testing.assert_array_equal(g.numpy(), a)  # gradient is the same mask and scale
    m = nn.Dropout(0.3)
    m.eval()
    assert m(x) is x or np.array_equal(m(x).detach().numpy(), x.detach().numpy())
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        nn.Dropout(1.5)
    assert F.dropout(x, 1.0).detach().numpy().sum() == 0


def test_channel_dropout_zeroes_whole_channels():
    x = ember.ones(8, 16, 5, 5)
    for fn, shp in [(F.dropout2d, (8, 16, 5, 5)), (F.dropout3d, (8, 16, 5, 5, 1)), (F.dropout1d, (8, 16, 25))]:
        y = fn(x.reshape(shp), 0.5, training=True).numpy().reshape(8, 16, -1)
        per_channel = y.reshape(8, 16, -1)
        assert np.all((per_channel == 0).all(-1) | (per_channel == 2.0).all(-1))
        assert 0.3 < (per_channel[..., 0] == 0).mean() < 0.7


def test_alpha_dropout_keeps_moments():
    x = ember.tensor(np.random.default_rng(0).standard_normal((400, 500)).astype(np.float32))
    y = F.alpha_dropout(x, 0.2, training=True).numpy()
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1) < 0.02
    y = nn.FeatureAlphaDropout(0.2)(x.reshape(400, 500, 1)).numpy()
    assert abs(y.mean()) < 0.05
    assert nn.AlphaDropout(0.2).eval()(x) is x


def test_functional_grid_sample_affine_identity():
    theta = ember.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
    x = ember.tensor(np.random.default_rng(0).standard_normal((1, 2, 5, 6)).astype(np.float32))
    grid = F.affine_grid(theta, (1, 2, 5, 6), align_corners=False)
    np.testing.assert_allclose(F.grid_sample(x, grid, align_corners=False).numpy(), x.numpy(), atol=1e-5)
