#pragma once
// Launch constants of the bm kernels. Provenance: device, date, benchmark case, or "predicted".
#include <cstddef>
#include <cstdint>

namespace boltzkit::bm::tuning {

/// Chains (warps) per block of the chain kernel. predicted (no GPU yet): 4 warps share one J
/// copy in shared memory for small N and leave room for several blocks per H100 SM.
inline constexpr int chains_per_block = 4;

/// Shared memory a block of the chain kernel may hold with J resident. predicted: 48 KB, the
/// default limit without opt-in, so J (float64) is shared up to N ≈ 72 at 4 chains per block;
/// larger J is read through L2 (an SK N = 256 J is 512 KB, well inside H100's 50 MB L2).
inline constexpr std::size_t shared_j_bytes = 48 * 1024;

/// Largest dynamic shared memory of one block (H100: 227 KB opt-in). Bounds N·(8 + 1) bytes of
/// fields and spins per chain, so N <= ~25000 at one chain per block (bm::max_spins = 16384).
inline constexpr std::size_t shared_bytes_max = 227 * 1024;

/// Sites per block of the delayed (blocked) field updates of the sequential scan (MATH.md §2.8).
/// predicted (static model, bench/results/static_model.md, SK with 4096 chains): 64 gives 15.4 /
/// 7.5 / 1.9 flips/ns at N = 256 / 1024 / 4096 against 10.6 / 4.4 / 1.1 with 32: the fields'
/// read and write by each block GEMM and the two launches per block dominate, and 64 halves both;
/// the in-block correction doubles (B/2 terms per decision) and the in-register fields take the
/// decision kernel to 201 registers (no spills; 6 warps/SM, enough for 4096 chains = 1 warp/SM).
inline constexpr int block_spins = 64;

/// Threads (one chain each) per block of the decision kernel. predicted: 32, so that the
/// benchmark's 4096 chains spread over 128 of the 132 SMs (with 128 threads they would fill 32
/// SMs); each warp loads its own copy of the 32 KB J block.
inline constexpr int block_threads = 32;

/// Threads of the tile kernel (bm_tile_kernel: one thread block owns a tile of chains and keeps
/// their fields on chip for a whole call, MATH.md §2.8). predicted (static model,
/// bench/results/static_model.md, 2026-12-03): at T = 32 the decisions take all 4 warps (a quad
/// of lanes per chain) and the thresholds are shared out among them; the limb tile kernel keeps
/// the same shape (its 4 warps hold the int32 fields of N <= 256); more warps would need more chains per block (fewer, fuller blocks than
/// the 132 SMs for 4096 chains) or split a chain's decisions further.
inline constexpr int tile_threads = 128;

/// Sites per block of the tile kernel; the kernel requires 32 (one spin-mask word per chain and
/// block, 8 sites per lane of a decision quad). predicted (static model, SK, 4096 chains, 5 sweeps
/// per call, heat bath; bench/results/static_model.md): 16 / 32 / 64 gave 26.7 / 29.0 / 26.9
/// flips/ns at N = 256 and 7.3 / 8.4 / 8.4 at N = 1024 with the CUDA-core field update (an
/// earlier kernel: one thread per chain, before DMMA). The field update costs N²·T
/// multiply-adds per sweep whatever the block size; a larger block amortizes the fields' shared
/// memory traffic over more sites but lengthens the in-block correction (B/2 terms per decision).
inline constexpr int tile_block_spins = 32;

// bm_tile_kernel's field update (N > limb_max_spins) runs on the FP64 tensor cores (DMMA), not on
// IMMA with every limb of the exact value. predicted (static model per-loop counts, SK, 4096 chains, 5 sweeps per call,
// bench/results/static_model_history.md "IMMA evaluated", 2026-12-03): IMMA m16n8k32 s8 on J̃'s
// grid integers in 6 (SK) or 7 (any grid) int8 limbs, exact by MATH.md §2.8, would give
// 70.6 / 69.0 flips/ns at N = 256 against 63.8 and 20.4 / 19.4 at N = 1024 against 16.8: the
// LSU stays the bound (decisions; the fields' read-modify-write), and each field pays a
// recombination (8–9 instructions) per block of sites. The limb tile kernel (N <= 256) takes IMMA
// another way: three limbs of a hi part resident on chip, a bound, an exact fallback (MATH §2.9).

/// Chains per thread block of the tile kernel: the largest of these (halving; multiples of 8, the
/// DMMA tile's width) whose shared memory (policy tile_shared_bytes: fields N·T doubles unless in
/// registers, J block, thresholds, ΔS, spin masks) fits shared_bytes_max. predicted: 32 fills
/// the 4 warps with decision quads and makes 128 blocks for 4096 chains (one per SM); 16 and 8
/// reach N = 1024 and 2048 (with 2 and 1 warps deciding).
inline constexpr int tile_chains_max = 32;
inline constexpr int tile_chains_min = 8;

/// The blocked path on the GPU takes the tile kernel up to this N and the decision kernel +
/// DGEMM per block above. predicted (static model, SK, 4096 chains, "tile kernel against the GEMM
/// path" table of bench/results/static_model.md): without an L2 charge (2026-12-03) the tile
/// kernel was faster at N = 256 … 3072 with 1 and 5 sweeps per call. With the L2 reads of J
/// charged (every thread block reads all of J each sweep, at the published 5.5e12 B/s of
/// bench/static_model/hardware.py [L2], branch bmbound) it stays faster at N = 256 and, with 5
/// sweeps per call, at 1024 and 1536 (8.9 against 7.6 flips/ns at 1024), but the GEMM path is
/// predicted faster at 1024 and 1536 with 1 sweep and at 2048 (5 sweeps: 2.2 against 4.4). Both
/// sides are pessimistic there (the L2 figure is an H100 PCIe measurement; the GEMM path's
/// fields are charged at DRAM though they fit in L2 up to N ≈ 1500 at 4096 chains), so the
/// value stays until a GPU measures the crossover; the model now points to ~1536.
/// Bounds of the tile kernel at N = 256, C = 4096 (MATH.md §2.8, "What bounds the tile kernel";
/// bench/static_model/bm_tile_bounds.py):
///   DMMA update, 2N flops per attempted flip: <= 116 flips/ns on 132 SMs (97 with the field build);
///   J from L2, (C/T)·N²·8 B per sweep = 8N/T B per flip: <= 86 flips/ns (72 with the build);
///   no split of the chains over the SMs gets DMMA and L2 together past 98 flips/ns;
///   300 flips/ns needs J̃ on chip (int8 limbs, symmetric half 192 KiB) and IMMA (<= 618 flips/ns).
inline constexpr std::int64_t tile_max_spins = 2048;

/// The tiled path runs the limb tile kernel (bm_limb_tile_kernel: J̃'s hi parts resident in
/// shared memory as three int8 digit planes, fields in IMMA accumulators, MATH.md §2.9) up to
/// this N, bm_tile_kernel (DMMA, J̃ from L2) above. 256 is the kernel's limit (4 warps x 4 row
/// tiles of 16 int32 fields; the planes take 192 KiB of the 227 KiB). predicted (static model,
/// SK, 4096 chains, 5 sweeps per call, bench/results/static_model_history.md, 2026-12-03): see
/// there for the figures against bm_tile_kernel.
inline constexpr std::int64_t limb_max_spins = 256;

/// FieldUpdate::automatic takes the blocked path for the sequential scan on the GPU from this N
/// on. predicted: below ~64 spins a sweep is one or two blocks and the launches dominate. The
/// CPU's automatic stays scalar: measured 2026-12-03, this 2-core development VM, one thread
/// (OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1, bench bm/cpu/heatbath[/blocked]), CPU time per
/// call: N = 64, C = 256: 10.9 ms scalar, 13.2 blocked; N = 256, C = 64: 21.5 / 26.1;
/// N = 256, C = 1024: 273 / 296.
inline constexpr std::int64_t blocked_min_spins = 64;

}  // namespace boltzkit::bm::tuning
