"""Model surgery through the nn.Module API: hooks, apply(), freezing, param groups, containers, buffers."""
import numpy as np

from ._util import init_from_numpy

RTOL = 1e-7
ATOL = 1e-9


def run(torch) -> dict:
    nn = torch.nn
    torch.manual_seed(0)
    log = []

    class Residual(nn.Module):
        def __init__(self, dim):
            super().__init__()
            self.fc = nn.Linear(dim, dim)
            self.scale = nn.Parameter(torch.ones(1))
            self.register_buffer("calls", torch.zeros((), dtype=torch.long))
            self.register_buffer("scratch", torch.zeros(dim), persistent=False)

        def forward(self, x):
            self.calls += 1
            return x + self.scale * torch.relu(self.fc(x))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Linear(4, 6)
            self.blocks = nn.ModuleList([Residual(6) for _ in range(2)])
            self.heads = nn.ModuleDict({"a": nn.Linear(6, 2), "b": nn.Linear(6, 1)})
            self.extra = nn.ParameterList([nn.Parameter(torch.zeros(2)), nn.Parameter(torch.zeros(1))])

        def forward(self, x):
            x = torch.tanh(self.stem(x))
            for blk in self.blocks:
                x = blk(x)
            return self.heads["a"](x) + self.extra[0], self.heads["b"](x) + self.extra[1]

    net = Net().double()
    init_from_numpy(torch, net, seed=91)

    def reinit_heads(m):
        if isinstance(m, nn.Linear) and m.out_features < 3:
            with torch.no_grad():
                m.bias.fill_(0.1)

    net.apply(reinit_heads)

    def pre_hook(mod, args):
        log.append(("pre", tuple(args[0].shape)))
        return (args[0] * 2,)  # a pre-hook may replace the input

    def fwd_hook(mod, args, out):
        log.append(("fwd", tuple(out.shape)))
        return out - 0.5  # ... and a forward hook the output

    grads_seen = []

    def bwd_hook(mod, grad_input, grad_output):
        grads_seen.append(grad_output[0].detach().clone())

    h1 = net.blocks[0].register_forward_pre_hook(pre_hook)
    h2 = net.blocks[1].register_forward_hook(fwd_hook)
    h3 = net.heads["a"].register_full_backward_hook(bwd_hook)

    net.stem.requires_grad_(False)  # freeze the stem
    opt = torch.optim.SGD([
        {"params": [p for n, p in net.named_parameters() if n.startswith("blocks")], "lr": 0.05},
        {"params": list(net.heads.parameters()) + list(net.extra.parameters())},
    ], lr=0.1, momentum=0.9, dampening=0.1)

    x = torch.from_numpy(np.random.default_rng(92).standard_normal((5, 4)))
    ta = torch.from_numpy(np.random.default_rng(93).standard_normal((5, 2)))
    losses = []
    for step in range(4):
        if step == 2:
            h1.remove()
            h2.remove()
        a, b = net(x)
        loss = ((a - ta) ** 2).mean() + b.abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    h3.remove()

    sd = net.state_dict()
    return {
        "losses": losses,
        "log": [list(e) for e in log],
        "grads_seen": grads_seen,
        "stem_grad_is_none": net.stem.weight.grad is None,
        "state_keys": list(sd.keys()),
        "calls": sd["blocks.0.calls"],
        "named_modules": [n for n, _ in net.named_modules()],
        "children": [type(c).__name__ for c in net.children()],
        "trainable": sum(p.numel() for p in net.parameters() if p.requires_grad),
        "buffers": [n for n, _ in net.named_buffers()],
        "vector": nn.utils.parameters_to_vector(net.heads.parameters()),
        "training_flags": [net.training, net.eval().blocks[1].training],
    }


def check(r) -> None:
    assert r["stem_grad_is_none"]
    assert "blocks.0.scratch" not in r["state_keys"] and "blocks.0.calls" in r["state_keys"]
    assert int(r["calls"]) == 4
    assert r["log"][:2] == [["pre", [5, 6]], ["fwd", [5, 6]]]
    assert len(r["grads_seen"]) == 4
    assert r["training_flags"] == [True, False]
