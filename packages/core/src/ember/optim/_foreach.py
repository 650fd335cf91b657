"""Elementwise optimizers over flat buffers: the machinery shared by SGD, Adam, RMSprop, ...

NOTE [ flat optimizer buffers ]: an elementwise update costs a dozen ufunc calls; done per parameter that is a
dozen Python-level calls per tensor per step. Instead the parameters of a param group are bucketed by (array
type, dtype, device) and each bucket's parameters get their ``_data`` replaced by views into one flat array;
state tensors (exp_avg, ...) are views into flat arrays of the same layout, and scalar state (``step``) are
0-d views into one small array. One step of a bucket is then: gather the grads into a flat scratch buffer (one
``concatenate``), run the optimizer's kernel once on the flat arrays with in-place ufuncs, bump versions.

The per-parameter tensors (``p``, ``optimizer.state[p][...]``) remain the source of truth. Before each step the
layout is validated by identity (``p._data is view``, ``state[p][k] is tensor``, ``tensor._data is view``), so
replacing ``p.data``, calling ``load_state_dict`` or assigning state re-establishes it (one copy). A parameter is
moved only when nothing else references its array (refcount check) and it is not a view of someone else's
memory, so no alias of it can go stale; otherwise the bucket runs the same kernel per parameter. Params without
a grad in a step, or with differing step counts, also take the per-parameter path for that step.
"""
from __future__ import annotations

import sys
import weakref
from itertools import repeat
from operator import attrgetter, is_, is_not, methodcaller

import numpy as np

from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad
from .optimizer import Optimizer, _scalar_np_dtype

_get_data = attrgetter("_data")
_get_grad = attrgetter("_grad")
_OWNED: "weakref.WeakValueDictionary[int, object]" = weakref.WeakValueDictionary()  # flat arrays we allocated


_PAR_MIN = 1 << 17  # elements below which threading costs more than it saves
_POOL: list = []


def _pool_size() -> int:
    if not _POOL:
        import os  # noqa: PLC0415
        from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415

        n = min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
        _POOL.append(ThreadPoolExecutor(max(n - 1, 1), thread_name_prefix="ember-optim") if n > 1 else None)
        _POOL.append(n)
    return _POOL[1]


def _scratch_list(arrs):
    def scratch(i):
        return arrs[i]
    return scratch


def _xp(a):
    return np if a.__class__ is np.ndarray else sys.modules["cupy"]


def _real(a):
    """Complex arrays are updated as pairs of reals, like torch.view_as_real in the reference optimizers."""
    if a.dtype.kind == "c":
        return a.view(a.real.dtype)
    return a


def _movable(p) -> bool:
    d = p._data
    if p._base is not None or not d.flags.writeable:
        return False
    b = d.base
    if b is not None and _OWNED.get(id(b)) is not b:
        return False  # a view of memory someone else owns: moving it would break that alias
    # p's slot + the local ``d`` + getrefcount's argument: any other reference is an alias we must not strand
    return sys.getrefcount(d) <= 3


class _Bucket:
    __slots__ = ("params", "views", "flat", "total", "xp", "state_obj", "sdicts", "tlist", "tviews", "tflat",
                 "slist", "sflat", "uniform", "gbuf", "scratch", "names", "fresh", "__weakref__")

    def __init__(self, params):
        self.params = params
        self.views = None  # None: per-parameter bucket
        self.state_obj = None
        self.scratch = []


