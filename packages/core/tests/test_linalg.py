"""ember.linalg and the matmul family: results, shapes/dtypes, gradients torch's way, errors."""
from __future__ import annotations

import numpy as np
import pytest

import ember
import ember.linalg as LA

rng = np.random.default_rng(0)


def _t(*shape, rg=False):
    return ember.tensor(rng.standard_normal(shape), requires_grad=rg)


def test_namespace_does_not_clash():
    import ember.ops.linalg as opsL  # noqa: PLC0415

    assert ember.linalg is LA and LA.__name__ == "ember.linalg"
    assert opsL.__name__ == "ember.ops.linalg"
    assert issubclass(LA.LinAlgError, RuntimeError)


def test_tensor_methods_attached():
    a, b = _t(3, 4), _t(4, 2)
    np.testing.assert_allclose(a.mm(b).numpy(), a.numpy() @ b.numpy())
    v = _t(4)
    np.testing.assert_allclose(v.dot(v).numpy(), v.numpy() @ v.numpy())
    c = _t(4, 4)
    np.testing.assert_allclose(a.addmm(a, c).numpy(), a.numpy() + a.numpy() @ c.numpy())


def test_matmul_hot_path_is_plain_gemm():
    a = ember.tensor(rng.standard_normal((64, 64)).astype(np.float32))
    out = a @ a
    assert out.dtype == ember.float32
    np.testing.assert_allclose(out.numpy(), a.numpy() @ a.numpy(), rtol=1e-5)


def test_einsum_forms_and_errors():
    a, b = _t(3, 4), _t(4, 2)
    ref = a.numpy() @ b.numpy()
    np.testing.assert_allclose(ember.einsum("ij,jk->ik", a, b).numpy(), ref)
    np.testing.assert_allclose(ember.einsum("ij,jk", [a, b]).numpy(), ref)
    np.testing.assert_allclose(ember.einsum(a, [0, 1], b, [1, 2], [0, 2]).numpy(), ref)
    np.testing.assert_allclose(ember.einsum(a, [Ellipsis, 1], b, [1, 2]).numpy(), ref)
    np.testing.assert_allclose(ember.einsum("bi,Bi", _t(5, 2), _t(3, 2)).shape, (3, 5))
    with pytest.raises(RuntimeError, match="einsum\\(\\): fewer operands were provided"):
        ember.einsum("ij,jk", a)
    with pytest.raises(RuntimeError, match="output subscript k does not appear"):
        ember.einsum("ij->k", a)
    with pytest.raises(RuntimeError, match="subscript j has size 3 for operand 1 which does not broadcast with "
                                           "previously seen size 4"):
        ember.einsum("ij,jk", a, _t(3, 2))


def test_einsum_double_backward():
    x = _t(3, 3, rg=True)
    y = ember.einsum("ij,jk->ik", x, x).sum()
    (g,) = ember.autograd.grad(y, x, create_graph=True)
    (gg,) = ember.autograd.grad(g.sum(), x)
    # d/dx sum(x @ x) = 1 x^T + x^T 1 ; its sum's gradient is 2 * (column sums + row sums) pattern
    assert gg.shape == (3, 3) and np.isfinite(gg.numpy()).all()


def test_addmm_beta_zero_ignores_nan():
    inp = ember.full((2, 2), float("nan"), dtype=ember.float64)
    r = ember.addmm(inp, _t(2, 3), _t(3, 2), beta=0)
    assert np.isfinite(r.numpy()).all()


