#!/usr/bin/env python3
"""Static performance model of boltzkit's GPU kernels on an H100 SXM, from the built library.

  python3 bench/static_model/static_model.py build/release/host/libboltzkit.a
      [--out-dir bench/results] [--compare bench_gaussian.json --compare bench_ising.json]
      [--loops] [--strict] [--clock-ghz 1.755] [--bandwidth 3.0e12] [--launch-us 2]
      [--library-efficiency 0.25] [--imad-on-alu] [--cuobjdump PATH] [--nvdisasm PATH]

Disassembles the sm_90 SASS of the library (cuobjdump + nvdisasm), counts each kernel's
instructions by pipe class, finds its loops (backward branches) and names them through the line
table, multiplies each loop by its trip count per work unit for every benchmark case (models.py),
and turns the counts into a time on an H100 SXM with documented per-SM throughputs
(hardware.py): time = max(issue, each pipe, DRAM) per kernel, summed over the kernels of a case.
Writes static_model.json (one object per benchmark case with a target) and static_model.md (the
printed tables) to --out-dir. See README.md for the method and every assumption.

Exit status: 0 when the tables were written (a kernel whose loops no longer match the model is
reported as "stale" in its row); 1 with --strict if any row is stale; 2 on usage/tool errors.
Standard library only.
"""

import argparse
import json
import math
import os
import re
import subprocess
import sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import hardware  # noqa: E402
import mixture_model  # noqa: E402
import models  # noqa: E402
import sass  # noqa: E402
from models import LSU  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))

# Benchmark cases (bench/gaussian/gaussian_bench.cpp docs/ANCHORS.md sizes; bench/ising/ising_bench.cpp packed cases)
# and the issue-9 targets.
GAUSSIAN_CASES = [  # (D, B, target ms)
    (4, 1048576, 0.65), (8, 1048576, 1.48), (16, 262144, 0.67), (32, 65536, 0.72),
    (64, 16384, 0.77), (128, 4096, 0.78)]
BETA_T15 = 1.0 / 1.5
BETA_C = 0.4406868
ISING_CASES = [  # (lx, ly, replicas, target flips/ns)
    (128, 128, 4096, 1000.0), (16384, 16384, 1, 2000.0), (65536, 65536, 1, 2000.0)]
ISING_ALGORITHMS = ("metropolis", "heat_bath")
RECORDED_CALLS = {"per_lane": 3.9, "per_warp": 6.3}  # CPU backend at beta_c (NOTES.md; issue 9)

FUSED_NAME = r"gaussian_fused_kernel<float, %d, \(boltzkit::kernels::MatrixKind\)0>"
ROWS_NAME = r"gaussian_rows_kernel<float, %d, \(boltzkit::kernels::MatrixKind\)0>"
ROWS_DIMS = (9, 64)  # host/gaussian/tuning.hpp gaussian_rows_min_dim / gaussian_rows_max_dim
# The block-per-matrix kernel (64 < D <= BLOCK_MAX_DIM, host/gaussian/tuning.hpp
# gaussian_block_max_dim_float) and the cases that compare it with the library path (the
# bench's large-path sizes, bench/gaussian/gaussian_bench.cpp).
BLOCK_NAME = r"gaussian_block_kernel<float, \(boltzkit::kernels::MatrixKind\)0>"
BLOCK_MAX_DIM = 256
CROSSOVER_CASES = [(128, 4096), (256, 1024)]
# The library path on its own (fp32 covariance, every gradient): the crossover sizes and the
# bench's library-path sizes above the block kernel (bench/gaussian/gaussian_bench.cpp).
LIBRARY_CASES = [(128, 4096), (256, 1024), (384, 512), (512, 256)]
REGISTER_NAME = r"gaussian_register_kernel<float, %d, \(boltzkit::kernels::MatrixKind\)0>"
REGISTER_MAX_DIM = 8  # host/gaussian/tuning.hpp gaussian_register_max_dim
# The plane loop is chosen by the thresholds (prepare_packed_update): two fractional levels for
# 2D Metropolis (PlaneMode::pair = 1), a mirror-exact table with two fractional levels below d
# for 2D heat bath (PlaneMode::mirror_pair = 2); see updated_word.
PACKED_NAMES = {"metropolis": r"packed_half_sweep_kernel<2, boltzkit::kernels::PhiloxPlanes, "
                              r"\(boltzkit::kernels::PlaneMode\)1>",
                "heat_bath": r"packed_half_sweep_kernel<2, boltzkit::kernels::PhiloxPlanes, "
                             r"\(boltzkit::kernels::PlaneMode\)2>"}
PACKED_MODES = {"metropolis": "pair", "heat_bath": "mirror_pair"}
LARGE_NAMES = {
    "pack_lower": r"pack_lower_kernel<float>",
    "set_pointers": r"set_pointers_kernel<float>",
    "check_diagonal": r"check_diagonal_kernel<float>",
    "build_rhs": r"build_rhs_kernel<float>",
    "log_prob": r"log_prob_kernel<float>",
    "store_gradient_vectors": r"store_gradient_vectors_kernel<float>",
    "store_matrix_gradient":
        r"store_matrix_gradient_kernel<float, \(boltzkit::kernels::MatrixKind\)0>",
}
# bm chain sweeps (bench/bm/bm_bench.cpp: SK couplings N(0, 1/N), beta 1, sequential scan; 5
# sweeps per timed call, 1 at N = 4096) and the issue-10 target (N = 1024/4096: none stated, the
# N = 256 figure is used).
BM_SWEEP_CASES = [  # (N, chains, sweeps per call, target flips/ns)
    (256, 4096, 5, 300.0), (1024, 4096, 5, 300.0), (4096, 1024, 1, 300.0)]
BM_FLIP_RATE = 0.5  # heat bath from random spins: E[sigmoid(-2 beta h s)] = 1/2 (README A12)
BM_SWEEP_NAME = r"bm_sweep_kernel\(boltzkit::kernels::BmSweepLaunch\)"
# Blocked bm sweeps (issue 10 "delayed, blocked field updates"; MATH.md §2.8): SK N = 256, 1024,
# 4096 with 4096 chains. B and the decision kernel's block size are copies of host/bm/tuning.hpp
# (block_spins, block_threads); 5 sweeps per call (1 at N = 4096), as bench/bm.
BM_BLOCKED_CASES = [  # (N, chains, sweeps per call, target flips/ns)
    (256, 4096, 5, 300.0), (1024, 4096, 5, 300.0), (4096, 4096, 1, 300.0)]
BM_BLOCK_SPINS = 64
BM_BLOCK_THREADS = 32
BM_BLOCK_NAME = r"bm_block_kernel<64>\(boltzkit::kernels::BmBlockLaunch\)"
# The tile kernel of the blocked path (host/bm/gpu.cu launch_tiled, taken up to
# tuning::tile_max_spins). Copies of host/bm/tuning.hpp: tile_threads, tile_block_spins,
# tile_chains_max/min, shared_bytes_max, tile_max_spins; the heat-bath instance (Alg = 0).
BM_TILE_THREADS = 128
BM_TILE_SPINS = 32
BM_TILE_CHAINS = (32, 16, 8)
BM_TILE_MAX_SPINS = 2048
BM_SHARED_MAX = 227 * 1024
BM_TILE_NAME = r"bm_tile_kernel<32, 0, %d, %d>\(boltzkit::kernels::BmTileLaunch\)"  # % (T, TW)
BM_TILE_REGISTER_TILES = 2  # tuning::tile_register_tiles: fields in registers at T = 32, N <= 256
# Tile kernel against the GEMM variant of the blocked path (tuning::tile_max_spins rests on it):
# (N, chains, sweeps per call).
BM_TILE_CROSSOVER = [(256, 4096, 1), (256, 4096, 5), (1024, 4096, 1), (1024, 4096, 5), (1536, 4096, 1), (1536, 4096, 5),
                     (2048, 4096, 1), (2048, 4096, 5), (3072, 4096, 1), (3072, 4096, 5)]
# bm exact enumeration (bench/bm: SK couplings, beta 1; issue 10: >= 1e9 states/s on the GPU)
BM_EXACT_CASES = [(24, 1e9), (26, 1e9), (28, 1e9), (30, 1e9)]
BM_EXACT_NAME = r"bm_exact_kernel\(boltzkit::kernels::BmExactLaunch\)"
CLASS_COLUMNS = ("fp32", "imad", "int", "lds", "sts", "ldg", "stg", "shfl", "mufu", "conv",
                 "local", "uniform", "control", "const", "fp64", "dmma", "hmma")


KINDS = {"0": "covariance", "1": "precision", "2": "cholesky"}


def fmt_name(name):
    """'void boltzkit::kernels::k<float, 1, (boltzkit::kernels::MatrixKind)0>(args)' ->
    'k<float, 1, covariance>'."""
    name = name.replace("boltzkit::kernels::", "")
    name = re.sub(r"\(MatrixKind\)(\d)", lambda m: KINDS.get(m.group(1), m.group(0)), name)
    if name.startswith("void "):
        name = name[5:]
    depth = 0
    for i, ch in enumerate(name):
        depth += (ch == "<") - (ch == ">")
        if ch == "(" and depth == 0:
            return name[:i]
    return name


def fmt(v, digits=3):
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    if v == 0:
        return "0"
    if abs(v) >= 1000:
        return "{:,.0f}".format(v)
    return "{:.{d}g}".format(v, d=digits)


