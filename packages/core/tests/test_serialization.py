"""ember.save/ember.load: round trips, shared storage, map_location, torch interop, bad files, atomicity."""
from __future__ import annotations

import collections
import io
import os
import pickle
import zipfile

import numpy as np
import pytest

import ember
from ember.utils import safetensors as st


def _roundtrip(obj, **kw):
    buf = io.BytesIO()
    ember.save(obj, buf, **kw)
    buf.seek(0)
    return ember.load(buf)


@pytest.mark.parametrize("dtype", [ember.float32, ember.float64, ember.float16, ember.bfloat16, ember.int64,
                                   ember.int32, ember.int8, ember.uint8, ember.bool, ember.complex64])
def test_tensor_roundtrip_every_dtype(dtype):
    t = (ember.arange(24).reshape(2, 3, 4) % 5).to(dtype)
    r = _roundtrip(t)
    assert r.dtype == dtype and r.shape == t.shape
    assert np.array_equal(np.asarray(r.to(ember.float64) if dtype != ember.complex64 else r),
                          np.asarray(t.to(ember.float64) if dtype != ember.complex64 else t))


def test_nested_containers_and_scalars():
    obj = {"a": [1, 2.5, None, "s", True], "b": (ember.ones(2), {"c": float("inf")}), 3: b"raw",
           "od": collections.OrderedDict(x=1), "cplx": 1 + 2j, "dt": ember.float64, "dev": ember.device("cpu"),
           "size": ember.Size([2, 3]), "nan": float("nan"), "set": {1, 2}, "empty": ember.zeros(0, 3)}
    r = _roundtrip(obj)
    assert r["a"] == [1, 2.5, None, "s", True]
    assert isinstance(r["b"], tuple) and r["b"][0].tolist() == [1.0, 1.0] and r["b"][1]["c"] == float("inf")
    assert r[3] == b"raw" and isinstance(r["od"], collections.OrderedDict)
    assert r["cplx"] == 1 + 2j and r["dt"] is ember.float64 and r["dev"] == ember.device("cpu")
    assert r["size"] == ember.Size([2, 3]) and np.isnan(r["nan"]) and r["set"] == {1, 2}
    assert r["empty"].shape == (0, 3)


def test_shared_storage_is_preserved():
    base = ember.arange(12.0).reshape(3, 4)
    row, col, tr = base[1], base[:, 2], base.t()
    r = _roundtrip({"base": base, "row": row, "col": col, "t": tr, "again": base})
    assert r["again"] is r["base"]
    r["base"][1, 2] = 100.0
    assert r["row"][2].item() == 100.0 and r["col"][1].item() == 100.0 and r["t"][2, 1].item() == 100.0
    assert r["t"].stride() == (1, 4)


def test_requires_grad_and_parameter_roundtrip():
    p = ember.nn.Parameter(ember.ones(3))
    t = ember.zeros(2, requires_grad=True)
    r = _roundtrip({"p": p, "t": t})
    assert type(r["p"]).__name__ == "Parameter" and r["p"].requires_grad and r["t"].requires_grad


def test_state_dict_and_optimizer_roundtrip(tmp_path):
    m = ember.nn.Linear(4, 3)
    opt = ember.optim.Adam(m.parameters(), lr=0.1)
    m(ember.randn(5, 4)).sum().backward()
    opt.step()
    path = tmp_path / "ckpt.ember"
    ember.save({"model": m.state_dict(), "opt": opt.state_dict()}, path)
    ck = ember.load(path)
    m2 = ember.nn.Linear(4, 3)
    m2.load_state_dict(ck["model"])
    opt2 = ember.optim.Adam(m2.parameters(), lr=0.1)
    opt2.load_state_dict(ck["opt"])
    for a, b in zip(m.parameters(), m2.parameters()):
        assert np.array_equal(a.detach().numpy(), b.detach().numpy())
    assert opt2.state_dict()["param_groups"][0]["lr"] == 0.1


def test_map_location_forms():
    t = ember.ones(2)
    buf = io.BytesIO()
    ember.save({"t": t}, buf)
    for loc in ("cpu", ember.device("cpu"), {"cpu": "cpu"}, lambda s, loc: s):
        buf.seek(0)
        assert ember.load(buf, map_location=loc)["t"].device == ember.device("cpu")


