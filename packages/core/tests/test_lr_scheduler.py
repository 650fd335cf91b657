"""ember.optim.lr_scheduler and swa_utils: lr sequences (hand-computed and against torch), warnings, state."""
import math
import warnings

import numpy as np
import pytest

import ember
from ember import optim
from ember.optim import lr_scheduler as S


def _opt(lib, name="SGD", groups=1, **kw):
    ps = [lib.zeros(2, requires_grad=True) for _ in range(groups)]
    kw.setdefault("lr", 0.1)
    if name == "SGD":
        kw.setdefault("momentum", 0.9)
    return getattr(lib.optim, name)([{"params": [p]} for p in ps], **kw)


def _sequence(lib, make, steps=40, opt_name="SGD", groups=2, metrics=None, **okw):
    opt = _opt(lib, opt_name, groups, **okw)
    sched = make(lib.optim.lr_scheduler, opt)
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(steps):
            opt.step()
            if metrics is not None:
                sched.step(metrics[i])
            else:
                sched.step()
            lrs = [g["lr"] for g in opt.param_groups]
            mom = [g["betas"][0] if "betas" in g else g.get("momentum") for g in opt.param_groups]
            out.append((lrs, mom, list(sched.get_last_lr())))
    return out


PLATEAU_METRICS = [1.0, 0.9, 0.9, 0.9, 0.95, 0.9, 0.91, 0.5, 0.5, 0.5, 0.5, 0.5, 0.49, 0.5, 0.5] * 3

CASES = {
    "StepLR": lambda m, o: m.StepLR(o, step_size=3, gamma=0.5),
    "MultiStepLR": lambda m, o: m.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3),
    "ExponentialLR": lambda m, o: m.ExponentialLR(o, gamma=0.9),
    "CosineAnnealingLR": lambda m, o: m.CosineAnnealingLR(o, T_max=7, eta_min=0.01),
    "WarmRestarts": lambda m, o: m.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001),
    "LambdaLR": lambda m, o: m.LambdaLR(o, lr_lambda=[lambda e: 0.95 ** e, lambda e: 1 / (e + 1)]),
    "MultiplicativeLR": lambda m, o: m.MultiplicativeLR(o, lr_lambda=lambda e: 0.97),
    "LinearLR": lambda m, o: m.LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=6),
    "ConstantLR": lambda m, o: m.ConstantLR(o, factor=0.25, total_iters=4),
    "PolynomialLR": lambda m, o: m.PolynomialLR(o, total_iters=10, power=2.0),
    "OneCycleLR": lambda m, o: m.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=41),
    "OneCycleLR-linear-3phase": lambda m, o: m.OneCycleLR(o, max_lr=1.0, total_steps=45, anneal_strategy="linear",
                                                          three_phase=True, pct_start=0.25),
    "CyclicLR": lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=4),
    "CyclicLR-tri2": lambda m, o: m.CyclicLR(o, base_lr=0.01, max_lr=0.1, step_size_up=3, step_size_down=5,
                                             mode="triangular2"),
    "CyclicLR-exp": lambda m, o: m.CyclicLR(o, base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=3, mode="exp_range",
                                            gamma=0.95),
    "SequentialLR": lambda m, o: m.SequentialLR(o, [m.LinearLR(o, start_factor=0.1, total_iters=5),
                                                    m.ExponentialLR(o, gamma=0.8)], milestones=[5]),
    "ChainedScheduler": lambda m, o: m.ChainedScheduler([m.ConstantLR(o, factor=0.5, total_iters=4),
                                                         m.ExponentialLR(o, gamma=0.9)]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_lr_sequence_matches_torch(name):
    torch = pytest.importorskip("torch")
    got = _sequence(ember, CASES[name])
    ref = _sequence(torch, CASES[name])
    np.testing.assert_allclose([g[0] for g in got], [r[0] for r in ref], rtol=1e-12)
    np.testing.assert_allclose([g[2] for g in got], [r[2] for r in ref], rtol=1e-12)
    np.testing.assert_allclose([g[1] for g in got], [r[1] for r in ref], rtol=1e-12)


def test_one_cycle_adam_betas_match_torch():
    torch = pytest.importorskip("torch")
    make = CASES["OneCycleLR"]
    got = _sequence(ember, make, opt_name="Adam")
    ref = _sequence(torch, make, opt_name="Adam")
    np.testing.assert_allclose([g[1] for g in got], [r[1] for r in ref], rtol=1e-12)
    np.testing.assert_allclose([g[0] for g in got], [r[0] for r in ref], rtol=1e-12)


@pytest.mark.parametrize("kw", [dict(), dict(mode="max", threshold_mode="abs", patience=1, cooldown=2),
                                dict(factor=0.5, patience=0, min_lr=[0.02, 0.05], threshold=0.1)])
def test_reduce_on_plateau_matches_torch(kw):
    torch = pytest.importorskip("torch")
    kw = dict(kw)
    kw.setdefault("patience", 2)

    def make(m, o):
        return m.ReduceLROnPlateau(o, **kw)

    got = _sequence(ember, make, metrics=PLATEAU_METRICS, steps=len(PLATEAU_METRICS))
    ref = _sequence(torch, make, metrics=PLATEAU_METRICS, steps=len(PLATEAU_METRICS))
    np.testing.assert_allclose([g[0] for g in got], [r[0] for r in ref], rtol=1e-12)


def test_warm_restarts_fractional_epoch_matches_torch():
    torch = pytest.importorskip("torch")
    res = []
    for lib in (ember, torch):
        opt = _opt(lib)
        s = lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=2, eta_min=0.01)
        seq = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for e in np.arange(0, 12, 0.3):
                opt.step()
                s.step(float(e))
                seq.append(opt.param_groups[0]["lr"])
        res.append(seq)
    np.testing.assert_allclose(res[0], res[1], rtol=1e-12)


