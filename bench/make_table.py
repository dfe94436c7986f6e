#!/usr/bin/env python3
"""Markdown tables from boltzkit_bench_gaussian's JSON and gaussian_peers.py's JSON.

  python3 bench/make_table.py --bench bench_gaussian.json [--peers peers_gaussian.json]
                              [--bw bench|measured|BYTES_PER_S] [--out RESULTS.md]

Main table (fp32, log p + d/dmu + d/dSigma, covariance): D, B, boltzkit ms, PyTorch ms (the better
of MultivariateNormal+autograd and the hand-written version), JAX ms, best peer, speed-up vs the
best peer (peer ms / boltzkit ms), memory floor ms, % of floor (floor / boltzkit ms * 100).
boltzkit ms is the benchmark's median per-call time (counter median_ms; the mean, real_time, when
that counter is missing). The floor is bytes in + out / bandwidth: with --bw bench (default) the
benchmark's own floor_ms counter, with --bw measured the device-to-device copy the same run
measured, or a number of bytes/s. Further tables: fp64, log p only, the CPU backend.
Standard library only.
"""

import argparse
import json
import statistics
import sys

UNIT_TO_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}
PEER_LABEL = {"torch_mvn_autograd": "PyTorch (MVN+autograd)", "torch_hand": "PyTorch (by hand)",
              "jax_vmap": "JAX"}


def load(path):
    with open(path) as fh:
        return json.load(fh)


def traffic_bytes(dtype, d, b, variant):
    """Same model as bench/floors.hpp (int32 info counted as 4 bytes per element)."""
    s = 4 if dtype == "fp32" else 8
    per = 2 * d * d + 3 * d + 1 if variant == "full" else d * d + 2 * d + 1
    return s * b * per + 4 * b


def parse_name(name):
    """'gaussian/gpu/fp32/full/D:4/B:1048576/manual_time' -> dict, or None."""
    parts = name.split("/")
    if len(parts) < 6 or parts[0] != "gaussian":
        return None
    fields = {"backend": parts[1], "dtype": parts[2], "variant": parts[3]}
    for p in parts[4:]:
        if ":" in p:
            k, v = p.split(":", 1)
            if k in ("D", "B"):
                fields[k] = int(v)
    return fields if "D" in fields and "B" in fields else None


def collect_bench(doc):
    """{(backend, dtype, variant, D, B): entry} with entry = dict(ms, floor_ms, pct, gbps,
    error, ...); repetitions are reduced to their median."""
    runs = {}
    for bm in doc.get("benchmarks", []):
        key_fields = parse_name(bm.get("run_name", bm.get("name", "")))
        if key_fields is None:
            continue
        if bm.get("run_type") == "aggregate" and bm.get("aggregate_name") != "median":
            continue
        key = (key_fields["backend"], key_fields["dtype"], key_fields["variant"], key_fields["D"],
               key_fields["B"])
        runs.setdefault(key, []).append(bm)
    out = {}
    for key, entries in runs.items():
        agg = [e for e in entries if e.get("run_type") == "aggregate"]
        chosen = agg or entries
        errors = [e for e in chosen if e.get("error_occurred")]
        if errors and len(errors) == len(chosen):
            out[key] = {"error": errors[0].get("error_message", "error")}
            continue
        good = [e for e in chosen if not e.get("error_occurred")]

        def ms_of(e):
            if "median_ms" in e:
                return float(e["median_ms"])
            return float(e["real_time"]) * UNIT_TO_MS.get(e.get("time_unit", "ns"), 1e-6)

        def counter(name):
            vals = [float(e[name]) for e in good if name in e]
            return statistics.median(vals) if vals else None

        out[key] = {
            "ms": statistics.median(ms_of(e) for e in good),
            "floor_ms": counter("floor_ms"),
            "pct": counter("pct_of_floor"),
            "gbps": counter("GBps"),
            "gflops": counter("GFLOPs"),
            "error": None,
        }
    return out


def measured_copy_bw(doc):
    for bm in doc.get("benchmarks", []):
        if bm.get("name", "").startswith("device/copy") and "bw_bytes_per_s" in bm:
            return float(bm["bw_bytes_per_s"])
    ctx = doc.get("context", {})
    try:
        v = float(ctx.get("measured_copy_bw_bytes_per_s", "nan"))
        return v if v > 0 else None
    except ValueError:
        return None


