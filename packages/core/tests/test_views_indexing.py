"""View semantics, version counters, __setitem__ forms and autograd through in-place ops on views."""
from __future__ import annotations

import numpy as np
import pytest

import ember


def _fd_grad(f, x, eps=1e-6):
    """Central finite-difference gradient of scalar ``f`` at array ``x`` (float64)."""
    g = np.zeros_like(x)
    for i in np.ndindex(*x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        g[i] = (f(xp) - f(xm)) / (2 * eps)
    return g


def _arange(*shape, rg=False):
    t = ember.arange(float(np.prod(shape)), dtype=ember.float64).reshape(shape).clone()
    return t.requires_grad_(rg) if rg else t


# -- views share storage and version counter ------------------------------------------------------------------
VIEWS = [
    ("basic-slice", lambda t: t[1:, ::2]),
    ("int", lambda t: t[1]),
    ("int-int-0d", lambda t: t[1, 2]),
    ("ellipsis-none", lambda t: t[..., None, 1]),
    ("select", lambda t: t.select(1, -1)),
    ("narrow", lambda t: t.narrow(0, 1, 2)),
    ("diagonal", lambda t: t.diagonal(1)),
    ("unbind", lambda t: t.unbind(1)[2]),
    ("split", lambda t: t.split(2, 1)[1]),
    ("chunk", lambda t: t.chunk(2, 0)[0]),
    ("tensor_split", lambda t: ember.tensor_split(t, [1], 1)[1]),
    ("movedim", lambda t: t.movedim(0, 1)),
    ("unfold", lambda t: t.unfold(1, 2, 2)),
    ("view", lambda t: t.view(12)),
    ("transpose", lambda t: t.t()),
    ("as_strided", lambda t: t.as_strided((2, 2), (4, 1), 1)),
    ("squeeze", lambda t: t.unsqueeze(0).squeeze((0,))),
]


@pytest.mark.parametrize("name,fn", VIEWS, ids=[v[0] for v in VIEWS])
def test_view_shares_storage_and_version(name, fn):
    base = _arange(3, 4)
    v = fn(base)
    assert v._base is base
    before = base.clone()
    v0 = base._version
    v.mul_(0).add_(-7)
    assert base._version == v._version > v0
    changed = (base != before).sum().item()
    assert changed == v.numel() or name == "unfold"  # unfold windows may overlap: all written positions are -7
    assert (v == -7).all()
    # writing the base is seen through the view
    base.fill_(3.0)
    assert (v == 3).all()


def test_non_views_copy():
    base = _arange(3, 4)
    for out in (base[ember.tensor([0, 1])], base[base > 3], base.flip(0), base.index_select(0, ember.tensor([1])),
                ember.diag(base), base.repeat(1, 1), ember.take(base, ember.tensor([0]))):
        out.fill_(-1.0)
    assert (base >= 0).all()


def test_version_counter_bumps():
    a = _arange(3, 4)
    v = a[0]
    assert a._version == 0
    a[1] = 5.0
    assert a._version == v._version == 1
    v.add_(1)
    assert a._version == 2
    a.index_fill_(0, ember.tensor([2]), 0.0)
    assert v._version == 3


# -- __setitem__ forms ------------------------------------------------------------------------------------------
SETITEMS = [
    ("int", lambda: 1, 9.0),
    ("neg-int", lambda: -1, np.arange(4.0)),
    ("slice", lambda: slice(0, 3, 2), 1.0),
    ("ellipsis", lambda: (Ellipsis, 1), np.array([1.0, 2.0, 3.0])),
    ("none", lambda: (None, 0), 4.0),
    ("bool-mask", lambda: np.arange(12).reshape(3, 4) % 3 == 0, -1.0),
    ("bool-tensor-mask", lambda: ember.tensor([True, False, True]), np.ones((2, 4))),
    ("int-tensor", lambda: ember.tensor([2, 0]), np.array([[1.0], [2.0]])),
    ("list", lambda: [0, 2], 5.0),
    ("adv-pair", lambda: (ember.tensor([0, 2]), ember.tensor([1, 3])), np.array([7.0, 8.0])),
    ("broadcast-row", lambda: slice(None), np.array([1.0, 2.0, 3.0, 4.0])),
    ("0d-int-tensor", lambda: ember.tensor(1), 2.0),
]


@pytest.mark.parametrize("name,key,value", SETITEMS, ids=[s[0] for s in SETITEMS])
def test_setitem_forms_match_torch(name, key, value):
    torch = pytest.importorskip("torch")
    e = _arange(3, 4)
    t = torch.arange(12.0, dtype=torch.float64).reshape(3, 4)
    k = key()

    def to_torch(x):
        if isinstance(x, ember.Tensor):
            return torch.from_numpy(x.numpy().copy())
        if isinstance(x, tuple):
            return tuple(to_torch(y) for y in x)
        if isinstance(x, np.ndarray):
            return torch.from_numpy(x)
        return x

    e[k] = ember.tensor(value) if isinstance(value, np.ndarray) else value
    t[to_torch(k)] = torch.from_numpy(value) if isinstance(value, np.ndarray) else value
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_setitem_casts_and_errors():
    a = ember.zeros(3, dtype=ember.int64)
    a[0] = 2.7
    assert a.tolist() == [2, 0, 0]
    with pytest.raises(RuntimeError, match="must match the existing size"):
        ember.zeros(3, 4)[0:2] = ember.ones(3)
    with pytest.raises(RuntimeError, match="shape mismatch"):
        ember.zeros(3, 4)[ember.tensor([0, 1])] = ember.ones(3)
    with pytest.raises(IndexError, match="out of bounds"):
        ember.zeros(3)[3] = 1.0
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        ember.zeros(3).expand(2, 3)[0] = 1.0


def test_getitem_empty_list_and_byte_mask():
    a = _arange(3, 4)
    assert a[[]].shape == (0, 4)
    assert a[ember.tensor([], dtype=ember.int64)].shape == (0, 4)
    assert a[ember.tensor([1, 0, 1], dtype=ember.uint8)].shape == (2, 4)
    assert a[True].shape == (1, 3, 4) and a[False].shape == (0, 3, 4)


# -- autograd through in-place ops on views (CopySlices) ---------------------------------------------------------
def test_inplace_on_view_of_clone_grad():
    a = ember.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=ember.float64, requires_grad=True)
    b = a.clone()
    b[0].mul_(2)
    b.sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [[2.0, 2.0], [1.0, 1.0]])


