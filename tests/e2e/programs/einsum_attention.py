"""Einsum-heavy code: attention with masked_fill, bilinear forms, outer products, trace/diagonal, ellipsis."""
import math

import numpy as np

RTOL = 1e-9
ATOL = 1e-11


def run(torch) -> dict:
    F = torch.nn.functional
    rng = np.random.default_rng(131)
    B, T, H, D = 2, 5, 2, 4
    E = H * D

    def t(*shape):
        return torch.from_numpy(rng.standard_normal(shape))

    x = t(B, T, E).requires_grad_()
    wq, wk, wv, wo = (t(E, E).requires_grad_() for _ in range(4))
    q = torch.einsum("bte,fe->btf", x, wq).view(B, T, H, D)
    k = torch.einsum("bte,fe->btf", x, wk).view(B, T, H, D)
    v = torch.einsum("bte,fe->btf", x, wv).view(B, T, H, D)
    scores = torch.einsum("bqhd,bkhd->bhqk", q, k) / math.sqrt(D)
    causal = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    scores = scores.masked_fill(causal, float("-inf"))
    attn = scores.softmax(dim=-1)
    ctx = torch.einsum("bhqk,bkhd->bqhd", attn, v).reshape(B, T, E)
    out = torch.einsum("bte,fe->btf", ctx, wo)
    # reference through the built-in kernel
    ref = F.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), is_causal=True)
    ref = ref.transpose(1, 2).reshape(B, T, E) @ wo.T
    loss = out.pow(2).mean()
    loss.backward()

    A = t(3, 3)
    u, w = t(6, 3), t(6, 3)
    bil = torch.einsum("ni,ij,nj->n", u, A, w)
    bil_ref = F.bilinear(u, w, A.unsqueeze(0)).squeeze(1)
    outer = torch.einsum("bi,bj->bij", u, w)
    M = t(4, 3, 3)
    tr = torch.einsum("bii->b", M)
    diag = torch.einsum("bii->bi", M)
    ell = torch.einsum("...ij,...jk->...ik", t(2, 3, 4, 5), t(2, 3, 5, 2))
    ell2 = torch.einsum("b...,b->...", t(3, 2, 2), t(3))
    sumall = torch.einsum("ij->", A)
    transposed = torch.einsum("ij->ji", A)
    listform = torch.einsum("bn,anm,bm->ba", t(2, 3), t(4, 3, 3), t(2, 3))
    return {
        "out": out.detach(),
        "ref": ref.detach(),
        "attn_row_sums": attn.detach().sum(-1),
        "x_grad": x.grad,
        "wq_grad": wq.grad,
        "bilinear": bil,
        "bilinear_ref": bil_ref,
        "outer_shape": list(outer.shape),
        "outer": outer,
        "trace": tr,
        "trace_ref": torch.diagonal(M, dim1=-2, dim2=-1).sum(-1),
        "diag": diag,
        "ellipsis": ell,
        "ellipsis2": ell2,
        "sumall": sumall,
        "transposed": transposed,
        "listform": listform,
    }


def check(r) -> None:
    np.testing.assert_allclose(r["out"], r["ref"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(r["bilinear"], r["bilinear_ref"], rtol=1e-10)
    np.testing.assert_allclose(r["trace"], r["trace_ref"], rtol=1e-12)
    np.testing.assert_allclose(r["attn_row_sums"], 1.0)
