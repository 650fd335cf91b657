"""Recipes "Zeroing out gradients" and "What is a state_dict": optimizer.state_dict() structure, set_to_none."""
import numpy as np

from ._util import init_from_numpy

RTOL = 1e-5
ATOL = 1e-6


def run(torch) -> dict:
    nn = torch.nn
    F = nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 3, 3)
            self.pool = nn.MaxPool2d(2, 2)
            self.fc1 = nn.Linear(3 * 3 * 3, 4)

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = torch.flatten(x, 1)
            return self.fc1(x)

    r = {}
    net = init_from_numpy(torch, Net(), seed=41)
    rng = np.random.default_rng(42)
    X = torch.from_numpy(rng.standard_normal((6, 1, 8, 8)).astype(np.float32))
    y = torch.from_numpy(rng.integers(0, 4, size=6))
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)

    r["sd_keys"] = [[k, list(v.size())] for k, v in net.state_dict().items()]
    osd = optimizer.state_dict()
    r["opt_keys"] = sorted(osd.keys())
    r["param_group_keys"] = sorted(osd["param_groups"][0].keys())
    r["param_group_params"] = osd["param_groups"][0]["params"]
    r["opt_state_before"] = len(osd["state"])

    losses = []
    for epoch in range(4):
        optimizer.zero_grad()
        r.setdefault("grad_after_zero", net.conv1.weight.grad is None)
        loss = criterion(net(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    r["losses"] = losses
    osd = optimizer.state_dict()
    r["opt_state_keys"] = sorted(osd["state"].keys())
    r["momentum_buffer"] = osd["state"][0]["momentum_buffer"]
    net.zero_grad(set_to_none=False)
    r["zeroed_keep"] = net.fc1.weight.grad
    net.zero_grad()
    r["zeroed_none"] = net.fc1.weight.grad is None

    # gradient accumulation without zeroing doubles the gradients
    for _ in range(2):
        criterion(net(X), y).backward()
    acc = net.fc1.bias.grad.clone()
    optimizer.zero_grad()
    criterion(net(X), y).backward()
    r["accumulated_ratio"] = acc / net.fc1.bias.grad
    for p in net.parameters():
        if p.grad is not None:
            p.grad.detach_()
            p.grad.zero_()
    r["manual_zero"] = net.conv1.bias.grad
    return r


def check(r) -> None:
    assert r["opt_keys"] == ["param_groups", "state"]
    assert r["param_group_params"] == [0, 1, 2, 3]
    assert r["opt_state_before"] == 0 and r["opt_state_keys"] == [0, 1, 2, 3]
    assert r["grad_after_zero"] is True and r["zeroed_none"] is True
    np.testing.assert_allclose(r["accumulated_ratio"], 2.0, rtol=1e-5)
