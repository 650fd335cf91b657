"""A multi-task head trained with many loss functions at once (each loss value and its gradient compared)."""
import numpy as np

RTOL = 1e-7
ATOL = 1e-9


def run(torch) -> dict:
    nn = torch.nn
    F = nn.functional
    rng = np.random.default_rng(141)
    t = lambda a: torch.from_numpy(np.asarray(a))  # noqa: E731
    logits = t(rng.standard_normal((6, 4))).requires_grad_()
    reg = t(rng.standard_normal((6, 3))).requires_grad_()
    target_cls = t(np.array([0, 3, 1, -100, 2, 1]))
    target_reg = t(rng.standard_normal((6, 3)))
    probs_t = t(rng.uniform(0.05, 0.95, size=(6, 3)))
    soft = torch.softmax(t(rng.standard_normal((6, 4))), dim=1)
    class_w = t(np.array([1.0, 2.0, 0.5, 1.5]))

    losses = {
        "ce_weighted_ignore": nn.CrossEntropyLoss(weight=class_w, ignore_index=-100)(logits, target_cls),
        "ce_soft_targets": F.cross_entropy(logits, soft, label_smoothing=0.1),
        "nll_sum": F.nll_loss(F.log_softmax(logits, 1), target_cls.clamp(min=0), reduction="sum"),
        "bce": F.binary_cross_entropy(torch.sigmoid(reg), probs_t),
        "bce_logits_pos_weight": nn.BCEWithLogitsLoss(pos_weight=t(np.array([1.0, 2.0, 3.0])))(reg, probs_t),
        "mse": nn.MSELoss()(reg, target_reg),
        "l1_sum": nn.L1Loss(reduction="sum")(reg, target_reg),
        "smooth_l1": F.smooth_l1_loss(reg, target_reg, beta=0.5),
        "huber": nn.HuberLoss(delta=0.7)(reg, target_reg),
        "kl_div": F.kl_div(F.log_softmax(logits, 1), soft, reduction="batchmean"),
        "kl_log_target": nn.KLDivLoss(reduction="sum", log_target=True)(F.log_softmax(logits, 1), soft.log()),
        "poisson_nll": F.poisson_nll_loss(reg, probs_t, log_input=True),
        "gaussian_nll": nn.GaussianNLLLoss()(reg, target_reg, probs_t),
        "cosine_embedding": F.cosine_embedding_loss(reg, target_reg, t(np.array([1, -1, 1, 1, -1, -1])), margin=0.1),
        "margin_ranking": F.margin_ranking_loss(reg[:, 0], reg[:, 1], t(np.array([1, -1, 1, -1, 1, 1])),
                                                margin=0.2),
        "triplet": nn.TripletMarginLoss(margin=1.0, p=2)(reg[:2], reg[2:4], reg[4:6]),
        "hinge_embedding": F.hinge_embedding_loss(reg, t(np.sign(rng.standard_normal((6, 3))))),
        "multilabel_soft_margin": F.multilabel_soft_margin_loss(reg, (probs_t > 0.5).double()),
        "multi_margin": F.multi_margin_loss(logits, target_cls.clamp(min=0), margin=1.0),
        "soft_margin": F.soft_margin_loss(reg, t(np.sign(rng.standard_normal((6, 3))))),
    }
    total = sum(losses.values())
    total.backward()
    return {
        "loss_values": {k: v.detach() for k, v in losses.items()},
        "grad_logits": logits.grad,
        "grad_reg": reg.grad,
    }
