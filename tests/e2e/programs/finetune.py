"""Transfer-learning idioms (the finetuning tutorial, on a tiny "pretrained" CNN): save/load a backbone, freeze it
with requires_grad_(False), swap in a new head, parameter groups with their own lr, ReduceLROnPlateau, and the
train()/eval() differences of Dropout and BatchNorm, including a frozen BatchNorm kept in eval mode (float32)."""
import numpy as np

from ._util import init_from_numpy

RTOL = 2e-4
ATOL = 2e-5


def run(torch) -> dict:
    nn = torch.nn
    F = nn.functional
    torch.manual_seed(0)
    rng = np.random.default_rng(601)
    r = {}

    class TinyNet(nn.Module):
        def __init__(self, num_classes=10):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 8, 3, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(8)
            self.layer1 = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU())
            self.layer2 = nn.Sequential(nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16), nn.ReLU())
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.dropout = nn.Dropout(0.5)
            self.fc = nn.Linear(16, num_classes)

        def forward(self, x):
            x = F.relu(self.bn1(self.conv1(x)))
            x = self.layer2(self.layer1(x))
            x = torch.flatten(self.avgpool(x), 1)
            return self.fc(self.dropout(x))

    # "pretraining": a few steps on a 10-class problem so BatchNorm buffers are non-trivial, then a state dict
    pre = init_from_numpy(torch, TinyNet(), seed=602)
    pre.dropout.p = 0.0
    x_pre = torch.from_numpy(rng.standard_normal((12, 3, 8, 8)).astype(np.float32))
    y_pre = torch.from_numpy(rng.integers(0, 10, size=12))
    opt_pre = torch.optim.SGD(pre.parameters(), lr=0.1)
    for _ in range(3):
        opt_pre.zero_grad()
        F.cross_entropy(pre(x_pre), y_pre).backward()
        opt_pre.step()
    pretrained = {k: v.clone() for k, v in pre.state_dict().items()}

    model = TinyNet()
    model.load_state_dict(pretrained)
    r["bn1_running_mean_loaded"] = model.bn1.running_mean.clone()

    # freeze everything, then replace the head and unfreeze layer2
    for param in model.parameters():
        param.requires_grad = False
    num_ftrs = model.fc.in_features
    model.fc = nn.Linear(num_ftrs, 2)
    init_from_numpy(torch, model.fc, seed=603)
    model.layer2.requires_grad_(True)
    r["trainable"] = [n for n, p in model.named_parameters() if p.requires_grad]
    r["n_trainable"] = sum(p.numel() for p in model.parameters() if p.requires_grad)
    r["n_frozen"] = sum(p.numel() for p in model.parameters() if not p.requires_grad)

    optimizer = torch.optim.SGD([
        {"params": model.layer2.parameters(), "lr": 1e-3},
        {"params": model.fc.parameters()},
    ], lr=1e-2, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=1,
                                                           threshold=0.05)
    criterion = nn.CrossEntropyLoss()
    x = torch.from_numpy(rng.standard_normal((10, 3, 8, 8)).astype(np.float32))
    y = torch.from_numpy(rng.integers(0, 2, size=10))
    xv = torch.from_numpy(rng.standard_normal((6, 3, 8, 8)).astype(np.float32))
    yv = torch.from_numpy(rng.integers(0, 2, size=6))

    model.dropout.p = 0.0  # train-mode dropout would draw from the library RNG: keep the run deterministic
    losses, val_losses, lrs = [], [], []
    for epoch in range(6):
        model.train()
        model.bn1.eval()  # the frozen stem BatchNorm keeps its pretrained statistics
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        model.eval()
        with torch.no_grad():
            val_loss = criterion(model(xv), yv).item()
        val_losses.append(val_loss)
        scheduler.step(val_loss if epoch < 2 else 10.0)  # plateau after epoch 2: the lr halves
        lrs.append([g["lr"] for g in optimizer.param_groups])
    r["losses"] = losses
    r["val_losses"] = val_losses
    r["lrs"] = lrs
    r["last_lr"] = scheduler.get_last_lr()
    r["num_bad_epochs"] = scheduler.num_bad_epochs
    r["conv1_grad_is_none"] = model.conv1.weight.grad is None
    r["bn1_running_mean_after"] = model.bn1.running_mean.clone()
    r["bn1_batches"] = model.bn1.num_batches_tracked.clone()
    r["layer2_bn_batches"] = model.layer2[1].num_batches_tracked.clone()
    r["layer2_bn_running_var"] = model.layer2[1].running_var.clone()
    r["fc_weight"] = model.fc.weight.detach()
    r["momentum_layer2"] = optimizer.state[model.layer2[0].weight]["momentum_buffer"]

    # Dropout: eval is the identity, train zeroes elements and scales the survivors by 1/(1-p)
    drop = nn.Dropout(p=0.25)
    ones = torch.ones(400)
    drop.eval()
    r["dropout_eval"] = drop(ones)
    drop.train()
    out = drop(ones)
    kept = out[out != 0]
    r["dropout_train_values"] = torch.unique(kept)
    r["dropout_train_has_zeros"] = bool((out == 0).any())
    r["dropout_training_flags"] = [drop.training, model.training, model.layer2[1].training]

    # BatchNorm: batch statistics in train mode, running statistics in eval mode
    bn = nn.BatchNorm1d(3, momentum=None)  # cumulative moving average
    xb = torch.from_numpy(rng.standard_normal((7, 3)).astype(np.float32) * 2 + 1)
    r["bn_train_out"] = bn(xb)
    bn(xb * 0.5)
    bn.eval()
    r["bn_eval_out"] = bn(xb)
    r["bn_cma_mean"] = bn.running_mean
    r["bn_cma_var"] = bn.running_var
    with torch.no_grad():
        model.train()
        a = model(xv)
        model.eval()
        b = model(xv)
    r["train_vs_eval_maxdiff"] = (a - b).abs().max()
    return r


def check(r) -> None:
    assert r["trainable"] == ["layer2.0.weight", "layer2.0.bias", "layer2.1.weight", "layer2.1.bias",
                              "fc.weight", "fc.bias"]
    assert r["n_trainable"] == 8 * 16 * 9 + 16 + 32 + 16 * 2 + 2
    assert r["conv1_grad_is_none"]
    np.testing.assert_allclose(r["bn1_running_mean_after"], r["bn1_running_mean_loaded"])
    assert int(r["bn1_batches"]) == 3  # only the pretraining steps
    np.testing.assert_allclose(r["lrs"][-1], [2.5e-4, 2.5e-3], rtol=1e-12)
    np.testing.assert_allclose(r["dropout_train_values"], [4.0 / 3.0], rtol=1e-6)
    np.testing.assert_allclose(r["dropout_eval"], 1.0)
    assert r["dropout_train_has_zeros"]
    assert float(r["train_vs_eval_maxdiff"]) > 0
