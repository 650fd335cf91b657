"""Tensor manipulation a data pipeline or model surgery does: indexing, scatter/gather, einsum, sorting, views."""
import numpy as np

RTOL = 1e-6
ATOL = 1e-6


def run(torch) -> dict:
    torch.manual_seed(0)
    rng = np.random.default_rng(41)
    a = torch.from_numpy(rng.standard_normal((4, 5)).astype(np.float32))
    b = torch.from_numpy(rng.standard_normal((5, 3)).astype(np.float32))
    idx = torch.from_numpy(rng.integers(0, 5, size=(4, 3)))
    r = {}

    # indexing: basic, advanced, boolean, mixed, negative steps via flip
    r["basic"] = a[1:3, ::2]
    r["advanced"] = a[[0, 2, 3], [1, 1, 4]]
    r["bool_mask"] = a[a > 0.5]
    r["mixed"] = a[torch.tensor([3, 0]), 1:4]
    r["ellipsis_none"] = a[..., None, 2]
    r["flip"] = torch.flip(a, dims=(0, 1))

    # scatter / gather / index ops
    r["gather"] = torch.gather(a, 1, idx)
    r["scatter_add"] = torch.zeros(4, 5).scatter_add(1, idx, torch.ones(4, 3))
    r["scatter_reduce"] = torch.zeros(4, 5).scatter_reduce(1, idx, a[:, :3], reduce="amax", include_self=False)
    r["index_select"] = a.index_select(1, torch.tensor([4, 0]))
    r["index_add"] = torch.zeros(3, 5).index_add_(0, torch.tensor([0, 2, 0, 1]), a)
    counts = torch.bincount(torch.tensor([1, 1, 3, 0, 3, 3]), minlength=5)
    r["bincount"] = counts
    r["one_hot"] = torch.nn.functional.one_hot(torch.tensor([2, 0, 1]), num_classes=4)

    # einsum and matmul family
    r["einsum_mm"] = torch.einsum("ij,jk->ik", a, b)
    r["einsum_batch"] = torch.einsum("bi,bj->bij", a[:, :2], a[:, 2:4])
    r["einsum_trace"] = torch.einsum("ii->", a[:, :4])
    r["bmm"] = torch.bmm(a.view(2, 2, 5), b.unsqueeze(0).expand(2, 5, 3))
    r["outer"] = torch.outer(a[0], b[:, 0])

    # scans, sorting, selection
    r["cumsum"] = torch.cumsum(a, dim=1)
    r["cumprod"] = a.cumprod(0)
    r["logcumsumexp"] = torch.logcumsumexp(a, dim=0)
    vals, order = torch.sort(a, dim=1, descending=True)
    r["sort_vals"], r["sort_idx"] = vals, order
    top = a.flatten().topk(4)
    r["topk_vals"], r["topk_idx"] = top.values, top.indices
    r["argsort"] = torch.argsort(a[:, 0])
    r["kth"] = torch.kthvalue(a, 2, dim=1).values
    r["unique"], r["unique_counts"] = torch.unique(torch.tensor([3, 1, 3, 2, 1, 3]), return_counts=True)
    r["max_dim"] = a.max(dim=0).indices
    r["median"] = a.median()

    # where / masking / clamping / comparisons
    r["where"] = torch.where(a > 0, a, torch.zeros_like(a))
    r["masked_fill"] = a.masked_fill(a < -0.5, float("-inf")).softmax(dim=1)
    r["clamp"] = a.clamp(min=-0.3, max=0.4)
    r["cmp_all"] = torch.stack([a > 0, a <= 0.1, a == a, a != 0]).sum(0)
    r["isclose"] = torch.isclose(a, a + 1e-9)
    r["any_all"] = torch.tensor([bool((a > 2).any()), bool((a > -5).all())])
    r["nonzero"] = torch.nonzero(a > 1.0)

    # joining / splitting / views
    r["cat"] = torch.cat([a, a * 2], dim=0)
    r["stack"] = torch.stack([a[0], a[1]], dim=1)
    r["chunk"] = torch.stack(a.chunk(5, dim=1), dim=0).sum(0)
    r["split"] = [t.sum() for t in a.split([2, 3], dim=1)]
    p = a.view(2, 2, 5).permute(2, 0, 1)
    r["is_contiguous"] = [p.is_contiguous(), p.contiguous().is_contiguous()]
    r["permute_view"] = p.contiguous().view(-1, 2)
    r["transpose_reshape"] = a.t().reshape(5, 2, 2)
    r["expand_repeat"] = a[:1].expand(3, 5) + a[:1].repeat(3, 1)
    r["squeeze"] = list(a.unsqueeze(0).unsqueeze(-1).squeeze().shape)
    r["unbind"] = [t.mean() for t in a.unbind(1)]
    r["tril"] = torch.tril(a, diagonal=-1)
    r["roll"] = torch.roll(a, shifts=2, dims=1)
    r["meshgrid"] = torch.stack(torch.meshgrid(torch.arange(3), torch.arange(2), indexing="ij"))

    # in-place ops and views sharing storage
    c = a.clone()
    row = c[1]
    row.mul_(10).add_(1)
    c[:, 0] = -1.0
    c[c > 5] = 5.0
    c.clamp_(max=4.5)
    r["inplace"] = c
    r["view_sees_write"] = row
    d = torch.arange(12, dtype=torch.float32).view(3, 4)
    d.index_fill_(1, torch.tensor([0, 3]), 7.0)
    d.masked_scatter_(d > 8, torch.full((12,), -2.0))
    r["index_fill_masked_scatter"] = d

    # dtype promotion and integer arithmetic
    i = torch.arange(-6, 6)
    r["floor_div"] = torch.div(i, 4, rounding_mode="floor")
    r["trunc_div"] = torch.div(i, 4, rounding_mode="trunc")
    r["remainder"] = i % 4
    r["fmod"] = torch.fmod(i, 4)
    r["true_div"] = i / 4
    r["int_float_mix"] = i * 0.5 + torch.ones(12, dtype=torch.float64)
    r["bool_sum"] = (i > 0).sum()
    r["shift_and"] = (i.abs() << 2) & 12
    return r


def check(r) -> None:
    a = np.random.default_rng(41).standard_normal((4, 5)).astype(np.float32)
    np.testing.assert_allclose(r["cumsum"], np.cumsum(a, 1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(r["sort_vals"], -np.sort(-a, 1))
    np.testing.assert_array_equal(r["bincount"], [1, 2, 0, 3, 0])
    np.testing.assert_array_equal(r["floor_div"], np.floor_divide(np.arange(-6, 6), 4))
    assert r["is_contiguous"] == [False, True]
