#!/usr/bin/env python3
"""Markdown tables from the benchmark programs' JSON and the peers' JSON.

  python3 bench/make_table.py [--bench bench_gaussian.json] [--peers peers_gaussian.json]
                              [--ising-bench bench_ising.json] [--ising-peers peers_ising.json]
                              [--bw bench|measured|BYTES_PER_S] [--out RESULTS.md]

At least one of --bench (boltzkit_bench_gaussian) and --ising-bench (boltzkit_bench_ising).

Main table (fp32, log p + d/dmu + d/dSigma, covariance): D, B, boltzkit ms, PyTorch ms (the better
of MultivariateNormal+autograd and the hand-written version), JAX ms, best peer, speed-up vs the
best peer (peer ms / boltzkit ms), memory floor ms, % of floor (floor / boltzkit ms * 100).
boltzkit ms is the benchmark's median per-call time (counter median_ms; the mean, real_time, when
that counter is missing). The floor is bytes in + out / bandwidth: with --bw bench (default) the
benchmark's own floor_ms counter, with --bw measured the device-to-device copy the same run
measured, or a number of bytes/s. Further tables: fp64, log p only, the CPU backend.

Ising table (checkerboard sweeps, both paths of boltzkit_bench_ising: path=bytes, one int8 per
spin, cases ising/gpu/<algorithm>/...; path=packed, one bit per spin, cases
ising/gpu/packed/<algorithm>/...): lattice, replicas, algorithm, beta, path, boltzkit flips/ns (from
the median sweep time), PyTorch flips/ns (ising_peers.py's checkerboard Metropolis, Metropolis rows
only), NVIDIA ising-gpu 2025 flips/ns from docs/ANCHORS.md where it applies (2D single lattice at the
same size and temperature; not run in this run), the target (1.5x that anchor), boltzkit / NVIDIA,
GB/s (bytes: 3 bytes per spin per sweep; packed: 0.375 bytes = 3 bits) and % of the traffic floor;
then a target summary for the anchored sizes and the CPU backend.
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
    """Same model as bench/common/floors.hpp (int32 info counted as 4 bytes per element)."""
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


# ----------------------------------------------------------------------------------------------
# Ising

# docs/ANCHORS.md: NVIDIA ising-gpu cuIsingModel (2025 rewrite), H100, flips/ns. Keys: (lattice,
# replicas, beta rounded to 6 digits); T = 1.5 is beta = 1/1.5, T_c is beta_c = 0.4406868.
NVIDIA_2025_ANCHORS = {
    ("65536x65536", 1, round(1 / 1.5, 6)): 1426,
    ("16384x16384", 1, round(1 / 1.5, 6)): 1249,
    ("16384x16384", 1, round(0.4406868, 6)): 1229,
}
# The goal for the packed path: this many times the NVIDIA 2025 anchor.
TARGET_RATIO = 1.5
PATH_ORDER = {"bytes": 0, "packed": 1}
ISING_OTHER_ANCHORS = ("docs/ANCHORS.md, other codes (H100): NVIDIA `optimized` (Romero et al. 2020) "
                       "883 flips/ns at 65536², 841 at 16384²; NVIDIA `basic_cuda` (one byte per "
                       "spin, like this path) 165 at 16384²; PyTorch checkerboard 8.5 at 8192².")


def beta_key(beta):
    return round(float(beta), 6)


def parse_ising_name(name):
    """'ising/gpu/metropolis/L:16384x16384/R:1/beta:0.6666667/manual_time' (path bytes) or
    'ising/gpu/packed/heat_bath/L:…/R:…/beta:…' (path packed) -> dict, or None."""
    parts = name.split("/")
    if len(parts) < 6 or parts[0] != "ising":
        return None
    path, i = "bytes", 2
    if parts[2] in PATH_ORDER:  # explicit path segment
        path, i = parts[2], 3
    if len(parts) < i + 4:
        return None
    fields = {"backend": parts[1], "path": path, "algorithm": parts[i]}
    for p in parts[i + 1:]:
        if ":" in p:
            k, v = p.split(":", 1)
            if k == "L":
                fields["lattice"] = v
            elif k == "R":
                fields["R"] = int(v)
            elif k == "beta":
                fields["beta"] = float(v)
    return fields if {"lattice", "R", "beta"} <= fields.keys() else None


def collect_ising_bench(doc):
    """{(backend, path, lattice, R, algorithm, beta key): entry}; entry = dict(flips, gbps, pct,
    ms, beta, error); repetitions reduced to their median."""
    runs = {}
    for bm in (doc or {}).get("benchmarks", []):
        f = parse_ising_name(bm.get("run_name", bm.get("name", "")))
        if f is None:
            continue
        if bm.get("run_type") == "aggregate" and bm.get("aggregate_name") != "median":
            continue
        key = (f["backend"], f["path"], f["lattice"], f["R"], f["algorithm"],
               beta_key(f["beta"]))
        runs.setdefault(key, []).append((bm, f["beta"]))
    out = {}
    for key, entries in runs.items():
        agg = [e for e in entries if e[0].get("run_type") == "aggregate"]
        chosen = agg or entries
        good = [e for e, _ in chosen if not e.get("error_occurred")]
        beta = chosen[0][1]
        if not good:
            out[key] = {"error": chosen[0][0].get("error_message", "error"), "beta": beta}
            continue

        def counter(name):
            vals = [float(e[name]) for e in good if name in e]
            return statistics.median(vals) if vals else None

        out[key] = {"flips": counter("flips_per_ns"), "gbps": counter("GBps"),
                    "pct": counter("pct_of_floor"), "ms": counter("median_ms"),
                    "energy": counter("energy_per_spin"), "beta": beta, "error": None}
    return out


def collect_ising_peers(doc):
    """{(lattice, R, algorithm, beta key): (flips/ns or None, error or None, beta)}"""
    out = {}
    for r in (doc or {}).get("results", []):
        key = (r["lattice"], r["replicas"], r.get("algorithm", "metropolis"), beta_key(r["beta"]))
        out[key] = (r.get("flips_per_ns"), r.get("error"), float(r["beta"]))
    return out


def lattice_sort_key(lattice, replicas):
    """2D before 3D; batched small lattices first, then single lattices by size."""
    dims = [int(x) for x in lattice.split("x")]
    return (len(dims), replicas == 1, dims[0], replicas)


ALGORITHM_ORDER = {"metropolis": 0, "heat_bath": 1}


def fmt_flips(v):
    if v is None:
        return "—"
    return f"{v:.0f}" if v >= 100 else f"{v:.3g}"


def ratio_cell(flips, anchor):
    if not anchor or not flips:
        return "—"
    r = flips / anchor
    return f"{r:.2f}× ({'met' if r >= TARGET_RATIO else 'not met'})"


def ising_gpu_table(bench, peers, lines):
    """One row per (lattice, R, algorithm, β, path); a peer-only configuration gets path —."""
    configs = {k[2:] for k in bench if k[0] == "gpu"} | set(peers)
    if not configs:
        return
    lines.append("| lattice | R | algorithm | β | path | boltzkit flips/ns | PyTorch flips/ns | "
                 "NVIDIA 2025 flips/ns (docs/ANCHORS.md) | target "
                 f"({TARGET_RATIO:g}× NVIDIA) | boltzkit / NVIDIA | GB/s | % of floor |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for cfg in sorted(configs, key=lambda k: (lattice_sort_key(k[0], k[1]),
                                              ALGORITHM_ORDER.get(k[2], 9), k[2], -k[3])):
        lattice, r, alg, bk = cfg
        paths = sorted({k[1] for k in bench if k[0] == "gpu" and k[2:] == cfg},
                       key=lambda p: (PATH_ORDER.get(p, 9), p)) or [None]
        p = peers.get(cfg)
        anchor = NVIDIA_2025_ANCHORS.get((lattice, r, bk))
        target = f"{anchor * TARGET_RATIO:.0f}" if anchor else "—"
        if p is None:
            torch_cell = "—"
        elif p[0] is None:
            torch_cell = f"error ({p[1]})" if p[1] else "—"
        else:
            torch_cell = fmt_flips(p[0])
        for path in paths:
            e = bench.get(("gpu", path, lattice, r, alg, bk)) if path else None
            beta = e["beta"] if e else (p[2] if p else bk)
            if e is None:
                ours, gbps, pct, ratio = "—", "—", "—", "—"
            elif e.get("error"):
                ours, gbps, pct, ratio = f"skipped ({e['error']})", "—", "—", "—"
            else:
                ours = fmt_flips(e["flips"])
                gbps = fmt_num(e.get("gbps"))
                pct = f"{e['pct']:.0f}%" if e.get("pct") is not None else "—"
                ratio = ratio_cell(e.get("flips"), anchor)
            lines.append(f"| {lattice} | {r:,} | {alg} | {beta:.7g} | {path or '—'} | {ours} | "
                         f"{torch_cell} | {anchor if anchor else '—'} | {target} | {ratio} | "
                         f"{gbps} | {pct} |")


def ising_target_summary(bench, lines):
    """The anchored sizes: best boltzkit figure per path against 1.5× the NVIDIA anchor."""
    rows = []
    for (lattice, r, bk), anchor in sorted(NVIDIA_2025_ANCHORS.items(),
                                           key=lambda kv: (-kv[1], kv[0])):
        for path in sorted(PATH_ORDER, key=PATH_ORDER.get):
            found = [(k[4], e) for k, e in bench.items()
                     if k[0] == "gpu" and k[1] == path and k[2] == lattice and k[3] == r
                     and k[5] == bk and not e.get("error") and e.get("flips")]
            if not found:
                continue
            alg, e = max(found, key=lambda ae: ae[1]["flips"])
            rows.append(f"  - {lattice}, β = {e['beta']:.7g}, path {path}: best "
                        f"{fmt_flips(e['flips'])} flips/ns ({alg}) vs NVIDIA {anchor}, target "
                        f"{anchor * TARGET_RATIO:.0f}: {ratio_cell(e['flips'], anchor)}")
    if rows:
        lines += ["", f"- Target ({TARGET_RATIO:g}× NVIDIA 2025 at the anchored sizes):"] + rows


def ising_cpu_table(bench, lines):
    keys = sorted((k for k in bench if k[0] == "cpu"),
                  key=lambda k: (PATH_ORDER.get(k[1], 9), lattice_sort_key(k[2], k[3]),
                                 ALGORITHM_ORDER.get(k[4], 9), k[4], k[5]))
    if not keys:
        return
    lines.append("| lattice | R | algorithm | β | path | flips/ns | ms/sweep |")
    lines.append("|---|---|---|---|---|---|---|")
    for k in keys:
        e = bench[k]
        _, path, lattice, r, alg, _ = k
        if e.get("error"):
            lines.append(f"| {lattice} | {r:,} | {alg} | {e['beta']:.7g} | {path} | "
                         f"skipped ({e['error']}) | — |")
        else:
            lines.append(f"| {lattice} | {r:,} | {alg} | {e['beta']:.7g} | {path} | "
                         f"{fmt_flips(e['flips'])} | {fmt_ms(e.get('ms'))} |")


def collect_rng_share(doc):
    """Rows of the ising_rng_share/<backend>/<algorithm>/L:…/R:…/beta:… cases, in file order."""
    rows = []
    for bm in (doc or {}).get("benchmarks", []):
        name = bm.get("run_name", bm.get("name", ""))
        if not name.startswith("ising_rng_share/") or bm.get("run_type") == "aggregate":
            continue
        f = parse_ising_name("ising/" + name.split("/", 1)[1])
        if f is None:
            continue
        f["error"] = bm.get("error_message") if bm.get("error_occurred") else None
        for key in ("philox_ms", "hash_ms", "flips_per_ns", "flips_per_ns_hash",
                    "rng_share_lower_bound", "philox_calls_per_word"):
            f[key] = bm.get(key)
        rows.append(f)
    return rows


def rng_share_table(rows, lines):
    lines += ["", "### Share of the packed sweep spent on random numbers", "",
              "Each case times the packed update with its Philox4x32-10 planes and with a cheap "
              "counter hash in their place (bench/ising/packed_planes.hpp), alternating batches on one "
              "lattice; share ≥ 1 − hash / Philox (the hash is not free). Philox calls per word: "
              "counted on the CPU backend from the final state (2 planes per call, 64 spins per "
              "word).", "",
              "| backend | lattice | R | algorithm | β | Philox ms/sweep | hash ms/sweep | "
              "flips/ns (Philox) | flips/ns (hash) | RNG share ≥ | Philox calls/word |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        head = f"| {r['backend']} | {r['lattice']} | {r['R']:,} | {r['algorithm']} | {r['beta']:.7g} |"
        if r["error"]:
            lines.append(head + f" skipped ({r['error']}) | — | — | — | — | — |")
            continue
        share = r.get("rng_share_lower_bound")
        calls = r.get("philox_calls_per_word")
        lines.append(head + f" {fmt_ms(r.get('philox_ms'))} | {fmt_ms(r.get('hash_ms'))} | "
                     f"{fmt_flips(r.get('flips_per_ns'))} | {fmt_flips(r.get('flips_per_ns_hash'))} | "
                     + (f"{100 * share:.0f}%" if share is not None else "—") + " | "
                     + (f"{calls:.2f}" if calls is not None else "—") + " |")


def ising_section(idoc, ipdoc, lines):
    bench = collect_ising_bench(idoc)
    peers = collect_ising_peers(ipdoc)
    ctx = (idoc or {}).get("context", {})
    lines += ["", "## Ising lattice: checkerboard sweeps, byte per spin (int8) and bit-packed "
              "(1 bit per spin)", ""]
    if idoc:
        lines.append(f"- boltzkit_bench_ising: device {ctx.get('gpu', 'unknown')}, date "
                     f"{ctx.get('date', 'unknown')}, commit "
                     f"{ctx.get('commit') or ctx.get('build_commit', 'unknown')}")
    else:
        lines.append("- boltzkit_bench_ising: not run")
    if ipdoc:
        st = ipdoc.get("peers", {}).get("torch", {})
        dtypes = sorted({r.get("spin_dtype") for r in ipdoc.get("results", [])
                         if r.get("spin_dtype")})
        lines.append(f"- PyTorch checkerboard Metropolis (bench/peers/ising_peers.py): torch "
                     f"{ipdoc.get('versions', {}).get('torch') or '—'} ({st.get('status', '—')}"
                     + (f": {st['reason']}" if st.get("reason") else "") + ")"
                     + (f", {'/'.join(dtypes)} spins" if dtypes else "")
                     + f"; device {ipdoc.get('device') or '—'}; "
                     f"timer: {ipdoc.get('timers', {}).get('torch', '—')}")
    else:
        lines.append("- PyTorch peer: not run")
    try:
        bw = float(ctx.get("floor_bw_bytes_per_s", 3e12))
    except ValueError:
        bw = 3e12
    lines.append("- path: bytes = `ising::sweep`, one int8 per spin; packed = "
                 "`ising::sweep_packed`, one bit per spin (lx a multiple of 128, uniform J, h = 0; "
                 "the 512 × 64³ target is not supported there and runs as 256 × 128×64×64, the "
                 "same number of spins).")
    lines.append("- flips/ns = replicas · sites / ns per sweep (median over batches of sweeps, "
                 "CUDA events). GB/s counts the minimal traffic per spin per sweep: bytes 3 bytes "
                 "(per half-sweep all spins read once, half written), packed 0.375 bytes = 3 bits "
                 "(per half-sweep both colours' words read once, one colour written); % of floor = "
                 f"that traffic at {bw / 1e12:.2f} TB/s / measured time, so the byte path tops out "
                 f"near {bw / 3 / 1e9:.0f} flips/ns and the packed path near "
                 f"{bw / 0.375 / 1e9:.0f}.")
    lines.append("- NVIDIA column: docs/ANCHORS.md's H100 figures for ising-gpu `cuIsingModel` "
                 "(2025, 1 bit per spin) at T = 1.5 (β = 0.6666667) and T_c (β = 0.4406868); "
                 "not re-run here (no network on the GPU machine to fetch it); docs/ANCHORS.md does "
                 "not name its update rule, so it is shown on both algorithms' and both paths' "
                 f"rows. Target: {TARGET_RATIO:g}× that figure; boltzkit / NVIDIA says met or not "
                 "met.")
    lines.append(f"- {ISING_OTHER_ANCHORS}")
    lines.append("")
    ising_gpu_table(bench, peers, lines)
    ising_target_summary(bench, lines)
    rng_rows = collect_rng_share(idoc)
    if rng_rows:
        rng_share_table(rng_rows, lines)
    if any(k[0] == "cpu" for k in bench):
        lines += ["", "### Ising, CPU reference backend (this run's host)", ""]
        ising_cpu_table(bench, lines)


def bm_section(bdoc, pdoc, lines):
    """Dense Boltzmann machines: flips/ns per chain case and states/s per enumeration case,
    with the hand-written peer (bench/peers/bm_peers.py) where it ran the same N and C."""
    peer = {}
    for r in (pdoc or {}).get("results", []):
        if "flips_per_ns" in r:
            peer[(r["N"], r["C"])] = (r["flips_per_ns"], r.get("peer", "?"))
    lines += ["", "## Dense Boltzmann machines (SK, sequential scan)", "",
              "| case | flips/ns | peer flips/ns | speed-up |", "|---|---|---|---|"]
    enum = []
    for b in (bdoc or {}).get("benchmarks", []):
        name = b.get("name", "").replace("/manual_time", "").replace("/real_time", "")
        if b.get("error_occurred"):
            lines.append(f"| {name} | {b.get('error_message', 'error')} | | |")
            continue
        if "states_per_s" in b:
            enum.append((name, b["states_per_s"]))
            continue
        if "flips_per_ns" not in b:
            continue
        parts = dict(p.split(":", 1) for p in name.split("/") if ":" in p)
        key = (int(parts.get("N", 0)), int(parts.get("C", 0)))
        pf, pn = peer.get(key, (None, None))
        mine = b["flips_per_ns"]
        cells = [f"{mine:.3g}", f"{pf:.3g} ({pn})" if pf else "—",
                 f"{mine / pf:.0f}×" if pf and "heatbath" in name else "—"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if enum:
        lines += ["", "| enumeration case | states/s |", "|---|---|"]
        lines += [f"| {n} | {v:.3g} |" for n, v in enum]


def write_lines(lines, out):
    """The table's lines, one per line, to the file `out` or (without one) to stdout."""
    text = "\n".join(lines) + "\n"
    if out:
        with open(out, "w") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bench", help="boltzkit_bench_gaussian --benchmark_out JSON")
    ap.add_argument("--peers", help="gaussian_peers.py --out JSON")
    ap.add_argument("--ising-bench", help="boltzkit_bench_ising --benchmark_out JSON")
    ap.add_argument("--ising-peers", help="ising_peers.py --out JSON")
    ap.add_argument("--bm-bench", help="boltzkit_bench_bm --benchmark_out JSON")
    ap.add_argument("--bm-peers", help="bm_peers.py --out JSON")
    ap.add_argument("--bw", default="bench",
                    help="floor bandwidth: bench (the benchmark's counters), measured, or bytes/s")
    ap.add_argument("--out", help="write the markdown here (default: stdout)")
    args = ap.parse_args()
    if not args.bench and not args.ising_bench and not args.bm_bench:
        ap.error("give --bench, --ising-bench and/or --bm-bench")

    def load_optional(path, what):
        if not path:
            return None
        try:
            return load(path)
        except (OSError, ValueError) as e:
            print(f"make_table: {what} file unusable ({e}); no {what} columns", file=sys.stderr)
            return None

    idoc = load(args.ising_bench) if args.ising_bench else None
    ipdoc = load_optional(args.ising_peers, "Ising peers")
    bmdoc = load_optional(args.bm_bench, "bm benchmark")
    bmpdoc = load_optional(args.bm_peers, "bm peers")
    if not args.bench:  # Ising and/or bm only
        lines = ["# boltzkit — Ising and dense-BM benchmarks"]
        if idoc or ipdoc:
            ising_section(idoc, ipdoc, lines)
        if bmdoc:
            bm_section(bmdoc, bmpdoc, lines)
        write_lines(lines, args.out)
        return 0

    bdoc = load(args.bench)
    pdoc = load_optional(args.peers, "peers")
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
    lines = ["# boltzkit — Gaussian" + (" and Ising" if idoc else "") + " benchmarks", ""]
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
    if idoc or ipdoc:
        ising_section(idoc, ipdoc, lines)
    if bmdoc:
        bm_section(bmdoc, bmpdoc, lines)
    write_lines(lines, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
