"""Parameter, UninitializedParameter, Buffer (mirror torch.nn.parameter)."""
from __future__ import annotations

from ..autograd.grad_mode import GradMode
from .._tensor import Tensor

__all__ = ["Parameter", "UninitializedParameter", "UninitializedBuffer", "Buffer", "is_lazy"]

_new = object.__new__


def _empty_default():
    from ..ops.creation import empty  # noqa: PLC0415

    return empty(0)


class Parameter(Tensor):
    """A Tensor that is a module parameter: assigning one to a Module attribute registers it.

    It shares the storage of ``data`` (like torch) and requires grad by default.
    """

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True):
        if data is None:
            data = _empty_default()
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter(): expected a Tensor as data, but got {type(data).__name__}")
        t = _new(cls)
        t._init(data._data)
        # share the version counter with ``data`` like torch's _make_subclass (the alias is visible)
        if data._vc is None:
            data._vc = [0]
        t._vc = data._vc
        if requires_grad and not (t.is_floating_point() or t.is_complex()):
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t._rg = bool(requires_grad)
        return t

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True):
        pass  # all work happens in __new__ (Tensor.__init__ must not run again)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        from .._device import backend_of  # noqa: PLC0415
        import numpy as np  # noqa: PLC0415

        arr = np.ascontiguousarray(backend_of(self._data).to_host(self._data))
        return (_rebuild_parameter, (self.__class__, arr, self._rg, str(self.device), dict(self.__dict__)))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        import copy  # noqa: PLC0415

        new = _new(self.__class__)
        new._init(self._data.copy())
        new._rg = self._rg
        memo[id(self)] = new
        if self._grad is not None:
            new._grad = copy.deepcopy(self._grad, memo)
        for k, v in self.__dict__.items():
            new.__dict__[k] = copy.deepcopy(v, memo)
        return new


def _rebuild_parameter(cls, arr, rg, dev, state):
    from .._device import backend_for, to_device  # noqa: PLC0415

    t = _new(cls)
    t._init(arr if dev == "cpu" else backend_for(to_device(dev)).xp.asarray(arr))
    t._rg = rg
    t.__dict__.update(state)
    return t


class UninitializedTensorMixin:
    """Shared by uninitialized parameters/buffers: no data until ``materialize`` is called."""

    cls_to_become: type = Parameter

    def materialize(self, shape, device=None, dtype=None) -> None:
        """Allocate storage of ``shape`` and turn into ``cls_to_become`` (data is uninitialised memory)."""
        from ..ops.creation import empty  # noqa: PLC0415

        if device is None:
            device = self.device
        if dtype is None:
            dtype = self.dtype
        self._data = empty(tuple(shape), device=device, dtype=dtype)._data
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This error usually "
                           "happens in `load_state_dict` when trying to load an uninitialized parameter into an "
                           "initialized one. Call `forward` to initialize the parameters before accessing their "
                           "attributes.")

    def numel(self):
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. Call `forward` to "
                           "initialize the parameters before accessing their attributes.")

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}>"

    __str__ = __repr__

    def __reduce_ex__(self, proto):
        return (self.__class__, (self._rg,))


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A parameter whose shape is not known yet (lazy modules); becomes a Parameter on ``materialize``."""

    cls_to_become = Parameter

    def __new__(cls, requires_grad: bool = True, device=None, dtype=None):
        from ..ops.creation import empty  # noqa: PLC0415

        data = empty(0, device=device, dtype=dtype)
        t = _new(cls)
        t._init(data._data)
        t._rg = bool(requires_grad)
        return t

    def __init__(self, requires_grad: bool = True, device=None, dtype=None):
        pass

    def __deepcopy__(self, memo):
        if id(self) not in memo:
            memo[id(self)] = type(self)(self._rg, self.device, self.dtype)
        return memo[id(self)]


class _BufferMeta(type):
    # Buffer(t) returns a plain Tensor flagged ``_is_buffer``; isinstance(x, Buffer) checks the flag (like torch)
    def __instancecheck__(cls, instance):
        if cls is Buffer:
            return isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False)
        return super().__instancecheck__(instance)


class Buffer(Tensor, metaclass=_BufferMeta):
    """Marks a tensor as a buffer: assigning it to a Module attribute registers it (``persistent`` or not)."""

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True):
        if data is None:
            data = _empty_default()
        t = data.detach()
        t._is_buffer = True
        t.persistent = persistent
        return t


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer whose shape is not known yet (lazy modules)."""

    cls_to_become = Tensor

    def __new__(cls, requires_grad: bool = False, device=None, dtype=None, persistent: bool = True):
        from ..ops.creation import empty  # noqa: PLC0415

        t = _new(cls)
        t._init(empty(0, device=device, dtype=dtype)._data)
        t._rg = bool(requires_grad)
        t.persistent = persistent
        return t

    def __init__(self, *args, **kwargs):
        pass


def is_lazy(param) -> bool:
    """True for uninitialized parameters/buffers."""
    return isinstance(param, UninitializedTensorMixin)


del GradMode
