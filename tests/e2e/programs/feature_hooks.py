"""Feature extraction with module hooks: forward hooks on named_modules filtered by type, a forward pre-hook that
rewrites the input, register_full_backward_hook / backward pre-hooks recording gradients, handle.remove(), and
partial loading: state_dict(prefix=...) and load_state_dict(strict=False) reporting missing/unexpected keys."""
import numpy as np

from ._util import init_from_numpy

RTOL = 1e-9
ATOL = 1e-12


def run(torch) -> dict:
    nn = torch.nn
    torch.manual_seed(0)
    rng = np.random.default_rng(701)
    r = {}

    class Block(nn.Module):
        def __init__(self, cin, cout):
            super().__init__()
            self.conv = nn.Conv2d(cin, cout, 3, padding=1)
            self.bn = nn.BatchNorm2d(cout)
            self.act = nn.ReLU()

        def forward(self, x):
            return self.act(self.bn(self.conv(x)))

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(Block(2, 4), nn.MaxPool2d(2), Block(4, 6))
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 3))

        def forward(self, x):
            return self.classifier(self.pool(self.features(x)))

    net = init_from_numpy(torch, Net().double(), seed=702)
    x = torch.from_numpy(rng.standard_normal((3, 2, 6, 6))).requires_grad_()

    # --- forward hooks on every conv / linear, found through named_modules
    activation = {}

    def get_activation(name):
        def hook(model, input, output):
            activation[name] = output.detach()
        return hook

    handles = []
    hooked = []
    for name, m in net.named_modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            hooked.append(name)
            handles.append(m.register_forward_hook(get_activation(name)))
    r["hooked"] = hooked
    r["all_module_names"] = [n for n, _ in net.named_modules()]
    r["prefixed_names"] = [n for n, _ in net.features.named_modules(prefix="backbone")][:4]
    r["children"] = [n for n, _ in net.named_children()]

    # a pre-hook that rescales the input of the classifier, and a hook that replaces the output of pool
    pre = net.classifier.register_forward_pre_hook(lambda mod, args: (args[0] * 2.0,))
    post = net.pool.register_forward_hook(lambda mod, args, out: out + 1.0)
    out = net(x)
    r["out_hooked"] = out.detach()
    r["activations"] = {k: v for k, v in activation.items()}
    pre.remove()
    post.remove()
    r["out_plain"] = net(x).detach()

    # --- full backward hooks: grad_input / grad_output of a module; a backward pre-hook scales grad_output
    grads = {}

    def bw_hook(name):
        def hook(module, grad_input, grad_output):
            grads[name + ".in"] = [None if g is None else g.detach().clone() for g in grad_input]
            grads[name + ".out"] = [g.detach().clone() for g in grad_output]
        return hook

    h1 = net.classifier[1].register_full_backward_hook(bw_hook("fc1"))
    h2 = net.features[2].act.register_full_backward_hook(bw_hook("act"))
    h3 = net.classifier[3].register_full_backward_pre_hook(lambda mod, gout: (gout[0] * 0.5,))
    net.zero_grad()
    loss = net(x).pow(2).sum()
    loss.backward()
    r["bw_grads"] = grads
    r["x_grad_hooked"] = x.grad.clone()
    r["fc_last_grad_hooked"] = net.classifier[3].weight.grad.clone()
    for h in (h1, h2, h3):
        h.remove()
    for h in handles:
        h.remove()
    x.grad = None
    net.zero_grad()
    net(x).pow(2).sum().backward()
    r["x_grad_plain"] = x.grad
    r["fc_last_grad_plain"] = net.classifier[3].weight.grad.clone()
    activation.clear()
    net(x)
    r["activations_after_remove"] = len(activation)

    # --- a tensor hook on an intermediate feature map (gradient of the loss w.r.t. a hidden activation)
    feat_grads = []
    feats = net.features(x)
    feats.register_hook(lambda g: feat_grads.append(g.clone()))
    net.classifier(net.pool(feats)).sum().backward()
    r["feature_grad"] = feat_grads[0]

    # --- state_dict(prefix=...) and partial loading with strict=False
    sd = net.features.state_dict(prefix="backbone.")
    r["prefixed_keys"] = list(sd.keys())[:6]

    class Student(nn.Module):
        def __init__(self):
            super().__init__()
            self.backbone = nn.Sequential(Block(2, 4), nn.MaxPool2d(2), Block(4, 6))
            self.head = nn.Linear(6, 2)

        def forward(self, x):
            return self.head(self.backbone(x).mean((2, 3)))

    student = Student().double()
    init_from_numpy(torch, student.head, seed=703)
    extra = dict(sd)
    extra["teacher.temperature"] = torch.tensor(2.0)
    result = student.load_state_dict(extra, strict=False)
    r["missing"] = sorted(result.missing_keys)
    r["unexpected"] = sorted(result.unexpected_keys)
    r["loaded_equal"] = bool(torch.equal(student.backbone[2].conv.weight, net.features[2].conv.weight))
    r["bn_buffer_loaded"] = student.backbone[0].bn.running_var
    try:
        student.load_state_dict(extra)
        r["strict_error"] = None
    except RuntimeError as e:
        msg = str(e)
        r["strict_error"] = [msg.startswith("Error(s) in loading state_dict for Student"),
                             'Unexpected key(s) in state_dict: "teacher.temperature"' in msg,
                             'Missing key(s) in state_dict: "head.weight", "head.bias"' in msg]
    bad = dict(sd)
    bad["backbone.0.conv.weight"] = torch.zeros(4, 2, 5, 5, dtype=torch.float64)
    try:
        student.load_state_dict(bad, strict=False)
        r["shape_error"] = None
    except RuntimeError as e:
        r["shape_error"] = "size mismatch for backbone.0.conv.weight" in str(e)
    r["student_out"] = student(x).detach()
    return r


def check(r) -> None:
    assert r["hooked"] == ["features.0.conv", "features.2.conv", "classifier.1", "classifier.3"]
    assert r["missing"] == ["head.bias", "head.weight"]
    assert r["unexpected"] == ["teacher.temperature"]
    assert r["strict_error"] == [True, True, True]
    assert r["shape_error"] is True
    assert r["loaded_equal"]
    assert r["activations_after_remove"] == 0
    np.testing.assert_allclose(r["fc_last_grad_hooked"], 0.5 * np.asarray(r["fc_last_grad_plain"]), rtol=1e-12)
