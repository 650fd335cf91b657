"""ember.save / ember.load: a pickle-free default format, PyTorch .pt interop, atomic writes.

NOTE [ file format ]: the default format is a zip archive holding ``ember.json`` (the object tree: dicts,
lists, tuples, numbers, strings, None, dtypes, devices and tensor references) and one raw little-endian record
per storage under ``storages/``. Tensors that shared memory when saved reference the same storage with their
own offset/shape/stride, so they share memory again after loading. Loading parses JSON and copies bytes: no
code is executed, whatever the file says.

NOTE [ torch interop ]: PyTorch's zip format keeps the tree in ``data.pkl``. We read it with an Unpickler whose
``find_class`` admits only the globals a weights-only checkpoint needs (tensor/parameter rebuild functions,
storage types, dtypes, OrderedDict, ...); any other global raises ``pickle.UnpicklingError`` before anything
runs. Writing uses a small pure-Python Pickler that emits the same globals by name, so ``torch.load(...,
weights_only=True)`` reads our files without torch being installed here.
"""
from __future__ import annotations

import base64
import collections
import io
import json
import math
import os
import pickle
import tempfile
import zipfile
from typing import Any, BinaryIO

import numpy as np

from . import _dtype as D
from ._device import device as _device, to_device
from ._tensor import Tensor, Size

__all__ = ["save", "load"]

_FORMAT = "ember"
_VERSION = 1


