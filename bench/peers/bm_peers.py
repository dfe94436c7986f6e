#!/usr/bin/env python3
"""Peer of boltzkit_bench_bm: sequential-scan heat bath of an SK model written by hand.

What a user writes without boltzkit (docs/ANCHORS.md: PyTorch by hand, ~0.025 flips/ns): C chains
as a (C, N) ±1 tensor, local fields F = S·J + h kept up to date, and for k = 0 … N−1 one
vectorized update of spin k in every chain: p = sigmoid(2·beta·F[:, k]), new s_k drawn, then
F += outer(Δs_k, J[k]) (O(N) per flip per chain). PyTorch on the GPU when importable, else
numpy on the CPU (reported as peer "numpy"). Same model as the bench: J_kl ~ N(0, 1/N), h = 0,
beta = 1. Reports attempted single-spin updates per ns. Always exits 0.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import deadline_of, dry_run_status, log, new_doc, past, write_doc  # noqa: E402

DEFAULT_SHAPES = [(256, 4096), (1024, 4096), (4096, 1024)]


def parse_shapes(text):
    """'N:C,...' -> [(N, C)]."""
    return [tuple(int(x) for x in item.split(":")) for item in text.split(",") if item.strip()]


def sweep_torch(torch, j, f, s, beta):
    n = j.shape[0]
    for k in range(n):
        p = torch.sigmoid(2 * beta * f[:, k])
        new = torch.where(torch.rand_like(p) < p, 1.0, -1.0).to(f.dtype)
        delta = new - s[:, k]
        s[:, k] = new
        f += delta[:, None] * j[k][None, :]


def sweep_numpy(np, rng, j, f, s, beta):
    n = j.shape[0]
    for k in range(n):
        p = 1.0 / (1.0 + np.exp(-2 * beta * f[:, k]))
        new = np.where(rng.random(p.shape[0]) < p, 1.0, -1.0)
        delta = new - s[:, k]
        s[:, k] = new
        f += np.outer(delta, j[k])


def sk(np, n, seed):
    rng = np.random.default_rng(seed)
    j = np.triu(rng.normal(0.0, 1.0 / np.sqrt(n), (n, n)), 1)
    return j + j.T


def time_case(args, n, c):
    import numpy as np  # noqa: PLC0415
    j64 = sk(np, n, args.seed)
    try:
        import torch  # noqa: PLC0415
        device = "cuda" if torch.cuda.is_available() and args.device != "cpu" else "cpu"
        dtype = getattr(torch, args.dtype)
        j = torch.tensor(j64, device=device, dtype=dtype)
        s = (torch.randint(0, 2, (c, n), device=device) * 2 - 1).to(dtype)
        f = s @ j

        def once():
            sweep_torch(torch, j, f, s, 1.0)
            if device == "cuda":
                torch.cuda.synchronize()
        peer = "torch"
    except ImportError:
        device = "cpu"
        rng = np.random.default_rng(args.seed)
        s = np.where(rng.random((c, n)) < 0.5, 1.0, -1.0)
        f = s @ j64

        def once():
            sweep_numpy(np, rng, j64, f, s, 1.0)
        peer = "numpy"
    once()  # warm-up
    times = []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        once()
        times.append(time.perf_counter() - t0)
    best = min(times)
    return {"peer": peer, "device": device, "s_per_sweep": best, "flips_per_ns": n * c / best * 1e-9}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="write the JSON results here")
    ap.add_argument("--shapes", help="N:C,... (default 256:4096,1024:4096,4096:1024)")
    ap.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    ap.add_argument("--device", choices=("auto", "cuda", "cpu"), default="auto")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--budget-s", type=float, default=None)
    ap.add_argument("--dry-run", action="store_true", help="print the plan; touch no GPU")
    args = ap.parse_args()
    shapes = parse_shapes(args.shapes) if args.shapes else DEFAULT_SHAPES
    doc = new_doc("boltzkit-peers-bm/1")
    doc.update({"model": "SK, J ~ N(0, 1/N), h = 0, beta = 1, sequential-scan heat bath",
                "work_model": "N·C attempted single-spin updates per sweep", "dtype": args.dtype,
                "results": []})
    if args.dry_run:
        doc["peers"] = {"torch": dry_run_status("torch", with_version=True)}
        doc["dry_run"] = True
        doc["plan"] = [{"N": n, "C": c} for n, c in shapes]
        log(f"bm_peers: plan {doc['plan']}; torch: {doc['peers']['torch']}")
        write_doc(args.out, doc)
        return 0
    deadline = deadline_of(args.budget_s)
    print("| N | C | peer | device | s/sweep | flips/ns |")
    print("|---|---|---|---|---|---|")
    for n, c in shapes:
        res = {"N": n, "C": c}
        if past(deadline):
            res["error"] = "budget: not run"
        else:
            try:
                res.update(time_case(args, n, c))
            except Exception as e:  # OOM, numpy missing, ...
                res["error"] = f"{type(e).__name__}: {e}"
        doc["results"].append(res)
        rate = f"{res['flips_per_ns']:.4f}" if "flips_per_ns" in res else res.get("error", "—")
        sec = f"{res['s_per_sweep']:.4f}" if "s_per_sweep" in res else "—"
        print(f"| {n} | {c} | {res.get('peer', '—')} | {res.get('device', '—')} | {sec} | {rate} |")
    write_doc(args.out, doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
