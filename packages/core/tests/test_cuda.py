"""CUDA through CuPy behind the same backend interface. Device tests run only where a GPU is present (they skip
cleanly elsewhere); the behaviour without a GPU is tested everywhere."""
from __future__ import annotations

import numpy as np
import pytest

import ember
from opinfo import all_ops
from test_opinfo import _to_ember

HAS_CUDA = ember.cuda.is_available()
cuda = pytest.mark.skipif(not HAS_CUDA, reason="needs a CUDA GPU with CuPy")


def test_no_gpu_answers_without_error():
    assert isinstance(ember.cuda.is_available(), bool)
    if not HAS_CUDA:
        assert ember.cuda.device_count() == 0 and ember.cuda.memory_allocated() == 0
        ember.cuda.synchronize()
        ember.cuda.manual_seed_all(0)
        with pytest.raises((RuntimeError, AssertionError)):
            ember.ones(2).cuda()
        with pytest.raises((RuntimeError, AssertionError)):
            ember.zeros(2, device="cuda")


def test_import_does_not_load_cupy():
    import subprocess
    import sys
    code = "import sys, ember; ember.ones(2) + 1; print('cupy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "False", out.stderr


def _to_cuda(a):
    return a.to("cuda").detach().requires_grad_(a.requires_grad) if isinstance(a, ember.Tensor) else a


@cuda
def test_op_table_on_cuda_matches_cpu():
    """Every op of the OpInfo table with a NumPy reference: same values on cuda as on cpu."""
    failures = []
    for op in all_ops():
        if op.ref is None or op.nondeterministic:
            continue
        for s in op.samples(np.float64)[:2]:
            try:
                cpu_args = [_to_ember(a, True) for a in s.args]
                c = op.op(*cpu_args, **s.kwargs)
                g = op.op(*[_to_cuda(a) for a in cpu_args], **s.kwargs)
                cs = c if isinstance(c, (tuple, list)) else [c]
                gs = g if isinstance(g, (tuple, list)) else [g]
                for a, b in zip(cs, gs):
                    if isinstance(a, ember.Tensor):
                        assert b.device.type == "cuda"
                        np.testing.assert_allclose(b.detach().cpu().numpy(), a.detach().numpy(), rtol=1e-6,
                                                   atol=1e-8)
            except Exception as e:  # collect all, report together
                failures.append(f"{op.name}/{s.name}: {type(e).__name__}: {str(e)[:200]}")
    assert not failures, "\n".join(failures)


@cuda
def test_training_step_on_cuda_matches_cpu():
    ember.manual_seed(0)
    model = ember.nn.Sequential(ember.nn.Linear(8, 16), ember.nn.ReLU(), ember.nn.Linear(16, 3))
    gpu = ember.nn.Sequential(ember.nn.Linear(8, 16), ember.nn.ReLU(), ember.nn.Linear(16, 3)).cuda()
    gpu.load_state_dict(model.state_dict())
    x, y = ember.randn(5, 8), ember.tensor([0, 1, 2, 1, 0])
    for m, xx, yy in ((model, x, y), (gpu, x.cuda(), y.cuda())):
        opt = ember.optim.Adam(m.parameters(), lr=0.1)
        for _ in range(3):
            opt.zero_grad()
            ember.nn.functional.cross_entropy(m(xx), yy).backward()
            opt.step()
    for a, b in zip(model.parameters(), gpu.parameters()):
        np.testing.assert_allclose(b.detach().cpu().numpy(), a.detach().numpy(), rtol=1e-4, atol=1e-6)


@cuda
def test_cuda_tensor_numpy_error_and_save_load(tmp_path):
    t = ember.ones(3, device="cuda")
    with pytest.raises(TypeError, match="cuda"):
        t.numpy()
    ember.save({"t": t}, tmp_path / "c.ember")
    assert ember.load(tmp_path / "c.ember")["t"].device.type == "cuda"
    assert ember.load(tmp_path / "c.ember", map_location="cpu")["t"].device.type == "cpu"
