"""Tensor printing: ``repr`` matches torch character for character (``ember.`` for ``torch.`` in dtypes)."""
from __future__ import annotations

import numpy as np
import pytest

import ember

ARRAYS = {
    "small": np.array([1e-5, 1.0, 2.0], np.float32),
    "large": np.array([1e9, 1.0], np.float32),
    "neg": np.array([-1.5, 2.25, 3.0], np.float32),
    "nan-inf": np.array([np.nan, np.inf, -np.inf, 1.5], np.float32),
    "only-nonfinite": np.array([np.nan, np.inf], np.float32),
    "int64": np.array([1, -20, 300], np.int64),
    "int32": np.array([1, -20, 300], np.int32),
    "uint8": np.array([1, 2], np.uint8),
    "bool": np.array([True, False]),
    "float64": np.array([1.5, 2.0]),
    "float64-int-valued": np.array([1.0, 2.0]),
    "int-valued": np.array([1.0, 2.0, -3.0], np.float32),
    "0d": np.array(3.5, np.float32),
    "0d-int": np.array(3),
    "0d-nan": np.array(np.nan, np.float32),
    "0d-zero": np.array(0.0, np.float32),
    "complex64": np.array([1 + 2j, -3.5 - 1j], np.complex64),
    "complex128": np.array([1 + 2j, -3.5 - 1j, 0.25 + 1e-5j]),
    "complex-0d": np.array(1 - 0j, np.complex64),
    "3d": np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7,
    "summarised-1d": np.arange(2000, dtype=np.float32),
    "summarised-2d": np.arange(4000, dtype=np.float32).reshape(40, 100) / 3,
    "summarised-3d-int": np.arange(3000, dtype=np.int64).reshape(10, 15, 20),
    "summarised-complex": (np.arange(1200) * (1 + 0.5j)).astype(np.complex64),
    "wrapping": np.linspace(0, 1, 30, dtype=np.float32),
    "wrapping-sci-f64": np.logspace(-10, 10, 30),
    "empty": np.zeros((0,), np.float32),
    "empty-2d": np.zeros((2, 0), np.float32),
    "empty-int": np.zeros((0,), np.int64),
    "float16": np.array([1.5, 2], np.float16),
    "tiny": np.array([1e-10, 1e-12], np.float32),
    "sci-with-nan": np.array([1e-5, 1e5, np.nan], np.float32),
    "big-int": np.array([123456789012, -1], np.int64),
    "neg-zero": np.array([-0.0, 0.0], np.float32),
    "one-big": np.array([123456.7], np.float32),
    "precision": np.array([0.123456789, 10.5], np.float32),
    "int-valued-1e10": np.array([1e10, 1], np.float32),
    "int-valued-1e8": np.array([1e8, 1], np.float32),
    "long-row-int": np.arange(100, dtype=np.int64) * 12345,
}


def _same(t_repr: str, e_repr: str):
    assert e_repr == t_repr.replace("torch.", "ember.")


@pytest.mark.parametrize("name", list(ARRAYS))
def test_repr_matches_torch(name):
    torch = pytest.importorskip("torch")
    a = ARRAYS[name]
    _same(repr(torch.tensor(a)), repr(ember.tensor(a)))
    _same(str(torch.tensor(a)), str(ember.tensor(a)))


def test_autograd_suffixes():
    torch = pytest.importorskip("torch")
    t = torch.tensor([1.0, 2.0], requires_grad=True)
    e = ember.tensor([1.0, 2.0], requires_grad=True)
    _same(repr(t), repr(e))
    _same(repr(t * 2), repr(e * 2))
    _same(repr(t.double() * 2), repr(e.double() * 2))
    big_t = torch.linspace(0, 1, 40, dtype=torch.float64, requires_grad=True)
    big_e = ember.linspace(0, 1, 40, dtype=ember.float64, requires_grad=True)
    _same(repr(big_t), repr(big_e))  # suffixes wrap onto their own line past the line width


@pytest.mark.parametrize("opts", [dict(precision=2), dict(sci_mode=True), dict(sci_mode=False), dict(edgeitems=1),
                                  dict(threshold=5), dict(linewidth=40), dict(profile="short"),
                                  dict(edgeitems=0, threshold=5)])
def test_printoptions(opts):
    torch = pytest.importorskip("torch")
    a = (np.arange(60, dtype=np.float32).reshape(3, 20) - 20) / 3
    try:
        torch.set_printoptions(**opts)
        ember.set_printoptions(**opts)
        _same(repr(torch.tensor(a)), repr(ember.tensor(a)))
        _same(repr(torch.tensor(a[0].astype(np.int64))), repr(ember.tensor(a[0].astype(np.int64))))
    finally:
        torch.set_printoptions(profile="default")
        ember.set_printoptions(profile="default")


def test_default_dtype_changes_suffix():
    torch = pytest.importorskip("torch")
    try:
        torch.set_default_dtype(torch.float64)
        ember.set_default_dtype(ember.float64)
        for a in (np.array([1.5], np.float32), np.array([1.5]), np.array([1 + 1j]), np.array([1 + 1j], np.complex64)):
            _same(repr(torch.tensor(a)), repr(ember.tensor(a)))
    finally:
        torch.set_default_dtype(torch.float32)
        ember.set_default_dtype(ember.float32)


def test_repr_without_torch():
    assert repr(ember.tensor([1.0, 2.5])) == "tensor([1.0000, 2.5000])"
    assert repr(ember.tensor([1, 2], dtype=ember.int32)) == "tensor([1, 2], dtype=ember.int32)"
    assert repr(ember.tensor([True, False])) == "tensor([ True, False])"
    assert repr(ember.arange(2000.0)) == ("tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
                                          "        1.9990e+03])")
    assert repr(ember.tensor([1 + 2j])) == "tensor([1.+2.j])"
    assert repr(ember.zeros(2, 0)) == "tensor([], size=(2, 0))"
    assert repr(ember.ones(2, requires_grad=True) * 2) == "tensor([2., 2.], grad_fn=<MulBackward0>)"
    assert format(ember.tensor(2.5), ".2f") == "2.50"
