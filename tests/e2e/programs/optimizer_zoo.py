"""The same small regression trained by every common optimizer and LR scheduler for a few steps (float64)."""
import numpy as np

from ._util import init_from_numpy

RTOL = 1e-7
ATOL = 1e-9


def run(torch) -> dict:
    nn = torch.nn
    optim = torch.optim
    sched = optim.lr_scheduler
    rng = np.random.default_rng(131)
    X = torch.from_numpy(rng.standard_normal((24, 4)))
    y = torch.from_numpy(rng.standard_normal((24, 1)))

    recipes = {
        "sgd_maximize": (lambda p: optim.SGD(p, lr=0.05, momentum=0.8, maximize=False, weight_decay=0.01),
                         lambda o: sched.CosineAnnealingLR(o, T_max=4, eta_min=0.001)),
        "adam_wd": (lambda p: optim.Adam(p, lr=0.02, weight_decay=0.01),
                    lambda o: sched.LinearLR(o, start_factor=0.5, total_iters=3)),
        "adamw_amsgrad": (lambda p: optim.AdamW(p, lr=0.02, amsgrad=True),
                          lambda o: sched.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2)),
        "adagrad": (lambda p: optim.Adagrad(p, lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1),
                    lambda o: sched.PolynomialLR(o, total_iters=5, power=2.0)),
        "adadelta": (lambda p: optim.Adadelta(p, lr=1.0, rho=0.8), lambda o: sched.ConstantLR(o, factor=0.5,
                                                                                             total_iters=2)),
        "rmsprop_centered": (lambda p: optim.RMSprop(p, lr=0.01, centered=True, momentum=0.5),
                             lambda o: sched.CyclicLR(o, base_lr=0.001, max_lr=0.01, step_size_up=2,
                                                      cycle_momentum=True)),
        "nadam": (lambda p: optim.NAdam(p, lr=0.02, momentum_decay=0.004),
                  lambda o: sched.SequentialLR(o, [sched.ConstantLR(o, factor=0.3, total_iters=2),
                                                   sched.ExponentialLR(o, gamma=0.8)], milestones=[2])),
        "radam_decoupled": (lambda p: optim.RAdam(p, lr=0.02, weight_decay=0.1, decoupled_weight_decay=True),
                            lambda o: sched.ChainedScheduler([sched.ExponentialLR(o, gamma=0.9),
                                                              sched.StepLR(o, step_size=2, gamma=0.5)])),
        "adamax": (lambda p: optim.Adamax(p, lr=0.05), lambda o: sched.MultiplicativeLR(o, lambda e: 0.95)),
        "rprop": (lambda p: optim.Rprop(p, lr=0.01, etas=(0.4, 1.3)), lambda o: sched.StepLR(o, 3)),
        "asgd": (lambda p: optim.ASGD(p, lr=0.05, t0=2), lambda o: sched.StepLR(o, 3)),
    }
    out = {}
    for name, (make_opt, make_sched) in recipes.items():
        model = init_from_numpy(torch, nn.Sequential(nn.Linear(4, 6), nn.Softplus(), nn.Linear(6, 1)).double(),
                                seed=132)
        opt = make_opt(model.parameters())
        s = make_sched(opt)
        losses, lrs = [], []
        for _ in range(6):
            loss = nn.functional.mse_loss(model(X), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            s.step()
            losses.append(loss.item())
            lrs.append(opt.param_groups[0]["lr"])
        out[name] = {"losses": losses, "lrs": lrs, "weight": model[2].weight.detach()}

    # ReduceLROnPlateau is stepped with the metric
    model = init_from_numpy(torch, nn.Linear(4, 1).double(), seed=133)
    opt = optim.SGD(model.parameters(), lr=0.1)
    plateau = sched.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=1, threshold=1e-3)
    plateau_lrs = []
    for metric in [1.0, 0.9, 0.9, 0.9, 0.95, 0.5, 0.5, 0.5]:
        plateau.step(metric)
        plateau_lrs.append(opt.param_groups[0]["lr"])
    out["plateau_lrs"] = plateau_lrs

    # stochastic weight averaging of the parameters along a short SGD run
    model = init_from_numpy(torch, nn.Linear(4, 1).double(), seed=134)
    swa = optim.swa_utils.AveragedModel(model)
    opt = optim.SGD(model.parameters(), lr=0.1)
    for _ in range(4):
        opt.zero_grad()
        nn.functional.mse_loss(model(X), y).backward()
        opt.step()
        swa.update_parameters(model)
    out["swa_weight"] = swa.module.weight.detach()
    out["swa_n_averaged"] = swa.n_averaged
    return out


def check(r) -> None:
    for name, v in r.items():
        if isinstance(v, dict):
            assert np.all(np.isfinite(v["losses"])), name
            assert v["losses"][-1] < v["losses"][0], (name, v["losses"])
    assert r["plateau_lrs"][0] == 0.1 and r["plateau_lrs"][-1] < 0.1
