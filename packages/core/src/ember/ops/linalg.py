"""Linear algebra on tensors: einsum, tensordot, kron, cross, multi_dot, norms and distances (cdist), and the
top-level aliases of ``ember.linalg`` (det, inverse, svd, ...).

The matmul family (matmul, mm, bmm, addmm, ...) lives in ``_matmul.py`` and is re-exported here; the
decompositions (inv, svd, eigh, ...) live in ``ember.linalg`` (mirrors torch.linalg). This module holds the ops
that torch exposes at the top level and as Tensor methods.
"""
from __future__ import annotations

import math
import string
import warnings

import numpy as np

from .._tensor import Tensor, _wrap_dim
from ._op import HALF, Op, apply
# the matmul family; Matmul and _sname are re-exported for _methods.py, ember.linalg, fft and random
from ._matmul import (Matmul, _c, _out, _sname, addbmm, addmm, addmv, addr, baddbmm, bmm, dot, ger,  # noqa: F401
                      inner, matmul, mm, mv, outer, vdot)

__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "addmm", "addmv", "addbmm",
           "baddbmm", "addr", "einsum", "tensordot", "kron", "cross", "chain_matmul", "cdist", "det", "logdet",
           "slogdet", "inverse", "pinverse", "matrix_power", "cholesky", "svd", "qr", "dist", "pdist", "vander", "lu",
           "lu_solve", "lu_unpack", "matrix_exp", "cholesky_solve", "cholesky_inverse", "triangular_solve"]

# -- einsum -----------------------------------------------------------------------------------------------
_LETTERS = string.ascii_uppercase + string.ascii_lowercase


def _sublist_to_str(sub) -> str:
    s = []
    for x in sub:
        if x is Ellipsis:
            s.append("...")
        else:
            x = int(x)
            if not 0 <= x < 52:
                raise ValueError(f"einsum(): expected subscript to be within the range [0, 52), but got {x}")
            s.append(_LETTERS[x])
    return "".join(s)


