"""Process setting applied before numba's first parallel launch (imported by the ``_*_kernels`` modules).

NOTE [ numba threads ]: numba's OpenMP threading layer keeps its worker threads spinning for a while after
each parallel kernel (libgomp's active wait policy). ember runs short parallel kernels between
single-threaded NumPy calls, so a spinning worker takes a core from the NumPy work that follows (measured
3-5x slower on 2 cores). ``PASSIVE`` lets idle workers sleep at once. libgomp reads it when it loads, which
numba does at its first parallel launch; a user's own ``OMP_WAIT_POLICY`` wins. (The ``workqueue`` layer
does not spin, but it aborts the process on concurrent launches from several Python threads.)
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
