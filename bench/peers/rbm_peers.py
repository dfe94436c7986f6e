#!/usr/bin/env python3
"""PyTorch peer of boltzkit_bench_rbm: one CD-k gradient step of a ±1 RBM on the same shapes.

The step is the one rbm::gradient computes (MATH.md §2.4): k block-Gibbs steps from the data
batch (h ~ p(h|v) then v ~ p(v|h), p(unit = +1) = sigmoid(2·beta·field)), then
g_W = beta·(v0ᵀ tanh(beta(c + v0 W)) − vkᵀ tanh(beta(c + vk W)))/B and likewise g_b, g_c.
Default dtype float32 (what a PyTorch user writes; boltzkit computes in float64) — pass
--dtype float64 for the like-for-like precision. Timed with CUDA events (median over batches);
without CUDA torch, or with --device cpu, on the CPU with perf_counter. Always exits 0; a
missing torch is reported, not fatal.
"""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import deadline_of, dry_run_status, log, new_doc, past, write_doc  # noqa: E402

PEER = "torch"
DEFAULT_SHAPES = [(784, 512, 1024, 1), (784, 512, 1024, 10), (784, 512, 128, 1)]


def parse_shapes(text):
    """'V:H:B:k,...' -> [(V, H, B, k)]."""
    out = []
    for item in text.split(","):
        if item.strip():
            v, h, b, k = (int(x) for x in item.split(":"))
            out.append((v, h, b, k))
    return out


def cd_step(torch, w, b, c, v0, k, beta):
    """The CD-k gradient (g_W, g_b, g_c) of one batch v0 (±1)."""
    vk = v0
    for _ in range(k):
        ph = torch.sigmoid(2 * beta * (vk @ w + c))
        h = torch.where(torch.rand_like(ph) < ph, 1.0, -1.0).to(w.dtype)
        pv = torch.sigmoid(2 * beta * (h @ w.T + b))
        vk = torch.where(torch.rand_like(pv) < pv, 1.0, -1.0).to(w.dtype)
    m0 = torch.tanh(beta * (v0 @ w + c))
    mk = torch.tanh(beta * (vk @ w + c))
    n = v0.shape[0]
    gw = beta * (v0.T @ m0 - vk.T @ mk) / n
    gb = beta * (v0.mean(0) - vk.mean(0))
    gc = beta * (m0.mean(0) - mk.mean(0))
    return gw, gb, gc


def time_case(torch, device, dtype, shape, args):
    v, h, b, k = shape
    gen = torch.Generator(device="cpu").manual_seed(args.seed)
    w = (0.01 * torch.randn(v, h, generator=gen, dtype=torch.float64)).to(device=device, dtype=dtype)
    bias_v = torch.zeros(v, device=device, dtype=dtype)
    bias_h = torch.zeros(h, device=device, dtype=dtype)
    v0 = (torch.randint(0, 2, (b, v), generator=gen) * 2 - 1).to(device=device, dtype=dtype)

    def step():
        return cd_step(torch, w, bias_v, bias_h, v0, k, 1.0)

    for _ in range(args.warmup):
        step()
    times = []
    if device == "cuda":
        torch.cuda.synchronize()
        for _ in range(args.reps):
            start = torch.cuda.Event(enable_timing=True)
            stop = torch.cuda.Event(enable_timing=True)
            start.record()
            for _ in range(args.batch):
                step()
            stop.record()
            stop.synchronize()
            times.append(start.elapsed_time(stop) / args.batch)
    else:
        for _ in range(args.reps):
            t0 = time.perf_counter()
            step()
            times.append(1e3 * (time.perf_counter() - t0))
    ms = statistics.median(times)
    flops = 2.0 * b * v * h * (2 * k + 4)
    return {"ms_per_step": ms, "min_ms_per_step": min(times), "gflops": flops / (ms * 1e6),
            "steps_per_batch": args.batch if device == "cuda" else 1, "batches": len(times)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="write the JSON results here")
    ap.add_argument("--shapes", help="V:H:B:k,... (default 784:512:1024:1,784:512:1024:10,784:512:128:1)")
    ap.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    ap.add_argument("--device", choices=("auto", "cuda", "cpu"), default="auto")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--batch", type=int, default=10, help="steps per timed CUDA batch")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--budget-s", type=float, default=None)
    ap.add_argument("--dry-run", action="store_true", help="print the plan; touch no GPU")
    args = ap.parse_args()
    shapes = parse_shapes(args.shapes) if args.shapes else DEFAULT_SHAPES
    doc = new_doc("boltzkit-peers-rbm/1")
    doc.update({"model": "±1 RBM, beta = 1, W ~ 0.01 N(0,1), zero biases, random ±1 batch",
                "work_model": "2·B·V·H·(2k + 4) flops per CD-k gradient", "dtype": args.dtype,
                "peers": {}, "results": []})
    if args.dry_run:
        doc["peers"]["torch"] = dry_run_status("torch", with_version=True)
        doc["dry_run"] = True
        doc["plan"] = [dict(zip(("V", "H", "B", "k"), s)) for s in shapes]
        log(f"rbm_peers: plan {doc['plan']}; torch: {doc['peers']['torch']}")
        write_doc(args.out, doc)
        return 0
    try:
        import torch  # noqa: PLC0415
    except Exception as e:
        doc["peers"]["torch"] = {"status": "skipped", "reason": f"torch not importable: {e}"}
        log(f"rbm_peers: {doc['peers']['torch']}")
        write_doc(args.out, doc)
        return 0
    device = args.device
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        doc["peers"]["torch"] = {"status": "skipped", "reason": "torch sees no CUDA device"}
        write_doc(args.out, doc)
        return 0
    dtype = getattr(torch, args.dtype)
    doc["peers"]["torch"] = {"status": "ok", "version": torch.__version__, "device": device}
    if device == "cuda":
        doc["device"] = torch.cuda.get_device_name(0)
        torch.backends.cuda.matmul.allow_tf32 = False  # like-for-like IEEE float32 GEMMs
    deadline = deadline_of(args.budget_s)
    print("| V | H | B | k | dtype | device | ms/step | GFLOP/s |")
    print("|---|---|---|---|---|---|---|---|")
    for shape in shapes:
        res = dict(zip(("V", "H", "B", "k"), shape), peer=PEER, dtype=args.dtype, device=device)
        if past(deadline):
            res["error"] = "budget: not run"
        else:
            try:
                res.update(time_case(torch, device, dtype, shape, args))
            except Exception as e:  # OOM, ...
                res["error"] = f"{type(e).__name__}: {e}"
        doc["results"].append(res)
        ms = f"{res['ms_per_step']:.3f}" if "ms_per_step" in res else res.get("error", "—")
        gf = f"{res['gflops']:.0f}" if "gflops" in res else "—"
        print(f"| {shape[0]} | {shape[1]} | {shape[2]} | {shape[3]} | {args.dtype} | {device} | {ms} | {gf} |")
    write_doc(args.out, doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
