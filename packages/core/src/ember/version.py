"""ember.version (mirrors torch.version)."""
from __future__ import annotations

__version__ = "0.1.0"
cuda = None  # ember does not build against a CUDA toolkit; CuPy brings its own
git_version = "unknown"
debug = False