def test_closed_form_with_epoch_argument():
    opt = _opt(ember)
    s = S.StepLR(opt, step_size=2, gamma=0.5)
    with pytest.warns(UserWarning, match="The epoch parameter"):
        s.step(5)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1 * 0.25)


# -- hand-computed ------------------------------------------------------------------------------------------
def test_step_lr_hand_computed():
    opt = _opt(ember, lr=1.0)
    s = S.StepLR(opt, step_size=2, gamma=0.1)
    lrs = []
    for _ in range(6):
        opt.step()
        s.step()
        lrs.append(s.get_last_lr()[0])
    np.testing.assert_allclose(lrs, [1.0, 0.1, 0.1, 0.01, 0.01, 0.001])
    assert opt.param_groups[0]["initial_lr"] == 1.0


def test_cosine_hand_computed():
    opt = _opt(ember, lr=1.0)
    s = S.CosineAnnealingLR(opt, T_max=4)
    lrs = [opt.param_groups[0]["lr"]]
    for _ in range(4):
        opt.step()
        s.step()
        lrs.append(opt.param_groups[0]["lr"])
    np.testing.assert_allclose(lrs, [(1 + math.cos(math.pi * t / 4)) / 2 for t in range(5)], atol=1e-15)


def test_one_cycle_hand_computed():
    opt = _opt(ember, lr=1.0)
    s = S.OneCycleLR(opt, max_lr=1.0, total_steps=10, pct_start=0.5, anneal_strategy="linear",
                     cycle_momentum=False, div_factor=10, final_div_factor=1)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1)
    for _ in range(4):
        opt.step()
        s.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(1.0)  # peak at step pct_start * total - 1
    for _ in range(5):
        opt.step()
        s.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(0.1)
    s.step()  # step 10 == total_steps is still allowed
    with pytest.raises(ValueError, match="Tried to step 11 times"):
        s.step()


def test_reduce_on_plateau_hand_computed():
    opt = _opt(ember, lr=1.0)
    s = S.ReduceLROnPlateau(opt, patience=1, factor=0.5)
    for m in [1.0, 1.0, 1.0, 1.0, 1.0]:
        s.step(m)
    assert opt.param_groups[0]["lr"] == 0.25
    with pytest.raises(ValueError, match="Factor should be < 1.0"):
        S.ReduceLROnPlateau(opt, factor=1.0)


# -- base class behaviour ------------------------------------------------------------------------------------
def test_warning_when_scheduler_steps_before_optimizer():
    opt = _opt(ember)
    s = S.StepLR(opt, step_size=1)
    with pytest.warns(UserWarning, match=r"Detected call of `lr_scheduler.step\(\)` before `optimizer.step\(\)`"):
        s.step()
    opt2 = _opt(ember)
    s2 = S.StepLR(opt2, step_size=1)
    opt2.step()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s2.step()


def test_get_lr_outside_step_warns():
    s = S.StepLR(_opt(ember), step_size=1)
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        s.get_lr()


def test_resume_requires_initial_lr():
    opt = _opt(ember)
    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups\\[0\\]"):
        S.StepLR(opt, step_size=1, last_epoch=3)


def test_state_dict_roundtrip():
    opt = _opt(ember)
    s = S.CosineAnnealingLR(opt, T_max=10)
    for _ in range(3):
        opt.step()
        s.step()
    sd = s.state_dict()
    assert "optimizer" not in sd and sd["last_epoch"] == 3 and sd["T_max"] == 10
    opt2 = _opt(ember)
    s2 = S.CosineAnnealingLR(opt2, T_max=10)
    s2.load_state_dict(sd)
    assert s2.last_epoch == 3 and s2.get_last_lr() == s.get_last_lr()
    lam = S.LambdaLR(_opt(ember), lr_lambda=lambda e: 1.0)
    assert lam.state_dict()["lr_lambdas"] == [None]


