"""nn ops that torch also exposes at the top level, with torch's top-level argument orders."""
from __future__ import annotations

import numpy as np
import pytest

import ember

rng = np.random.default_rng(0)
X = rng.random((2, 3, 8, 8))
CASES = [
    ("conv2d", (X, rng.random((4, 3, 3, 3)))),
    ("conv_transpose2d", (X, rng.random((3, 2, 3, 3)))),
    ("layer_norm", (X, [8])),
    ("group_norm", (X, 1)),
    ("max_pool2d", (X, 2)),
    ("avg_pool1d", (X[0], 2)),
    ("embedding", (rng.random((5, 3)), np.array([1, 2, 4]))),
    ("adaptive_max_pool1d", (X[0], 3)),
    ("batch_norm", (X, None, None, np.zeros(3), np.ones(3), False, 0.1, 1e-5, False)),
    ("instance_norm", (X, None, None, None, None, True, 0.1, 1e-5, False)),
    ("dropout", (X, 0.0, True)),
    ("pixel_shuffle", (rng.random((1, 4, 2, 2)), 2)),
    ("cosine_similarity", (X[0, 0], X[0, 1])),
    ("pdist", (X[0, 0],)),
    ("selu", (X - 0.5,)),
    ("threshold", (X, 0.5, -1.0)),
]


@pytest.mark.parametrize("name,args", CASES, ids=[c[0] for c in CASES])
def test_toplevel_matches_torch(name, args):
    torch = pytest.importorskip("torch")
    t = getattr(torch, name)(*[torch.from_numpy(a) if isinstance(a, np.ndarray) else a for a in args])
    e = getattr(ember, name)(*[ember.from_numpy(a) if isinstance(a, np.ndarray) else a for a in args])
    t, e = (t if isinstance(t, tuple) else (t,)), (e if isinstance(e, tuple) else (e,))
    for a, b in zip(e, t):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12)


def test_toplevel_exist_without_torch():
    for name, _ in CASES:
        assert callable(getattr(ember, name))
    out = ember.embedding(ember.eye(3), ember.tensor([2, 0]))
    assert out.tolist() == [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
