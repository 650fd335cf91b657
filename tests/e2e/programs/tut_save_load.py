"""Save/load tutorial + recipes: general checkpoint (resume identically) and warm-starting with strict=False."""
import io

import numpy as np

from ._util import init_from_numpy

RTOL = 1e-5
ATOL = 1e-6


def run(torch) -> dict:
    nn = torch.nn
    F = nn.functional

    class Net(nn.Module):
        def __init__(self, n_out=3):
            super().__init__()
            self.fc1 = nn.Linear(4, 8)
            self.bn = nn.BatchNorm1d(8)
            self.fc2 = nn.Linear(8, n_out)

        def forward(self, x):
            return self.fc2(F.relu(self.bn(self.fc1(x))))

    rng = np.random.default_rng(31)
    X = torch.from_numpy(rng.standard_normal((24, 4)).astype(np.float32))
    y = torch.from_numpy(rng.integers(0, 3, size=24))
    crit = nn.CrossEntropyLoss()

    def step(model, opt):
        opt.zero_grad()
        loss = crit(model(X), y)
        loss.backward()
        opt.step()
        return loss.item()

    r = {}
    net = init_from_numpy(torch, Net(), seed=32)
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    losses = [step(net, opt) for _ in range(3)]
    buf = io.BytesIO()
    torch.save({"epoch": 3, "model_state_dict": net.state_dict(), "optimizer_state_dict": opt.state_dict(),
                "loss": losses[-1]}, buf)
    continued = [step(net, opt) for _ in range(3)]

    buf.seek(0)
    checkpoint = torch.load(buf, weights_only=True)
    model = Net()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.9)
    res = model.load_state_dict(checkpoint["model_state_dict"])
    optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
    r["load_result"] = [list(res.missing_keys), list(res.unexpected_keys)]
    r["epoch"] = checkpoint["epoch"]
    r["ckpt_loss"] = checkpoint["loss"]
    r["resumed_lr"] = optimizer.param_groups[0]["lr"]
    model.train()
    resumed = [step(model, optimizer) for _ in range(3)]
    r["losses"] = losses + continued
    r["resumed"] = resumed
    r["continued"] = continued
    r["num_batches_tracked"] = model.bn.num_batches_tracked

    # whole-model state dict only, then eval-mode inference
    buf2 = io.BytesIO()
    torch.save(net.state_dict(), buf2)
    buf2.seek(0)
    m2 = Net()
    m2.load_state_dict(torch.load(buf2))
    m2.eval()
    with torch.no_grad():
        r["eval_out"] = m2(X[:5])

    # warm-starting: a model with a different head, strict=False
    class NetB(Net):
        def __init__(self):
            super().__init__(n_out=5)
            self.extra = nn.Linear(5, 2)

    netB = NetB()
    sd = {k: v for k, v in net.state_dict().items() if not k.startswith("fc2")}
    sd["unused.weight"] = torch.zeros(2)
    res = netB.load_state_dict(sd, strict=False)
    r["warm_missing"] = sorted(res.missing_keys)
    r["warm_unexpected"] = sorted(res.unexpected_keys)
    r["warm_fc1"] = netB.fc1.weight.detach().clone()
    try:
        Net(n_out=5).load_state_dict(net.state_dict(), strict=False)
        r["size_mismatch"] = None
    except RuntimeError:
        r["size_mismatch"] = "RuntimeError"
    return r


SAME_WITHIN = [("resumed", "continued")]


def check(r) -> None:
    assert r["load_result"] == [[], []]
    assert r["epoch"] == 3 and r["resumed_lr"] == 0.05
    assert r["warm_missing"] == ["extra.bias", "extra.weight", "fc2.bias", "fc2.weight"]
    assert r["warm_unexpected"] == ["unused.weight"]
    assert r["size_mismatch"] == "RuntimeError"