def collect_peers(doc):
    """{(dtype 'fp32'/'fp64', D, B): {peer: ms or None}}"""
    out = {}
    if not doc:
        return out
    for r in doc.get("results", []):
        dt = {"float32": "fp32", "float64": "fp64"}.get(r.get("dtype"), r.get("dtype"))
        out.setdefault((dt, r["D"], r["B"]), {})[r["peer"]] = r.get("ms")
    return out


def fmt_ms(v):
    if v is None:
        return "—"
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    if v >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def fmt_num(v):
    if v is None:
        return "—"
    return f"{v:.0f}" if v >= 100 else f"{v:.3g}"


def floor_of(entry, dtype, d, b, variant, bw):
    """(floor ms, % of floor) under the chosen bandwidth."""
    if bw is None:  # the benchmark's own counters
        return entry.get("floor_ms"), entry.get("pct")
    floor = traffic_bytes(dtype, d, b, variant) / bw * 1e3
    pct = floor / entry["ms"] * 100 if entry.get("ms") else None
    return floor, pct


def gpu_table(bench, peers, dtype, bw, lines):
    keys = sorted(k for k in bench if k[0] == "gpu" and k[1] == dtype and k[2] == "full")
    peer_keys = sorted(k for k in peers if k[0] == dtype)
    sizes = sorted({(k[3], k[4]) for k in keys} | {(k[1], k[2]) for k in peer_keys})
    if not sizes:
        return
    lines.append("| D | B | boltzkit ms | PyTorch ms | JAX ms | best peer | speed-up vs best peer "
                 "| floor ms | % of floor |")
    lines.append("|---|---|---|---|---|---|---|---|---|")
    for d, b in sizes:
        e = bench.get(("gpu", dtype, "full", d, b))
        p = peers.get((dtype, d, b), {})
        torch_opts = {k: v for k, v in p.items() if k.startswith("torch") and v is not None}
        torch_best = min(torch_opts.items(), key=lambda kv: kv[1]) if torch_opts else None
        jax_ms = p.get("jax_vmap")
        cands = ([torch_best] if torch_best else []) + (
            [("jax_vmap", jax_ms)] if jax_ms is not None else [])
        best = min(cands, key=lambda kv: kv[1]) if cands else None
        if e is None or e.get("error"):
            ours = "skipped" if e else "—"
            speed, floor, pct = "—", "—", "—"
            if e is not None:
                ours = f"skipped ({e['error']})"
        else:
            ours = fmt_ms(e["ms"])
            speed = f"{best[1] / e['ms']:.1f}×" if best and e["ms"] > 0 else "—"
            fl, pc = floor_of(e, dtype, d, b, "full", bw)
            floor = fmt_ms(fl)
            pct = f"{pc:.0f}%" if pc is not None else "—"
        lines.append(
            f"| {d} | {b:,} | {ours} | {fmt_ms(torch_best[1]) if torch_best else '—'} | "
            f"{fmt_ms(jax_ms)} | {PEER_LABEL.get(best[0], best[0]) if best else '—'} | {speed} "
            f"| {floor} | {pct} |")