def test_cuda_file_without_gpu_raises_torch_error():
    buf = io.BytesIO()
    ember.save({"t": ember.ones(2)}, buf)
    buf.seek(0)
    z = zipfile.ZipFile(buf)
    header = z.read("ember.json").decode().replace('"device": "cpu"', '"device": "cuda:0"')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as w:
        w.writestr("ember.json", header)
        for n in z.namelist():
            if n != "ember.json":
                w.writestr(n, z.read(n))
    if ember.cuda.is_available():
        pytest.skip("a GPU is present")
    out.seek(0)
    with pytest.raises(RuntimeError, match="map_location"):
        ember.load(out)
    out.seek(0)
    assert ember.load(out, map_location="cpu")["t"].tolist() == [1.0, 1.0]


def test_unsupported_object_raises_type_error():
    class Custom:
        pass
    with pytest.raises(TypeError, match="cannot be saved"):
        ember.save({"x": Custom()}, io.BytesIO())


def test_atomic_write_keeps_old_file_on_crash(tmp_path, monkeypatch):
    path = tmp_path / "f.ember"
    ember.save({"v": ember.ones(3)}, path)

    class Boom:
        pass
    with pytest.raises(TypeError):
        ember.save({"v": ember.zeros(3), "bad": Boom()}, path)
    import ember.serialization as S
    real = S.zipfile.ZipFile.writestr

    def crash(self, name, data, *a, **k):
        if name.startswith("storages/"):
            raise KeyboardInterrupt("simulated crash mid-save")
        return real(self, name, data, *a, **k)
    monkeypatch.setattr(S.zipfile.ZipFile, "writestr", crash)
    with pytest.raises(KeyboardInterrupt):
        ember.save({"v": ember.zeros(3)}, path)
    monkeypatch.undo()
    assert ember.load(path)["v"].tolist() == [1.0, 1.0, 1.0]
    assert [p.name for p in tmp_path.iterdir()] == ["f.ember"]


# -- bad files ------------------------------------------------------------------------------------
def _saved_bytes(obj=None):
    buf = io.BytesIO()
    ember.save(obj if obj is not None else {"w": ember.arange(10.0)}, buf)
    return buf.getvalue()


def test_truncated_file():
    data = _saved_bytes()
    for cut in (2, 10, len(data) // 2, len(data) - 5):
        with pytest.raises(RuntimeError):
            ember.load(io.BytesIO(data[:cut]))


def test_wrong_magic():
    with pytest.raises(RuntimeError, match="magic"):
        ember.load(io.BytesIO(b"GARBAGE-not-a-checkpoint"))


def test_bare_pickle_refused_without_running_it():
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned > /tmp/ember_pwned",))
    with pytest.raises(RuntimeError, match="pickle"):
        ember.load(io.BytesIO(pickle.dumps(Evil(), protocol=2)))


def _rewrite(data, name, content):
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as w:
        for n in src.namelist():
            w.writestr(n, content if n == name else src.read(n))
    return out.getvalue()


@pytest.mark.parametrize("header", [b"{not json", b'{"format": "other"}', b"[]",
                                    b'{"format": "ember", "version": 1, "root": {"__tensor__": 0, "storage": 0, '
                                    b'"offset": 5, "shape": [100], "stride": [1], "dtype": "float32"}, '
                                    b'"storages": [{"dtype": "float32", "numel": 10}]}',
                                    b'{"format": "ember", "version": 1, "root": 1, '
                                    b'"storages": [{"dtype": "__class__", "numel": 1}]}'])
def test_corrupted_header(header):
    with pytest.raises(RuntimeError, match="corrupted"):
        ember.load(io.BytesIO(_rewrite(_saved_bytes(), "ember.json", header)))


def test_storage_size_mismatch():
    with pytest.raises(RuntimeError, match="corrupted"):
        ember.load(io.BytesIO(_rewrite(_saved_bytes(), "storages/0", b"\x00" * 12)))


def _torch_zip_with_pickle(pkl: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as w:
        w.writestr("archive/data.pkl", pkl)
        w.writestr("archive/version", "3\n")
    return out.getvalue()


def test_hostile_pickle_in_torch_zip_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))
    data = _torch_zip_with_pickle(pickle.dumps({"w": Evil()}, protocol=2))
    with pytest.raises(pickle.UnpicklingError, match="refused"):
        ember.load(io.BytesIO(data))
    assert not marker.exists()
    data = _torch_zip_with_pickle(pickle.dumps({"w": eval}, protocol=2))
    with pytest.raises(pickle.UnpicklingError):
        ember.load(io.BytesIO(data))


