"""Mixture family (issue 12) in the static model: the benchmark cases of boltzkit_bench_mixture
(bench/mixture/mixture_bench.cpp), predicted from the SASS of the mixture kernels plus the
cuBLAS GEMMs of host/mixture/gpu_steps.hpp as flops and bytes (README.md A13, A14).

Kept in its own module so the other families' cases in static_model.py merge independently; it
uses static_model.run_kernel / kernel_time (passed in as `sm`) and the LoopSpec machinery of
models.py.

Per call (host/mixture/gpu.cu evaluate, gpu_steps.hpp factor_components / run_evaluate):
  set-up      pack_lower, 3 set_pointers, potrfBatched, check_diagonal, component_constants,
              build_rhs, trsmBatched (L^-1), [copy, trsmBatched (Sigma^-1) when score or sums]
  one Gaussian, no weights, D <= 64 (plan.single): single_fused_kernel over all points (one
              launch: log p, score, per-block S1/S2) + single_reduce_kernel, then the finish
  one Gaussian, no weights, D > 64 (run_single_tiles), per tile: center, GEMM (score -Sigma^-1
              Y^T), logp_from_score_kernel, GEMM (sum d), SYRK (scatter Y^T Y); fill W = N
  per tile    D <= 32: fused_logp_kernel; D > 32: per component center + GEMM (whitening) +
              quadratic_kernel; then lse_kernel; with score or sums: fill (ones), per component
              center + scale_rows + GEMM (score) + GEMM (sum w d) + GEMM (scatter); GEMM (sum w)
  finish      with sums, per component: GEMM (Sigma^-1 sum w d), store, scatter_minus_cov,
              2 GEMMs (Sigma^-1 M Sigma^-1), store

One EM iteration of mixture::fit on the GPU (em_iter_case; EM_ITER_CALLS is its list of what
the code issues, in order, read from host/mixture/fit.cpp run_em, fit_runner.hpp
TypedStepRunner::step, gpu.cu evaluate / weighted_statistics / sum_on_device_to, gpu_steps.hpp
run_statistics, fit_steps.hpp sum_to, blas_gpu.cu).
"""

import math

import models
from models import LoopSpec

# (kind, D, N, K, target ms): issue 12, 10x the PyTorch anchors (4.19 / 5.75 / 9.03 / 18.8 ms)
MIXTURE_CASES = [
    ("single", 16, 4194304, 1, 0.419),
    ("single", 64, 1048576, 1, 0.575),
    ("single", 256, 262144, 1, 0.903),
    ("estep", 32, 262144, 64, 1.88),
]
PYTORCH_MS = {("single", 16): 4.19, ("single", 64): 5.75, ("single", 256): 9.03,
              ("estep", 32): 18.8}

# Copies of the host constants (update with them): host/mixture/tuning.hpp, kernels/mixture/
# policy.hpp, host/include/boltzkit/mixture.hpp, kernels/linalg large_threads.
TILE_POINTS = 1 << 16          # tuning::gpu_tile_points
TILE_CAP_BYTES = 512 << 20     # gpu.cu tile_points: tile buffers at most 512 MiB
STATS_BATCH_BYTES = 16 << 20   # tuning::gpu_stats_batch_bytes (the statistics' scatter tiles)
FUSED_MAX_DIM = 32             # gpu_fused_max_dim
FUSED_THREADS = 128            # mixture_fused_threads
FUSED_BLOCKS_PER_SM = 8        # tuning::gpu_fused_blocks_per_sm
LARGE_THREADS = 256            # kernels::large_threads (CudaExecutor::launch)
SINGLE_MAX_DIM = 64            # kernels::mixture_single_max_dim_for<float>
SINGLE_THREADS = 128           # kernels::mixture_single_threads (= mixture_single_points)
SINGLE_BLOCKS_PER_SM = 8       # tuning::gpu_single_blocks_per_sm (cap on the occupancy)

# One EM iteration, steady state (run_em: safe_step with statistics, then m_step), in the order
# the code issues it. The one place that lists the calls; em_iter_case charges each entry.
EM_ITER_CALLS = [
    ("host", "runner: cast weights, means, covariances to float (fit_runner.hpp step)"),
    ("h2d", "3 uploads (Context::upload: pinned staging + cudaMemcpyAsync, no wait)"),
    ("estep", "evaluate: set-up kernels, potrfBatched, trsmBatched L^-1, per tile "
              "fused_logp_kernel + lse_kernel (weights, mix log p, resp): the E-step row"),
    ("d2d", "evaluate: cudaMemcpyAsync of the K statuses into the results buffer"),
    ("stats1", "weighted_statistics pass 1, per tile: fill ones, center (copy), GEMM X^T R "
               "(D x K x tile), GEMM R^T 1 (K x 1 x tile); then divide_means_kernel"),
    ("stats2", "weighted_statistics pass 2 (float, D <= 32): weighted_scatter_small_kernel "
               "over all points (8 components per block, split-TF32 mma, chunk partials), "
               "weighted_scatter_reduce_kernel; then one store_statistics_kernel (means and "
               "covariances of all K)"),
    ("sum", "sum_to: sum_kernel<float> (sum_blocks x 256), "
            "sum_kernel<double> (1 block) into the results buffer"),
    ("d2h", "one cudaMemcpyAsync of the results buffer (ResultLayout) + one synchronize"),
    ("host", "runner: unpack + widen to float64; fit.cpp m_step: K float64 Cholesky checks "
             "(is_spd), weights, collapse handling"),
]

# Host-side constants of the EM iteration (not in the SASS):
# SYNC_US: one host wait on the stream after its last copy (cudaMemcpyAsync D2H +
#   cudaStreamSynchronize): kernel completion to host wake-up plus the copy's set-up. Model
#   assumption, not measured (no GPU lent yet): 10 us, the order of the ~5-10 us round trip of a
#   small synchronous copy on PCIe-attached NVIDIA GPUs (CUDA C++ Best Practices Guide,
#   "Data Transfer Between Host and Device": each transfer has a fixed overhead). Re-measure
#   with the em_iter case.
SYNC_US = 10.0
# PCIE_BYTES_PER_S: pinned host <-> device copies, PCIe Gen 5 x16 (64 GB/s per direction raw;
#   ~50 GB/s achieved, assumption).
PCIE_BYTES_PER_S = 50e9
# HOST_MSTEP_MS, HOST_RUNNER_MS at K = 64, D = 32: measured on the development machine (AMD
#   EPYC, 2 shared cores, loaded; min of 200 repetitions, g++ -O3) by a copy of the host work:
#   the K float64 Cholesky checks of m_step (cpu::cholesky_in_place on a copy, isfinite scans):
#   0.20-0.27 ms; the runner's casts to float, the results' unpack and widening, and their
#   allocations: 0.37-0.40 ms. Scaled by K * D^3 and K * D^2 for other sizes.
HOST_MSTEP_MS = 0.20
HOST_RUNNER_MS = 0.37
HOST_REF_K, HOST_REF_D = 64, 32

# bench/common/floors.hpp: the floors of boltzkit_bench_mixture (mixture_bytes, mixture_flops,
# fp32_peak_flops_per_s = 67 TFLOP/s, NVIDIA's data sheet) at the bench's 3.0e12 B/s.
FLOOR_FP32_FLOPS = 6.7e13

