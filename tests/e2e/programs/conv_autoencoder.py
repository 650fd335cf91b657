"""Convolutional autoencoder: strided Conv2d down, ConvTranspose2d + interpolate up, GroupNorm, RMSprop (float32)."""
import numpy as np

from ._util import init_from_numpy

RTOL = 3e-4
ATOL = 3e-5


def run(torch) -> dict:
    nn = torch.nn
    F = nn.functional
    torch.manual_seed(0)
    rng = np.random.default_rng(71)
    # smooth blobs so the autoencoder has structure to learn
    yy, xx = np.mgrid[0:16, 0:16] / 15.0
    centres = rng.uniform(0.2, 0.8, size=(6, 2))
    imgs = np.exp(-((xx[None] - centres[:, :1, None]) ** 2 + (yy[None] - centres[:, 1:, None]) ** 2) / 0.05)
    x = torch.from_numpy(imgs[:, None].astype(np.float32))

    class AE(nn.Module):
        def __init__(self):
            super().__init__()
            self.enc = nn.Sequential(
                nn.Conv2d(1, 8, 4, stride=2, padding=1), nn.GroupNorm(2, 8), nn.LeakyReLU(0.1),
                nn.Conv2d(8, 16, 3, stride=2, padding=1, padding_mode="zeros"), nn.ELU(),
            )
            self.dec1 = nn.ConvTranspose2d(16, 8, kernel_size=4, stride=2, padding=1)
            self.dec2 = nn.Conv2d(8, 1, kernel_size=3, padding=1)

        def forward(self, x):
            z = self.enc(x)
            h = F.leaky_relu(self.dec1(z), 0.1)
            h = F.interpolate(h, scale_factor=2, mode="bilinear", align_corners=False)
            return torch.sigmoid(self.dec2(h)), z

    model = init_from_numpy(torch, AE(), seed=72)
    opt = torch.optim.RMSprop(model.parameters(), lr=3e-3, alpha=0.9, momentum=0.1)
    losses = []
    for _ in range(6):
        recon, z = model(x)
        loss = F.mse_loss(recon, x, reduction="mean") + 1e-3 * z.pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    with torch.no_grad():
        recon, z = model(x)
        nearest = F.interpolate(z, size=(6, 6), mode="nearest")
        pooled = F.avg_pool2d(recon, kernel_size=2, stride=2, ceil_mode=True)
    return {
        "losses": losses,
        "latent_shape": list(z.shape),
        "recon": recon,
        "nearest": nearest,
        "pooled": pooled,
        "dec1_grad": model.dec1.weight.grad,
        "gn_weight": model.enc[1].weight.detach(),
    }


def check(r) -> None:
    assert r["latent_shape"] == [6, 16, 4, 4]
    assert np.asarray(r["recon"]).shape == (6, 1, 16, 16)
