"""Packed and padded sequences (mirrors torch.nn.utils.rnn).

NOTE [ packing as row gathers ]: packing, unpacking and padding only move whole rows (one time step of one
sequence) between a padded ``(T, B, *)`` layout and the packed ``(N, *)`` layout. ``_RowGather`` and
``_RowScatter`` do that with an index array computed once on the host; each is the other's backward, so the
gradients (and double backward) come for free.
"""
from __future__ import annotations

from collections import namedtuple
from typing import Any

import numpy as np

from ...ops._op import Op, apply

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence", "pad_sequence",
           "unpad_sequence", "pack_sequence", "unpack_sequence"]


class _RowGather(Op):
    """out[r] = x.reshape(-1, *rest)[idx[r]] where ``rest`` is x.shape[nlead:]."""

    def forward(ctx, xp, x, idx=None, nlead=2):
        ctx.shape, ctx.idx, ctx.nlead = x.shape, idx, nlead
        flat = x.reshape((-1,) + x.shape[nlead:])
        return flat[xp.asarray(idx)]

    def backward(ctx, g):
        return apply(_RowScatter, g, idx=ctx.idx, shape=ctx.shape, nlead=ctx.nlead, fill=0.0)


class _RowScatter(Op):
    """An array of ``shape`` filled with ``fill`` whose flattened rows ``idx`` hold the rows of ``y``."""

    def forward(ctx, xp, y, idx=None, shape=None, nlead=2, fill=0.0):
        ctx.idx, ctx.nlead = idx, nlead
        rows = 1
        for s in shape[:nlead]:
            rows *= s
        out = xp.full((rows,) + tuple(shape[nlead:]), fill, dtype=y.dtype)
        out[xp.asarray(idx)] = y
        return out.reshape(shape)

    def backward(ctx, g):
        return apply(_RowGather, g, idx=ctx.idx, nlead=ctx.nlead)


def _long(values, device=None):
    import ember  # noqa: PLC0415

    t = ember.tensor(np.asarray(values, dtype=np.int64))
    return t.to(device) if device is not None and str(device) != "cpu" else t


def _host(t) -> np.ndarray:
    """Int64 values of a tensor/list on the host."""
    if hasattr(t, "_data"):
        a = t._data
        return np.asarray(a.get() if hasattr(a, "get") else a).astype(np.int64)
    return np.asarray(t, dtype=np.int64).reshape(-1)


_PackedBase = namedtuple("PackedSequence_", ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])


