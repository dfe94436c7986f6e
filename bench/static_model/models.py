"""Trip-count models: how often each SASS loop of a kernel runs per work unit, per benchmark case.

A kernel model is a list of LoopSpecs, outermost first. Each names a source loop by the file (base
name), the function it is in and a regex on the source line that the line table gives for the
loop's backward branch (the `for` line), a per-iteration signature (opcodes one source iteration
issues, used to find the unroll factor and to pick the version the compiler unswitched for this
case) and the source-level trip counts per work unit. See README.md for the rules and the
assumptions behind every formula.
"""

import math
import os
import re
from collections import Counter

import sass

LSU = "_lsu"  # key of the LSU cycles in the count Counters


def instr_counter(ins):
    c = Counter()
    c[ins.cls] += 1
    c[LSU] += sass.lsu_cycles(ins)
    return c


def add_into(total, counter, factor=1.0):
    for k, v in counter.items():
        total[k] += v * factor


class LoopSpec(object):
    """instances: one list per instance (address order) of the source-level trip counts of this
    loop, one entry per iteration of the enclosing source loop (or one entry per work unit for
    an outermost loop). Floats are allowed (averages)."""

    def __init__(self, name, file, func, pattern, instances, sig=None, repeat=1.0):
        self.repeat = repeat  # the instances' lists run this many times per work unit
        self.name = name
        self.file = file
        self.func = func
        self.pattern = pattern
        self.instances = instances
        self.sig = sig or {}


class ModelError(Exception):
    pass