# ================================================================================================
# saving
class _Storages:
    """Assigns storage ids to the base arrays of tensors so shared memory is written once."""

    def __init__(self):
        self.by_key: dict = {}
        self.arrays: list = []

    def add(self, arr: np.ndarray):
        """Return (storage id, element offset, element strides) for ``arr``."""
        base = arr
        while isinstance(base.base, np.ndarray):
            base = base.base
        isz = arr.itemsize
        if (base is not arr and base.flags.c_contiguous and base.dtype == arr.dtype
                and all(s % isz == 0 for s in arr.strides)):
            start = base.__array_interface__["data"][0]
            off_bytes = arr.__array_interface__["data"][0] - start
            key = (start, base.nbytes, base.dtype.str)
            sid = self.by_key.get(key)
            if sid is None:
                sid = self.by_key[key] = len(self.arrays)
                self.arrays.append(base.reshape(-1))
            return sid, off_bytes // isz, [s // isz for s in arr.strides]
        if arr.flags.c_contiguous:
            start = arr.__array_interface__["data"][0]
            key = (start, arr.nbytes, arr.dtype.str)
            sid = self.by_key.get(key)
            if sid is None:
                sid = self.by_key[key] = len(self.arrays)
                self.arrays.append(arr.reshape(-1))
            return sid, 0, [s // isz for s in arr.strides]
        c = np.ascontiguousarray(arr)
        sid = len(self.arrays)
        self.arrays.append(c.reshape(-1))
        return sid, 0, [s // isz for s in c.strides]


def _host(t: Tensor) -> np.ndarray:
    return t._data if t.is_cpu else t._data.get()


def _encode(obj, st: _Storages, memo: dict):
    if obj is None or isinstance(obj, (bool, str)):
        return obj
    if isinstance(obj, int) and not isinstance(obj, bool):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else {"__float__": repr(obj)}
    if isinstance(obj, Tensor):
        if id(obj) in memo:
            return {"__ref__": memo[id(obj)]}
        arr = _host(obj)
        if arr.dtype.byteorder == ">":
            arr = arr.astype(arr.dtype.newbyteorder("<"))
        sid, off, strides = st.add(arr)
        ref = len(memo)
        memo[id(obj)] = ref
        enc = {"__tensor__": ref, "storage": sid, "offset": off, "shape": list(arr.shape), "stride": strides,
               "dtype": obj.dtype.name, "device": str(obj.device), "requires_grad": bool(obj._rg)}
        if type(obj).__name__ == "Parameter":
            enc["parameter"] = True
        return enc
    if isinstance(obj, Size):
        return {"__size__": list(obj)}
    if isinstance(obj, tuple):
        if hasattr(obj, "_fields"):
            raise TypeError(f"ember.save: cannot save namedtuple {type(obj).__name__} without pickle; convert it "
                            f"to a tuple or dict")
        return {"__tuple__": [_encode(x, st, memo) for x in obj]}
    if isinstance(obj, list):
        return [_encode(x, st, memo) for x in obj]
    if isinstance(obj, dict):
        items = [[_encode(k, st, memo), _encode(v, st, memo)] for k, v in obj.items()]
        out = {"__dict__": items}
        if isinstance(obj, collections.OrderedDict):
            out["ordered"] = True
        meta = getattr(obj, "_metadata", None)
        if meta is not None:
            out["metadata"] = _encode(dict(meta), st, memo)
        return out
    if isinstance(obj, D.dtype):
        return {"__dtype__": obj.name}
    if isinstance(obj, _device):
        return {"__device__": str(obj)}
    if isinstance(obj, (bytes, bytearray)):
        return {"__bytes__": base64.b64encode(bytes(obj)).decode("ascii")}
    if isinstance(obj, complex):
        return {"__complex__": [obj.real, obj.imag]}
    if isinstance(obj, np.ndarray):
        return {"__ndarray__": _encode(Tensor._wrap(obj), st, memo)}
    if isinstance(obj, np.generic):
        return _encode(obj.item(), st, memo)
    if isinstance(obj, (set, frozenset)):
        return {"__set__": [_encode(x, st, memo) for x in obj], "frozen": isinstance(obj, frozenset)}
    raise TypeError(f"ember.save: objects of type {type(obj).__module__}.{type(obj).__qualname__} cannot be saved "
                    f"in ember's pickle-free format; save tensors, numbers, strings, None and dicts/lists/tuples "
                    f"of them (e.g. a state_dict), or use format='torch' for PyTorch interop")


def _write_atomic(f, write_fn) -> None:
    """Write through ``write_fn(fileobj)``; for paths, into a temp file renamed over the target at the end."""
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        d = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(d):
            raise RuntimeError(f"Parent directory {d} does not exist.")
        fd, tmp = tempfile.mkstemp(prefix=".ember-save-", dir=d)
        try:
            with os.fdopen(fd, "wb") as fh:
                write_fn(fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    else:
        write_fn(f)


def save(obj: Any, f, pickle_module=None, pickle_protocol: int = 2, _use_new_zipfile_serialization=True,
         *, format: str = "ember") -> None:
    """Save ``obj`` to a path or binary file object (mirrors torch.save).

    ``format="ember"`` (default) writes the pickle-free format; ``format="torch"`` writes PyTorch's zip format,
    readable by ``torch.load(f, weights_only=True)``.
    """
    if format == "torch":
        from ._torch_format import write_torch  # noqa: PLC0415

        _write_atomic(f, lambda fh: write_torch(obj, fh))
        return
    if format != "ember":
        raise ValueError(f"ember.save: unknown format {format!r} (expected 'ember' or 'torch')")
    st = _Storages()
    tree = _encode(obj, st, {})
    header = {"format": _FORMAT, "version": _VERSION, "byteorder": "little", "root": tree,
              "storages": [{"dtype": D.from_numpy_dtype(a.dtype).name, "numel": int(a.size)} for a in st.arrays]}

    def write(fh):
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED) as z:
            z.writestr("ember.json", json.dumps(header, allow_nan=False))
            for i, a in enumerate(st.arrays):
                z.writestr(f"storages/{i}", np.ascontiguousarray(a).tobytes())

    _write_atomic(f, write)


# ================================================================================================
# loading
def _map_device(dev: str, map_location):
    if map_location is None:
        return dev
    if callable(map_location) and not isinstance(map_location, (str, _device)):
        return map_location
    if isinstance(map_location, dict):
        return map_location.get(dev, dev)
    return str(to_device(map_location))


def _place(t: Tensor, dev: str, map_location) -> Tensor:
    target = _map_device(dev, map_location)
    if callable(target):
        r = target(t, dev)
        return r if r is not None else t
    if target.startswith("cuda"):
        from . import cuda  # noqa: PLC0415

        if not cuda.is_available():
            raise RuntimeError("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is "
                               "False. If you are running on a CPU-only machine, please use torch.load with "
                               "map_location=torch.device('cpu') to map your storages to the CPU.")
        moved = t.to(target)
        moved._rg = t._rg
        return moved
    return t


def _decode(x, storages, memo, map_location):
    if isinstance(x, list):
        return [_decode(v, storages, memo, map_location) for v in x]
    if not isinstance(x, dict):
        return x
    if "__tensor__" in x:
        arr_base = storages[x["storage"]]
        dt = _dtype_named(x["dtype"])
        if arr_base.dtype != dt.np:
            raise RuntimeError(f"ember.load: corrupted file: storage {x['storage']} has dtype {arr_base.dtype}, "
                               f"tensor expects {dt.name}")
        shape, stride, off = tuple(x["shape"]), tuple(x["stride"]), int(x["offset"])
        _check_bounds(arr_base.size, shape, stride, off)
        isz = arr_base.itemsize
        arr = np.lib.stride_tricks.as_strided(arr_base[off:] if arr_base.size else arr_base, shape,
                                              tuple(s * isz for s in stride))
        if x.get("parameter"):
            from .nn.parameter import Parameter  # noqa: PLC0415

            t = Parameter(Tensor._wrap(arr), requires_grad=x.get("requires_grad", True))
        else:
            t = Tensor._wrap(arr)
            t._rg = bool(x.get("requires_grad", False))
        t = _place(t, x.get("device", "cpu"), map_location)
        memo[x["__tensor__"]] = t
        return t
    if "__ref__" in x:
        return memo[x["__ref__"]]
    if "__tuple__" in x:
        return tuple(_decode(v, storages, memo, map_location) for v in x["__tuple__"])
    if "__size__" in x:
        return Size(x["__size__"])
    if "__dict__" in x:
        cls = collections.OrderedDict if x.get("ordered") else dict
        out = cls((_hashable(_decode(k, storages, memo, map_location)), _decode(v, storages, memo, map_location))
                  for k, v in x["__dict__"])
        if "metadata" in x:
            out._metadata = _decode(x["metadata"], storages, memo, map_location)
        return out
    if "__float__" in x:
        return float(x["__float__"])
    if "__dtype__" in x:
        return _dtype_named(x["__dtype__"])
    if "__device__" in x:
        return _device(x["__device__"])
    if "__bytes__" in x:
        return base64.b64decode(x["__bytes__"])
    if "__complex__" in x:
        return complex(*x["__complex__"])
    if "__ndarray__" in x:
        return _decode(x["__ndarray__"], storages, memo, map_location).numpy()
    if "__set__" in x:
        vals = [_hashable(_decode(v, storages, memo, map_location)) for v in x["__set__"]]
        return frozenset(vals) if x.get("frozen") else set(vals)
    raise RuntimeError(f"ember.load: corrupted file: unknown entry with keys {sorted(x)[:5]}")


def _hashable(k):
    return tuple(_hashable(v) for v in k) if isinstance(k, list) else k


def _check_bounds(numel, shape, stride, off):
    if any(s < 0 for s in shape) or off < 0:
        raise RuntimeError("ember.load: corrupted file: negative size or offset")
    if 0 in shape:
        return
    hi = off + sum((n - 1) * s for n, s in zip(shape, stride) if s > 0)
    lo = off + sum((n - 1) * s for n, s in zip(shape, stride) if s < 0)
    if lo < 0 or hi >= numel:
        raise RuntimeError(f"ember.load: corrupted file: tensor of shape {list(shape)} with strides {list(stride)} "
                           f"at offset {off} overruns its storage of {numel} elements")


def _read_all(f) -> bytes:
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as fh:
            return fh.read()
    return f.read()


def load(f, map_location=None, pickle_module=None, *, weights_only: bool | None = True, mmap=None, **kwargs):
    """Load an object saved by ``ember.save`` or by ``torch.save`` (mirrors torch.load).

    Never executes code from the file: ember's format is JSON plus raw bytes, and PyTorch's pickles are read
    through an allowlist (``weights_only=False`` does not widen it). ``map_location`` is a device, string,
    dict or callable as in torch.
    """
    raw = _read_all(f)
    if len(raw) < 4:
        raise RuntimeError("ember.load: file is empty or truncated (fewer than 4 bytes)")
    if raw[:2] != b"PK":
        if raw[:1] == b"\x80":
            raise RuntimeError("ember.load: this is a bare pickle (PyTorch's legacy, non-zip format). ember does not "
                               "load pickles outside PyTorch's zip container, because unpickling can run code; "
                               "re-save it with a current torch.save")
        raise RuntimeError(f"ember.load: not an ember or PyTorch checkpoint (unknown magic {raw[:4]!r})")
    try:
        z = zipfile.ZipFile(io.BytesIO(raw))
        names = z.namelist()
    except zipfile.BadZipFile as e:
        raise RuntimeError(f"ember.load: failed reading zip archive (truncated or corrupted file): {e}") from None
    try:
        if "ember.json" in names:
            return _load_ember(z, map_location)
        pkl = [n for n in names if n.endswith("data.pkl")]
        if pkl:
            from ._torch_format import read_torch  # noqa: PLC0415

            return read_torch(z, pkl[0], lambda t, dev: _place(t, dev, map_location))
    except zipfile.BadZipFile as e:
        raise RuntimeError(f"ember.load: corrupted archive member: {e}") from None
    raise RuntimeError("ember.load: zip archive is neither an ember checkpoint (no ember.json) nor a PyTorch one "
                       "(no data.pkl)")


def _load_ember(z: zipfile.ZipFile, map_location):
    try:
        header = json.loads(z.read("ember.json"))
    except (ValueError, UnicodeDecodeError) as e:
        raise RuntimeError(f"ember.load: corrupted header (ember.json is not valid JSON): {e}") from None
    if not isinstance(header, dict) or header.get("format") != _FORMAT or "root" not in header:
        raise RuntimeError("ember.load: corrupted header: missing format/root fields")
    if header.get("version", 0) > _VERSION:
        raise RuntimeError(f"ember.load: file format version {header['version']} is newer than this ember "
                           f"understands ({_VERSION}); upgrade ember")
    storages = []
    for i, meta in enumerate(header.get("storages", [])):
        dt = _dtype_named(meta.get("dtype"))
        try:
            buf = z.read(f"storages/{i}")
        except KeyError:
            raise RuntimeError(f"ember.load: corrupted file: storage record {i} is missing") from None
        n = int(meta["numel"])
        if len(buf) != n * dt.itemsize:
            raise RuntimeError(f"ember.load: corrupted file: storage {i} holds {len(buf)} bytes, expected "
                               f"{n * dt.itemsize}")
        storages.append(np.frombuffer(buf, dtype=dt.np).copy())
    return _decode(header["root"], storages, {}, map_location)


def _dtype_named(name) -> D.dtype:
    dt = D._BY_NAME.get(name) if isinstance(name, str) else None
    if dt is None:
        raise RuntimeError(f"ember.load: corrupted file: unknown dtype {name!r}")
    return dt
