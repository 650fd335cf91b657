"""The "Automatic differentiation with torch.autograd" tutorial: grad_fn, retain_graph, no_grad, detach, JVP."""
import numpy as np

RTOL = 1e-5
ATOL = 1e-6


def run(torch) -> dict:
    r = {}
    rng = np.random.default_rng(11)
    x = torch.ones(5)
    y = torch.zeros(3)
    w = torch.from_numpy(rng.standard_normal((5, 3)).astype(np.float32)).requires_grad_()
    b = torch.tensor(rng.standard_normal(3).astype(np.float32), requires_grad=True)
    z = torch.matmul(x, w) + b
    loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
    r["grad_fn_z"] = type(z.grad_fn).__name__
    r["grad_fn_loss"] = type(loss.grad_fn).__name__
    r["leaf"] = [w.is_leaf, z.is_leaf, w.grad_fn is None]
    r["next_fns"] = [type(f).__name__ if f is not None else None for f, _ in (w * b).sum().grad_fn.next_functions[0][0].next_functions]
    loss.backward(retain_graph=True)
    r["w_grad"] = w.grad.clone()
    r["b_grad"] = b.grad.clone()
    loss.backward()
    r["w_grad_twice"] = w.grad.clone()

    z = torch.matmul(x, w) + b
    r["z_requires_grad"] = z.requires_grad
    with torch.no_grad():
        z2 = torch.matmul(x, w) + b
    r["no_grad_requires_grad"] = z2.requires_grad
    z_det = z.detach()
    r["detach_requires_grad"] = z_det.requires_grad
    r["detach_values"] = z_det
    r["is_grad_enabled"] = torch.is_grad_enabled()

    frozen = torch.nn.Linear(3, 2)
    for p in frozen.parameters():
        p.requires_grad_(False)
    r["frozen"] = [p.requires_grad for p in frozen.parameters()]

    inp = torch.eye(4, 5, requires_grad=True)
    out = (inp + 1).pow(2).t()
    out.backward(torch.ones_like(out), retain_graph=True)
    r["jvp_first"] = inp.grad.clone()
    out.backward(torch.ones_like(out), retain_graph=True)
    r["jvp_second"] = inp.grad.clone()
    inp.grad.zero_()
    out.backward(torch.ones_like(out), retain_graph=True)
    r["jvp_call_after_zeroing"] = inp.grad.clone()
    r["out_grad_fn"] = type(out.grad_fn).__name__

    try:
        q = (w * 2).sum()
        q.backward()
        q.backward()
        r["double_backward_error"] = None
    except RuntimeError as e:
        r["double_backward_error"] = "RuntimeError"
    return r


def check(r) -> None:
    assert r["leaf"] == [True, False, True]
    assert r["z_requires_grad"] is True and r["no_grad_requires_grad"] is False
    assert r["detach_requires_grad"] is False
    assert r["frozen"] == [False, False]
    np.testing.assert_allclose(r["jvp_second"], 2 * r["jvp_first"], rtol=1e-6)
    np.testing.assert_allclose(r["jvp_call_after_zeroing"], r["jvp_first"], rtol=1e-6)
    np.testing.assert_allclose(r["w_grad_twice"], 2 * r["w_grad"], rtol=1e-6)
    assert r["double_backward_error"] == "RuntimeError"
