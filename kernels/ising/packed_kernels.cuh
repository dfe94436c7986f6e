#pragma once
// GPU kernels of the bit-packed lattice path: grid-stride loops over words around the shared
// functions of packed_lattice.cuh. Internal linkage (static), like lattice_kernels.cuh.
#include "kernels/common/group.cuh"
#include "packed_lattice.cuh"
#include "policy.hpp"

namespace boltzkit::kernels {

/// Dims = u.g.dims (2 or 3), a template parameter so the word update keeps its arrays in
/// registers. Planes: see PhiloxPlanes. Mode = u.mode: how the plane loop builds the threshold
/// bits (see updated_word). The word's (r, z, y, w) is divided out once per thread (32-bit
/// divisions) and then carried along the grid stride.
template <int Dims, class Planes = PhiloxPlanes, PlaneMode Mode = PlaneMode::general>
static __global__ void __launch_bounds__(packed_threads, packed_sweep_min_blocks)
    packed_half_sweep_kernel(PackedUpdate u, std::uint64_t* words, std::int64_t replicas,
                             int colour) {
  const std::int64_t total = replicas * u.g.words_per_colour;
  // Grids come from grid_for (at most 32 blocks per SM): thread indices and the stride are
  // below 2^32.
  const std::uint32_t first = blockIdx.x * blockDim.x + threadIdx.x;
  const std::uint32_t stride = gridDim.x * blockDim.x;
  if (first >= total) return;
  PackedCursor p = packed_cursor(u.g, first);
  const PackedCursor step = first + static_cast<std::int64_t>(stride) < total
                                ? packed_cursor(u.g, stride)
                                : PackedCursor{0, 0, 0, 0};
  for (std::int64_t e = first; e < total; e += stride) {
    std::uint64_t* replica = words + p.r * 2 * u.g.words_per_colour;
    std::uint64_t* self = replica + colour * u.g.words_per_colour;
    const std::uint64_t* other = replica + (1 - colour) * u.g.words_per_colour;
    self[packed_offset(u.g, p.z, p.y, p.w)] =
        updated_word<Dims, Planes, Mode>(u, self, other, p.z, p.y, p.w, colour, p.r);
    advance_cursor(u.g, p, step);
  }
}

/// Byte spins (R, sites) → packed words (R, 2 colours, words_per_colour), or back.
static __global__ void __launch_bounds__(packed_threads)
    packed_convert_kernel(PackedGeometry g, std::int8_t* bytes, std::uint64_t* words,
                          std::int64_t replicas, bool to_words) {
  const std::int64_t total = replicas * 2 * g.words_per_colour;
  for (std::int64_t e = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
       e < total; e += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t r = e / (2 * g.words_per_colour);
    const std::int64_t in_replica = e - r * 2 * g.words_per_colour;
    const int colour = static_cast<int>(in_replica / g.words_per_colour);
    const PackedWordIndex p = packed_word_index(g, in_replica - colour * g.words_per_colour);
    std::int8_t* lattice = bytes + r * g.lx * g.ly * g.lz;
    if (to_words) {
      std::uint64_t word = 0;
      for (int b = 0; b < 64; ++b)
        if (lattice[packed_site(g, p.z, p.y, p.w, b, colour)] > 0) word |= std::uint64_t{1} << b;
      words[e] = word;
    } else {
      const std::uint64_t word = words[e];
      for (int b = 0; b < 64; ++b)
        lattice[packed_site(g, p.z, p.y, p.w, b, colour)] = ((word >> b) & 1) ? 1 : -1;
    }
  }
}

/// Per replica: number of up spins and of anti-aligned bonds (two-pass like the byte path:
/// blocks_per_replica partials, then a fixed-order sum).
static __global__ void __launch_bounds__(packed_threads)
    packed_partial_counts_kernel(PackedGeometry g, const std::uint64_t* words,
                                 int blocks_per_replica, long long* partial_up,
                                 long long* partial_anti) {
  __shared__ long long up_shared[packed_threads / warp_size];
  __shared__ long long anti_shared[packed_threads / warp_size];
  const std::int64_t r = blockIdx.x / blocks_per_replica;
  const int part = static_cast<int>(blockIdx.x % blocks_per_replica);
  const std::uint64_t* replica = words + r * 2 * g.words_per_colour;
  long long up = 0, anti = 0;
  for (std::int64_t e = static_cast<std::int64_t>(part) * blockDim.x + threadIdx.x;
       e < g.words_per_colour; e += static_cast<std::int64_t>(blocks_per_replica) * blockDim.x) {
    const PackedWordIndex p = packed_word_index(g, e);
    up += popcount64(replica[e]) + popcount64(replica[g.words_per_colour + e]);
    anti += anti_aligned_bonds(g, replica, replica + g.words_per_colour, p.z, p.y, p.w);
  }
  up = group_sum(up, warp_size);
  anti = group_sum(anti, warp_size);
  const int warp = threadIdx.x / warp_size, lane = threadIdx.x % warp_size;
  if (lane == 0) {
    up_shared[warp] = up;
    anti_shared[warp] = anti;
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    long long tu = 0, ta = 0;
    for (int w = 0; w < packed_threads / warp_size; ++w) {
      tu += up_shared[w];
      ta += anti_shared[w];
    }
    partial_up[blockIdx.x] = tu;
    partial_anti[blockIdx.x] = ta;
  }
}

static __global__ void packed_finish_counts_kernel(const long long* partial_up,
                                                   const long long* partial_anti,
                                                   std::int64_t replicas, int blocks_per_replica,
                                                   double sites, int dims, double J,
                                                   double* energy, double* magnetization) {
  for (std::int64_t r = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
       r < replicas; r += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    long long up = 0, anti = 0;
    for (int p = 0; p < blocks_per_replica; ++p) {
      up += partial_up[r * blocks_per_replica + p];
      anti += partial_anti[r * blocks_per_replica + p];
    }
    const double bonds = dims * sites;
    energy[r] = -J * (bonds - 2.0 * static_cast<double>(anti)) / sites;
    magnetization[r] = (2.0 * static_cast<double>(up) - sites) / sites;
  }
}

}  // namespace boltzkit::kernels
