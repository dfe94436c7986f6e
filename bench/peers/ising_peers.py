#!/usr/bin/env python3
"""Times the PyTorch peer of boltzkit's lattice Ising sweeps on one GPU.

Peer: torch_checkerboard_metropolis, the textbook PyTorch checkerboard Metropolis on a periodic
2D lattice (J = 1, h = 0), the kind docs/ANCHORS.md lists at 8.5 flips/ns on 8192^2:
    spins s: (R, L, L) float32 (or int8 with --spin-dtype int8), +-1, hot start
    per colour c:  nb = roll(s, +-1, x) + roll(s, +-1, y)      (four torch.roll)
                   accept = torch.rand(R, L, L) < exp(-2 beta s nb)
                   s = where(accept & mask_c, -s, s)             (mask_c precomputed per colour)
One sweep = two colours = R*L*L attempted spin updates; flips/ns = R*L*L / (ns per sweep).
Sizes (those of boltzkit_bench_ising where they overlap): 8192^2 (docs/ANCHORS.md's PyTorch size),
16384^2, 4096 replicas of 128^2 (batched); at beta = 1/1.5 (T = 1.5) and beta_c = 0.4406868.
Timing: CUDA events around a batch of sweeps after warm-up sweeps; the median over batches.

NVIDIA's ising-gpu reference codes are not built or run here: the GPU machine has no network to
fetch them. docs/ANCHORS.md's figures (measured on an H100) are the reference for them.

A missing torch or a torch without CUDA is reported and the script exits 0.
Usage:
  python3 bench/peers/ising_peers.py --out peers_ising.json
  python3 bench/peers/ising_peers.py --dry-run                  # plan only, touches no GPU
  python3 bench/peers/ising_peers.py --sizes 8192:1 --betas 0.4406868 --spin-dtype int8
"""

import argparse
import math
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # peer_common beside this file
from peer_common import (  # noqa: E402
    deadline_of,
    dry_run_status,
    event_ms,
    log,
    new_doc,
    parse_pairs,
    past,
    probe_torch,
    write_doc,
)

# (L, replicas) and betas of the 2D cases.
DEFAULT_SIZES = [(8192, 1), (16384, 1), (128, 4096)]
DEFAULT_BETAS = [1.0 / 1.5, 0.4406868]
PEER = "torch_checkerboard_metropolis"
NVIDIA_NOTE = ("NVIDIA ising-gpu not built or run (no network on the GPU machine); "
               "docs/ANCHORS.md's H100 figures are the reference")


def parse_betas(text):
    return [float(b) for b in text.split(",") if b.strip()]


def lattice_name(l):
    return f"{l}x{l}"


