"""Gaussian-process regression and PCA with torch.linalg: cholesky, solve_triangular, cholesky_solve, eigh, svd."""
import numpy as np

RTOL = 1e-7
ATOL = 1e-9


def run(torch) -> dict:
    linalg = torch.linalg
    rng = np.random.default_rng(121)
    X = torch.from_numpy(np.sort(rng.uniform(-3, 3, size=(20, 1)), axis=0))
    y = torch.sin(X).squeeze(1) + 0.05 * torch.from_numpy(rng.standard_normal(20))
    Xs = torch.linspace(-3, 3, 9, dtype=torch.float64).unsqueeze(1)

    log_ls = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    log_noise = torch.tensor(-2.0, dtype=torch.float64, requires_grad=True)

    def kernel(a, b, ls):
        return torch.exp(-0.5 * torch.cdist(a, b).pow(2) / ls ** 2)

    opt = torch.optim.LBFGS([log_ls, log_noise], lr=0.5, max_iter=10, line_search_fn="strong_wolfe")
    nll_trace = []

    def closure():
        opt.zero_grad()
        K = kernel(X, X, log_ls.exp()) + (2 * log_noise).exp() * torch.eye(20, dtype=torch.float64)
        L = linalg.cholesky(K)
        alpha = torch.cholesky_solve(y.unsqueeze(1), L)
        nll = 0.5 * (y.unsqueeze(1) * alpha).sum() + torch.log(torch.diagonal(L)).sum()
        nll.backward()
        nll_trace.append(nll.item())
        return nll

    opt.step(closure)
    with torch.no_grad():
        ls = log_ls.exp()
        K = kernel(X, X, ls) + (2 * log_noise).exp() * torch.eye(20, dtype=torch.float64)
        L = linalg.cholesky(K)
        Ks = kernel(Xs, X, ls)
        v = linalg.solve_triangular(L, Ks.T, upper=False)
        mean = Ks @ torch.cholesky_solve(y.unsqueeze(1), L)
        var = kernel(Xs, Xs, ls).diagonal() - v.pow(2).sum(0)
        sign, logdet = linalg.slogdet(K)

    # PCA: eigenvalues of the covariance equal squared singular values of the centred data
    D = torch.from_numpy(rng.standard_normal((30, 4)) @ np.diag([3.0, 1.0, 0.5, 0.1]))
    Dc = D - D.mean(0, keepdim=True)
    evals, evecs = linalg.eigh(Dc.T @ Dc / 29)
    U, S, Vh = linalg.svd(Dc, full_matrices=False)
    proj = Dc @ Vh[:2].T
    return {
        "nll_trace_first": nll_trace[0],
        "lengthscale": ls,
        "noise": log_noise.exp(),
        "mean": mean.squeeze(1),
        "var": var,
        "slogdet": [sign, logdet],
        "evals": evals,
        "sv2": S ** 2 / 29,
        "proj_abs": proj.abs(),  # singular vectors are defined up to sign
        "recon_err": (U @ torch.diag(S) @ Vh - Dc).abs().max(),
        "inv_check": (linalg.inv(K) @ K - torch.eye(20, dtype=torch.float64)).abs().max() < 1e-8,
        "solve": linalg.solve(K, y),
        "lstsq": linalg.lstsq(D, y[:30].repeat(2)[:30].unsqueeze(1)).solution,
        "norms": [linalg.norm(D), linalg.matrix_norm(D, ord=2), linalg.vector_norm(y, ord=1)],
    }


def check(r) -> None:
    np.testing.assert_allclose(np.sort(r["evals"]), np.sort(r["sv2"]), rtol=1e-10)
    assert float(r["recon_err"]) < 1e-10
    assert bool(r["inv_check"])
    np.testing.assert_allclose(r["mean"], np.sin(np.linspace(-3, 3, 9)), atol=0.2)
    assert np.all(np.asarray(r["var"]) > -1e-9)
