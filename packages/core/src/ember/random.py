"""Random numbers (mirrors torch.random and torch's random creation functions and in-place samplers).

NOTE [ generators ]: an ember ``Generator`` owns one bit stream per device kind: NumPy's ``Generator(PCG64)``
on CPU, ``cupy.random.RandomState`` on CUDA (created lazily). Every distribution is built from four primitives
(uniform, standard normal, integers, poisson) that both sample the same way through ``xp``, so the sampling
code never branches on the device. Streams are reproducible within ember, not bit-identical to torch's.
"""
from __future__ import annotations

import math
import os
import struct

import numpy as np

from . import _dtype as D
from ._device import backend_for, device as _device, to_device
from ._tensor import Tensor
from .ops._op import Op, apply
from .ops.creation import _size
from .ops.inplace import _check_leaf
from .ops.linalg import _sname

__all__ = ["binomial", "Generator", "default_generator", "manual_seed", "seed", "initial_seed", "get_rng_state",
           "set_rng_state", "rand", "randn", "randint", "randperm", "normal", "bernoulli", "multinomial", "poisson",
           "rand_like", "randn_like", "randint_like"]

_DEFAULT_SEED = 67280421310721
_MASK64 = (1 << 64) - 1


class _NumpySampler:
    def __init__(self, seed):
        self.g = np.random.Generator(np.random.PCG64(seed))

    def uniform(self, shape, dt):
        return self.g.random(shape, dtype=dt if dt in (np.float32, np.float64) else np.float64).astype(dt, copy=False)

    def normal(self, shape, dt):
        return self.g.standard_normal(shape, dtype=dt if dt in (np.float32, np.float64) else np.float64).astype(
            dt, copy=False)

    def integers(self, low, high, shape):
        return self.g.integers(low, high, size=shape, dtype=np.int64)

    def poisson(self, lam):
        return self.g.poisson(lam)

    def binomial(self, n, p):
        return self.g.binomial(n, p)


class _CupySampler:
    def __init__(self, seed, xp):
        self.g = xp.random.RandomState(seed % (1 << 63))

    def uniform(self, shape, dt):
        return self.g.random_sample(shape, dtype=np.float64 if dt == np.float64 else np.float32).astype(dt)

    def normal(self, shape, dt):
        return self.g.standard_normal(shape, dtype=np.float64 if dt == np.float64 else np.float32).astype(dt)

    def integers(self, low, high, shape):
        return self.g.randint(low, high, size=shape, dtype=np.int64)

    def poisson(self, lam):
        return self.g.poisson(lam)

    def binomial(self, n, p):
        return self.g.binomial(n, p)


class Generator:
    """A pseudo-random number generator (mirrors torch.Generator): ``Generator(device='cpu')``."""

    def __init__(self, device="cpu"):
        self._device = to_device(device)
        self._samplers = {}
        self.manual_seed(_DEFAULT_SEED)

    @property
    def device(self) -> _device:
        return self._device

    def manual_seed(self, seed: int) -> "Generator":
        """Seed the generator; negative seeds wrap modulo 2**64 like torch."""
        if isinstance(seed, Tensor):
            seed = int(seed.item())
        if not isinstance(seed, (int, np.integer)):
            raise TypeError(f"manual_seed expected a long, but got {type(seed).__name__}")
        seed = int(seed)
        if not -(1 << 63) <= seed <= _MASK64:
            raise RuntimeError(f"Overflow when unpacking long")
        self._seed = seed & _MASK64
        self._samplers = {}
        return self

    def seed(self) -> int:
        """Re-seed from the OS entropy source; returns the new seed."""
        s = struct.unpack("<Q", os.urandom(8))[0] & ((1 << 63) - 1)
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self) -> Tensor:
        """The generator state as a uint8 tensor (seed plus the PCG64 state)."""
        st = self._cpu().g.bit_generator.state
        s, inc = st["state"]["state"], st["state"]["inc"]
        raw = struct.pack("<Q", self._seed) + s.to_bytes(16, "little") + inc.to_bytes(16, "little") + \
            struct.pack("<BI", st["has_uint32"], st["uinteger"])
        return Tensor._wrap(np.frombuffer(raw, dtype=np.uint8).copy())

    def set_state(self, new_state: Tensor) -> "Generator":
        if not isinstance(new_state, Tensor) or new_state._data.dtype != np.uint8:
            raise TypeError("expected a torch.ByteTensor, but got "
                            f"{new_state.type_name() if isinstance(new_state, Tensor) else type(new_state).__name__}")
        raw = bytes(np.asarray(new_state._data).tobytes())
        if len(raw) != 45:
            raise RuntimeError(f"Expected either a PhiloxCudaState or a CPUGeneratorImplState, got a tensor of "
                               f"size {len(raw)}")
        seed = struct.unpack("<Q", raw[:8])[0]
        has, uint = struct.unpack("<BI", raw[40:45])
        self.manual_seed(seed)
        bg = self._cpu().g.bit_generator
        bg.state = {"bit_generator": "PCG64", "state": {"state": int.from_bytes(raw[8:24], "little"),
                                                        "inc": int.from_bytes(raw[24:40], "little")},
                    "has_uint32": has, "uinteger": uint}
        return self

    def _cpu(self):
        s = self._samplers.get("cpu")
        if s is None:
            s = self._samplers["cpu"] = _NumpySampler(self._seed)
        return s

    def _for(self, xp):
        if xp is np:
            return self._cpu()
        s = self._samplers.get("cuda")
        if s is None:
            s = self._samplers["cuda"] = _CupySampler(self._seed, xp)
        return s

    def __repr__(self):
        return f"<ember.Generator object at {hex(id(self))}>"


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed every device's default generator; returns the CPU default generator."""
    default_generator.manual_seed(seed)
    return default_generator