@pytest.mark.parametrize("how", ["mul_", "setitem", "index_fill_", "masked_fill_", "copy_", "nested"])
def test_inplace_through_view_matches_fd(how):
    x0 = np.random.default_rng(0).standard_normal((3, 4))
    w0 = np.random.default_rng(1).standard_normal(4)

    c = ember.tensor(x0)

    def run(xa, wa, grad):
        x = ember.tensor(xa, requires_grad=grad)
        w = ember.tensor(wa, requires_grad=grad)
        y = x * 1.5
        if how == "mul_":
            y[1].mul_(w)
        elif how == "setitem":
            y[1:, 1] = w[:2] * 2
        elif how == "index_fill_":
            y.narrow(1, 1, 2).index_fill_(0, ember.tensor([0, 2]), 0.5)
            y[0].mul_(w)
        elif how == "masked_fill_":
            y.t().masked_fill_(ember.tensor([True, False, True, False])[:, None], 0.0)
            y[2].add_(w)
        elif how == "copy_":
            y.diagonal().copy_(w[:3].exp())
        else:
            y[1:][0, 1:].mul_(w[1:])
        out = (y * y).sum() + (y.sin() * c).sum()
        if grad:
            out.backward()
            return x.grad.numpy(), w.grad.numpy() if w.grad is not None else np.zeros_like(wa)
        return out.item()

    gx, gw = run(x0, w0, True)
    np.testing.assert_allclose(gx, _fd_grad(lambda v: run(v, w0, False), x0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gw, _fd_grad(lambda v: run(x0, v, False), w0), rtol=1e-5, atol=1e-6)


def test_inplace_on_view_of_leaf_raises():
    a = ember.ones(3, 4, requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad is being used in an in-place"):
        a[0].mul_(2)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable"):
        a[1] = 5.0
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        a.index_fill_(0, ember.tensor([0]), 1.0)
    with ember.no_grad():
        a[0].mul_(2)  # allowed without grad
    assert a[0, 0].item() == 2.0


def test_setitem_value_requires_grad_into_plain_buffer():
    w = ember.tensor([1.0, 2.0], dtype=ember.float64, requires_grad=True)
    buf = ember.zeros(3, 2, dtype=ember.float64)
    buf[1] = w * 3
    buf.sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), [3.0, 3.0])


def test_saved_tensor_modified_through_view_raises():
    a = ember.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = a.exp()
    b[0].add_(1)  # exp saved its output, now modified through a view
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        b.sum().backward()


