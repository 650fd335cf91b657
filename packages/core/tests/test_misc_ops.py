"""ops.misc: parity with torch (values, dtypes, reprs, error types) plus behaviour without torch."""
from __future__ import annotations

import math

import numpy as np
import pytest

import ember

nan = float("nan")

# Each case runs on both modules (``m`` is torch or ember); results are compared through repr, which also checks
# dtypes, shapes and named-tuple fields, and exceptions are compared by type.
CASES = [
    lambda m: m.addcmul(m.ones(2), m.tensor([1,2]), m.tensor([3,4]), value=2),
    lambda m: m.addcdiv(m.ones(2,dtype=m.int64), m.tensor([1,2]), m.tensor([3,4])),
    lambda m: m.addcdiv(m.ones(2), m.tensor([1.,2]), m.tensor([3,4]), value=0.5),
    lambda m: m.copysign(m.tensor([1,2]), -1),
    lambda m: m.copysign(m.tensor([1.,-2, 0]), m.tensor([-0.0, 1, -1])),
    lambda m: m.logaddexp(m.tensor([1.,2]), m.tensor([1,2])),
    lambda m: m.logaddexp(m.tensor([1,2]), m.tensor([1,2])),
    lambda m: m.logaddexp2(m.tensor([1.,-float('inf')]), m.tensor([3., -float('inf')])),
    lambda m: m.heaviside(m.tensor([-1.,0,2]), m.tensor([.5])),
    lambda m: m.heaviside(m.tensor([-1.,0,2]), m.tensor([1])),
    lambda m: m.heaviside(m.tensor([-1,0,2]), m.tensor([7])),
    lambda m: m.nextafter(m.tensor([1.,2]), m.tensor([2.,1])) - m.tensor([1.,2]),
    lambda m: m.gcd(m.tensor([4,6]), m.tensor([6,9])),
    lambda m: m.lcm(m.tensor([4,6]), m.tensor([6,9])),
    lambda m: m.gcd(m.tensor([4.,6]), m.tensor([6,9])),
    lambda m: (m.deg2rad(m.tensor([180])), m.ldexp(m.tensor([1]), m.tensor([3]))),
    lambda m: m.rad2deg(m.tensor([3.14159], dtype=m.float64)),
    lambda m: m.frexp(m.tensor([8.,0,-3])),
    lambda m: m.frexp(m.tensor([8])),
    lambda m: (m.i0(m.tensor([1])), m.isreal(m.tensor([1+0j, 1+1j])), m.isreal(m.tensor([1.]))),
    lambda m: (m.isin(m.tensor([1,2,3]), m.tensor([2])), m.isin(m.tensor([1,2,3]), 2), m.isin(2, m.tensor([2]))),
    lambda m: m.isin(m.tensor([1,2,3]), m.tensor([2]), invert=True),
    lambda m: (m.bucketize(m.tensor([1,5,9]), m.tensor([1,3,5,7])), m.bucketize(m.tensor([1,5,9]), m.tensor([1,3,5,7]), right=True)),
    lambda m: m.searchsorted(m.tensor([[1,3,5],[2,4,6]]), m.tensor([[3],[3]]), right=True),
    lambda m: m.searchsorted(m.tensor([[1,3,5],[2,4,6]]), m.tensor([[3, 4, 5],[3, 0, 9]]), side='right', out_int32=True),
    lambda m: m.searchsorted(m.tensor([1,3,5]), 3),
    lambda m: m.searchsorted(m.tensor([5,1,3]), m.tensor([2, 4]), sorter=m.tensor([1,2,0])),
    lambda m: m.searchsorted(m.tensor([[1,3,5],[2,4,6]]), m.tensor([[3],[3],[2]])),
    lambda m: m.bucketize(3, m.tensor([1,3,5])),
    lambda m: m.bincount(m.tensor([-1])),
    lambda m: m.bincount(m.tensor([0,1,1,3]), weights=m.tensor([1.,2,3,4])),
    lambda m: m.bincount(m.tensor([0,1,1,3]), weights=m.tensor([1,2,3,4]), minlength=6),
    lambda m: m.bincount(m.tensor([0,1,1,3], dtype=m.int32)),
    lambda m: m.histc(m.tensor([1,2,1]).float(), bins=4, min=0, max=3),
    lambda m: m.histc(m.tensor([1,2,1])),
    lambda m: m.histc(m.tensor([1.,2,1,7,-3,5]), bins=5),
    lambda m: m.histc(m.tensor([1.,1]), bins=4),
    lambda m: m.histogram(m.tensor([1.,2,1]), bins=4),
    lambda m: m.histogram(m.tensor([1.,1,1]), bins=4),
    lambda m: m.histogram(m.tensor([1.,2,1]), bins=m.tensor([0.,1,2.5])),
    lambda m: m.histogram(m.tensor([1.,2,1]), bins=3, range=(0., 3.), weight=m.tensor([1.,2,3]), density=True),
    lambda m: m.histogramdd(m.tensor([[0., 1.], [1., 0.], [2., 0.], [2., 2.]]), bins=[3, 3], weight=m.tensor([1., 2., 4., 8.])),
    lambda m: m.rsub(m.tensor([1,2]), 3, alpha=2),
    lambda m: m.igamma(m.tensor([1.,2]), m.tensor([1.,2])),
    lambda m: m.igammac(m.tensor([1.,2]), m.tensor([1.,2])),
    lambda m: m.mvlgamma(m.tensor([1.,2]), p=2),
    lambda m: m.mvlgamma(m.tensor([2.,3]), p=3),
    lambda m: m.isclose(m.ones(2), m.ones(2,dtype=m.int64)),
    lambda m: m.isclose(m.tensor([1., float('nan'), float('inf')]), m.tensor([1.00001, float('nan'), float('inf')]), equal_nan=True),
    lambda m: m.allclose(m.tensor([1, 2]), m.tensor([1, 3]), atol=1),
    lambda m: m.isclose(m.tensor([True]), m.tensor([False])),
    lambda m: (m.equal(m.ones(2), m.ones(2,dtype=m.int64)), m.equal(m.ones(2), m.ones(3))),
    lambda m: m.trapezoid(m.tensor([1,2,3])),
    lambda m: m.trapezoid(m.tensor([[1.,2,3],[4,5,7]]), m.tensor([0.,1,3])),
    lambda m: m.trapezoid(m.tensor([[1.,2,3],[4,5,7]]), dx=0.5, dim=0),
    lambda m: m.trapezoid(m.tensor([[1.,2,3],[4,5,7]]), m.tensor([[0.,1,3],[1,2,2]])),
    lambda m: m.trapz(m.tensor([1.,2,3]), m.tensor([0.,1,3])),
    lambda m: m.trapezoid(m.tensor([1.])),
    lambda m: m.trapezoid(m.zeros(2, 0)),
    lambda m: m.cumulative_trapezoid(m.tensor([1.,2,3]), dx=2),
    lambda m: m.cumulative_trapezoid(m.tensor([[1.,2,3],[4,5,7]]), m.tensor([0.,1,3])),
    lambda m: m.cov(m.tensor([[1.,2,4],[1,0,3]])),
    lambda m: m.cov(m.tensor([[1,2,4],[1,0,3]])),
    lambda m: m.cov(m.tensor([1.,2,4])),
    lambda m: m.cov(m.tensor([[1.,2,4],[1,0,3]]), correction=0, fweights=m.tensor([1,2,1]), aweights=m.tensor([0.5,1,2])),
    lambda m: m.cov(m.tensor([[1.,2,4],[1,0,3]]), aweights=m.tensor([0.5,1,2])),
    lambda m: m.corrcoef(m.tensor([[1.,2,4],[1,0,3],[3,1,1]])),
    lambda m: m.corrcoef(m.tensor([1.,2,4])),
    lambda m: m.cartesian_prod(m.tensor([1,2]), m.tensor([3,4]), m.tensor([5])),
    lambda m: m.cartesian_prod(m.tensor([1,2])),
    lambda m: m.combinations(m.tensor([1,2,3]), r=2, with_replacement=True),
    lambda m: m.combinations(m.tensor([1,2,3,4]), r=3),
    lambda m: m.combinations(m.tensor([1,2,3]), r=0),
    lambda m: m.combinations(m.tensor([1,2,3]), r=4),
    lambda m: m.block_diag(m.ones(1,2), m.tensor([3,4]), m.tensor(5.), m.ones(0,2)),
    lambda m: m.block_diag(),
    lambda m: m.block_diag(m.ones(2,2,2)),
    lambda m: m.quantile(m.tensor([[1.,2,4],[1,0,3]]), m.tensor([0.25,0.5]), dim=1, keepdim=True),
    lambda m: m.quantile(m.tensor([[1.,2,4],[1,0,3]]), m.tensor([0.25,0.5]), keepdim=True),
    lambda m: m.quantile(m.tensor([[1.,2,4],[1,0,3]]), 0.3, keepdim=True),
    lambda m: m.quantile(m.tensor([[1.,2,4],[1,0,3]]), 0.3, dim=0),
    lambda m: m.nanquantile(m.tensor([[1.,nan,4],[1,0,3],[nan,nan,nan]]), 0.5, dim=1),
    lambda m: m.quantile(m.tensor([1,2]), 0.5),
    lambda m: m.quantile(m.tensor([1.,2]), 1.5),
    lambda m: m.quantile(m.tensor(3.), 0.5),
    lambda m: m.quantile(m.tensor(3.), 0.5, dim=0, keepdim=True),
    lambda m: m.tensor([[1.,2,4],[1,0,3]]).quantile(0.5, 1),
    lambda m: m.msort(m.tensor([[1.,2,4],[1,0,3]])),
    lambda m: m.renorm(m.tensor([[1.,2],[3,4]]), 2, 0, 3),
    lambda m: m.renorm(m.tensor([[1.,2],[3,4]]), 1, 1, 5),
    lambda m: m.renorm(m.tensor([1.,2]), 1, 0, 5),
    lambda m: m.gradient(m.tensor([1.,4,9,16])),
    lambda m: m.gradient(m.tensor([[1.,4,9],[2,3,5]]), spacing=2., edge_order=2),
    lambda m: m.gradient(m.tensor([[1.,4,9, 7],[2,3,5, 1], [0, 1, 1, 3]]), spacing=2., edge_order=2),
    lambda m: m.gradient(m.tensor([1.,4,9,16]), spacing=(m.tensor([0.,1,3,4]),)),
    lambda m: m.gradient(m.tensor([1.,4,9,16]), spacing=(m.tensor([0.,1,3,4]),), edge_order=2),
    lambda m: m.gradient(m.tensor([[1,4,9,16],[2,2,2,3]]), dim=1),
    lambda m: m.gradient(m.tensor([[1.,4,9,16],[2,2,2,3]]), spacing=[2., 3.]),
    lambda m: m.tensor([1,2]).sum_to_size(1),
    lambda m: m.ones(2,3).sum_to_size(3),
    lambda m: m.ones(2,3).sum_to_size(2, 1),
    lambda m: m.ones(2,3).sum_to_size(4),
    lambda m: (m.ones(2,3).dim_order(), m.ones(2,3).t().dim_order(), m.ones(2,3,4).permute(2,0,1).dim_order()),
    lambda m: m.tensor([1,2]).type_as(m.ones(1)),
    lambda m: m.tensor(3) / 2,
    lambda m: (m.tensor([1,2]).is_signed(), m.tensor([1], dtype=m.uint8).is_signed(), m.tensor([True]).is_signed()),
    lambda m: m.tensor([1,2]).get_device(),
    lambda m: m.ones(3).untyped_storage().nbytes(),
    lambda m: (lambda x: (x[1:].untyped_storage().data_ptr() == x.untyped_storage().data_ptr(), x[1:].data_ptr() - x.data_ptr()))(m.ones(3)),
    lambda m: (lambda x: (x.is_set_to(x), x.is_set_to(x[:]), x.is_set_to(x.view(3)), x.is_set_to(x.clone())))(m.ones(3)),
    lambda m: m.tensor([1.,2,3]).apply_(lambda v: v*2+1),
    lambda m: m.tensor([1,2,3]).map_(m.tensor([10]), lambda a, b: a + b),
    lambda m: m.tensor([1,2,3]).map2_(m.tensor([10]), m.tensor([1, 1, 2]), lambda a, b, c: a + b * c),
    lambda m: m.tensor([1.,2,3]).resize_(2, 2)[0],
    lambda m: m.tensor([1.,2,3]).resize_(2),
    lambda m: m.ones(3, 3).fill_diagonal_(5),
    lambda m: m.ones(5, 2).fill_diagonal_(5, wrap=True),
    lambda m: m.ones(2, 2, 2).fill_diagonal_(5),
    lambda m: m.ones(2, 3, 2).fill_diagonal_(5),
    lambda m: m.ones(2).fill_diagonal_(5),
    lambda m: m.tensor([1.,2,3]).cumsum_(0),
    lambda m: (m.tensor([1.,2]).positive(), m.tensor([True]).positive()),
    lambda m: m.softmax(m.tensor([1.,2]), 0),
    lambda m: m.tensor([[1.,2]]).log_softmax(-1),
    lambda m: (m.tensor([-1.,2]).relu(), m.relu(m.tensor([-1.,2])), m.tensor([-1.,.2]).hardshrink()),
    lambda m: m.is_same_size(m.ones(2), m.ones(2, 1)),
    lambda m: m.ones(2, 3).sum_to_size((1, 3)),
    lambda m: m.zeros(2).set_(m.arange(6.).untyped_storage(), 1, (2, 2), (2, 1)),
]
CASES += [(lambda w: (lambda m: getattr(m, w)(5)))(w) for w in
          ("hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window")]
