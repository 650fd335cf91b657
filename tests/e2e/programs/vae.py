"""Variational autoencoder (pytorch/examples/vae): MLP encoder/decoder, reparameterisation with fixed NumPy noise,
BCE(reduction='sum') + KL loss, Adam, then a test pass and decoding fixed latent samples (float32)."""
import numpy as np

from ._util import init_from_numpy

RTOL = 3e-4
ATOL = 3e-5


def run(torch) -> dict:
    nn = torch.nn
    F = nn.functional
    torch.manual_seed(0)
    rng = np.random.default_rng(301)
    d_in, d_hidden, d_latent, batch = 64, 32, 4, 16
    # binary-ish 8x8 "images" with values in [0, 1]
    protos = (rng.uniform(size=(3, 8, 8)) > 0.5).astype(np.float32)
    labels = rng.integers(0, 3, size=(4, batch))
    images = np.clip(protos[labels] + 0.15 * rng.standard_normal((4, batch, 8, 8)), 0.0, 1.0).astype(np.float32)
    eps_all = rng.standard_normal((4, batch, d_latent)).astype(np.float32)
    z_samples = torch.from_numpy(rng.standard_normal((5, d_latent)).astype(np.float32))

    class VAE(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(d_in, d_hidden)
            self.fc21 = nn.Linear(d_hidden, d_latent)
            self.fc22 = nn.Linear(d_hidden, d_latent)
            self.fc3 = nn.Linear(d_latent, d_hidden)
            self.fc4 = nn.Linear(d_hidden, d_in)

        def encode(self, x):
            h1 = F.relu(self.fc1(x))
            return self.fc21(h1), self.fc22(h1)

        def reparameterize(self, mu, logvar, eps):
            std = torch.exp(0.5 * logvar)
            return mu + eps * std

        def decode(self, z):
            h3 = F.relu(self.fc3(z))
            return torch.sigmoid(self.fc4(h3))

        def forward(self, x, eps):
            mu, logvar = self.encode(x.view(-1, d_in))
            z = self.reparameterize(mu, logvar, eps)
            return self.decode(z), mu, logvar

    def loss_function(recon_x, x, mu, logvar):
        bce = F.binary_cross_entropy(recon_x, x.view(-1, d_in), reduction="sum")
        # KL(q(z|x) || N(0, I)) in closed form (Kingma & Welling, appendix B)
        kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return bce + kld, bce, kld

    model = init_from_numpy(torch, VAE(), seed=302)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses, bces, klds = [], [], []
    for epoch in range(3):
        model.train()
        train_loss = 0.0
        for batch_idx in range(4):
            data = torch.from_numpy(images[batch_idx]).unsqueeze(1)  # (B, 1, 8, 8) as a loader would give
            eps = torch.from_numpy(eps_all[batch_idx])
            optimizer.zero_grad()
            recon_batch, mu, logvar = model(data, eps)
            loss, bce, kld = loss_function(recon_batch, data, mu, logvar)
            loss.backward()
            train_loss += loss.item()
            optimizer.step()
            bces.append(bce.item())
            klds.append(kld.item())
        losses.append(train_loss / (4 * batch))

    model.eval()
    test_loss = 0.0
    with torch.no_grad():
        for batch_idx in range(4):
            data = torch.from_numpy(images[batch_idx])
            recon, mu, logvar = model(data, torch.zeros(batch, d_latent))
            test_loss += loss_function(recon, data, mu, logvar)[0].item()
            if batch_idx == 0:
                n = 4
                comparison = torch.cat([data.view(batch, 1, 8, 8)[:n], recon.view(batch, 1, 8, 8)[:n]])
        sample = model.decode(z_samples).view(5, 1, 8, 8)
    return {
        "losses": losses,
        "bce": bces,
        "kld": klds,
        "test_loss": test_loss / (4 * batch),
        "comparison": comparison,
        "sample": sample,
        "mu": mu,
        "logvar": logvar,
        "adam_exp_avg_sq": optimizer.state[model.fc1.weight]["exp_avg_sq"],
        "adam_step": optimizer.state[model.fc1.weight]["step"],
    }


def check(r) -> None:
    assert all(k >= 0 for k in r["kld"])
    s = np.asarray(r["sample"])
    assert s.shape == (5, 1, 8, 8) and np.all((s > 0) & (s < 1))
    assert np.asarray(r["comparison"]).shape == (8, 1, 8, 8)
    assert float(r["adam_step"]) == 12.0
