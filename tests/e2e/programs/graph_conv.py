"""Message passing without sparse tensors on a Cora-like synthetic citation graph (float32): a 2-layer GCN with
symmetric normalisation built from index_select + index_add_, a GraphSAGE-style layer with scatter_reduce
('mean' / 'amax', include_self=False), a GAT-style edge softmax with scatter_reduce('amax') and a gather-based
padded neighbour list; semi-supervised training with boolean masks, Adam(weight_decay), log_softmax + nll_loss."""
import numpy as np

from ._util import init_from_numpy

RTOL = 3e-4
ATOL = 3e-5


def _synthetic_graph(seed: int, n: int = 60, n_feat: int = 24, n_cls: int = 3):
    """A planted-partition graph: homophilous edges, binary bag-of-words features correlated with the class."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_cls, size=n)
    src, dst = [], []
    for i in range(n):
        for j in range(i + 1, n):
            p = 0.15 if y[i] == y[j] else 0.015
            if rng.uniform() < p:
                src += [i, j]
                dst += [j, i]
    word_p = np.full((n_cls, n_feat), 0.05)
    for c in range(n_cls):
        word_p[c, c * (n_feat // n_cls):(c + 1) * (n_feat // n_cls)] = 0.4
    x = (rng.uniform(size=(n, n_feat)) < word_p[y]).astype(np.float32)
    return x, y, np.array([src, dst], dtype=np.int64)


def run(torch) -> dict:
    nn = torch.nn
    F = nn.functional
    torch.manual_seed(0)
    xn, yn, ei = _synthetic_graph(1001)
    x = torch.from_numpy(xn)
    y = torch.from_numpy(yn)
    edge_index = torch.from_numpy(ei)
    N = x.size(0)
    train_mask = torch.zeros(N, dtype=torch.bool)
    train_mask[:18] = True
    val_mask = torch.zeros(N, dtype=torch.bool)
    val_mask[18:36] = True
    test_mask = ~(train_mask | val_mask)
    r = {"n_edges": edge_index.size(1)}

    # add self loops, degree via index_add_, symmetric normalisation
    loops = torch.arange(N).unsqueeze(0).repeat(2, 1)
    ei_sl = torch.cat([edge_index, loops], dim=1)
    row, col = ei_sl[0], ei_sl[1]
    deg = torch.zeros(N).index_add_(0, col, torch.ones(col.size(0)))
    deg_inv_sqrt = deg.pow(-0.5)
    deg_inv_sqrt[deg_inv_sqrt == float("inf")] = 0
    norm = deg_inv_sqrt[row] * deg_inv_sqrt[col]
    r["deg"] = deg
    r["bincount_deg"] = torch.bincount(col, minlength=N)

    class GCNConv(nn.Module):
        def __init__(self, cin, cout):
            super().__init__()
            self.lin = nn.Linear(cin, cout, bias=False)
            self.bias = nn.Parameter(torch.zeros(cout))

        def forward(self, x):
            h = self.lin(x)
            msg = h.index_select(0, row) * norm.unsqueeze(-1)
            out = torch.zeros(N, h.size(1), dtype=h.dtype).index_add_(0, col, msg)
            return out + self.bias

    class GCN(nn.Module):
        def __init__(self, cin, hidden, cout):
            super().__init__()
            self.conv1 = GCNConv(cin, hidden)
            self.conv2 = GCNConv(hidden, cout)

        def forward(self, x):
            x = F.dropout(x, p=0.5, training=False)
            x = F.relu(self.conv1(x))
            x = self.conv2(x)
            return F.log_softmax(x, dim=1)

    model = init_from_numpy(torch, GCN(x.size(1), 16, 3), seed=1002)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05, weight_decay=5e-4)
    losses, val_accs = [], []
    for epoch in range(15):
        model.train()
        optimizer.zero_grad()
        out = model(x)
        loss = F.nll_loss(out[train_mask], y[train_mask])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        model.eval()
        with torch.no_grad():
            pred = model(x).argmax(dim=1)
            val_accs.append((pred[val_mask] == y[val_mask]).sum().item() / int(val_mask.sum()))
    r["losses"] = losses
    r["val_accs"] = val_accs
    with torch.no_grad():
        pred = model(x).argmax(dim=1)
    r["test_acc"] = float((pred[test_mask] == y[test_mask]).float().mean())
    r["conv1_grad"] = model.conv1.lin.weight.grad

    # GraphSAGE-style: mean and max neighbour aggregation via scatter_reduce (no self in the reduction)
    h = x @ torch.from_numpy(np.random.default_rng(1003).standard_normal((x.size(1), 6)).astype(np.float32))
    h.requires_grad_()
    src, dst = edge_index[0], edge_index[1]
    idx = dst.unsqueeze(-1).expand(-1, h.size(1))
    mean_agg = torch.zeros(N, h.size(1)).scatter_reduce(0, idx, h[src], reduce="mean", include_self=False)
    max_agg = torch.zeros(N, h.size(1)).scatter_reduce(0, idx, h[src], reduce="amax", include_self=False)
    sum_agg = torch.zeros(N, h.size(1)).scatter_add(0, idx, h[src])
    sage = torch.cat([h, mean_agg, max_agg], dim=1)
    (sage.pow(2).sum() + sum_agg.sum()).backward()
    r["mean_agg"] = mean_agg.detach()
    r["max_agg"] = max_agg.detach()
    r["sum_agg"] = sum_agg.detach()
    r["sage_grad"] = h.grad

    # GAT-style edge softmax: subtract the per-destination max (scatter_reduce amax), exp, normalise by the sum
    a = torch.from_numpy(np.random.default_rng(1004).standard_normal(12).astype(np.float32)).requires_grad_()
    hd = h.detach()
    e = F.leaky_relu(torch.cat([hd[src], hd[dst]], dim=1) @ a, 0.2)
    e_max = torch.full((N,), float("-inf")).scatter_reduce(0, dst, e, reduce="amax", include_self=True)
    e_exp = (e - e_max.gather(0, dst)).exp()
    denom = torch.zeros(N).index_add(0, dst, e_exp)
    alpha = e_exp / denom[dst]
    att_out = torch.zeros(N, 6).index_add(0, dst, alpha.unsqueeze(-1) * hd[src])
    att_out.pow(2).sum().backward()
    r["alpha_sum_per_node"] = torch.zeros(N).index_add(0, dst, alpha.detach())
    r["att_out"] = att_out.detach()
    r["att_grad"] = a.grad

    # padded neighbour lists (dense K-slot table) + gather, masked mean
    K = int(torch.bincount(dst, minlength=N).max())
    order = torch.argsort(dst * N + src)
    s_sorted, d_sorted = src[order], dst[order]
    counts = torch.bincount(d_sorted, minlength=N)
    starts = torch.cumsum(counts, 0) - counts
    slot = torch.arange(d_sorted.size(0)) - starts[d_sorted]
    table = torch.full((N, K), -1, dtype=torch.long)
    table[d_sorted, slot] = s_sorted
    valid = table >= 0
    gathered = hd[table.clamp(min=0)]  # (N, K, F)
    dense_mean = (gathered * valid.unsqueeze(-1)).sum(1) / valid.sum(1, keepdim=True).clamp(min=1)
    r["table_first_rows"] = table[:5]
    r["dense_mean"] = dense_mean
    r["K"] = K
    return r


def check(r) -> None:
    np.testing.assert_allclose(r["deg"], np.asarray(r["bincount_deg"]).astype(np.float32))
    isolated = np.asarray(r["deg"]) == 1
    alpha_sum = np.asarray(r["alpha_sum_per_node"])
    np.testing.assert_allclose(alpha_sum[~isolated], 1.0, rtol=1e-5)
    np.testing.assert_allclose(r["dense_mean"], r["mean_agg"], rtol=1e-5, atol=1e-6)
    assert r["test_acc"] > 0.5