CASES += [(lambda w: (lambda m: getattr(m, w)(6, periodic=False, dtype=m.float64)))(w) for w in
          ("hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window")]
CASES += [(lambda w: (lambda m: (getattr(m, w)(1), getattr(m, w)(0))))(w) for w in ("hann_window", "kaiser_window")]
CASES += [(lambda i: (lambda m: m.quantile(m.tensor([[1., 7, 4, 9], [1, 0, 3, 2]]), m.tensor([0., 0.3, 0.5, 0.62, 1.]),
                                           dim=1, interpolation=i)))(i)
          for i in ("lower", "higher", "nearest", "midpoint", "linear")]


def _run(fn, m):
    try:
        return repr(fn(m))
    except Exception as e:  # noqa: BLE001 - the exception type is part of the contract
        return f"raised {type(e).__name__}"


@pytest.mark.parametrize("i", range(len(CASES)))
def test_parity_with_torch(i):
    torch = pytest.importorskip("torch")
    exp = _run(CASES[i], torch).replace("torch.", "")
    got = _run(CASES[i], ember).replace("ember.", "").replace("torch.", "")
    assert got == exp


def _grads(m):
    a = m.tensor([1., -2., 0.5], dtype=m.float64, requires_grad=True)
    b = m.tensor([-1., 3, -0.0], dtype=m.float64, requires_grad=True)
    outs = [m.copysign(a, b), m.logaddexp(a, b), m.logaddexp2(a, b), m.addcmul(a, a, b, value=.5),
            m.addcdiv(a, a, b + 5, value=2), m.i0(a), m.frexp(a * 3).mantissa,
            m.igamma(a.detach().abs() + 1, b.abs() + 1), m.igammac(a.detach().abs() + 1, b.abs() + 1),
            m.mvlgamma(a.abs() + 2, 3), m.trapezoid(a * b), m.cov(m.stack([a, b])), m.quantile(a * b, 0.3),
            m.block_diag(a, b.reshape(3, 1)), m.renorm(m.stack([a, b]), 2, 0, 1.5), m.deg2rad(a),
            m.ldexp(a, m.tensor([1, 2, 3])), m.cumulative_trapezoid(a, b), m.gradient(a * b)[0],
            m.combinations(a).prod(-1), m.ones(3, 3, dtype=m.float64).mul(a).fill_diagonal_(2.0),
            m.corrcoef(m.stack([a, b, a * b])), m.rsub(a, b, alpha=3), m.nextafter(a, b),
            m.nanquantile(m.stack([a, b]), 0.7, dim=1)]
    res = []
    for o in outs:
        gs = m.autograd.grad(o.sum(), [a, b], allow_unused=True)
        res.append([None if g is None else np.round(np.asarray(g.tolist()), 6).tolist() for g in gs])
    return res


