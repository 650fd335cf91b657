"""Numerical recipes on tensors (float64): least squares (linalg.lstsq / solve / normal equations), PCA through
eigh and svd with a sign convention, FFT low-pass filtering, cumulative ops (cumsum/cumprod/logcumsumexp/cummax),
and RNG-driven sampling (multinomial / randn / randperm with a seeded Generator) compared by shape/dtype/range."""
import numpy as np

RTOL = 1e-8
ATOL = 1e-10


def run(torch) -> dict:
    linalg = torch.linalg
    fft = torch.fft
    torch.manual_seed(0)
    rng = np.random.default_rng(901)
    r = {}

    # --- least squares: y = X w + noise, three ways
    X = torch.from_numpy(rng.standard_normal((40, 4)))
    w_true = torch.tensor([1.5, -2.0, 0.25, 3.0], dtype=torch.float64)
    y = X @ w_true + 0.01 * torch.from_numpy(rng.standard_normal(40))
    sol = linalg.lstsq(X, y.unsqueeze(1))
    r["lstsq"] = sol.solution.squeeze(1)
    r["normal_eq"] = linalg.solve(X.T @ X, X.T @ y)
    r["pinv"] = linalg.pinv(X) @ y
    L = linalg.cholesky(X.T @ X)
    r["cholesky_solve"] = torch.cholesky_solve((X.T @ y).unsqueeze(1), L).squeeze(1)
    r["triangular"] = linalg.solve_triangular(L, (X.T @ y).unsqueeze(1), upper=False).squeeze(1)
    r["residual_norm"] = linalg.vector_norm(X @ r["lstsq"] - y)
    A = torch.from_numpy(rng.standard_normal((3, 5, 5))) + 5 * torch.eye(5, dtype=torch.float64)
    B = torch.from_numpy(rng.standard_normal((3, 5, 2)))
    r["batched_solve"] = linalg.solve(A, B)
    r["slogdet"] = list(linalg.slogdet(A))
    r["det"] = linalg.det(A)
    r["inv_check"] = (linalg.inv(A) @ A - torch.eye(5, dtype=torch.float64)).abs().max()
    r["matrix_norms"] = [linalg.matrix_norm(A[0]), linalg.matrix_norm(A[0], ord=2), linalg.cond(A[0]),
                         linalg.matrix_rank(X)]

    # --- PCA: centre, covariance eigen-decomposition vs SVD, signs fixed so the largest |loading| is positive
    data = torch.from_numpy(rng.standard_normal((60, 5)) @ rng.standard_normal((5, 5)))
    centred = data - data.mean(dim=0, keepdim=True)
    cov = centred.T @ centred / (data.shape[0] - 1)
    evals, evecs = linalg.eigh(cov)
    order = torch.argsort(evals, descending=True)
    evals, evecs = evals[order], evecs[:, order]

    def fix_signs(v):
        idx = v.abs().argmax(dim=0)
        signs = torch.sign(v.gather(0, idx.unsqueeze(0)))
        return v * signs

    evecs = fix_signs(evecs)
    U, S, Vh = linalg.svd(centred, full_matrices=False)
    comps = fix_signs(Vh.T)
    r["eigvals"] = evals
    r["svd_var"] = S ** 2 / (data.shape[0] - 1)
    r["components"] = evecs[:, :2]
    r["components_svd"] = comps[:, :2]
    r["projection"] = centred @ evecs[:, :2]
    r["explained_ratio"] = evals[:2].sum() / evals.sum()
    r["svdvals"] = linalg.svdvals(centred)
    r["reconstruction_err"] = (U @ torch.diag(S) @ Vh - centred).abs().max()
    Q, R = linalg.qr(X)
    r["qr_check"] = (Q @ R - X).abs().max()
    r["qr_R_diag_abs"] = R.diagonal().abs()

    # --- FFT: a noisy two-tone signal, low-pass filtered in the frequency domain
    n = 128
    t = torch.arange(n, dtype=torch.float64) / n
    signal = torch.sin(2 * np.pi * 3 * t) + 0.5 * torch.sin(2 * np.pi * 20 * t)
    noisy = signal + 0.2 * torch.from_numpy(rng.standard_normal(n))
    spec = fft.rfft(noisy)
    freqs = fft.rfftfreq(n, d=1.0 / n)
    filtered = fft.irfft(spec * (freqs <= 5), n=n)
    r["rfft_abs"] = spec.abs()[:8]
    r["freqs"] = freqs[:6]
    r["filtered"] = filtered
    r["filter_err_vs_tone"] = (filtered - torch.sin(2 * np.pi * 3 * t)).pow(2).mean()
    full = fft.fft(noisy.to(torch.complex128))
    r["fft_real"] = full.real[:5]
    r["fft_imag"] = full.imag[:5]
    r["fftshift"] = fft.fftshift(fft.fftfreq(8))
    r["ifft_roundtrip"] = (fft.ifft(full).real - noisy).abs().max()
    img = torch.from_numpy(rng.standard_normal((8, 8)))
    r["fft2_abs"] = fft.fft2(img).abs()[:2]
    r["parseval"] = [noisy.pow(2).sum(), full.abs().pow(2).sum() / n]

    # --- cumulative ops
    v = torch.from_numpy(rng.uniform(0.5, 1.5, size=(3, 6)))
    r["cumsum"] = torch.cumsum(v, dim=1)
    r["cumprod"] = torch.cumprod(v, dim=1)
    r["logcumsumexp"] = torch.logcumsumexp(v * 10, dim=1)
    cm = torch.cummax(v, dim=1)
    r["cummax"] = [cm.values, cm.indices]
    r["cummin"] = list(torch.cummin(v, dim=0))
    r["cumsum_int_dtype"] = str(torch.cumsum(torch.tensor([1, 2, 3], dtype=torch.int32), 0).dtype).split(".")[-1]
    r["diff"] = torch.diff(v, dim=1)
    r["trapz"] = torch.trapezoid(v, dx=0.5, dim=1)
    vg = v.clone().requires_grad_()
    (torch.cumprod(vg, 1).sum() + torch.logcumsumexp(vg, 1).sum() + torch.cumsum(vg, 0).pow(2).sum()).backward()
    r["cum_grad"] = vg.grad

    # --- sampling with a seeded Generator: values differ between libraries; shapes, dtypes and ranges do not
    g = torch.Generator().manual_seed(1234)
    probs = torch.tensor([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]], dtype=torch.float64)
    draws = torch.multinomial(probs, 6, replacement=True, generator=g)
    no_repl = torch.multinomial(probs[:1], 3, replacement=False, generator=g)
    normal = torch.randn(4, 3, generator=g, dtype=torch.float64)
    perm = torch.randperm(10, generator=g)
    r["sample_shapes"] = [list(draws.shape), list(no_repl.shape), list(normal.shape), list(perm.shape)]
    r["sample_dtypes"] = [str(t.dtype).split(".")[-1] for t in (draws, no_repl, normal, perm)]
    r["draws_in_range"] = bool(((draws >= 0) & (draws < 3)).all())
    r["row1_never_2"] = bool((draws[1] != 2).all())
    r["no_repl_sorted"] = torch.sort(no_repl[0]).values
    r["perm_sorted"] = torch.sort(perm).values
    g2 = torch.Generator().manual_seed(1234)
    r["generator_replays"] = bool(torch.equal(torch.multinomial(probs, 6, replacement=True, generator=g2), draws))
    return r


def check(r) -> None:
    np.testing.assert_allclose(r["lstsq"], r["normal_eq"], rtol=1e-8)
    np.testing.assert_allclose(r["lstsq"], r["pinv"], rtol=1e-8)
    np.testing.assert_allclose(r["eigvals"], r["svd_var"], rtol=1e-8)
    np.testing.assert_allclose(r["components"], r["components_svd"], atol=1e-8)
    assert float(r["reconstruction_err"]) < 1e-10 and float(r["qr_check"]) < 1e-10
    np.testing.assert_allclose(r["parseval"][0], r["parseval"][1], rtol=1e-10)
    assert float(r["filter_err_vs_tone"]) < 0.01
    assert r["draws_in_range"] and r["row1_never_2"] and r["generator_replays"]
    np.testing.assert_array_equal(r["no_repl_sorted"], [0, 1, 2])
    np.testing.assert_array_equal(r["perm_sorted"], np.arange(10))
