"""1-D CNN over sequences: reflect pad, dilated Conv1d(padding='same'), BatchNorm1d, MaxPool1d, GRU (float64).

float64 because RMSprop's first step is sign-like: float32 rounding of tiny gradients would dominate.
"""
import numpy as np

from ._util import init_from_numpy

RTOL = 1e-7
ATOL = 1e-9


def run(torch) -> dict:
    nn = torch.nn
    F = nn.functional
    torch.manual_seed(0)
    rng = np.random.default_rng(141)
    x_np = rng.standard_normal((6, 2, 24))
    y_np = (x_np[:, 0].mean(1) > x_np[:, 1].mean(1)).astype(np.int64)
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)

    class SeqNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv1d(2, 8, kernel_size=3, padding="same", dilation=2)
            self.bn1 = nn.BatchNorm1d(8)
            self.conv2 = nn.Conv1d(8, 8, kernel_size=4, padding="same")
            self.pool = nn.MaxPool1d(2)
            self.conv3 = nn.Conv1d(8, 8, kernel_size=3)
            self.gru = nn.GRU(8, 12, batch_first=True, num_layers=1)
            self.gap = nn.AdaptiveAvgPool1d(1)
            self.head = nn.Linear(12 + 8, 2)

        def forward(self, s):
            h = F.relu(self.bn1(self.conv1(s)))
            h = self.pool(F.relu(self.conv2(h)))          # (B, 8, 12)
            h = self.conv3(F.pad(h, (1, 1), mode="reflect"))  # keeps length 12
            seq, last = self.gru(h.transpose(1, 2))
            g = self.gap(h).squeeze(-1)
            return self.head(torch.cat([last[-1], g], dim=1)), seq

    model = SeqNet().double()
    init_from_numpy(torch, model, seed=142)
    opt = torch.optim.RMSprop(model.parameters(), lr=0.01)
    losses = []
    model.train()
    for _ in range(4):
        logits, seq = model(x)
        loss = F.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        logits, seq = model(x)
        shapes = {
            "conv1": list(model.conv1(x).shape),
            "pool": list(model.pool(model.conv2(model.conv1(x))).shape),
            "ada": list(F.adaptive_avg_pool1d(x, 5).shape),
        }
    return {
        "losses": losses,
        "logits": logits,
        "seq_shape": list(seq.shape),
        "seq_last": seq[:, -1],
        "shapes": shapes,
        "running_mean": model.bn1.running_mean,
        "running_var": model.bn1.running_var,
        "num_batches": model.bn1.num_batches_tracked,
        "reflect": F.pad(torch.arange(5.0).view(1, 1, 5), (2, 3), mode="reflect"),
        "ada_pool": F.adaptive_avg_pool1d(torch.arange(7.0).view(1, 1, 7), 3),
        "maxpool_idx": F.max_pool1d(x[:1, :1], 3, stride=2, return_indices=True)[1],
    }


def check(r) -> None:
    assert r["shapes"]["conv1"] == [6, 8, 24] and r["shapes"]["pool"] == [6, 8, 12]
    assert r["seq_shape"] == [6, 12, 12]
    np.testing.assert_array_equal(r["reflect"][0, 0], [2, 1, 0, 1, 2, 3, 4, 3, 2, 1])
