"""ember.func (mirrors torch.func): composable function transforms.

grad / grad_and_value / vjp / jvp / jacrev / jacfwd / hessian differentiate Python functions of tensors
(NOTE [ transform levels without levels ] in _transforms.py); vmap maps a function over a batch dimension
(NOTE [ vmap by looping ] in _vmap.py); functional_call runs a module with swapped parameters.
"""
from __future__ import annotations

from ._transforms import grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian
from ._vmap import vmap
from ._functional_call import functional_call

__all__ = ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian", "vmap", "functional_call"]