def test_decompositions_reconstruct():
    A = _t(5, 3)
    U, S, Vh = LA.svd(A, full_matrices=False)
    np.testing.assert_allclose(((U * S.unsqueeze(-2)) @ Vh).numpy(), A.numpy(), atol=1e-12)
    U, S, Vh = LA.svd(A)
    assert U.shape == (5, 5) and Vh.shape == (3, 3)
    Q, R = LA.qr(A)
    np.testing.assert_allclose((Q @ R).numpy(), A.numpy(), atol=1e-12)
    Q, R = LA.qr(A, mode="complete")
    assert Q.shape == (5, 5) and R.shape == (5, 3)
    Q, R = LA.qr(A, mode="r")
    assert Q.numel() == 0 and R.shape == (3, 3)
    M = A.mT @ A + ember.eye(3, dtype=ember.float64)
    L = LA.cholesky(M)
    np.testing.assert_allclose((L @ L.mT).numpy(), M.numpy(), atol=1e-12)
    np.testing.assert_allclose(LA.cholesky(M, upper=True).numpy(), L.mT.numpy(), atol=1e-12)
    w, V = LA.eigh(M)
    np.testing.assert_allclose(((V * w.unsqueeze(-2)) @ V.mT).numpy(), M.numpy(), atol=1e-12)
    assert w.dtype == ember.float64
    assert LA.eigh(M).eigenvalues is not None and LA.svd(A).Vh is not None


def test_dets_inverses_solves():
    A = ember.tensor(rng.standard_normal((3, 3)) + 3 * np.eye(3))
    np.testing.assert_allclose(LA.det(A).item(), np.linalg.det(A.numpy()))
    sign, logabs = LA.slogdet(A)
    np.testing.assert_allclose(sign.item() * np.exp(logabs.item()), np.linalg.det(A.numpy()))
    np.testing.assert_allclose((LA.inv(A) @ A).numpy(), np.eye(3), atol=1e-12)
    b = _t(3)
    np.testing.assert_allclose((A @ LA.solve(A, b)).numpy(), b.numpy(), atol=1e-12)
    B = _t(2, 3)
    np.testing.assert_allclose((LA.solve(A, B, left=False) @ A).numpy(), B.numpy(), atol=1e-12)
    np.testing.assert_allclose(LA.matrix_power(A, -1).numpy(), LA.inv(A).numpy(), atol=1e-12)
    np.testing.assert_allclose(LA.matrix_power(A, 0).numpy(), np.eye(3))


def test_singular_and_not_pd_raise_linalg_error():
    with pytest.raises(LA.LinAlgError, match="singular"):
        LA.inv(ember.zeros(3, 3))
    with pytest.raises(RuntimeError, match="singular"):  # LinAlgError is a RuntimeError, like torch
        LA.solve(ember.zeros(2, 2), ember.ones(2))
    with pytest.raises(LA.LinAlgError, match="leading minor of order 2 is not positive-definite"):
        LA.cholesky(ember.tensor([[1.0, 2.0], [2.0, 1.0]]))
    L, info = LA.cholesky_ex(ember.tensor([[1.0, 2.0], [2.0, 1.0]]))
    assert info.item() == 2


def test_shape_and_dtype_errors():
    with pytest.raises(RuntimeError, match="linalg.inv: A must be batches of square matrices, but they are 2 by 3"):
        LA.inv(ember.ones(2, 3))
    with pytest.raises(RuntimeError, match="linalg.inv: Expected a floating point or complex tensor as input. Got Int"):
        LA.inv(ember.ones(3, 3, dtype=ember.int32))
    with pytest.raises(RuntimeError, match="linalg.vector_norm: Expected a floating point or complex tensor"):
        LA.vector_norm(ember.ones(3, dtype=ember.int32))
    with pytest.raises(RuntimeError, match="If dim is not specified but ord is, the input must be 1D or 2D"):
        LA.norm(ember.ones(2, 2, 2), ord=2)
    with pytest.raises(RuntimeError, match="linalg.cross: inputs dimension -1 must have length 3. Got 4 and 4"):
        LA.cross(ember.ones(4), ember.ones(4))
    with pytest.raises(RuntimeError, match="contracted dimensions need to match"):
        ember.tensordot(ember.ones(2, 3), ember.ones(4, 5), dims=1)
    with pytest.raises(RuntimeError, match="size mismatch, got input \\(2\\), mat \\(2x3\\), vec \\(4\\)"):
        ember.mv(ember.ones(2, 3), ember.ones(4))


