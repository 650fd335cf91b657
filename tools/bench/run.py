"""Benchmark runner: each workload timed under ember and PyTorch in the same process, alternating.

    .venv/bin/python tools/bench/run.py            # all workloads
    .venv/bin/python tools/bench/run.py matmul mlp # workloads whose name contains a word

Prints, per workload, the best-of-N seconds for each library and the ratio ember/torch (lower is better; the
issue targets are printed beside it). torch is optional: without it only ember's times are shown.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))

from workloads import WORKLOADS  # noqa: E402


def _time(fn, number: int) -> float:
    t0 = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - t0) / number


def bench(w, libs, repeats: int):
    fns = {name: w.setup(lib) for name, lib in libs.items()}
    for fn in fns.values():  # warm up (numba compiles, caches)
        fn()
    best = {name: float("inf") for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():  # alternate so drift hits both libraries alike
            best[name] = min(best[name], _time(fn, w.number))
    return best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("filters", nargs="*", help="run workloads whose name contains any of these")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table (for the README)")
    args = ap.parse_args(argv)
    libs = {"ember": importlib.import_module("ember")}
    try:
        import torch

        torch.set_num_threads(os.cpu_count() or 1)
        libs["torch"] = torch
    except ImportError:
        print("(torch not installed: showing ember's times only; pip install torch==2.13.0 for ratios)")
    if args.markdown:
        print("| workload | ember | torch | ember/torch | target |\n| --- | ---: | ---: | ---: | ---: |")
    else:
        print(f"{'workload':<34}{'ember':>12}{'torch':>12}{'ratio':>8}  target")
    for w in WORKLOADS:
        if args.filters and not any(f in w.name for f in args.filters):
            continue
        best = bench(w, libs, args.repeats)
        e = best["ember"]
        t = best.get("torch")
        ratio = f"{e / t:8.2f}" if t else "       -"
        ts = f"{t * 1e3:10.3f}ms" if t else "           -"
        flag = "" if not t or w.target is None else ("  ok" if e / t <= w.target else "  OVER")
        if args.markdown:
            tgt = f"≤ {w.target}" if w.target else ""
            print(f"| {w.name} | {e * 1e3:.3f} ms | {f'{t * 1e3:.3f} ms' if t else '-'} | "
                  f"{f'{e / t:.2f}' if t else '-'} | {tgt} |", flush=True)
            continue
        print(f"{w.name:<34}{e * 1e3:10.3f}ms{ts}{ratio}  <= {w.target}x{flag}" if w.target else
              f"{w.name:<34}{e * 1e3:10.3f}ms{ts}{ratio}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
