"""ViT-style classifier: Conv2d/unfold patch embedding, cls token, learned positions, pre-norm encoder (float64)."""
import numpy as np

from ._util import init_from_numpy

RTOL = 1e-7
ATOL = 1e-9


def run(torch) -> dict:
    nn = torch.nn
    F = nn.functional
    torch.manual_seed(0)
    rng = np.random.default_rng(101)
    img, patch, chans, dim = 8, 4, 3, 16
    n_patches = (img // patch) ** 2
    x = torch.from_numpy(rng.standard_normal((6, chans, img, img)))
    y = torch.from_numpy(rng.integers(0, 3, size=6))

    class ViT(nn.Module):
        def __init__(self):
            super().__init__()
            self.patch = nn.Conv2d(chans, dim, kernel_size=patch, stride=patch)
            self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
            self.pos = nn.Parameter(torch.zeros(1, n_patches + 1, dim))
            layer = nn.TransformerEncoderLayer(dim, nhead=4, dim_feedforward=32, dropout=0.0,
                                               activation="gelu", batch_first=True, norm_first=True)
            self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
            self.norm = nn.LayerNorm(dim)
            self.head = nn.Linear(dim, 3)

        def embed(self, imgs):
            p = self.patch(imgs)                      # (B, dim, H/p, W/p)
            return p.flatten(2).transpose(1, 2)        # (B, N, dim)

        def embed_unfold(self, imgs):
            cols = F.unfold(imgs, kernel_size=patch, stride=patch)   # (B, C*p*p, N)
            w = self.patch.weight.reshape(dim, -1)
            return F.linear(cols.transpose(1, 2), w, self.patch.bias)

        def forward(self, imgs):
            tokens = self.embed(imgs)
            cls = self.cls_token.expand(tokens.shape[0], -1, -1)
            h = torch.cat([cls, tokens], dim=1) + self.pos
            h = self.norm(self.encoder(h))
            return self.head(h[:, 0]), self.head(h.mean(dim=1))

    model = ViT().double()
    init_from_numpy(torch, model, seed=102)
    with torch.no_grad():
        e_conv = model.embed(x)
        e_unf = model.embed_unfold(x)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.01, betas=(0.9, 0.98))
    warm = 2
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda=lambda s: min(1.0, (s + 1) / warm))
    losses, lrs = [], []
    for _ in range(3):
        logits_cls, logits_mean = model(x)
        loss = F.cross_entropy(logits_cls, y) + 0.5 * F.cross_entropy(logits_mean, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        losses.append(loss.item())
        lrs.append(sched.get_last_lr()[0])
    model.eval()
    with torch.no_grad():
        final = model(x)[0]
    return {
        "losses": losses,
        "lrs": lrs,
        "embed_conv": e_conv,
        "embed_unfold": e_unf,
        "final_logits": final,
        "cls_grad": model.cls_token.grad,
        "pos_grad_norm": model.pos.grad.norm(),
        "n_params": sum(p.numel() for p in model.parameters()),
    }


def check(r) -> None:
    np.testing.assert_allclose(r["embed_conv"], r["embed_unfold"], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(r["lrs"], [1e-2, 1e-2, 1e-2])
    assert r["cls_grad"].shape == (1, 1, 16)