class Context(object):
    def __init__(self, args):
        self.args = args
        self.hw = hardware.H100
        if args.clock_ghz:
            self.hw.clock_ghz = args.clock_ghz
        if args.bandwidth:
            self.hw.dram_bytes_per_s = args.bandwidth
        if args.l2_bandwidth:
            self.hw.l2_bytes_per_s = args.l2_bandwidth
        if args.launch_us is not None:
            self.hw.launch_overhead_us = args.launch_us
        self.sources = sass.SourceIndex(args.source_root or REPO)
        self.kernels = sass.load_library(args.library, args.cuobjdump, args.nvdisasm)
        self._analysis = {}

    def find(self, pattern, prefer=None):
        found = [k for k in self.kernels if re.search(pattern, k.name)]
        if prefer:
            preferred = [k for k in found if prefer in k.member]
            found = preferred or found
        if not found:
            return None
        k = found[0]
        if k.analysis is None:
            k.analysis = sass.Analysis(k)
            sass.name_loops(k.analysis, self.sources)
        return k


# --------------------------------------------------------------------------------------------
# Time of one launch


def kernel_time(ctx, totals, dram_bytes, blocks, l2_bytes=None):
    """Per-launch bounds (ms) and the largest one's name. l2_bytes: the bytes the SMs move
    to and from L2 in the launch (L2 hits and DRAM traffic together), charged at
    hardware.l2_bytes_per_s for the kernels whose L2 traffic is modelled (None: no L2 bound)."""
    hw = ctx.hw
    imad_on_alu = ctx.args.imad_on_alu
    n_all = sum(v for k, v in totals.items() if k != LSU)
    alu = totals["int"] + (totals["imad"] if imad_on_alu else 0)
    cycles = {
        "issue": n_all / hw.issue_per_clk_per_sm,
        "alu": alu * 32.0 / hw.alu_lanes,
        "fma": (totals["fp32"] + (0 if imad_on_alu else totals["imad"])) * 32.0 / hw.fp32_lanes,
        "fma_heavy": (0 if imad_on_alu else totals["imad"]) * 32.0 / hw.fma_heavy_lanes,
        "fp64": totals["fp64"] * 32.0 / hw.fp64_lanes,
        # DMMA.884 (mma.sync m8n8k4 .f64): 8 x 8 x 4 x 2 = 512 flops at the FP64 tensor-core
        # peak per SM (A18)
        "fp64 tensor": totals["dmma"] * 512.0 / hw.fp64_tensor_flops,
        # HMMA.1688.F32.TF32 (mma.sync m16n8k8 .tf32): 16 x 8 x 8 x 2 = 2048 flops at the
        # assumed mma.sync share of the TF32 tensor peak (A20)
        "tf32 tensor": totals["hmma"] * 2048.0 /
                       (hw.tf32_tensor_flops_per_clk_per_sm * hw.mma_sync_tf32_fraction),
        # MUFU and conversions share the XU pipe (16 lanes per clock per SM)
        "xu": totals["mufu"] * 32.0 / hw.mufu_lanes + totals["conv"] * 32.0 / hw.conv_lanes,
        "shfl": totals["shfl"] * 32.0 / hw.shfl_lanes,
        "lsu": totals[LSU],
    }
    # the busiest SM runs ceil(blocks / SMs) of the blocks
    share = math.ceil(blocks / float(hw.sms)) / float(blocks)
    times = {k: v * share / (hw.clock_ghz * 1e9) * 1e3 for k, v in cycles.items()}
    times["dram"] = dram_bytes / hw.dram_bytes_per_s * 1e3
    if l2_bytes is not None:
        times["l2"] = l2_bytes / hw.l2_bytes_per_s * 1e3
    bound = max(times, key=times.get)
    return times, bound


