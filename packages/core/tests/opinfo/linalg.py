"""OpInfo entries: matmul family, einsum & co., ember.linalg decompositions, ember.fft and stft/istft.

Decompositions get well-conditioned samples: SPD inputs are built inside the op (A A^T + 3I) so gradcheck may
perturb A freely; gauge-dependent outputs (U, V, Q) are compared through gauge-invariant functions.
"""
from __future__ import annotations

import numpy as np

import ember
from .base import ErrorInput, OpInfo, SampleInput, make


from .linalg_decomp import _np_spd, _np_sym, _spd, _sym, _torch  # noqa: E402,F401  (shared sample helpers)


def _wellcond(shape, dt, seed=0):
    a = make(shape, dtype=dt, seed=seed)
    return (a + 4 * np.eye(shape[-1], dtype=dt)).astype(dt)


def _s(*args, name="", **kw):
    return SampleInput(tuple(args), kw, name=name)


# -- matmul family --------------------------------------------------------------------------------------------
def _mm_samples(dt):
    return [_s(make((3, 4), dt), make((4, 5), dt, seed=1), name="2d"),
            _s(make((4, 3), dt, noncontig=True), make((3, 2), dt, seed=1), name="noncontig")]


def _matmul_samples(dt):
    return _mm_samples(dt) + [
        _s(make((4,), dt), make((4, 3), dt, seed=1), name="1d@2d"),
        _s(make((3, 4), dt), make((4,), dt, seed=1), name="2d@1d"),
        _s(make((4,), dt), make((4,), dt, seed=1), name="1d@1d"),
        _s(make((2, 3, 4), dt), make((4, 2), dt, seed=1), name="batch-broadcast"),
        _s(make((2, 1, 3, 4), dt), make((3, 4, 2), dt, seed=1), name="batch-both")]


