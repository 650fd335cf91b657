"""Model surgery: apply(init), setattr layer swap, freezing by name, parameters_to_vector, delattr (float32)."""
import numpy as np

from ._util import init_from_numpy

RTOL = 1e-5
ATOL = 1e-6


def run(torch) -> dict:
    nn = torch.nn
    torch.manual_seed(0)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 4, 3, padding=1)
            self.bn = nn.BatchNorm2d(4)
            self.act = nn.ReLU()
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.fc1 = nn.Linear(4, 8)
            self.fc2 = nn.Linear(8, 2)
            self.aux = nn.Linear(8, 5)

        def forward(self, x):
            h = self.pool(self.act(self.bn(self.conv(x)))).flatten(1)
            h = self.act(self.fc1(h))
            return self.fc2(h)

    def init_fn(m):
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            if m.bias is not None:
                nn.init.constant_(m.bias, 0.0)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.constant_(m.weight, 1.0)
            nn.init.constant_(m.bias, 0.0)

    model = Net()
    ret = model.apply(init_fn)
    init_shapes = {n: list(p.shape) for n, p in model.named_parameters()}
    bias_zero = all(bool((m.bias == 0).all()) for m in model.modules() if isinstance(m, nn.Linear))
    bn_one = bool((model.bn.weight == 1).all())

    # swap every ReLU child for a LeakyReLU
    for name, child in list(model.named_children()):
        if isinstance(child, nn.ReLU):
            setattr(model, name, nn.LeakyReLU(0.1))
    del model.aux
    child_names = [n for n, _ in model.named_children()]
    init_from_numpy(torch, model, seed=111)

    for name, p in model.named_parameters():
        if name.startswith("conv") or "bn." in name:
            p.requires_grad_(False)
    trainable = [n for n, p in model.named_parameters() if p.requires_grad]
    n_total = sum(p.numel() for p in model.parameters())
    n_train = sum(p.numel() for p in model.parameters() if p.requires_grad)

    rng = np.random.default_rng(112)
    x = torch.from_numpy(rng.standard_normal((8, 1, 5, 5)).astype(np.float32))
    y = torch.from_numpy(rng.integers(0, 2, size=8))
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1)
    losses = []
    for _ in range(4):
        loss = nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())

    vec = nn.utils.parameters_to_vector(model.parameters())
    nn.utils.vector_to_parameters(vec * 0.5, model.parameters())
    half = nn.utils.parameters_to_vector(model.parameters())
    model.eval()
    with torch.no_grad():
        out = model(x)
    return {
        "losses": losses,
        "apply_returns_self": ret is model,
        "init_shapes": init_shapes,
        "bias_zero": bias_zero,
        "bn_one": bn_one,
        "child_names": child_names,
        "act_type": type(model.act).__name__,
        "has_aux": hasattr(model, "aux"),
        "trainable": trainable,
        "n_total": n_total,
        "n_train": n_train,
        "conv_grad_none": model.conv.weight.grad is None,
        "vec": vec.detach(),
        "half": half.detach(),
        "out": out,
        "state_keys": sorted(model.state_dict().keys()),
    }


def check(r) -> None:
    assert r["apply_returns_self"] and r["bias_zero"] and r["bn_one"]
    assert r["act_type"] == "LeakyReLU" and not r["has_aux"]
    assert r["trainable"] == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]
    assert r["conv_grad_none"]
    np.testing.assert_allclose(r["half"], r["vec"] * 0.5)
