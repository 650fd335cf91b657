"""Character-level LSTM language model on tiny Shakespeare: Embedding + LSTM + Linear, Adam, clip_grad_norm_."""
import os

import numpy as np

from ._util import init_from_numpy

RTOL = 1e-7
ATOL = 1e-9

_HERE = os.path.dirname(os.path.abspath(__file__))
TEXT_PATH = os.path.normpath(os.path.join(_HERE, "..", "..", "..", "..", "shared", "data", "tinyshakespeare",
                                          "input.txt"))


def load_text(n_chars: int = 2000) -> str:
    path = os.environ.get("EMBER_TINYSHAKESPEARE", TEXT_PATH)
    with open(path, encoding="utf-8") as fh:
        return fh.read(n_chars)


def run(torch) -> dict:
    nn = torch.nn
    torch.manual_seed(0)
    text = load_text()
    vocab = sorted(set(text))
    stoi = {ch: i for i, ch in enumerate(vocab)}
    data = torch.tensor([stoi[ch] for ch in text], dtype=torch.long)

    seq_len, batch = 24, 6
    starts = np.random.default_rng(11).integers(0, len(text) - seq_len - 1, size=(5, batch))

    class CharLM(nn.Module):
        def __init__(self, vocab_size, emb=16, hidden=32):
            super().__init__()
            self.embed = nn.Embedding(vocab_size, emb)
            self.lstm = nn.LSTM(emb, hidden, num_layers=2, batch_first=True)
            self.proj = nn.Linear(hidden, vocab_size)

        def forward(self, idx, state=None):
            out, state = self.lstm(self.embed(idx), state)
            return self.proj(out), state

    model = init_from_numpy(torch, CharLM(len(vocab)).double(), seed=12)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    criterion = nn.CrossEntropyLoss()
    losses, norms = [], []
    for step in range(5):
        idx = torch.stack([data[s:s + seq_len] for s in starts[step].tolist()])
        tgt = torch.stack([data[s + 1:s + seq_len + 1] for s in starts[step].tolist()])
        logits, _ = model(idx)
        loss = criterion(logits.reshape(-1, len(vocab)), tgt.reshape(-1))
        opt.zero_grad()
        loss.backward()
        norms.append(nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0).item())
        opt.step()
        losses.append(loss.item())

    # greedy generation with carried (h, c) state
    model.eval()
    with torch.no_grad():
        idx = data[:1].view(1, 1)
        state, generated = None, []
        for _ in range(20):
            logits, state = model(idx, state)
            idx = logits[:, -1].argmax(-1, keepdim=True)
            generated.append(int(idx))
        h, c = state
    return {
        "vocab_size": len(vocab),
        "losses": losses,
        "grad_norms": norms,
        "generated": generated,
        "h_final": h,
        "c_final": c,
        "proj_weight": model.proj.weight.detach(),
    }


def check(r) -> None:
    assert r["vocab_size"] > 20
    assert np.asarray(r["h_final"]).shape == (2, 1, 32)
    assert all(n > 0 for n in r["grad_norms"])