def _matmul_errors():
    return [ErrorInput(_s(make((2, 3)), make((4, 5))), RuntimeError,
                       r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"),
            ErrorInput(_s(make((2, 3), np.float32), make((3, 5))), RuntimeError,
                       "expected m1 and m2 to have the same dtype, but got: float != double"),
            ErrorInput(_s(make((2, 3, 4)), make((2, 5, 6))), RuntimeError,
                       r"Expected size for first two dimensions of batch2 tensor to be: \[2, 4\] but got: \[2, 5\]"),
            ErrorInput(_s(make(()), make((3,))), RuntimeError, "both arguments to matmul need to be at least 1D")]


def _mm_errors():
    return _matmul_errors()[:2] + [ErrorInput(_s(make((2, 3)), make((3,))), RuntimeError, "mat2 must be a matrix")]


def _bmm_samples(dt):
    return [_s(make((2, 3, 4), dt), make((2, 4, 5), dt, seed=1))]


def _bmm_errors():
    return [ErrorInput(_s(make((2, 2, 3)), make((2, 4, 5))), RuntimeError,
                       r"Expected size for first two dimensions of batch2 tensor to be: \[2, 3\] but got: \[2, 4\]"),
            ErrorInput(_s(make((2, 3)), make((3, 3))), RuntimeError, "batch1 must be a 3D tensor")]


def _mv_samples(dt):
    return [_s(make((3, 4), dt), make((4,), dt, seed=1))]


def _vec_samples(dt):
    return [_s(make((5,), dt), make((5,), dt, seed=1))]


def _dot_errors():
    return [ErrorInput(_s(make((3,)), make((4,))), RuntimeError, "inconsistent tensor size"),
            ErrorInput(_s(make((2, 2)), make((2, 2))), RuntimeError, "1D tensors expected, but got 2D and 2D"),
            ErrorInput(_s(make((3,), np.float32), make((3,))), RuntimeError,
                       "dot : expected both vectors to have same dtype, but found Float and Double")]


def _inner_samples(dt):
    return [_s(make((2, 4), dt), make((3, 4), dt, seed=1), name="2d"), _s(make((4,), dt), make((4,), dt, seed=1)),
            _s(make((3,), dt), make((), dt, seed=1), name="scalar")]


def _addmm_samples(dt):
    return [_s(make((3, 5), dt), make((3, 4), dt, seed=1), make((4, 5), dt, seed=2), name="plain"),
            _s(make((5,), dt), make((3, 4), dt, seed=1), make((4, 5), dt, seed=2), beta=0.5, alpha=2.0,
               name="broadcast-beta-alpha"),
            _s(make((3, 5), dt), make((3, 4), dt, seed=1), make((4, 5), dt, seed=2), beta=0.0, name="beta0")]


def _addmv_samples(dt):
    return [_s(make((3,), dt), make((3, 4), dt, seed=1), make((4,), dt, seed=2), beta=0.5, alpha=2.0)]


def _baddbmm_samples(dt):
    return [_s(make((2, 3, 5), dt), make((2, 3, 4), dt, seed=1), make((2, 4, 5), dt, seed=2), beta=0.5, alpha=2.0),
            _s(make((3, 5), dt), make((2, 3, 4), dt, seed=1), make((2, 4, 5), dt, seed=2), name="broadcast")]


def _addbmm_samples(dt):
    return [_s(make((3, 5), dt), make((2, 3, 4), dt, seed=1), make((2, 4, 5), dt, seed=2), beta=0.5, alpha=2.0)]


def _addr_samples(dt):
    return [_s(make((3, 4), dt), make((3,), dt, seed=1), make((4,), dt, seed=2), beta=0.5, alpha=2.0)]


def _einsum_case(eq, *shapes):
    def op(*xs):
        return ember.einsum(eq, *xs)

    def top(*xs):
        return _torch().einsum(eq, *xs)

    def ref(*xs):
        return np.einsum(eq, *xs)

    def samples(dt):
        return [_s(*(make(s, dt, seed=i) for i, s in enumerate(shapes)))]
    return op, top, ref, samples


EINSUM_CASES = [("matmul", "ij,jk->ik", (3, 4), (4, 2)), ("trace", "ii", (3, 3)), ("diag", "ii->i", (3, 3)),
                ("outer", "i,j->ij", (3,), (4,)), ("batch", "bij,bjk->bik", (2, 3, 4), (2, 4, 2)),
                ("ellipsis", "...ij,jk", (2, 3, 4), (4, 2)), ("sum-only", "ijk->j", (2, 3, 4)),
                ("implicit", "ij,jk", (3, 4), (4, 2)), ("three", "ij,jk,kl->il", (2, 3), (3, 4), (4, 2)),
                ("broadcast-1", "ij,jk->ik", (3, 1), (4, 2)), ("repeat-in-two", "iij,j->i", (3, 3, 2), (2,))]


def _tensordot_samples(dt):
    return [_s(make((3, 4, 5), dt), make((4, 5, 2), dt, seed=1), dims=2, name="int"),
            _s(make((3, 4, 5), dt), make((5, 2, 3), dt, seed=1), dims=([0, 2], [2, 0]), name="lists"),
            _s(make((3, 4), dt), make((2, 5), dt, seed=1), dims=0, name="outer")]


def _kron_samples(dt):
    return [_s(make((2, 3), dt), make((2, 2), dt, seed=1)), _s(make((2, 3), dt), make((4,), dt, seed=1))]


def _cross_samples(dt):
    return [_s(make((4, 3), dt), make((4, 3), dt, seed=1), dim=1), _s(make((3, 2), dt), make((3, 2), dt, seed=1), dim=0)]


def _lcross_samples(dt):
    return [_s(make((4, 3), dt), make((1, 3), dt, seed=1)), _s(make((3, 2), dt), make((3, 2), dt, seed=1), dim=0)]


def _cdist_samples(dt):
    return [_s(make((4, 3), dt), make((5, 3), dt, seed=1), name="p2"),
            _s(make((2, 4, 3), dt), make((2, 5, 3), dt, seed=1), p=1.0, name="p1"),
            _s(make((4, 3), dt), make((5, 3), dt, seed=1), p=3.0, name="p3"),
            _s(make((30, 3), dt), make((5, 3), dt, seed=1), name="mm-path")]


def _np_cdist(a, b, p=2.0):
    d = np.abs(a[..., :, None, :] - b[..., None, :, :])
    return (d ** p).sum(-1) ** (1 / p)


def _cdist_errors():
    return [ErrorInput(_s(make((3, 4)), make((5, 3))), RuntimeError,
                       "X1 and X2 must have the same number of columns. X1: 4 X2: 3")]


def _multidot_samples(dt):
    # passed as separate args (the op packs them) so the test harness sees each tensor
    return [_s(make((3,), dt), make((3, 4), dt, seed=1), make((4, 5), dt, seed=2), make((5, 2), dt, seed=3)),
            _s(make((2, 3), dt), make((3, 4), dt, seed=1), make((4,), dt, seed=2), name="last-1d")]


def _np_multidot(*ts):
    return np.linalg.multi_dot(ts)


def _chain_samples(dt):
    return [_s(make((2, 3), dt), make((3, 4), dt, seed=1), make((4, 2), dt, seed=2))]


OPS = [
    OpInfo("matmul", ember.matmul, _matmul_samples, ref=np.matmul, errors=_matmul_errors),
    OpInfo("mm", ember.mm, _mm_samples, ref=np.matmul, errors=_mm_errors),
    OpInfo("bmm", ember.bmm, _bmm_samples, ref=np.matmul, errors=_bmm_errors),
    OpInfo("mv", ember.mv, _mv_samples, ref=np.matmul),
    OpInfo("dot", ember.dot, _vec_samples, ref=np.dot, errors=_dot_errors),
    OpInfo("vdot", ember.vdot, _vec_samples, ref=np.vdot),
    OpInfo("inner", ember.inner, _inner_samples, ref=np.inner),
    OpInfo("outer", ember.outer, _vec_samples, ref=np.outer),
    OpInfo("ger", ember.ger, _vec_samples, ref=np.outer, torch_op="outer"),
    OpInfo("addmm", ember.addmm, _addmm_samples,
           ref=lambda i, a, b, beta=1, alpha=1: (beta * i if beta else 0) + alpha * (a @ b)),
    OpInfo("addmv", ember.addmv, _addmv_samples, ref=lambda i, a, b, beta=1, alpha=1: beta * i + alpha * (a @ b)),
    OpInfo("baddbmm", ember.baddbmm, _baddbmm_samples,
           ref=lambda i, a, b, beta=1, alpha=1: beta * i + alpha * (a @ b)),
    OpInfo("addbmm", ember.addbmm, _addbmm_samples,
           ref=lambda i, a, b, beta=1, alpha=1: beta * i + alpha * (a @ b).sum(0)),
    OpInfo("addr", ember.addr, _addr_samples, ref=lambda i, a, b, beta=1, alpha=1: beta * i + alpha * np.outer(a, b)),
    OpInfo("tensordot", ember.tensordot, _tensordot_samples, ref=lambda a, b, dims: np.tensordot(a, b, dims)),
    OpInfo("kron", ember.kron, _kron_samples, ref=np.kron),
    OpInfo("cross", ember.cross, _cross_samples, ref=lambda a, b, dim: np.cross(a, b, axis=dim)),
    OpInfo("linalg.cross", ember.linalg.cross, _lcross_samples, ref=lambda a, b, dim=-1: np.cross(a, b, axis=dim)),
    OpInfo("cdist", ember.cdist, _cdist_samples, ref=_np_cdist, errors=_cdist_errors, atol=1e-4),
    OpInfo("linalg.multi_dot", lambda *ts: ember.linalg.multi_dot(ts), _multidot_samples, ref=_np_multidot,
           torch_op=lambda *ts: _torch().linalg.multi_dot(ts), atol=1e-4),
    OpInfo("chain_matmul", ember.chain_matmul, _chain_samples, ref=lambda *m: np.linalg.multi_dot(m)),
]
for _name, _eq, *_shapes in EINSUM_CASES:
    _op, _top, _ref, _samples = _einsum_case(_eq, *_shapes)
    OPS.append(OpInfo(f"einsum-{_name}", _op, _samples, ref=_ref, torch_op=_top, atol=1e-4))
OPS.append(OpInfo("einsum-sublist", lambda a, b: ember.einsum(a, [0, 1], b, [1, 2], [0, 2]),
                  lambda dt: [_s(make((3, 4), dt), make((4, 2), dt, seed=1))], ref=np.matmul,
                  torch_op=lambda a, b: _torch().einsum(a, [0, 1], b, [1, 2], [0, 2])))

from .linalg_decomp import DECOMP_OPS  # noqa: E402
from .fft import FFT_OPS  # noqa: E402

OPS += DECOMP_OPS + FFT_OPS


# -- distances, Vandermonde, top-level LU / matrix_exp aliases ------------------------------------------------
def _pdist_ref(x, p=2):
    i, j = np.triu_indices(x.shape[0], 1)
    d = np.abs(x[i] - x[j])
    return (d ** p).sum(-1) ** (1 / p) if p not in (0, np.inf) else (d.max(-1) if p == np.inf else (d != 0).sum(-1))


def _np_lu_packed(a):
    from .linalg_decomp import _np_lu_packed as f  # noqa: PLC0415

    return f(a)


def _lu_solve_top(mod):
    def f(a, b):
        LU, piv = mod.linalg.lu_factor(a)
        return mod.lu_solve(b, LU, piv)
    return f


def _lu_unpack_top(mod):
    def f(a):
        return mod.lu_unpack(*mod.linalg.lu_factor(a))[1:]
    return f


def _wc3(dt):
    return (make((3, 3), dt, low=-1.0, high=1.0) + 4 * np.eye(3)).astype(dt)


OPS += [
    OpInfo("dist", ember.dist, lambda dt: [_s(make((3, 4), dt), make((4,), dt, seed=1)),
                                           _s(make((5,), dt), make((5,), dt, seed=1), 3),
                                           _s(make((2, 3), dt), make((2, 3), dt, seed=1), float("inf"))],
           ref=lambda a, b, p=2: np.linalg.norm((a - b).ravel(), p),
           errors=lambda: [ErrorInput(_s(make((3,)), make((2,))), RuntimeError, "The size of tensor a")]),
    OpInfo("pdist", ember.pdist, lambda dt: [_s(make((4, 3), dt)), _s(make((5, 2), dt, seed=1), 1),
                                             _s(make((3, 4), dt, seed=2), 3.0)], ref=_pdist_ref,
           errors=lambda: [ErrorInput(_s(make((3,))), RuntimeError, "pdist only supports 2D tensors, got: 1D")]),
    OpInfo("vander", ember.vander, lambda dt: [_s(make((3,), dt)), _s(make((4,), dt), 2), _s(make((3,), dt), 4, True)],
           ref=lambda x, N=None, increasing=False: np.vander(x, N, increasing),
           torch_op=lambda x, *r: _torch().vander(x.detach(), *r),  # torch's vander backward fails (in-place)
           errors=lambda: [ErrorInput(_s(make((2, 2))), RuntimeError, "x must be a one-dimensional tensor")]),
    OpInfo("lu", ember.lu, lambda dt: [_s(make((4, 4), dt)), _s(make((2, 3, 5), dt, seed=1))], ref=_np_lu_packed,
           output_process=lambda o: o[0], atol=1e-4),
    OpInfo("lu_solve", _lu_solve_top(ember), lambda dt: [_s(_wc3(dt), make((3, 2), dt, seed=1))],
           ref=lambda a, b: np.linalg.solve(a, b), torch_op=lambda a, b: _lu_solve_top(_torch())(a, b), atol=1e-4),
    OpInfo("lu_unpack", _lu_unpack_top(ember), lambda dt: [_s(make((4, 4), dt)), _s(make((3, 5), dt, seed=1))],
           torch_op=lambda a: _lu_unpack_top(_torch())(a), atol=1e-4),
    OpInfo("matrix_exp", ember.matrix_exp, lambda dt: [_s(make((3, 3), dt)), _s(make((2, 2, 2), dt, seed=1))],
           ref=lambda a: np.stack([__import__("scipy.linalg").linalg.expm(m) for m in a.reshape(-1, *a.shape[-2:])])
           .reshape(a.shape), atol=1e-4),
]