def test_scheduler_type_errors():
    with pytest.raises(TypeError, match="is not an Optimizer"):
        S.StepLR(object(), step_size=1)
    opt = _opt(ember)
    with pytest.raises(ValueError, match="expects number of schedulers provided to be one more"):
        S.SequentialLR(opt, [S.ConstantLR(opt)], milestones=[3])
    with pytest.raises(ValueError, match="does not support `ReduceLROnPlateau`"):
        S.ChainedScheduler([S.ReduceLROnPlateau(opt)])
    with pytest.raises(ValueError, match="optimizer must support momentum"):
        S.CyclicLR(optim.Adagrad([ember.zeros(1, requires_grad=True)]), 0.1, 1.0)


# -- swa_utils ---------------------------------------------------------------------------------------------
def _swa_lrs(lib, steps=12, **kw):
    opt = _opt(lib, lr=0.5)
    s = lib.optim.swa_utils.SWALR(opt, **kw)
    out = []
    for _ in range(steps):
        opt.step()
        s.step()
        out.append(opt.param_groups[0]["lr"])
    return out


@pytest.mark.parametrize("kw", [dict(swa_lr=0.05, anneal_epochs=5), dict(swa_lr=0.05, anneal_epochs=3,
                                                                         anneal_strategy="linear"),
                                dict(swa_lr=0.05, anneal_epochs=0)])
def test_swalr_matches_torch(kw):
    torch = pytest.importorskip("torch")
    np.testing.assert_allclose(_swa_lrs(ember, **kw), _swa_lrs(torch, **kw), rtol=1e-12)


def test_swalr_reaches_swa_lr():
    lrs = _swa_lrs(ember, swa_lr=0.05, anneal_epochs=4, anneal_strategy="linear")
    assert lrs[-1] == pytest.approx(0.05)


def test_avg_fns():
    from ember.optim import swa_utils as U

    a, b = ember.tensor([1.0, 2.0], dtype=ember.float64), ember.tensor([3.0, 6.0], dtype=ember.float64)
    np.testing.assert_allclose(U.get_swa_avg_fn()(a, b, 1).numpy(), [2.0, 4.0])
    np.testing.assert_allclose(U.get_ema_avg_fn(0.9)(a, b, 1).numpy(), [1.2, 2.4])
    x = [a.clone()]
    U.get_swa_multi_avg_fn()(x, [b], ember.tensor(3))
    np.testing.assert_allclose(x[0].numpy(), [1.5, 3.0])
    x = [a.clone()]
    U.get_ema_multi_avg_fn(0.5)(x, [b], 0)
    np.testing.assert_allclose(x[0].numpy(), [2.0, 4.0])
    with pytest.raises(ValueError, match="Invalid decay value"):
        U.get_ema_avg_fn(1.5)


def _nn():
    import ember.nn as nn
    return nn


def test_averaged_model_swa_and_ema():
    nn = _nn()
    from ember.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

    model = nn.Linear(2, 2)
    swa = AveragedModel(model)
    ema = AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(0.5))
    assert swa.module is not model and swa.module.weight is not model.weight
    snapshots = []
    for k in range(3):
        with ember.no_grad():
            model.weight.copy_(ember.full((2, 2), float(k)))
        snapshots.append(float(k))
        swa.update_parameters(model)
        ema.update_parameters(model)
    assert int(swa.n_averaged) == 3 and swa.n_averaged.dtype == ember.int64
    np.testing.assert_allclose(swa.module.weight.detach().numpy(), np.full((2, 2), np.mean(snapshots)), rtol=1e-6)
    np.testing.assert_allclose(ema.module.weight.detach().numpy(), np.full((2, 2), 1.25), rtol=1e-6)  # 0 -> .5 -> 1.25
    out = swa(ember.ones(1, 2))
    assert tuple(out.shape) == (1, 2)
    with pytest.raises(AssertionError, match="Only one of avg_fn and multi_avg_fn"):
        AveragedModel(model, avg_fn=lambda *a: a[0], multi_avg_fn=get_ema_multi_avg_fn())


def test_update_bn_recomputes_running_stats():
    nn = _nn()
    from ember.optim.swa_utils import update_bn

    model = nn.Sequential(nn.Linear(3, 3), nn.BatchNorm1d(3))
    model.eval()
    rng = np.random.default_rng(0)
    data = [ember.tensor(rng.standard_normal((8, 3)).astype(np.float32) * 2 + 1) for _ in range(4)]
    loader = [(x, 0) for x in data]
    update_bn(loader, model)
    assert not model.training and model[1].momentum == 0.1
    with ember.no_grad():
        h = ember.cat([model[0](x) for x in data]) if hasattr(ember, "cat") else None
    if h is not None:
        np.testing.assert_allclose(model[1].running_mean.numpy(), h.numpy().mean(0), rtol=1e-4, atol=1e-5)