def _parse_einsum(equation: str, shapes):
    """Explicit per-operand subscripts (ellipsis expanded) and output subscript; checks sizes like torch."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) > len(shapes):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    used = set(c for c in eq if c.isalpha())
    free = [c for c in _LETTERS if c not in used]
    ell_nd = 0
    for t, s in zip(terms, shapes):
        n_named = len(t.replace("...", ""))
        if "..." in t:
            ell_nd = max(ell_nd, len(s) - n_named)
    ell = "".join(free[:ell_nd])
    subs = []
    for i, (t, s) in enumerate(zip(terms, shapes)):
        for c in t.replace("...", ""):
            if not c.isalpha():
                raise RuntimeError(f"einsum(): invalid subscript given at index {eq.index(c)} in the equation "
                                   f"string, subscripts must be in [a-zA-Z]")
        if "..." in t:
            k = len(s) - len(t.replace("...", ""))
            if k < 0:
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(t) - 3}) is more "
                                   f"than the number of dimensions ({len(s)}) for operand {i}")
            t = t.replace("...", ell[ell_nd - k:] if k else "")
        elif len(t) != len(s):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(t)}) does not match the "
                               f"number of dimensions ({len(s)}) for operand {i} and no ellipsis was given")
        subs.append(t)
    sizes = {}
    for i, (t, s) in enumerate(zip(subs, shapes)):
        for c, n in zip(t, s):
            prev = sizes.get(c)
            if prev is None or prev == 1:
                sizes[c] = n
            elif n != prev and n != 1:
                raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand {i} which does not broadcast "
                                   f"with previously seen size {prev}")
    if arrow:
        out = rhs.replace("...", ell)
        for c in out:
            if c not in sizes:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any input "
                                   f"operand")
        if len(set(out)) != len(out):
            raise RuntimeError(f"einsum(): output subscript {out[0]} appears more than once in the output")
    else:
        counts = {}
        for t in subs:
            for c in t:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    return subs, out, sizes


class Einsum(Op):
    save_inputs = range(1024)  # every operand (variadic)
    compute_in_float32 = HALF  # np.einsum refuses bfloat16

    def forward(ctx, xp, *arrays, subs, out, sizes):
        ctx.subs, ctx.out, ctx.sizes = subs, out, sizes
        eq = ",".join(subs) + "->" + out
        return xp.einsum(eq, *arrays, optimize=len(arrays) > 1)

    def backward(ctx, g):
        ins = ctx.inputs
        subs, out, sizes = ctx.subs, ctx.out, ctx.sizes
        grads = []
        for i, s in enumerate(subs):
            if ctx._in_meta[i] is None:
                grads.append(None)
                continue
            grads.append(_einsum_grad(g, ins, subs, out, sizes, i))
        return tuple(grads)


def _einsum_grad(g, ins, subs, out, sizes, i):
    from .creation import eye, ones  # noqa: PLC0415

    used = set("".join(subs) + out)
    fresh = iter(c for c in _LETTERS if c not in used)
    terms, operands = [out], [g]
    for j, t in enumerate(ins):
        if j != i:
            terms.append(subs[j])
            operands.append(_c(t))
    target, seen = [], set()
    for c in subs[i]:
        if c in seen:  # a repeated subscript: the gradient lives on a diagonal, built with an identity
            r = next(fresh)
            terms.append(c + r)
            operands.append(eye(sizes[c], dtype=g.dtype, device=g.device))
            target.append(r)
        else:
            seen.add(c)
            target.append(c)
    avail = set("".join(terms))
    for c in seen:
        if c not in avail:  # summed inside operand i only: its gradient broadcasts along that subscript
            terms.append(c)
            operands.append(ones(sizes[c], dtype=g.dtype, device=g.device))
    return apply(Einsum, *operands, subs=terms, out="".join(target), sizes=sizes)


def einsum(*args) -> Tensor:
    """Einstein summation: ``einsum("ij,jk->ik", a, b)`` or the sublist form ``einsum(a, [0, 1], b, [1, 2])``."""
    if not args:
        raise TypeError("einsum(): must specify the equation string and at least one operand, or at least one "
                        "operand and its subscripts list")
    if isinstance(args[0], str):
        equation, ops = args[0], list(args[1:])
        if len(ops) == 1 and isinstance(ops[0], (list, tuple)):
            ops = list(ops[0])
    else:
        ops, terms = [], []
        rest = list(args)
        while len(rest) >= 2:
            ops.append(rest.pop(0))
            terms.append(_sublist_to_str(rest.pop(0)))
        equation = ",".join(terms) + ("->" + _sublist_to_str(rest[0]) if rest else "")
    for o in ops:
        if not isinstance(o, Tensor):
            raise TypeError(f"einsum(): expected Tensor operands, got {type(o).__name__}")
    dts = {o._data.dtype for o in ops}
    if len(dts) > 1:
        d0 = ops[0]._data.dtype
        other = next(o._data.dtype for o in ops if o._data.dtype != d0)
        raise RuntimeError(f"expected scalar type {_sname(d0)} but found {_sname(other)}")
    subs, out, sizes = _parse_einsum(equation, [tuple(o.shape) for o in ops])
    # size-1 dims broadcast against the other operands' sizes (the gradient is summed back by the machinery)
    for k, (o, s) in enumerate(zip(ops, subs)):
        tgt = tuple(sizes[c] for c in s)
        if tgt != tuple(o.shape):
            ops[k] = o.expand(tgt)
    return apply(Einsum, *ops, subs=subs, out=out, sizes=sizes)


def tensordot(a: Tensor, b: Tensor, dims=2, out=None) -> Tensor:
    """Contract ``dims`` (int: last of ``a`` with first of ``b``; or two lists of dims) of ``a`` and ``b``."""
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > a.ndim or dims > b.ndim:
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        da, db = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        da, db = dims
        da = [da] if isinstance(da, int) else list(da)
        db = [db] if isinstance(db, int) else list(db)
        if len(da) != len(db):
            raise RuntimeError(f"both dimension lists should have same length")
    da = [_wrap_dim(d, a.ndim) for d in da]
    db = [_wrap_dim(d, b.ndim) for d in db]
    for x, y in zip(da, db):
        if a.shape[x] != b.shape[y] and a.shape[x] != 1 and b.shape[y] != 1:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[x]} in dim {x} "
                               f"and second has size {b.shape[y]} in dim {y}")
    sa = list(_LETTERS[:a.ndim])
    sb = list(_LETTERS[a.ndim:a.ndim + b.ndim])
    for x, y in zip(da, db):
        sb[y] = sa[x]
    o = "".join(c for i, c in enumerate(sa) if i not in da) + "".join(c for i, c in enumerate(sb) if i not in db)
    r = einsum("".join(sa) + "," + "".join(sb) + "->" + o, a, b)
    return _out(r, out)


def kron(input: Tensor, other: Tensor, *, out=None) -> Tensor:
    """Kronecker product."""
    n = max(input.ndim, other.ndim)
    sa = (1,) * (n - input.ndim) + tuple(input.shape)
    sb = (1,) * (n - other.ndim) + tuple(other.shape)
    a = input.reshape(tuple(x for s in sa for x in (s, 1)))
    b = other.reshape(tuple(x for s in sb for x in (1, s)))
    r = (a * b).reshape(tuple(x * y for x, y in zip(sa, sb)))
    return _out(r, out)


class Cross(Op):
    save_inputs = (0, 1)

    def forward(ctx, xp, a, b, dim=-1):
        ctx.dim = dim
        return xp.cross(a, b, axis=dim)

    def backward(ctx, g):
        a, b = ctx.inputs
        return _cross(_c(b), g, ctx.dim), _cross(g, _c(a), ctx.dim)


def _cross(a, b, dim):
    return apply(Cross, a, b, dim=dim)


def _linalg_cross(input: Tensor, other: Tensor, dim: int = -1, name="linalg.cross") -> Tensor:
    if input.ndim != other.ndim:
        raise RuntimeError(f"{name}: inputs must have the same number of dimensions.")
    shape = np.broadcast_shapes(tuple(input.shape), tuple(other.shape))
    d = _wrap_dim(dim, len(shape))
    if input.shape[d] != 3 or other.shape[d] != 3:
        raise RuntimeError(f"{name}: inputs dimension {dim} must have length 3. Got {input.shape[d]} and "
                           f"{other.shape[d]}")
    if input._data.dtype != other._data.dtype:
        from .._dtype import promote_types  # noqa: PLC0415

        dt = promote_types(input.dtype, other.dtype)
        input, other = input.to(dt), other.to(dt)
    return _cross(input, other, d - len(shape))


def cross(input: Tensor, other: Tensor, dim: int | None = None, *, out=None) -> Tensor:
    """Cross product along ``dim`` (default: the first dim of size 3, deprecated like torch)."""
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning, stacklevel=2)
        shape = np.broadcast_shapes(tuple(input.shape), tuple(other.shape))
        dim = next((i for i, s in enumerate(shape) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    r = _linalg_cross(input, other, dim, name="linalg.cross")
    return _out(r, out)


def _multi_dot(tensors, name="linalg.multi_dot") -> Tensor:
    """Chain of matmuls in the cheapest order (dynamic programming over the chain's split points)."""
    ts = list(tensors)
    n = len(ts)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    first_1d, last_1d = ts[0].ndim == 1, ts[-1].ndim == 1
    if first_1d:
        ts[0] = ts[0].unsqueeze(0)
    if last_1d:
        ts[-1] = ts[-1].unsqueeze(-1)
    for i, t in enumerate(ts):
        if t.ndim != 2:
            where = "first" if i == 0 else "last" if i == n - 1 else None
            if where:
                raise RuntimeError(f"multi_dot(): the {where} tensor must be 1D or 2D but got {t.ndim}D")
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
        if t._data.dtype != ts[0]._data.dtype:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 is "
                               f"{ts[0].dtype} and tensor {i} {t.dtype}")
        if i and ts[i - 1].shape[1] != t.shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i - 1} and {i} with shapes {list(ts[i - 1].shape)} and "
                               f"{list(t.shape)} cannot be multiplied")
    if n == 2:
        r = ts[0] @ ts[1]
    else:
        dims = [ts[0].shape[0]] + [t.shape[1] for t in ts]
        cost = [[0] * n for _ in range(n)]
        split = [[0] * n for _ in range(n)]
        for length in range(1, n):
            for i in range(n - length):
                j = i + length
                cost[i][j] = math.inf
                for k in range(i, j):
                    c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                    if c < cost[i][j]:
                        cost[i][j], split[i][j] = c, k

        def chain(i, j):
            if i == j:
                return ts[i]
            k = split[i][j]
            return chain(i, k) @ chain(k + 1, j)

        r = chain(0, n - 1)
    if first_1d:
        r = r.squeeze(0)
    if last_1d:
        r = r.squeeze(-1)
    return r


