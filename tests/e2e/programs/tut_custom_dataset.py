"""The "Datasets & DataLoaders" tutorial: a custom Dataset with a transform, DataLoader options, dict collate."""
import numpy as np

from ._util import init_from_numpy

RTOL = 2e-4
ATOL = 2e-5


def _dt(dtype) -> str:
    """dtype name without the library prefix (ember prints dtypes as ember.*)."""
    return str(dtype).split(".")[-1]


def run(torch) -> dict:
    data = torch.utils.data
    nn = torch.nn
    rng = np.random.default_rng(51)
    images = rng.random((22, 4, 4)).astype(np.float32)
    labels = rng.integers(0, 3, size=22)

    class CustomImageDataset(data.Dataset):
        def __init__(self, imgs, lbls, transform=None, target_transform=None):
            self.imgs, self.lbls = imgs, lbls
            self.transform, self.target_transform = transform, target_transform

        def __len__(self):
            return len(self.lbls)

        def __getitem__(self, idx):
            image = torch.from_numpy(self.imgs[idx])
            label = int(self.lbls[idx])
            if self.transform:
                image = self.transform(image)
            if self.target_transform:
                label = self.target_transform(label)
            return image, label

    class DictDataset(data.Dataset):
        def __len__(self):
            return 7

        def __getitem__(self, i):
            return {"x": torch.full((2,), float(i)), "id": i, "name": f"s{i}", "pair": (i, i * 0.5)}

    normalize = lambda img: (img - 0.5) / 0.25
    one_hot = lambda y: torch.zeros(3, dtype=torch.float).scatter_(0, torch.tensor(y), value=1)
    ds = CustomImageDataset(images, labels, transform=normalize, target_transform=one_hot)
    r = {"len": len(ds)}
    img, lab = ds[3]
    r["item"] = [img, lab]
    loader = data.DataLoader(ds, batch_size=5, shuffle=False, drop_last=True)
    r["n_batches"] = len(loader)
    feats, labs = next(iter(loader))
    r["first_batch"] = [feats, labs]
    r["batch_types"] = [type(feats).__name__, _dt(feats.dtype), _dt(labs.dtype)]

    plain = CustomImageDataset(images, labels)
    int_loader = data.DataLoader(plain, batch_size=4, shuffle=False)
    _, int_labs = next(iter(int_loader))
    r["int_labels"] = int_labs
    r["last_batch_size"] = [len(b[1]) for b in int_loader]

    dict_loader = data.DataLoader(DictDataset(), batch_size=3, drop_last=False)
    batches = list(dict_loader)
    r["dict_keys"] = sorted(batches[0].keys())
    r["dict_x"] = [b["x"] for b in batches]
    r["dict_id"] = [b["id"] for b in batches]
    r["dict_name"] = batches[0]["name"]
    r["dict_pair"] = batches[1]["pair"]
    r["subset"] = [int(v[1].argmax()) for v in data.Subset(ds, [0, 2, 4])]

    model = init_from_numpy(torch, nn.Sequential(nn.Flatten(), nn.Linear(16, 3)), seed=52)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    losses = []
    for epoch in range(4):
        total = 0.0
        for X, Y in loader:
            loss = nn.functional.cross_entropy(model(X), Y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
        losses.append(total / len(loader))
    r["losses"] = losses
    return r


def check(r) -> None:
    assert r["len"] == 22 and r["n_batches"] == 4
    assert r["last_batch_size"] == [4, 4, 4, 4, 4, 2]
    assert r["dict_keys"] == ["id", "name", "pair", "x"]
    assert r["dict_name"] == ["s0", "s1", "s2"]
    assert r["batch_types"][1:] == ["float32", "float32"]