def plain_table(bench, backend, variant, bw, lines, with_floor=True):
    keys = sorted((k for k in bench if k[0] == backend and k[2] == variant),
                  key=lambda k: (k[1], k[3], k[4]))
    if not keys:
        return
    head = "| dtype | D | B | boltzkit ms | GB/s | GFLOP/s |"
    sep = "|---|---|---|---|---|---|"
    if with_floor:
        head += " floor ms | % of floor |"
        sep += "---|---|"
    lines += [head, sep]
    for k in keys:
        e = bench[k]
        _, dtype, _, d, b = k
        if e.get("error"):
            row = f"| {dtype} | {d} | {b:,} | skipped ({e['error']}) | — | — |"
            lines.append(row + (" — | — |" if with_floor else ""))
            continue
        row = (f"| {dtype} | {d} | {b:,} | {fmt_ms(e['ms'])} | {fmt_num(e.get('gbps'))} | "
               f"{fmt_num(e.get('gflops'))} |")
        if with_floor:
            fl, pc = floor_of(e, dtype, d, b, variant, bw)
            row += f" {fmt_ms(fl)} | {f'{pc:.0f}%' if pc is not None else '—'} |"
        lines.append(row)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bench", required=True, help="boltzkit_bench_gaussian --benchmark_out JSON")
    ap.add_argument("--peers", help="gaussian_peers.py --out JSON")
    ap.add_argument("--bw", default="bench",
                    help="floor bandwidth: bench (the benchmark's counters), measured, or bytes/s")
    ap.add_argument("--out", help="write the markdown here (default: stdout)")
    args = ap.parse_args()

    bdoc = load(args.bench)
    pdoc = None
    if args.peers:
        try:
            pdoc = load(args.peers)
        except (OSError, ValueError) as e:
            print(f"make_table: peers file unusable ({e}); no peer columns", file=sys.stderr)
    bench = collect_bench(bdoc)
    peers = collect_peers(pdoc)
    ctx = bdoc.get("context", {})
    copy_bw = measured_copy_bw(bdoc)

    if args.bw == "bench":
        bw, bw_text = None, (f"{float(ctx.get('floor_bw_bytes_per_s', 3e12)) / 1e12:.2f} TB/s "
                             f"({ctx.get('floor_bw_source', 'default')})")
    elif args.bw == "measured":
        if copy_bw is None:
            sys.exit("make_table: --bw measured but the benchmark JSON has no copy measurement")
        bw, bw_text = copy_bw, f"{copy_bw / 1e12:.2f} TB/s (measured in this run)"
    else:
        bw = float(args.bw)
        bw_text = f"{bw / 1e12:.2f} TB/s (given)"

    commit = ctx.get("commit") or ctx.get("build_commit", "unknown")
    lines = ["# boltzkit — Gaussian benchmarks", ""]
    lines.append(f"- device: {ctx.get('gpu', 'unknown')}")
    lines.append(f"- date: {ctx.get('date', 'unknown')}")
    lines.append(f"- commit: {commit} (binary built from {ctx.get('build_commit', 'unknown')})")
    if pdoc:
        v = pdoc.get("versions", {})
        st = pdoc.get("peers", {})
        lines.append(
            f"- peers: PyTorch {v.get('torch') or '—'} ({st.get('torch', {}).get('status', '—')}), "
            f"JAX {v.get('jax') or '—'} ({st.get('jax', {}).get('status', '—')}); peers' device: "
            f"{pdoc.get('device') or '—'}; timers: "
            + "; ".join(f"{k}: {t}" for k, t in pdoc.get("timers", {}).items()))
        for name, s in st.items():
            if s.get("status") not in ("ok", None) and s.get("reason"):
                lines.append(f"  - {name}: {s['reason']}")
    else:
        lines.append("- peers: not run")
    lines.append(f"- memory floor: bytes in + out at {bw_text}"
                 + (f"; device-to-device copy measured {copy_bw / 1e12:.2f} TB/s"
                    if copy_bw else ""))
    lines.append("- boltzkit ms: median per call (CUDA events); peers: medians of warmed-up runs; "
                 "speed-up = best peer ms / boltzkit ms")
    lines.append("")

    lines += ["## fp32: log p + ∂/∂μ + ∂/∂Σ (covariance), B independent Gaussians", ""]
    gpu_table(bench, peers, "fp32", bw, lines)
    lines += ["", "## fp64: log p + ∂/∂μ + ∂/∂Σ", ""]
    gpu_table(bench, peers, "fp64", bw, lines)
    lines += ["", "## log p only (GPU)", ""]
    plain_table(bench, "gpu", "logp", bw, lines)
    if any(k[0] == "cpu" for k in bench):
        lines += ["", "## CPU reference backend (this run's host): log p + ∂/∂μ + ∂/∂Σ", ""]
        plain_table(bench, "cpu", "full", bw, lines, with_floor=False)
        lines += ["", "## CPU reference backend: log p only", ""]
        plain_table(bench, "cpu", "logp", bw, lines, with_floor=False)
    text = "\n".join(lines) + "\n"
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
