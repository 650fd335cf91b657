"""DCGAN tutorial step loop on 16x16 images: ConvTranspose2d/BatchNorm2d/ReLU/Tanh generator, Conv2d/LeakyReLU
discriminator, weights_init via Module.apply and class names, BCEWithLogitsLoss, two Adam(betas=(0.5, 0.999)),
detach() for the discriminator step (float32)."""
import numpy as np

RTOL = 1e-3
ATOL = 1e-5


def run(torch) -> dict:
    nn = torch.nn
    torch.manual_seed(0)
    nz, ngf, ndf, nc, b = 8, 8, 8, 1, 6
    rng = np.random.default_rng(401)

    class Generator(nn.Module):
        def __init__(self):
            super().__init__()
            self.main = nn.Sequential(
                nn.ConvTranspose2d(nz, ngf * 2, 4, 1, 0, bias=False),   # 1x1 -> 4x4
                nn.BatchNorm2d(ngf * 2),
                nn.ReLU(True),
                nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False),  # -> 8x8
                nn.BatchNorm2d(ngf),
                nn.ReLU(True),
                nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False),       # -> 16x16
                nn.Tanh(),
            )

        def forward(self, input):
            return self.main(input)

    class Discriminator(nn.Module):
        def __init__(self):
            super().__init__()
            self.main = nn.Sequential(
                nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),                # 16 -> 8
                nn.LeakyReLU(0.2, inplace=True),
                nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),           # -> 4
                nn.BatchNorm2d(ndf * 2),
                nn.LeakyReLU(0.2, inplace=True),
                nn.Conv2d(ndf * 2, 1, 4, 1, 0, bias=False),             # -> 1x1 logit
            )

        def forward(self, input):
            return self.main(input)

    init_names = []

    def weights_init(m):
        # the tutorial's N(0, 0.02) / N(1, 0.02) initialisation, drawn from NumPy instead of the library RNG
        classname = m.__class__.__name__
        if classname.find("Conv") != -1:
            init_names.append(classname)
            with torch.no_grad():
                m.weight.copy_(torch.from_numpy(rng.normal(0.0, 0.02, size=tuple(m.weight.shape))))
        elif classname.find("BatchNorm") != -1:
            init_names.append(classname)
            with torch.no_grad():
                m.weight.copy_(torch.from_numpy(rng.normal(1.0, 0.02, size=tuple(m.weight.shape))))
            nn.init.constant_(m.bias.data, 0)

    netG = Generator()
    netG.apply(weights_init)
    netD = Discriminator()
    netD.apply(weights_init)
    criterion = nn.BCEWithLogitsLoss()
    fixed_noise = torch.from_numpy(rng.standard_normal((4, nz, 1, 1)).astype(np.float32))
    real_label, fake_label = 1.0, 0.0
    optimizerD = torch.optim.Adam(netD.parameters(), lr=2e-3, betas=(0.5, 0.999))
    optimizerG = torch.optim.Adam(netG.parameters(), lr=2e-3, betas=(0.5, 0.999))

    # "real" images: smooth blobs in [-1, 1]
    yy, xx = np.meshgrid(np.linspace(-1, 1, 16), np.linspace(-1, 1, 16), indexing="ij")
    centers = rng.uniform(-0.5, 0.5, size=(4, b, 2))
    real_all = np.tanh(3 * np.exp(-((yy - centers[..., :1, None]) ** 2 + (xx - centers[..., 1:, None]) ** 2) * 4)
                       - 1.5)[:, :, None].astype(np.float32)
    noise_all = rng.standard_normal((4, b, nz, 1, 1)).astype(np.float32)

    G_losses, D_losses, D_x_hist, D_G_z1_hist, D_G_z2_hist = [], [], [], [], []
    for i in range(4):
        # (1) update D: maximise log(D(x)) + log(1 - D(G(z)))
        netD.zero_grad()
        real_cpu = torch.from_numpy(real_all[i])
        b_size = real_cpu.size(0)
        label = torch.full((b_size,), real_label, dtype=torch.float)
        output = netD(real_cpu).view(-1)
        errD_real = criterion(output, label)
        errD_real.backward()
        D_x = torch.sigmoid(output).mean().item()

        noise = torch.from_numpy(noise_all[i])
        fake = netG(noise)
        label.fill_(fake_label)
        output = netD(fake.detach()).view(-1)
        errD_fake = criterion(output, label)
        errD_fake.backward()
        D_G_z1 = torch.sigmoid(output).mean().item()
        errD = errD_real + errD_fake
        optimizerD.step()

        # (2) update G: maximise log(D(G(z)))
        netG.zero_grad()
        label.fill_(real_label)
        output = netD(fake).view(-1)
        errG = criterion(output, label)
        errG.backward()
        D_G_z2 = torch.sigmoid(output).mean().item()
        optimizerG.step()

        G_losses.append(errG.item())
        D_losses.append(errD.item())
        D_x_hist.append(D_x)
        D_G_z1_hist.append(D_G_z1)
        D_G_z2_hist.append(D_G_z2)

    with torch.no_grad():
        fake_fixed = netG(fixed_noise).detach().cpu()
    netG.eval()
    with torch.no_grad():
        fake_eval = netG(fixed_noise)
    return {
        "init_names": init_names,
        "G_losses": G_losses,
        "D_losses": D_losses,
        "D_x": D_x_hist,
        "D_G_z1": D_G_z1_hist,
        "D_G_z2": D_G_z2_hist,
        "fake_fixed": fake_fixed,
        "fake_eval": fake_eval,
        "bnG_running_mean": netG.main[1].running_mean,
        "bnD_running_var": netD.main[3].running_var,
        "bnD_batches": netD.main[3].num_batches_tracked,
        "lastD_grad": netD.main[5].weight.grad,
        "firstG_weight": netG.main[0].weight.detach(),
        "adamG_state_keys": sorted(optimizerG.state[netG.main[0].weight].keys()),
        "betas": list(optimizerD.param_groups[0]["betas"]),
    }


def check(r) -> None:
    assert r["init_names"] == ["ConvTranspose2d", "BatchNorm2d", "ConvTranspose2d", "BatchNorm2d",
                               "ConvTranspose2d", "Conv2d", "Conv2d", "BatchNorm2d", "Conv2d"]
    assert np.asarray(r["fake_fixed"]).shape == (4, 1, 16, 16)
    assert np.all(np.abs(np.asarray(r["fake_eval"])) <= 1)
    # D sees real, fake.detach() and fake each iteration: three BatchNorm updates per step
    assert int(r["bnD_batches"]) == 12
    assert r["adamG_state_keys"] == ["exp_avg", "exp_avg_sq", "step"]