class ElementwiseOptimizer(Optimizer):
    """Base of optimizers whose update is elementwise; subclasses define the state spec and one array kernel.

    ``_scalar_state(group)`` -> {name: initial float} (0-d state such as ``step``); ``_tensor_state(group)`` ->
    [(name, fill)] where fill is a float or None (None: the kernel fills it, told through ``fresh``);
    ``_kernel(group, p, g, st, sc, fresh, scratch)`` updates arrays in place (``g`` is a private copy it may
    clobber, ``scratch(i)`` a temporary like ``p``) and returns the new scalar state values.
    """

    _n_scratch = 1  # temporaries (like p) the kernel asks for through scratch(i)
    # group options added after the first release: filled in when an older pickled optimizer is loaded
    _setstate_defaults: dict = {}

    def __setstate__(self, state) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            for key, value in self._setstate_defaults.items():
                group.setdefault(key, value)

    def _scalar_state(self, group) -> dict:
        return {"step": 0.0}

    def _tensor_state(self, group) -> list:
        raise NotImplementedError

    def _kernel(self, group, p, g, st, sc, fresh, scratch) -> dict:
        raise NotImplementedError

    def step(self, closure=None):
        """Perform a single optimization step (``closure`` re-evaluates the model and returns the loss)."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            if group.get("differentiable"):
                raise NotImplementedError(f"{type(self).__name__}: differentiable=True is not supported by ember")
            self._step_group(group)
        return loss

    # -- layout -----------------------------------------------------------------------------------------------
    def _buckets(self, group):
        params = group["params"]
        key = id(params)
        ids = tuple(map(id, params))
        entry = self._flat.get(key)
        if entry is not None and entry[0] == ids:
            for b in entry[1]:
                if b.views is not None and not all(map(is_, map(_get_data, b.params), b.views)):
                    break
            else:
                return entry[1]
        buckets = self._build(params, group.get("foreach") is not False)
        self._flat[key] = (ids, buckets, params)  # params kept alive so id(params) stays unique
        return buckets

    def _build(self, params, use_flat):
        by_kind: dict = {}
        for p in params:
            d = p._data
            dev = None if d.__class__ is np.ndarray else d.device.id
            by_kind.setdefault((d.__class__, d.dtype, dev), []).append(p)
        d = None  # drop the loop's reference: _movable counts references to each array
        buckets = []
        for (_, dtype, _), ps in by_kind.items():
            b = _Bucket(ps)
            if use_flat and dtype.kind in "fc" and len({id(p) for p in ps}) == len(ps) \
                    and all(_movable(p) for p in ps):
                self._flatten(b)
            buckets.append(b)
        return buckets

    @staticmethod
    def _flatten(b):
        ps = b.params
        xp = _xp(ps[0]._data)
        total = sum(p._data.size for p in ps)
        flat = xp.empty(total, dtype=ps[0]._data.dtype)
        _OWNED[id(flat)] = flat
        views, o = [], 0
        for p in ps:
            n = p._data.size
            v = flat[o:o + n].reshape(p._data.shape)
            v[...] = p._data
            p._data = v
            views.append(v)
            o += n
        b.views, b.flat, b.total, b.xp = views, flat, total, xp
        b.gbuf = xp.empty(total, dtype=flat.dtype)
        b.scratch = []

    # -- stepping ---------------------------------------------------------------------------------------------
    def _step_group(self, group):
        for b in self._buckets(group):
            params = b.params
            grads = list(map(_get_grad, params))
            if b.views is not None and all(map(is_not, grads, repeat(None))) and self._flat_ready(b, group):
                self._step_flat(group, b, grads)
            else:
                for p, g in zip(params, grads):
                    if g is not None:
                        self._step_param(group, p, g)
                b.state_obj = None  # state may have changed shape: revalidate next step

    def _flat_ready(self, b, group) -> bool:
        """Validate (or re-establish) the flat state layout; False sends this step down the per-param path."""
        snames = self._scalar_state(group)
        tspec = self._tensor_state(group)
        names = (tuple(snames), tuple(n for n, _ in tspec))
        if not snames and not tspec:  # stateless (SGD without momentum): torch keeps no state entry at all
            b.tflat, b.sflat, b.fresh = {}, {}, ()
            return True
        state = self.state
        if b.state_obj is state and b.names == names and all(map(is_, map(state.get, b.params), b.sdicts)):
            ok = True
            for n in names[1]:
                lst = b.tlist[n]
                if not (all(map(is_, map(_dict_get(n), b.sdicts), lst))
                        and all(map(is_, map(_get_data, lst), b.tviews[n]))):
                    ok = False
                    break
            if ok:
                for n in names[0]:
                    lst = b.slist[n]
                    if not all(map(is_, map(_dict_get(n), b.sdicts), lst)):
                        ok = False
                        break
            if ok:
                if not b.uniform:
                    b.uniform = all(a.min() == a.max() for a in b.sflat.values())
                return b.uniform
        return self._gather_state(b, group, snames, tspec, names)

    def _gather_state(self, b, group, snames, tspec, names) -> bool:
        state = self.state
        sdicts = [state[p] for p in b.params]
        xp, total = b.xp, b.total
        # every state entry must be present on all params or on none: otherwise step per param this time
        for n in list(names[0]) + list(names[1]):
            have = [n in d for d in sdicts]
            if any(have) and not all(have):
                return False
            if all(have) and not all(isinstance(d[n], Tensor) for d in sdicts):
                return False
        b.tlist, b.tviews, b.tflat, b.slist, b.sflat = {}, {}, {}, {}, {}
        fresh = []
        for n, init in snames.items():
            if n in sdicts[0]:
                ts = [d[n] for d in sdicts]
                arr = np.array([float(t._data) for t in ts], dtype=ts[0]._data.dtype)
                for i, t in enumerate(ts):
                    t._data = arr[i:i + 1].reshape(())
            else:
                arr = np.full(len(sdicts), init, dtype=_scalar_np_dtype())
                ts = []
                for i, d in enumerate(sdicts):
                    t = Tensor._wrap(arr[i:i + 1].reshape(()))
                    d[n] = t
                    ts.append(t)
            b.slist[n], b.sflat[n] = ts, arr
        if not all(a.min() == a.max() for a in b.sflat.values()):
            return False  # steps differ between params (some missed a step): per-param this time
        for n, init in tspec:
            if n in sdicts[0]:
                ts = [d[n] for d in sdicts]
                if any(t._data.size != p._data.size for t, p in zip(ts, b.params)):
                    return False
                flat = xp.empty(total, dtype=b.flat.dtype)
                o = 0
                views = []
                for t, p in zip(ts, b.params):
                    sz = p._data.size
                    v = flat[o:o + sz].reshape(p._data.shape)
                    v[...] = xp.asarray(t._data)
                    t._data = v
                    views.append(v)
                    o += sz
            else:
                flat = xp.empty(total, dtype=b.flat.dtype) if init is None else xp.full(total, init, b.flat.dtype)
                if init is None:
                    fresh.append(n)
                views, ts, o = [], [], 0
                for d, p in zip(sdicts, b.params):
                    sz = p._data.size
                    v = flat[o:o + sz].reshape(p._data.shape)
                    t = Tensor._wrap(v)
                    d[n] = t
                    views.append(v)
                    ts.append(t)
                    o += sz
            b.tlist[n], b.tviews[n], b.tflat[n] = ts, views, flat
        b.sdicts, b.state_obj, b.names, b.fresh = sdicts, state, names, tuple(fresh)
        b.uniform = True
        return True

    def _step_flat(self, group, b, grads):
        xp = b.xp
        if len(grads) == 1:
            b.gbuf[...] = grads[0]._data.reshape(-1)
        else:
            xp.concatenate([g._data.reshape(-1) for g in grads], out=b.gbuf)
        fresh, b.fresh = b.fresh, ()
        sc = {n: float(a[0]) for n, a in b.sflat.items()}
        st = {n: _real(a) for n, a in b.tflat.items()}
        while len(b.scratch) < self._n_scratch:
            b.scratch.append(_real(xp.empty(b.total, dtype=b.flat.dtype)))
        pr, gr = _real(b.flat), _real(b.gbuf)
        n = pr.shape[0]
        workers = _pool_size() if xp is np and n >= _PAR_MIN else 1
        if workers > 1:
            # ufuncs release the GIL: split the elementwise update into contiguous chunks run in parallel
            cs = -(-n // workers)
            jobs = [(pr[i:i + cs], gr[i:i + cs], {k: a[i:i + cs] for k, a in st.items()},
                     _scratch_list([t[i:i + cs] for t in b.scratch])) for i in range(0, n, cs)]
            futs = [_POOL[0].submit(self._kernel, group, jp, jg, jst, dict(sc), fresh, js)
                    for jp, jg, jst, js in jobs[1:]]
            new = self._kernel(group, *jobs[0][:3], dict(sc), fresh, jobs[0][3])
            for f in futs:
                f.result()
        else:
            new = self._kernel(group, pr, gr, st, sc, fresh, _scratch_list(b.scratch))
        if new:
            for n, v in new.items():
                b.sflat[n][...] = v
        for p in b.params:
            p._bump()

    def _step_param(self, group, p, g):
        scal = self._scalar_state(group)
        tspec = self._tensor_state(group)
        st = self.state[p] if scal or tspec else {}
        xp = _xp(p._data)
        fresh = []
        for n, init in scal.items():
            if n not in st:
                st[n] = Tensor._wrap(np.array(init, dtype=_scalar_np_dtype()))
        for n, init in tspec:
            if n not in st:
                st[n] = Tensor._wrap(xp.empty_like(p._data) if init is None else xp.full_like(p._data, init))
                if init is None:
                    fresh.append(n)
        sc = {n: float(_data_of(st[n])) for n in scal}
        arrs = {n: _real(st[n]._data) for n, _ in tspec}
        pr = _real(p._data)
        tmps: list = []

        def scratch(i):
            while len(tmps) <= i:
                tmps.append(xp.empty_like(pr))
            return tmps[i]

        new = self._kernel(group, pr, _real(g._data).copy(), arrs, sc, tuple(fresh), scratch)
        if new:
            for n, v in new.items():
                t = st[n]
                if isinstance(t, Tensor):
                    t._data[...] = v
                else:
                    st[n] = v
        p._bump()


def _data_of(v):
    return v._data if isinstance(v, Tensor) else v


def _dict_get(n):
    return methodcaller("get", n)


# -- array helpers shared by the kernels (in place, torch's rounding order) ----------------------------------
def lerp_(a, b, w: float, tmp) -> None:
    """a <- torch.lerp(a, b, w), using torch's two formulas for weight below/above one half."""
    np.subtract(b, a, out=tmp)
    if w < 0.5:
        np.multiply(tmp, w, out=tmp)
        np.add(a, tmp, out=a)
    else:
        np.multiply(tmp, 1 - w, out=tmp)
        np.subtract(b, tmp, out=a)


