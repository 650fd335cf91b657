"""Tensor basics: dtypes and promotion, creation, conversion, printing, pickling, devices."""
from __future__ import annotations

import copy
import itertools
import pickle

import numpy as np
import pytest

import ember

def _tname(t):
    # ember has no complex32 (chalf); where torch promotes float16 with complex to it, ember gives complex64
    return {"complex32": "complex64"}.get(str(t).split(".")[1], str(t).split(".")[1])


ALL = [ember.bool, ember.uint8, ember.int8, ember.int16, ember.int32, ember.int64, ember.float16, ember.bfloat16,
       ember.float32, ember.float64, ember.complex64, ember.complex128]


def test_promote_types_matches_torch_table():
    torch = pytest.importorskip("torch")
    for a, b in itertools.product(ALL, ALL):
        got = ember.promote_types(a, b)
        exp = torch.promote_types(getattr(torch, a.name), getattr(torch, b.name))
        assert got.name == _tname(exp), (a, b)


def test_result_type_dims_zero_dim_and_scalars_match_torch():
    torch = pytest.importorskip("torch")
    scalars = [True, 2, 2.5, 1 + 1j]
    for a, b in itertools.product(ALL, ALL):
        ea, eb = ember.ones(2, dtype=a), ember.ones((), dtype=b)
        ta, tb = torch.ones(2, dtype=getattr(torch, a.name)), torch.ones((), dtype=getattr(torch, b.name))
        assert ember.result_type(ea, eb).name == _tname(torch.result_type(ta, tb)), (a, b)
    for a, s in itertools.product(ALL, scalars):
        got = ember.result_type(ember.ones(2, dtype=a), s).name
        exp = _tname(torch.result_type(torch.ones(2, dtype=getattr(torch, a.name)), s))
        assert got == exp, (a, s)


