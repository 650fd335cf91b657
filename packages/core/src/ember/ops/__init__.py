"""Op families. Importing this package attaches every op to Tensor as a method."""
from . import _methods

_methods.install()