def addcmul_(a, t1, t2, value: float, tmp) -> None:
    """a <- a + value * t1 * t2."""
    np.multiply(t1, value, out=tmp)
    np.multiply(tmp, t2, out=tmp)
    np.add(a, tmp, out=a)


def add_scaled_(a, b, alpha: float, tmp) -> None:
    """a <- a + alpha * b."""
    np.multiply(b, alpha, out=tmp)
    np.add(a, tmp, out=a)


def prologue(group, p, g, tmp, decoupled: bool = False, lr: float = 0.0) -> None:
    """maximize (negate the grad copy) and weight decay (L2 into the grad, or decoupled on the param)."""
    if group.get("maximize"):
        np.negative(g, out=g)
    wd = group.get("weight_decay", 0)
    if wd != 0:
        wd = float(wd)
        if decoupled:
            np.multiply(p, 1 - lr * wd, out=p)
        else:
            add_scaled_(g, p, wd, tmp)


def check_lr(lr) -> None:
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def check_nonneg(*named) -> None:
    """Raise torch's ``Invalid <name> value`` for the first ``(name, value)`` pair that is not ``>= 0``.

    ``not 0.0 <= v`` (rather than ``v < 0``) so NaN is rejected too, like torch's checks.
    """
    for name, value in named:
        if not 0.0 <= value:
            raise ValueError(f"Invalid {name} value: {value}")


def check_betas_eps(betas, eps, weight_decay=None) -> None:
    check_nonneg(("epsilon", eps))
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
    if weight_decay is not None:
        check_nonneg(("weight_decay", weight_decay))


def check_fused(fused, foreach, differentiable) -> None:
    """torch's rejection of ``fused=True`` combined with ``differentiable`` or ``foreach``."""
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
