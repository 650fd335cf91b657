"""PyTorch's zip checkpoint format, read and written without torch (NOTE [ torch interop ] in serialization.py)."""
from __future__ import annotations

import collections
import io
import pickle
import zipfile

import numpy as np

from . import _dtype as D
from ._device import device as _device
from ._tensor import Tensor

# torch storage class name <-> ember dtype
_STORAGE_DTYPE = {
    "FloatStorage": D.float32, "DoubleStorage": D.float64, "HalfStorage": D.float16, "BFloat16Storage": D.bfloat16,
    "LongStorage": D.int64, "IntStorage": D.int32, "ShortStorage": D.int16, "CharStorage": D.int8,
    "ByteStorage": D.uint8, "BoolStorage": D.bool, "ComplexFloatStorage": D.complex64,
    "ComplexDoubleStorage": D.complex128,
}
_DTYPE_STORAGE = {v: k for k, v in _STORAGE_DTYPE.items()}
_TORCH_DTYPES = {d.name: d for d in D._ALL}
_TORCH_DTYPES.update({"half": D.float16, "float": D.float32, "double": D.float64, "long": D.int64,
                      "int": D.int32, "short": D.int16, "cfloat": D.complex64, "cdouble": D.complex128})


class _StorageType:
    def __init__(self, dtype):
        self.dtype = dtype


class _Storage:
    """A loaded storage: a flat array (shared by all tensors that view it)."""

    def __init__(self, array, location):
        self.array = array
        self.location = location


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None):
    arr = storage.array
    size, stride = tuple(size), tuple(stride)
    if 0 not in size:
        hi = storage_offset + sum((n - 1) * s for n, s in zip(size, stride))
        if storage_offset < 0 or hi >= arr.size or any(s < 0 for s in stride):
            raise pickle.UnpicklingError(f"tensor of size {list(size)} overruns its storage of {arr.size} elements")
    isz = arr.itemsize
    view = np.lib.stride_tricks.as_strided(arr[storage_offset:], size, tuple(s * isz for s in stride))
    t = Tensor._wrap(view)
    t._rg = bool(requires_grad) and view.dtype.kind in "fc"
    t.__dict__["_ember_location"] = storage.location
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks, *extra):
    from .nn.parameter import Parameter  # noqa: PLC0415

    return Parameter(data, requires_grad=requires_grad)


def _rebuild_from_type_v2(func, new_type, args, state):
    return func(*args)


def _allowed():
    g = {
        ("collections", "OrderedDict"): collections.OrderedDict,
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
        ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
        ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter,
        ("torch._tensor", "_rebuild_from_type_v2"): _rebuild_from_type_v2,
        ("torch", "Size"): tuple,
        ("torch", "device"): _device,
        ("builtins", "set"): set, ("builtins", "frozenset"): frozenset, ("builtins", "complex"): complex,
        ("builtins", "slice"): slice,
        ("torch.nn.parameter", "Parameter"): None,  # only as a type marker for _rebuild_from_type_v2
        ("torch", "Tensor"): None,
    }
    for name, dt in _STORAGE_DTYPE.items():
        g[("torch", name)] = _StorageType(dt)
    for name, dt in _TORCH_DTYPES.items():
        g[("torch", name)] = dt
    g[("_codecs", "encode")] = _codecs_encode
    return g


def _codecs_encode(obj, encoding="latin1"):
    if not isinstance(obj, str) or encoding not in ("latin1", "latin-1", "utf-8"):
        raise pickle.UnpicklingError("_codecs.encode with unexpected arguments refused")
    return obj.encode(encoding)


_ALLOWED = None


class _SafeUnpickler(pickle.Unpickler):
    def __init__(self, fh, z, prefix, place):
        super().__init__(fh, encoding="utf-8")
        self.z, self.prefix, self.place = z, prefix, place
        self.storages: dict = {}

    def find_class(self, module, name):
        global _ALLOWED
        if _ALLOWED is None:
            _ALLOWED = _allowed()
        key = (module, name)
        if key in _ALLOWED:
            v = _ALLOWED[key]
            return v if v is not None else object
        raise pickle.UnpicklingError(
            f"Weights only load failed: unsupported global GLOBAL {module}.{name} was refused. ember loads only "
            f"tensors, state_dicts and plain containers from PyTorch files and never runs code from a checkpoint.")

    def persistent_load(self, pid):
        if not isinstance(pid, tuple) or len(pid) < 5 or pid[0] != "storage":
            raise pickle.UnpicklingError(f"unsupported persistent id {pid!r}")
        _, stype, key, location, numel = pid[:5]
        if isinstance(stype, _StorageType):
            dt = stype.dtype
        elif isinstance(stype, D.dtype):
            dt = stype
        else:
            raise pickle.UnpicklingError(f"unsupported storage type {stype!r}")
        if key not in self.storages:
            try:
                buf = self.z.read(f"{self.prefix}data/{key}")
            except KeyError:
                raise RuntimeError(f"ember.load: corrupted PyTorch file: storage record data/{key} is missing") \
                    from None
            if len(buf) < int(numel) * dt.itemsize:
                raise RuntimeError(f"ember.load: corrupted PyTorch file: storage {key} is truncated")
            arr = np.frombuffer(buf, dtype=dt.np, count=int(numel)).copy()
            self.storages[key] = _Storage(arr, str(location))
        return self.storages[key]