def chain_matmul(*matrices, out=None) -> Tensor:
    """Deprecated product of 2-D matrices in the cheapest order (use ember.linalg.multi_dot)."""
    if len(matrices) == 1:
        if matrices[0].ndim != 2:
            raise RuntimeError(f"chain_matmul(): Expected 2D tensor, got {matrices[0].ndim}D")
        return matrices[0].clone()
    for i, m in enumerate(matrices):
        if m.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {m.ndim}, expected 2 instead.")
    r = _multi_dot(matrices)
    return _out(r, out)


# -- norms and distances ------------------------------------------------------------------------------------
class VectorNorm(Op):
    """||x||_ord over ``dim`` (a tuple, or None for all); backward as in torch's norm_backward."""

    save_inputs = (0,)
    save_output = True
    compute_in_float32 = HALF  # accumulate in float32 like torch

    def forward(ctx, xp, x, ord=2.0, dim=None, keepdim=False):
        ctx.ord, ctx.dim, ctx.keepdim, ctx.shape = ord, dim, keepdim, x.shape
        a = xp.abs(x)
        if ord == 2:
            r = xp.sqrt(xp.sum((a * a), axis=dim, keepdims=keepdim))
        elif ord == 1:
            r = xp.sum(a, axis=dim, keepdims=keepdim)
        elif ord == math.inf:
            r = xp.max(a, axis=dim, keepdims=keepdim, initial=0) if a.size == 0 else \
                xp.max(a, axis=dim, keepdims=keepdim)
        elif ord == -math.inf:
            r = xp.min(a, axis=dim, keepdims=keepdim)
        elif ord == 0:
            r = xp.sum(a != 0, axis=dim, keepdims=keepdim).astype(a.dtype)
        else:
            with np.errstate(divide="ignore"):
                r = xp.sum(a ** ord, axis=dim, keepdims=keepdim) ** (1.0 / ord)
        return r.astype(a.dtype, copy=False)

    def backward(ctx, g):
        with np.errstate(divide="ignore", invalid="ignore"):  # 0-norm entries are masked to 0 below
            return ctx._backward(g)

    def _backward(ctx, g):
        (x,) = ctx.inputs
        norm = ctx.output
        p, dim, keepdim = ctx.ord, ctx.dim, ctx.keepdim
        if not keepdim and dim is not None:
            for d in sorted(dim):
                g, norm = g.unsqueeze(d), norm.unsqueeze(d)
        elif not keepdim:
            shp = (1,) * x.ndim
            g, norm = g.reshape(shp), norm.reshape(shp)
        if p == 0:
            return x.real * 0 if x.is_complex() else x * 0
        if p == 1:
            return x.sgn() * g
        zero = norm == 0
        if p == 2:
            return x * _where0(zero, g / norm)
        if math.isinf(p):
            ax = x.abs()
            mask = (ax == norm).logical_or(ax.isnan()).to(g.dtype)
            cnt = mask.sum(dim=tuple(range(x.ndim)) if dim is None else dim, keepdim=True)
            return x.sgn() * (g / cnt * mask)
        scale = _where0(zero, g / norm ** (p - 1))
        if p < 2:
            ax = x.abs()
            scaled = x.sgn() * ax ** (p - 1)
            if p < 1:
                scaled = _where0(x == 0, scaled)
            return scaled * scale
        return x * x.abs() ** (p - 2) * scale