def test_in_place_index_ops_grad():
    x = ember.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    s = ember.tensor([[1.0, 2.0, 3.0]], dtype=ember.float64, requires_grad=True)
    y = x.clone()
    y.index_add_(0, ember.tensor([1]), s, alpha=2)
    y.scatter_(1, ember.tensor([[2], [0]]), 0.0)
    (y * y).sum().backward()
    torch = pytest.importorskip("torch")
    tx = torch.arange(6.0, dtype=torch.float64).reshape(2, 3).requires_grad_()
    ts = torch.tensor([[1.0, 2.0, 3.0]], dtype=torch.float64, requires_grad=True)
    ty = tx.clone()
    ty.index_add_(0, torch.tensor([1]), ts, alpha=2)
    ty.scatter_(1, torch.tensor([[2], [0]]), 0.0)
    (ty * ty).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())
    np.testing.assert_allclose(s.grad.numpy(), ts.grad.numpy())


def test_unbind_and_split_backward_and_double_backward():
    x = ember.tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
    a, b, c = x.unbind(0)
    p, q = x.split([1, 1], 1)
    loss = (a * b).sum() + (c ** 2).sum() + (p * q ** 2).sum()
    (g,) = ember.autograd.grad(loss, x, create_graph=True)
    torch = pytest.importorskip("torch")
    tx = torch.arange(6.0, dtype=torch.float64).reshape(3, 2).requires_grad_()
    ta, tb, tc = tx.unbind(0)
    tp, tq = tx.split([1, 1], 1)
    tl = (ta * tb).sum() + (tc ** 2).sum() + (tp * tq ** 2).sum()
    (tg,) = torch.autograd.grad(tl, tx, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), tg.detach().numpy())
    (gg,) = ember.autograd.grad(g.sum(), x)
    (tgg,) = torch.autograd.grad(tg.sum(), tx)
    np.testing.assert_allclose(gg.numpy(), tgg.numpy())


def test_iteration_uses_unbind_views():
    a = _arange(3, 2)
    rows = list(a)
    rows[1].zero_()
    assert a[1].sum().item() == 0


def test_cat_promotion_and_out():
    r = ember.cat([ember.ones(2, dtype=ember.int64), ember.ones(2, dtype=ember.bool)])
    assert r.dtype == ember.int64
    r = ember.cat([ember.ones(2, dtype=ember.int32), ember.tensor([1.0], dtype=ember.float16)])
    assert r.dtype == ember.float16
    out = ember.empty(4)
    ember.cat([ember.ones(2), ember.zeros(2)], out=out)
    assert out.tolist() == [1.0, 1.0, 0.0, 0.0]


def test_nonzero_and_repeat_interleave_forms():
    x = ember.tensor([[0, 1], [2, 0]])
    assert x.nonzero().tolist() == [[0, 1], [1, 0]]
    r, c = x.nonzero(as_tuple=True)
    assert r.tolist() == [0, 1] and c.tolist() == [1, 0]
    assert ember.nonzero(ember.tensor(5)).shape == (1, 0)
    assert ember.repeat_interleave(ember.tensor([2, 1])).tolist() == [0, 0, 1]
    assert ember.repeat_interleave(ember.tensor([1, 2]), 2).tolist() == [1, 1, 2, 2]


def test_broadcast_shapes():
    assert ember.broadcast_shapes((2, 1), (3,), 1) == ember.Size([2, 3])
    with pytest.raises(RuntimeError, match="Attempting to broadcast a dimension of length 4"):
        ember.broadcast_shapes((2, 3), (4,))


def test_scatter_with_larger_src_uses_leading_block():
    x = ember.zeros(3, 4, dtype=ember.float64)
    src = ember.tensor(np.arange(15.0).reshape(3, 5), requires_grad=True)
    idx = ember.tensor([[0, 1, 2, 0], [2, 0, 1, 1]])
    out = x.scatter(0, idx, src)
    torch = pytest.importorskip("torch")
    tout = torch.zeros(3, 4, dtype=torch.float64).scatter(0, torch.tensor(idx.numpy()),
                                                         torch.arange(15.0, dtype=torch.float64).reshape(3, 5))
    np.testing.assert_array_equal(out.detach().numpy(), tout.numpy())
    out.sum().backward()
    expect = np.zeros((3, 5))
    expect[:2, :4] = 1.0
    np.testing.assert_array_equal(src.grad.numpy(), expect)
