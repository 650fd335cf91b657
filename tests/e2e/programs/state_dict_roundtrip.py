"""Checkpointing: save model + optimizer + scheduler state to a BytesIO, reload into fresh objects, keep training."""
import io

import numpy as np

from ._util import init_from_numpy

RTOL = 1e-7
ATOL = 1e-9
# keys whose values must be identical within one library's run (the reloaded copy trains exactly like the original)
SAME_WITHIN = [("continued_original", "continued_reloaded"), ("weights_original", "weights_reloaded")]


def run(torch) -> dict:
    nn = torch.nn
    torch.manual_seed(0)
    rng = np.random.default_rng(51)
    X = torch.from_numpy(rng.standard_normal((32, 6)))
    y = torch.from_numpy(rng.standard_normal((32, 2)))

    def build():
        model = nn.Sequential(nn.Linear(6, 12), nn.LayerNorm(12), nn.GELU(), nn.Linear(12, 2)).double()
        opt = torch.optim.Adam(model.parameters(), lr=0.01, amsgrad=True)
        sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
        return model, opt, sched

    def train(model, opt, sched, steps):
        losses = []
        for _ in range(steps):
            loss = nn.functional.mse_loss(model(X), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            losses.append(loss.item())
        return losses

    model, opt, sched = build()
    init_from_numpy(torch, model, seed=52)
    first = train(model, opt, sched, 3)

    buf = io.BytesIO()
    torch.save({"model": model.state_dict(), "optim": opt.state_dict(), "sched": sched.state_dict(),
                "epoch": 3, "note": "checkpoint"}, buf)
    size = buf.tell()
    buf.seek(0)
    ckpt = torch.load(buf, weights_only=True)

    model2, opt2, sched2 = build()
    model2.load_state_dict(ckpt["model"])
    opt2.load_state_dict(ckpt["optim"])
    sched2.load_state_dict(ckpt["sched"])

    cont1 = train(model, opt, sched, 3)
    cont2 = train(model2, opt2, sched2, 3)
    return {
        "first": first,
        "continued_original": cont1,
        "continued_reloaded": cont2,
        "weights_original": model[3].weight.detach(),
        "weights_reloaded": model2[3].weight.detach(),
        "lr_after": opt2.param_groups[0]["lr"],
        "epoch": ckpt["epoch"],
        "note_ok": ckpt["note"] == "checkpoint",
        "saved_nonempty": size > 0,
        "max_exp_avg_sq": opt2.state[model2[0].weight]["max_exp_avg_sq"],
        "checkpoint_keys": sorted(ckpt["model"].keys()),
    }


def check(r) -> None:
    assert r["epoch"] == 3 and r["note_ok"] and r["saved_nonempty"]
    np.testing.assert_allclose(r["lr_after"], 0.01 * 0.9 ** 6)