# -- torch interop (optional oracle) --------------------------------------------------------------------
def test_torch_files_load_without_torch_code_paths(tmp_path):
    torch = pytest.importorskip("torch")
    m = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    opt = torch.optim.SGD(m.parameters(), lr=0.1, momentum=0.9)
    m(torch.randn(5, 3)).sum().backward()
    opt.step()
    shared = torch.arange(6.0)
    path = tmp_path / "t.pt"
    torch.save({"model": m.state_dict(), "opt": opt.state_dict(), "views": [shared, shared[2:4]],
                "p": torch.nn.Parameter(torch.ones(2)), "i": torch.tensor([1, 2], dtype=torch.int32),
                "h": torch.ones(2, dtype=torch.bfloat16), "meta": (1, "x", None)}, path)
    ck = ember.load(path)
    for k, v in m.state_dict().items():
        assert np.array_equal(ck["model"][k].numpy(), v.numpy()), k
    assert ck["model"]["1.num_batches_tracked"].dtype == ember.int64
    assert list(ck["model"].keys()) == list(m.state_dict().keys())
    assert ck["opt"]["param_groups"][0]["momentum"] == 0.9
    ck["views"][0][2] = 42.0
    assert ck["views"][1][0].item() == 42.0
    assert type(ck["p"]).__name__ == "Parameter"
    assert ck["i"].dtype == ember.int32 and ck["h"].dtype == ember.bfloat16 and ck["meta"] == (1, "x", None)


def test_ember_writes_torch_format(tmp_path):
    torch = pytest.importorskip("torch")
    base = ember.arange(12.0).reshape(3, 4)
    obj = {"w": base, "row": base[1], "t": base.t(), "i": ember.tensor([1, 2]), "b": ember.ones(2).bool(),
           "p": ember.nn.Parameter(ember.ones(2)), "n": [1, 2.5, "s", None], "dt": ember.float16}
    path = tmp_path / "e.pt"
    ember.save(obj, path, format="torch")
    r = torch.load(path, weights_only=True)
    assert np.array_equal(r["w"].numpy(), base.numpy())
    r["w"][1, 0] = 99.0
    assert r["row"][0].item() == 99.0 and r["t"][0, 1].item() == 99.0
    assert r["i"].dtype == torch.int64 and r["b"].dtype == torch.bool
    assert isinstance(r["p"], torch.nn.Parameter) and r["dt"] == torch.float16 and r["n"] == [1, 2.5, "s", None]


# -- safetensors --------------------------------------------------------------------------------------
def test_safetensors_roundtrip(tmp_path):
    ts = {"a": ember.randn(3, 4), "b": ember.arange(5), "c": ember.ones(2, dtype=ember.bfloat16)}
    path = tmp_path / "m.safetensors"
    st.save_file(ts, path, metadata={"format": "pt"})
    r = st.load_file(path)
    assert set(r) == set(ts)
    for k in ts:
        assert r[k].dtype == ts[k].dtype and np.array_equal(r[k].float().numpy(), ts[k].float().numpy())


def test_safetensors_matches_reference_package(tmp_path):
    sf = pytest.importorskip("safetensors.numpy")
    arrs = {"x": np.arange(6, dtype=np.float32).reshape(2, 3), "y": np.array([1, 2], dtype=np.int64)}
    path = tmp_path / "ref.safetensors"
    sf.save_file(arrs, str(path))
    r = st.load_file(path)
    assert np.array_equal(r["x"].numpy(), arrs["x"]) and np.array_equal(r["y"].numpy(), arrs["y"])
    st.save_file({k: ember.from_numpy(v) for k, v in arrs.items()}, tmp_path / "ours.safetensors")
    back = sf.load_file(str(tmp_path / "ours.safetensors"))
    assert np.array_equal(back["x"], arrs["x"])


@pytest.mark.parametrize("bad", [b"", b"\x01", (100).to_bytes(8, "little") + b"{}",
                                 (2).to_bytes(8, "little") + b"{x",
                                 (60).to_bytes(8, "little") + b'{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}'])
def test_safetensors_bad_files(bad):
    with pytest.raises(ValueError):
        st.load(bad)


def test_missing_parent_directory_raises_like_torch(tmp_path):
    with pytest.raises(RuntimeError, match="Parent directory .* does not exist"):
        ember.save({"a": 1}, tmp_path / "nope" / "f.ember")