def _where0(mask, t):
    from .elementwise import where  # noqa: PLC0415

    return where(mask, 0.0, t)


def _vector_norm(x: Tensor, ord=2.0, dim=None, keepdim=False) -> Tensor:
    from .reduction import _dims  # noqa: PLC0415

    ord = float(ord)
    dims = _dims(dim, x.ndim) if x.ndim else None
    if x.numel() == 0 and ord < 0 or (x.numel() == 0 and math.isinf(ord)):
        if dims is None or any(x.shape[d] == 0 for d in dims):
            raise RuntimeError(f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor because the "
                               f"operation does not have an identity")
    return apply(VectorNorm, x, ord=ord, dim=dims, keepdim=keepdim)


class Cdist2(Op):
    """Euclidean distance matrix; backward through matmuls (no P x R x M intermediate)."""

    save_inputs = (0, 1)
    save_output = True
    compute_in_float32 = HALF

    def forward(ctx, xp, x1, x2, use_mm=False):
        if use_mm:
            n1 = xp.sum(x1 * x1, axis=-1)[..., :, None]
            n2 = xp.sum(x2 * x2, axis=-1)[..., None, :]
            d2 = n1 + n2 - 2 * xp.matmul(x1, xp.swapaxes(x2, -1, -2))
            return xp.sqrt(xp.maximum(d2, 0))
        diff = x1[..., :, None, :] - x2[..., None, :, :]
        return xp.sqrt(xp.sum(diff * diff, axis=-1))

    def backward(ctx, g):
        x1, x2 = ctx.inputs
        d = ctx.output
        with np.errstate(divide="ignore", invalid="ignore"):  # zero distances get zero gradient
            gd = _where0(d == 0, g / d)
        g1 = x1 * gd.sum(-1).unsqueeze(-1) - gd @ x2
        g2 = x2 * gd.sum(-2).unsqueeze(-1) - gd.mT @ x1
        return g1, g2


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0,
          compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """Pairwise p-norm distances between the rows of ``x1`` (..., P, M) and ``x2`` (..., R, M)."""
    if x1.ndim < 2 or x2.ndim < 2:
        raise RuntimeError(f"cdist only supports at least 2D tensors, X{1 if x1.ndim < 2 else 2} got: "
                           f"{x1.ndim if x1.ndim < 2 else x2.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}")
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if not (x1.is_floating_point() and x2.is_floating_point()):
        raise RuntimeError(f"cdist only supports floating-point dtypes, X1 got: {x1.dtype}")
    modes = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist", "donot_use_mm_for_euclid_dist")
    if compute_mode not in modes:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    if p == 2:
        P, R = x1.shape[-2], x2.shape[-2]
        use_mm = compute_mode == "use_mm_for_euclid_dist" or (compute_mode == modes[0] and (P > 25 or R > 25))
        if x1.shape[:-2] != x2.shape[:-2]:
            batch = np.broadcast_shapes(tuple(x1.shape[:-2]), tuple(x2.shape[:-2]))
            x1 = x1.expand(batch + tuple(x1.shape[-2:]))
            x2 = x2.expand(batch + tuple(x2.shape[-2:]))
        return apply(Cdist2, x1, x2, use_mm=use_mm)
    return _vector_norm(x1.unsqueeze(-2) - x2.unsqueeze(-3), p, dim=-1)


