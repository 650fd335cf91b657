"""OpInfo entries: spatial and normalisation layers of ember.nn.functional (conv, pool, norm, vision, ...)."""
from __future__ import annotations

import itertools

import numpy as np

import ember
import ember.nn.functional as F
from .base import ErrorInput, OpInfo, SampleInput, make


def _first(out):
    return out[0] if isinstance(out, (tuple, list)) else out


# -- NumPy references -------------------------------------------------------------------------------------
def _ref_conv2d(x, w, b=None, stride=1, padding=0, dilation=1, groups=1):
    if x.ndim == 3:
        return _ref_conv2d(x[None], w, b, stride, padding, dilation, groups)[0]
    s = (stride, stride) if isinstance(stride, int) else tuple(stride)
    d = (dilation, dilation) if isinstance(dilation, int) else tuple(dilation)
    if isinstance(padding, str):
        tot = [dd * (k - 1) for dd, k in zip(d, w.shape[2:])]
        pads = [(t // 2, t - t // 2) for t in tot] if padding == "same" else [(0, 0), (0, 0)]
    else:
        p = (padding, padding) if isinstance(padding, int) else tuple(padding)
        pads = [(q, q) for q in p]
    xp = np.pad(x, [(0, 0), (0, 0)] + pads)
    n, c, h, wd = xp.shape
    oc, cg, kh, kw = w.shape
    oh = (h - d[0] * (kh - 1) - 1) // s[0] + 1
    ow = (wd - d[1] * (kw - 1) - 1) // s[1] + 1
    out = np.zeros((n, oc, oh, ow))
    ocg = oc // groups
    for o in range(oc):
        gi = o // ocg
        for i, j in itertools.product(range(kh), range(kw)):
            patch = xp[:, gi * cg:(gi + 1) * cg, i * d[0]:i * d[0] + s[0] * (oh - 1) + 1:s[0],
                       j * d[1]:j * d[1] + s[1] * (ow - 1) + 1:s[1]]
            out[:, o] += np.einsum("nchw,c->nhw", patch, w[o, :, i, j])
    if b is not None:
        out += b[None, :, None, None]
    return out


def _ref_pool2d(x, k, stride=None, padding=0, reduce="max"):
    s = stride or k
    fill = -np.inf if reduce == "max" else 0.0
    xp = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)], constant_values=fill)
    oh = (xp.shape[2] - k) // s + 1
    ow = (xp.shape[3] - k) // s + 1
    out = np.empty(x.shape[:2] + (oh, ow))
    for i, j in itertools.product(range(oh), range(ow)):
        win = xp[:, :, i * s:i * s + k, j * s:j * s + k]
        out[:, :, i, j] = win.max((2, 3)) if reduce == "max" else win.mean((2, 3))
    return out


def _ref_norm(x, axes, w=None, b=None, eps=1e-5):
    m = x.mean(axes, keepdims=True)
    v = x.var(axes, keepdims=True)
    y = (x - m) / np.sqrt(v + eps)
    if w is not None:
        y = y * w
    if b is not None:
        y = y + b
    return y