NAMES = {
    "fused": r"fused_logp_kernel<float, %d>",  # % fused_bound(n)
    "lse": r"lse_kernel<float>",
    "center": r"center_kernel<float>",
    "scale_rows": r"scale_rows_kernel<float>",
    "center_weight_all": r"center_weight_all_kernel<float>",
    "fill": r"fill_kernel<float>",
    "quadratic": r"quadratic_kernel<float>",
    "single": r"single_fused_kernel<float, %d>",  # % single_bound(n)
    "reduce": r"single_reduce_kernel<float>",
    "logp_from_score": r"logp_from_score_kernel<float>",
    "split_score": r"split_score_kernel<%d, %d>",  # % (NT, terms)
    "split_logp": r"split_logp_kernel<float>",
    "split_scatter": r"split_scatter_kernel<%d>",  # % terms
    "split_reduce": r"split_scatter_reduce_kernel<float>",
    "weighted_scatter": r"weighted_scatter_small_kernel<3>",
    "weighted_reduce": r"weighted_scatter_reduce_kernel<float>",
}

# The split-TF32 kernels (kernels/mixture/split_tf32.cuh, policy.hpp; copies, update with them).
SPLIT_K = 32                   # split_tf32_k
SPLIT_SCORE_POINTS = 128       # split_score_points
SPLIT_SCORE_THREADS = 512      # split_score_threads
SPLIT_NARROW_MAX_DIM = 128     # split_score_narrow_max_dim
SPLIT_SCATTER_TILE = 128       # split_scatter_tile
SPLIT_SCATTER_THREADS = 256    # split_scatter_threads


WEIGHTED_SCATTER_MAX_DIM = 32  # weighted_scatter_max_dim
WEIGHTED_SCATTER_COMPONENTS = 8
WEIGHTED_SCATTER_THREADS = 256
SPLIT_FLUSH_POINTS = 256       # split_flush_points


def split_nt(n):
    return 4 if n <= SPLIT_NARROW_MAX_DIM else 8


