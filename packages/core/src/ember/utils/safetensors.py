"""safetensors files (the Hugging Face format): save_file/load_file/save/load for dicts of tensors.

NOTE [ safetensors ]: the format is an 8-byte little-endian header length, a JSON header mapping names to
dtype/shape/byte offsets, then raw bytes. It is written here rather than through the `safetensors` package
because that package's NumPy API has no bfloat16, which ember stores natively; the reader validates every
offset before touching the bytes.
"""
from __future__ import annotations

import json
import os
import struct

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor

__all__ = ["save_file", "load_file", "save", "load"]

_CODES = {D.float64: "F64", D.float32: "F32", D.float16: "F16", D.bfloat16: "BF16", D.int64: "I64",
          D.int32: "I32", D.int16: "I16", D.int8: "I8", D.uint8: "U8", D.bool: "BOOL", D.complex64: "C64"}
_FROM_CODE = {v: k for k, v in _CODES.items()}


def save(tensors: dict, metadata: dict | None = None) -> bytes:
    """Serialise a dict of name -> tensor to safetensors bytes."""
    header: dict = {}
    if metadata:
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            raise ValueError("safetensors metadata must map str to str")
        header["__metadata__"] = dict(metadata)
    chunks, off = [], 0
    for name in sorted(tensors):
        t = tensors[name]
        if not isinstance(t, Tensor):
            raise TypeError(f"safetensors: value for {name!r} is {type(t).__name__}, expected a Tensor")
        if t.dtype not in _CODES:
            raise TypeError(f"safetensors: dtype {t.dtype} is not supported")
        a = np.ascontiguousarray(t.detach().cpu()._data)
        b = a.astype(a.dtype.newbyteorder("<")).tobytes() if a.dtype.byteorder == ">" else a.tobytes()
        header[name] = {"dtype": _CODES[t.dtype], "shape": list(a.shape), "data_offsets": [off, off + len(b)]}
        chunks.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)  # align the data section like the reference implementation
    return struct.pack("<Q", len(h)) + h + b"".join(chunks)


def load(data: bytes) -> dict:
    """Parse safetensors bytes into a dict of name -> tensor."""
    if len(data) < 8:
        raise ValueError("safetensors: file too short for a header")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8 or n > 100_000_000:
        raise ValueError("safetensors: header length exceeds the file size (truncated or corrupted)")
    try:
        header = json.loads(data[8:8 + n])
    except (ValueError, UnicodeDecodeError) as e:
        raise ValueError(f"safetensors: invalid JSON header: {e}") from None
    if not isinstance(header, dict):
        raise ValueError("safetensors: header is not a JSON object")
    body = memoryview(data)[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        try:
            dt = _FROM_CODE[info["dtype"]]
            shape = tuple(int(s) for s in info["shape"])
            begin, end = (int(x) for x in info["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"safetensors: malformed entry for {name!r}") from None
        count = int(np.prod(shape)) if shape else 1
        if not 0 <= begin <= end <= len(body) or end - begin != count * dt.itemsize:
            raise ValueError(f"safetensors: offsets of {name!r} do not match its shape/dtype or the file size")
        arr = np.frombuffer(body[begin:end], dtype=dt.np).reshape(shape).copy()
        out[name] = Tensor._wrap(arr)
    return out


def save_file(tensors: dict, filename, metadata: dict | None = None) -> None:
    """Write a dict of tensors to a .safetensors file (atomically)."""
    from ..serialization import _write_atomic  # noqa: PLC0415

    data = save(tensors, metadata)
    _write_atomic(filename, lambda fh: fh.write(data))


def load_file(filename, device="cpu") -> dict:
    """Read a .safetensors file into a dict of tensors on ``device``."""
    with open(os.fspath(filename), "rb") as f:
        out = load(f.read())
    return {k: v.to(device) for k, v in out.items()} if str(device) != "cpu" else out