def seed() -> int:
    """Seed the default generator non-deterministically; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    default_generator.set_state(new_state)


# -- plumbing --------------------------------------------------------------------------------------------------
def _xp(dev):
    return np if dev.type == "cpu" else backend_for(dev).xp


def _sampler(generator, xp):
    return (generator if generator is not None else default_generator)._for(xp)


def _float_dtype(dtype, name):
    dt = D.to_dtype(dtype) if dtype is not None else D.get_default_dtype()
    if dt._cat < 2:
        raise RuntimeError(f"\"{name}\" not implemented for '{_sname(dt.np)}'")
    return dt


def _finish(arr, requires_grad, out=None):
    t = Tensor._wrap(arr)
    if requires_grad:
        t.requires_grad_(True)
    if out is not None:
        out._assign_result(t)
        return out
    return t


def _uniform(s, shape, dt):
    if dt.np.kind == "c":  # real and imaginary parts both uniform, like torch
        r = s.uniform(shape + (2,), dt.to_real().np)
        return r[..., 0] + 1j * r[..., 1]
    if dt.np in (np.float32, np.float64):
        return s.uniform(shape, dt.np)
    return s.uniform(shape, np.float32).astype(dt.np)


def _normal(s, shape, dt):
    if dt.np.kind == "c":  # variance 1 split over the two parts
        r = s.normal(shape + (2,), dt.to_real().np) * np.sqrt(0.5)
        return (r[..., 0] + 1j * r[..., 1]).astype(dt.np)
    if dt.np in (np.float32, np.float64):
        return s.normal(shape, dt.np)
    return s.normal(shape, np.float32).astype(dt.np)


# -- creation functions ------------------------------------------------------------------------------------------
def rand(*size, generator: Generator | None = None, out=None, dtype=None, layout=None, device=None,
         requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """Uniform samples on [0, 1)."""
    dt = _float_dtype(dtype, "check_uniform_bounds")
    dev = to_device(device)
    return _finish(_uniform(_sampler(generator, _xp(dev)), _size(size), dt), requires_grad, out)


def randn(*size, generator: Generator | None = None, out=None, dtype=None, layout=None, device=None,
          requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """Standard normal samples."""
    dt = _float_dtype(dtype, "normal_kernel_cpu")
    dev = to_device(device)
    return _finish(_normal(_sampler(generator, _xp(dev)), _size(size), dt), requires_grad, out)


def randint(*args, size=None, generator: Generator | None = None, out=None, dtype=None, layout=None, device=None,
            requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """Integers uniform on [low, high): ``randint(high, size)`` or ``randint(low, high, size)``; int64."""
    args = list(args)
    if size is None:
        if not args or not isinstance(args[-1], (tuple, list)):
            raise TypeError("randint() missing 1 required positional arguments: \"size\"")
        size = args.pop()
    if len(args) == 1:
        low, high = 0, args[0]
    elif len(args) == 2:
        low, high = args
    else:
        raise TypeError("randint() received an invalid combination of arguments")
    low, high = int(low), int(high)
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    dt = D.to_dtype(dtype) if dtype is not None else D.int64
    dev = to_device(device)
    arr = _sampler(generator, _xp(dev)).integers(low, high, _size((size,)))
    return _finish(arr.astype(dt.np, copy=False), requires_grad, out)


def randperm(n: int, *, generator: Generator | None = None, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """A random permutation of 0..n-1 (int64 by default)."""
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    dt = D.to_dtype(dtype) if dtype is not None else D.int64
    xp = _xp(to_device(device))
    keys = _sampler(generator, xp).uniform((n,), np.float64)
    return _finish(xp.argsort(keys, kind="stable").astype(dt.np), requires_grad, out)


def rand_like(input: Tensor, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
              memory_format=None, generator=None) -> Tensor:
    return rand(tuple(input.shape), dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad, generator=generator)


def randn_like(input: Tensor, *, dtype=None, layout=None, device=None, requires_grad: bool = False,
               memory_format=None, generator=None) -> Tensor:
    return randn(tuple(input.shape), dtype=dtype or input.dtype, device=device or input.device,
                 requires_grad=requires_grad, generator=generator)


def randint_like(input: Tensor, low: int = 0, high: int | None = None, *, dtype=None, layout=None, device=None,
                 requires_grad: bool = False, memory_format=None, generator=None) -> Tensor:
    if high is None:
        low, high = 0, low
    return randint(low, high, tuple(input.shape), dtype=dtype or input.dtype, device=device or input.device,
                   requires_grad=requires_grad, generator=generator)


class _NormalTensor(Op):
    """mean + std * eps with torch's (zero) gradient for tensor mean/std."""

    def forward(ctx, xp, mean, std, eps):
        return (mean + std * xp.asarray(eps)).astype(eps.dtype, copy=False)

    def backward(ctx, g):
        z = g * 0
        return z, z


