#pragma once
// One half-sweep of the packed path on the CPU: the GPU kernel's word update in an OpenMP loop.
// A header so that the benchmark can run it with another source of random planes.
#include <cstdint>

#include "kernels/ising/packed_lattice.cuh"
#include "boltzkit/ising_packed.hpp"
#include "tuning.hpp"

namespace boltzkit::ising::backend::cpu {

constexpr std::int64_t packed_parallel_threshold = tuning::ising_parallel_words;

template <int Dims, class Planes = kernels::PhiloxPlanes,
          kernels::PlaneMode Mode = kernels::PlaneMode::general>
void packed_half_sweep_mode(const kernels::PackedUpdate& u, PackedSpins spins, int colour) {
  const std::int64_t total = spins.replicas * u.g.words_per_colour;
#pragma omp parallel for schedule(static) if (total >= packed_parallel_threshold)
  for (std::int64_t e = 0; e < total; ++e) {
    const kernels::PackedWordIndex p = kernels::packed_word_index(u.g, e);
    std::uint64_t* replica = spins.data + p.r * 2 * u.g.words_per_colour;
    std::uint64_t* self = replica + colour * u.g.words_per_colour;
    const std::uint64_t* other = replica + (1 - colour) * u.g.words_per_colour;
    self[(p.z * u.g.ly + p.y) * u.g.words_per_row + p.w] =
        kernels::updated_word<Dims, Planes, Mode>(u, self, other, p.z, p.y, p.w, colour, p.r);
  }
}

/// The half-sweep with the plane loop that u.mode calls for (see updated_word).
template <int Dims, class Planes = kernels::PhiloxPlanes>
void packed_half_sweep(const kernels::PackedUpdate& u, PackedSpins spins, int colour) {
  kernels::with_plane_mode(u, [&](auto mode) {
    packed_half_sweep_mode<Dims, Planes, decltype(mode)::value>(u, spins, colour);
  });
}

}  // namespace boltzkit::ising::backend::cpu