def run_kernel(ctx, key, kernel, specs, units, unit_name, blocks, threads, dyn_smem, dram_bytes,
               launches=1, l2_bytes=None):
    """One kernel launch (repeated `launches` times with the same cost); dram_bytes and
    l2_bytes (None: not modelled) are per launch."""
    out = {"name": fmt_name(kernel.name) if kernel else key, "launches": launches,
           "blocks": blocks, "threads_per_block": threads, "dynamic_smem_bytes": dyn_smem,
           "dram_bytes": dram_bytes}
    if l2_bytes is not None:
        out["l2_bytes"] = l2_bytes
    if kernel is None:
        out["error"] = "kernel not found in the library (pattern for %s)" % key
        return out
    km = models.KernelModel(kernel, ctx.sources, specs)
    res = kernel.resources
    occ = hardware.occupancy(ctx.hw, res["reg"], threads, res["shared"] + dyn_smem)
    spill_instr = sum(1 for i in kernel.instrs if i.cls == "local")
    out.update({"registers": res["reg"], "stack_bytes": res["stack"], "local_bytes": res["local"],
                "local_instructions": spill_instr, "static_smem_bytes": res["shared"],
                "occupancy_warps_per_sm": occ["warps_per_sm"],
                "occupancy_limited_by": occ["limited_by"], "model": km})
    if km.errors:
        out["error"] = "; ".join(km.errors)
        return out
    unit, prologue = km.per_unit()
    warps = blocks * ((threads + 31) // 32)
    totals = Counter()
    models.add_into(totals, unit, units)
    models.add_into(totals, prologue, warps)
    times, bound = kernel_time(ctx, totals, dram_bytes, blocks, l2_bytes)
    overhead = ctx.hw.launch_overhead_us * 1e-3
    out.update({"units": units, "unit": unit_name, "per_unit": unit, "totals": totals,
                "bounds_ms": times, "bound": bound,
                "time_ms": launches * (max(times.values()) + overhead)})
    return out


def library_call(ctx, name, flops, bytes_moved, launches=1):
    """cuSOLVER/cuBLAS batched calls are not in our SASS: max(flops at a fraction of the FP32
    FMA peak, bytes at the DRAM bandwidth)."""
    hw = ctx.hw
    peak = hw.sms * hw.fp32_lanes * 2 * hw.clock_ghz * 1e9
    eff = ctx.args.library_efficiency
    t_flop = flops / (eff * peak) * 1e3
    t_mem = bytes_moved / hw.dram_bytes_per_s * 1e3
    overhead = hw.launch_overhead_us * 1e-3
    return {"name": name, "launches": launches, "library": True, "flops": flops,
            "dram_bytes": bytes_moved,
            "bounds_ms": {"flops@%.0f%%" % (eff * 100): t_flop, "dram": t_mem},
            "bound": "flops" if t_flop >= t_mem else "dram",
            "time_ms": max(t_flop, t_mem) + launches * overhead}


def fp64_gemm_call(ctx, name, flops, bytes_moved, launches=1):
    """cuBLAS DGEMM, not in our SASS: per launch max(flops at the FP64 tensor-core peak
    (hardware.fp64_tensor_flops per clk per SM, efficiency 1), bytes at the DRAM bandwidth)
    plus the launch overhead. flops and bytes are per launch."""
    hw = ctx.hw
    peak = hw.sms * hw.fp64_tensor_flops * hw.clock_ghz * 1e9
    t_flop = flops / peak * 1e3
    t_mem = bytes_moved / hw.dram_bytes_per_s * 1e3
    overhead = hw.launch_overhead_us * 1e-3
    return {"name": name, "launches": launches, "library": True, "flops": flops * launches,
            "dram_bytes": bytes_moved * launches,
            "bounds_ms": {"fp64 tensor": t_flop, "dram": t_mem},
            "bound": "fp64 tensor" if t_flop >= t_mem else "dram",
            "time_ms": launches * (max(t_flop, t_mem) + overhead)}


def memory_call(name, bytes_moved, hw, launches=1):
    """An element-wise helper kernel charged by its DRAM bytes only (not from the SASS)."""
    t_mem = bytes_moved / hw.dram_bytes_per_s * 1e3
    return {"name": name, "launches": launches, "library": True, "dram_bytes": bytes_moved,
            "bounds_ms": {"dram": t_mem}, "bound": "dram",
            "time_ms": t_mem + launches * hw.launch_overhead_us * 1e-3}


# --------------------------------------------------------------------------------------------
# Cases


def gaussian_fused_case(ctx, n, batch, target):
    hw = ctx.hw
    plan = models.fused_plan(hw, n, batch)
    R = 1 if n <= 32 else 2
    kernel = ctx.find(FUSED_NAME % R)
    groups = plan["groups_per_warp"]
    tiles = -(-batch // groups)
    specs = models.fused_specs(n, R, plan["group_size"], groups)
    k = run_kernel(ctx, "gaussian_fused_kernel<float,%d,covariance>" % R, kernel, specs, tiles,
                   "warp tile (%d matrices)" % groups, plan["blocks"], plan["threads"],
                   plan["shared_bytes"], models.gaussian_fused_bytes(n) * batch)
    floor_ms = models.gaussian_floor_bytes(n, batch) / hw.dram_bytes_per_s * 1e3
    row = gaussian_row(n, batch, target, [k], "gaussian_fused_kernel<float, %d, covariance>" % R,
                       floor_ms, matrices=batch)
    row["launch"] = plan
    return row


def gaussian_rows_case(ctx, n, batch, target):
    """The row-register kernel (kernels/gaussian/fused_rows.cuh): fully unrolled for its
    capacity N, so the model is the hot path once per warp iteration (32/G matrices)."""
    hw = ctx.hw
    plan = models.rows_plan(hw, n, batch)
    N = plan["capacity"]
    kernel = ctx.find(ROWS_NAME % N)
    groups = 32 // plan["group_size"]
    iterations = -(-batch // groups)
    specs = models.rows_specs()
    k = run_kernel(ctx, "gaussian_rows_kernel<float,%d,covariance>" % N, kernel, specs,
                   iterations, "warp iteration (%d matrices)" % groups, plan["blocks"],
                   plan["threads"], plan["shared_bytes"], models.gaussian_fused_bytes(n) * batch)
    floor_ms = models.gaussian_floor_bytes(n, batch) / hw.dram_bytes_per_s * 1e3
    row = gaussian_row(n, batch, target, [k], "gaussian_rows_kernel<float, %d, covariance>" % N,
                       floor_ms, matrices=batch)
    row["launch"] = plan
    return row


def gaussian_register_case(ctx, n, batch, target):
    hw = ctx.hw
    plan = models.register_plan(hw, n, batch)
    kernel = ctx.find(REGISTER_NAME % n)
    desc = "gaussian_register_kernel<float, %d, covariance>" % n
    k = run_kernel(ctx, desc, kernel, models.register_specs(), plan["warp_passes"],
                   "warp pass (32 matrices)", plan["blocks"], plan["threads"],
                   plan["shared_bytes"], models.gaussian_register_bytes(n) * batch)
    floor_ms = models.gaussian_floor_bytes(n, batch) / hw.dram_bytes_per_s * 1e3
    row = gaussian_row(n, batch, target, [k], desc, floor_ms, matrices=batch)
    row["launch"] = plan
    return row


def gaussian_large_case(ctx, n, batch, target):
    """The library path, fp32 covariance with every gradient (host/gaussian/large_chunk.hpp):
    potrfBatched, W = L^-1 (copy, leaf kernel, pointer kernel, two trsmBatched per step of
    models.inverse_steps), z = W d and g = W^T z (one kernel), log p, C = W^T W (one
    gemmStridedBatched per block row of models.gram_rows, then the mirror kernel), the stores.
    The kernels new with this sequence are charged by their DRAM bytes (memory_call); their
    flops are < 1 % of the library calls' from D = 257 on (README A9)."""
    hw = ctx.hw
    kernels = []
    names = {key: ctx.find(pat, prefer="gaussian") for key, pat in LARGE_NAMES.items()}
    s = 4
    nn = n * n
    steps = models.inverse_steps(n)
    pairs = sum(p for _, _, p in steps)
    for count in models.large_chunks(n, batch):
        def elementwise(key, items, per_block_items=256, warps_per_item=None, dram=0.0):
            if warps_per_item:
                blocks = models.grid_for(hw, items * 32, 256)
            else:
                blocks = models.grid_for(hw, items, per_block_items)
            threads_total = blocks * 256
            warps = blocks * 8
            per_thread = items / float(warps if warps_per_item else threads_total)
            specs = models.elementwise_specs(key, per_thread, n)
            return run_kernel(ctx, key, names[key], specs, warps, "warp", blocks, 256, 0, dram)

        tri = sum(32 * models.sectors(i * n * s, i * n * s + (i + 1) * s - 1) for i in range(n))
        kernels.append(elementwise("pack_lower", count * nn, dram=count * (tri + nn * s)))
        kernels.append(elementwise("set_pointers", count, dram=count * 8))
        kernels.append(library_call(ctx, "cusolverDnSpotrfBatched (n=%d, batch=%d)" % (n, count),
                                    count * n ** 3 / 3.0, count * 2.0 * nn * s))
        kernels.append(elementwise("check_diagonal", count, dram=count * (n * 32 + 8)))
        kernels.append(elementwise("build_rhs", count * n, dram=count * 3 * n * s))
        # W = L^-1: L's lower half read, W written whole; leaves; the trsm pointers
        kernels.append(memory_call("copy_lower_kernel (bytes only)", count * 1.5 * nn * s, hw))
        kernels.append(memory_call("invert_diagonal_blocks_kernel (bytes only)",
                                   count * 2.0 * n * models.INVERSE_LEAF * s, hw))
        kernels.append(memory_call("inverse_pointers_kernel (bytes only)",
                                   count * 3.0 * pairs * 8, hw))
        for cols, rows, npairs in steps:
            b = count * npairs
            kernels.append(library_call(
                ctx, "cublasStrsmBatched x 2, W21 (%d x %d) by L11 and L22 (%d per matrix)"
                % (rows, cols, npairs),
                b * (float(rows) * cols * cols + float(rows) * rows * cols),
                b * (cols * cols / 2.0 + rows * rows / 2.0 + 4.0 * rows * cols) * s, launches=2))
        kernels.append(memory_call("triangular_vectors_kernel z = W d, g = W^T z (bytes only)",
                                   count * (nn * s + 3 * n * s), hw))
        kernels.append(elementwise("log_prob", count, warps_per_item=True,
                                   dram=count * (n * 32 + n * s + 16)))
        gram = models.gram_rows(n)
        kernels.append(library_call(
            ctx, "cublasSgemmStridedBatched C = W^T W, %d block rows of %d"
            % (len(gram), models.gram_block(n)),
            count * sum(2.0 * m * c * k for m, c, k in gram),
            count * sum((k * m + k * c + m * c) * s for m, c, k in gram), launches=len(gram)))
        kernels.append(memory_call("mirror_lower_kernel (bytes only)", count * nn * s, hw))
        kernels.append(elementwise("store_gradient_vectors", count * n,
                                   dram=count * (2 * n * s + 4)))
        kernels.append(elementwise("store_matrix_gradient", count * nn,
                                   dram=count * (nn * s + nn * s + 2 * n * s)))
    floor_ms = models.gaussian_floor_bytes(n, batch) / hw.dram_bytes_per_s * 1e3
    chunks = models.large_chunks(n, batch)
    desc = ("library path: %d chunk(s) x (potrfBatched + %d trsmBatched + %d gemmStridedBatched "
            "+ 11 kernels)" % (len(chunks), 2 * len(steps), len(models.gram_rows(n))))
    row = gaussian_row(n, batch, target, kernels, desc, floor_ms, matrices=batch)
    row["chunks"] = chunks
    return row


def gaussian_block_case(ctx, n, batch, target):
    """The block-per-matrix kernel (kernels/gaussian/fused_block.cuh), one launch; trip counts
    in models.block_specs."""
    hw = ctx.hw
    plan = models.block_plan(hw, n, batch)
    kernel = ctx.find(BLOCK_NAME)
    k = run_kernel(ctx, "gaussian_block_kernel<float,covariance>", kernel,
                   models.block_specs(n, plan["threads"] // 32), batch,
                   "matrix (one block iteration)", plan["blocks"], plan["threads"],
                   plan["shared_bytes"], models.gaussian_fused_bytes(n) * batch)
    floor_ms = models.gaussian_floor_bytes(n, batch) / hw.dram_bytes_per_s * 1e3
    row = gaussian_row(n, batch, target, [k], "gaussian_block_kernel<float, covariance>",
                       floor_ms, matrices=batch)
    row["launch"] = plan
    return row


def crossover_rows(ctx):
    """Block kernel and library path at the bench's large-path sizes: the crossover that
    tuning.hpp's gaussian_block_max_dim_float rests on."""
    out = []
    for n, batch in CROSSOVER_CASES:
        block = gaussian_block_case(ctx, n, batch, 0.0)
        library = gaussian_large_case(ctx, n, batch, 0.0)
        counts = (block.get("per_unit") or {}).get("counts", Counter())
        out.append({"D": n, "B": batch, "block_ms": block.get("predicted_ms"),
                    "block_instructions": sum(v for k, v in counts.items() if k != LSU),
                    "block_fp32": counts.get("fp32", 0), "block_lsu_cycles": counts.get(LSU, 0),
                    "block_bound": block.get("bound") or block["status"],
                    "library_ms": library.get("predicted_ms"),
                    "library_bound": library.get("bound") or library["status"],
                    "floor_ms": block["floor_ms"]})
    return out


def crossover_section(crossover):
    L = ["## Block kernel against the library path (64 < D <= %d)" % BLOCK_MAX_DIM, ""]
    table = []
    for c in crossover:
        faster = None
        if c["block_ms"] and c["library_ms"]:
            faster = "block" if c["block_ms"] < c["library_ms"] else "library"
        table.append([c["D"], "{:,}".format(c["B"]), fmt(c["block_ms"]), c["block_bound"],
                      fmt(c["block_instructions"]), fmt(c["block_fp32"]),
                      fmt(c["block_lsu_cycles"]), fmt(c["library_ms"]), c["library_bound"],
                      fmt(c["floor_ms"]), faster or "-"])
    L += md_table(["D", "B", "block kernel ms", "bound", "warp instr./matrix", "fp32/matrix",
                   "lsu cyc/matrix", "library path ms", "bound", "floor ms", "faster"], table)
    L.append("")
    L.append("fp32 covariance, log p + d/dmu + d/dSigma. gpu.cu sends fused_max_dim < D <= "
             "tuning::gaussian_block_max_dim_float to the block kernel because it is predicted "
             "faster at both sizes; re-measure the crossover when a GPU is lent.")
    L.append("")
    return L


def library_rows(ctx):
    out = []
    for n, batch in LIBRARY_CASES:
        row = gaussian_large_case(ctx, n, batch, 0.0)
        ks = row["kernels"]
        out.append({"D": n, "B": batch, "ms": row.get("predicted_ms"),
                    "bound": row.get("bound") or row["status"], "chunks": len(row["chunks"]),
                    "launches": sum(k.get("launches", 1) for k in ks),
                    "library_gflop": sum(k.get("flops", 0.0) for k in ks) / 1e9,
                    "library_ms": sum(k["time_ms"] for k in ks if k.get("library") and
                                      k.get("flops")),
                    "floor_ms": row["floor_ms"], "kernels": ks})
    return out


def library_section(rows):
    L = ["## Library path (potrfBatched and cuBLAS beyond the block kernel)", ""]
    table = [[r["D"], "{:,}".format(r["B"]), r["chunks"], r["launches"], fmt(r["library_gflop"]),
              fmt(r["library_ms"]), fmt(r["ms"]), r["bound"], fmt(r["floor_ms"])] for r in rows]
    L += md_table(["D", "B", "chunks", "launches", "library GFLOP", "library calls ms",
                   "total ms", "bound", "floor ms"], table)
    L.append("")
    L.append("fp32 covariance, log p + d/dmu + d/dSigma (host/gaussian/large_chunk.hpp). Library "
             "calls at --library-efficiency of the FP32 peak (README A9); the element-wise "
             "kernels from their SASS or, where marked, their DRAM bytes. Calls at the largest "
             "size:")
    L.append("")
    last = rows[-1]
    calls = [[k["name"], k.get("launches", 1), fmt(k.get("flops", 0.0) / 1e9),
              fmt(k.get("dram_bytes", 0.0) / 1e6), fmt(k.get("time_ms")), k.get("bound", "-")]
             for k in last["kernels"][:len(last["kernels"]) // max(1, last["chunks"])]]
    L += md_table(["call (D = %d, one chunk of %d)" % (last["D"], last["B"] // last["chunks"]),
                   "launches", "GFLOP", "DRAM MB", "ms", "bound"], calls)
    L.append("")
    return L


def gaussian_row(n, batch, target, kernels, desc, floor_ms, matrices):
    row = {"case": "gaussian/gpu/fp32/full/D:%d/B:%d" % (n, batch), "kernel": desc,
           "family": "gaussian", "D": n, "B": batch, "target_ms": target, "floor_ms": floor_ms,
           "kernels": kernels}
    errors = [k["error"] for k in kernels if "error" in k]
    if errors:
        row.update({"predicted_ms": None, "status": "stale: " + errors[0]})
        return row
    total = sum(k["time_ms"] for k in kernels)
    row.update({"predicted_ms": total, "status": "ok", "meets_target": total <= target,
                "pct_of_floor": floor_ms / total * 100,
                "bound": dominant_bound(kernels)})
    per = Counter()
    for k in kernels:
        if "totals" in k:
            models.add_into(per, k["totals"], 1.0 / matrices)
    row["per_unit"] = {"unit": "matrix", "counts": per}
    return row


def dominant_bound(kernels):
    best = max(kernels, key=lambda k: k.get("time_ms", 0))
    return ("%s (%s)" % (best["bound"], short_kernel(best["name"]))
            if len(kernels) > 1 else best["bound"])


def short_kernel(name):
    return name.split("<")[0].split(" (")[0]


def ising_case(ctx, lx, ly, replicas, beta, algorithm, target):
    hw = ctx.hw
    stats = models.plane_statistics(beta, algorithm)
    calls = stats["philox_calls_per_warp"]
    words = replicas * lx * ly // 128  # per colour
    blocks = models.grid_for(hw, words, 256)
    kernel = ctx.find(PACKED_NAMES[algorithm])
    k = run_kernel(ctx, "packed_half_sweep_kernel<2>", kernel, models.packed_specs(calls),
                   words / 32.0, "warp iteration (32 words)", blocks, 256, 0, 24.0 * words,
                   launches=2)
    name = "ising/gpu/packed/%s/L:%dx%d/R:%d/beta:%s" % (algorithm, lx, ly, replicas,
                                                        "%.7g" % beta)
    row = {"case": name, "kernel": "packed_half_sweep_kernel<2, PhiloxPlanes, %s> x 2 per sweep"
           % PACKED_MODES[algorithm],
           "family": "ising", "algorithm": algorithm, "beta": beta,
           "T": round(1 / beta, 4), "target_flips_per_ns": target, "plane_model": stats,
           "kernels": [k]}
    if "error" in k:
        row.update({"predicted_flips_per_ns": None, "status": "stale: " + k["error"]})
        return row
    sweep_ns = k["time_ms"] * 1e6
    flips = replicas * lx * ly / sweep_ns
    floor_ns = 0.375 * replicas * lx * ly / hw.dram_bytes_per_s * 1e9
    per = Counter()
    models.add_into(per, k["totals"], 2.0 / (2 * words))  # two launches, each `words` updates
    row.update({"predicted_flips_per_ns": flips, "status": "ok", "meets_target": flips >= target,
                "bound": k["bound"], "floor_flips_per_ns": replicas * lx * ly / floor_ns,
                "per_unit": {"unit": "64-spin word", "counts": per}})
    return row


def bm_sweep_case(ctx, n, chains, sweeps, target, flip_rate=BM_FLIP_RATE):
    """One bm_sweep_kernel launch of `sweeps` heat-bath sweeps over `chains` chains (one warp
    per chain, kernels/bm/policy.hpp chain_launch). DRAM: spins in and out, J once when it fits
    in half the L2, else once per sweep: with the sequential scan every chain reads row u at
    about the same time, so a row is fetched once and served from L2 to the other chains."""
    hw = ctx.hw
    warps = 4  # bm tuning chains_per_block; shared n*9 B per warp stays under 227 KB to n = 6300
    j_shared = n * n * 8 + warps * n * 9 <= 48 * 1024
    smem = (n * n * 8 if j_shared else 0) + warps * n * 9
    blocks = -(-chains // warps)
    flips = flip_rate * n * sweeps * chains
    j_bytes = 8.0 * n * n * (1 if 8.0 * n * n <= hw.l2_bytes / 2 else sweeps)
    dram = 2.0 * n * chains + 8.0 * n + j_bytes
    kernel = ctx.find(BM_SWEEP_NAME)
    k = run_kernel(ctx, "bm_sweep_kernel", kernel,
                   models.bm_sweep_specs(n, sweeps, flip_rate, j_shared), chains,
                   "chain (one warp)", blocks, warps * 32, smem, dram)
    row = {"case": "bm/gpu/heatbath/N:%d/C:%d/beta:1" % (n, chains),
           "kernel": "bm_sweep_kernel (%d sweeps per launch)" % sweeps, "family": "bm",
           "N": n, "C": chains, "sweeps": sweeps, "flip_rate": flip_rate,
           "target_flips_per_ns": target, "kernels": [k]}
    if "error" in k:
        row.update({"predicted_flips_per_ns": None, "status": "stale: " + k["error"]})
        return row
    rate = n * chains * sweeps / (k["time_ms"] * 1e6)
    per = Counter()
    models.add_into(per, k["totals"], 1.0 / (n * chains * sweeps))
    row.update({"predicted_flips_per_ns": rate, "status": "ok", "meets_target": rate >= target,
                "bound": k["bound"], "per_unit": {"unit": "attempted update", "counts": per}})
    return row


def bm_blocked_case(ctx, n, chains, sweeps, target, flip_rate=BM_FLIP_RATE):
    """One bm::sweep call of `sweeps` sweeps on the blocked path (host/bm/gpu.cu
    launch_blocked): the grid (3 element-wise kernels over J), the field build (operands kernel +
    DGEMM k = N), then per sweep and block of B sites the decision kernel (SASS) and the DGEMM
    f += J[:, block]·ΔS (k = B). The fields f (N x C fp64) are read and written by every block
    DGEMM and counted at the DRAM bandwidth (they fit in L2 only for N = 256, 1024). L2: the
    decision kernel's thread blocks each copy the B x B block of J into shared memory, so every
    launch moves (C/32)·B²·8 bytes from L2 on top of its DRAM bytes (README A16)."""
    hw = ctx.hw
    b, threads = BM_BLOCK_SPINS, BM_BLOCK_THREADS
    nblocks = -(-n // b)
    launches = nblocks * sweeps
    cta = -(-chains // threads)
    warps = cta * (threads // 32)
    # per decision launch: spins (B bytes per chain, 32-byte sectors) in and out, f rows in, ds out
    dram = 2.0 * 32 * -(-b // 32) * chains + 8.0 * b * chains * 2 + 8.0 * n * b
    l2 = dram + 8.0 * b * b * cta
    kernel = ctx.find(BM_BLOCK_NAME)
    k = run_kernel(ctx, "bm_block_kernel<%d>" % b, kernel, models.bm_block_specs(b, threads), warps,
                   "warp (32 chains x one block of %d sites)" % b, cta, threads, b * b * 8, dram,
                   launches=launches, l2_bytes=l2)
    gemm = fp64_gemm_call(ctx, "cublasDgemm f += J[:, block] dS (m=%d, n=%d, k=%d)" % (chains, n, b),
                          2.0 * n * chains * b, 16.0 * n * chains + 8.0 * n * b + 8.0 * b * chains,
                          launches=launches)
    setup = [memory_call("grid: row bounds, shift, quantize (3 kernels)", 8.0 * (3 * n * n + 4 * n),
                         hw, launches=3),
             memory_call("field operands (x = spins^T, f = h)", chains * n * (1.0 + 16.0), hw),
             fp64_gemm_call(ctx, "cublasDgemm f += J x (m=%d, n=%d, k=%d)" % (chains, n, n),
                            2.0 * n * n * chains, 8.0 * (n * n + 3 * n * chains))]
    row = {"case": "bm/gpu/heatbath/blocked/N:%d/C:%d/beta:1" % (n, chains), "path": "blocked",
           "kernel": "bm_block_kernel<%d> + cublasDgemm per block (%d sweeps per call)" % (b, sweeps),
           "family": "bm", "N": n, "C": chains, "sweeps": sweeps, "flip_rate": flip_rate,
           "target_flips_per_ns": target, "kernels": [k, gemm] + setup}
    rate, per = bm_rate(row, k, float(launches))
    if rate is None:
        return row
    times = {"decision kernel": k["time_ms"], "block DGEMMs": gemm["time_ms"],
             "set-up": sum(x["time_ms"] for x in setup)}
    row.update({"predicted_flips_per_ns": rate, "status": "ok", "meets_target": rate >= target,
                "bound": max(times, key=times.get) + " (" + (k["bound"] if max(times, key=times.get)
                         == "decision kernel" else gemm["bound"]) + ")",
                "time_split_ms": times,
                "per_unit": {"unit": "attempted update (decision kernel only)", "counts": per}})
    return row


def bm_rate(row, k, launches):
    """Flips/ns of a bm row from the time of all its kernels, and kernel k's instruction counts
    per attempted update (k ran `launches` times per call); (None, None) with the row marked
    stale when k's SASS no longer matches its source."""
    if "error" in k:
        row.update({"predicted_flips_per_ns": None, "status": "stale: " + k["error"]})
        return None, None
    updates = row["N"] * row["C"] * row["sweeps"]
    total_ms = sum(x["time_ms"] for x in row["kernels"])
    per = Counter()
    models.add_into(per, k["totals"], launches / updates)
    return updates / (total_ms * 1e6), per


def bm_tile_register_tiles(n, t, threads=BM_TILE_THREADS):
    """kernels/bm/policy.hpp tile_register_tiles: row tiles of fields per warp in registers."""
    tw = BM_TILE_REGISTER_TILES
    return tw if t == 32 and n <= tw * 32 * (threads // 32) else 0


def bm_tile_smem(n, t):
    """kernels/bm/policy.hpp tile_shared_bytes: fields (or the block's rows), J block,
    thresholds, scales (doubles), ΔS words and spin masks (32-bit)."""
    b = BM_TILE_SPINS
    rows = b if bm_tile_register_tiles(n, t) else n
    return 8 * (rows * t + b * b + (b + 1) * t + t) + 4 * ((b + 1) * t + t * -(-n // 32))


def bm_tile_chains(n):
    """kernels/bm/policy.hpp tile_chains: T for n spins, or 0 when no tile fits."""
    for t in BM_TILE_CHAINS:
        if bm_tile_smem(n, t) <= BM_SHARED_MAX:
            return t
    return 0


def bm_tiled_case(ctx, n, chains, sweeps, target, flip_rate=BM_FLIP_RATE):
    """One bm::sweep call on the tiled blocked path (host/bm/gpu.cu launch_tiled): the grid
    (3 element-wise kernels over J, as the GEMM variant) and one bm_tile_kernel launch for all
    sweeps (SASS). DRAM (A17): J and h once, the spins read and written once per call (they are
    bit masks in shared memory in between). L2 (A17): every thread block reads all of J once per
    sweep and once for the field build (J is at most 32 MB here, so these are L2 hits after the
    first), plus its h and its chains' spins in and out; charged at hardware.l2_bytes_per_s as
    the kernel's "l2" bound and reported in the row (l2_j_bytes: J alone)."""
    hw = ctx.hw
    b, threads = BM_TILE_SPINS, BM_TILE_THREADS
    t = bm_tile_chains(n)
    row = {"case": "bm/gpu/heatbath/blocked/N:%d/C:%d/beta:1" % (n, chains), "path": "tiled",
           "family": "bm", "N": n, "C": chains, "sweeps": sweeps, "flip_rate": flip_rate,
           "target_flips_per_ns": target, "tile_chains": t}
    if t == 0:
        row.update({"kernel": "bm_tile_kernel (no tile fits)", "kernels": [],
                    "predicted_flips_per_ns": None, "status": "n/a: no tile fits shared memory"})
        return row
    cta = -(-chains // t)
    blocks = -(-n // b)
    smem = bm_tile_smem(n, t)
    dram = 8.0 * n * n + 8.0 * n + 2.0 * n * chains  # spins read and written once per call
    # SM <-> L2: per thread block J (n x n doubles) per sweep and for the field build (the
    # decisions' J block copy reads lines the block's DMMA loads read again right after: counted
    # once, as L1 hits for the second reader), h, and its T chains' spins in and out
    l2_j = 8.0 * n * n * cta * (sweeps + 1)
    l2 = l2_j + cta * (8.0 * n + 2.0 * t * n)
    tw = bm_tile_register_tiles(n, t, threads)
    kernel = ctx.find(BM_TILE_NAME % (t, tw))
    k = run_kernel(ctx, "bm_tile_kernel<%d, 0, %d, %d>" % (b, t, tw), kernel,
                   models.bm_tile_specs(n, b, t, sweeps, threads, tw), cta,
                   "thread block (a tile of %d chains, %d warps)" % (t, threads // 32), cta,
                   threads, smem, dram, l2_bytes=l2)
    setup = [memory_call("grid: row bounds, shift, quantize (3 kernels)", 8.0 * (3 * n * n + 4 * n),
                         hw, launches=3)]
    row.update({"kernel": "bm_tile_kernel<%d, 0, %d, %d> (%d chains per block, %s, %d sweeps "
                "per launch)" % (b, t, tw, t, "fields in registers" if tw else "fields in shared "
                                 "memory", sweeps), "kernels": [k] + setup,
                "l2_j_bytes": l2_j})
    rate, per = bm_rate(row, k, 1.0)
    if rate is None:
        return row
    row.update({"predicted_flips_per_ns": rate, "status": "ok", "meets_target": rate >= target,
                "bound": "tile kernel (%s)" % k["bound"],
                "time_split_ms": {"tile kernel": k["time_ms"],
                                  "set-up": sum(x["time_ms"] for x in setup)},
                "per_unit": {"unit": "attempted update (tile kernel)", "counts": per}})
    return row


def bm_tile_crossover_rows(ctx):
    out = []
    for n, chains, sweeps in BM_TILE_CROSSOVER:
        gemm = bm_blocked_case(ctx, n, chains, sweeps, 300.0)
        tile = bm_tiled_case(ctx, n, chains, sweeps, 300.0)
        out.append({"N": n, "C": chains, "sweeps": sweeps, "tile_chains": tile.get("tile_chains"),
                    "gemm": gemm.get("predicted_flips_per_ns"),
                    "tile": tile.get("predicted_flips_per_ns"),
                    "tile_bound": tile.get("bound") or tile["status"]})
    return out


def bm_tile_crossover_section(crossover):
    L = ["## bm tile kernel against the GEMM path (blocked sweeps, heat bath)", ""]
    table = []
    for c in crossover:
        faster = "-"
        if c["gemm"] and c["tile"]:
            faster = "tile" if c["tile"] > c["gemm"] else "GEMM"
        table.append([c["N"], "{:,}".format(c["C"]), c["sweeps"], c["tile_chains"] or "-",
                      fmt(c["tile"]), c["tile_bound"], fmt(c["gemm"]), faster])
    L += md_table(["N", "chains", "sweeps/call", "chains per block", "tile kernel flips/ns",
                   "bound", "GEMM path flips/ns", "faster"], table)
    L.append("")
    slower = ["N = %d (%d sweep%s)" % (c["N"], c["sweeps"], "" if c["sweeps"] == 1 else "s")
              for c in crossover if c["N"] <= BM_TILE_MAX_SPINS and c["gemm"] and c["tile"]
              and c["tile"] < c["gemm"]]
    L.append("host/bm/tuning.hpp tile_max_spins sends the blocked path to the tile kernel up to "
             "N = %d (each call rebuilds the tile's fields); %s; re-measure the crossover when a "
             "GPU is lent." % (BM_TILE_MAX_SPINS, "the tile kernel is predicted faster at every "
                               "such N here" if not slower else "the GEMM path is predicted "
                               "faster at " + ", ".join(slower) + " (the tile kernel's L2 bound "
                               "at the published L2 figure against GEMMs whose fields are "
                               "charged at DRAM: both pessimistic, A16/A17)"))
    L.append("")
    return L


def bm_exact_case(ctx, n, target):
    """bm::exact::enumerate on the GPU: one bm_exact_kernel launch (one chunk per thread,
    256-thread blocks, grid_for), from the SASS. DRAM: every chunk's outputs (corr n^2 zeroed by a
    host-uploaded buffer and written, mean, ref, z) and its scratch rows (s, f, wk); J stays in
    L1/L2. Not modelled: the upload of the zeroed corr buffer, the downloads and the host merge
    (README A15)."""
    hw = ctx.hw
    log2 = models.bm_exact_chunk_log2(n)
    chunks = 2 ** (n - log2)
    blocks = models.grid_for(hw, chunks, 256)
    dram = chunks * (8.0 * n * n * 2 + 8.0 * (3 * n + 2) + n) + 8.0 * n * n
    kernel = ctx.find(BM_EXACT_NAME)
    k = run_kernel(ctx, "bm_exact_kernel", kernel, models.bm_exact_specs(n), chunks / 32.0,
                   "warp iteration (32 chunks of 2^%d states)" % log2, blocks, 256, 0, dram)
    row = {"case": "bm/gpu/exact/N:%d" % n, "kernel": "bm_exact_kernel (%d chunks of 2^%d states)"
           % (chunks, log2), "family": "bm_exact", "N": n, "chunks": chunks,
           "target_states_per_s": target, "kernels": [k]}
    if "error" in k:
        row.update({"predicted_states_per_s": None, "status": "stale: " + k["error"]})
        return row
    rate = 2.0 ** n / (k["time_ms"] * 1e-3)
    per = Counter()
    models.add_into(per, k["totals"], 1.0 / 2 ** n)
    row.update({"predicted_states_per_s": rate, "status": "ok", "meets_target": rate >= target,
                "bound": k["bound"], "per_unit": {"unit": "state", "counts": per}})
    return row


# --------------------------------------------------------------------------------------------
# Output


def class_counts(counter):
    return {c: round(counter.get(c, 0), 2) for c in CLASS_COLUMNS if counter.get(c, 0)}


def json_rows(rows):
    out = []
    for r in rows:
        o = {"case": r["case"], "kernel": r["kernel"], "status": r["status"]}
        if r["family"] == "gaussian":
            o["predicted_ms"] = round(r["predicted_ms"], 4) if r.get("predicted_ms") else None
            o["target_ms"] = r["target_ms"]
            o["floor_ms"] = round(r["floor_ms"], 4)
            o["pct_of_floor"] = (round(r["pct_of_floor"], 1)
                                 if r.get("pct_of_floor") is not None else None)
            if r.get("library_path_predicted_ms") is not None:
                o["library_path_predicted_ms"] = round(r["library_path_predicted_ms"], 4)
        elif r["family"] == "bm_exact":
            o["predicted_states_per_s"] = (float("%.4g" % r["predicted_states_per_s"])
                                           if r.get("predicted_states_per_s") else None)
            o["target_states_per_s"] = r["target_states_per_s"]
            o["chunks"] = r["chunks"]
        elif r["family"] == "bm":
            o["predicted_flips_per_ns"] = (round(r["predicted_flips_per_ns"], 3)
                                           if r.get("predicted_flips_per_ns") else None)
            o["target_flips_per_ns"] = r["target_flips_per_ns"]
            o["flip_rate"] = r["flip_rate"]
            o["sweeps_per_launch"] = r["sweeps"]
            o["path"] = r.get("path", "scalar")
            if "time_split_ms" in r:
                o["time_split_ms"] = {k: round(v, 5) for k, v in r["time_split_ms"].items()}
        elif r["family"] == "mixture":
            o.update(mixture_model.json_mixture(r))
        else:
            o["predicted_flips_per_ns"] = (round(r["predicted_flips_per_ns"], 1)
                                           if r.get("predicted_flips_per_ns") else None)
            o["target_flips_per_ns"] = r["target_flips_per_ns"]
            o["plane_model"] = {k: round(v, 4) for k, v in r["plane_model"].items()}
        o["meets_target"] = r.get("meets_target")
        o["bound"] = r.get("bound")
        if "per_unit" in r:
            pu = r["per_unit"]
            o["per_unit"] = {"unit": pu["unit"],
                             "warp_instructions": class_counts(pu["counts"]),
                             "warp_instructions_total": round(sum(
                                 v for k, v in pu["counts"].items() if k != LSU), 2),
                             "lsu_cycles": round(pu["counts"].get(LSU, 0), 2)}
            if any(k.get("library") for k in r["kernels"]):
                o["per_unit"]["excludes_library_calls"] = True
        ks = []
        for k in r["kernels"]:
            d = {"name": k["name"], "launches": k["launches"]}
            for f in ("blocks", "threads_per_block", "dynamic_smem_bytes", "static_smem_bytes",
                      "registers", "stack_bytes", "local_bytes", "local_instructions",
                      "occupancy_warps_per_sm", "occupancy_limited_by", "bound", "flops",
                      "library", "error"):
                if f in k:
                    d[f] = k[f]
            if "time_ms" in k:
                d["time_ms"] = round(k["time_ms"], 5)
                d["bounds_ms"] = {b: round(v, 5) for b, v in k["bounds_ms"].items()}
            d["dram_bytes"] = k.get("dram_bytes")
            if "l2_bytes" in k:
                d["l2_bytes"] = k["l2_bytes"]
            ks.append(d)
        o["kernels"] = ks
        out.append(o)
    return out


def next_bound(bounds, skip):
    """(name, formatted ms) of the largest of `bounds` other than `skip`."""
    name = max((k for k in bounds if k != skip), key=bounds.get)
    return name, fmt(bounds[name])


def md_table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |",
             "|" + "|".join("---" for _ in headers) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(str(x) for x in r) + " |")
    return lines


def render(rows, ctx, compare=None):
    hw = ctx.hw
    L = []
    L.append("# Static performance model: H100 SXM predictions from the SASS")
    L.append("")
    L.append("Library code (kernels/, host/) at: %s; the library is assumed to be built from "
             "this checkout." % checkout_commit())
    L.append("")
    L.append("Library: `%s` (%d sm_90 kernels). Model constants: %d SMs at %.3f GHz, 4 warp "
             "instructions/clk/SM, DRAM %.2g B/s, L2 %.2g B/s (bm tile and decision kernels "
             "only; a published H100 PCIe figure), launch overhead %.1f us, library calls at "
             "%.0f%% of the FP32 peak%s. Throughput bound: max(issue, pipes, DRAM[, L2]) per "
             "kernel, summed over the kernels of a case (see bench/static_model/README.md)."
             % (os.path.basename(ctx.args.library), len(ctx.kernels), hw.sms, hw.clock_ghz,
                hw.dram_bytes_per_s, hw.l2_bytes_per_s, hw.launch_overhead_us,
                ctx.args.library_efficiency * 100,
                "; IMAD counted on the ALU pipe" if ctx.args.imad_on_alu else ""))
    L.append("")
    L.append("## Predictions against the targets")
    L.append("")
    g = [r for r in rows if r["family"] == "gaussian"]
    table = []
    for r in g:
        table.append([r["D"], "{:,}".format(r["B"]), fmt(r.get("predicted_ms")),
                      "<= %g" % r["target_ms"], yes_no(r.get("meets_target")),
                      fmt(r["floor_ms"]),
                      fmt(r.get("pct_of_floor"), 3) if r.get("pct_of_floor") is not None else "-",
                      r.get("bound") or r["status"], occupancy_cell(r), r["kernel"]])
    L.append("Gaussian fp32, log p + d/dmu + d/dSigma (covariance), ms per call:")
    L.append("")
    L += md_table(["D", "B", "predicted ms", "target ms", "meets", "floor ms", "% of floor",
                   "bound", "warps/SM", "kernel(s)"], table)
    L.append("")
    table = []
    for r in [r for r in rows if r["family"] == "ising"]:
        pm = r["plane_model"]
        table.append([r["case"].split("/")[4].replace("L:", ""), r["case"].split("/")[5][2:],
                      r["algorithm"], "%.4g" % r["T"], fmt(r.get("predicted_flips_per_ns"), 4),
                      ">= %g" % r["target_flips_per_ns"], yes_no(r.get("meets_target")),
                      "%.3f" % pm["undecided_fraction"], "%.2f" % pm["philox_calls_per_lane"],
                      "%.2f" % pm["philox_calls_per_warp"], r.get("bound") or r["status"],
                      occupancy_cell(r)])
    L.append("Packed Ising (2D, checkerboard, one bit per spin), flips/ns per sweep:")
    L.append("")
    L += md_table(["lattice", "replicas", "algorithm", "T", "predicted flips/ns", "target",
                   "meets", "undecided frac.", "Philox/lane", "Philox/warp", "bound",
                   "warps/SM"], table)
    L.append("")
    L.append("Plane model check: figures recorded from the CPU backend at beta_c: %.1f Philox "
             "calls per lane (bench/NOTES.md, 256^2) and ~%.1f per warp, its slowest lane (issue "
             "9); the model's Metropolis figures at beta_c are in the rows above."
             % (RECORDED_CALLS["per_lane"], RECORDED_CALLS["per_warp"]))
    L.append("")
    table = []
    for r in [r for r in rows if r["family"] == "bm"]:
        table.append([r.get("path", "scalar"), r["N"], "{:,}".format(r["C"]), r["sweeps"],
                      "%.2g" % r["flip_rate"],
                      fmt(r.get("predicted_flips_per_ns"), 3),
                      ">= %g" % r["target_flips_per_ns"], yes_no(r.get("meets_target")),
                      r.get("bound") or r["status"], occupancy_cell(r)])
    L.append("Dense Boltzmann machine (SK couplings, fp64), heat bath, sequential scan, "
             "attempted updates (flips) per ns:")
    L.append("")
    L += md_table(["path", "N", "chains", "sweeps/call", "flip rate", "predicted flips/ns",
                   "target", "meets", "bound", "warps/SM"], table)
    L.append("")
    L.append("Scalar: one warp per chain, fields updated after every accepted flip (A12). "
             "Blocked (A16), above N = %d: decision kernel per block of %d sites (SASS) + cuBLAS DGEMM "
             "f += J[:, block]·ΔS at the FP64 tensor-core peak or the DRAM bandwidth for the "
             "N x C fields, whichever is slower, + %.1f us per launch; time split (ms per call):"
             % (BM_TILE_MAX_SPINS, BM_BLOCK_SPINS, hw.launch_overhead_us))
    L.append("")
    L += md_table(["N", "chains", "decision kernel", "block DGEMMs", "set-up (grid, field build)"],
                  [[r["N"], "{:,}".format(r["C"])] + [fmt(r["time_split_ms"][k]) for k in
                   ("decision kernel", "block DGEMMs", "set-up")]
                   for r in rows if r.get("path") == "blocked" and "time_split_ms" in r])
    L.append("")
    L.append("Tiled (A17), the blocked path up to N = %d: one bm_tile_kernel launch per call "
             "(a thread block owns T chains and their fields, in shared memory or, at T = 32 "
             "and N <= 256, in the DMMA accumulators; blocks of %d sites: thresholds by all "
             "warps, decisions by a quad of lanes per chain, field update on the FP64 tensor "
             "cores, DMMA), ms per call; J is read "
             "from L2 by every thread block once per sweep and once for the field build, charged "
             "with the kernel's other L2 bytes at %.2g B/s (hardware.py [L2], a published H100 "
             "PCIe measurement) as its \"l2\" bound:"
             % (BM_TILE_MAX_SPINS, BM_TILE_SPINS, hw.l2_bytes_per_s))
    L.append("")
    tiled = [r for r in rows if r.get("path") == "tiled" and "time_split_ms" in r]
    L += md_table(["N", "chains", "chains per block", "tile kernel", "set-up (grid)",
                   "J from L2 per call (MB)", "L2 bound (ms)", "largest other bound (ms)"],
                  [[r["N"], "{:,}".format(r["C"]), r["tile_chains"],
                    fmt(r["time_split_ms"]["tile kernel"]), fmt(r["time_split_ms"]["set-up"]),
                    fmt(r["l2_j_bytes"] / 1e6), fmt(r["kernels"][0]["bounds_ms"]["l2"]),
                    "%s %s" % next_bound(r["kernels"][0]["bounds_ms"], "l2")]
                   for r in tiled])
    L.append("")
    table = [[r["N"], "{:,}".format(r["chunks"]),
              ("%.3g" % r["predicted_states_per_s"]) if r.get("predicted_states_per_s") else "-",
              ">= %.3g" % r["target_states_per_s"], yes_no(r.get("meets_target")),
              r.get("bound") or r["status"], occupancy_cell(r)]
             for r in rows if r["family"] == "bm_exact"]
    L.append("Dense Boltzmann machine, exact enumeration (SK, beta 1), states per second (A15):")
    L.append("")
    L += md_table(["N", "chunks", "predicted states/s", "target", "meets", "bound", "warps/SM"],
                  table)
    L.append("")
    L += mixture_model.render_mixture(rows, md_table)
    L.append("## Warp instructions per work unit, by pipe class")
    L.append("")
    L.append("Per matrix (Gaussian) or per 64-spin word update (Ising): warp instructions "
             "(32 lanes) after multiplying every loop by its trip count. imad = IMAD/IMUL (FMA-"
             "heavy pipe), int = other integer/logic/compare/move (ALU pipe); lsu cyc = LSU "
             "cycles (128 B/clk).")
    L.append("")
    table = []
    seen = set()
    for r in rows:
        if "per_unit" not in r:
            continue
        key = (r["family"], r.get("D"), r.get("algorithm"), r.get("beta"))
        if r["family"] == "ising":
            key = (r["algorithm"], r["beta"])
        if r["family"] == "bm":
            key = ("bm", r["N"], r.get("path", "scalar"))
        if r["family"] == "bm_exact":
            key = ("bm_exact", r["N"])
        if key in seen:
            continue
        seen.add(key)
        c = r["per_unit"]["counts"]
        label = ("D=%d" % r["D"]) if r["family"] == "gaussian" else (
            ("bm heat bath %s N=%d" % (r.get("path", "scalar"), r["N"])) if r["family"] == "bm" else
            ("bm exact N=%d" % r["N"]) if r["family"] == "bm_exact" else
            short_case(r) if r["family"] == "mixture" else
            "Ising %s T=%.4g" % (r["algorithm"], r["T"]))
        if r["family"] == "gaussian" and any(k.get("library") for k in r["kernels"]):
            label += " (own kernels; library calls not in SASS)"
        table.append([label, r["per_unit"]["unit"],
                      fmt(sum(v for k, v in c.items() if k != LSU), 4)] +
                     [fmt(c.get(col, 0), 3) for col in CLASS_COLUMNS[:11]] + [fmt(c.get(LSU, 0))])
    L += md_table(["case", "unit", "total"] + list(CLASS_COLUMNS[:11]) + ["lsu cyc"], table)
    L.append("")
    L.append("## Kernels: resources and time bounds per launch")
    L.append("")
    table = []
    for r in rows:
        if r["family"] == "ising" and not (r["algorithm"] == "metropolis" and
                                           abs(r["beta"] - BETA_C) < 1e-6):
            continue
        for k in r["kernels"]:
            if "bounds_ms" not in k:
                table.append([short_case(r), k["name"], "-", "-", "-", "-", "-", "-",
                              k.get("error", "")[:80]])
                continue
            b = k["bounds_ms"]
            top = sorted(b.items(), key=lambda kv: -kv[1])[:3]
            if k.get("library") or k.get("fixed"):
                table.append([short_case(r), k["name"], "-", "-", "-", "-", k["launches"],
                              fmt(k["time_ms"]),
                              ", ".join("%s %s" % (n, fmt(v)) for n, v in top)])
            else:
                table.append([short_case(r), short_kernel(k["name"]),
                              "%d/%d" % (k["registers"], k["local_instructions"]),
                              "%d+%d" % (k["static_smem_bytes"], k["dynamic_smem_bytes"]),
                              "%d x %d" % (k["blocks"], k["threads_per_block"]),
                              "%d (%s)" % (k["occupancy_warps_per_sm"],
                                           k["occupancy_limited_by"]),
                              k["launches"], fmt(k["time_ms"]),
                              ", ".join("%s %s" % (n, fmt(v)) for n, v in top)])
    L += md_table(["case", "kernel", "regs/LDL+STL", "smem static+dyn B", "grid",
                   "warps/SM (limit)", "launches", "ms", "largest bounds (ms per launch)"], table)
    L.append("")
    L.append("## Kernels: static SASS by pipe class")
    L.append("")
    L.append("Instructions in the program text of each kernel used above: hot = the path the "
             "model counts, cold = out-of-line non-converged-warp fallbacks, slow-path calls and "
             "their subroutines (assumed not executed); loops = backward branches on the hot path.")
    L.append("")
    table = []
    seen = set()
    for r in rows:
        for k in r["kernels"]:
            km = k.get("model")
            if km is None or k["name"] in seen:
                continue
            seen.add(k["name"])
            a = km.analysis
            hot = Counter()
            for i in km.kernel.instrs:
                if i.addr <= a.hot_end and i.addr not in a.cold:
                    hot[i.cls] += 1
            table.append([k["name"], sum(hot.values()), a.n_cold, len(a.loops), k["registers"],
                          "%d/%d" % (k["stack_bytes"], k["local_bytes"]),
                          k["local_instructions"], k["static_smem_bytes"]] +
                         [hot.get(c, 0) for c in CLASS_COLUMNS[:11]])
    L += md_table(["kernel", "hot", "cold", "loops", "regs", "stack/local B", "LDL+STL",
                   "static smem B"] + list(CLASS_COLUMNS[:11]), table)
    L.append("")
    if compare:
        L += compare_section(rows, compare)
    return L


def checkout_commit():
    """The last commit that touched the library's code (kernels/ and host/), '+ local changes'
    when those folders differ from it: stable across commits that change only bench/ or docs."""
    def git(*a):
        out = subprocess.run(["git"] + list(a), cwd=REPO, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, universal_newlines=True)
        return out.stdout.strip() if out.returncode == 0 else ""
    try:
        commit = git("log", "-1", "--format=%h %s", "--", "kernels", "host")
        if not commit:
            return "unknown"
        if git("status", "--porcelain", "--", "kernels", "host"):
            commit += " + local changes"
        return commit
    except OSError:
        return "unknown"


def short_case(r):
    if r["family"] == "gaussian":
        return "D=%d" % r["D"]
    if r["family"] == "bm":
        return "bm %s N=%d C=%d" % (r.get("path", "scalar"), r["N"], r["C"])
    if r["family"] == "bm_exact":
        return "bm exact N=%d" % r["N"]
    if r["family"] == "mixture":
        return "mixture %s D=%d K=%d" % (r["kind"], r["D"], r["K"])
    return "%s %s T=%.4g" % (r["case"].split("/")[4].replace("L:", ""), r["algorithm"], r["T"])


def yes_no(v):
    return "-" if v is None else ("yes" if v else "**no**")


def occupancy_cell(r):
    ks = [k for k in r["kernels"] if "occupancy_warps_per_sm" in k]
    if not ks:
        return "-"
    main = max(ks, key=lambda k: k.get("time_ms", 0))
    return str(main["occupancy_warps_per_sm"])


def loop_tables(rows):
    L = ["## Loops and trip counts (one case per kernel: the largest D; Metropolis at beta_c)", ""]
    done = set()
    order = sorted(rows, key=lambda r: (-r.get("D", 0), r.get("algorithm", "") != "metropolis",
                                        abs(r.get("beta", BETA_C) - BETA_C) > 1e-6))
    for r in order:
        for k in r["kernels"]:
            km = k.get("model")
            if km is None or k["name"] in done or km.errors:
                continue
            done.add(k["name"])
            L.append("%s, case %s, work unit: %s" % (k["name"], r["case"], k.get("unit", "?")))
            L.append("")
            L += md_table(["SASS loop", "source (latch)", "model", "unroll", "own instr",
                           "runs per unit"],
                          [[x["loop"], x["source"], x["role"], x["unroll"], x["instructions"],
                            fmt(x["execs_per_unit"], 4)] for x in km.loop_table()])
            L.append("")
    return L


# --------------------------------------------------------------------------------------------
# --compare: Google Benchmark JSON from bench/run_gpu.sh (bench_gaussian.json, bench_ising.json)


def load_measured(paths):
    measured = {}
    for p in paths:
        with open(p) as fh:
            doc = json.load(fh)
        for bm in doc.get("benchmarks", []):
            name = bm.get("run_name") or bm.get("name", "")
            if bm.get("run_type") == "aggregate" and bm.get("aggregate_name") != "median":
                continue
            base = name.split("/manual_time")[0].split("/real_time")[0]
            entry = {}
            if "median_ms" in bm:
                entry["ms"] = float(bm["median_ms"])
            elif "real_time" in bm and bm.get("time_unit"):
                scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[bm["time_unit"]]
                entry["ms"] = float(bm["real_time"]) * scale
            if "flips_per_ns" in bm:
                entry["flips_per_ns"] = float(bm["flips_per_ns"])
            if "error_message" in bm:
                entry["error"] = bm["error_message"]
            if entry:
                measured[base] = entry
    return measured


def compare_section(rows, measured):
    L = ["## Predicted against measured", ""]
    table = []
    for r in rows:
        m = measured.get(r["case"])
        if r["family"] in ("gaussian", "mixture"):
            p = r.get("predicted_ms")
            v = m.get("ms") if m else None
            ratio = (v / p) if (p and v) else None
            table.append([r["case"], fmt(p), fmt(v), fmt(ratio) + ("x slower" if ratio else ""),
                          r.get("bound") or "", (m or {}).get("error", "")])
        else:
            p = r.get("predicted_flips_per_ns")
            v = m.get("flips_per_ns") if m else None
            ratio = (p / v) if (p and v) else None
            table.append([r["case"], fmt(p, 4), fmt(v, 4),
                          fmt(ratio) + ("x slower" if ratio else ""), r.get("bound") or "",
                          (m or {}).get("error", "")])
    L += md_table(["case", "predicted", "measured", "measured vs predicted", "model bound",
                   "note"], table)
    L.append("")
    L.append("Gaussian in ms per call, Ising in flips/ns; 'x slower' > 1 means the kernel runs "
             "slower than its throughput bound (latency, occupancy, memory-system effects the "
             "model leaves out, or counts the model under-estimates).")
    L.append("")
    return L


# --------------------------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("library", nargs="?",
                    help="the built static library (libboltzkit.a), an object or a cubin")
    ap.add_argument("--out-dir", default=os.path.join(REPO, "bench", "results"),
                    help="where static_model.json and static_model.md go (default bench/results)")
    ap.add_argument("--no-write", action="store_true", help="print only")
    ap.add_argument("--compare", action="append", default=[],
                    help="Google Benchmark JSON of a GPU run (bench_gaussian.json, "
                         "bench_ising.json); repeatable")
    ap.add_argument("--loops", action="store_true", help="also print the loop tables")
    ap.add_argument("--strict", action="store_true", help="exit 1 if any model is stale")
    ap.add_argument("--clock-ghz", type=float, default=None, help="SM clock (default 1.755)")
    ap.add_argument("--bandwidth", type=float, default=None, help="DRAM B/s (default 3.0e12)")
    ap.add_argument("--l2-bandwidth", type=float, default=None,
                    help="SM-L2 B/s, all SMs (default 5.5e12, hardware.py [L2])")
    ap.add_argument("--launch-us", type=float, default=None,
                    help="per-launch overhead in microseconds (default 2)")
    ap.add_argument("--library-efficiency", type=float, default=0.25,
                    help="fraction of the FP32 FMA peak assumed for cuSOLVER/cuBLAS batched calls")
    ap.add_argument("--imad-on-alu", action="store_true",
                    help="count IMAD on the integer ALU pipe (64 lanes) instead of the "
                         "FMA-heavy pipe")
    ap.add_argument("--cuobjdump", default=None)
    ap.add_argument("--nvdisasm", default=None)
    ap.add_argument("--check-tools", action="store_true",
                    help="print the cuobjdump and nvdisasm found (one per line) and exit: "
                         "0 if both were found, 2 otherwise")
    ap.add_argument("--source-root", default=None,
                    help="checkout to search for sources that moved since the build (default: "
                         "this script's repository)")
    args = ap.parse_args(argv)

    args.cuobjdump = sass.find_tool("cuobjdump", args.cuobjdump)
    args.nvdisasm = sass.find_tool("nvdisasm", args.nvdisasm)
    if args.check_tools:
        if args.cuobjdump and args.nvdisasm:
            print(args.cuobjdump)
            print(args.nvdisasm)
            return 0
        return 2
    if not args.library:
        ap.error("the library argument is required")
    if not args.cuobjdump or not args.nvdisasm:
        sys.stderr.write("static_model: cuobjdump and nvdisasm are needed (CUDA toolkit, or "
                         "python3 -m pip install nvidia-cuda-cuobjdump nvidia-cuda-nvdisasm)\n")
        return 2
    if not os.path.isfile(args.library):
        sys.stderr.write("static_model: no such file: %s\n" % args.library)
        return 2
    ctx = Context(args)
    if not ctx.kernels:
        sys.stderr.write("static_model: no sm_90 kernels found in %s\n" % args.library)
        return 2

    rows = []
    for n, batch, target in GAUSSIAN_CASES:
        if n <= REGISTER_MAX_DIM:
            rows.append(gaussian_register_case(ctx, n, batch, target))
        elif ROWS_DIMS[0] <= n <= ROWS_DIMS[1]:
            rows.append(gaussian_rows_case(ctx, n, batch, target))
        elif n <= 64:
            rows.append(gaussian_fused_case(ctx, n, batch, target))
        elif n <= BLOCK_MAX_DIM:
            rows.append(gaussian_block_case(ctx, n, batch, target))
        else:
            rows.append(gaussian_large_case(ctx, n, batch, target))
    for algorithm in ISING_ALGORITHMS:
        for lx, ly, replicas, target in ISING_CASES:
            for beta in (BETA_T15, BETA_C):
                rows.append(ising_case(ctx, lx, ly, replicas, beta, algorithm, target))
    for n, chains, sweeps, target in BM_SWEEP_CASES:
        rows.append(bm_sweep_case(ctx, n, chains, sweeps, target))
    for n, chains, sweeps, target in BM_BLOCKED_CASES:  # the variant host/bm/gpu.cu takes
        tiled = n <= BM_TILE_MAX_SPINS and bm_tile_chains(n) > 0
        rows.append((bm_tiled_case if tiled else bm_blocked_case)(ctx, n, chains, sweeps, target))
    for n, target in BM_EXACT_CASES:
        rows.append(bm_exact_case(ctx, n, target))
    rows += mixture_model.mixture_rows(sys.modules[__name__], ctx)  # issue 12 (mixture_model.py)

    crossover = crossover_rows(ctx)
    for r in rows:
        for c in crossover:
            if r["family"] == "gaussian" and (r["D"], r["B"]) == (c["D"], c["B"]):
                r["library_path_predicted_ms"] = c["library_ms"]

    measured = load_measured(args.compare) if args.compare else None
    lines = (render(rows, ctx, measured) + crossover_section(crossover) +
             library_section(library_rows(ctx)) +
             bm_tile_crossover_section(bm_tile_crossover_rows(ctx)))
    loops = loop_tables(rows)
    print("\n".join(lines + (loops if args.loops else [])))
    stale = [r for r in rows if r["status"] != "ok"]
    for r in stale:
        sys.stderr.write("static_model: %s: %s\n" % (r["case"], r["status"]))

    if not args.no_write:
        os.makedirs(args.out_dir, exist_ok=True)
        with open(os.path.join(args.out_dir, "static_model.json"), "w") as fh:
            json.dump(json_rows(rows), fh, indent=1)
            fh.write("\n")
        with open(os.path.join(args.out_dir, "static_model.md"), "w") as fh:
            fh.write("\n".join(lines + loops) + "\n")
    if stale and args.strict:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
