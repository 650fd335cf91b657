"""Common mistakes in user code raise the same exception types as torch (programs catch them by type)."""
import numpy as np

RTOL = 1e-7
ATOL = 1e-9


def _catch(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the exception type is what is compared
        return type(e).__name__
    return "no error"


def run(torch) -> dict:
    nn = torch.nn
    F = nn.functional
    a = torch.ones(2, 3)
    b = torch.ones(4, 5)
    r = {}
    r["mm_shape"] = _catch(lambda: a @ b)
    r["add_broadcast"] = _catch(lambda: a + b)
    r["index_oob"] = _catch(lambda: a[5])
    r["view_noncontig"] = _catch(lambda: a.t().view(6))
    r["item_multi"] = _catch(lambda: a.item())
    r["cat_mismatch"] = _catch(lambda: torch.cat([a, b]))
    r["linear_in_features"] = _catch(lambda: nn.Linear(4, 2)(a))
    r["ce_float_target_shape"] = _catch(lambda: F.cross_entropy(torch.zeros(2, 3), torch.tensor([0.5, 0.2])))
    r["reshape_bad"] = _catch(lambda: a.reshape(4, 2))
    r["bad_dim"] = _catch(lambda: a.sum(dim=3))
    r["numpy_requires_grad"] = _catch(lambda: torch.ones(2, requires_grad=True).numpy())
    r["int_requires_grad"] = _catch(lambda: torch.ones(2, dtype=torch.long).requires_grad_())

    def backward_twice():
        x = torch.ones(2, requires_grad=True)
        y = (x.exp() * x).sum()
        y.backward()
        y.backward()
    r["backward_twice"] = _catch(backward_twice)

    def modified_saved():
        x = torch.ones(3, requires_grad=True)
        y = x.exp()
        y.add_(1)
        y.sum().backward()
    r["inplace_saved"] = _catch(modified_saved)

    def leaf_inplace():
        x = torch.ones(3, requires_grad=True)
        x.mul_(2)
    r["leaf_inplace"] = _catch(leaf_inplace)

    def no_grad_backward():
        with torch.no_grad():
            y = torch.ones(2, requires_grad=True) * 2
        y.sum().backward()
    r["backward_no_graph"] = _catch(no_grad_backward)
    r["nonscalar_backward"] = _catch(lambda: (torch.ones(2, requires_grad=True) * 2).backward())
    r["load_state_dict_missing"] = _catch(lambda: nn.Linear(2, 2).load_state_dict({"weight": torch.zeros(2, 2)}))
    r["load_state_dict_shape"] = _catch(
        lambda: nn.Linear(2, 2).load_state_dict({"weight": torch.zeros(3, 2), "bias": torch.zeros(2)}))
    r["optimizer_empty"] = _catch(lambda: torch.optim.SGD([], lr=0.1))
    r["optimizer_bad_lr"] = _catch(lambda: torch.optim.Adam(nn.Linear(2, 2).parameters(), lr=-1.0))
    r["module_bad_attr"] = _catch(lambda: nn.Linear(2, 2).nonexistent)
    r["conv_bad_channels"] = _catch(lambda: nn.Conv2d(3, 4, 3)(torch.zeros(1, 2, 8, 8)))
    r["embedding_oob"] = _catch(lambda: nn.Embedding(4, 2)(torch.tensor([4])))
    r["gather_dtype"] = _catch(lambda: torch.gather(a, 1, torch.zeros(2, 1)))
    r["tensor_bool_ambiguous"] = _catch(lambda: bool(torch.tensor([1, 2])))
    # the ones that must NOT raise
    r["ok_broadcast"] = _catch(lambda: a + torch.ones(3))
    r["ok_strict_false"] = _catch(lambda: nn.Linear(2, 2).load_state_dict({"weight": torch.zeros(2, 2)}, strict=False))
    r["ok_value"] = float(np.float32(torch.tensor(1.5)))
    return r
