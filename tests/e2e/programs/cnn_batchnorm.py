"""Small CNN (Conv2d/BatchNorm2d/MaxPool2d/AdaptiveAvgPool2d/Linear), SGD with Nesterov momentum, then eval."""
import numpy as np

from ._util import init_from_numpy

RTOL = 2e-4
ATOL = 2e-5


def run(torch) -> dict:
    nn = torch.nn
    F = torch.nn.functional
    torch.manual_seed(0)
    rng = np.random.default_rng(7)
    images = torch.from_numpy(rng.standard_normal((8, 1, 12, 12)).astype(np.float32))
    labels = torch.from_numpy(rng.integers(0, 3, size=8))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(
                nn.Conv2d(1, 4, kernel_size=3, padding=1),
                nn.BatchNorm2d(4),
                nn.ReLU(inplace=True),
                nn.MaxPool2d(2),
                nn.Conv2d(4, 8, kernel_size=3, stride=1, bias=False),
                nn.BatchNorm2d(8, momentum=0.2),
                nn.ReLU(),
                nn.AdaptiveAvgPool2d((1, 1)),
            )
            self.head = nn.Linear(8, 3)

        def forward(self, x):
            x = self.features(x)
            x = torch.flatten(x, 1)
            return self.head(x)

    net = init_from_numpy(torch, Net(), seed=8)
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-4)
    losses = []
    net.train()
    for _ in range(5):
        opt.zero_grad(set_to_none=True)
        out = net(images)
        loss = F.cross_entropy(out, labels)
        loss.backward()
        opt.step()
        losses.append(loss.item())

    net.eval()
    with torch.no_grad():
        eval_logits = net(images)
        train_mode_logits = net.train()(images)  # a train-mode pass updates running stats once more
    bn = net.features[1]
    return {
        "losses": losses,
        "eval_logits": eval_logits,
        "train_mode_logits": train_mode_logits,
        "bn_running_mean": bn.running_mean,
        "bn_running_var": bn.running_var,
        "bn_batches": bn.num_batches_tracked,
        "conv_grad": net.features[0].weight.grad,
        "momentum_buffer": opt.state[net.head.weight]["momentum_buffer"],
    }


def check(r) -> None:
    assert int(r["bn_batches"]) == 6
    assert np.all(np.asarray(r["bn_running_var"]) > 0)
