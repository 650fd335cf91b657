"""torch.where / gather / scatter cookbook plus dtype promotion and rounding rules users rely on."""
import numpy as np

RTOL = 1e-6
ATOL = 1e-7


def _dt(dtype) -> str:
    """dtype name without the library prefix (ember prints dtypes as ember.*)."""
    return str(dtype).split(".")[-1]


def run(torch) -> dict:
    r = {}
    rng = np.random.default_rng(61)
    a = torch.from_numpy(rng.standard_normal((3, 4)).astype(np.float32))
    idx = torch.from_numpy(rng.integers(0, 4, size=(3, 2)))
    r["where3"] = torch.where(a > 0, a, -a)
    r["where_scalar"] = torch.where(a > 0, a, 0.0)
    r["where_both_scalar"] = torch.where(a > 0, 1.0, 0.0)
    r["where_int_scalar"] = torch.where(a > 0, 1, 0)
    r["where_1arg"] = list(torch.where(a > 0.5))
    r["where_int_tensor_float_scalar"] = torch.where(a > 0, torch.arange(12).view(3, 4), 0.5)
    r["gather"] = torch.gather(a, 1, idx)
    r["gather0"] = a.gather(0, torch.tensor([[0, 1, 2, 0]]))
    r["take_along"] = torch.take_along_dim(a, a.argmax(1, keepdim=True), dim=1)
    r["scatter"] = torch.zeros(3, 4).scatter(1, idx, a[:, :2])
    r["scatter_value"] = torch.zeros(3, 4).scatter(1, idx, 7.0)
    r["scatter_add"] = torch.zeros(3, 4).scatter_add(1, idx, torch.ones(3, 2))
    r["scatter_reduce_mean"] = torch.ones(3, 4).scatter_reduce(1, idx, a[:, :2], reduce="mean")
    r["scatter_reduce_prod"] = torch.full((3, 4), 2.0).scatter_reduce(1, idx, a[:, :2], reduce="prod",
                                                                      include_self=False)
    r["index_put"] = torch.zeros(5).index_put_((torch.tensor([0, 2, 0]),), torch.tensor([1.0, 2.0, 3.0]),
                                               accumulate=True)
    r["masked_scatter"] = torch.zeros(3, 4).masked_scatter(a > 0, torch.arange(12.0))
    r["masked_select"] = a.masked_select(a < 0)

    it = torch.tensor([7, -7, 5, 4])
    r["int_div_int"] = it / 2
    r["int_mul_float"] = it * 1.5
    r["int_add_bool"] = it + torch.tensor(True)
    r["bool_sum"] = (it > 0).sum()
    r["bool_plus_bool"] = torch.tensor([True, False]) + torch.tensor([True, True])
    r["bool_mul_int"] = torch.tensor([True, False]) * 3
    r["bool_mean_float"] = (it > 0).float().mean()
    r["floordiv_scalar"] = torch.tensor(3) // 2
    r["floordiv_neg"] = it // 2
    r["floordiv_float"] = torch.tensor([-7.5, 7.5]) // 2
    r["div_floor"] = torch.div(it, 2, rounding_mode="floor")
    r["div_trunc"] = torch.div(it, 2, rounding_mode="trunc")
    r["remainder_neg"] = torch.remainder(it, 3)
    r["remainder_neg_divisor"] = torch.remainder(it, -3)
    r["fmod"] = torch.fmod(it, 3)
    r["mod_op"] = it % 3
    r["remainder_float"] = torch.remainder(torch.tensor([-3.5, 3.5]), 2)
    r["round_half_even"] = torch.round(torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999]))
    r["round_decimals"] = torch.round(torch.tensor([1.2345, 2.5551]), decimals=2)
    r["clamp_tensor"] = torch.clamp(a, min=torch.full((4,), -0.5), max=torch.tensor([0.1, 0.2, 0.3, 0.4]))
    r["clamp_int"] = torch.clamp(it, min=-5, max=5)
    r["clamp_int_float_bound"] = torch.clamp(it, min=-5.5)
    r["int_pow"] = it ** 2
    r["int_pow_neg_float"] = it.float() ** -1
    r["int64_plus_int32"] = it + torch.tensor([1, 2, 3, 4], dtype=torch.int32)
    r["uint8_plus_int8"] = torch.tensor([200], dtype=torch.uint8) + torch.tensor([1], dtype=torch.int8)
    r["float16_plus_int"] = torch.tensor([1.5], dtype=torch.float16) + torch.tensor([2])
    r["float_scalar_tensor"] = torch.tensor([1, 2], dtype=torch.int32) + torch.tensor(1.5, dtype=torch.float64)
    r["result_type"] = _dt(torch.result_type(torch.tensor([1, 2]), 1.0))
    r["promote_types"] = _dt(torch.promote_types(torch.int32, torch.float16))
    r["can_cast"] = [torch.can_cast(torch.float32, torch.int32), torch.can_cast(torch.int32, torch.float32)]
    r["to_int_trunc"] = torch.tensor([-1.7, 1.7, 2.5]).to(torch.int64)
    r["int_tensor_float_item"] = (it / 4).sum().item()
    r["true_divide"] = torch.true_divide(it, 4)
    r["dtypes"] = [_dt(v.dtype) for k, v in sorted(r.items()) if hasattr(v, "dtype")]
    return r


def check(r) -> None:
    assert r["round_half_even"].tolist() == [0.0, 2.0, 2.0, -0.0, -2.0, 2.0]
    assert r["remainder_neg"].tolist() == [1, 2, 2, 1]
    assert int(r["floordiv_scalar"]) == 1