def split_chunks(npts, n, sms):
    """host/mixture/gpu.cu: chunks of the scatter, about two waves of blocks over the pairs;
    gpu_steps::split_chunk_points rounds a chunk up to whole 32-point stages."""
    tiles = -(-n // SPLIT_SCATTER_TILE)
    pairs = tiles * (tiles + 1) // 2
    want = -(-2 * sms // pairs)
    per = -(-npts // want)
    chunk = max(SPLIT_K, -(-per // SPLIT_K) * SPLIT_K)
    return pairs, chunk, -(-npts // chunk)


def split_mean_mi(n):
    """Average row tile index mi over the lower tile pairs (the steps of the kernel's mi loop)."""
    tiles = -(-n // SPLIT_SCATTER_TILE)
    mis = [mi for mi in range(tiles) for _ in range(mi + 1)]
    return sum(mis) / float(len(mis))


def split_score_specs(n, terms):
    """split_score_kernel<NT, terms> per work unit = one block (16 warps) and one unit (128
    points x 32·NT columns): the stage loop over k runs ceil(n / 32) times per warp, each stage 4
    mma k-steps x 2 row fragments x NT column fragments x terms HMMA (the k-steps, fragment
    loads, splits and epilogue are unrolled: no SASS loops)."""
    warps = SPLIT_SCORE_THREADS // 32
    nt = split_nt(n)
    f, k = "split_tf32.cuh", "split_score_kernel"
    return [
        LoopSpec("grid-stride (unit: 128 points x %d columns)" % (32 * nt), f, k,
                 r"unit < row_tiles \* col_tiles", [[1] * warps]),
        LoopSpec("stages k0 (32 k: 4 k-steps x 2 x %d x %d HMMA)" % (nt, terms), f, k,
                 r"for \(int k0 = 0; k0 < n; k0 \+= bk\)", [[-(-n // SPLIT_K)] * warps],
                 sig={"HMMA": 4 * 2 * nt * terms}),
    ]


def stretch_trips(chunk):
    """(stretches per chunk, stages per stretch): the scatters flush every 256 points."""
    stretches = -(-chunk // SPLIT_FLUSH_POINTS)
    return stretches, chunk / float(SPLIT_K) / stretches


def split_scatter_specs(stages, terms, mean_mi):
    """split_scatter_kernel<terms> per work unit = one block (8 warps) and one (tile pair,
    chunk): `stages` 32-point stages per warp, each 4 mma k-steps x 2 x 8 fragments x terms HMMA.
    The diagonal pairs skip the fragments above the diagonal (44 % of theirs) by a warp-uniform
    branch that the model does not follow: charged as if run (conservative)."""
    warps = SPLIT_SCATTER_THREADS // 32
    f, k = "split_tf32.cuh", "split_scatter_kernel"
    return [
        LoopSpec("grid-stride (unit: tile pair x chunk)", f, k, r"unit < pairs \* chunks",
                 [[1] * warps]),
        LoopSpec("pair -> row tile mi (mi steps)", f, k, r"while \(\(mi \+ 1\)",
                 [[mean_mi] * warps]),
        LoopSpec("stretches f0 (256 points, then the float64 flush)", f, k,
                 r"for \(std::int64_t f0 = p0; f0 < p1; f0 \+= split_flush_points\)",
                 [[stretch_trips(stages * SPLIT_K)[0]] * warps], sig={"DADD": 64}),
        LoopSpec("stages k0 (32 points: 4 k-steps x 2 x 8 x %d HMMA)" % terms, f, k,
                 r"for \(std::int64_t k0 = f0; k0 < f1; k0 \+= bk\)",
                 [[stretch_trips(stages * SPLIT_K)[1]] * warps],
                 sig={"HMMA": 4 * 2 * 8 * terms}, repeat=stretch_trips(stages * SPLIT_K)[0]),
    ]


def weighted_scatter_specs(chunk, kk):
    """weighted_scatter_small_kernel<3> per work unit = one block (8 warps, one component each)
    and one (group of 8 components, chunk): stretches of 256 points, each chunk/32 stages of
    4 k-steps x 2 x 4 fragments x 3 HMMA per warp (warps past K skip them: K = 64 has none)."""
    warps = WEIGHTED_SCATTER_THREADS // 32
    f, k = "weighted_scatter.cuh", "weighted_scatter_small_kernel"
    stretches, per = stretch_trips(chunk)
    return [
        LoopSpec("grid-stride (unit: 8 components x chunk)", f, k, r"unit < groups \* chunks",
                 [[1] * warps]),
        LoopSpec("stretches f0 (256 points, then the float64 flush)", f, k,
                 r"for \(std::int64_t f0 = p0; f0 < p1; f0 \+= split_flush_points\)",
                 [[stretches] * warps], sig={"DADD": 32}),
        LoopSpec("stages k0 (32 points: 4 k-steps x 2 x 4 x 3 HMMA)", f, k,
                 r"for \(std::int64_t k0 = f0; k0 < f1; k0 \+= bk\)", [[per] * warps],
                 sig={"HMMA": 4 * 2 * 4 * 3}, repeat=stretches),
    ]


def weighted_reduce_specs(t, chunks):
    f, k = "weighted_scatter.cuh", "weighted_scatter_reduce_kernel"
    # nvcc versioned the element loop on chunks <= 0 (an x4 loop and its remainder, not run)
    return [LoopSpec("grid-stride (element)", f, k, r"BOLTZKIT_GRID_STRIDE\(e, kk \* nn\)",
                     [[0], [0], [t]]),
            LoopSpec("chunks c (x4)", f, k, r"s \+= tile\[c \* stride\]", [[chunks]],
                     sig={"LDG": 1, "DADD": 1}, repeat=t)]


def split_logp_specs(t, col_tiles):
    """split_logp_kernel<float> per thread: t points (average), each adding its col_tiles dots.
    nvcc versioned the point loop on col_tiles <= 0 (no dots: a x4 loop and its remainder, not
    run); the running version's col loop is an x16 then an x4 loop (split16)."""
    f, k = "split_tf32.cuh", "split_logp_kernel"
    return [LoopSpec("grid-stride (point)", f, k, r"BOLTZKIT_GRID_STRIDE\(p, count\)",
                     [[0], [0], [t]]),
            LoopSpec("column tiles c", f, k, r"for \(int c = 0; c < col_tiles; \+\+c\)",
                     split16([col_tiles]), sig={"LDG": 1, "FADD": 1}, repeat=t)]


def split_reduce_specs(t, chunks, n):
    """split_scatter_reduce_kernel<float> per thread: t elements (average) of the n² + n; the
    lower triangle's n(n+1)/2 sum `chunks` tiles, the n column sums `chunks` partials, the upper
    triangle nothing. nvcc versioned the element loop on chunks <= 0 (not run); the lower
    triangle's chunk loop is x16 then x4 (split16), the column sums' x4."""
    f, k = "split_tf32.cuh", "split_scatter_reduce_kernel"
    lower = t * (n * (n + 1) / 2.0) / (n * n + n)
    sums = t * n / float(n * n + n)
    return [LoopSpec("grid-stride (element)", f, k, r"BOLTZKIT_GRID_STRIDE\(e, nn \+ n\)",
                     [[0], [t]]),
            LoopSpec("chunks c (lower triangle)", f, k, r"s \+= tile\[c \* stride\]",
                     split16([chunks]), sig={"LDG": 1, "DADD": 1}, repeat=lower),
            LoopSpec("chunks c (column sums; x4)", f, k, r"s \+= partial_sum\[",
                     [[chunks]], sig={"LDG": 1, "DADD": 1}, repeat=sums)]



def floor_bytes(kind, n, npts, k, s=4):
    return s * npts * (2 * n + 1) if kind == "single" else s * npts * (n + 1 + k)


def floor_flops(kind, n, npts, k):
    return 3.0 * npts * n * n if kind == "single" else npts * k * (n * n + 3.0 * n)


def tile_points(npts, k, n, s=4):
    per_point = s * (k + 2 * n + 1)
    cap = max(1, TILE_CAP_BYTES // per_point)
    return max(1, min(TILE_POINTS, cap, npts))


# --------------------------------------------------------------------------------------------
# Loop specs (kernels/mixture/estep.cuh). Element-wise kernels: one work unit = one warp, every
# thread runs `t` grid-stride iterations (average), the x4 unrolled loop plus its remainder loop.


def grid_stride_specs(func, pattern, t, sig):
    return [LoopSpec("grid-stride (element)", "estep.cuh", func, pattern, [[t]], sig=sig)]


def center_specs(t):  # the version with a mean (x - mu): two loads, one FADD, one store
    return grid_stride_specs("center_kernel", r"BOLTZKIT_GRID_STRIDE\(e, count \* n\)", t,
                             {"LDG": 2, "STG": 1, "FADD": 1})


def scale_rows_specs(t):
    return grid_stride_specs("scale_rows_kernel", r"BOLTZKIT_GRID_STRIDE\(e, count \* n\)", t,
                             {"LDG": 2, "STG": 1, "FMUL": 1})


def center_weight_all_specs(t, n, weights=True, both=False):
    """center_weight_all_kernel<float> per thread: t (component, point) pairs on average, each
    the column loop i over n (two loads, two stores). nvcc versioned the pair loop on w: the
    weighted version first (its i loop x4 unrolled, the peeled rest in the pair loop's body),
    then the unit-weight one (x16 then x4: split16)."""
    f, k = "estep.cuh", "center_weight_all_kernel"
    w, u = ([t], [0]) if weights else ([0], [t])
    return [
        LoopSpec("grid-stride (component, point)", f, k, r"e < pairs; e \+= stride", [w, u]),
        LoopSpec("columns i (Y_k and V_k)", f, k,
                 r"for \(int i = 0; i < n; \+\+i, out \+= count\)",
                 [[n if weights else 0]] + (split16([0 if weights else n]) if both else []),
                 sig={"LDG": 2, "STG": 2}, repeat=t),
    ]


def fill_specs(t):
    return grid_stride_specs("fill_kernel", r"BOLTZKIT_GRID_STRIDE\(e, count\)", t, {"STG": 1})


def split16(trips):
    """A source loop compiled as an x16 loop, then an x4 loop for what is left (then peeled
    single iterations): instance 0 gets the multiples of 16, instance 1 the rest (README A14)."""
    return [[16 * (t // 16) for t in trips], [t % 16 for t in trips]]


def lse_specs(t, kk, log_prob, weights):
    """lse_kernel per thread: t points; K components. Versions: the log_prob copy, the weighted
    log-sum-exp and responsibilities (resp written), or the unit weights without weights."""
    copy = split16([kk]) if log_prob else [[0], [0]]
    unit = split16([kk]) if not weights else [[0], [0]]
    return [
        LoopSpec("grid-stride (point)", "estep.cuh", "lse_kernel",
                 r"BOLTZKIT_GRID_STRIDE\(p, count\)", [[t]]),
        LoopSpec("log_prob copy k", "estep.cuh", "lse_kernel", r"log_prob\[q \* kk \+ k\] = row",
                 copy, sig={"LDG": 1, "STG": 1}, repeat=t),
        LoopSpec("online log-sum-exp k", "estep.cuh", "lse_kernel", r"lse\.add\(log\(weights",
                 [[kk if weights else 0]], sig={"LDG": 2}, repeat=t),
        LoopSpec("responsibilities k (resp written)", "estep.cuh", "lse_kernel",
                 r"for \(std::int64_t k = 0; k < kk; \+\+k\) \{", [[kk if weights else 0]],
                 sig={"LDG": 2, "STG": 2}, repeat=t),
        LoopSpec("unit weights k (no mixture weights)", "estep.cuh", "lse_kernel",
                 r"row\[k\] = row\[k\] != row\[k\]", unit, sig={"LDG": 1, "STG": 1}, repeat=t),
    ]


def quadratic_specs(points_per_warp, n):
    return [
        LoopSpec("grid-stride (point per warp)", "estep.cuh", "quadratic_kernel",
                 r"p < count; p \+= warps", [[points_per_warp]]),
        LoopSpec("i = lane..n step 32", "estep.cuh", "quadratic_kernel",
                 r"for \(int i = lane; i < n", [[-(-n // 32)]], sig={"LDG": 1, "FFMA": 1},
                 repeat=points_per_warp),
    ]


def logp_from_score_specs(points_per_warp, n):
    """logp_from_score_kernel<float>: nvcc versioned the point loop on the failed flag (NaN
    score rows, no loads: not run); the running version's own code holds the peeled loads of
    its x16 unrolled dot-product loop (its SHFL: the warp sum)."""
    return [
        LoopSpec("grid-stride (point per warp)", "estep.cuh", "logp_from_score_kernel",
                 r"p < count; p \+= warps", [[points_per_warp]], sig={"SHFL": 5}),
        LoopSpec("i = lane..n step 32: y . score", "estep.cuh", "logp_from_score_kernel",
                 r"v \+= y\[p \* n \+ i\]", [[-(-n // 32)]], sig={"LDG": 2, "FFMA": 1},
                 repeat=points_per_warp),
    ]


def fused_bound(n):
    """fused_logp_for (kernels/mixture/estep.cuh): the MaxDim instantiation for n."""
    return 8 if n <= 8 else (16 if n <= 16 else 32)


def fused_specs(n, kk, warps_per_block):
    """fused_logp_kernel<float, MaxDim> per work unit = one warp's 32 points of one block
    iteration. The row and column loops are unrolled to MaxDim (no SASS loops): the component
    loop's body is counted whole, rows i >= n included (A2: a forward branch counts both sides;
    exact when n = MaxDim, as in the benchmark cases). The L^-1 copy runs ceil(n^2 / 128) times
    per thread and component; the mean copy only in the warps with a lane below n (warp 0 for
    n <= 32), i.e. ceil(n/32) / warps_per_block per warp on average."""
    mean_trips = min(1.0, math.ceil(n / 32.0) / warps_per_block)
    return [
        LoopSpec("grid-stride (block iteration)", "estep.cuh", "fused_logp_kernel",
                 r"base < count", [[1]]),
        LoopSpec("components k", "estep.cuh", "fused_logp_kernel",
                 r"for \(std::int64_t k = 0; k < kk", [[kk]]),
        LoopSpec("L^-1 to shared (packed rows)", "estep.cuh", "fused_logp_kernel",
                 r"e < n \* n; e \+= blockDim\.x", [[-(-n * n // FUSED_THREADS)]],
                 sig={"LDG": 1, "STS": 1}, repeat=kk),
        LoopSpec("mean to shared", "estep.cuh", "fused_logp_kernel", r"s_mean\[e\] = mean",
                 [[mean_trips]], sig={"LDG": 1, "STS": 1}, repeat=kk),
    ]


def single_bound(n):
    """single_fused_for<float> (kernels/mixture/single_fused.cuh): the MaxDim instantiation."""
    return 8 if n <= 8 else (16 if n <= 16 else (32 if n <= 32 else 64))


class SingleShape(object):
    """kernels/mixture/single_fused.cuh SingleShape<float, MaxDim> (copy; update with it)."""

    def __init__(self, maxdim):
        self.maxdim = maxdim
        self.points = SINGLE_THREADS
        self.ld = maxdim + 1
        self.c = 8 if maxdim >= 32 else 4
        self.r = maxdim // self.c
        self.col_blocks = maxdim // self.c
        self.row_blocks = self.points // self.r
        self.st = 8 if maxdim >= 32 else 4
        m = maxdim // self.st
        self.tiles = m * (m + 1) // 2
        self.groups = min(self.points // self.tiles,
                          2 * self.points * self.ld // (maxdim * maxdim))
        self.shared_bytes = 4 * (2 * maxdim * maxdim + 2 * self.points * self.ld +
                                 self.col_blocks * self.points + self.points)


def single_specs(n, shape, iters, want_score=True):
    """single_fused_kernel<float, MaxDim> per work unit = one block (4 warps) over the whole
    kernel: `iters` tiles of 128 points. Every entry below is one warp's trip count (A2: the
    maximum over its lanes), one per warp of the block, so a loop's list sums the warp
    executions of its body per block. The thread mapping is the kernel's: whitening / score tile
    cb = t / row_blocks (columns c0 = cb·C ...), rows rb = t % row_blocks; scatter tile
    t % tiles of group g = t / tiles (busy while g < groups). The staging and score-store loops
    over MaxDim elements are unrolled (no SASS loop); the k loops step by 4 columns and stop at
    the triangle: y = L^-1 d needs k < min(n, c0 + C), -score = L^-T y needs c0 <= k < n."""
    P, C = shape.points, shape.c
    nn = n * n
    warps = [range(32 * w, 32 * w + 32) for w in range(P // 32)]

    def c0(t):
        return (t // shape.row_blocks) * C

    def ceil4(v):
        return -(-max(0, v) // 4)

    l_trips = [max(len(range(t, shape.maxdim ** 2, P)) for t in lanes) for lanes in warps]
    w_trips = [max(ceil4(min(n, c0(t) + C)) for t in lanes) for lanes in warps]
    s_trips = [max(ceil4(n - c0(t)) for t in lanes) if want_score else 0 for lanes in warps]
    sc_trips = [max([len(range(t // shape.tiles, P, shape.groups)) for t in lanes
                     if t // shape.tiles < shape.groups] or [0]) for lanes in warps]
    e_trips = [max(len(range(t, nn + n, P)) for t in lanes) for lanes in warps]
    h_trips = []  # one entry per (warp, e iteration) holding S1 lanes (e >= nn)
    for lanes in warps:
        for i in range(max(e_trips)):
            s1 = [t + P * i - nn for t in lanes if nn <= t + P * i < nn + n]
            if s1:
                h_trips.append(max(len(range(h, P, shape.maxdim)) for h in s1))
    f = "single_fused.cuh"
    k = "single_fused_kernel"
    # The last, partial tile's staging and store loops (not unrolled): the benchmark's N are
    # multiples of 128, so every tile is full and they never run.
    partial = [0] * len(warps)
    return [
        LoopSpec("staging, last partial tile", f, k, r"the last, partial tile: a loop",
                 [partial], sig={"LDG": 1, "STS": 1}),
        LoopSpec("score store, last partial tile", f, k,
                 r"for \(int j = 0; j < MaxDim; \+\+j\)  // the last, partial tile$",
                 [partial], sig={"STG": 1}),
        LoopSpec("L^-1 both ways to shared", f, k, r"e < MaxDim \* MaxDim; e \+= P", [l_trips],
                 sig={"LDG": 2, "STS": 2}),
        LoopSpec("grid-stride (block tile of 128 points)", f, k, r"base < count",
                 [[iters] * len(warps)]),
        LoopSpec("scatter points p = g, g + groups ...", f, k, r"p < P; p \+= S::groups",
                 [sc_trips], sig={"FFMA": shape.st ** 2}, repeat=iters),
        # tile_product, inlined twice in address order: the whitening, then the score.
        LoopSpec("product k (4 per trip): whitening, score", f, "tile_product",
                 r"register-tiled product k$", [w_trips, s_trips],
                 sig={"FFMA": 4 * shape.r * C}, repeat=iters),
        LoopSpec("block partials e", f, k, r"e < nn \+ n; e \+= P", [e_trips],
                 sig={"STG": 1}),
        LoopSpec("S1 partials h", f, k, r"h < P; h \+= MaxDim", [h_trips or [0]],
                 sig={"LDS": 1, "FADD": 1}),
    ]


def reduce_specs(t, blocks):
    """single_reduce_kernel<float> per thread: t grid-stride elements (average), each summing
    `blocks` partial rows; the b loop is an x16 loop then an x4 loop (split16, peeled singles
    charged at the x4 cost, A3). nvcc versioned the grid-stride loop on blocks <= 0 (no loads,
    not run); the running version's own code holds the b loop's 11 peeled loads (its LDG)."""
    return [
        LoopSpec("grid-stride (element)", "single_fused.cuh", "single_reduce_kernel",
                 r"BOLTZKIT_GRID_STRIDE\(e, width\)", [[t]], sig={"LDG": 11}),
        LoopSpec("blocks b", "single_fused.cuh", "single_reduce_kernel",
                 r"for \(int b = 0; b < blocks", split16([blocks]), sig={"LDG": 1, "DADD": 1},
                 repeat=t),
    ]


# --------------------------------------------------------------------------------------------
# Launches


class Case(object):
    def __init__(self, sm, ctx, tf32=False):
        self.sm, self.ctx, self.hw, self.tf32 = sm, ctx, ctx.hw, tf32
        self.kernels = []

    def elementwise(self, key, specs_of, items, dram, launches):
        hw = self.hw
        blocks = models.grid_for(hw, items, LARGE_THREADS)
        warps = blocks * LARGE_THREADS // 32
        specs = specs_of(items / float(blocks * LARGE_THREADS))
        k = self.sm.run_kernel(self.ctx, key, self.ctx.find(NAMES[key]), specs, warps, "warp",
                               blocks, LARGE_THREADS, 0, dram, launches=launches)
        self.kernels.append(k)

    def quadratic(self, count, n, dram, launches):
        blocks = models.grid_for(self.hw, count * 32, LARGE_THREADS)
        warps = blocks * LARGE_THREADS // 32
        specs = quadratic_specs(count / float(warps), n)
        self.kernels.append(self.sm.run_kernel(
            self.ctx, "quadratic", self.ctx.find(NAMES["quadratic"]), specs, warps, "warp",
            blocks, LARGE_THREADS, 0, dram, launches=launches))

    def logp_from_score(self, count, n, dram, launches):
        blocks = models.grid_for(self.hw, count * 32, LARGE_THREADS)
        warps = blocks * LARGE_THREADS // 32
        self.kernels.append(self.sm.run_kernel(
            self.ctx, "logp_from_score", self.ctx.find(NAMES["logp_from_score"]),
            logp_from_score_specs(count / float(warps), n), warps, "warp", blocks,
            LARGE_THREADS, 0, dram, launches=launches))

    def split_single(self, npts, n, tile, want_score=True):
        """gpu_steps::run_single_split: per tile split_score_kernel + split_logp_kernel, then
        split_scatter_kernel over all points and its reduction (A20)."""
        hw, s = self.hw, 4
        terms = 1 if self.tf32 else 3
        nt = split_nt(n)
        col_tiles = -(-n // (32 * nt))
        tiles = -(-npts // tile)
        units = -(-tile // SPLIT_SCORE_POINTS) * col_tiles
        shared = 4 * 2 * (SPLIT_SCORE_POINTS + 32 * nt) * (SPLIT_K + 4)
        # DRAM per tile: x read, the score rows written, the dots written; Σ⁻¹ (read by every
        # block) and the epilogue's second read of x (the rows the block just staged) from L2.
        dram = s * tile * n + (s * tile * n if want_score else 0) + s * tile * col_tiles
        # L2: every unit reads its 32·NT columns of Σ⁻¹ (all n rows) and reads its points' x
        # twice (staging, epilogue), on top of the DRAM traffic
        l2 = dram + s * units * 32 * nt * n + s * tile * n * col_tiles
        self.kernels.append(self.sm.run_kernel(
            self.ctx, "split_score", self.ctx.find(NAMES["split_score"] % (nt, terms)),
            split_score_specs(n, terms), units,
            "block: 128 points x %d columns" % (32 * nt), units, SPLIT_SCORE_THREADS, shared,
            dram, launches=tiles, l2_bytes=l2))
        blocks = models.grid_for(hw, tile, LARGE_THREADS)
        self.kernels.append(self.sm.run_kernel(
            self.ctx, "split_logp", self.ctx.find(NAMES["split_logp"]),
            split_logp_specs(tile / float(blocks * LARGE_THREADS), col_tiles),
            blocks * LARGE_THREADS // 32, "warp", blocks, LARGE_THREADS, 0,
            s * tile * (col_tiles + 1), launches=tiles))
        pairs, chunk, chunks = split_chunks(npts, n, hw.sms)
        units = pairs * chunks
        shared = 4 * 4 * SPLIT_K * (SPLIT_SCATTER_TILE + 8) + 8 * 64 * SPLIT_SCATTER_THREADS
        partial = s * units * SPLIT_SCATTER_TILE ** 2
        # x from DRAM once (the pairs of a chunk run side by side and share it through L2);
        # L2: every pair reads its two 128-column slices of the chunk's points (one if diagonal)
        dram = s * npts * n + partial + 8 * chunks * n
        tiles_n = -(-n // SPLIT_SCATTER_TILE)
        l2 = dram + s * npts * SPLIT_SCATTER_TILE * (2 * pairs - tiles_n)
        self.kernels.append(self.sm.run_kernel(
            self.ctx, "split_scatter", self.ctx.find(NAMES["split_scatter"] % terms),
            split_scatter_specs(chunk // SPLIT_K, terms, split_mean_mi(n)), units,
            "block: 128 x 128 tile pair x %d points" % chunk, units, SPLIT_SCATTER_THREADS,
            shared, dram, launches=1, l2_bytes=l2))
        items = n * n + n
        blocks = models.grid_for(hw, items, LARGE_THREADS)
        self.kernels.append(self.sm.run_kernel(
            self.ctx, "split_reduce", self.ctx.find(NAMES["split_reduce"]),
            split_reduce_specs(items / float(blocks * LARGE_THREADS), chunks, n),
            blocks * LARGE_THREADS // 32, "warp", blocks, LARGE_THREADS, 0,
            partial + 8 * chunks * n + s * items, launches=1))

    def weighted_scatter_small(self, npts, n, kk):
        """gpu_steps::run_statistics, float and D <= 32: weighted_scatter_small_kernel over all
        points, then weighted_scatter_reduce_kernel (A20)."""
        hw, s = self.hw, 4
        groups = -(-kk // WEIGHTED_SCATTER_COMPONENTS)
        want = -(-2 * hw.sms // groups)
        per = -(-npts // want)
        chunk = max(SPLIT_K, -(-per // SPLIT_K) * SPLIT_K)
        chunks = -(-npts // chunk)
        units = groups * chunks
        shared = 4 * (SPLIT_K * (WEIGHTED_SCATTER_MAX_DIM + 8) + SPLIT_K * 8) + 8 * 32 * 256
        partial = s * chunks * kk * 1024
        dram = s * npts * n + s * npts * kk + partial
        l2 = dram + groups * s * npts * n  # every group of a chunk re-reads its points
        self.kernels.append(self.sm.run_kernel(
            self.ctx, "weighted_scatter", self.ctx.find(NAMES["weighted_scatter"]),
            weighted_scatter_specs(chunk, kk), units,
            "block: 8 components x %d points" % chunk, units, WEIGHTED_SCATTER_THREADS, shared,
            dram, launches=1, l2_bytes=l2))
        items = kk * n * n
        blocks = models.grid_for(hw, items, LARGE_THREADS)
        self.kernels.append(self.sm.run_kernel(
            self.ctx, "weighted_reduce", self.ctx.find(NAMES["weighted_reduce"]),
            weighted_reduce_specs(items / float(blocks * LARGE_THREADS), chunks),
            blocks * LARGE_THREADS // 32, "warp", blocks, LARGE_THREADS, 0, partial + s * items,
            launches=1))

    def fused(self, count, n, kk, dram, launches):
        wpb = FUSED_THREADS // 32
        iterations = -(-count // FUSED_THREADS)
        blocks = min(iterations, self.hw.sms * FUSED_BLOCKS_PER_SM)
        specs = fused_specs(n, kk, wpb)
        self.kernels.append(self.sm.run_kernel(
            self.ctx, "fused", self.ctx.find(NAMES["fused"] % fused_bound(n)), specs,
            iterations * wpb,
            "32 points x K components", blocks, FUSED_THREADS, 4 * (n * n + n), dram,
            launches=launches))

    def single(self, npts, n, want_score=True):
        """single_fused_kernel over all points, then single_reduce_kernel. Blocks: the host's
        single_blocks (host/mixture/gpu.cu): min(tiles, SMs x min(occupancy, 8))."""
        hw = self.hw
        maxdim = single_bound(n)
        shape = SingleShape(maxdim)
        kernel = self.ctx.find(NAMES["single"] % maxdim)
        tiles = -(-npts // shape.points)
        per_sm = 1
        if kernel is not None:
            import hardware
            occ = hardware.occupancy(hw, kernel.resources["reg"], SINGLE_THREADS,
                                     kernel.resources["shared"] + shape.shared_bytes)
            per_sm = max(1, min(occ["blocks_per_sm"], SINGLE_BLOCKS_PER_SM))
        blocks = max(1, min(tiles, hw.sms * per_sm))
        iters = -(-tiles // blocks)  # the busiest blocks' tiles (A7: no tail model beyond it)
        s = 4
        nn = n * n
        # DRAM: x read, score and log p written once; the per-block partial rows written; L^-1
        # (read by every block) hits in L2 after the first.
        dram = s * npts * n + (s * npts * n if want_score else 0) + s * npts + \
            s * blocks * (nn + n) + s * nn
        self.kernels.append(self.sm.run_kernel(
            self.ctx, "single", kernel, single_specs(n, shape, iters, want_score), blocks,
            "block of 4 warps, whole kernel (%d tiles of 128 points)" % iters, blocks,
            SINGLE_THREADS, shape.shared_bytes, dram, launches=1))
        items = nn + n
        rblocks = models.grid_for(hw, items, LARGE_THREADS)
        t = items / float(rblocks * LARGE_THREADS)
        self.kernels.append(self.sm.run_kernel(
            self.ctx, "reduce", self.ctx.find(NAMES["reduce"]), reduce_specs(t, blocks),
            rblocks * LARGE_THREADS // 32, "warp", rblocks, LARGE_THREADS, 0,
            s * blocks * (nn + n) + s * items, launches=1))
        return blocks

    def fixed(self, name, launches):
        """K-sized set-up kernels (<= K·D^2 = 65,536 elements here): the launch gap only; their
        work is < 0.5 us at the issue rate (README A14)."""
        t = launches * self.hw.launch_overhead_us * 1e-3
        self.kernels.append({"name": name, "launches": launches, "fixed": True,
                             "bounds_ms": {"launch": t}, "bound": "launch", "time_ms": t,
                             "dram_bytes": 0})

    def library(self, name, flops, dram, launches=1, tensor=False, efficiency=1.0):
        """A cuBLAS/cuSOLVER call: max(flops at `efficiency` x the FP32 peak (or the TF32 tensor
        peak), bytes at the DRAM bandwidth) + the launch gap."""
        hw = self.hw
        per_clk = hw.tf32_tensor_flops_per_clk_per_sm if tensor else hw.fp32_lanes * 2
        peak = hw.sms * per_clk * hw.clock_ghz * 1e9
        t_flop = flops / (efficiency * peak) * 1e3
        t_mem = dram / hw.dram_bytes_per_s * 1e3
        label = "%s@%.0f%%" % ("tf32" if tensor else "fp32", efficiency * 100)
        self.kernels.append({
            "name": name, "launches": launches, "library": True, "flops": flops * launches,
            "dram_bytes": dram * launches,
            "bounds_ms": {label: t_flop, "dram": t_mem},
            "bound": "flops" if t_flop >= t_mem else "dram",
            "time_ms": launches * (max(t_flop, t_mem) + hw.launch_overhead_us * 1e-3)})

    def syrk(self, name, n, k, dram, launches):
        """cublasSsyrk (FP32 only: with the TF32 option the host takes a GEMM instead): the
        lower triangle of an n x n product over k, n(n+1)k flops."""
        self.library("cublasSsyrk %s (%d x %d x %d)" % (name, n, n, k),
                     float(n) * (n + 1) * k, dram, launches)

    def gemm(self, name, m, n, k, dram, launches):
        self.library("cublasSgemm %s (%d x %d x %d)%s" % (name, m, n, k,
                                                          " TF32" if self.tf32 else ""),
                     2.0 * m * n * k, dram, launches, tensor=self.tf32)


def mixture_case(sm, ctx, kind, n, npts, kk, target, tf32=False):
    """One benchmark case; tf32 = the whitening-path GEMMs on the TF32 tensor cores (the
    explicit option), everything else unchanged."""
    hw = ctx.hw
    s = 4
    single = kind == "single"
    c = Case(sm, ctx, tf32)
    single_pass = single and kk == 1 and n <= SINGLE_MAX_DIM  # plan.single (gpu.cu)
    tile = SINGLE_THREADS if single_pass else tile_points(npts, kk, n)
    tiles = -(-npts // tile)
    if npts % tile:
        raise ValueError("the mixture cases use N a multiple of the tile")
    nn = n * n
    fused = n <= FUSED_MAX_DIM
    want_prec = single  # score and sums need Sigma^-1
    # --- set-up: factorizations (once per call)
    c.fixed("set-up kernels (pack_lower, set_pointers x3, check_diagonal, "
            "component_constants, build_rhs%s)" % (", copy" if want_prec else ""),
            7 + (1 if want_prec else 0))
    c.library("cusolverDnSpotrfBatched (n=%d, batch=%d)" % (n, kk), kk * n ** 3 / 3.0,
              kk * 2.0 * nn * s, efficiency=ctx.args.library_efficiency)
    for what in (["L^-1"] + (["Sigma^-1"] if want_prec else [])):
        c.library("cublasStrsmBatched %s (n=%d, %d cols, batch=%d)" % (what, n, n, kk),
                  kk * float(nn) * n, kk * 3.0 * nn * s, efficiency=ctx.args.library_efficiency)
    # --- tile buffers: re-read from L2 when the tile's working set fits in half of it (A14)
    work = s * tile * ((kk + 2 * n + 1) if single else (kk if fused else kk + n))
    l2 = work <= hw.l2_bytes / 2
    tmp = (lambda b: 0.0) if l2 else (lambda b: float(b))
    xb, ab, yb = s * tile * n, s * tile * kk, s * tile * n
    # --- one Gaussian in one pass: no tile buffers, the same finish
    if single_pass:
        c.single(npts, n)
    elif single:
        pass  # gpu_steps::run_single_tiles, below
    # --- per tile: log N per component
    elif fused:
        c.fused(tile, n, kk, xb + tmp(ab), tiles)
    else:
        c.elementwise("center", center_specs, tile * n, xb + tmp(yb), tiles * kk)
        c.gemm("whitening L^-1 Y^T", n, tile, n, tmp(2 * yb) + s * nn, tiles * kk)
        c.quadratic(tile, n, tmp(yb + ab), tiles * kk)
    out = s * tile * kk if single else s * tile * (1 + kk)  # log_prob | mix_log_prob + resp
    if not single:
        c.elementwise("lse", lambda t: lse_specs(t, kk, single, not single), tile,
                      tmp(2 * ab) + out, tiles)
    if single and not single_pass:  # gpu_steps::run_single_split (K = 1, no weights, float)
        c.split_single(npts, n, tile)
        c.fixed("fill W = N", 1)
    if single:
        # finish: grad mean, scatter - W Sigma, two n^3 GEMMs, stores
        c.fixed("finish kernels (store x2, scatter_minus_cov)", 3 * kk)
        c.gemm("Sigma^-1 sum w d", n, 1, n, s * (nn + 2 * n), kk)
        c.gemm("Sigma^-1 M Sigma^-1", n, n, n, s * 3 * nn, 2 * kk)
    name = ("mixture/gpu/single/D:%d/N:%d" % (n, npts) if single else
            "mixture/gpu/estep/D:%d/N:%d/K:%d" % (n, npts, kk))
    fb = floor_bytes(kind, n, npts, kk)
    ff = floor_flops(kind, n, npts, kk)
    floor_mem = fb / hw.dram_bytes_per_s * 1e3
    floor_arith = ff / FLOOR_FP32_FLOPS * 1e3
    row = {"case": name, "family": "mixture", "kind": kind, "D": n, "N": npts, "K": kk,
           "target_ms": target, "pytorch_ms": PYTORCH_MS.get((kind, n)),
           "floor_ms": max(floor_mem, floor_arith),
           "floor_bound": "memory" if floor_mem >= floor_arith else "arithmetic (fp32)",
           "floor_memory_ms": floor_mem, "floor_fp32_ms": floor_arith,
           "floor_tf32_ms": max(floor_mem, ff / (hw.sms * hw.tf32_tensor_flops_per_clk_per_sm *
                                                 hw.clock_ghz * 1e9) * 1e3),
           "tile": tile, "tiles": tiles, "tile_buffers_in_l2": l2 and not single_pass,
           "kernel": ("single_fused_kernel<float, %d> (one pass, %d tiles of 128 points) + "
                      "single_reduce_kernel" % (single_bound(n), -(-npts // 128))
                      if single_pass else
                      "split-TF32: split_score_kernel + split_logp_kernel per tile (%d of %d "
                      "points), split_scatter_kernel + reduction once" % (tiles, tile) if single else
                      ("fused_logp_kernel" if fused else "GEMM whitening (cuBLAS)") +
                      (" + lse + score/sum GEMMs" if single else " + lse_kernel") +
                      ", %d tile(s) of %d points" % (tiles, tile)),
           "kernels": c.kernels}
    errors = [k["error"] for k in c.kernels if "error" in k]
    if errors:
        row.update({"predicted_ms": None, "status": "stale: " + errors[0]})
        return row
    total = sum(k["time_ms"] for k in c.kernels)
    launches = sum(k["launches"] for k in c.kernels)
    row.update({"predicted_ms": total, "status": "ok", "meets_target": total <= target,
                "pct_of_floor": row["floor_ms"] / total * 100, "launches": launches,
                "launch_overhead_ms": launches * hw.launch_overhead_us * 1e-3,
                "bound": sm.dominant_bound(c.kernels)})
    per = {}
    for k in c.kernels:
        if "totals" in k:
            models.add_into(per.setdefault("c", models.Counter()), k["totals"],
                            k["launches"] / float(npts))
    row["per_unit"] = {"unit": "point (own kernels; GEMMs not in SASS)",
                       "counts": per.get("c", models.Counter())}
    return row


def em_floor_bytes(n, npts, k, s=4):
    """floors.hpp mixture_em_bytes: read x once (a one-pass EM: E-step and shifted sums fused);
    the K·D^2 parameters and statistics are negligible."""
    return s * npts * n


def em_floor_flops(n, npts, k):
    """floors.hpp mixture_em_flops: the E-step's N·K·(D^2 + 3D) plus the statistics' counts
    (1), means (2D) and symmetric scatter (D(D+1)): N·K·(2D^2 + 6D + 1)."""
    return npts * k * (2.0 * n * n + 6.0 * n + 1.0)


def em_iter_case(sm, ctx, n, npts, kk):
    """One EM iteration of the GPU fit (EM_ITER_CALLS), in ms: host work + every launch, library
    call and copy on the stream + one wait. Groups add up in `time_split_ms`."""
    hw = ctx.hw
    s = 4
    nn = n * n
    c = Case(sm, ctx)
    split, members = {}, {}

    def group(key, first):
        split[key] = split.get(key, 0.0) + sum(k.get("time_ms", 0.0) for k in c.kernels[first:])
        members.setdefault(key, []).extend(c.kernels[first:])

    def host(name, ms):
        c.kernels.append({"name": name, "launches": 0, "host": True, "fixed": True,
                          "bounds_ms": {"host": ms},
                          "bound": "host", "time_ms": ms, "dram_bytes": 0})

    def copy(name, nbytes, copies, sync=False):
        t = copies * hw.launch_overhead_us * 1e-3 + nbytes / PCIE_BYTES_PER_S * 1e3
        bounds = {"pcie": nbytes / PCIE_BYTES_PER_S * 1e3,
                  "launch": copies * hw.launch_overhead_us * 1e-3}
        if sync:
            bounds["sync"] = SYNC_US * 1e-3
            t += SYNC_US * 1e-3
        c.kernels.append({"name": name, "launches": copies, "copy": True, "fixed": True,
                          "bounds_ms": bounds,
                          "bound": "sync" if sync else "pcie", "time_ms": t, "dram_bytes": 0})

    scale_r = float(kk * n * n) / (HOST_REF_K * HOST_REF_D ** 2)
    scale_m = float(kk * n ** 3) / (HOST_REF_K * HOST_REF_D ** 3)
    params = s * (kk + kk * n + kk * nn)
    results = 8 + s * (kk + kk * n + kk * nn) + 4 * kk  # ResultLayout
    # --- host, before the step: the runner's casts (part of HOST_RUNNER_MS, split evenly)
    i0 = len(c.kernels)
    host("host: runner casts (float) of weights, means, covariances", HOST_RUNNER_MS * scale_r / 2)
    group("host", i0)
    i0 = len(c.kernels)
    copy("cudaMemcpyAsync H2D x3 (weights, means, covariances; %d B)" % params, params, 3)
    group("copies + wait", i0)
    # --- E-step: the estep case's kernels (same evaluate call: weights, mix log p, resp)
    e_target = next((t for kind, d, m, k, t in MIXTURE_CASES
                     if (kind, d, m, k) == ("estep", n, npts, kk)), float("inf"))
    e = mixture_case(sm, ctx, "estep", n, npts, kk, e_target)
    i0 = len(c.kernels)
    c.kernels.extend(e["kernels"])
    c.fixed("cudaMemcpyAsync D2D (statuses into the results buffer)", 1)
    group("E-step", i0)
    # --- weighted statistics (gpu_steps.hpp run_statistics), tile of tile_points(N, s(2D + 1))
    tile = max(1, min(TILE_POINTS, TILE_CAP_BYTES // (s * (2 * n + 1)), npts))
    tiles = -(-npts // tile)
    if npts % tile:
        raise ValueError("the EM case uses N a multiple of the statistics tile")
    xb, yb, rb = s * tile * n, s * tile * n, s * tile * kk
    # Pass 1: y (a copy of x's tile) and ones are read back at once from L2 (A14); R's tile,
    # written by the E-step long before (N·K floats > L2), comes from DRAM once, and the counts
    # GEMM re-reads it from L2 right after.
    i0 = len(c.kernels)
    c.elementwise("fill", fill_specs, tile, s * tile, tiles)
    c.elementwise("center", center_specs, tile * n, xb, tiles)
    c.gemm("means X^T R", n, kk, tile, rb, tiles)
    c.gemm("counts R^T 1", kk, 1, tile, 0.0, tiles)
    c.fixed("divide_means_kernel", 1)
    group("statistics pass 1", i0)
    # Pass 2 (float, D <= 32: gpu.cu weighted_statistics small_chunks): one
    # weighted_scatter_small_kernel over all points, 8 components per block, chunks for about
    # two waves of blocks (A20); x and R read from DRAM once (the blocks of a chunk share them
    # through L2), the partial tiles written; then its reduction and store_statistics_kernel.
    if n > WEIGHTED_SCATTER_MAX_DIM:
        raise ValueError("the EM case models the small-D scatter (D <= 32)")
    i0 = len(c.kernels)
    c.weighted_scatter_small(npts, n, kk)
    c.fixed("store_statistics_kernel (means and covariances of all K)", 1)
    group("statistics pass 2", i0)
    # --- log-likelihood sum (sum_to): N floats read once; K-sized otherwise
    i0 = len(c.kernels)
    c.library("sum_kernel<float> (256 blocks; not SASS-modelled: N floats once)", 0.0, s * npts)
    c.fixed("sum_kernel<double> (1 block over the partials)", 1)
    group("log-likelihood sum", i0)
    i0 = len(c.kernels)
    copy("cudaMemcpyAsync D2H (results buffer, %d B) + synchronize" % results, results, 1,
         sync=True)
    group("copies + wait", i0)
    i0 = len(c.kernels)
    host("host: runner unpack + widen (float64)", HOST_RUNNER_MS * scale_r / 2)
    host("host: m_step (K float64 Cholesky checks)", HOST_MSTEP_MS * scale_m)
    group("host", i0)

    name = "mixture/gpu/em_iter/D:%d/N:%d/K:%d" % (n, npts, kk)
    fb, ff = em_floor_bytes(n, npts, kk), em_floor_flops(n, npts, kk)
    floor_mem = fb / hw.dram_bytes_per_s * 1e3
    floor_arith = ff / FLOOR_FP32_FLOPS * 1e3
    row = {"case": name, "family": "mixture", "kind": "em_iter", "D": n, "N": npts, "K": kk,
           "target_ms": None,
           "target_note": "to be measured: 10x the PyTorch EM iteration (bench/peers/"
                          "mixture_peers.py em_iter) of the same GPU run; no anchor in "
                          "docs/ANCHORS.md",
           "pytorch_ms": None,
           "floor_ms": max(floor_mem, floor_arith),
           "floor_bound": "memory" if floor_mem >= floor_arith else "arithmetic (fp32)",
           "floor_memory_ms": floor_mem, "floor_fp32_ms": floor_arith,
           "floor_tf32_ms": max(floor_mem, ff / (hw.sms * hw.tf32_tensor_flops_per_clk_per_sm *
                                                 hw.clock_ghz * 1e9) * 1e3),
           "tile": tile, "tiles": tiles, "tile_buffers_in_l2": False,
           "kernel": "E-step (%s) + weighted statistics (pass 1 in %d tile(s) of %d points, "
                     "then one weighted_scatter_small_kernel + its reduction, whatever K) + sum + "
                     "1 download/wait + host M-step" % (e["kernel"], tiles, tile),
           "kernels": c.kernels, "calls": [what for _, what in EM_ITER_CALLS]}
    errors = [k["error"] for k in c.kernels if "error" in k]
    if errors or e.get("status") != "ok":
        row.update({"predicted_ms": None, "status": "stale: " + (errors or [e["status"]])[0]})
        return row
    total = sum(k["time_ms"] for k in c.kernels)
    launches = sum(k["launches"] for k in c.kernels)
    worst = max(split, key=split.get)
    top = sorted(members[worst], key=lambda k: -k.get("time_ms", 0.0))[:3]
    row.update({"predicted_ms": total, "status": "ok", "meets_target": None,
                "pct_of_floor": row["floor_ms"] / total * 100, "launches": launches,
                "launch_overhead_ms": launches * hw.launch_overhead_us * 1e-3,
                "time_split_ms": split,
                "bound": "%s %.2f ms of %.2f: %s; launch gaps %.2f ms in all" % (
                    worst, split[worst], total, ", ".join(
                        "%s %.2f ms (%s, %d launches)" % (sm.short_kernel(k["name"]),
                                                          k["time_ms"], k["bound"],
                                                          k["launches"]) for k in top),
                    launches * hw.launch_overhead_us * 1e-3)})
    per = models.Counter()
    for k in c.kernels:
        if "totals" in k:
            models.add_into(per, k["totals"], k["launches"] / float(npts))
    row["per_unit"] = {"unit": "point (own kernels; GEMMs, copies, host not in SASS)",
                       "counts": per}
    return row


def mixture_rows(sm, ctx):
    rows = []
    for kind, n, npts, kk, target in MIXTURE_CASES:
        row = mixture_case(sm, ctx, kind, n, npts, kk, target)
        single_pass = kind == "single" and kk == 1 and n <= SINGLE_MAX_DIM
        if n > FUSED_MAX_DIM and not single_pass:  # GEMMs over the points: the TF32 option
            t = mixture_case(sm, ctx, kind, n, npts, kk, target, tf32=True)
            row["predicted_ms_tf32"] = t.get("predicted_ms")
        rows.append(row)
    rows.append(em_iter_case(sm, ctx, 32, 262144, 64))
    return rows


# --------------------------------------------------------------------------------------------
# Output


def fmt(v, digits=3):
    if v is None:
        return "-"
    return "{:.{d}g}".format(v, d=digits)


def render_mixture(rows, md_table):
    m = [r for r in rows if r["family"] == "mixture"]
    if not m:
        return []
    L = ["Mixture family (issue 12), fp32, ms per call (cases of boltzkit_bench_mixture; GEMMs "
         "at the FP32 peak and 3.0e12 B/s, README A14):", ""]
    table = []
    for r in m:
        what = ("one Gaussian: log p + score + sum dSigma" if r["kind"] == "single"
                else "one EM iteration K=%d (E-step + statistics + M-step)" % r["K"]
                if r["kind"] == "em_iter" else "E-step K=%d: mix log p + resp" % r["K"])
        target = ("<= %g" % r["target_ms"] if r["target_ms"] is not None
                  else "to be measured")
        table.append([what, r["D"], "{:,}".format(r["N"]), fmt(r.get("predicted_ms")),
                      fmt(r.get("predicted_ms_tf32")), target,
                      fmt(r.get("pytorch_ms")), yes_no(r.get("meets_target")),
                      "%s (%s)" % (fmt(r["floor_ms"]), r["floor_bound"]),
                      fmt(r.get("pct_of_floor")), r.get("launches", "-"),
                      fmt(r.get("launch_overhead_ms")), r.get("bound") or r["status"]])
    L += md_table(["case", "D", "N", "predicted ms", "with TF32 GEMMs", "target ms",
                   "PyTorch ms (H100)", "meets", "floor ms", "% of floor", "launches",
                   "launch gaps ms", "bound"], table)
    L.append("")
    L.append("Floors as bench/common/floors.hpp: bytes s*N*(2D+1) (single) or s*N*(D+1+K) (E-step) "
             "at 3.0e12 B/s, flops 3*N*D^2 (score 2D^2, symmetric scatter D^2) or N*K*(D^2+3D) at "
             "67 TFLOP/s FP32; at D = 256 the FP32 arithmetic floor is %s ms (TF32 floor %s ms)." % (
                 fmt(next((r["floor_fp32_ms"] for r in m if r["D"] == 256), None)),
                 fmt(next((r["floor_tf32_ms"] for r in m if r["D"] == 256), None))))
    L.append("")
    for r in m:
        if r["kind"] != "em_iter" or not r.get("time_split_ms"):
            continue
        L.append("One EM iteration (%s), where the %s ms go (EM_ITER_CALLS, mixture_model.py): %s. "
                 "Floor: x read once (%s ms) and N*K*(2D^2+6D+1) flops (%s ms at 67 TFLOP/s); "
                 "target %s. Host constants: one wait %g us (assumption), PCIe %g GB/s, "
                 "host M-step and runner work measured on the development machine (see "
                 "mixture_model.py)." % (
                     r["case"], fmt(r["predicted_ms"]),
                     "; ".join("%s %s" % (k, fmt(v)) for k, v in
                               sorted(r["time_split_ms"].items(), key=lambda kv: -kv[1])),
                     fmt(r["floor_memory_ms"]), fmt(r["floor_fp32_ms"]), r["target_note"],
                     SYNC_US, PCIE_BYTES_PER_S / 1e9))
        L.append("")
    return L


def yes_no(v):
    return "-" if v is None else ("yes" if v else "**no**")


def json_mixture(r):
    o = {"case": r["case"], "kernel": r["kernel"], "status": r["status"],
         "predicted_ms": round(r["predicted_ms"], 4) if r.get("predicted_ms") else None,
         "target_ms": r["target_ms"], "pytorch_ms": r.get("pytorch_ms"),
         "floor_ms": round(r["floor_ms"], 4), "floor_bound": r["floor_bound"],
         "floor_memory_ms": round(r["floor_memory_ms"], 4),
         "floor_fp32_ms": round(r["floor_fp32_ms"], 4),
         "floor_tf32_ms": round(r["floor_tf32_ms"], 4),
         "pct_of_floor": round(r["pct_of_floor"], 1) if r.get("pct_of_floor") else None,
         "tile": r["tile"], "tiles": r["tiles"], "tile_buffers_in_l2": r["tile_buffers_in_l2"]}
    if "predicted_ms_tf32" in r:
        o["predicted_ms_tf32"] = (round(r["predicted_ms_tf32"], 4)
                                  if r["predicted_ms_tf32"] else None)
    for f in ("launches", "launch_overhead_ms"):
        if f in r:
            o[f] = round(r[f], 4) if isinstance(r[f], float) else r[f]
    if r.get("target_note"):
        o["target_note"] = r["target_note"]
    if r.get("time_split_ms"):
        o["time_split_ms"] = {k: round(v, 4) for k, v in r["time_split_ms"].items()}
    if r.get("calls"):
        o["calls"] = r["calls"]
    return o