def test_binary_op_result_dtypes():
    i32 = ember.tensor([1, 2], dtype=ember.int32)
    assert (i32 + 1).dtype == ember.int32
    assert (i32 + 1.5).dtype == ember.float32
    assert (i32 / 2).dtype == ember.float32 and (i32 / 2).tolist() == [0.5, 1.0]
    assert (i32 // 2).dtype == ember.int32
    assert (ember.tensor([1.0], dtype=ember.float16) * 2.0).dtype == ember.float16
    assert (ember.tensor([1, 2]) + ember.tensor(1.0, dtype=ember.float64)).dtype == ember.float64
    assert (ember.tensor([1.0]) + ember.tensor(1.0, dtype=ember.float64)).dtype == ember.float32
    assert (ember.tensor([True]) + ember.tensor([True])).dtype == ember.bool
    assert (ember.tensor([1.0]) + 1j).dtype == ember.complex64
    assert (ember.tensor([1, 2], dtype=ember.uint8) + ember.tensor([1], dtype=ember.int8)).dtype == ember.int16


def test_integer_division_semantics():
    a = ember.tensor([-7, 7])
    assert ember.div(a, 2).tolist() == [-3.5, 3.5]
    assert ember.div(a, 2, rounding_mode="floor").tolist() == [-4, 3]
    assert ember.div(a, 2, rounding_mode="trunc").tolist() == [-3, 3]
    assert (a // 2).tolist() == [-4, 3]
    assert (a % 3).tolist() == [2, 1]
    assert ember.fmod(a, 3).tolist() == [-1, 1]


def test_default_dtype_switch():
    assert ember.get_default_dtype() is ember.float32
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.tensor([1.0]).dtype == ember.float64 and ember.tensor([1j]).dtype == ember.complex128
        assert ember.ones(2).dtype == ember.float64
    finally:
        ember.set_default_dtype(ember.float32)
    with pytest.raises(TypeError):
        ember.set_default_dtype(ember.int64)


def test_finfo_iinfo():
    assert ember.finfo(ember.float32).eps == np.finfo(np.float32).eps
    assert ember.finfo(ember.bfloat16).bits == 16 and ember.finfo().dtype == "float32"
    assert ember.iinfo(ember.int8).min == -128 and ember.iinfo(ember.uint8).max == 255
    with pytest.raises(TypeError):
        ember.finfo(ember.int32)
    with pytest.raises(TypeError):
        ember.iinfo(ember.float32)


def test_tensor_inference_and_creation():
    assert ember.tensor([1, 2]).dtype == ember.int64
    assert ember.tensor([1.0, 2]).dtype == ember.float32
    assert ember.tensor(np.array([1.0])).dtype == ember.float64
    assert ember.tensor([True]).dtype == ember.bool
    assert ember.tensor([[1, 2], [3, 4]]).shape == (2, 2)
    assert ember.tensor([ember.tensor(1.0), ember.tensor(2.0)]).tolist() == [1.0, 2.0]
    assert ember.zeros(2, 3).shape == (2, 3) and ember.zeros((2, 3)).shape == (2, 3)
    assert ember.full((2,), 7).dtype == ember.int64 and ember.full((2,), 7.0).dtype == ember.float32
    assert ember.arange(5).dtype == ember.int64 and ember.arange(0, 1, 0.25).tolist() == [0, 0.25, 0.5, 0.75]
    assert ember.linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert np.allclose(ember.logspace(0, 2, 3).numpy(), [1, 10, 100])
    assert ember.eye(2, 3).tolist() == [[1, 0, 0], [0, 1, 0]]
    assert ember.zeros_like(ember.ones(2, dtype=ember.int32)).dtype == ember.int32
    assert ember.empty(0).numel() == 0
    with pytest.raises(RuntimeError, match="negative dimension"):
        ember.zeros(-1)
    with pytest.raises(TypeError):
        ember.tensor(["a"])


def test_from_numpy_shares_memory_and_as_tensor():
    a = np.zeros(3, dtype=np.float32)
    t = ember.from_numpy(a)
    t[0] = 5
    assert a[0] == 5
    a[1] = 7
    assert t[1].item() == 7
    assert ember.as_tensor(a)._data is a
    b = ember.tensor(a)
    b[2] = 1
    assert a[2] == 0


def test_meshgrid_tril_triu():
    x, y = ember.meshgrid(ember.arange(3), ember.arange(2), indexing="ij")
    assert x.shape == (3, 2) and y[0].tolist() == [0, 1]
    x, y = ember.meshgrid(ember.arange(3), ember.arange(2), indexing="xy")
    assert x.shape == (2, 3)
    m = ember.ones(3, 3)
    assert ember.tril(m).sum().item() == 6 and ember.triu(m, 1).sum().item() == 3


def test_numpy_item_tolist_and_errors():
    t = ember.tensor([[1.0, 2.0]])
    assert t.numpy().shape == (1, 2) and t.tolist() == [[1.0, 2.0]]
    with pytest.raises(RuntimeError, match="requires grad"):
        ember.ones(2, requires_grad=True).numpy()
    assert ember.tensor(3).item() == 3 and isinstance(ember.tensor(2.5).item(), float)
    with pytest.raises(RuntimeError, match="cannot be converted to Scalar"):
        ember.ones(2).item()
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(ember.ones(2))
    assert float(ember.tensor([4.0])) == 4.0 and int(ember.tensor(3.7)) == 3


def test_to_and_device():
    t = ember.tensor([1.5, 2.5])
    assert t.to(ember.int64).tolist() == [1, 2]
    assert t.to("cpu") is t and t.to(ember.float32) is t
    assert t.to(ember.float64, copy=True)._data is not t._data
    assert t.double().dtype == ember.float64 and t.half().dtype == ember.float16 and t.long().dtype == ember.int64
    assert t.device == ember.device("cpu") and str(t.device) == "cpu" and t.is_cpu and not t.is_cuda
    assert ember.device("cuda:1").index == 1 and ember.device("cuda", 0) == ember.device("cuda:0")
    with pytest.raises(RuntimeError):
        ember.device("tpu")
    assert ember.cuda.is_available() in (True, False)
    if not ember.cuda.is_available():
        assert ember.cuda.device_count() == 0
        with pytest.raises((RuntimeError, AssertionError)):
            t.cuda()
    r = ember.ones(2, requires_grad=True)
    r.double().sum().backward()
    assert r.grad.dtype == ember.float32


def test_repr_matches_torch():
    torch = pytest.importorskip("torch")
    cases = [np.array([1.0, 2.0, 3.0], np.float32), np.array([[0.1, 2.0], [3.0, 44.5]], np.float32),
             np.array([1, 2, 3]), np.array([True, False]), np.array(3.5, np.float32), np.array([1.0, 2.0]),
             np.array([1e-5, 1.0], np.float32), np.array([1, 2], np.int32), np.zeros((0, 2), np.float32),
             np.array([float("nan"), float("inf"), -1.0], np.float32), np.arange(12.0).reshape(3, 4)]
    for a in cases:
        e = repr(ember.tensor(a)).replace("ember.", "torch.")
        t = repr(torch.tensor(a))
        assert e == t, (e, t)
    x = ember.ones(2, requires_grad=True)
    assert repr(x) == "tensor([1., 1.], requires_grad=True)"
    assert repr(x * 2) == "tensor([2., 2.], grad_fn=<MulBackward0>)"
    assert repr(ember.arange(2000.0)).count("...") == 1


def test_pickle_and_deepcopy():
    t = ember.arange(6.0).reshape(2, 3).requires_grad_()
    r = pickle.loads(pickle.dumps(t))
    assert r.tolist() == t.tolist() and r.requires_grad
    d = copy.deepcopy(t)
    assert d.tolist() == t.tolist() and d._data is not t._data
    with pytest.raises(RuntimeError, match="graph leaves"):
        copy.deepcopy(t * 2)


def test_shape_mismatch_error_names_op_and_shapes():
    with pytest.raises(RuntimeError, match=r"size of tensor a \(3\) must match the size of tensor b \(4\)"):
        ember.ones(2, 3) + ember.ones(4)
    with pytest.raises(RuntimeError, match="mat1 and mat2 shapes cannot be multiplied"):
        ember.ones(2, 3) @ ember.ones(4, 5)


def test_inplace_dtype_and_shape_errors():
    i = ember.tensor([1, 2])
    with pytest.raises(RuntimeError, match="can't be cast"):
        i.add_(1.5)
    a = ember.ones(3)
    with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
        a.add_(ember.ones(2, 3))
    a.add_(ember.ones(1))
    assert a.tolist() == [2.0, 2.0, 2.0]
