"""The "Optimizing model parameters" tutorial: train_loop / test_loop functions, model.eval(), accuracy."""
import numpy as np

from ._util import init_from_numpy

RTOL = 2e-4
ATOL = 2e-5


def train_loop(torch, dataloader, model, loss_fn, optimizer, log):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if batch % 2 == 0:
            loss, current = loss.item(), batch * dataloader.batch_size + len(X)
            log.append([loss, current, size])


def test_loop(torch, dataloader, model, loss_fn):
    model.eval()
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    return test_loss, correct


def run(torch) -> dict:
    nn = torch.nn
    data = torch.utils.data
    rng = np.random.default_rng(21)
    centers = rng.standard_normal((3, 6)).astype(np.float32) * 2
    yn = rng.integers(0, 3, size=90)
    Xn = (centers[yn] + rng.standard_normal((90, 6)).astype(np.float32)).astype(np.float32)
    train = data.TensorDataset(torch.from_numpy(Xn[:60]), torch.from_numpy(yn[:60]))
    test = data.TensorDataset(torch.from_numpy(Xn[60:]), torch.from_numpy(yn[60:]))
    train_dataloader = data.DataLoader(train, batch_size=16)
    test_dataloader = data.DataLoader(test, batch_size=16)

    model = init_from_numpy(torch, nn.Sequential(nn.Flatten(), nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.0),
                                                 nn.Linear(16, 3)), seed=22)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-1)
    log, losses, accs = [], [], []
    for t in range(5):
        train_loop(torch, train_dataloader, model, loss_fn, optimizer, log)
        test_loss, correct = test_loop(torch, test_dataloader, model, loss_fn)
        losses.append(test_loss)
        accs.append(correct)
    return {"losses": losses, "accs": accs, "log": log, "training_flag": model.training,
            "acc_type": type(accs[0]).__name__, "weight": model[1].weight.detach()}


def check(r) -> None:
    assert r["training_flag"] is False
    assert r["acc_type"] == "float"
    assert [row[1:] for row in r["log"][:2]] == [[16, 60], [48, 60]]
    assert r["accs"][-1] > 0.8