def _ref_pixel_shuffle(x, r):
    n, c, h, w = x.shape
    return x.reshape(n, c // (r * r), r, r, h, w).transpose(0, 1, 4, 2, 5, 3).reshape(n, c // (r * r), h * r, w * r)


# -- samples ----------------------------------------------------------------------------------------------
def _conv2d_samples(dt):
    kw = dict(dtype=dt)
    return [SampleInput((make((2, 3, 6, 5), **kw), make((4, 3, 3, 2), seed=1, **kw), make((4,), seed=2, **kw)),
                        name="basic"),
            SampleInput((make((1, 4, 7, 6), **kw), make((4, 2, 3, 3), seed=1, **kw)),
                        dict(stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2), name="stride-dil-groups"),
            SampleInput((make((1, 2, 5, 5), **kw), make((4, 1, 2, 3), seed=1, **kw)),
                        dict(padding="same", groups=2), name="same-depthwise"),
            SampleInput((make((1, 2, 5, 4), **kw), make((3, 2, 2, 2), seed=1, **kw)), dict(padding="valid"),
                        name="valid"),
            SampleInput((make((2, 4, 3), noncontig=True, **kw), make((2, 2, 2, 2), seed=1, **kw)),
                        name="unbatched-noncontig")]


def _conv1d_samples(dt):
    kw = dict(dtype=dt)
    return [SampleInput((make((2, 3, 7), **kw), make((4, 3, 3), seed=1, **kw), make((4,), seed=2, **kw)),
                        dict(stride=2, padding=1), name="basic"),
            SampleInput((make((1, 4, 8), **kw), make((4, 1, 3), seed=1, **kw)), dict(dilation=2, groups=4,
                                                                                       padding="same"),
                        name="depthwise-same")]


def _conv3d_samples(dt):
    kw = dict(dtype=dt)
    return [SampleInput((make((1, 2, 4, 4, 3), **kw), make((2, 2, 2, 2, 2), seed=1, **kw),
                         make((2,), seed=2, **kw)), dict(stride=(1, 2, 1), padding=1), name="basic")]


def _convt2d_samples(dt):
    kw = dict(dtype=dt)
    return [SampleInput((make((1, 4, 3, 4), **kw), make((4, 2, 3, 2), seed=1, **kw), make((2,), seed=2, **kw)),
                        dict(stride=2, padding=1, output_padding=1), name="stride-outpad"),
            SampleInput((make((1, 4, 3, 3), **kw), make((4, 1, 2, 2), seed=1, **kw)),
                        dict(stride=(2, 1), groups=2, dilation=(1, 2)), name="groups-dil")]


def _convt1d_samples(dt):
    kw = dict(dtype=dt)
    return [SampleInput((make((2, 3, 4), **kw), make((3, 2, 3), seed=1, **kw)), dict(stride=3, padding=1),
                        name="basic")]


def _convt3d_samples(dt):
    kw = dict(dtype=dt)
    return [SampleInput((make((1, 2, 2, 3, 2), **kw), make((2, 2, 2, 2, 2), seed=1, **kw)), dict(stride=2),
                        name="basic")]


def _conv_errors():
    return [ErrorInput(SampleInput((make((2, 3, 6, 6)), make((4, 1, 3, 3)))), RuntimeError,
                       r"Given groups=1, weight of size \[4, 1, 3, 3\], expected input\[2, 3, 6, 6\] to have 1 "
                       r"channels, but got 3 channels instead"),
            ErrorInput(SampleInput((make((6, 6)), make((4, 1, 3, 3)))), RuntimeError,
                       r"Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d"),
            ErrorInput(SampleInput((make((1, 1, 2, 2)), make((1, 1, 3, 3)))), RuntimeError,
                       "Kernel size can't be greater than actual input size"),
            ErrorInput(SampleInput((make((1, 2, 5, 5)), make((3, 1, 3, 3))), dict(groups=2)), RuntimeError,
                       "expected weight to be divisible by 2"),
            ErrorInput(SampleInput((make((1, 1, 5, 5)), make((1, 1, 3, 3))), dict(padding="same", stride=2)),
                       RuntimeError, "padding='same' is not supported for strided convolutions")]


def _unfold_samples(dt):
    return [SampleInput((make((2, 2, 5, 4), dtype=dt),), dict(kernel_size=(2, 3), dilation=(1, 1), padding=1,
                                                                stride=(2, 1)), name="basic")]


def _fold_samples(dt):
    return [SampleInput((make((2, 8, 9), dtype=dt),), dict(output_size=(4, 4), kernel_size=2, padding=1,
                                                             stride=2), name="basic"),
            SampleInput((make((1, 4, 9), dtype=dt),), dict(output_size=(4, 4), kernel_size=2), name="overlap")]


def _pool_samples(nsp, with_dil=True):
    def samples(dt):
        sp = {1: (7,), 2: (5, 6), 3: (4, 5, 4)}[nsp]
        x = make((2, 2) + sp, dtype=dt)
        out = [SampleInput((x, 2), name="k2"),
               SampleInput((x, 3), dict(stride=2, padding=1, ceil_mode=True), name="ceil-pad")]
        if with_dil:
            out.append(SampleInput((x, 2), dict(stride=1, dilation=2, return_indices=True), name="dil-indices"))
        return out
    return samples


def _avg_samples(nsp):
    def samples(dt):
        sp = {1: (7,), 2: (5, 6), 3: (4, 5, 4)}[nsp]
        x = make((2, 2) + sp, dtype=dt)
        out = [SampleInput((x, 2), name="k2"),
               SampleInput((x, 3), dict(stride=2, padding=1, ceil_mode=True), name="ceil-pad"),
               SampleInput((x, 3), dict(stride=2, padding=1, ceil_mode=True, count_include_pad=False),
                           name="exclude-pad")]
        if nsp > 1:
            out.append(SampleInput((x, 2), dict(divisor_override=3), name="divisor"))
        return out
    return samples


def _pool_errors():
    return [ErrorInput(SampleInput((make((2, 2, 4, 4)), 2), dict(padding=2)), RuntimeError,
                       "pad should be at most half of effective kernel size"),
            ErrorInput(SampleInput((make((4, 4)), 2)), RuntimeError, "Expected 3D")]


def _adaptive_samples(nsp, ret=False):
    def samples(dt):
        sp = {1: (7,), 2: (5, 7), 3: (4, 5, 3)}[nsp]
        osz = {1: 3, 2: (3, 4), 3: (2, 3, None)}[nsp]
        kw = dict(return_indices=True) if ret else {}
        return [SampleInput((make((2, 2) + sp, dtype=dt), osz), kw, name="basic"),
                SampleInput((make((2,) + sp, dtype=dt), 1), name="global-unbatched")]
    return samples


def _bn_train(x, w, b):
    return F.batch_norm(x, None, None, w, b, True, 0.1, 1e-5)


def _bn_eval(x, w, b):
    c = x.shape[1]
    rm = ember.tensor(np.linspace(-0.5, 0.5, c).astype(x.numpy(force=True).dtype))
    rv = ember.tensor(np.linspace(0.5, 1.5, c).astype(x.numpy(force=True).dtype))
    return F.batch_norm(x, rm, rv, w, b, False, 0.1, 1e-5)


def _torch_bn_eval(x, w, b):
    import torch  # noqa: PLC0415

    c = x.shape[1]
    rm = torch.tensor(np.linspace(-0.5, 0.5, c), dtype=x.dtype)
    rv = torch.tensor(np.linspace(0.5, 1.5, c), dtype=x.dtype)
    return torch.nn.functional.batch_norm(x, rm, rv, w, b, False, 0.1, 1e-5)


def _torch_bn_train(x, w, b):
    import torch  # noqa: PLC0415

    return torch.nn.functional.batch_norm(x, None, None, w, b, True, 0.1, 1e-5)


def _bn_samples(dt):
    return [SampleInput((make((4, 3, 2), dtype=dt), make((3,), seed=1, dtype=dt), make((3,), seed=2, dtype=dt)),
                        name="3d"),
            SampleInput((make((3, 2, 2, 2), dtype=dt), make((2,), seed=1, dtype=dt), make((2,), seed=2, dtype=dt)),
                        name="4d")]


def _ln(x, w, b):
    return F.layer_norm(x, tuple(w.shape), w, b)


def _ln_ref(x, w, b):
    return _ref_norm(x, tuple(range(x.ndim - w.ndim, x.ndim)), w, b)


def _torch_ln(x, w, b):
    import torch  # noqa: PLC0415

    return torch.nn.functional.layer_norm(x, tuple(w.shape), w, b)


def _ln_samples(dt):
    return [SampleInput((make((2, 3, 4), dtype=dt), make((4,), seed=1, dtype=dt), make((4,), seed=2, dtype=dt)),
                        name="last"),
            SampleInput((make((2, 3, 4), dtype=dt), make((3, 4), seed=1, dtype=dt), make((3, 4), seed=2, dtype=dt)),
                        name="last2")]


def _gn(x, w, b):
    return F.group_norm(x, 2, w, b)


def _torch_gn(x, w, b):
    import torch  # noqa: PLC0415

    return torch.nn.functional.group_norm(x, 2, w, b)


def _gn_ref(x, w, b):
    n, c = x.shape[:2]
    xr = x.reshape(n, 2, -1)
    y = _ref_norm(xr, (2,)).reshape(x.shape)
    shp = (1, c) + (1,) * (x.ndim - 2)
    return y * w.reshape(shp) + b.reshape(shp)


def _gn_samples(dt):
    return [SampleInput((make((2, 4, 3), dtype=dt), make((4,), seed=1, dtype=dt), make((4,), seed=2, dtype=dt)),
                        name="3d"),
            SampleInput((make((2, 6, 2, 2), dtype=dt), make((6,), seed=1, dtype=dt), make((6,), seed=2, dtype=dt)),
                        name="4d")]


def _in(x, w, b):
    return F.instance_norm(x, None, None, w, b)


def _torch_in(x, w, b):
    import torch  # noqa: PLC0415

    return torch.nn.functional.instance_norm(x, None, None, w, b)


def _rms(x, w):
    return F.rms_norm(x, tuple(w.shape), w, 1e-6)


def _torch_rms(x, w):
    import torch  # noqa: PLC0415

    return torch.nn.functional.rms_norm(x, tuple(w.shape), w, 1e-6)


def _rms_ref(x, w):
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + 1e-6) * w


