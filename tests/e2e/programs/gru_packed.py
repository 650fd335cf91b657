"""Bidirectional GRU over variable-length sequences with pack_padded_sequence (enforce_sorted=False)."""
import numpy as np

from ._util import init_from_numpy

RTOL = 1e-7
ATOL = 1e-9


def run(torch) -> dict:
    nn = torch.nn
    from_numpy = torch.from_numpy
    pack = nn.utils.rnn.pack_padded_sequence
    unpack = nn.utils.rnn.pad_packed_sequence
    torch.manual_seed(0)
    rng = np.random.default_rng(31)
    lengths_np = np.array([5, 2, 7, 3, 7, 1])
    feats = np.zeros((len(lengths_np), 7, 4))
    for i, n in enumerate(lengths_np):
        feats[i, :n] = rng.standard_normal((n, 4))
    x = from_numpy(feats)
    lengths = from_numpy(lengths_np)
    labels = from_numpy((feats.sum((1, 2)) > 0).astype(np.int64))

    class SeqClassifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.gru = nn.GRU(4, 8, num_layers=1, batch_first=True, bidirectional=True)
            self.out = nn.Linear(16, 2)

        def forward(self, x, lengths):
            packed = pack(x, lengths, batch_first=True, enforce_sorted=False)
            packed_out, h = self.gru(packed)
            padded, out_lengths = unpack(packed_out, batch_first=True, padding_value=0.0)
            final = torch.cat([h[-2], h[-1]], dim=1)  # forward and backward final states, original order
            return self.out(final), padded, out_lengths, packed.batch_sizes

    model = init_from_numpy(torch, SeqClassifier().double(), seed=32)
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    losses = []
    for _ in range(6):
        logits, padded, out_lengths, batch_sizes = model(x, lengths)
        loss = nn.functional.cross_entropy(logits, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return {
        "losses": losses,
        "logits": logits.detach(),
        "padded": padded.detach(),
        "out_lengths": out_lengths,
        "batch_sizes": batch_sizes,
        "gru_grad_ih": model.gru.weight_ih_l0.grad,
        "gru_grad_hh_reverse": model.gru.weight_hh_l0_reverse.grad,
    }


def check(r) -> None:
    padded = np.asarray(r["padded"])
    assert padded.shape == (6, 7, 16)
    np.testing.assert_array_equal(np.asarray(r["out_lengths"]), [5, 2, 7, 3, 7, 1])
    np.testing.assert_array_equal(padded[1, 2:], 0.0)
    np.testing.assert_array_equal(np.asarray(r["batch_sizes"]), [6, 5, 4, 3, 3, 2, 2])
