"""The "Tensors" tutorial: creation, attributes, indexing, joining, arithmetic, in-place ops, the NumPy bridge."""
import numpy as np

RTOL = 1e-6
ATOL = 1e-6


def _dt(dtype) -> str:
    """dtype name without the library prefix (ember prints dtypes as ember.*)."""
    return str(dtype).split(".")[-1]


def run(torch) -> dict:
    r = {}
    data = [[1, 2], [3, 4]]
    x_data = torch.tensor(data)
    r["x_data"] = x_data
    np_array = np.array(data)
    x_np = torch.from_numpy(np_array)
    r["x_np"] = x_np
    x_ones = torch.ones_like(x_data)
    r["x_ones"] = x_ones
    x_rand = torch.rand_like(x_data, dtype=torch.float)
    r["x_rand_shape_dtype"] = [list(x_rand.shape), _dt(x_rand.dtype)]
    shape = (2, 3,)
    r["rand_shape"] = list(torch.rand(shape).shape)
    r["ones"] = torch.ones(shape)
    r["zeros"] = torch.zeros(shape)
    r["zeros_like_f"] = torch.zeros_like(x_data, dtype=torch.float64)
    r["full_like"] = torch.full_like(x_data, 7)
    r["empty_like_shape"] = list(torch.empty_like(x_data).shape)

    tensor = torch.rand(3, 4)
    r["attrs"] = [list(tensor.shape), _dt(tensor.dtype), str(tensor.device), tensor.ndim, tensor.numel()]
    r["size"] = list(tensor.size())

    rng = np.random.default_rng(5)
    tensor = torch.from_numpy(rng.standard_normal((4, 4)).astype(np.float32)) + 1.0
    r["first_row"] = tensor[0]
    r["first_col"] = tensor[:, 0]
    r["last_col"] = tensor[..., -1]
    tensor[:, 1] = 0
    r["zeroed_col"] = tensor.clone()
    t1 = torch.cat([tensor, tensor, tensor], dim=1)
    r["cat_dim1"] = t1
    r["stack_shape"] = list(torch.stack([tensor, tensor]).shape)

    y1 = tensor @ tensor.T
    y2 = tensor.matmul(tensor.T)
    y3 = torch.rand_like(y1)
    torch.matmul(tensor, tensor.T, out=y3)
    r["mm1"], r["mm2"], r["mm3"] = y1, y2, y3
    z1 = tensor * tensor
    z2 = tensor.mul(tensor)
    z3 = torch.rand_like(tensor)
    torch.mul(tensor, tensor, out=z3)
    r["el1"], r["el2"], r["el3"] = z1, z2, z3

    agg = tensor.sum()
    agg_item = agg.item()
    r["agg_item"] = agg_item
    r["agg_item_type"] = type(agg_item).__name__
    r["int_item"] = torch.tensor([5]).item()
    r["bool_item"] = torch.tensor(True).item()
    r["tolist"] = tensor[:2, :2].tolist()

    before = tensor.clone()
    ret = tensor.add_(5)
    r["add_inplace"] = tensor.clone()
    r["add_returns_self"] = ret is tensor
    r["add_delta"] = tensor - before
    tensor.t_()
    r["t_inplace"] = tensor.clone()
    tensor.copy_(torch.zeros(4, 4))
    r["copy_"] = tensor.clone()

    t = torch.ones(5)
    n = t.numpy()
    t.add_(1)
    r["bridge_t2n"] = n.copy()
    n2 = np.ones(5)
    t2 = torch.from_numpy(n2)
    np.add(n2, 1, out=n2)
    r["bridge_n2t"] = t2.clone()
    r["bridge_dtype"] = _dt(t2.dtype)
    n2[0] = 42.0
    r["bridge_n2t_item"] = t2[0].item()
    t3 = torch.as_tensor(n2)
    n2[1] = -1.0
    r["as_tensor_shared"] = t3[1].item()
    t4 = torch.tensor(n2)
    n2[2] = -2.0
    r["tensor_copies"] = t4[2].item()
    return r


def check(r) -> None:
    assert r["x_rand_shape_dtype"] == [[2, 2], "float32"]
    assert r["attrs"][0] == [3, 4] and r["attrs"][2] == "cpu"
    assert r["add_returns_self"] is True
    assert r["bridge_t2n"].tolist() == [2.0] * 5
    assert r["bridge_n2t_item"] == 42.0 and r["as_tensor_shared"] == -1.0 and r["tensor_copies"] == 2.0
    assert r["agg_item_type"] == "float"
