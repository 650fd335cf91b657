"""Reductions beyond the OpInfo table: return types, indices, dtype rules, ties, NaN, unique flags, warnings."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember


def _t(a, grad=False):
    return ember.tensor(np.asarray(a), requires_grad=grad)


def _torch():
    return pytest.importorskip("torch")


def _same(e, t, **kw):
    torch = _torch()
    if isinstance(t, torch.Tensor):
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), equal_nan=True, **kw)
        assert str(e.dtype) == str(t.dtype).replace("torch.", "ember."), (e.dtype, t.dtype)
    else:
        assert type(e).__name__ == type(t).__name__
        assert len(e) == len(t)
        for a, b in zip(e, t):
            _same(a, b, **kw)


# -- return types ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn,args", [
    ("max", (1,)), ("min", (0, True)), ("sort", ()), ("topk", (2,)), ("kthvalue", (2, 1)), ("median", (1,)),
    ("nanmedian", (0,)), ("mode", (1,)), ("cummax", (1,)), ("cummin", (0,))])
def test_values_indices_named_tuples(fn, args):
    torch = _torch()
    x = np.random.default_rng(0).standard_normal((3, 4))
    e = getattr(ember, fn)(_t(x), *args)
    t = getattr(torch, fn)(torch.from_numpy(x), *args)
    assert e._fields == ("values", "indices")
    assert type(e).__name__ == fn and repr(e).startswith(f"torch.return_types.{fn}(")
    assert e.indices.dtype == ember.int64
    _same(e, t)
    v, i = e  # unpacks like a tuple
    assert v is e.values and i is e.indices


def test_aminmax_and_methods():
    torch = _torch()
    x = np.random.default_rng(1).standard_normal((3, 4))
    e, t = ember.aminmax(_t(x), dim=-1, keepdim=True), torch.aminmax(torch.from_numpy(x), dim=-1, keepdim=True)
    assert e._fields == ("min", "max")
    _same(e, t)
    _same(ember.aminmax(_t(x), keepdim=True), torch.aminmax(torch.from_numpy(x), keepdim=True))
    for name in ("sum", "nansum", "prod", "max", "amax", "argmax", "std", "var", "logsumexp", "cumsum", "norm",
                 "sort", "argsort", "topk", "median", "mode", "unique", "count_nonzero", "diff", "logcumsumexp"):
        assert hasattr(ember.Tensor, name), name


# -- dtype rules ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("np_dt", [np.int32, np.int8, np.uint8, np.bool_])
def test_integer_accumulation_is_int64(np_dt):
    torch = _torch()
    x = np.array([[1, 0, 1], [1, 1, 0]]).astype(np_dt)
    for fn, args in (("sum", ()), ("sum", (1,)), ("prod", ()), ("nansum", ()), ("cumsum", (0,)),
                     ("cumprod", (1,))):
        _same(getattr(ember, fn)(_t(x), *args), getattr(torch, fn)(torch.from_numpy(x), *args))
    _same(ember.sum(_t(x), dtype=ember.float32), torch.sum(torch.from_numpy(x), dtype=torch.float32))
    _same(ember.cumsum(_t(x), 0, dtype=ember.float64), torch.cumsum(torch.from_numpy(x), 0, dtype=torch.float64))
    _same(ember.amax(_t(x), 0), torch.amax(torch.from_numpy(x), 0))
    _same(ember.all(_t(x), 1), torch.all(torch.from_numpy(x), 1))
    _same(ember.any(_t(x)), torch.any(torch.from_numpy(x)))


def test_int_inputs_raise_like_torch():
    x = _t([1, 2, 3])
    with pytest.raises(RuntimeError, match="mean"):
        ember.mean(x)
    assert ember.mean(x, dtype=ember.float64).item() == 2.0
    with pytest.raises(RuntimeError, match="std and var"):
        x.std()
    with pytest.raises(RuntimeError, match="nanmean"):
        x.nanmean()
    with pytest.raises(RuntimeError, match="floating point"):
        x.norm()
    with pytest.raises(NotImplementedError):
        x.logcumsumexp(0)
    assert ember.logsumexp(x, 0).dtype == ember.float32


# -- gradients torch defines specially ------------------------------------------------------------------------
def _grad(fn, x):
    xe = _t(x, True)
    ember.autograd.grad(fn(ember, xe).sum(), [xe])
    (g,) = ember.autograd.grad(fn(ember, xe).sum(), [xe])
    torch = _torch()
    xt = torch.tensor(x, requires_grad=True)
    (gt,) = torch.autograd.grad(fn(torch, xt).sum(), [xt])
    np.testing.assert_allclose(g.numpy(), gt.numpy(), atol=1e-12)


@pytest.mark.parametrize("fn", [
    lambda m, x: m.amax(x, 1), lambda m, x: m.amin(x, (0, 1)), lambda m, x: m.max(x), lambda m, x: m.min(x),
    lambda m, x: m.max(x, 1)[0], lambda m, x: m.median(x), lambda m, x: m.nanmedian(x),
    lambda m, x: m.norm(x, float("inf"), 1), lambda m, x: m.aminmax(x).max, lambda m, x: m.cummax(x, 1)[0],
    lambda m, x: m.mode(x, 1)[0], lambda m, x: m.sort(x, dim=1, descending=True, stable=True)[0] * m.arange(4.)])
def test_tie_gradients_match_torch(fn):
    _grad(fn, np.array([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, -1.0, 2.0], [3.0, 0.5, 3.0, 3.0]]))


@pytest.mark.parametrize("fn", [
    lambda m, x: m.cumprod(x, 1), lambda m, x: m.cumprod(x, 0), lambda m, x: m.prod(x, 1),
    lambda m, x: m.prod(x), lambda m, x: m.prod(x, 0, keepdim=True)])
def test_prod_cumprod_grad_with_zeros(fn):
    x = np.array([[1.5, 0.0, 2.0, -3.0], [0.0, 2.0, 0.0, 4.0], [1.0, 2.0, 3.0, 0.0]])
    _grad(fn, x)
    _grad(fn, np.array([[1.5, 0.0, 2.0, -3.0]]))


def test_std_grad_zero_where_constant_and_norm_at_zero():
    _grad(lambda m, x: m.std(x, 1), np.array([[1.0, 1.0, 1.0], [1.0, 2.0, 4.0]]))
    _grad(lambda m, x: m.norm(x, dim=1), np.array([[0.0, 0.0], [3.0, 4.0]]))
    _grad(lambda m, x: m.norm(x, 3, dim=1), np.array([[0.0, 0.0], [3.0, -4.0]]))


def test_double_backward_matches_torch():
    torch = _torch()
    x = np.random.default_rng(3).standard_normal((3, 5))
    for fn in (lambda m, v: m.logsumexp(v, 1), lambda m, v: m.std(v, 0), lambda m, v: m.norm(v, 3, 1),
               lambda m, v: m.logcumsumexp(v, 1), lambda m, v: m.cumprod(v, 1), lambda m, v: m.prod(v, 0),
               lambda m, v: m.sort(v, 1)[0] ** 2, lambda m, v: m.var_mean(v, 1)[0]):
        xe, xt = _t(x, True), torch.tensor(x, requires_grad=True)
        (ge,) = ember.autograd.grad((fn(ember, xe) ** 2).sum(), [xe], create_graph=True)
        (gt,) = torch.autograd.grad((fn(torch, xt) ** 2).sum(), [xt], create_graph=True)
        (gge,) = ember.autograd.grad((ge * ge).sum(), [xe])
        (ggt,) = torch.autograd.grad((gt * gt).sum(), [xt])
        np.testing.assert_allclose(gge.numpy(), ggt.numpy(), rtol=1e-6, atol=1e-9)


def test_logsumexp_and_logcumsumexp_are_stable():
    torch = _torch()
    x = np.array([[1000.0, 1000.0, -1000.0], [-np.inf, -np.inf, -np.inf], [np.inf, 1.0, 2.0]])
    _same(ember.logsumexp(_t(x), 1), torch.logsumexp(torch.from_numpy(x), 1))
    y = np.array([[-800.0, 0.0, 800.0, 3.0], [5.0, -900.0, 700.0, 700.0]])
    _same(ember.logcumsumexp(_t(y), 1), torch.logcumsumexp(torch.from_numpy(y), 1))
    _grad(lambda m, v: m.logcumsumexp(v, 1) * m.tensor([1.0, -2.0, 3.0, 0.5], dtype=m.float64), y)


# -- indices, ties and NaN ------------------------------------------------------------------------------------
def test_sort_stable_descending_and_nan_order():
    torch = _torch()
    x = np.array([[2.0, 1.0, 2.0, np.nan, 1.0, 3.0, np.nan]])
    for desc in (False, True):
        _same(ember.sort(_t(x), descending=desc, stable=True),
              torch.sort(torch.from_numpy(x), descending=desc, stable=True))
        _same(ember.argsort(_t(x), descending=desc, stable=True),
              torch.argsort(torch.from_numpy(x), descending=desc, stable=True))
    xi = np.array([3, 1, 3, 2, 1, 3])
    _same(ember.sort(_t(xi), descending=True, stable=True), torch.sort(torch.from_numpy(xi), descending=True,
                                                                         stable=True))


def test_nan_propagation_and_indices():
    torch = _torch()
    x = np.array([[1.0, np.nan, 3.0, np.nan], [4.0, 2.0, 2.5, 1.0]])
    tx = torch.from_numpy(x)
    for fn, args in (("max", (1,)), ("min", (1,)), ("median", (1,)), ("nanmedian", (1,)), ("cummax", (1,)),
                     ("cummin", (1,)), ("argmax", (1,)), ("amax", (1,)), ("median", ()), ("nanmedian", ()),
                     ("max", ()), ("sum", ()), ("nansum", (1,)), ("nanmean", (0,)), ("topk", (2,))):
        _same(getattr(ember, fn)(_t(x), *args), getattr(torch, fn)(tx, *args))


def test_index_choices_match_torch():
    torch = _torch()
    x = np.array([[1, 3, 3, 0, 0], [2, 2, 5, 5, 1], [4, 4, 4, 4, 4]])
    tx = torch.from_numpy(x)
    for fn, args in (("max", (1,)), ("min", (1, True)), ("argmax", (1,)), ("argmin", (0,)), ("mode", (1,)),
                     ("mode", (0,)), ("cummax", (1,)), ("cummin", (1,)), ("argmax", ()), ("count_nonzero", (1,))):
        _same(getattr(ember, fn)(_t(x), *args), getattr(torch, fn)(tx, *args))
    _same(ember.argmax(_t(x), keepdim=True), torch.argmax(tx, keepdim=True))


def test_zero_dim_and_empty():
    torch = _torch()
    s = np.array(2.5)
    for fn, args in (("max", (0,)), ("sum", (-1,)), ("sort", ()), ("topk", (1,)), ("cumsum", (0,)),
                     ("argmax", (0, True)), ("std", (0,)), ("kthvalue", (1,)), ("logsumexp", (0,))):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _same(getattr(ember, fn)(_t(s), *args), getattr(torch, fn)(torch.from_numpy(s), *args))
    e = np.zeros((0, 3))
    for fn, args in (("sum", ()), ("prod", (0,)), ("amax", (1,)), ("logsumexp", (0,)), ("mean", (1,)),
                     ("all", ()), ("any", (0,)), ("cumsum", (0,)), ("count_nonzero", ())):
        _same(getattr(ember, fn)(_t(e), *args), getattr(torch, fn)(torch.from_numpy(e), *args))
    with pytest.raises(IndexError, match="Dimension out of range"):
        ember.sum(_t(s), 1)
    with pytest.raises(RuntimeError, match="Expected reduction dim to be specified"):
        ember.argmax(_t(e))


def test_var_degrees_of_freedom_warning_and_legacy_args():
    torch = _torch()
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        assert np.isnan(ember.var(_t([1.0])).item())
    x = np.random.default_rng(2).standard_normal((3, 4))
    tx = torch.from_numpy(x)
    _same(ember.std(_t(x), False), torch.std(tx, False))
    _same(ember.var(_t(x), 1, False, True), torch.var(tx, 1, False, True))
    _same(ember.std_mean(_t(x), dim=0, correction=0), torch.std_mean(tx, dim=0, correction=0))
    _same(ember.var_mean(_t(x), 1, keepdim=True), torch.var_mean(tx, 1, keepdim=True))
    assert type(ember.std_mean(_t(x))) is tuple


def test_norm_variants():
    torch = _torch()
    x = np.random.default_rng(4).standard_normal((2, 3, 4))
    tx = torch.from_numpy(x)
    for kw in (dict(), dict(p=1), dict(p="fro", dim=(1, 2)), dict(p="nuc", dim=(0, 2), keepdim=True),
               dict(p=float("inf"), dim=-1), dict(p=0, dim=1), dict(p=-2, dim=0), dict(p=2.5, keepdim=True),
               dict(dim=1, dtype=ember.float64)):
        tkw = {k: (torch.float64 if v is ember.float64 else v) for k, v in kw.items()}
        _same(ember.norm(_t(x), **kw), torch.norm(tx, **tkw), rtol=1e-6)
        _same(_t(x).norm(**kw), tx.norm(**tkw), rtol=1e-6)
    x32 = x.astype(np.float32)
    _same(ember.norm(_t(x32), dim=1, dtype=ember.float64), torch.norm(torch.from_numpy(x32), dim=1,
                                                                     dtype=torch.float64))
    with pytest.raises(RuntimeError, match="without narrowing"):
        ember.norm(_t(x), dtype=ember.float32)


def test_max_binary_and_other_keyword():
    torch = _torch()
    a, b = np.array([1.0, 5.0, 2.0]), np.array([3.0, 4.0, 2.5])
    _same(ember.max(_t(a), _t(b)), torch.max(torch.from_numpy(a), torch.from_numpy(b)))
    _same(_t(a).min(_t(b)), torch.from_numpy(a).min(torch.from_numpy(b)))
    _same(ember.max(_t(a), other=_t(b)), torch.max(torch.from_numpy(a), other=torch.from_numpy(b)))


# -- unique ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kw", [dict(), dict(return_inverse=True), dict(return_counts=True),
                                dict(return_inverse=True, return_counts=True), dict(sorted=True, dim=0),
                                dict(dim=1, return_inverse=True, return_counts=True)])
def test_unique_flags(kw):
    torch = _torch()
    x = np.array([[3, 1, 3], [2, 2, 0], [3, 1, 3]])
    e, t = ember.unique(_t(x), **kw), torch.unique(torch.from_numpy(x), **kw)
    assert isinstance(e, tuple) == isinstance(t, tuple)
    if isinstance(t, tuple):
        e, t = list(e), list(t)
        assert len(e) == len(t)
    else:
        e, t = [e], [t]
    for a, b in zip(e, t):
        _same(a, b)
    _same(_t(x).unique(**kw) if not isinstance(e, list) or len(e) == 1 else _t(x).unique(**kw)[0],
          torch.from_numpy(x).unique(**kw) if len(t) == 1 else torch.from_numpy(x).unique(**kw)[0])


@pytest.mark.parametrize("kw", [dict(), dict(return_inverse=True, return_counts=True), dict(dim=0),
                                dict(dim=-1, return_counts=True)])
def test_unique_consecutive_flags(kw):
    torch = _torch()
    x = np.array([[1, 1, 2], [1, 1, 2], [3, 1, 1], [1, 1, 2]])
    e, t = ember.unique_consecutive(_t(x), **kw), torch.unique_consecutive(torch.from_numpy(x), **kw)
    e, t = (list(e), list(t)) if isinstance(t, tuple) else ([e], [t])
    assert len(e) == len(t)
    for a, b in zip(e, t):
        _same(a, b)


def test_diff_prepend_append_and_bool():
    torch = _torch()
    x = np.array([[1.0, 4.0, 9.0], [2.0, 0.0, 1.0]])
    p = np.array([[0.5], [1.5]])
    _same(ember.diff(_t(x), 2, 1, prepend=_t(p), append=_t(p)),
          torch.diff(torch.from_numpy(x), 2, 1, prepend=torch.from_numpy(p), append=torch.from_numpy(p)))
    b = np.array([True, False, False, True])
    _same(ember.diff(_t(b)), torch.diff(torch.from_numpy(b)))
    _same(ember.diff(_t(x), 0), torch.diff(torch.from_numpy(x), 0))
