#pragma once
/// \file ising_packed.hpp
/// The bit-packed fast path of the lattice Ising model: one bit per spin, uniform J, h = 0,
/// lx a multiple of 128 (other extents even, >= 2). 64 spins are updated per integer word
/// operation, and random bits are drawn one bit-plane at a time only for spins whose flip
/// probability is strictly between 0 and 1. Exact: a spin flips with probability ⌊q·2^32⌋/2^32,
/// the same quantization as the byte path. Same seed → same bits on CPU and GPU (the packed
/// path's random stream differs from the byte path's, so the two paths are statistically, not
/// bitwise, equivalent).
///
/// Layout per replica: [colour 0 | colour 1], each (lz, ly, lx/128) 64-bit words; bit b of word
/// w in row (z, y) of colour c is site x = 2(64w + b) + ((y + z + c) mod 2). Bit 1 = spin up.
#include <cstdint>

#include "boltzkit/context.hpp"
#include "boltzkit/ising.hpp"

namespace boltzkit::ising {

struct PackedSpins {
  std::uint64_t* data = nullptr;
  std::int64_t replicas = 0;
};

/// True when the lattice can use the packed path (lx % 128 == 0, all extents valid, fewer than
/// 2^32 words per colour: 2^39 spins).
bool packed_supported(const Lattice& lattice);
/// 64-bit words per replica (both colours).
std::int64_t packed_words(const Lattice& lattice);

/// Converts byte spins (R, sites) to packed words, or back. O(R·sites).
void pack(Context& ctx, const Lattice& lattice, Spins bytes, PackedSpins words);
void unpack(Context& ctx, const Lattice& lattice, PackedSpins words, Spins bytes);

/// n_sweeps checkerboard sweeps (colour 0 then 1) with uniform coupling J and h = 0; replica r
/// at betas[r] (host array). Metropolis or heat bath. Asynchronous on the GPU and not
/// capturable into a CUDA graph, like ising::sweep.
void sweep_packed(Context& ctx, const Lattice& lattice, double J, Algorithm algorithm,
                  PackedSpins spins, const double* betas, std::uint64_t seed,
                  std::uint64_t first_sweep, std::int64_t n_sweeps);

/// Energy and magnetization per spin of every replica (R doubles each, Context memory space),
/// from popcounts; exact integers scaled by 1/N.
void measure_packed(Context& ctx, const Lattice& lattice, double J, PackedSpins spins,
                    double* energy, double* magnetization);

}  // namespace boltzkit::ising