def normal(mean=0.0, std=1.0, size=None, *, generator: Generator | None = None, out=None, dtype=None,
           layout=None, device=None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """Normal samples: tensor mean and/or std (broadcast), or float mean, std with ``size``."""
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if (mt or st) and size is not None:
        raise TypeError("normal() received an invalid combination of arguments - got (Tensor, Tensor, size=tuple)")
    if st:
        if bool((std._data < 0).any()):
            raise RuntimeError(f"normal expects all elements of std >= 0.0")
    elif std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    if not (mt or st):
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments - got (float, float), but "
                            "expected (float mean, float std, tuple of ints size)")
        dt = _float_dtype(dtype, "normal_kernel_cpu")
        dev = to_device(device)
        eps = _normal(_sampler(generator, _xp(dev)), _size((size,)), dt)
        return _finish(eps * std + mean if (std != 1 or mean != 0) else eps, requires_grad, out)
    like = mean if mt else std
    if mt and st:
        shape = np.broadcast_shapes(tuple(mean.shape), tuple(std.shape)) if mean.shape != std.shape else \
            tuple(mean.shape)
        dt = D.promote_types(mean.dtype, std.dtype)
    else:
        shape, dt = tuple(like.shape), like.dtype
    if dt._cat < 2:
        raise RuntimeError(f"\"normal_kernel_cpu\" not implemented for '{_sname(dt.np)}'")
    xp = np if like.is_cpu else like._data.__array_namespace__()
    eps = _normal(_sampler(generator, xp), tuple(shape), dt)
    from .ops.creation import tensor  # noqa: PLC0415

    m = mean if mt else tensor(float(mean), dtype=dt, device=like.device)
    s = std if st else tensor(float(std), dtype=dt, device=like.device)
    r = apply(_NormalTensor, m, s, eps=eps)
    if out is not None:
        out._assign_result(r)
        return out
    return r


def _bern_check(p):
    raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message be "
                       "improved?  If so, please report an enhancement request to PyTorch.)")


