"""Loss and metric utilities: one_hot, label smoothing, top-k accuracy, confusion matrix, cosine, cdist, sort."""
import numpy as np

RTOL = 1e-6
ATOL = 1e-7


def run(torch) -> dict:
    F = torch.nn.functional
    rng = np.random.default_rng(151)
    C, N = 5, 12
    logits = torch.from_numpy(rng.standard_normal((N, C)).astype(np.float32)).requires_grad_()
    target = torch.from_numpy(rng.integers(0, C, size=N))
    eps = 0.1

    onehot = F.one_hot(target, num_classes=C)
    soft = onehot.float() * (1 - eps) + eps / C
    manual = -(soft * F.log_softmax(logits, dim=-1)).sum(-1).mean()
    builtin = F.cross_entropy(logits, target, label_smoothing=eps)
    prob_target = F.cross_entropy(logits, soft)
    builtin.backward()

    top3 = logits.detach().topk(3, dim=1)
    correct = top3.indices.eq(target.view(-1, 1))
    top1_acc = correct[:, :1].any(1).float().mean()
    top3_acc = correct.any(1).float().mean()
    pred = logits.detach().argmax(1)
    confusion = torch.bincount(target * C + pred, minlength=C * C).reshape(C, C)

    emb = torch.from_numpy(rng.standard_normal((N, 6)).astype(np.float32))
    z = F.normalize(emb, p=2, dim=1)
    cos_mat = z @ z.T
    cos_pair = F.cosine_similarity(emb[:, None, :], emb[None, :, :], dim=-1)
    dist = torch.cdist(emb, emb)
    dist_nodiag = dist + torch.eye(N) * 1e9
    nn_idx = dist_nodiag.argmin(1)
    knn = dist.topk(3, dim=1, largest=False)

    keys = torch.tensor([3, 1, 2, 1, 3, 0, 2, 1])
    sorted_stable = torch.sort(keys, stable=True)
    order = torch.argsort(keys, descending=True, stable=True)
    uniq, inverse, counts = torch.unique(keys, return_inverse=True, return_counts=True)
    uniq_sorted = torch.unique(keys, sorted=True)
    uc = torch.unique_consecutive(torch.tensor([1, 1, 2, 2, 2, 3, 1]), return_counts=True)
    return {
        "onehot": onehot,
        "manual_ls": manual.detach(),
        "builtin_ls": builtin.detach(),
        "prob_target": prob_target.detach(),
        "logits_grad": logits.grad,
        "top3_values": top3.values,
        "top3_indices": top3.indices,
        "top1_acc": top1_acc,
        "top3_acc": top3_acc,
        "confusion": confusion,
        "confusion_total": int(confusion.sum()),
        "cos_mat": cos_mat,
        "cos_pair": cos_pair,
        "norms": z.norm(dim=1),
        "cdist": dist,
        "nn_idx": nn_idx,
        "knn_idx": knn.indices,
        "sorted_values": sorted_stable.values,
        "sorted_indices": sorted_stable.indices,
        "argsort_desc": order,
        "unique": uniq,
        "inverse": inverse,
        "counts": counts,
        "unique_sorted": uniq_sorted,
        "uc_values": uc[0],
        "uc_counts": uc[1],
    }


def check(r) -> None:
    np.testing.assert_allclose(r["manual_ls"], r["builtin_ls"], rtol=1e-5)
    np.testing.assert_allclose(r["prob_target"], r["builtin_ls"], rtol=1e-5)
    np.testing.assert_allclose(r["cos_mat"], r["cos_pair"], rtol=1e-5, atol=1e-6)
    assert r["confusion_total"] == 12
    np.testing.assert_array_equal(r["sorted_indices"], [5, 1, 3, 7, 2, 6, 0, 4])
    np.testing.assert_array_equal(r["argsort_desc"], [0, 4, 2, 6, 1, 3, 7, 5])