def read_torch(z: zipfile.ZipFile, pkl_name: str, place):
    prefix = pkl_name[: -len("data.pkl")]
    bo = prefix + "byteorder"
    if bo in z.namelist() and z.read(bo).strip() not in (b"little", b""):
        raise RuntimeError("ember.load: big-endian PyTorch files are not supported")
    u = _SafeUnpickler(io.BytesIO(z.read(pkl_name)), z, prefix, place)
    try:
        obj = u.load()
    except (pickle.UnpicklingError, RuntimeError):
        raise
    except Exception as e:  # malformed opcodes, truncated streams, wrong arities
        raise pickle.UnpicklingError(f"ember.load: corrupted PyTorch pickle: {type(e).__name__}: {e}") from None
    return _place_all(obj, place, {})


def _place_all(obj, place, memo):
    if isinstance(obj, Tensor):
        if id(obj) in memo:
            return memo[id(obj)]
        loc = obj.__dict__.pop("_ember_location", "cpu")
        r = place(obj, loc)
        memo[id(obj)] = r
        return r
    if isinstance(obj, dict):
        out = type(obj)((k, _place_all(v, place, memo)) for k, v in obj.items())
        if hasattr(obj, "_metadata"):
            out._metadata = obj._metadata
        return out
    if isinstance(obj, list):
        return [_place_all(v, place, memo) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_place_all(v, place, memo) for v in obj)
    return obj


# ---------------------------------------------------------------------------------------------------
# writing
class _Global:
    """A global referenced by name in the pickle stream (written as GLOBAL, never imported here)."""

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle requires reduce functions to be callable; never called here
        raise TypeError(f"{self.module}.{self.name} is a name written into a PyTorch pickle, not a function")


_REBUILD = _Global("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAM = _Global("torch._utils", "_rebuild_parameter")


class _TorchPickler(pickle._Pickler):
    dispatch = dict(pickle._Pickler.dispatch)

    def __init__(self, fh, storages):
        super().__init__(fh, protocol=2)
        self.storages = storages  # id(base) -> (key, array)

    def save_torch_global(self, obj):
        self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode("utf-8"))
        self.memoize(obj)

    dispatch[_Global] = save_torch_global
    dispatch[D.dtype] = lambda self, obj: self.save_torch_global(_Global("torch", obj.name))

    def persistent_id(self, obj):
        if isinstance(obj, _StorageRef):
            return ("storage", _Global("torch", _DTYPE_STORAGE[obj.dtype]), obj.key, obj.location, obj.numel)
        return None

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            arr = obj._data if obj.is_cpu else obj._data.get()
            ref, off, strides = self._storage_for(arr, obj)
            args = (ref, off, tuple(arr.shape), tuple(strides), bool(obj._rg), collections.OrderedDict())
            if type(obj).__name__ == "Parameter":
                inner = _TensorData(args)
                return (_REBUILD_PARAM, (inner, bool(obj._rg), collections.OrderedDict()))
            return (_REBUILD, args)
        if isinstance(obj, _TensorData):
            return (_REBUILD, obj.args)
        if isinstance(obj, _device):
            return (_Global("torch", "device"), (str(obj),))
        return NotImplemented

    def _storage_for(self, arr, t):
        base = arr
        while isinstance(base.base, np.ndarray):
            base = base.base
        isz = arr.itemsize
        if base is arr or not base.flags.c_contiguous or base.dtype != arr.dtype or any(s % isz for s in arr.strides) \
                or any(s < 0 for s in arr.strides):
            base = np.ascontiguousarray(arr)
            arr = base
        key = id(base)
        if key not in self.storages:
            self.storages[key] = (str(len(self.storages)), base)
        skey, _ = self.storages[key]
        off = (arr.__array_interface__["data"][0] - base.__array_interface__["data"][0]) // isz
        loc = "cpu" if t.is_cpu else f"cuda:{t.device.index or 0}"
        return _StorageRef(skey, D.from_numpy_dtype(base.dtype), loc, base.size), off, [s // isz for s in arr.strides]


class _StorageRef:
    def __init__(self, key, dtype, location, numel):
        self.key, self.dtype, self.location, self.numel = key, dtype, location, numel


class _TensorData:
    def __init__(self, args):
        self.args = args


def write_torch(obj, fh) -> None:
    """Write ``obj`` in PyTorch's zip format (readable by torch.load(weights_only=True))."""
    storages: dict = {}
    buf = io.BytesIO()
    p = _TorchPickler(buf, storages)
    p.dump(obj)
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("archive/data.pkl", buf.getvalue())
        z.writestr("archive/byteorder", "little")
        for key, base in storages.values():
            z.writestr(f"archive/data/{key}", np.ascontiguousarray(base).tobytes())
        z.writestr("archive/version", "3\n")
        z.writestr("archive/.data/serialization_id", "0" * 40)
