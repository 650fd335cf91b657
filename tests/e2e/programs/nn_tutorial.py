"""The "What is torch.nn really?" tutorial progression on synthetic 28x28 digits (float32).

Manual weights with requires_grad + hand-written log_softmax / nll, then F.cross_entropy, an nn.Module with
nn.Parameter, nn.Linear, optim.SGD, TensorDataset/DataLoader with a validation loop, a functional CNN and finally
an nn.Sequential CNN with a Lambda module, view and AdaptiveAvgPool2d behind a wrapped DataLoader.
"""
import math

import numpy as np

RTOL = 2e-4
ATOL = 2e-5


def _synthetic_digits(n: int, seed: int):
    """Digit-like images: class c lights up a class-specific 28x28 blob pattern plus noise."""
    rng = np.random.default_rng(seed)
    templates = rng.uniform(0.0, 1.0, size=(10, 28, 28)) ** 4
    y = rng.integers(0, 10, size=n)
    x = 0.7 * templates[y] + 0.3 * rng.uniform(0.0, 1.0, size=(n, 28, 28))
    return x.reshape(n, 784).astype(np.float32), y.astype(np.int64)


def run(torch) -> dict:
    nn = torch.nn
    F = nn.functional
    optim = torch.optim
    TensorDataset = torch.utils.data.TensorDataset
    DataLoader = torch.utils.data.DataLoader
    torch.manual_seed(0)
    xtr, ytr = _synthetic_digits(64, 201)
    xva, yva = _synthetic_digits(32, 202)
    x_train, y_train, x_valid, y_valid = map(torch.tensor, (xtr, ytr, xva, yva))
    n, c = x_train.shape
    rng = np.random.default_rng(203)
    w0 = rng.standard_normal((784, 10)).astype(np.float32)
    r = {"n": n, "c": c, "x_dtype": str(x_train.dtype).split(".")[-1], "y_min": int(y_train.min()),
         "y_max": int(y_train.max())}

    # --- 1. from scratch: manual parameters, hand-written log_softmax and negative log-likelihood
    weights = torch.from_numpy(w0.copy()) / math.sqrt(784)
    weights.requires_grad_()
    bias = torch.zeros(10, requires_grad=True)

    def log_softmax(x):
        return x - x.exp().sum(-1).log().unsqueeze(-1)

    def model(xb):
        return log_softmax(xb @ weights + bias)

    def nll(input, target):
        return -input[range(target.shape[0]), target].mean()

    def accuracy(out, yb):
        preds = torch.argmax(out, dim=1)
        return (preds == yb).float().mean()

    loss_func = nll
    bs, lr, epochs = 16, 0.5, 2
    xb, yb = x_train[0:bs], y_train[0:bs]
    r["scratch_start_loss"] = loss_func(model(xb), yb)
    r["scratch_start_acc"] = accuracy(model(xb), yb)
    scratch_losses = []
    for epoch in range(epochs):
        for i in range((n - 1) // bs + 1):
            start_i = i * bs
            end_i = start_i + bs
            xb = x_train[start_i:end_i]
            yb = y_train[start_i:end_i]
            pred = model(xb)
            loss = loss_func(pred, yb)
            loss.backward()
            with torch.no_grad():
                weights -= weights.grad * lr
                bias -= bias.grad * lr
                weights.grad.zero_()
                bias.grad.zero_()
            scratch_losses.append(loss.item())
    r["scratch_losses"] = scratch_losses
    r["scratch_end_acc"] = accuracy(model(x_train), y_train)
    r["scratch_weights_leaf"] = weights.is_leaf
    r["scratch_grad_fn_name"] = model(xb).grad_fn.name()

    # --- 2. F.cross_entropy replaces log_softmax + nll: same numbers
    loss_func = F.cross_entropy
    r["ce_vs_nll"] = [loss_func(xb @ weights + bias, yb), nll(model(xb), yb)]

    # --- 3. nn.Module with nn.Parameter, then nn.Linear; parameter updates by hand
    class Mnist_Logistic(nn.Module):
        def __init__(self):
            super().__init__()
            self.weights = nn.Parameter(torch.from_numpy(w0.copy()) / math.sqrt(784))
            self.bias = nn.Parameter(torch.zeros(10))

        def forward(self, xb):
            return xb @ self.weights + self.bias

    def fit_by_hand(model):
        for epoch in range(epochs):
            for i in range((n - 1) // bs + 1):
                start_i = i * bs
                end_i = start_i + bs
                xb = x_train[start_i:end_i]
                yb = y_train[start_i:end_i]
                loss = loss_func(model(xb), yb)
                loss.backward()
                with torch.no_grad():
                    for p in model.parameters():
                        p -= p.grad * lr
                    model.zero_grad()
        return loss_func(model(x_train), y_train)

    logistic = Mnist_Logistic()
    r["module_param_names"] = [k for k, _ in logistic.named_parameters()]
    r["module_final_loss"] = fit_by_hand(logistic)

    class Mnist_LinearLayer(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(784, 10)

        def forward(self, xb):
            return self.lin(xb)

    def get_model():
        m = Mnist_LinearLayer()
        with torch.no_grad():
            m.lin.weight.copy_(torch.from_numpy(w0.T.copy()) / math.sqrt(784))
            m.lin.bias.zero_()
        return m, optim.SGD(m.parameters(), lr=lr)

    linear, _ = get_model()
    r["linear_final_loss"] = fit_by_hand(linear)

    # --- 4. optim, TensorDataset, DataLoader and a validation loop
    def loss_batch(model, loss_func, xb, yb, opt=None):
        loss = loss_func(model(xb), yb)
        if opt is not None:
            loss.backward()
            opt.step()
            opt.zero_grad()
        return loss.item(), len(xb)

    def fit(epochs, model, loss_func, opt, train_dl, valid_dl):
        history = []
        for epoch in range(epochs):
            model.train()
            for xb, yb in train_dl:
                loss_batch(model, loss_func, xb, yb, opt)
            model.eval()
            with torch.no_grad():
                losses, nums = zip(*[loss_batch(model, loss_func, xb, yb) for xb, yb in valid_dl])
            history.append(float(np.sum(np.multiply(losses, nums)) / np.sum(nums)))
        return history

    def get_data(train_ds, valid_ds, bs):
        return (DataLoader(train_ds, batch_size=bs, shuffle=False),
                DataLoader(valid_ds, batch_size=bs * 2))

    train_ds = TensorDataset(x_train, y_train)
    valid_ds = TensorDataset(x_valid, y_valid)
    train_dl, valid_dl = get_data(train_ds, valid_ds, bs)
    model_l, opt = get_model()
    r["linear_valid_history"] = fit(3, model_l, loss_func, opt, train_dl, valid_dl)
    r["train_ds_len"] = len(train_ds)
    r["first_item"] = list(train_ds[0])

    # --- 5. a functional CNN (conv + relu + avg_pool2d)
    def conv_init(m, seed):
        g = np.random.default_rng(seed)
        for mod in m.modules():
            if isinstance(mod, nn.Conv2d):
                fan_in = mod.in_channels * mod.kernel_size[0] * mod.kernel_size[1]
                with torch.no_grad():
                    mod.weight.copy_(torch.from_numpy(
                        g.uniform(-1, 1, size=tuple(mod.weight.shape)).astype(np.float32) / math.sqrt(fan_in)))
                    mod.bias.copy_(torch.from_numpy(
                        g.uniform(-0.1, 0.1, size=tuple(mod.bias.shape)).astype(np.float32)))
        return m

    class Mnist_CNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 8, kernel_size=3, stride=2, padding=1)
            self.conv2 = nn.Conv2d(8, 8, kernel_size=3, stride=2, padding=1)
            self.conv3 = nn.Conv2d(8, 10, kernel_size=3, stride=2, padding=1)

        def forward(self, xb):
            xb = xb.view(-1, 1, 28, 28)
            xb = F.relu(self.conv1(xb))
            xb = F.relu(self.conv2(xb))
            xb = F.relu(self.conv3(xb))
            xb = F.avg_pool2d(xb, 4)
            return xb.view(-1, xb.size(1))

    cnn = conv_init(Mnist_CNN(), 204)
    opt = optim.SGD(cnn.parameters(), lr=0.1, momentum=0.9)
    r["cnn_valid_history"] = fit(2, cnn, loss_func, opt, train_dl, valid_dl)

    # --- 6. nn.Sequential with a Lambda module, AdaptiveAvgPool2d and a wrapped DataLoader
    class Lambda(nn.Module):
        def __init__(self, func):
            super().__init__()
            self.func = func

        def forward(self, x):
            return self.func(x)

    def preprocess(x, y):
        return x.view(-1, 1, 28, 28), y

    class WrappedDataLoader:
        def __init__(self, dl, func):
            self.dl = dl
            self.func = func

        def __len__(self):
            return len(self.dl)

        def __iter__(self):
            for b in self.dl:
                yield self.func(*b)

    train_dl2 = WrappedDataLoader(train_dl, preprocess)
    valid_dl2 = WrappedDataLoader(valid_dl, preprocess)
    seq = conv_init(nn.Sequential(
        nn.Conv2d(1, 8, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(8, 8, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(8, 10, kernel_size=3, stride=2, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        Lambda(lambda x: x.view(x.size(0), -1)),
    ), 204)
    opt = optim.SGD(seq.parameters(), lr=0.1, momentum=0.9)
    r["seq_valid_history"] = fit(2, seq, loss_func, opt, train_dl2, valid_dl2)
    r["seq_len"] = len(seq)
    r["seq_out_shape"] = list(seq(x_valid.view(-1, 1, 28, 28)).shape)
    r["losses"] = r["linear_valid_history"]
    return r


def check(r) -> None:
    assert r["n"] == 64 and r["c"] == 784 and r["x_dtype"] == "float32"
    assert r["scratch_losses"][-1] < r["scratch_losses"][0]
    np.testing.assert_allclose(r["ce_vs_nll"][0], r["ce_vs_nll"][1], rtol=1e-5)
    # the functional CNN and the Sequential CNN are the same network with the same weights and data
    np.testing.assert_allclose(r["cnn_valid_history"], r["seq_valid_history"], rtol=1e-5)
    assert r["seq_out_shape"] == [32, 10]
    assert r["scratch_weights_leaf"] and r["scratch_grad_fn_name"] == "SubBackward0"
    assert r["module_param_names"] == ["weights", "bias"]
