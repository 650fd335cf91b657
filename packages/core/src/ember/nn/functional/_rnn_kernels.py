"""Numba kernels for the fused LSTM step (NumPy arrays only; imported lazily by ``_rnn`` when numba is present).

NOTE [ LSTM step kernels ]: per time step the LSTM does one matmul plus a dozen tiny elementwise passes over
``(B, H)`` blocks; at training sizes (B=32, H=128) each NumPy call costs more in dispatch than in arithmetic.
These kernels fuse the pure-arithmetic parts of a step into one pass: the sigmoid affine + cell update in
forward, and all gate derivatives + the cell-state carry in backward. The transcendentals stay in NumPy
(``np.tanh`` is SIMD; numba's scalar libm ``tanh`` is several times slower). No ``fastmath``: results keep
IEEE semantics. Scalars ``half``/``one`` are passed in the arrays' dtype so float32 math stays float32.
"""
from __future__ import annotations

import numba as nb

__all__ = ["lstm_fwd_cell", "lstm_bwd_cell"]


@nb.njit(cache=True, nogil=True)
def lstm_fwd_cell(g, cp, c, s, b, H, half):  # pragma: no cover - compiled
    """Rows ``s:s+b`` of ``g`` hold tanh of the internal-order (o, i, f, g) gates whose sigmoid rows were
    pre-halved: turn o, i, f into sigmoids in place and write ``c = f * c_prev + i * g``."""
    for r in range(s, s + b):
        for j in range(H):
            o = g[r, j] * half + half
            i = g[r, H + j] * half + half
            f = g[r, 2 * H + j] * half + half
            g[r, j] = o
            g[r, H + j] = i
            g[r, 2 * H + j] = f
            c[r, j] = f * cp[r, j] + i * g[r, 3 * H + j]


@nb.njit(cache=True, nogil=True)
def lstm_bwd_cell(g, cp, tc, dout, dh, dc, dG, s, b, H, one):  # pragma: no cover - compiled
    """One BPTT step over rows ``s:s+b``: ``dh`` (B, H) is the gradient reaching h_t from step t+1 (or the
    projected one when ``dout`` is None), ``dc`` (B, H) the cell-state gradient, updated in place to the one
    for c_{t-1}. Writes the pre-activation gradients ``dG`` in torch's (i, f, g, o) order."""
    for k in range(b):
        r = s + k
        for j in range(H):
            o = g[r, j]
            i = g[r, H + j]
            f = g[r, 2 * H + j]
            gg = g[r, 3 * H + j]
            t = tc[r, j]
            if dout is None:
                dhr = dh[k, j]
            else:
                dhr = dh[k, j] + dout[r, j]
            dct = dhr * o * (one - t * t) + dc[k, j]
            dG[r, j] = dct * gg * i * (one - i)
            dG[r, H + j] = dct * cp[r, j] * f * (one - f)
            dG[r, 2 * H + j] = dct * i * (one - gg * gg)
            dG[r, 3 * H + j] = dhr * t * o * (one - o)
            dc[k, j] = dct * f