# -- top-level torch aliases of ember.linalg (also Tensor methods: A.det(), A.inverse(), ...) ----------------
def _la():
    from .. import linalg  # noqa: PLC0415

    return linalg


def det(input: Tensor) -> Tensor:
    """Determinant (torch.det = torch.linalg.det)."""
    return _la().det(input)


def logdet(input: Tensor) -> Tensor:
    """log(det(A)); nan for negative determinants, -inf for singular matrices."""
    sign, logabs = _la().slogdet(input)
    if input.is_complex():
        return logabs
    from .elementwise import where  # noqa: PLC0415

    return where(sign < 0, float("nan"), logabs)


def slogdet(input: Tensor):
    """(sign, log|det|) (torch.slogdet)."""
    return _la().slogdet(input)


def inverse(input: Tensor, *, out=None) -> Tensor:
    """Matrix inverse (torch.inverse = torch.linalg.inv)."""
    return _la().inv(input, out=out)


def pinverse(input: Tensor, rcond: float = 1e-15) -> Tensor:
    """Pseudo-inverse with relative cutoff ``rcond`` (torch.pinverse)."""
    return _la().pinv(input, rtol=rcond)


def matrix_power(input: Tensor, n: int) -> Tensor:
    """The ``n``-th power of a square matrix (or batch of them); negative ``n`` inverts first."""
    return _la().matrix_power(input, n)