def _norm_errors():
    return [ErrorInput(SampleInput((make((2, 3, 4)), make((5,)), make((5,)))), RuntimeError,
                       r"Given normalized_shape=\[5\]")]


def _lrn_samples(dt):
    return [SampleInput((make((2, 5, 3), dtype=dt, positive=True), 3), name="3d"),
            SampleInput((make((1, 4, 3, 2), dtype=dt), 2), dict(alpha=0.1, beta=0.5, k=2.0), name="4d")]


def _pad_samples(mode):
    def samples(dt):
        return [SampleInput((make((2, 3, 5), dtype=dt), (1, 2)), dict(mode=mode), name="1d"),
                SampleInput((make((1, 2, 4, 5), dtype=dt), (2, 1, 1, 3)), dict(mode=mode), name="2d"),
                SampleInput((make((1, 1, 3, 4, 3), dtype=dt), (1, 1, 2, 0, 1, 2)), dict(mode=mode), name="3d")] + \
            ([SampleInput((make((2, 3, 5), dtype=dt), (-1, 2, 1, 0)), dict(value=1.5), name="negative")]
             if mode == "constant" else [])
    return samples


def _pad_ref(x, pad, mode="constant", value=None):
    nd = len(pad) // 2
    if mode == "constant" and min(pad) >= 0:
        width = [(0, 0)] * (x.ndim - nd) + [(pad[2 * i], pad[2 * i + 1]) for i in reversed(range(nd))]
        return np.pad(x, width, constant_values=value or 0)
    if mode == "constant":
        return None
    np_mode = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}[mode]
    width = [(0, 0)] * (x.ndim - nd) + [(pad[2 * i], pad[2 * i + 1]) for i in reversed(range(nd))]
    return np.pad(x, width, mode=np_mode)


