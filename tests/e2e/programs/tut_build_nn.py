"""The "Build the neural network" tutorial: nn.Flatten, nn.Sequential, nn.Softmax(dim=1), named_parameters."""
import numpy as np

from ._util import init_from_numpy

RTOL = 1e-5
ATOL = 1e-6


def run(torch) -> dict:
    nn = torch.nn

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(8 * 8, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 10))

        def forward(self, x):
            x = self.flatten(x)
            return self.linear_relu_stack(x)

    r = {}
    model = init_from_numpy(torch, NeuralNetwork(), seed=3)
    rng = np.random.default_rng(4)
    X = torch.from_numpy(rng.random((1, 8, 8)).astype(np.float32))
    logits = model(X)
    pred_probab = nn.Softmax(dim=1)(logits)
    y_pred = pred_probab.argmax(1)
    r["logits"] = logits
    r["probs"] = pred_probab
    r["y_pred"] = y_pred

    input_image = torch.from_numpy(rng.random((3, 8, 8)).astype(np.float32))
    r["input_size"] = list(input_image.size())
    flat_image = nn.Flatten()(input_image)
    r["flat_size"] = list(flat_image.size())
    layer1 = model.linear_relu_stack[0]
    hidden1 = layer1(flat_image)
    r["hidden_size"] = list(hidden1.size())
    r["relu"] = nn.ReLU()(hidden1)
    seq_modules = nn.Sequential(nn.Flatten(), layer1, nn.ReLU(), nn.Linear(32, 10))
    seq_modules[3].load_state_dict(model.linear_relu_stack[4].state_dict())
    r["seq_logits"] = seq_modules(input_image)
    r["softmax_rows"] = nn.Softmax(dim=1)(r["seq_logits"]).sum(1)
    r["flatten_args"] = list(nn.Flatten(0, 1)(input_image).shape)
    r["params"] = [(name, list(param.size())) for name, param in model.named_parameters()]
    r["param_head"] = [param[:2] for _, param in model.named_parameters()]
    r["modules"] = [name for name, _ in model.named_modules()]
    r["children"] = [type(m).__name__ for m in model.children()]
    r["repr"] = repr(model)
    r["n_params"] = sum(p.numel() for p in model.parameters())
    return r


def check(r) -> None:
    assert r["flat_size"] == [3, 64] and r["hidden_size"] == [3, 32]
    assert r["params"][0] == ["linear_relu_stack.0.weight", [32, 64]]
    np.testing.assert_allclose(r["softmax_rows"], 1.0, rtol=1e-5)
    assert r["n_params"] == 64 * 32 + 32 + 32 * 32 + 32 + 32 * 10 + 10
