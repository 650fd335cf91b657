"""Random numbers: reproducibility (manual_seed, Generator, state), moments, shapes/dtypes, in-place samplers."""
from __future__ import annotations

import numpy as np
import pytest

import ember


def test_manual_seed_reproducible_and_returns_generator():
    g = ember.manual_seed(123)
    assert isinstance(g, ember.Generator) and g is ember.default_generator
    a = ember.rand(5)
    ember.manual_seed(123)
    b = ember.rand(5)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert ember.initial_seed() == 123
    ember.manual_seed(-1)
    assert ember.initial_seed() == 2 ** 64 - 1


def test_generator_independent_of_default():
    g1, g2 = ember.Generator().manual_seed(7), ember.Generator()
    g2.manual_seed(7)
    assert g1.device == ember.device("cpu") and g1.initial_seed() == 7
    x = ember.randn(4, generator=g1)
    ember.rand(10)  # the default stream must not disturb g2
    y = ember.randn(4, generator=g2)
    np.testing.assert_array_equal(x.numpy(), y.numpy())
    assert ember.Generator().initial_seed() == 67280421310721


def test_state_roundtrip():
    ember.manual_seed(5)
    ember.rand(3)
    st = ember.get_rng_state()
    assert st.dtype == ember.uint8
    a = ember.randn(6)
    ember.set_rng_state(st)
    np.testing.assert_array_equal(ember.randn(6).numpy(), a.numpy())
    g = ember.Generator()
    s = g.get_state()
    u = ember.rand(4, generator=g)
    g.set_state(s)
    np.testing.assert_array_equal(ember.rand(4, generator=g).numpy(), u.numpy())
    s = ember.seed()
    assert ember.initial_seed() == s


def test_shapes_and_dtypes():
    ember.manual_seed(0)
    assert ember.rand(2, 3).shape == (2, 3) and ember.rand(2, 3).dtype == ember.float32
    assert ember.randn((4,), dtype=ember.float64).dtype == ember.float64
    r = ember.randint(3, 10, (50,))
    assert r.dtype == ember.int64 and int(r.min()) >= 3 and int(r.max()) < 10
    assert ember.randint(5, (2, 2)).shape == (2, 2)
    assert ember.randint(5, size=(3,), dtype=ember.int32).dtype == ember.int32
    p = ember.randperm(10)
    assert p.dtype == ember.int64 and sorted(p.tolist()) == list(range(10))
    x = ember.zeros(2, 3, dtype=ember.float64)
    assert ember.rand_like(x).dtype == ember.float64 and ember.randn_like(x).shape == (2, 3)
    assert ember.randint_like(x, 4).dtype == ember.float64
    assert ember.rand(2, requires_grad=True).requires_grad
    prev = ember.get_default_dtype()
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.rand(2).dtype == ember.float64
    finally:
        ember.set_default_dtype(prev)


def test_moments():
    g = ember.Generator().manual_seed(1)
    n = 200_000
    u = ember.rand(n, generator=g, dtype=ember.float64).numpy()
    assert abs(u.mean() - 0.5) < 0.01 and abs(u.var() - 1 / 12) < 0.005 and u.min() >= 0 and u.max() < 1
    z = ember.randn(n, generator=g, dtype=ember.float64).numpy()
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1) < 0.01
    m = ember.normal(2.0, 3.0, size=(n,), generator=g).numpy()
    assert abs(m.mean() - 2) < 0.05 and abs(m.std() - 3) < 0.05
    b = ember.bernoulli(ember.full((n,), 0.3), generator=g).numpy()
    assert abs(b.mean() - 0.3) < 0.01
    pois = ember.poisson(ember.full((n,), 4.0), generator=g).numpy()
    assert abs(pois.mean() - 4) < 0.05 and abs(pois.var() - 4) < 0.1
    t = ember.empty(n, dtype=ember.float64)
    assert abs(t.exponential_(2.0, generator=g).numpy().mean() - 0.5) < 0.01
    assert abs(t.geometric_(0.25, generator=g).numpy().mean() - 4) < 0.05 and t.numpy().min() >= 1
    assert abs(np.log(t.log_normal_(1.0, 0.5, generator=g).numpy()).mean() - 1) < 0.01
    assert abs(np.median(t.cauchy_(1.0, 2.0, generator=g).numpy()) - 1) < 0.05
    assert abs(t.uniform_(-2, 4, generator=g).numpy().mean() - 1) < 0.02
    assert abs(t.normal_(5, 0.5, generator=g).numpy().std() - 0.5) < 0.01