def unroll_of(loop, sig):
    """Unroll factor u if the loop's own opcodes are u x the signature (None if they are not:
    another version of the loop, unswitched by the compiler for other arguments)."""
    if not sig:
        return 1
    ratios = set()
    for op, n in sig.items():
        have = loop.own_opcodes.get(op, 0)
        if have == 0 or have % n:
            return None
        ratios.add(have // n)
    return ratios.pop() if len(ratios) == 1 else None


def whole(trips, u):
    """Iterations of a loop unrolled u times that run its unrolled body: floor(trips / u). Trip
    counts may be averages (floats); a loop that is not unrolled (u = 1) keeps the average."""
    if u == 1:
        return trips
    return math.floor(trips / u + 1e-9)


class KernelModel(object):
    """Dynamic warp-instruction counts of one kernel for one case: counts per work unit (the
    loops) plus a prologue per warp (hot code outside every loop)."""

    def __init__(self, kernel, sources, specs):
        self.kernel = kernel
        self.sources = sources
        self.analysis = kernel.analysis
        self.specs = specs
        self.execs = {}       # Loop -> body executions per work unit
        self.roles = {}       # Loop -> "spec[instance] main/remainder/other version/dead"
        self.unroll = {}
        self.remainder = []   # (parent Loop, [instrs], per-iteration Counter, iterations)
        self.errors = []
        self.notes = []
        try:
            self._assign()
        except ModelError as e:
            self.errors.append(str(e))

    # -- matching ------------------------------------------------------------------------------
    def _candidates(self, spec):
        out = []
        for loop in self.analysis.loops:
            src = loop.latch_instr.src
            if not src or os.path.basename(src[0]) != spec.file:
                continue
            rng = self.sources.function_range(src[0], spec.func)
            if rng is None or not rng[0] <= src[1] <= rng[1]:
                continue
            text = self.sources.text(src) or ""
            if re.search(spec.pattern, text):
                out.append(loop)
        return out

    def _dead(self, loop):
        p = loop.parent
        while p is not None:
            if self.execs.get(p, None) == 0:
                return True
            p = p.parent
        return False

    def _assign(self):
        for spec in self.specs:
            cands = [l for l in self._candidates(spec) if not self._dead(l)]
            if not cands:
                raise ModelError("no SASS loop matches %s (%s: %s in %s)"
                                 % (spec.name, spec.file, spec.pattern, spec.func))
            with_u = [(l, unroll_of(l, spec.sig)) for l in cands]
            matched = [(l, u) for l, u in with_u if u]
            for l, u in with_u:
                if not u:
                    self.execs[l] = 0
                    self.roles[l] = "%s: other version" % spec.name
            n = len(spec.instances)
            if len(matched) == n:
                groups = [[m] for m in matched]
            elif len(matched) == 2 * n and all(
                    sorted(x[1] == 1 for x in matched[2 * i:2 * i + 2]) == [False, True]
                    for i in range(n)):
                groups = [matched[2 * i:2 * i + 2] for i in range(n)]
            else:
                raise ModelError("%s: %d instance(s) expected, %d SASS loop(s) match (%s)"
                                 % (spec.name, n, len(matched),
                                    ", ".join("%s u=%d" % (l.label(), u) for l, u in matched)))
            for index, (group, trips) in enumerate(zip(groups, spec.instances)):
                tag = "%s[%d]" % (spec.name, index) if n > 1 else spec.name
                if len(group) == 1:
                    loop, u = group[0]
                    main = spec.repeat * sum(whole(t, u) for t in trips)
                    rest = spec.repeat * sum(t - u * whole(t, u) for t in trips)
                    self.execs[loop] = main
                    self.unroll[loop] = u
                    self.roles[loop] = tag + (" (unrolled x%d)" % u if u > 1 else "")
                    if u > 1:
                        self._charge_remainder(loop, u, rest)
                else:
                    (rem_loop, _), (main_loop, u) = sorted(group, key=lambda x: x[1])
                    self.execs[main_loop] = spec.repeat * sum(whole(t, u) for t in trips)
                    self.execs[rem_loop] = spec.repeat * sum(t - u * whole(t, u) for t in trips)
                    self.unroll[main_loop] = u
                    self.unroll[rem_loop] = 1
                    self.roles[main_loop] = "%s (unrolled x%d)" % (tag, u)
                    self.roles[rem_loop] = "%s (remainder loop)" % tag
        for loop in self.analysis.loops:
            if loop in self.execs:
                continue
            if self._dead(loop):
                self.execs[loop] = 0
                self.roles[loop] = "dead (inside a version that does not run)"
            else:
                src = loop.latch_instr.src
                raise ModelError("SASS loop %s (%s:%s %s) is not in the model"
                                 % (loop.label(), os.path.basename(src[0]) if src else "?",
                                    src[1] if src else "?",
                                    (self.sources.text(src) or "").strip()[:60]))

    def _charge_remainder(self, loop, u, iterations):
        """Peeled/remainder copies of an unrolled loop sit in the parent's own code, attributed by
        the line table to the loop's own source lines: they are charged per remaining source
        iteration at the main loop's per-iteration cost instead of once per parent iteration."""
        parent = loop.parent
        src = loop.latch_instr.src
        rng = self.sources.loop_range(src)
        if parent is None or rng is None:
            return
        instrs = [i for i in self.kernel.instrs
                  if self.analysis.innermost.get(i.addr, "cold") is parent and i.src
                  and i.src[0] == src[0] and rng[0] <= i.src[1] <= rng[1]]
        per_iter = Counter()
        for i in self.kernel.instrs:
            if self.analysis.innermost.get(i.addr, "cold") is loop:
                add_into(per_iter, instr_counter(i), 1.0 / u)
        self.remainder.append((parent, instrs, per_iter, iterations))

    # -- counts --------------------------------------------------------------------------------
    def own_counts(self):
        """{Loop or None: Counter} of the hot instructions whose innermost loop is that loop,
        without the remainder copies charged separately."""
        removed = set()
        for _, instrs, _, _ in self.remainder:
            removed.update(i.addr for i in instrs)
        own = {}
        for i in self.kernel.instrs:
            owner = self.analysis.innermost.get(i.addr, "cold")
            if owner == "cold" or i.addr in removed:
                continue
            add_into(own.setdefault(owner, Counter()), instr_counter(i))
        return own

    def per_unit(self):
        """(Counter per work unit, Counter per warp for the prologue)."""
        own = self.own_counts()
        unit = Counter()
        for loop, execs in self.execs.items():
            if execs:
                add_into(unit, own.get(loop, Counter()), execs)
        for parent, _, per_iter, iterations in self.remainder:
            # a remainder runs once per parent iteration at most; its iterations are per unit
            if self.execs.get(parent, 0):
                add_into(unit, per_iter, iterations)
        return unit, own.get(None, Counter())

    def loop_table(self):
        own = self.own_counts()
        rows = []
        for loop in self.analysis.loops:
            src = loop.latch_instr.src
            rows.append({
                "loop": loop.label(),
                "source": "%s:%s" % (os.path.basename(src[0]), src[1]) if src else "?",
                "role": self.roles.get(loop, "?"),
                "unroll": self.unroll.get(loop, 1),
                "instructions": sum(v for k, v in own.get(loop, Counter()).items() if k != LSU),
                "execs_per_unit": self.execs.get(loop, 0),
            })
        return rows


# ============================================================================================
# Random bit-planes of the packed Ising update (kernels/ising/packed_lattice.cuh)
#
# A spin whose flip probability q lies strictly between 0 and 1 is decided at the first bit
# where its uniform u and q differ: after p planes it is still undecided with probability 2^-p,
# whatever q is. Planes come two per Philox call; the loop runs while any spin of the word (one
# lane) is undecided, at most 16 calls. A warp runs its loop until its slowest lane is done, so
# the warp's trip count is the maximum over its 32 x 64 spins.


def expected_calls(n_undecided, cap=16):
    """E[max over n spins of ceil(planes/2)], planes ~ Geometric(1/2) >= 1, capped at 16 calls."""
    if n_undecided <= 0:
        return 0.0
    return sum(1.0 - (1.0 - 4.0 ** (-c)) ** n_undecided for c in range(cap))


def expected_calls_binomial(spins, fraction, cap=16):
    """E over n ~ Binomial(spins, fraction) of expected_calls(n)."""
    total = 0.0
    for n in range(spins + 1):
        p = math.comb(spins, n) * fraction ** n * (1 - fraction) ** (spins - n)
        total += p * expected_calls(n, cap)
    return total


def _agm(a, b):
    for _ in range(60):
        a, b = (a + b) / 2, math.sqrt(a * b)
    return a


def onsager_bond_correlation(beta):
    """<s_i s_j> of nearest neighbours of the infinite 2D square-lattice Ising model (J = 1),
    from Onsager's internal energy per site u = -coth(2b)[1 + (2/pi)(2 tanh^2(2b) - 1) K(k)],
    k = 2 sinh(2b)/cosh^2(2b); u = -2 <s s'> (two bonds per site)."""
    k = 2 * math.sinh(2 * beta) / math.cosh(2 * beta) ** 2
    k = min(k, 1 - 1e-15)
    big_k = math.pi / (2 * _agm(1.0, math.sqrt(1 - k * k)))
    u = -1 / math.tanh(2 * beta) * (1 + 2 / math.pi * (2 * math.tanh(2 * beta) ** 2 - 1) * big_k)
    return -u / 2


def undecided_fraction(beta, algorithm, dims=2):
    """Fraction of spins with 0 < q < 1 under an independent-bond approximation: each of the 2d
    bonds is anti-aligned with probability p = (1 - <s s'>)/2. Metropolis: q = min(1, e^-beta dE),
    dE = 2(2d - 2k) for k anti-aligned neighbours, so q < 1 exactly for k < d. Heat bath:
    q = 1/(1 + e^(beta dE)) is strictly inside (0, 1) for every k, but k = d (q = 1/2 exactly,
    T = 2^31) is decided by the first plane alone (mirror_pair loop), so it does not count."""
    p = (1 - onsager_bond_correlation(beta)) / 2
    n = 2 * dims
    if algorithm == "heat_bath":
        # q(d) = 1/2 exactly (T = 2^31): decided by the first plane, never in the plane loop.
        return 1.0 - math.comb(n, dims) * p ** dims * (1 - p) ** dims
    return sum(math.comb(n, k) * p ** k * (1 - p) ** (n - k) for k in range(dims))


def plane_statistics(beta, algorithm):
    f = undecided_fraction(beta, algorithm)
    return {
        "undecided_fraction": f,
        "philox_calls_per_lane": expected_calls_binomial(64, f),
        "philox_calls_per_warp": expected_calls(round(32 * 64 * f)),
        "bond_correlation": onsager_bond_correlation(beta),
    }


# ============================================================================================
# Launch plans (copies of the host-side formulas, see README.md "Launch formulas")


def grid_for(hw, work, per_block):
    """host/core/launch.cuh grid_for: blocks for a grid-stride loop, capped at 32 per SM."""
    needed = -(-work // per_block)
    return max(1, min(needed, hw.sms * 32))


def group_size_for(n):
    g = 1
    while g < n and g < 32:
        g <<= 1
    return g


def tile_elements(n):
    return n * (n + 1) + 4 * n


def fused_plan(hw, n, batch, scalar=4):
    """plan_tile_launch<T>: group size, warps per block, dynamic shared bytes, blocks."""
    g = group_size_for(n)
    groups = 32 // g
    per_warp = groups * (tile_elements(n) * scalar + 4)
    wpb = max(1, min(8, (100 * 1024) // per_warp))
    return {"group_size": g, "groups_per_warp": groups, "warps_per_block": wpb,
            "threads": wpb * 32, "shared_bytes": per_warp * wpb,
            "blocks": grid_for(hw, batch, wpb * groups)}


# ============================================================================================
# Source-level trip counts of the fused Gaussian kernel (kernels/gaussian/*.cuh), per warp tile
# (one iteration of the grid-stride loop: groups = 32/G matrices, G lanes each). SIMT: a warp
# runs a loop as long as any of its lanes does, so a per-lane loop's warp trip count is the
# maximum over the lanes; every group of a warp has the same n.


def fused_specs(n, R, G, groups):
    rows = [[lane + G * r for lane in range(G) if lane + G * r < n] for r in range(R)]
    ceil32 = lambda x: -(-x // 32)

    def factor_inner(r):  # for j = k+1..i, per k: max over owned rows i > k of (i - k)
        return [max([i - k for i in rows[r] if i > k] or [0]) for k in range(n)]

    def inverse_outer(r):  # for i = c+1..n-1 over the lanes' columns c: n-1-min(c)
        return [n - 1 - rows[r][0]] if rows[r] else [0]

    def inverse_inner(r):  # at outer iteration t every active lane runs p = c+1..i-1: t trips
        return [t for t in range(inverse_outer(r)[0])]

    def entry_inner(r):  # inverse_entry: k = max(i,c)+1..n-1, per i: max over lanes c
        return [max([n - 1 - max(i, c) for c in rows[r]] or [0]) for i in range(n)]

    log2g = int(round(math.log2(G)))
    grad_rows = [ceil32(groups * n)]
    return [
        LoopSpec("grid-stride loop (one warp tile)", "fused_small.cuh", "gaussian_fused_kernel",
                 r"first < args\.batch", [[1]]),
        LoopSpec("load_lower_tiles", "warp_io.cuh", "load_lower_tiles", r"for \(int e",
                 [[ceil32(groups * n * n)]], sig={"LDG": 1, "STS": 1}),
        LoopSpec("load_difference_tiles (x - mu)", "warp_io.cuh", "load_difference_tiles",
                 r"for \(int e", [[ceil32(groups * n)]], sig={"LDG": 2, "STS": 1}),
        LoopSpec("factor_in_place k", "group_tile.cuh", "factor_in_place",
                 r"for \(int k = 0; k < t\.n", [[n]]),
        LoopSpec("factor_in_place j", "group_tile.cuh", "factor_in_place",
                 r"for \(int j = k \+ 1", [factor_inner(r) for r in range(R)],
                 sig={"FFMA": 1, "STS": 1}),
        LoopSpec("forward_solve k", "group_tile.cuh", "forward_solve", r"for \(int k = 0",
                 [[n]], sig={"FMUL": 1, "FFMA": R}),
        LoopSpec("backward_solve k", "group_tile.cuh", "backward_solve", r"for \(int k = t\.n - 1",
                 [[n]], sig={"FMUL": 1, "FFMA": R}),
        LoopSpec("group_sum (|z|^2, log diag)", "group.cuh", "group_sum", r"for \(int offset",
                 [[log2g], [log2g]], sig={"SHFL": 1}),
        LoopSpec("lower_inverse_to_upper i", "group_tile.cuh", "lower_inverse_to_upper",
                 r"for \(int i = c \+ 1", [inverse_outer(r) for r in range(R)], sig={"FMUL": 1}),
        LoopSpec("lower_inverse_to_upper p", "group_tile.cuh", "lower_inverse_to_upper",
                 r"for \(int p = c \+ 1", [inverse_inner(r) for r in range(R)],
                 sig={"FFMA": 1, "LDS": 2}),
        LoopSpec("grad Sigma rows i", "fused_small.cuh", "gaussian_group",
                 r"for \(int i = 0; i < t\.n", [[n]], sig={"STG": R}),
        LoopSpec("inverse_entry k", "group_tile.cuh", "inverse_entry", r"for \(int k = k0 \+ 1",
                 [entry_inner(r) for r in range(R)], sig={"FFMA": 1, "LDS": 2}),
        LoopSpec("store_vector_tiles (grad_mean, grad_x)", "warp_io.cuh", "store_vector_tiles",
                 r"for \(int e", [grad_rows, [0]], sig={"STG": 1, "LDS": 2}),
    ]


def rows_plan(hw, n, batch, scalar=4):
    """gpu.cu launch_rows: capacity N (12, 16, 24, 32, 48, 64), 128 threads, one G-lane group
    per matrix, N (N + 1) + N shared elements per group."""
    N = next(c for c in (12, 16, 24, 32, 48, 64) if n <= c)
    g = 16 if N <= 16 else 32
    groups_per_block = 128 // g
    return {"capacity": N, "group_size": g, "threads": 128,
            "shared_bytes": groups_per_block * (N * (N + 1) + N) * scalar,
            "blocks": grid_for(hw, batch, groups_per_block)}


def rows_specs():
    """Every loop of the row-register kernel is unrolled at compile time: only the grid-stride
    loop remains, once per warp iteration."""
    return [LoopSpec("grid-stride loop (one warp iteration)", "fused_rows.cuh",
                     "gaussian_rows_kernel", r"b - group < args\.batch", [[1]])]


# ============================================================================================
# The register Gaussian kernel (kernels/gaussian/register_small.cuh, D <= 8): one thread per
# matrix, compile-time D, every loop over D unrolled by the compiler. Work unit: one warp's pass
# of the grid-stride loop (32 matrices); every warp of a block runs the body, also in a partial
# last pass.


def register_plan(hw, n, batch, scalar=4, threads=128, stage_words=32):
    """launch_register (host/gaussian/gpu.cu): 128 threads, grid_for(batch, 128), the stage of
    register_stage.cuh: 128 x odd pitch(min(D^2, 32)) words."""
    pass_words = min(n * n, stage_words)
    pitch = pass_words | 1
    passes = -(-batch // threads)
    return {"threads": threads, "shared_bytes": threads * pitch * scalar,
            "blocks": grid_for(hw, batch, threads), "warp_passes": passes * (threads // 32)}


def register_specs():
    return [
        LoopSpec("grid-stride loop (one warp pass, 32 matrices)", "register_small.cuh",
                 "gaussian_register_kernel", r"first < args\.batch", [[1]]),
    ]


def gaussian_register_bytes(n, scalar=4):
    """DRAM bytes per matrix of the register kernel: the packed matrix is staged in whole (the
    block's span is one contiguous run, upper triangle included), x and mu read; log p, info,
    grad_mean and grad_Sigma written: the benchmark floor's bytes exactly."""
    return scalar * (n * n + 2 * n) + scalar + 4 + scalar * n + scalar * n * n


def sectors(first_byte, last_byte, sector=32):
    return last_byte // sector - first_byte // sector + 1


def gaussian_fused_bytes(n, scalar=4):
    """DRAM bytes per matrix of the fused kernel: x and mu (n each, read), the lower triangle of
    Sigma in 32-byte sectors (rows are read from column 0 to i; the matrix starts 32-byte
    aligned), log p and info (one each), grad_mean (n) and grad_Sigma (n^2) written."""
    tri = 0
    for i in range(n):
        start = i * n * scalar
        tri += 32 * sectors(start, start + (i + 1) * scalar - 1)
    tri = min(tri, n * n * scalar)
    return scalar * (2 * n) + tri + scalar + 4 + scalar * n + scalar * n * n


def gaussian_floor_bytes(n, batch, scalar=4):
    """bench/floors.hpp gaussian_bytes (full): sizeof(T) B (2D^2 + 3D + 1) + 4B."""
    return scalar * batch * (2 * n * n + 3 * n + 1) + 4 * batch


# ============================================================================================
# The D > 64 path (host/gaussian/large_chunk.hpp) for covariance + all outputs


# Copies of host/linalg/tuning.hpp: library_inverse_leaf_dim, library_gram_block_dim(n).
INVERSE_LEAF = 32


def gram_block(n):
    return 32 * max(1, (n + 256) // 512)


def inverse_steps(n, leaf=INVERSE_LEAF):
    """InversePlan::make (host/linalg/triangular_blocks.hpp): (cols, rows, pairs) per trsm step
    of W = L^-1, the full pairs of each level and its ragged last pair."""
    steps = []
    s = leaf
    while s < n:
        full = n // (2 * s)
        if full > 0:
            steps.append((s, s, full))
        a = 2 * s * full
        if a + s < n:
            steps.append((s, n - a - s, 1))
        s *= 2
    return steps


def gram_rows(n, block=None):
    """lower_gram: (m, ncols, k) of the gemmStridedBatched of each block row of C = W^T W."""
    block = block or gram_block(n)
    return [(min(block, n - i0), i0 + min(block, n - i0), n - i0) for i0 in range(0, n, block)]


def large_chunks(n, batch, scalar=4, budget=512 << 20):
    """chunk_size(batch, bytes_per_element) of workspace_layout.hpp with LargePlan's element
    size (covariance with grad_Sigma: rhs = W, n x n; three vectors; trsm pointers)."""
    pairs = sum(p for _, _, p in inverse_steps(n))
    per = scalar * (n * n + n * n + 3 * n) + (2 + 3 * pairs) * 8 + 4 + 6 * 256
    largest = min(max(1, budget // (per + 1)), 0x7fffffff)
    count = -(-batch // largest)  # balanced, as chunk_size() does
    chunk = -(-batch // count)
    out = []
    first = 0
    while first < batch:
        out.append(min(chunk, batch - first))
        first += chunk
    return out


def elementwise_specs(kernel_key, items_per_thread, n=None):
    """Grid-stride element-wise kernels of large_dim.cuh (BOLTZKIT_GRID_STRIDE): one work unit =
    one warp; every thread runs items_per_thread iterations (average)."""
    t = [items_per_thread]
    line = r"BOLTZKIT_GRID_STRIDE"
    table = {
        "pack_lower": [LoopSpec("grid-stride (element)", "large_dim.cuh", "pack_lower_kernel",
                                line, [t], sig={"LDG": 1, "STG": 1})],
        "set_pointers": [LoopSpec("grid-stride (element)", "large_dim.cuh", "set_pointers_kernel",
                                  line, [t], sig={"STG": 1})],
        "build_rhs": [LoopSpec("grid-stride (element, x - mu version)", "large_dim.cuh",
                               "build_rhs_kernel", line, [t], sig={"LDG": 2, "STG": 1})],
        "store_gradient_vectors": [LoopSpec("grid-stride (element, grad_mean only)",
                                            "large_dim.cuh", "store_gradient_vectors_kernel",
                                            line, [t], sig={"LDG": 2, "STG": 1})],
        "store_matrix_gradient": [LoopSpec("grid-stride (element)", "large_dim.cuh",
                                           "store_matrix_gradient_kernel", line, [t],
                                           sig={"STG": 1})],
        "check_diagonal": [
            LoopSpec("grid-stride (matrix)", "large_dim.cuh", "check_diagonal_kernel", line, [t]),
            LoopSpec("diagonal k", "large_dim.cuh", "check_diagonal_kernel", r"bad_pivot",
                     [[n]], sig={"LDG": 1}, repeat=items_per_thread),
        ],
        "log_prob": [
            LoopSpec("grid-stride (matrix per warp, info written)", "large_dim.cuh",
                     "log_prob_kernel", r"m < count", [t], sig={"STG": 2}),
            # group_sum(v, warp_size) has a constant size here: its shuffles are unrolled
            LoopSpec("k = lane..n step 32", "large_dim.cuh", "log_prob_kernel",
                     r"for \(int k = lane", [[-(-n // 32)]], sig={"LDG": 2},
                     repeat=items_per_thread),
        ],
    }
    return table[kernel_key]


# ============================================================================================
# Packed Ising half-sweep (kernels/ising/packed_kernels.cuh), per warp iteration (32 words)


def packed_specs(calls_per_warp):
    # The first Philox call is peeled off the plane loop (straight-line code in the grid-stride
    # body); the loop runs the warp's remaining calls.
    return [
        LoopSpec("grid-stride loop (32 words per warp)", "packed_kernels.cuh",
                 "packed_half_sweep_kernel", r"e < total", [[1]], sig={"STG": 1}),
        LoopSpec("random bit-plane pairs after the first (Philox calls 2..16)",
                 "packed_lattice.cuh", "updated_word", r"for \(std::uint32_t counter = counter_hi",
                 [[max(calls_per_warp - 1.0, 0.0)]]),
    ]


# ============================================================================================
# Dense Boltzmann machine chain sweeps (kernels/bm/chain_kernels.cuh bm_sweep_kernel, the loops
# of chain_update.cuh bm_chain_sweeps), per work unit = one chain (one warp; lanes split every
# field loop with stride 32). J is read from global memory (j_shared = 0) for N >= 256.


def bm_sweep_specs(n, sweeps, flip_rate, j_shared=False):
    per_lane = n / 32.0
    return [
        LoopSpec("J to shared memory", "chain_kernels.cuh", "bm_sweep_kernel",
                 r"base\[e\] = a\.p\.j", [[(n * n / 128.0) if j_shared else 0]]),
        LoopSpec("spins in (i = lane..n step 32)", "chain_kernels.cuh", "bm_sweep_kernel",
                 r"s\[i\] = global\[i\]", [[per_lane]], sig={"STS": 1}),
        # the version with a running inner loop (the other one, for n <= 0, stores h only)
        LoopSpec("initial fields (i = lane..n step 32)", "chain_update.cuh", "bm_chain_sweeps",
                 r"f\[i\] = bm_field", [[per_lane]], sig={"STS": 1, "I2F": 11}),
        # bm_field's l loop: an x16 copy, then an x4 copy for the rest (n mod 16 here: 0)
        LoopSpec("bm_field l = 0..n", "chain_update.cuh", "bm_field",
                 r"for \(std::int64_t l = 0", [[n], [n % 16]], sig={"DMUL": 1, "DADD": 1},
                 repeat=per_lane),
        LoopSpec("sweeps t", "chain_update.cuh", "bm_chain_sweeps",
                 r"for \(std::int64_t t = 0", [[sweeps]]),
        LoopSpec("sites u = 0..n", "chain_update.cuh", "bm_chain_sweeps",
                 r"for \(std::int64_t u = 0", [[n]], repeat=sweeps),
        # runs only after an accepted flip: flip_rate x n x sweeps times per chain
        LoopSpec("field update (i = lane..n step 32)", "chain_update.cuh", "bm_chain_sweeps",
                 r"f\[i\] = rn_add\(f\[i\], rn_mul\(d, jk", [[per_lane]], sig={"STS": 1},
                 repeat=flip_rate * n * sweeps),
        LoopSpec("spins out (i = lane..n step 32)", "chain_kernels.cuh", "bm_sweep_kernel",
                 r"global\[i\] = s\[i\]", [[per_lane]], sig={"STG": 1}),
    ]


# ============================================================================================
# Blocked bm sweeps: the decision kernel (kernels/bm/chain_kernels.cuh bm_block_kernel<B>, the
# fully unrolled bm_block_decide of block_update.cuh). Work unit = one warp = 32 chains deciding
# the B sites of one block; everything but the J-block copy is straight-line code (counted once
# per warp, A2: both sides of every branch, i.e. heat bath and Metropolis, flip and no flip).


def bm_block_specs(b, threads):
    # e = threadIdx.x .. B*B step blockDim.x: a u = 1 loop for the (trips mod 4) first, then x4
    per_thread = b * b // threads
    return [
        LoopSpec("J block to shared memory", "chain_kernels.cuh", "bm_block_kernel",
                 r"e < B \* B", [[per_thread % 4], [per_thread]], sig={"STS": 1}),
    ]


# ============================================================================================
# Tiled bm sweeps (kernels/bm/chain_kernels.cuh bm_tile_kernel<B, Alg>, the field update of
# tile_update.cuh bm_tile_fields): work unit = one thread block = one tile of T chains, `threads`
# threads (W warps); counts are summed over the block's warps. Every warp runs the grid-stride
# loops (h broadcast, ΔS staging, J block); the field update's warp tiles (32 rows x all T chains,
# 4T/8 DMMA per 4 sites) are shared out among the warps, warp-uniform, so a block of sites costs
# `tiles` warp-tile iterations in all; every warp computes its share of the block's thresholds
# (bm_block_thresholds: Philox and a log per site and chain); the decisions run on a quad of lanes
# per chain (bm_tile_decide, straight-line code of one algorithm: Alg is a template argument), so
# the first 4T threads (T/8 warps: all 4 at T = 32) run the decision loop once per block of sites.


def bm_tile_warp_iterations(items, threads):
    """Σ over the block's warps of a grid-stride loop's warp trip count (A2: a warp runs while
    any of its lanes has an item): warp w's lanes start at 32w and stride `threads`."""
    total = 0
    for w in range(threads // 32):
        first = 32 * w
        total += max(0, -(-(items - first) // threads))
    return total


def bm_tile_specs(n, b, t, sweeps, threads, tw=0):
    warps = threads // 32
    blocks = -(-n // b)
    tiles = -(-n // 32)             # warp tiles: 4 DMMA row tiles x all T chains (T/8 groups)
    steps = -(-b // 4)              # DMMA k-steps per block of sites
    words = -(-n // 32)             # spin mask words per chain
    per_thread = lambda items: bm_tile_warp_iterations(items, threads) / float(warps)
    h_trips, out_trips = per_thread(n * t), per_thread(t * n)
    mask_words = int(round(per_thread(t * words)))
    specs = [
        # spins in: one mask word per iteration, its 32 sites by an x16 loop (x4 copy: n mod 32
        # sites of a last partial word, none here)
        LoopSpec("spins in: mask words (e = tid..T*words)", "chain_kernels.cuh", "bm_tile_kernel",
                 r"e < t \* words", [[mask_words]], repeat=warps),
        LoopSpec("spins in: sites of a word (x16, x4 copies)", "chain_kernels.cuh",
                 "bm_tile_kernel", r"v < sites", [[32] * mask_words, [0] * mask_words],
                 sig={"LDG": 1}, repeat=warps),
    ]
    if not tw:  # fields in registers (tw > 0): set to h in straight-line code instead
        specs.append(
            # a remainder copy (trips mod 4) and an x4 copy
            LoopSpec("h broadcast (e = tid..n*T)", "chain_kernels.cuh", "bm_tile_kernel",
                     r"f\[e\] = a\.p\.h\[e / t\]", [[h_trips % 4], [h_trips]], sig={"STS": 1},
                     repeat=warps))
    specs += [
        LoopSpec("field build: blocks k0", "chain_kernels.cuh", "bm_tile_kernel",
                 r"// field build", [[blocks]], repeat=warps),
        LoopSpec("field build: spins to ΔS (e = tid..B*T)", "chain_kernels.cuh", "bm_tile_kernel",
                 r"e < B \* t", [[per_thread(b * t)] * blocks], sig={"STS": 1}, repeat=warps),
    ]
    # the k-steps are bm_tile_ksteps' loop in both layouts (inlined into BmTileRegisterFields::add
    # or into bm_tile_fields' warp-tile loop)
    if tw:  # BmTileRegisterFields::add: every warp, its tw row tiles unrolled in each k-step
        specs.append(
            LoopSpec("k-steps u0 (4T/8 DMMA per row tile; field build, sweeps)", "tile_update.cuh",
                     "bm_tile_ksteps", r"u0 < m", [[steps] * blocks, [steps] * (blocks * sweeps)],
                     sig={"DMMA": 4 * (t // 8) * tw}, repeat=warps))
    else:
        specs += [
            LoopSpec("warp tiles (field build, sweeps)", "tile_update.cuh", "bm_tile_fields",
                     r"tile < tiles", [[tiles] * blocks, [tiles] * (blocks * sweeps)]),
            LoopSpec("k-steps u0 (4T/8 DMMA each; field build, sweeps)", "tile_update.cuh",
                     "bm_tile_ksteps", r"u0 < m", [[steps] * (tiles * blocks),
                                                   [steps] * (tiles * blocks * sweeps)],
                     sig={"DMMA": 4 * (t // 8)})]
    specs += [
        LoopSpec("sweeps s", "chain_kernels.cuh", "bm_tile_kernel", r"s < a\.n_sweeps",
                 [[sweeps]], repeat=warps),
        LoopSpec("sweep: blocks k0", "chain_kernels.cuh", "bm_tile_kernel",
                 r"// blocks of the sweep", [[blocks] * sweeps], repeat=warps),
        LoopSpec("J block to shared memory (e = tid..B*B)", "chain_kernels.cuh", "bm_tile_kernel",
                 r"e < B \* B", [[per_thread(b * b)] * (blocks * sweeps)], sig={"STS": 1},
                 repeat=warps),
        # Philox and 4 thresholds (a log each, in lockstep) per iteration, all warps, before the
        # decisions: g = tid/T .. B/4 step threads/T, the flat index g*T + col = tid + k*threads
        LoopSpec("thresholds (g = tid/T..B/4: all warps)", "block_update.cuh",
                 "bm_block_thresholds", r"g < B / 4",
                 [[per_thread(-(-b // 4) * t)] * (blocks * sweeps)], sig={"STS": 4},
                 repeat=warps),
        # bm_tile_decide: a quad of lanes per chain, 4T lanes = T/8 warps (all 4 at T = 32)
        LoopSpec("decisions (e = tid..4T: a quad per chain)", "chain_kernels.cuh",
                 "bm_tile_kernel", r"e < bm_tile_quad \* t",
                 [[per_thread(4 * t)] * (blocks * sweeps)], repeat=warps),
        # a remainder copy (trips mod 4) and an x4 copy
        LoopSpec("spins out (e = tid..T*n)", "chain_kernels.cuh", "bm_tile_kernel",
                 r"e < t \* n", [[out_trips % 4], [out_trips]], sig={"STG": 1}, repeat=warps),
    ]
    return specs


# ============================================================================================
# bm exact enumeration (kernels/bm/chain_kernels.cuh bm_exact_kernel, exact_chunk.cuh), per work
# unit = one warp iteration of the grid-stride loop = 32 chunks, one per lane. All chunks of a
# launch have 2^L states and t0 a multiple of 2^L, so the flipped spin ctz(t) is the same in
# every lane at every step: the warp stays converged. Chunk set-up loops whose SASS nests the
# source loops differently (the k loops at exact_chunk.cuh:54/93 carry the inner loop's line) are
# given source trips divided by the SASS unroll (16 at :54, 4 at :93) and no signature.


def bm_exact_chunk_log2(n):
    """kernels/bm/exact_chunk.cuh bm_exact_chunk_log2."""
    at_least = min(n, 10)
    return max(n - 14, at_least)


def bm_exact_specs(n, rescales=0):
    count = 2 ** bm_exact_chunk_log2(n)
    flips = count - 1
    return [
        LoopSpec("chunks (grid-stride)", "chain_kernels.cuh", "bm_exact_kernel", r"c < a\.chunks",
                 [[1]]),
        LoopSpec("zero k / corr l (x16)", "exact_chunk.cuh", "bm_exact_chunk",
                 r"c\.corr\[k \* n \+ l\] = 0\.0", [[n], [(n - 1 - k) / 16.0 for k in range(n)]]),
        LoopSpec("chunk-start fields i", "exact_chunk.cuh", "bm_exact_chunk", r"c\.f\[i\] = bm_field",
                 [[n]]),
        LoopSpec("bm_field l (x16, x4 copies)", "chain_update.cuh", "bm_field",
                 r"for \(std::int64_t l = 0; l < n; \+\+l\)", [[n], [n % 16]],
                 sig={"DMUL": 1, "DADD": 1}, repeat=n),
        LoopSpec("bm_energy k", "chain_update.cuh", "bm_energy", r"for \(std::int64_t k = 0; k < n",
                 [[n]]),
        LoopSpec("bm_energy l (x16, x4 copies)", "chain_update.cuh", "bm_energy",
                 r"for \(std::int64_t l = 0; l < n; \+\+l\) c = rn_add", [[n], [n % 16]],
                 sig={"DMUL": 1, "DADD": 1}, repeat=n),
        LoopSpec("states t", "exact_chunk.cuh", "bm_exact_chunk", r"for \(std::uint64_t t = t0",
                 [[count]]),
        LoopSpec("pair sums at a flip, l (x4)", "exact_chunk.cuh", "bm_exact_chunk",
                 r"for \(std::int64_t l = 0; l < n; \+\+l\) \{", [[n]], sig={"STG": 1},
                 repeat=flips),
        LoopSpec("field update at a flip, i (x16, x4 copies)", "exact_chunk.cuh", "bm_exact_chunk",
                 r"c\.f\[i\] = rn_add\(c\.f\[i\], rn_mul\(d, j", [[n], [n % 16]],
                 sig={"STG": 1, "DMUL": 1}, repeat=flips),
        # rescales: none at the benchmark's beta = 1 (README A15)
        LoopSpec("rescale k / corr l", "exact_chunk.cuh", "bm_exact_chunk",
                 r"c\.corr\[k \* n \+ l\] = rn_mul\(c\.corr", [[rescales * n], [0]]),
        LoopSpec("chunk-end k / pair sums l (x4)", "exact_chunk.cuh", "bm_exact_chunk",
                 r"for \(std::int64_t l = k \+ 1; l < n; \+\+l\) \{",
                 [[n], [(n - 1 - k) / 4.0 for k in range(n)]]),
    ]


# ============================================================================================
# The block-per-matrix Gaussian kernel (kernels/gaussian/fused_block.cuh, block_tile.cuh) for
# 64 < D <= 256, covariance with log p and every gradient. Work unit: one matrix (one iteration of
# the grid-stride loop of a whole block of `warps` warps). The trip counts are the sums over the
# block's warps. The tile steps (tile_multiply_add, factor/solve/invert of one tile) are fully
# unrolled (32 columns), so they have no loops of their own: their cost is the body of the loop
# that calls them. Loops whose body holds one warp's specialised step (the diagonal tile's
# Cholesky in the K loop, its inverse in the J loop, the diagonal tile of W^T W in the I loop)
# are charged one warp's executions: the other warps' loop overhead there (a few instructions
# per iteration, they skip the step) is left out. The grid-stride body is charged once per warp,
# with the warp-0-only parts (log p, the reductions) over-counted by that factor.


def block_tile_counts(n):
    nb = -(-n // 32)
    rows = lambda: range(nb)
    return {
        "nb": nb,
        "np": 32 * nb,
        "panel": nb * (nb - 1) // 2,                      # tiles under the diagonal
        "pairs": sum(r * (r + 1) // 2 for r in rows()),  # trailing-update tile pairs, all K
        "trmm": sum(b * (b + 1) // 2 for b in rows()),   # X = W L products, all J
        "product_off": sum(i * (nb - i) for i in rows()),  # W^T W products, J < I
        "product_diag": sum(nb - i for i in rows()),       # W^T W products, J = I
    }


def block_specs(n, warps=8):
    c = block_tile_counts(n)
    nb, np_ = c["nb"], c["np"]
    ceil32 = lambda x: -(-x // 32)

    def per_warp(count):  # for (i = warp * 32 + lane; i < count; i += 32 * warps), per warp
        return [max(0, -(-(count - 32 * w) // (32 * warps))) for w in range(warps)]

    f, kern = "fused_block.cuh", "gaussian_block_kernel"
    return [
        LoopSpec("grid-stride loop (one matrix, every warp)", f, kern, r"b < args\.batch",
                 [[warps]]),
        LoopSpec("load rows i", f, "block_load", r"for \(int i = warp; i < np", [[np_]]),
        # per row i: I + 1 tile columns (nvcc unrolls x16, so these run in the peeled copies)
        LoopSpec("load tile columns J <= I", f, "block_load", r"for \(int j = lane; j < \(I \+ 1\)",
                 [[i // 32 + 1 for i in range(np_)]], sig={"LDG": 1, "STS": 1}),
        LoopSpec("load d = x - mu", f, "block_load", r"for \(int i = warp \* warp_size",
                 [per_warp(np_)], sig={"LDG": 2, "STS": 1}),
        LoopSpec("factor K (diagonal tile Cholesky, one warp)", f, "block_factor",
                 r"for \(int K = 0; K < m\.nb", [[nb]]),
        LoopSpec("panel tiles (solve against L_KK^T)", f, "block_factor",
                 r"for \(int I = K \+ 1 \+ warp", [[c["panel"]]]),
        LoopSpec("trailing tile pairs (register-tiled update)", f, "block_factor",
                 r"for \(int p = warp; p < pairs", [[c["pairs"]]]),
        LoopSpec("z = d copy", f, kern, r"m\.v\[vec_z\]\[i\] = m\.v\[vec_d\]", [[np_ // 32]]),
        LoopSpec("g = z copy", f, kern, r"m\.v\[vec_g\]\[i\] = m\.v\[vec_z\]", [[np_ // 32]]),
        LoopSpec("forward solve tile rows I", f, "block_forward_solve",
                 r"for \(int I = 0; I < m\.nb", [[nb]]),
        LoopSpec("forward solve blocks K < I", f, "block_forward_solve",
                 r"for \(int K = 0; K < I", [[c["panel"]]]),
        LoopSpec("backward solve tile rows I", f, "block_backward_solve",
                 r"for \(int I = m\.nb - 1", [[nb]]),
        LoopSpec("backward solve blocks K > I", f, "block_backward_solve",
                 r"for \(int K = I \+ 1", [[c["panel"]]]),
        LoopSpec("log p sums", f, "block_log_prob", r"for \(int i = lane; i < m\.n",
                 [[ceil32(n)]]),
        LoopSpec("invert J (diagonal tile inverse, one warp)", f, "block_invert",
                 r"for \(int J = m\.nb - 1", [[nb]]),
        LoopSpec("invert rounds (one per tile X(I, J))", f, "block_invert",
                 r"for \(int first = 0", [[c["panel"]]]),
        LoopSpec("invert X = W L products", f, "block_invert", r"for \(int K = J \+ 1; K <= I",
                 [[c["trmm"]]]),
        LoopSpec("invert X <- -X W_JJ", f, "block_invert", r"for \(int I = J \+ 1 \+ warp",
                 [[c["panel"]]]),
        LoopSpec("W^T W rows I (diagonal tile, one warp)", f, "block_symmetric_product",
                 r"for \(int I = 0; I < m\.nb", [[nb]]),
        LoopSpec("W^T W tiles J < I", f, "block_symmetric_product",
                 r"for \(int J = warp; J < I", [[c["panel"]]]),
        LoopSpec("W^T W products (J < I, then J = I)", f, "block_symmetric_product",
                 r"for \(int K = I; K < m\.nb", [[c["product_off"]], [c["product_diag"]]]),
        LoopSpec("store grad_mean, grad_x", f, "block_store_gradients",
                 r"for \(int i = warp \* warp_size", [per_warp(n)], sig={"STG": 2, "LDS": 2}),
        LoopSpec("store grad Sigma rows i", f, "block_store_gradients",
                 r"for \(int i = warp; i < m\.n", [[n]]),
        LoopSpec("store grad Sigma tile columns C", f, "block_store_gradients",
                 r"for \(int C = 0; C \* block_tile < m\.n", [[ceil32(n)] * n],
                 sig={"STG": 1}),
    ]


def block_plan(hw, n, batch, scalar=4, threads=256):
    """host/gaussian/gpu.cu launch_block: one block of 256 threads per element, grid_for(batch,
    1), shared memory kernels::block_shared_bytes<T>(n)."""
    nb = -(-n // 32)
    shared = (nb * (nb + 1) // 2 * 32 * 33 + 4 * 32 * nb) * scalar + 4
    return {"threads": threads, "shared_bytes": shared, "blocks": grid_for(hw, batch, 1)}
