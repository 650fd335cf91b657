"""Spatial transformer network tutorial on synthetic 20x20 digits (float64): a localisation net regressing a 2x3
affine theta initialised to the identity, F.affine_grid + F.grid_sample (bilinear and nearest, zeros/border
padding), trained jointly with a small classifier by SGD; gradients flow into theta through the sampler."""
import numpy as np

from ._util import init_from_numpy

RTOL = 1e-7
ATOL = 1e-10


def run(torch) -> dict:
    nn = torch.nn
    F = nn.functional
    torch.manual_seed(0)
    rng = np.random.default_rng(1201)
    protos = rng.uniform(size=(4, 20, 20)) ** 3
    labels = rng.integers(0, 4, size=(3, 8))
    images = (protos[labels] + 0.1 * rng.standard_normal((3, 8, 20, 20)))[:, :, None]

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 4, kernel_size=5)
            self.conv2 = nn.Conv2d(4, 6, kernel_size=3)
            self.conv2_drop = nn.Dropout2d(p=0.0)
            self.fc1 = nn.Linear(6 * 3 * 3, 16)
            self.fc2 = nn.Linear(16, 4)
            self.localization = nn.Sequential(
                nn.Conv2d(1, 4, kernel_size=5),
                nn.MaxPool2d(2, stride=2),
                nn.ReLU(True),
                nn.Conv2d(4, 5, kernel_size=3),
                nn.MaxPool2d(2, stride=2),
                nn.ReLU(True),
            )
            self.fc_loc = nn.Sequential(nn.Linear(5 * 3 * 3, 8), nn.ReLU(True), nn.Linear(8, 3 * 2))

        def identity_init(self):
            self.fc_loc[2].weight.data.zero_()
            self.fc_loc[2].bias.data.copy_(torch.tensor([1, 0, 0, 0, 1, 0], dtype=torch.float))

        def stn(self, x):
            xs = self.localization(x)
            xs = xs.view(-1, 5 * 3 * 3)
            theta = self.fc_loc(xs)
            theta = theta.view(-1, 2, 3)
            grid = F.affine_grid(theta, x.size(), align_corners=False)
            return F.grid_sample(x, grid, align_corners=False), theta

        def forward(self, x):
            x, theta = self.stn(x)
            x = F.relu(F.max_pool2d(self.conv1(x), 2))
            x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
            x = x.view(-1, 6 * 3 * 3)
            x = F.relu(self.fc1(x))
            x = F.dropout(x, p=0.5, training=False)
            x = self.fc2(x)
            return F.log_softmax(x, dim=1), theta

    model = init_from_numpy(torch, Net().double(), seed=1202)
    model.identity_init()
    # the identity transform resamples the image exactly (pixel centres with align_corners=False)
    x0 = torch.from_numpy(images[0])
    grid0 = F.affine_grid(torch.eye(2, 3, dtype=torch.float64).unsqueeze(0).expand(8, 2, 3), x0.size(),
                          align_corners=False)
    identity_err = (F.grid_sample(x0, grid0, align_corners=False) - x0).abs().max()

    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    losses, thetas = [], []
    for epoch in range(4):
        model.train()
        total = 0.0
        for b in range(3):
            data = torch.from_numpy(images[b])
            target = torch.from_numpy(labels[b])
            optimizer.zero_grad()
            output, theta = model(data)
            loss = F.nll_loss(output, target)
            loss.backward()
            optimizer.step()
            total += loss.item()
        losses.append(total / 3)
        thetas.append(theta.detach()[0])

    model.eval()
    with torch.no_grad():
        data = torch.from_numpy(images[0])
        transformed, theta = model.stn(data)
        output, _ = model(data)
        pred = output.max(1, keepdim=True)[1]
        correct = pred.eq(torch.from_numpy(labels[0]).view_as(pred)).sum().item()

    # the sampler's other modes on a rotated/zoomed grid, with gradients w.r.t. theta and the input
    ang = 0.3
    theta_r = torch.tensor([[[np.cos(ang) * 1.2, -np.sin(ang), 0.1], [np.sin(ang), np.cos(ang) * 1.2, -0.2]]],
                           dtype=torch.float64, requires_grad=True)
    img = torch.from_numpy(images[1][:1]).requires_grad_()
    grid = F.affine_grid(theta_r, (1, 1, 12, 14), align_corners=True)
    out_b = F.grid_sample(img, grid, mode="bilinear", padding_mode="border", align_corners=True)
    out_z = F.grid_sample(img, grid, mode="bilinear", padding_mode="zeros", align_corners=True)
    out_r = F.grid_sample(img, grid, mode="bilinear", padding_mode="reflection", align_corners=False)
    out_n = F.grid_sample(img, grid, mode="nearest", padding_mode="zeros", align_corners=True)
    (out_b.pow(2).sum() + out_z.sum() + out_r.sum() + out_n.sum()).backward()
    return {
        "identity_err": identity_err,
        "losses": losses,
        "thetas": thetas,
        "eval_theta": theta,
        "transformed": transformed[:2],
        "correct": correct,
        "fc_loc_grad": model.fc_loc[2].weight.grad,
        "grid": grid,
        "out_border": out_b.detach(),
        "out_zeros": out_z.detach(),
        "out_reflection": out_r.detach(),
        "out_nearest": out_n.detach(),
        "theta_grad": theta_r.grad,
        "img_grad": img.grad,
    }


def check(r) -> None:
    assert float(r["identity_err"]) < 1e-12
    assert np.asarray(r["grid"]).shape == (1, 12, 14, 2)
    assert np.any(np.asarray(r["fc_loc_grad"]) != 0)
    assert 0 <= r["correct"] <= 8