def test_normal_overloads():
    mean, std = ember.zeros(2, 1), ember.ones(3)
    assert ember.normal(mean, std).shape == (2, 3)
    assert ember.normal(mean, 2.0).shape == (2, 1)
    assert ember.normal(0.0, std).shape == (3,)
    m = ember.zeros(3, requires_grad=True)
    out = ember.normal(m, 1.0)
    assert out.requires_grad
    out.sum().backward()
    np.testing.assert_array_equal(m.grad.numpy(), np.zeros(3))  # torch's (zero) gradient
    with pytest.raises(RuntimeError, match="normal expects std >= 0.0"):
        ember.normal(ember.zeros(3), -1.0)
    with pytest.raises(TypeError):
        ember.normal(ember.zeros(2), ember.ones(2), size=(3,))


def test_multinomial():
    g = ember.Generator().manual_seed(3)
    w = ember.tensor([1.0, 0.0, 3.0])
    s = ember.multinomial(w, 20_000, replacement=True, generator=g).numpy()
    assert s.dtype == np.int64 and 1 not in s
    assert abs((s == 2).mean() - 0.75) < 0.02
    rows = ember.multinomial(ember.ones(4, 5), 5, generator=g)
    assert rows.shape == (4, 5)
    for r in rows.tolist():
        assert sorted(r) == list(range(5))  # without replacement: a permutation
    first = ember.multinomial(ember.tensor([[100.0, 1.0, 1.0]]), 1, generator=g)
    assert first.shape == (1, 1)
    with pytest.raises(RuntimeError, match="cannot sample n_sample > prob_dist.size\\(-1\\) samples without"):
        ember.multinomial(ember.tensor([1.0, 0.0]), 3)
    with pytest.raises(RuntimeError, match="probability tensor contains either `inf`, `nan` or element < 0"):
        ember.multinomial(ember.tensor([-1.0, 0.0]), 1)
    with pytest.raises(RuntimeError, match="prob_dist must be 1 or 2 dim"):
        ember.multinomial(ember.ones(2, 3, 4), 1)


def test_inplace_semantics():
    t = ember.zeros(4)
    v0 = t._version
    r = t.uniform_()
    assert r is t and t._version == v0 + 1 and t.grad_fn is None
    leaf = ember.zeros(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
        leaf.normal_()
    with ember.no_grad():
        leaf.normal_()  # allowed without grad, like torch's nn.init
    base = ember.zeros(2, 4)
    base[0].fill_(0)
    row = base[1]
    row.bernoulli_(1.0)
    np.testing.assert_array_equal(base.numpy()[1], np.ones(4))  # views write through


def test_random_and_bounds():
    g = ember.Generator().manual_seed(2)
    t = ember.empty(1000, dtype=ember.int32).random_(5, 9, generator=g)
    assert t.dtype == ember.int32 and t.numpy().min() >= 5 and t.numpy().max() <= 8
    f = ember.empty(1000).random_(10, generator=g).numpy()
    assert f.min() >= 0 and f.max() <= 9 and np.all(f == np.round(f))
    big = ember.empty(100).random_(generator=g).numpy()
    assert big.max() <= 2 ** 24
    with pytest.raises(RuntimeError, match="random_ expects 'from' to be less than 'to', but got from=5 >= to=2"):
        ember.empty(3).random_(5, 2)
    with pytest.raises(RuntimeError, match="random_ expects 'from' to be less than 'to'"):
        ember.randint(3, 2, (3,))
    with pytest.raises(RuntimeError, match="uniform_ expects to return a \\[from, to\\) range"):
        ember.empty(3).uniform_(2, 1)
    with pytest.raises(RuntimeError, match="geometric_ expects p to be in \\(0, 1\\)"):
        ember.empty(3).geometric_(0)
    with pytest.raises(RuntimeError, match="exponential_ expects lambda > 0.0"):
        ember.empty(3).exponential_(-1)
    with pytest.raises(RuntimeError, match="invalid Poisson rate"):
        ember.poisson(ember.tensor([-1.0]))
    with pytest.raises(RuntimeError, match="Expected p_in >= 0 && p_in <= 1"):
        ember.bernoulli(ember.tensor([1.5]))
    with pytest.raises(RuntimeError, match="not implemented for 'Long'"):
        ember.rand(3, dtype=ember.int64)
    with pytest.raises(RuntimeError, match="Trying to create tensor with negative dimension"):
        ember.randperm(-1)


def test_bernoulli_p_and_methods():
    g = ember.Generator().manual_seed(4)
    x = ember.ones(1000, dtype=ember.float64)
    r = ember.bernoulli(x, 0.5, generator=g)
    assert r.dtype == ember.float64 and 0.4 < r.numpy().mean() < 0.6
    assert x.bernoulli().numpy().mean() == 1.0
    assert ember.ones(2, 3).multinomial(2).shape == (2, 2)
    p = ember.full((1000,), 0.2)
    assert abs(ember.empty(1000).bernoulli_(p, generator=g).numpy().mean() - 0.2) < 0.05