def bernoulli(input: Tensor, p: float | None = None, *, generator: Generator | None = None, out=None) -> Tensor:
    """0/1 samples with probabilities ``input`` (or the scalar ``p``); same dtype as input."""
    xp = np if input.is_cpu else input._data.__array_namespace__()
    probs = input._data if p is None else p
    if p is None:
        if input._data.dtype.kind not in "f" and input.dtype is not D.bfloat16:
            raise RuntimeError(f"\"bernoulli_tensor_cpu_self_\" not implemented for '{_sname(input._data.dtype)}'")
        if bool(((probs < 0) | (probs > 1)).any()):
            _bern_check(p)
    elif not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    u = _sampler(generator, xp).uniform(tuple(input.shape), np.float64)
    res = (u < probs).astype(input._data.dtype)
    return _finish(res, False, out)


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Generator | None = None, out=None) -> Tensor:
    """Category indices sampled from the (unnormalised) weights in each row of ``input`` (int64)."""
    if input.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if input._data.dtype.kind != "f":
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {input.dtype}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    n_cat = input.shape[-1]
    if not replacement and num_samples > n_cat:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    xp = np if input.is_cpu else input._data.__array_namespace__()
    w = input._data.reshape(-1, n_cat).astype(np.float64)
    if bool((~xp.isfinite(w)).any() or (w < 0).any()):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    tot = w.sum(-1, keepdims=True)
    if bool((tot <= 0).any()):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    rows = w.shape[0]
    s = _sampler(generator, xp)
    if replacement:
        # inverse CDF per row, batched through one searchsorted over row-offset CDFs
        cdf = xp.cumsum(w / tot, axis=-1)
        cdf[:, -1] = 1.0
        off = xp.arange(rows, dtype=np.float64)[:, None]
        u = s.uniform((rows, num_samples), np.float64)
        idx = xp.searchsorted((cdf + off).reshape(-1), (u + off).reshape(-1), side="right")
        res = (idx.reshape(rows, num_samples) - xp.arange(rows)[:, None] * n_cat).clip(0, n_cat - 1)
    else:
        if bool(((w > 0).sum(-1) < num_samples).any()):
            raise RuntimeError("invalid multinomial distribution (with replacement=False, not enough non-negative "
                               "category to sample)")
        # Efraimidis-Spirakis: the k largest log(u) / w keys are a weighted sample without replacement
        u = s.uniform((rows, n_cat), np.float64)
        with np.errstate(divide="ignore"):
            keys = xp.where(w > 0, xp.log(xp.maximum(u, 1e-300)) / xp.where(w > 0, w, 1), -xp.inf)
        res = xp.argsort(-keys, axis=-1, kind="stable")[:, :num_samples]
    res = res.astype(np.int64)
    return _finish(res.reshape(num_samples) if input.ndim == 1 else res, False, out)


def poisson(input: Tensor, generator: Generator | None = None) -> Tensor:
    """Poisson samples with rates ``input`` (same dtype)."""
    if bool((input._data < 0).any()):
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    xp = np if input.is_cpu else input._data.__array_namespace__()
    return Tensor._wrap(_sampler(generator, xp).poisson(input._data.astype(np.float64)).astype(input._data.dtype))


def binomial(count: Tensor, prob: Tensor, generator: Generator | None = None) -> Tensor:
    """Binomial samples: successes in ``count`` trials with success probability ``prob`` (count's float dtype)."""
    if count._data.dtype.kind != "f":
        raise ValueError(f"binomial only supports floating-point dtypes for count, got: {_TORCH_TYPE(count)}")
    if prob._data.dtype.kind != "f":
        raise ValueError(f"binomial only supports floating-point dtypes for prob, got: {_TORCH_TYPE(prob)}")
    xp = _xp_of(count)
    n = count._data.astype(np.int64)
    p = xp.clip(prob._data.astype(np.float64), 0.0, 1.0)
    try:
        n, p = xp.broadcast_arrays(n, p)
    except ValueError:
        raise RuntimeError(f"binomial: count {list(count.shape)} and prob {list(prob.shape)} must be "
                           f"broadcastable") from None
    out = _sampler(generator, xp).binomial(xp.maximum(n, 0), xp.nan_to_num(p)).astype(count._data.dtype)
    return Tensor._wrap(xp.where(xp.isnan(p), xp.nan, out).astype(count._data.dtype))


