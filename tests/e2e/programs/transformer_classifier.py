"""TransformerEncoder sequence classifier with src_key_padding_mask, AdamW and OneCycleLR (float64)."""
import math

import numpy as np

from ._util import init_from_numpy

RTOL = 1e-7
ATOL = 1e-9

PAD = 0


def make_batch(rng, n, max_len, vocab):
    lengths = rng.integers(3, max_len + 1, size=n)
    tokens = np.zeros((n, max_len), dtype=np.int64)
    for i, length in enumerate(lengths):
        tokens[i, :length] = rng.integers(1, vocab, size=length)
    # label: does the sequence contain more tokens from the upper half of the vocabulary?
    upper = ((tokens >= vocab // 2) & (tokens != PAD)).sum(1)
    labels = (2 * upper > lengths).astype(np.int64)
    return tokens, labels


def run(torch) -> dict:
    nn = torch.nn
    torch.manual_seed(0)
    vocab, d_model, max_len = 12, 16, 9
    tokens_np, labels_np = make_batch(np.random.default_rng(21), 10, max_len, vocab)
    tokens, labels = torch.from_numpy(tokens_np), torch.from_numpy(labels_np)
    pad_mask = tokens == PAD

    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(vocab, d_model, padding_idx=PAD)
            pos = np.arange(max_len)[:, None] / (10000 ** (np.arange(0, d_model, 2) / d_model))
            pe = np.zeros((max_len, d_model))
            pe[:, 0::2], pe[:, 1::2] = np.sin(pos), np.cos(pos)
            self.register_buffer("pe", torch.from_numpy(pe))
            layer = nn.TransformerEncoderLayer(d_model, nhead=2, dim_feedforward=32, dropout=0.0,
                                               activation="gelu", batch_first=True, norm_first=False)
            self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
            self.head = nn.Linear(d_model, 2)

        def forward(self, tok, mask):
            x = self.embed(tok) * math.sqrt(d_model) + self.pe[: tok.shape[1]]
            x = self.encoder(x, src_key_padding_mask=mask)
            keep = (~mask).unsqueeze(-1).to(x.dtype)
            pooled = (x * keep).sum(1) / keep.sum(1)
            return self.head(pooled)

    model = Classifier().double()
    init_from_numpy(torch, model, seed=22)
    total_steps = 8
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-2, total_steps=total_steps, pct_start=0.3)
    losses, lrs = [], []
    model.train()
    for _ in range(total_steps):
        logits = model(tokens, pad_mask)
        loss = nn.functional.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        losses.append(loss.item())
        lrs.append(opt.param_groups[0]["lr"])

    model.eval()
    with torch.no_grad():
        eval_logits = model(tokens, pad_mask)
    return {
        "losses": losses,
        "lrs": lrs,
        "eval_logits": eval_logits,
        "pad_row_grad": model.embed.weight.grad[PAD],
        "state_keys": sorted(model.state_dict().keys()),
    }


def check(r) -> None:
    np.testing.assert_array_equal(r["pad_row_grad"], 0.0)
    assert "encoder.layers.1.self_attn.in_proj_weight" in r["state_keys"]