class Checkerboard:
    """R periodic L x L lattices on the GPU and one Metropolis sweep (two colours)."""

    def __init__(self, torch, l, replicas, beta, spin_dtype, seed):
        self.torch = torch
        self.beta = beta
        dev = "cuda"
        self.gen = torch.Generator(device=dev)
        self.gen.manual_seed(seed)
        dtype = torch.float32 if spin_dtype == "float32" else torch.int8
        bits = torch.randint(0, 2, (replicas, l, l), generator=self.gen, device=dev,
                             dtype=torch.int8)
        self.s = (2 * bits - 1).to(dtype)  # hot start
        del bits
        idx = torch.arange(l, device=dev)
        parity = (idx.view(l, 1) + idx.view(1, l)) % 2
        self.masks = [parity == 0, parity == 1]  # (L, L), broadcast over replicas
        self.float_spins = dtype == torch.float32
        # int8 path: acceptance probability by table, index (s*nb + 4) / 2 in 0..4
        self.table = torch.tensor([min(1.0, math.exp(-2.0 * beta * d)) for d in (-4, -2, 0, 2, 4)],
                                  device=dev, dtype=torch.float32)

    def half_sweep(self, colour):
        torch = self.torch
        s = self.s
        nb = (torch.roll(s, 1, -1) + torch.roll(s, -1, -1) + torch.roll(s, 1, -2)
              + torch.roll(s, -1, -2))
        u = torch.rand(s.shape, generator=self.gen, device=s.device, dtype=torch.float32)
        if self.float_spins:
            p = torch.exp(-2.0 * self.beta * s * nb)
        else:
            p = self.table[((s * nb + 4) // 2).long()]
        flip = (u < p) & self.masks[colour]
        self.s = torch.where(flip, -s, s)

    def sweep(self):
        self.half_sweep(0)
        self.half_sweep(1)

    def observables(self):
        """(energy per spin, mean |m|) over replicas."""
        s = self.s.float()
        e = -(s * (self.torch.roll(s, 1, -1) + self.torch.roll(s, 1, -2))).mean(dim=(-2, -1))
        m = s.mean(dim=(-2, -1)).abs()
        return float(e.mean()), float(m.mean())


def time_case(torch, l, replicas, beta, args):
    """dict(ms_per_sweep, flips_per_ns, ...) of one case."""
    sim = Checkerboard(torch, l, replicas, beta, args.spin_dtype, args.seed + l + replicas)
    for _ in range(args.warmup):
        sim.sweep()
    torch.cuda.synchronize()
    # sweeps per batch: a batch lasts >= ~20 ms, at most args.batch sweeps
    single_ms = max(event_ms(torch, sim.sweep), 1e-3)
    per_batch = max(1, min(args.batch, math.ceil(20.0 / single_ms)))

    def batch():
        for _ in range(per_batch):
            sim.sweep()

    times = [event_ms(torch, batch) / per_batch for _ in range(args.reps)]
    ms = statistics.median(times)
    energy, abs_m = sim.observables()
    del sim
    return {"ms_per_sweep": ms, "min_ms_per_sweep": min(times),
            "flips_per_ns": replicas * l * l / (ms * 1e6), "sweeps_per_batch": per_batch,
            "batches": len(times), "energy_per_spin": energy, "abs_magnetization": abs_m}


def result(l, replicas, beta, spin_dtype, fields=None, error=None):
    r = {"peer": PEER, "lattice": lattice_name(l), "L": l, "dims": 2, "replicas": replicas,
         "beta": beta, "algorithm": "metropolis", "spin_dtype": spin_dtype,
         "ms_per_sweep": None, "flips_per_ns": None, "error": error}
    if fields:
        r.update(fields)
    return r


def print_table(results):
    print("| lattice | R | beta | algorithm | spins | ms/sweep | flips/ns |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        ms = f"{r['ms_per_sweep']:.3f}" if r.get("ms_per_sweep") is not None else "—"
        fl = (f"{r['flips_per_ns']:.2f}" if r.get("flips_per_ns") is not None
              else (r.get("error") or "—"))
        print(f"| {r['lattice']} | {r['replicas']} | {r['beta']:.7g} | {r['algorithm']} | "
              f"{r['spin_dtype']} | {ms} | {fl} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="write the JSON results here")
    ap.add_argument("--sizes", help="L:R,... (default 8192:1,16384:1,128:4096)")
    ap.add_argument("--betas", help="comma list (default 0.6666667,0.4406868)")
    ap.add_argument("--spin-dtype", choices=("float32", "int8"), default="float32")
    ap.add_argument("--warmup", type=int, default=3, help="warm-up sweeps per case")
    ap.add_argument("--batch", type=int, default=10, help="at most this many sweeps per batch")
    ap.add_argument("--reps", type=int, default=5, help="timed batches per case")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--budget-s", type=float, default=None,
                    help="cases not started within this many seconds are reported as 'budget'")
    ap.add_argument("--dry-run", action="store_true", help="print the plan; touch no GPU")
    args = ap.parse_args()

    sizes = parse_pairs(args.sizes) if args.sizes else DEFAULT_SIZES
    betas = parse_betas(args.betas) if args.betas else DEFAULT_BETAS
    for l, r in sizes:
        if l < 2 or l % 2 or r < 1:
            raise SystemExit(f"bad size {l}:{r} (L even >= 2, R >= 1)")
    cases = [(l, r, b) for l, r in sizes for b in betas]
    doc = new_doc("boltzkit-peers-ising/1")
    doc.update({
        "timers": {"torch": f"CUDA events around batches of <= {args.batch} sweeps (>= ~20 ms), "
                            f"median of {args.reps} after {args.warmup} warm-up sweeps"},
        "model": "2D periodic, J = 1, h = 0, hot start; flips/ns = R*L*L / ns per sweep",
        "nvidia_reference": NVIDIA_NOTE,
        "peers": {},
        "results": [],
    })
    log(f"ising_peers: {len(cases)} cases ({args.spin_dtype} spins): "
        + ", ".join(f"{r}x{l}^2 beta={b:.7g}" for l, r, b in cases))
    log(f"ising_peers: {NVIDIA_NOTE}")

    if args.dry_run:
        doc["peers"]["torch"] = dry_run_status("torch", with_version=True)
        log(f"  torch: {doc['peers']['torch']}")
        doc["dry_run"] = True
        doc["plan"] = [{"lattice": lattice_name(l), "replicas": r, "beta": b} for l, r, b in cases]
    else:
        deadline = deadline_of(args.budget_s)
        torch, status = probe_torch()
        doc["peers"]["torch"] = status
        doc["versions"]["torch"] = status.get("version")
        if torch is None:
            log(f"torch: {status.get('status')} {status.get('reason', '')}")
        else:
            doc["device"] = status.get("device")
            for l, r, b in cases:
                if past(deadline):
                    doc["results"].append(result(l, r, b, args.spin_dtype, error="budget: not run"))
                    continue
                try:
                    fields = time_case(torch, l, r, b, args)
                    res = result(l, r, b, args.spin_dtype, fields)
                    log(f"  {PEER} {r}x{l}^2 beta={b:.7g}: {fields['ms_per_sweep']:.3f} ms/sweep, "
                        f"{fields['flips_per_ns']:.2f} flips/ns")
                except Exception as e:  # OOM, ...
                    res = result(l, r, b, args.spin_dtype, error=f"{type(e).__name__}: {e}")
                    log(f"  {PEER} {r}x{l}^2 beta={b:.7g}: error {res['error']}")
                doc["results"].append(res)
                torch.cuda.empty_cache()
    print_table(doc["results"])

    write_doc(args.out, doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
