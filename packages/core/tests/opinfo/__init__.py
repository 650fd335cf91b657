"""OpInfo-style table of ops. Each family module defines ``OPS``: a list of OpInfo entries."""
from .base import OpInfo, SampleInput, ErrorInput, make, all_ops  # noqa: F401
