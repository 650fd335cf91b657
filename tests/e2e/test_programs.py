"""End-to-end parity: each program in ``programs`` runs unchanged on ember and (when installed) on torch.

The same source code receives the library module as its ``torch`` argument. Every returned number is compared
(values, shapes and dtypes); without torch the ember side still runs and its sanity checks apply.
"""
from __future__ import annotations

import functools
import importlib
import math

import numpy as np
import pytest

import ember
from programs import PROGRAMS


def _load(name: str):
    return importlib.import_module(f"programs.{name}")


def to_plain(value):
    """Tensors -> NumPy arrays (recursively through lists/tuples/dicts); scalars stay Python scalars."""
    if hasattr(value, "detach") and hasattr(value, "numpy"):
        return np.asarray(value.detach().cpu().numpy()).copy()
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    return value


@functools.lru_cache(maxsize=None)
def run_program(lib_name: str, name: str) -> dict:
    lib = ember if lib_name == "ember" else importlib.import_module(lib_name)
    if lib_name == "torch":
        lib.set_num_threads(1)  # tiny programs: thread start-up and contention dominate otherwise
    return to_plain(_load(name).run(lib))


def _kind(x) -> str:
    if isinstance(x, (bool, np.bool_)):
        return "bool"
    if isinstance(x, (int, np.integer)):
        return "int"
    if isinstance(x, (float, np.floating)):
        return "float"
    return type(x).__name__


def assert_same(got, want, path: str, rtol: float, atol: float) -> None:
    """``got`` (ember) matches ``want`` (torch): same structure, shape, dtype and values within tolerance."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and sorted(got) == sorted(want), f"{path}: keys {sorted(got)} != {sorted(want)}"
        for k in want:
            assert_same(got[k], want[k], f"{path}.{k}", rtol, atol)
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{path}: length {len(got)} != {len(want)}"
        for i, (g, w) in enumerate(zip(got, want)):
            assert_same(g, w, f"{path}[{i}]", rtol, atol)
    elif isinstance(want, np.ndarray):
        assert isinstance(got, np.ndarray), f"{path}: got {type(got).__name__}, want a tensor"
        assert got.shape == want.shape, f"{path}: shape {got.shape} != {want.shape}"
        assert got.dtype == want.dtype, f"{path}: dtype {got.dtype} != {want.dtype}"
        if np.issubdtype(want.dtype, np.floating) or np.issubdtype(want.dtype, np.complexfloating):
            np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True, err_msg=path)
        else:
            np.testing.assert_array_equal(got, want, err_msg=path)
    elif want is None:
        assert got is None, f"{path}: got {got!r}, want None"
    elif isinstance(want, (bool, int, float, np.number, np.bool_)):
        assert _kind(got) == _kind(want), f"{path}: {type(got).__name__} {got!r} != {type(want).__name__} {want!r}"
        if _kind(want) == "float":
            assert math.isclose(got, want, rel_tol=rtol, abs_tol=atol) or (math.isnan(got) and math.isnan(want)), (
                f"{path}: {got!r} != {want!r}")
        else:
            assert got == want, f"{path}: {got!r} != {want!r}"
    else:
        assert got == want, f"{path}: {got!r} != {want!r}"


def _same_within(result: dict, module) -> None:
    for a, b in getattr(module, "SAME_WITHIN", ()):
        assert_same(result[a], result[b], f"{a} vs {b}", rtol=0.0, atol=0.0)


@pytest.mark.parametrize("name", PROGRAMS)
def test_program_runs_on_ember(name):
    """The ember run alone: finite numbers, decreasing training loss and the program's own checks."""
    module = _load(name)
    result = run_program("ember", name)
    assert isinstance(result, dict) and result
    if "losses" in result:
        losses = np.asarray(result["losses"], dtype=np.float64)
        assert np.all(np.isfinite(losses)), losses
        assert losses[-1] < losses[0], f"{name}: loss did not decrease: {losses}"
    _same_within(result, module)
    if hasattr(module, "check"):
        module.check(result)


@pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")  # torch's own note on norm_first models
@pytest.mark.parametrize("name", PROGRAMS)
def test_program_matches_torch(name):
    """The same program on torch gives the same numbers, shapes and dtypes."""
    pytest.importorskip("torch")
    module = _load(name)
    want = run_program("torch", name)
    got = run_program("ember", name)
    _same_within(want, module)
    if hasattr(module, "check"):
        module.check(want)  # the sanity checks hold for the reference too
    assert_same(got, want, name, rtol=getattr(module, "RTOL", 1e-4), atol=getattr(module, "ATOL", 1e-6))
