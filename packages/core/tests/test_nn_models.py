"""Whole models written once against the torch API: state_dict keys/shapes equal torch's, and with torch's
weights loaded the outputs and gradients agree (an MLP, a ResNet block, an LSTM language model, a transformer
encoder). Also: errors inside a deep model name the failing submodule."""
from __future__ import annotations

import numpy as np
import pytest

import ember


def build_models(lib):
    nn, F = lib.nn, lib.nn.functional

    class BasicBlock(nn.Module):
        def __init__(self, cin, cout, stride=1):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.downsample = None
            if stride != 1 or cin != cout:
                self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            idt = x if self.downsample is None else self.downsample(x)
            out = F.relu(self.bn1(self.conv1(x)))
            return F.relu(self.bn2(self.conv2(out)) + idt)

    class LSTMLM(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(20, 8)
            self.lstm = nn.LSTM(8, 16, num_layers=2, batch_first=True)
            self.head = nn.Linear(16, 20)

        def forward(self, tok):
            return self.head(self.lstm(self.embed(tok))[0])

    def encoder():
        layer = nn.TransformerEncoderLayer(16, 4, 32, dropout=0.0, batch_first=True)
        return nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)

    return {
        "mlp": (lambda: nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 5)), ("f", (4, 10))),
        "resnet_block": (lambda: BasicBlock(4, 8, stride=2), ("f", (2, 4, 8, 8))),
        "lstm_lm": (LSTMLM, ("i", (3, 7))),
        "transformer_encoder": (encoder, ("f", (2, 5, 16))),
    }


def _input(lib, kind, shape):
    rng = np.random.default_rng(0)
    if kind == "i":
        return lib.from_numpy(rng.integers(0, 20, shape))
    return lib.from_numpy(rng.standard_normal(shape))


@pytest.mark.parametrize("name", ["mlp", "resnet_block", "lstm_lm", "transformer_encoder"])
def test_model_state_dict_and_outputs_match_torch(name):
    torch = pytest.importorskip("torch")
    tmodel = build_models(torch)[name][0]().double()
    emodel = build_models(ember)[name][0]().double()
    tsd, esd = tmodel.state_dict(), emodel.state_dict()
    assert list(esd.keys()) == list(tsd.keys())
    assert [tuple(v.shape) for v in esd.values()] == [tuple(v.shape) for v in tsd.values()]
    emodel.load_state_dict({k: ember.from_numpy(v.numpy().copy()) for k, v in tsd.items()})
    kind, shape = build_models(ember)[name][1]
    tx, ex = _input(torch, kind, shape), _input(ember, kind, shape)
    if kind == "f":
        tx.requires_grad_(True)
        ex.requires_grad_(True)
    tout, eout = tmodel(tx), emodel(ex)
    np.testing.assert_allclose(eout.detach().numpy(), tout.detach().numpy(), rtol=1e-7, atol=1e-9)
    tout.square().sum().backward()
    eout.square().sum().backward()
    tgrads = dict(tmodel.named_parameters())
    for k, p in emodel.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), tgrads[k].grad.numpy(), rtol=1e-6, atol=1e-8, err_msg=k)
    if kind == "f":
        np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1e-8)
    # buffers after a training-mode forward (BatchNorm running stats)
    for k, v in tmodel.state_dict().items():
        np.testing.assert_allclose(emodel.state_dict()[k].numpy(), v.numpy(), rtol=1e-7, atol=1e-9, err_msg=k)


def test_error_inside_deep_model_names_submodule_and_shapes():
    nn = ember.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Module()
            self.encoder.layers = nn.ModuleList([nn.Sequential() for _ in range(4)])
            self.encoder.layers[3].add_module("linear1", nn.Linear(8, 4))

        def forward(self, x):
            for layer in self.encoder.layers:
                x = layer(x)
            return x

    with pytest.raises(RuntimeError) as info:
        Net()(ember.ones(2, 5))
    text = str(info.value) + "".join(getattr(info.value, "__notes__", []))
    assert "encoder.layers.3.linear1" in text and "Linear" in text
    assert "[2, 5]" in text
    assert "mat1 and mat2 shapes cannot be multiplied (2x5 and 8x4)" in text