class PackedSequence(_PackedBase):
    """Holds the packed data of a batch of variable-length sequences and the batch size of every time step.

    ``data`` stacks, time step after time step, the rows of the sequences still running (longest first);
    ``batch_sizes`` (CPU int64) has one entry per step; ``sorted_indices``/``unsorted_indices`` map between the
    caller's batch order and the length-sorted order (``None`` when the input was already sorted).
    """

    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError("Expected data to be a list or tuple of length 2")
            data, batch_sizes = data[0], data[1]
        elif batch_sizes.device.type != "cpu":
            raise ValueError("batch_sizes should always be on CPU. Instances of PackedSequence should never be "
                             "created manually. They should be instantiated by functions like pack_sequence and "
                             "pack_padded_sequences in nn.utils.rnn.")
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args: Any, **kwargs: Any) -> "PackedSequence":
        """dtype/device conversion of ``data`` (indices follow the device); ``self`` when nothing changes."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        dev = data.device
        si = self.sorted_indices.to(dev) if self.sorted_indices is not None else None
        ui = self.unsorted_indices.to(dev) if self.unsorted_indices is not None else None
        return type(self)(data, self.batch_sizes, si, ui)

    def cuda(self, *args: Any, **kwargs: Any) -> "PackedSequence":
        if not args and "device" not in kwargs:
            kwargs["device"] = "cuda"
        return self.to(*args, **kwargs)

    def cpu(self, *args: Any, **kwargs: Any) -> "PackedSequence":
        kwargs["device"] = "cpu"
        return self.to(*args, **kwargs)

    def pin_memory(self) -> "PackedSequence":
        return self

    def double(self) -> "PackedSequence":
        return self.to(dtype=_dt("float64"))

    def float(self) -> "PackedSequence":
        return self.to(dtype=_dt("float32"))

    def half(self) -> "PackedSequence":
        return self.to(dtype=_dt("float16"))

    def long(self) -> "PackedSequence":
        return self.to(dtype=_dt("int64"))

    def int(self) -> "PackedSequence":
        return self.to(dtype=_dt("int32"))

    def short(self) -> "PackedSequence":
        return self.to(dtype=_dt("int16"))

    def char(self) -> "PackedSequence":
        return self.to(dtype=_dt("int8"))

    def byte(self) -> "PackedSequence":
        return self.to(dtype=_dt("uint8"))

    @property
    def is_cuda(self) -> bool:
        return self.data.is_cuda

    def is_pinned(self) -> bool:
        return False


def _dt(name):
    import ember  # noqa: PLC0415

    return getattr(ember, name)


def invert_permutation(permutation):
    """The inverse of a permutation tensor (``None`` stays ``None``)."""
    if permutation is None:
        return None
    p = _host(permutation)
    inv = np.empty_like(p)
    inv[p] = np.arange(p.size, dtype=np.int64)
    return _long(inv, permutation.device)


def _batch_sizes(lengths: np.ndarray) -> np.ndarray:
    """batch_sizes[t] = number of sequences longer than t (lengths sorted in decreasing order)."""
    T = int(lengths[0]) if lengths.size else 0
    return (lengths[None, :] > np.arange(T)[:, None]).sum(1).astype(np.int64)


def _packed_rows(batch_sizes: np.ndarray, order: np.ndarray, T: int, B: int, batch_first: bool,
                 left: np.ndarray | None = None) -> np.ndarray:
    """Flat padded-layout row of every packed row: step t, sorted slot j -> sequence order[j] at time t."""
    t = np.repeat(np.arange(batch_sizes.size), batch_sizes)
    j = np.concatenate([np.arange(b) for b in batch_sizes]) if batch_sizes.size else np.zeros(0, np.int64)
    b = order[j]
    if left is not None:
        t = t + left[b]
    return (b * T + t) if batch_first else (t * B + b)


def pack_padded_sequence(input, lengths, batch_first: bool = False, enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch ``(T, B, *)`` (``(B, T, *)`` if ``batch_first``) of sequences with ``lengths``."""
    lens = _host(lengths)
    B = input.shape[0] if batch_first else input.shape[1]
    T = input.shape[1] if batch_first else input.shape[0]
    if lens.size != B:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got {lens.size} "
                           f"(batch_size={B})")
    if enforce_sorted:
        if np.any(lens[1:] > lens[:-1]):
            raise RuntimeError("`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. "
                               "You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence "
                               "to sidestep this requirement if you do not need ONNX exportability.")
        order = np.arange(B, dtype=np.int64)
        sorted_indices = None
    else:
        order = np.argsort(-lens, kind="stable").astype(np.int64)
        sorted_indices = _long(order, input.device)
    lens = lens[order]
    if lens.size and lens[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an element in 'lengths' "
                           "that is <= 0")
    if lens.size and lens[0] > T:
        raise RuntimeError(f"pack_padded_sequence: a length ({int(lens[0])}) exceeds the padded sequence length "
                           f"({T})")
    bs = _batch_sizes(lens)
    idx = _packed_rows(bs, order, T, B, batch_first)
    data = apply(_RowGather, input, idx=idx, nlead=2)
    return PackedSequence(data, _long(bs), sorted_indices, None)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False, padding_value: float = 0.0,
                        total_length: int | None = None):
    """Inverse of ``pack_padded_sequence``: returns ``(padded, lengths)`` in the caller's batch order."""
    bs = _host(sequence.batch_sizes)
    max_len = bs.size
    if total_length is not None:
        if total_length < max_len:
            raise ValueError(f"Expected total_length to be at least the length of the longest sequence in input, but "
                             f"got total_length={total_length} and max sequence length being {max_len}")
        max_len = int(total_length)
    B = int(bs[0]) if bs.size else 0
    order = _host(sequence.sorted_indices) if sequence.sorted_indices is not None else np.arange(B, dtype=np.int64)
    idx = _packed_rows(bs, order, max_len, B, batch_first)
    data = sequence.data
    shape = ((B, max_len) if batch_first else (max_len, B)) + tuple(data.shape[1:])
    padded = apply(_RowScatter, data, idx=idx, shape=shape, nlead=2, fill=float(padding_value))
    sorted_lengths = (bs[None, :] > np.arange(B)[:, None]).sum(1)
    lengths = np.empty(B, np.int64)
    lengths[order] = sorted_lengths
    return padded, _long(lengths)


def pad_sequence(sequences, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right"):
    """Stack sequences ``(L_i, *)`` of different lengths into ``(T, B, *)`` (``(B, T, *)`` if ``batch_first``)."""
    import ember  # noqa: PLC0415

    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    seqs = list(sequences)
    if not seqs:
        raise RuntimeError("received an empty list of sequences")
    trail = tuple(seqs[0].shape[1:])
    for s in seqs[1:]:
        st = tuple(s.shape[1:])
        if st != trail:
            for d, (a, b) in enumerate(zip(trail, st)):
                if a != b:
                    raise RuntimeError(f"The size of tensor a ({a}) must match the size of tensor b ({b}) at "
                                       f"non-singleton dimension {d + 1}")
            raise RuntimeError(f"pad_sequence: all sequences must have the same trailing dimensions, got {trail} "
                               f"and {st}")
    lens = np.array([s.shape[0] for s in seqs], dtype=np.int64)
    B, T = len(seqs), int(lens.max())
    b = np.repeat(np.arange(B), lens)
    t = np.concatenate([np.arange(n) for n in lens])
    if padding_side == "left":
        t = t + (T - lens)[b]
    idx = (b * T + t) if batch_first else (t * B + b)
    data = ember.cat([s.reshape((s.shape[0],) + trail) for s in seqs], 0) if B > 1 else seqs[0]
    shape = ((B, T) if batch_first else (T, B)) + trail
    return apply(_RowScatter, data, idx=idx, shape=shape, nlead=2, fill=float(padding_value))


def unpad_sequence(padded_sequences, lengths, batch_first: bool = False) -> list:
    """Split a padded batch back into a list of sequences of ``lengths`` (the input is left unchanged)."""
    lens = _host(lengths)
    if batch_first:
        return [padded_sequences[i, :int(n)] for i, n in enumerate(lens)]
    return [padded_sequences[:int(n), i] for i, n in enumerate(lens)]


def pack_sequence(sequences, enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of sequences ``(L_i, *)`` (mirrors torch.nn.utils.rnn.pack_sequence)."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list:
    """Unpack a PackedSequence into the list of its sequences, in the original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