def _interp_samples(dt):
    out = []
    for mode, shp in [("nearest", (1, 2, 4, 5)), ("nearest-exact", (1, 2, 4, 5)), ("bilinear", (1, 2, 4, 5)),
                      ("bicubic", (1, 2, 4, 5)), ("linear", (2, 2, 5)), ("trilinear", (1, 1, 3, 4, 3)),
                      ("area", (1, 2, 6, 7))]:
        acs = [None] if mode in ("nearest", "nearest-exact", "area") else [False, True]
        for ac in acs:
            out.append(SampleInput((make(shp, dtype=dt),), dict(scale_factor=1.5, mode=mode, align_corners=ac),
                                   name=f"{mode}-{ac}-up"))
            out.append(SampleInput((make(shp, dtype=dt),), dict(size=tuple(max(1, s - 1) for s in shp[2:]),
                                                                mode=mode, align_corners=ac),
                                   name=f"{mode}-{ac}-down"))
    return out


def _interp_errors():
    return [ErrorInput(SampleInput((make((1, 2, 4, 5)),), dict(size=3, scale_factor=2.0)), ValueError,
                       "only one of size or scale_factor should be defined"),
            ErrorInput(SampleInput((make((1, 2, 4, 5)),), dict(scale_factor=2.0, mode="linear")),
                       NotImplementedError, "Got 4D input, but linear mode needs 3D input"),
            ErrorInput(SampleInput((make((1, 2, 4, 5)),), dict(scale_factor=2.0, align_corners=True)), ValueError,
                       "align_corners option can only be set")]