def test_gradients_match_torch():
    torch = pytest.importorskip("torch")
    assert _grads(ember) == _grads(torch)


def test_igamma_input_has_no_derivative():
    a = ember.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(NotImplementedError, match="igamma: input"):
        ember.igamma(a, ember.tensor([1.0, 2.0])).sum().backward()


def test_heaviside_has_no_derivative():
    a = ember.tensor([1.0, -2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="not implemented"):
        ember.heaviside(a, ember.tensor([0.5])).sum().backward()


@pytest.mark.parametrize("f", [lambda a, b: ember.logaddexp(a, b), lambda a, b: ember.addcmul(a, a, b),
                               lambda a, b: ember.addcdiv(a, b, a + 3), lambda a, b: ember.i0(a) * b,
                               lambda a, b: ember.block_diag(a, b), lambda a, b: ember.copysign(a, b) * b])
def test_double_backward_through_fused_ops(f):
    x = ember.tensor([0.3, -1.2, 2.0], dtype=ember.float64, requires_grad=True)
    y = ember.tensor([1.5, 0.7, -0.4], dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradgradcheck(f, (x, y))


def test_inplace_variants_and_methods():
    x = ember.tensor([1.0, 2.0, 3.0])
    assert x.addcmul_(ember.tensor([1.0, 1, 1]), ember.tensor([2.0, 2, 2]), value=0.5) is x
    assert x.tolist() == [2.0, 3.0, 4.0]
    x.addcdiv_(ember.tensor([2.0, 3, 4]), ember.tensor([2.0, 3, 4]))
    assert x.tolist() == [3.0, 4.0, 5.0]
    assert x.cumsum_(0).tolist() == [3.0, 7.0, 12.0]
    assert ember.tensor([1, 2]).type_as(ember.ones(1, dtype=ember.float64)).dtype == ember.float64
    assert ember.tensor([[1.0, 5.0], [3.0, 4.0]]).quantile(0.5).item() == 3.5


def test_storage_and_pointers():
    x = ember.arange(6.0)
    v = x[2:]
    assert v.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
    assert v.data_ptr() - x.data_ptr() == 2 * x.element_size()
    assert x.untyped_storage().nbytes() == 24 and len(x.untyped_storage()) == 24
    assert x.is_set_to(x) and not x.is_set_to(v) and not x.is_set_to(x.clone())
    assert x.get_device() == -1 and x.dim_order() == (0,)
    assert ember.ones(2, 3).t().dim_order() == (1, 0)


def test_resize_and_set():
    x = ember.tensor([1.0, 2.0, 3.0])
    x.resize_(2)
    assert x.tolist() == [1.0, 2.0]
    x.resize_(2, 2)
    assert x.shape == (2, 2) and x[0].tolist() == [1.0, 2.0]
    with pytest.raises(RuntimeError, match="require grad"):
        ember.ones(2, requires_grad=True).resize_(3)
    y = ember.zeros(1)
    src = ember.arange(6.0)
    y.set_(src)
    y[0] = 7
    assert src[0].item() == 7.0
    z = ember.zeros(1).set_(src.untyped_storage(), 1, (2, 2), (2, 1))
    assert z.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert ember.ones(3).set_().shape == (0,)


def test_python_callables_cpu_only():
    x = ember.tensor([1.0, 2.0])
    assert x.apply_(lambda v: v * v).tolist() == [1.0, 4.0]
    assert x.map_(ember.tensor(1.0), lambda a, b: a - b).tolist() == [0.0, 3.0]
    with pytest.raises(RuntimeError, match="leaf Variable"):
        ember.ones(2, requires_grad=True).apply_(abs)


def test_sum_to_size_and_errors():
    x = ember.ones(2, 3, 4)
    assert x.sum_to_size(3, 1).tolist() == [[8.0]] * 3
    with pytest.raises(RuntimeError, match="not expandable"):
        x.sum_to_size(5)


def test_fill_diagonal_errors_and_grad():
    with pytest.raises(RuntimeError, match="larger than 1"):
        ember.ones(3).fill_diagonal_(1)
    with pytest.raises(RuntimeError, match="equal length"):
        ember.ones(2, 3, 2).fill_diagonal_(1)
    w = ember.ones(3, 3, requires_grad=True)
    y = (w * 2).fill_diagonal_(0)
    y.sum().backward()
    assert w.grad.tolist() == [[0.0, 2.0, 2.0], [2.0, 0.0, 2.0], [2.0, 2.0, 0.0]]


def test_errors():
    with pytest.raises(RuntimeError, match="did not match"):
        ember.isclose(ember.ones(2), ember.ones(2, dtype=ember.float64))
    with pytest.raises(RuntimeError, match="side and right"):
        ember.searchsorted(ember.tensor([1, 2]), ember.tensor([1]), right=True, side="left")
    with pytest.raises(RuntimeError, match="1-d non-negative"):
        ember.bincount(ember.tensor([-1, 2]))
    with pytest.raises(NotImplementedError):
        ember.gcd(ember.tensor([1.0]), ember.tensor([2]))
    with pytest.raises(RuntimeError, match="different dtypes"):
        ember.heaviside(ember.tensor([1.0]), ember.tensor([1]))
    with pytest.raises(RuntimeError, match="floating point"):
        ember.hann_window(4, dtype=ember.int64)
    with pytest.raises(RuntimeError, match="Integer division"):
        ember.addcdiv(ember.ones(2), ember.tensor([1, 2]), ember.tensor([1, 2]))


def test_windows_match_formulas():
    n = 8
    k = np.arange(n + 1)
    hann = 0.5 - 0.5 * np.cos(2 * math.pi * k / n)
    np.testing.assert_allclose(ember.hann_window(n).numpy(), hann[:n], atol=1e-6)
    np.testing.assert_allclose(ember.kaiser_window(n, False, 5.0, dtype=ember.float64).numpy(), np.kaiser(n, 5.0))
    np.testing.assert_allclose(ember.bartlett_window(n, False, dtype=ember.float64).numpy(), np.bartlett(n))
    np.testing.assert_allclose(ember.blackman_window(n, False, dtype=ember.float64).numpy(), np.blackman(n), atol=1e-12)


def test_matmul_precision_switch():
    ember.set_float32_matmul_precision("high")
    assert ember.get_float32_matmul_precision() == "high"
    ember.set_float32_matmul_precision("highest")
    with pytest.raises(RuntimeError):
        ember.set_float32_matmul_precision("fast")


def test_tensor_from_python_floats_keeps_double_precision():
    assert ember.tensor([0.1], dtype=ember.float64).item() == 0.1
    assert ember.tensor(0.1, dtype=ember.complex128).item() == 0.1 + 0j
