"""nn.Transformer seq2seq (encoder-decoder): causal tgt_mask, padding masks, norm_first, greedy decoding (float64)."""
import numpy as np

from ._util import init_from_numpy

RTOL = 1e-7
ATOL = 1e-9

PAD, BOS = 0, 1


def run(torch) -> dict:
    nn = torch.nn
    F = nn.functional
    pad_sequence = nn.utils.rnn.pad_sequence
    vocab, d = 10, 8
    rng = np.random.default_rng(161)
    # task: copy the source sequence reversed
    srcs = [torch.from_numpy(rng.integers(2, vocab, size=n)) for n in (5, 3, 4)]
    src = pad_sequence(srcs, batch_first=True, padding_value=PAD)
    tgt_full = pad_sequence([torch.cat([torch.tensor([BOS]), s.flip(0)]) for s in srcs], batch_first=True,
                            padding_value=PAD)
    tgt_in, tgt_out = tgt_full[:, :-1], tgt_full[:, 1:]

    class Seq2Seq(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(vocab, d, padding_idx=PAD)
            self.core = nn.Transformer(d_model=d, nhead=2, num_encoder_layers=1, num_decoder_layers=2,
                                       dim_feedforward=16, dropout=0.0, batch_first=True, norm_first=True)
            self.out = nn.Linear(d, vocab)

        def forward(self, s, t):
            n = t.shape[1]
            tgt_mask = torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)  # same mask type as the padding
            h = self.core(self.emb(s), self.emb(t), tgt_mask=tgt_mask, src_key_padding_mask=s == PAD,
                          tgt_key_padding_mask=t == PAD, memory_key_padding_mask=s == PAD, tgt_is_causal=True)
            return self.out(h)

    model = init_from_numpy(torch, Seq2Seq().double(), seed=162)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for _ in range(5):
        logits = model(src, tgt_in)
        loss = F.cross_entropy(logits.reshape(-1, vocab), tgt_out.reshape(-1), ignore_index=PAD)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())

    model.eval()
    with torch.no_grad():
        ys = torch.full((src.shape[0], 1), BOS, dtype=torch.long)
        for _ in range(4):
            nxt = model(src, ys)[:, -1].argmax(-1, keepdim=True)
            ys = torch.cat([ys, nxt], dim=1)
    return {
        "losses": losses,
        "decoded": ys,
        "mask": nn.Transformer.generate_square_subsequent_mask(4),
        "src": src,
    }


def check(r) -> None:
    mask = np.asarray(r["mask"])
    assert np.isneginf(mask[0, 1]) and mask[1, 0] == 0
    assert np.asarray(r["src"]).shape == (3, 5)