def _grid_samples(dt):
    out = []
    rng = np.random.default_rng(3)
    for pm in ("zeros", "border", "reflection"):
        for ac in (False, True):
            g = rng.uniform(-1.2, 1.2, (2, 3, 2, 2)).astype(dt)
            out.append(SampleInput((make((2, 2, 3, 4), dtype=dt), g),
                                   dict(mode="bilinear", padding_mode=pm, align_corners=ac), name=f"{pm}-{ac}"))
    g3 = rng.uniform(-1.1, 1.1, (1, 2, 2, 2, 3)).astype(dt)
    out.append(SampleInput((make((1, 2, 3, 3, 2), dtype=dt), g3), dict(align_corners=False), name="3d"))
    return out


def _grid_nearest(x, grid, padding_mode="zeros", align_corners=False):
    return F.grid_sample(x, grid.detach(), mode="nearest", padding_mode=padding_mode, align_corners=align_corners)


def _torch_grid_nearest(x, grid, padding_mode="zeros", align_corners=False):
    import torch  # noqa: PLC0415

    return torch.nn.functional.grid_sample(x, grid.detach(), mode="nearest", padding_mode=padding_mode,
                                           align_corners=align_corners)


def _grid_nearest_samples(dt):
    rng = np.random.default_rng(4)
    return [SampleInput((make((2, 2, 3, 4), dtype=dt), rng.uniform(-1.2, 1.2, (2, 3, 2, 2)).astype(dt)),
                        dict(padding_mode=pm), name=pm) for pm in ("zeros", "border", "reflection")]


def _affine_samples(dt):
    return [SampleInput((make((2, 2, 3), dtype=dt), (2, 1, 3, 4)), dict(align_corners=ac), name=f"2d-{ac}")
            for ac in (False, True)] + \
        [SampleInput((make((1, 3, 4), dtype=dt), (1, 1, 2, 3, 2)), dict(align_corners=False), name="3d")]


def _emb(w, idx):
    return F.embedding(idx, w)


def _emb_pad(w, idx):
    return F.embedding(idx, w, padding_idx=1, scale_grad_by_freq=True)


def _torch_emb(w, idx):
    import torch  # noqa: PLC0415

    return torch.nn.functional.embedding(idx, w)


def _torch_emb_pad(w, idx):
    import torch  # noqa: PLC0415

    return torch.nn.functional.embedding(idx, w, padding_idx=1, scale_grad_by_freq=True)


def _emb_samples(dt):
    return [SampleInput((make((6, 3), dtype=dt), np.array([[0, 1, 2], [1, 5, 1]])), name="2d"),
            SampleInput((make((6, 3), dtype=dt), np.array([4, 1, 4])), name="1d")]


def _bag(mode, **extra):
    def op(w, idx, offsets):
        return F.embedding_bag(idx, w, offsets, mode=mode, **extra)

    def top(w, idx, offsets):
        import torch  # noqa: PLC0415

        return torch.nn.functional.embedding_bag(idx, w, offsets, mode=mode, **extra)
    return op, top


def _bag_samples(dt):
    return [SampleInput((make((6, 3), dtype=dt), np.array([0, 1, 2, 1, 5, 1, 3]), np.array([0, 2, 2, 5])),
                        name="offsets")]


def _bag_psw(w, idx, offsets, psw):
    return F.embedding_bag(idx, w, offsets, mode="sum", per_sample_weights=psw)


def _torch_bag_psw(w, idx, offsets, psw):
    import torch  # noqa: PLC0415

    return torch.nn.functional.embedding_bag(idx, w, offsets, mode="sum", per_sample_weights=psw)


def _bag_psw_samples(dt):
    return [SampleInput((make((6, 3), dtype=dt), np.array([0, 1, 2, 1, 5]), np.array([0, 2]),
                         make((5,), seed=3, dtype=dt)), name="psw")]


def _dropout_samples(dt):
    # deterministic settings only (eval, p=0): random masks are tested in test_nn_spatial.py
    return [SampleInput((make((3, 4), dtype=dt),), dict(p=0.5, training=False), name="eval"),
            SampleInput((make((2, 3, 4), dtype=dt),), dict(p=0.0, training=True), name="p0")]


