"""Options shared by the numba kernels of nn.functional (``_*_kernels.py``).

NOTE [ numba threads ]: the kernels are compiled WITHOUT ``parallel=True``. numba's parallel launches run on
an OpenMP (or workqueue) thread team that competes with BLAS's and, when PyTorch is loaded in the same
process (benchmarks, parity tests, mixed programs), with torch's own OpenMP team: measured 2.5-4x slower
training steps on 2 cores. Single-threaded kernels are as fast in those steps and never oversubscribe; the
large GEMMs around them still use every core through BLAS. ``error_model="numpy"`` drops the zero-division
checks so loops vectorise; ``nogil`` lets callers run kernels from several threads.
"""
from __future__ import annotations

KERNEL_OPTS = dict(cache=True, nogil=True, error_model="numpy")