def cholesky(input: Tensor, upper: bool = False, *, out=None) -> Tensor:
    """Deprecated torch.cholesky: Cholesky factor (lower by default)."""
    return _la().cholesky(input, upper=upper, out=out)


def svd(input: Tensor, some: bool = True, compute_uv: bool = True, *, out=None):
    """Deprecated torch.svd: returns (U, S, V) with V (not V^H); zero U, V when compute_uv=False."""
    U, S, Vh = _la().svd(input, full_matrices=not some)
    if not compute_uv:
        return U.detach() * 0, S, Vh.mT.detach() * 0
    return U, S, Vh.mT.conj() if Vh.is_complex() else Vh.mT


def qr(input: Tensor, some: bool = True, *, out=None):
    """Deprecated torch.qr: reduced (some=True) or complete QR."""
    return _la().qr(input, mode="reduced" if some else "complete")


# -- distances, Vandermonde and the LU / matrix-exponential aliases -----------------------------------------
# pdist, vander and lu_unpack are torch functions but not Tensor methods: they live in _linalg_lu.py (imported
# names are not attached as methods)
from ._linalg_lu import pdist, vander, lu_unpack  # noqa: E402
from ._linalg_solve import cholesky_solve, cholesky_inverse, triangular_solve  # noqa: E402,F401
def dist(input: Tensor, other: Tensor, p: float = 2) -> Tensor:
    """The p-norm of ``input - other`` (broadcast), as a scalar."""
    return _vector_norm(input - other, float(p))


def lu(A: Tensor, pivot: bool = True, get_infos: bool = False):
    """Packed LU factorisation (LU, pivots[, infos]) (deprecated torch.lu: use linalg.lu_factor)."""
    r = _la().lu_factor_ex(A, pivot=pivot, check_errors=not get_infos)
    return tuple(r) if get_infos else (r[0], r[1])


def lu_solve(b: Tensor, LU_data: Tensor, LU_pivots: Tensor, *, out=None) -> Tensor:
    """Solve A x = b from A's packed LU factorisation (torch.lu_solve argument order)."""
    return _la().lu_solve(LU_data, LU_pivots, b, out=out)


def matrix_exp(A: Tensor) -> Tensor:
    """Matrix exponential (torch.matrix_exp = torch.linalg.matrix_exp)."""
    return _la().matrix_exp(A)
