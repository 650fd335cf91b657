"""ember.Tensor (mirrors torch.Tensor): an array plus autograd state.

Operations are attached as methods by the op family modules (``ember/ops/*``); this file holds the object
itself, its properties, conversions and the autograd entry points.
"""
from __future__ import annotations

import numpy as np

from . import _dtype as D
from ._device import CPU_DEVICE, backend_for, backend_of, device as _device_cls, to_device
from . import autograd as _autograd  # .backward is looked up per call, so load order does not matter
from .autograd.grad_mode import GradMode

_ndarray = np.ndarray
_new = object.__new__


class Tensor:
    """A multi-dimensional array with autograd (mirrors torch.Tensor)."""

    # NOTE [ tensor slots ]: device and dtype are read off ``_data``; ``_vc`` is the version counter box shared
    # with views (created lazily), ``_base`` the viewed tensor, ``_acc`` a weak ref to a leaf's AccumulateGrad.
    __slots__ = ("_data", "_rg", "_grad_fn", "_out_nr", "_grad", "_vc", "_base", "_acc", "_hooks",
                 "_post_acc_hooks", "_retains", "_view_fn", "__weakref__", "__dict__")

    def __new__(cls, *args, **kwargs):
        return _new(cls)

    def __init__(self, *args, dtype=None, device=None, requires_grad: bool = False):
        # Tensor(data) / Tensor(*sizes) legacy constructors
        if len(args) == 1 and not isinstance(args[0], int):
            a = args[0]
            if isinstance(a, Tensor):
                arr = a._data
            else:
                # the legacy constructor always makes the default float dtype: Tensor([1, 2]) is [1., 2.]
                arr = np.array(a, dtype=(D.to_dtype(dtype) if dtype else D.get_default_dtype()).np)
        else:
            shape = tuple(args) if args else (0,)
            arr = np.empty(shape, dtype=(D.to_dtype(dtype) if dtype else D.get_default_dtype()).np)
        if device is not None and to_device(device).type != "cpu":
            arr = backend_for(to_device(device)).xp.asarray(arr)
        self._init(arr)
        self._rg = bool(requires_grad)

    def _init(self, arr):
        self._data = arr
        self._rg = False
        self._grad_fn = None
        self._out_nr = 0
        self._grad = None
        self._vc = None
        self._base = None
        self._acc = None
        self._hooks = None
        self._post_acc_hooks = None
        self._retains = False
        self._view_fn = None

    @staticmethod
    def _wrap(arr) -> "Tensor":
        """A tensor around ``arr`` without grad. NOTE [ per-op overhead ]: every op's output goes through here, so
        the slots are set inline: a deliberate duplicate of ``_init`` (and of ``_make_view``); keep them in sync."""
        t = _new(Tensor)
        t._data = arr
        t._rg = False
        t._grad_fn = None
        t._out_nr = 0
        t._grad = None
        t._vc = None
        t._base = None
        t._acc = None
        t._hooks = None
        t._post_acc_hooks = None
        t._retains = False
        t._view_fn = None
        return t

    def _make_view(self, arr, spec=None) -> "Tensor":
        """Wrap ``arr`` (a view of ``self._data``) as a view tensor sharing the version counter.

        ``spec`` = (op class, params) replays the view on another tensor; the chain from the base is kept so an
        in-place op through the view can rewrite the base's graph (NOTE [ in-place on views ]).
        """
        # NOTE [ per-op overhead ]: built field by field (not via _wrap + overwrites): views are hot
        base = self._base
        if base is None:
            base = self
            chain = None
        else:
            chain = self._view_fn
        vc = base._vc
        if vc is None:
            vc = base._vc = [0]
        t = _new(Tensor)
        t._data = arr
        t._rg = False
        t._grad_fn = None
        t._out_nr = 0
        t._grad = None
        t._vc = vc
        t._base = base
        t._acc = None
        t._hooks = None
        t._post_acc_hooks = None
        t._retains = False
        t._view_fn = (chain, spec) if spec is not None else None
        return t

    def _bump(self):
        vc = self._vc
        if vc is None:
            self._vc = [1]
        else:
            vc[0] += 1

    # -- basic properties ----------------------------------------------------------------------------------
    @property
    def shape(self) -> "Size":
        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim)]

    @property
    def dtype(self) -> D.dtype:
        return D.from_numpy_dtype(self._data.dtype)

    @property
    def device(self) -> _device_cls:
        if self._data.__class__ is _ndarray:
            return CPU_DEVICE
        return _device_cls("cuda", self._data.device.id)

    @property
    def is_cuda(self) -> bool:
        return self._data.__class__ is not _ndarray

    @property
    def is_cpu(self) -> bool:
        return self._data.__class__ is _ndarray

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return int(self._data.size)

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    @property
    def itemsize(self) -> int:
        return self._data.itemsize

    @property
    def nbytes(self) -> int:
        return int(self._data.nbytes)

    def stride(self, dim: int | None = None):
        st = tuple(s // self._data.itemsize for s in self._data.strides)
        return st if dim is None else st[_wrap_dim(dim, self._data.ndim)]

    def storage_offset(self) -> int:
        base = self._base._data if self._base is not None else None
        if base is None:
            return 0
        return (self._data.__array_interface__["data"][0] - base.__array_interface__["data"][0]) \
            // self._data.itemsize if self.is_cpu else 0

    def is_contiguous(self, memory_format=None) -> bool:
        return bool(self._data.flags.c_contiguous)

    def is_floating_point(self) -> bool:
        return self._data.dtype.kind == "f" or self._data.dtype == D.bfloat16.np

    def is_complex(self) -> bool:
        return self._data.dtype.kind == "c"

    @property
    def is_leaf(self) -> bool:
        return self._grad_fn is None

    @property
    def grad_fn(self):
        return self._grad_fn

    @property
    def requires_grad(self) -> bool:
        return self._rg

    @requires_grad.setter
    def requires_grad(self, value: bool):
        if self._grad_fn is not None and not value:
            raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to use a "
                               "computed variable in a subgraph that doesn't require differentiation use "
                               "var_no_grad = var.detach().")
        if value and not (self.is_floating_point() or self.is_complex()):
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        self._rg = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> "Tensor":
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self):
        if self._grad_fn is not None and not self._retains and self._grad is None:
            import warnings  # noqa: PLC0415

            warnings.warn("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
                          "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
                          "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor.",
                          UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type "
                                f"{type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError(f"assigned grad has data of a different size: {list(value.shape)} vs "
                                   f"{list(self.shape)}")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError("assigned grad has data of a different type")
        self._grad = value

    @property
    def data(self) -> "Tensor":
        t = Tensor._wrap(self._data)
        t._vc = self._vc
        return t

    @data.setter
    def data(self, value: "Tensor"):
        self._data = value._data

    @property
    def output_nr(self) -> int:
        return self._out_nr

    @property
    def _version(self) -> int:
        return self._vc[0] if self._vc is not None else 0

    @property
    def layout(self):
        return "torch.strided"

    @property
    def is_sparse(self) -> bool:
        return False

    @property
    def is_quantized(self) -> bool:
        return False

    @property
    def is_meta(self) -> bool:
        return False

    def type_name(self) -> str:
        n = self.dtype.name
        return {"float32": "torch.FloatTensor", "float64": "torch.DoubleTensor", "int64": "torch.LongTensor",
                "int32": "torch.IntTensor", "bool": "torch.BoolTensor", "float16": "torch.HalfTensor",
                "bfloat16": "torch.BFloat16Tensor", "uint8": "torch.ByteTensor", "int8": "torch.CharTensor",
                "int16": "torch.ShortTensor", "complex64": "torch.ComplexFloatTensor",
                "complex128": "torch.ComplexDoubleTensor"}[n]

    def type(self, dtype=None):
        if dtype is None:
            return self.type_name() if self.is_cpu else self.type_name().replace("torch.", "torch.cuda.")
        if isinstance(dtype, str):
            rev = {"torch.FloatTensor": D.float32, "torch.DoubleTensor": D.float64, "torch.LongTensor": D.int64,
                   "torch.IntTensor": D.int32, "torch.BoolTensor": D.bool, "torch.HalfTensor": D.float16}
            dtype = rev[dtype.replace("cuda.", "")]
        return self.to(dtype)

    # -- conversions -------------------------------------------------------------------------------------
    def numpy(self, *, force: bool = False) -> np.ndarray:
        if not force:
            if self._rg:
                raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                                   "instead.")
            if not self.is_cpu:
                raise TypeError("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy the "
                                "tensor to host memory first.")
            return self._data
        return backend_of(self._data).to_host(self._data).copy() if not self.is_cpu else self._data.copy()

    def __array__(self, dtype=None, copy=None):
        a = backend_of(self._data).to_host(self._data)
        return a if dtype is None else a.astype(dtype)

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        v = self._data.reshape(()).item() if self.is_cpu else self._data.reshape(()).get().item()
        if self._data.dtype == D.bfloat16.np:
            return float(v)
        return v

    def tolist(self):
        a = backend_of(self._data).to_host(self._data)
        if a.dtype == D.bfloat16.np or a.dtype == np.float16:
            a = a.astype(np.float32)
        return a.tolist()

    def _one_element(self):
        # torch: float()/int()/complex() of a multi-element tensor is a ValueError (item() is a RuntimeError)
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self.item()

    def __float__(self):
        return float(self._one_element())

    def __int__(self):
        return int(self._one_element())

    def __complex__(self):
        return complex(self._one_element())

    def __index__(self):
        if self._data.dtype.kind not in "biu" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self):
        return id(self)

    def __contains__(self, element):
        return bool((self == element).any())

    def to(self, *args, **kwargs) -> "Tensor":
        """to(device) / to(dtype) / to(device, dtype) / to(other) with copy and non_blocking."""
        dev, dt, copy = None, None, kwargs.get("copy", False)
        for a in args:
            if isinstance(a, Tensor):
                dev, dt = a.device, a.dtype
            elif isinstance(a, D.dtype) or a in (float, int, bool, complex):
                dt = D.to_dtype(a)
            elif isinstance(a, (str, _device_cls, int)):
                dev = to_device(a)
            elif a is None:
                pass
            else:
                dt = D.to_dtype(a)
        if "dtype" in kwargs and kwargs["dtype"] is not None:
            dt = D.to_dtype(kwargs["dtype"])
        if "device" in kwargs and kwargs["device"] is not None:
            dev = to_device(kwargs["device"])
        from .ops.conversion import _to  # noqa: PLC0415

        return _to(self, dev, dt, copy)

    def cpu(self) -> "Tensor":
        return self.to("cpu")

    def cuda(self, device=None, non_blocking: bool = False) -> "Tensor":
        return self.to(_device_cls("cuda", device if isinstance(device, int) else 0) if not isinstance(
            device, (_device_cls, str)) else device)

    def float(self):
        return self.to(D.float32)

    def double(self):
        return self.to(D.float64)

    def half(self):
        return self.to(D.float16)

    def bfloat16(self):
        return self.to(D.bfloat16)

    def long(self):
        return self.to(D.int64)

    def int(self):
        return self.to(D.int32)

    def short(self):
        return self.to(D.int16)

    def char(self):
        return self.to(D.int8)

    def byte(self):
        return self.to(D.uint8)

    def bool(self):
        return self.to(D.bool)

    def cfloat(self):
        return self.to(D.complex64)

    def cdouble(self):
        return self.to(D.complex128)

    # -- autograd -----------------------------------------------------------------------------------------
    def backward(self, gradient=None, retain_graph=None, create_graph: bool = False, inputs=None) -> None:
        """Accumulate d(self)/d(leaf) into the leaves' ``.grad`` (mirrors torch.Tensor.backward)."""
        _autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self) -> "Tensor":
        t = Tensor._wrap(self._data)
        if self._vc is None:
            self._vc = [0]
        t._vc = self._vc
        t._base = self._base if self._base is not None else self
        return t

    def detach_(self) -> "Tensor":
        if self._base is not None and self._base._rg:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self._grad_fn = None
        self._rg = False
        return self

    def retain_grad(self) -> None:
        if not self._rg:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is None or self._retains:
            return
        import weakref  # noqa: PLC0415

        ref = weakref.ref(self)

        def hook(g):
            t = ref()
            if t is not None:
                if t._grad is None:
                    t._grad = g.detach() if not GradMode.enabled else g
                else:
                    t._grad = t._grad + g
            return None

        self._register_node_hook(hook, retains=True)
        self._retains = True

    @property
    def retains_grad(self) -> bool:
        return self._retains

    def register_hook(self, hook):
        """hook(grad) -> new grad or None, called when the gradient w.r.t. this tensor is computed."""
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        from .autograd.graph import _Handle  # noqa: PLC0415

        if self._grad_fn is None:
            if self._hooks is None:
                self._hooks = {}
            return _Handle(self._hooks, hook)
        return self._register_node_hook(hook)

    def _register_node_hook(self, hook, retains: bool = False):
        from .autograd.graph import _Handle  # noqa: PLC0415

        fn = self._grad_fn
        if fn._tensor_hooks is None:
            fn._tensor_hooks = {}
        store = fn._tensor_hooks.setdefault(self._out_nr, {})
        if retains:  # torch runs the retains_grad hook after every other tensor hook, whenever registered
            store["retains_grad"] = hook
            return None
        handle = _Handle(store, hook)
        if "retains_grad" in store:
            store["retains_grad"] = store.pop("retains_grad")
        return handle

    def register_post_accumulate_grad_hook(self, hook):
        if self._grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        from .autograd.graph import _Handle  # noqa: PLC0415

        if self._post_acc_hooks is None:
            self._post_acc_hooks = {}
        return _Handle(self._post_acc_hooks, hook)

    # -- misc ---------------------------------------------------------------------------------------------
    def __repr__(self) -> str:
        from ._tensor_str import tensor_repr  # noqa: PLC0415

        return tensor_repr(self)

    __str__ = __repr__

    def __format__(self, spec):
        if self._data.ndim == 0 and spec:
            return format(self.item(), spec)
        return repr(self)

    def __reduce_ex__(self, proto):
        arr = backend_of(self._data).to_host(self._data)
        return (_rebuild, (np.ascontiguousarray(arr), self._rg, str(self.device), self.__class__))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        if self._grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                               "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
                               "because of a torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        new = _new(self.__class__)
        new._init(self._data.copy())
        new._rg = self._rg
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        if hasattr(self, "__dict__"):
            import copy  # noqa: PLC0415

            for k, v in self.__dict__.items():
                new.__dict__[k] = copy.deepcopy(v, memo)
        memo[id(self)] = new
        return new

    __array_priority__ = 1000


def _rebuild(arr, rg, dev, cls=Tensor):
    t = _new(cls)
    t._init(arr)
    if dev != "cpu":
        t._data = backend_for(to_device(dev)).xp.asarray(arr)
    t._rg = rg
    return t


class Size(tuple):
    """torch.Size: a tuple of ints."""

    def __repr__(self):
        return f"torch.Size({list(self)})"

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, i):
        r = tuple.__getitem__(self, i)
        return Size(r) if isinstance(i, slice) else r

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))

    def __reduce__(self):
        return (Size, (tuple(self),))


def _wrap_dim(dim: int, ndim: int) -> int:
    n = ndim if ndim > 0 else 1
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim + n if dim < 0 else dim