def _TORCH_TYPE(t: Tensor) -> str:
    return {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool"}.get(t._data.dtype.name, t._data.dtype.name)


# -- in-place samplers (Tensor methods) -------------------------------------------------------------------------
def _fill_(self: Tensor, arr) -> Tensor:
    _check_leaf(self)
    self._data[...] = arr
    self._bump()
    return self


def _xp_of(t):
    return np if t.is_cpu else t._data.__array_namespace__()


def _u(self, generator):
    return _sampler(generator, _xp_of(self)).uniform(tuple(self.shape), np.float64)


def uniform_(self: Tensor, from_: float = 0, to: float = 1, *, generator: Generator | None = None, **kw) -> Tensor:
    """Fill with uniform samples on [from, to)."""
    from_ = kw.pop("from", from_)
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={from_} > to={to}")
    if self._data.dtype.kind not in "fc":
        raise RuntimeError(f"\"check_uniform_bounds\" not implemented for '{_sname(self._data.dtype)}'")
    u = _uniform(_sampler(generator, _xp_of(self)), tuple(self.shape), self.dtype)
    return _fill_(self, u * (to - from_) + from_)


def normal_(self: Tensor, mean: float = 0, std: float = 1, *, generator: Generator | None = None) -> Tensor:
    """Fill with normal samples."""
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    if self._data.dtype.kind not in "fc":
        raise RuntimeError(f"\"normal_kernel_cpu\" not implemented for '{_sname(self._data.dtype)}'")
    eps = _normal(_sampler(generator, _xp_of(self)), tuple(self.shape), self.dtype)
    return _fill_(self, eps * std + mean)


def bernoulli_(self: Tensor, p=0.5, *, generator: Generator | None = None) -> Tensor:
    """Fill with 0/1 samples, probability ``p`` (float or broadcastable tensor)."""
    probs = p._data if isinstance(p, Tensor) else p
    if isinstance(p, Tensor):
        if bool(((probs < 0) | (probs > 1)).any()):
            _bern_check(p)
    elif not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p}")
    return _fill_(self, _u(self, generator) < probs)


def random_(self: Tensor, *args, generator: Generator | None = None, **kw) -> Tensor:
    """Fill with integers uniform on [from, to): ``random_(from, to)``, ``random_(to)``, or ``random_()``
    (then [0, 2**mantissa] for floats, the dtype's range for integers)."""
    if len(args) == 2:
        from_, to = args
    elif len(args) == 1:
        from_, to = 0, args[0]
    else:
        from_, to = kw.pop("from", 0), kw.pop("to", None)
    dt = self._data.dtype
    if to is None:
        if dt.kind == "f" or self.dtype is D.bfloat16:
            to = (1 << (np.finfo(dt).nmant + 1 if self.dtype is not D.bfloat16 else 8)) + 1
        elif dt.kind == "b":
            to = 2
        else:
            to = int(np.iinfo(dt).max) + 1
    if from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={to}")
    arr = _sampler(generator, _xp_of(self)).integers(int(from_), int(to), tuple(self.shape))
    return _fill_(self, arr.astype(dt))


def exponential_(self: Tensor, lambd: float = 1.0, *, generator: Generator | None = None) -> Tensor:
    """Fill with exponential samples of rate ``lambd``."""
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}")
    xp = _xp_of(self)
    return _fill_(self, -xp.log1p(-_u(self, generator)) / lambd)


def geometric_(self: Tensor, p: float, *, generator: Generator | None = None) -> Tensor:
    """Fill with geometric samples (number of trials to the first success, >= 1)."""
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p}")
    xp = _xp_of(self)
    u = _u(self, generator)
    return _fill_(self, xp.maximum(xp.ceil(xp.log1p(-u) / math.log1p(-p)), 1))


def log_normal_(self: Tensor, mean: float = 1, std: float = 2, *, generator: Generator | None = None) -> Tensor:
    """Fill with exp(N(mean, std)) samples."""
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std}")
    xp = _xp_of(self)
    eps = _sampler(generator, xp).normal(tuple(self.shape), np.float64)
    return _fill_(self, xp.exp(eps * std + mean))


def cauchy_(self: Tensor, median: float = 0, sigma: float = 1, *, generator: Generator | None = None) -> Tensor:
    """Fill with Cauchy samples."""
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma}")
    xp = _xp_of(self)
    return _fill_(self, median + sigma * xp.tan(math.pi * (_u(self, generator) - 0.5)))


def _bernoulli_method(self, p=None, *, generator=None):
    return bernoulli(self, p, generator=generator)


def _multinomial_method(self, num_samples, replacement=False, *, generator=None):
    return multinomial(self, num_samples, replacement, generator=generator)


for _name, _fn in (("uniform_", uniform_), ("normal_", normal_), ("bernoulli_", bernoulli_),
                   ("random_", random_), ("exponential_", exponential_), ("geometric_", geometric_),
                   ("log_normal_", log_normal_), ("cauchy_", cauchy_), ("bernoulli", _bernoulli_method),
                   ("multinomial", _multinomial_method)):
    setattr(Tensor, _name, _fn)
del _name, _fn