def test_norms_match_numpy():
    A = _t(3, 4)
    a = A.numpy()
    np.testing.assert_allclose(LA.norm(A).item(), np.linalg.norm(a))
    for o in ("fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf):
        np.testing.assert_allclose(LA.matrix_norm(A, o).item(), np.linalg.norm(a, o), err_msg=str(o))
    np.testing.assert_allclose(LA.vector_norm(A, 0).item(), 12)
    np.testing.assert_allclose(LA.vector_norm(A, 3, dim=(0, 1)).item(), (np.abs(a) ** 3).sum() ** (1 / 3))
    assert LA.vector_norm(A.float()).dtype == ember.float32
    assert LA.vector_norm(A.float(), dtype=ember.float64).dtype == ember.float64


def test_norm_grad_at_zero_is_zero():
    x = ember.zeros(3, dtype=ember.float64, requires_grad=True)
    LA.vector_norm(x).backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros(3))


def test_lstsq_pinv_rank():
    torch = pytest.importorskip("torch")
    A, B = rng.standard_normal((6, 3)), rng.standard_normal((6, 2))
    for driver in ("gelsy", "gelsd"):
        e = LA.lstsq(ember.tensor(A), ember.tensor(B), driver=driver)
        t = torch.linalg.lstsq(torch.from_numpy(A), torch.from_numpy(B), driver=driver)
        np.testing.assert_allclose(e.solution.numpy(), t.solution.numpy(), atol=1e-10)
        assert e.residuals.shape == tuple(t.residuals.shape)
        np.testing.assert_allclose(e.residuals.numpy(), t.residuals.numpy(), atol=1e-10)
        assert e.rank.item() == t.rank.item()
        assert e.singular_values.shape == tuple(t.singular_values.shape)
    low = A[:, :1] @ rng.standard_normal((1, 3))
    assert LA.matrix_rank(ember.tensor(low)).item() == 1
    assert LA.matrix_rank(ember.tensor(A)).dtype == ember.int64
    np.testing.assert_allclose(LA.pinv(ember.tensor(low)).numpy(), np.linalg.pinv(low), atol=1e-10)


def test_vander_diagonal_multi_dot():
    x = ember.tensor([1.0, 2.0, 3.0])
    np.testing.assert_allclose(LA.vander(x).numpy(), np.vander([1.0, 2.0, 3.0], increasing=True))
    assert LA.vander(ember.tensor([1, 2])).dtype == ember.int64
    A = _t(2, 3, 4)
    np.testing.assert_allclose(LA.diagonal(A, offset=-1).numpy(), np.diagonal(A.numpy(), -1, -2, -1))
    ms = [_t(3), _t(3, 5), _t(5, 2), _t(2)]
    np.testing.assert_allclose(LA.multi_dot(ms).numpy(), np.linalg.multi_dot([m.numpy() for m in ms]))


@pytest.mark.parametrize("fn", ["inv", "det", "eigh", "svd", "cholesky", "qr", "pinv"])
def test_backward_matches_torch(fn):
    torch = pytest.importorskip("torch")
    a = rng.standard_normal((4, 4)) + 4 * np.eye(4)
    a = a @ a.T if fn in ("eigh", "cholesky") else a

    def loss(mod, A):
        lin = mod.linalg
        if fn == "eigh":
            w, V = lin.eigh(A)
            return (w ** 3).sum() + ((V * w.unsqueeze(-2)) @ V.mT).sin().sum()
        if fn == "svd":
            U, S, Vh = lin.svd(A, full_matrices=False)
            return ((U * S.unsqueeze(-2) ** 2) @ Vh).sum() + S.sum()
        if fn == "qr":
            Q, R = lin.qr(A)
            return (Q * 1.5).sum() + (R ** 2).sum()
        return getattr(lin, fn)(A).sin().sum()

    ea = ember.tensor(a, requires_grad=True)
    ta = torch.tensor(a, requires_grad=True)
    loss(ember, ea).backward()
    loss(torch, ta).backward()
    np.testing.assert_allclose(ea.grad.numpy(), ta.grad.numpy(), atol=1e-8, rtol=1e-6)
