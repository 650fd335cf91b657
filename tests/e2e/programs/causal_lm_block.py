"""GPT-style block: MultiheadAttention with a causal attn_mask, scaled_dot_product_attention, weight tying (float64)."""
import numpy as np

from ._util import init_from_numpy

RTOL = 1e-7
ATOL = 1e-9


def run(torch) -> dict:
    nn = torch.nn
    F = nn.functional
    torch.manual_seed(0)
    vocab, d, heads, T = 11, 12, 3, 7

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1 = nn.LayerNorm(d)
            self.attn = nn.MultiheadAttention(d, heads, dropout=0.0, batch_first=True)
            self.ln2 = nn.LayerNorm(d)
            self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(approximate="tanh"), nn.Linear(4 * d, d))

        def forward(self, x, mask):
            h = self.ln1(x)
            a, w = self.attn(h, h, h, attn_mask=mask, need_weights=True, average_attn_weights=True)
            x = x + a
            return x + self.mlp(self.ln2(x)), w

    class TinyGPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(vocab, d)
            self.pos = nn.Parameter(torch.zeros(1, T, d))
            self.blocks = nn.ModuleList([Block(), Block()])
            self.ln_f = nn.LayerNorm(d)
            self.head = nn.Linear(d, vocab, bias=False)
            self.head.weight = self.tok.weight  # weight tying

        def forward(self, idx):
            x = self.tok(idx) + self.pos[:, : idx.shape[1]]
            mask = torch.triu(torch.ones(idx.shape[1], idx.shape[1], dtype=torch.bool), diagonal=1)
            weights = []
            for blk in self.blocks:
                x, w = blk(x, mask)
                weights.append(w)
            return self.head(self.ln_f(x)), weights

    model = TinyGPT().double()
    init_from_numpy(torch, model, seed=81)
    rng = np.random.default_rng(82)
    seqs = torch.from_numpy(rng.integers(0, vocab, size=(4, T + 1)))
    inp, tgt = seqs[:, :-1], seqs[:, 1:]
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=5e-3, betas=(0.9, 0.95))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 3))
    losses = []
    for _ in range(5):
        logits, weights = model(inp)
        loss = F.cross_entropy(logits.view(-1, vocab), tgt.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        losses.append(loss.item())

    # the fused kernel agrees with an explicit causal softmax attention
    rng2 = np.random.default_rng(83)
    q, k, v = (torch.from_numpy(rng2.standard_normal((2, 3, T, 4))) for _ in range(3))
    sdpa = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    scores = (q @ k.transpose(-2, -1)) / 2.0
    scores = scores.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
    manual = scores.softmax(-1) @ v
    return {
        "losses": losses,
        "attn_weights": weights[1].detach(),
        "tied": model.head.weight is model.tok.weight,
        "n_params": sum(p.numel() for p in model.parameters()),
        "sdpa": sdpa,
        "sdpa_gap": (sdpa - manual).abs().max(),
        "lrs": [g["lr"] for g in opt.param_groups],
    }


def check(r) -> None:
    w = np.asarray(r["attn_weights"])
    assert w.shape == (4, 7, 7)
    np.testing.assert_array_equal(np.triu(w, 1), 0.0)
    np.testing.assert_allclose(w.sum(-1), 1.0, rtol=1e-12)
    assert r["tied"]
    assert float(r["sdpa_gap"]) < 1e-12
