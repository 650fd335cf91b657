"""What a user sees: tensor/module repr, dtype promotion, low-precision arithmetic, Python scalar conversion.

Printed text names the library (``torch.float64``); the program writes it as ``lib.`` so the texts compare.
"""
import numpy as np

RTOL = 0.0
ATOL = 0.0


def run(torch) -> dict:
    nn = torch.nn
    prefix = torch.__name__ + "."

    def show(x) -> str:
        # ember prints Size as torch.Size (a compatibility choice) but dtypes as ember.*: normalise both
        return (repr(x) if not isinstance(x, str) else x).replace(prefix, "lib.").replace("torch.", "lib.")

    a = torch.from_numpy(np.random.default_rng(151).standard_normal((3, 4)).astype(np.float32))
    r = {
        "float32": show(a),
        "requires_grad": show(torch.ones(2, requires_grad=True) * 2),
        "int64": show(torch.arange(5)),
        "bool": show(torch.tensor([True, False])),
        "float64": show(torch.tensor([1.0, 2.5], dtype=torch.float64)),
        "summarized": show(torch.arange(2000.0).view(40, 50)),
        "half": show(torch.tensor([1.5, 2.25], dtype=torch.float16)),
        "scalar": show(torch.tensor(3.14159)),
        "empty": show(torch.zeros(0, 3)),
        "scientific": show(torch.tensor([1e-8, 1e5])),
        "nonfinite": show(torch.tensor([float("nan"), float("inf"), -1.0])),
        "parameter": show(nn.Parameter(torch.zeros(2))),
        "model": show(nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Conv2d(1, 2, 3, stride=2),
                                    nn.LSTM(3, 4, batch_first=True), nn.BatchNorm1d(3), nn.Dropout(0.1))),
        "size": show(str(a.shape)),
        "device": str(a.device),
        "promote_int_float": show(str((torch.tensor([1], dtype=torch.int32) + 2.5).dtype)),
        "promote_uint8_0dim": show(str((torch.tensor([1], dtype=torch.uint8) + torch.tensor(300)).dtype)),
        "promote_half_0dim_double": show(str((torch.tensor([1.0], dtype=torch.float16)
                                              * torch.tensor(2.0, dtype=torch.float64)).dtype)),
        "int_true_div": show(str((torch.tensor([1, 2]) / 2).dtype)),
        "bool_sum": show(str(torch.tensor([True]).sum().dtype)),
        "int8_sum": show(str(torch.tensor([1, 2], dtype=torch.int8).sum().dtype)),
        "half_sum": show(torch.tensor([0.1] * 100, dtype=torch.float16).sum()),
        "bfloat16": show(torch.tensor([1.1, 2.7], dtype=torch.bfloat16) * 3),
        "int8_wrap": show(torch.tensor([127], dtype=torch.int8) + 1),
        "format": f"{torch.tensor(2.5):.3f}",
        "tolist": torch.tensor([[1.5, 2]]).tolist(),
        "item_types": [type(torch.tensor(3).item()).__name__, type(torch.tensor(3.0).item()).__name__,
                       type(torch.tensor(True).item()).__name__],
        "int_of_tensor": int(torch.tensor(7.9)),
        "index_with_tensor": [10, 20, 30][torch.tensor(1)],
    }
    return r


def check(r) -> None:
    assert r["float64"] == "tensor([1.0000, 2.5000], dtype=lib.float64)"
    assert r["item_types"] == ["int", "float", "bool"]