def _shuffle_samples(dt):
    return [SampleInput((make((2, 8, 2, 3), dtype=dt), 2), name="4d"),
            SampleInput((make((8, 1, 2), dtype=dt), 2), name="3d")]


def _unshuffle_samples(dt):
    return [SampleInput((make((2, 2, 4, 6), dtype=dt), 2), name="4d")]


def _cshuffle_samples(dt):
    return [SampleInput((make((2, 6, 2, 2), dtype=dt), 3), name="4d")]


def _unpool(x, idx_src):
    v, i = F.max_pool2d(idx_src, 2, return_indices=True)
    return F.max_unpool2d(x, i, 2)


def _torch_unpool(x, idx_src):
    import torch  # noqa: PLC0415

    v, i = torch.nn.functional.max_pool2d(idx_src, 2, return_indices=True)
    return torch.nn.functional.max_unpool2d(x, i, 2)


def _unpool_samples(dt):
    return [SampleInput((make((2, 2, 2, 3), dtype=dt), make((2, 2, 4, 6), seed=5, dtype=dt)), name="basic")]


OPS = [
    OpInfo("nn.functional.conv2d", F.conv2d, _conv2d_samples, ref=_ref_conv2d, errors=_conv_errors, atol=1e-4),
    OpInfo("nn.functional.conv1d", F.conv1d, _conv1d_samples, atol=1e-4),
    OpInfo("nn.functional.conv3d", F.conv3d, _conv3d_samples, atol=1e-4),
    OpInfo("nn.functional.conv_transpose1d", F.conv_transpose1d, _convt1d_samples, atol=1e-4),
    OpInfo("nn.functional.conv_transpose2d", F.conv_transpose2d, _convt2d_samples, atol=1e-4),
    OpInfo("nn.functional.conv_transpose3d", F.conv_transpose3d, _convt3d_samples, atol=1e-4),
    OpInfo("nn.functional.unfold", F.unfold, _unfold_samples),
    OpInfo("nn.functional.fold", F.fold, _fold_samples),
    OpInfo("nn.functional.max_pool1d", F.max_pool1d, _pool_samples(1), output_process=_first),
    OpInfo("nn.functional.max_pool2d", F.max_pool2d, _pool_samples(2), output_process=_first,
           errors=_pool_errors),
    OpInfo("nn.functional.max_pool3d", F.max_pool3d, _pool_samples(3), output_process=_first),
    OpInfo("nn.functional.avg_pool1d", F.avg_pool1d, _avg_samples(1)),
    OpInfo("nn.functional.avg_pool2d", F.avg_pool2d, _avg_samples(2)),
    OpInfo("nn.functional.avg_pool3d", F.avg_pool3d, _avg_samples(3)),
    OpInfo("nn.functional.adaptive_avg_pool1d", F.adaptive_avg_pool1d, _adaptive_samples(1)),
    OpInfo("nn.functional.adaptive_avg_pool2d", F.adaptive_avg_pool2d, _adaptive_samples(2)),
    OpInfo("nn.functional.adaptive_avg_pool3d", F.adaptive_avg_pool3d, _adaptive_samples(3)),
    OpInfo("nn.functional.adaptive_max_pool1d", F.adaptive_max_pool1d, _adaptive_samples(1, True),
           output_process=_first),
    OpInfo("nn.functional.adaptive_max_pool2d", F.adaptive_max_pool2d, _adaptive_samples(2, True),
           output_process=_first),
    OpInfo("nn.functional.lp_pool2d", F.lp_pool2d,
           lambda dt: [SampleInput((make((1, 2, 4, 4), dtype=dt, positive=True), 2.0, 2), name="p2")]),
    OpInfo("max_unpool2d", _unpool, _unpool_samples, torch_op=_torch_unpool),
    OpInfo("batch_norm_train", _bn_train, _bn_samples, torch_op=_torch_bn_train,
           ref=lambda x, w, b: _ref_norm(x, (0,) + tuple(range(2, x.ndim)), w.reshape((-1,) + (1,) * (x.ndim - 2)),
                                         b.reshape((-1,) + (1,) * (x.ndim - 2)))),
    OpInfo("batch_norm_eval", _bn_eval, _bn_samples, torch_op=_torch_bn_eval),
    OpInfo("layer_norm", _ln, _ln_samples, torch_op=_torch_ln, ref=_ln_ref),
    OpInfo("group_norm", _gn, _gn_samples, torch_op=_torch_gn, ref=_gn_ref),
    OpInfo("instance_norm", _in, _gn_samples, torch_op=_torch_in,
           ref=lambda x, w, b: _ref_norm(x, tuple(range(2, x.ndim)), w.reshape((-1,) + (1,) * (x.ndim - 2)),
                                         b.reshape((-1,) + (1,) * (x.ndim - 2)))),
    OpInfo("rms_norm", _rms, lambda dt: [SampleInput((make((2, 3, 4), dtype=dt), make((4,), seed=1, dtype=dt)))],
           torch_op=_torch_rms, ref=_rms_ref),
    OpInfo("nn.functional.layer_norm", F.layer_norm,
           lambda dt: [SampleInput((make((2, 3, 4), dtype=dt), (4,)), name="no-affine")], errors=None),
    OpInfo("layer_norm_errors", _ln, lambda dt: [], torch_op=None, errors=_norm_errors),
    OpInfo("nn.functional.local_response_norm", F.local_response_norm, _lrn_samples),
    OpInfo("pad_constant", F.pad, _pad_samples("constant"), torch_op="nn.functional.pad", ref=None),
    OpInfo("pad_reflect", F.pad, _pad_samples("reflect"), torch_op="nn.functional.pad", ref=_pad_ref),
    OpInfo("pad_replicate", F.pad, _pad_samples("replicate"), torch_op="nn.functional.pad", ref=_pad_ref),
    OpInfo("pad_circular", F.pad, _pad_samples("circular"), torch_op="nn.functional.pad", ref=_pad_ref),
    OpInfo("nn.functional.interpolate", F.interpolate, _interp_samples, errors=_interp_errors),
    OpInfo("nn.functional.grid_sample", F.grid_sample, _grid_samples, grad_atol=1e-4),
    OpInfo("grid_sample_nearest", _grid_nearest, _grid_nearest_samples, torch_op=_torch_grid_nearest,
           low_precision=False),  # half-rounded coordinates pick other nearest pixels: test_low_precision.py
    OpInfo("nn.functional.affine_grid", F.affine_grid, _affine_samples),
    OpInfo("nn.functional.pixel_shuffle", F.pixel_shuffle, _shuffle_samples,
           ref=lambda x, r: _ref_pixel_shuffle(x, r) if x.ndim == 4 else _ref_pixel_shuffle(x[None], r)[0]),
    OpInfo("nn.functional.pixel_unshuffle", F.pixel_unshuffle, _unshuffle_samples),
    OpInfo("nn.functional.channel_shuffle", F.channel_shuffle, _cshuffle_samples),
    OpInfo("embedding", _emb, _emb_samples, torch_op=_torch_emb, ref=lambda w, i: w[i]),
    # padding_idx and scale_grad_by_freq deliberately alter the gradient (like torch): parity only
    OpInfo("embedding_padding_freq", _emb_pad, _emb_samples, torch_op=_torch_emb_pad, grad=False, gradgrad=False),
    OpInfo("embedding_bag_sum", _bag("sum")[0], _bag_samples, torch_op=_bag("sum")[1]),
    OpInfo("embedding_bag_mean", _bag("mean")[0], _bag_samples, torch_op=_bag("mean")[1]),
    OpInfo("embedding_bag_max", _bag("max")[0], _bag_samples, torch_op=_bag("max")[1]),
    OpInfo("embedding_bag_padding", _bag("mean", padding_idx=1)[0], _bag_samples,
           torch_op=_bag("mean", padding_idx=1)[1]),
    OpInfo("embedding_bag_psw", _bag_psw, _bag_psw_samples, torch_op=_torch_bag_psw),
    OpInfo("nn.functional.dropout", F.dropout, _dropout_samples),
    OpInfo("nn.functional.alpha_dropout", F.alpha_dropout, _dropout_samples),
    OpInfo("nn.functional.dropout2d", F.dropout2d,
           lambda dt: [SampleInput((make((2, 3, 2, 2), dtype=dt),), dict(p=0.3, training=False))]),
]
