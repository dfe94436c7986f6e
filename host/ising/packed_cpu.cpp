// CPU backend of the packed lattice path: the GPU kernels' word functions in loops.
#include "kernels/ising/packed_lattice.cuh"
#include "packed_backends.hpp"
#include "sweep_schedule.hpp"
#include "packed_loop.hpp"

namespace boltzkit::ising::backend::cpu {

void convert(const kernels::PackedGeometry& g, Spins bytes, PackedSpins words, bool to_words) {
  const std::int64_t total = words.replicas * 2 * g.words_per_colour;
#pragma omp parallel for schedule(static) if (total >= packed_parallel_threshold)
  for (std::int64_t e = 0; e < total; ++e) {
    const std::int64_t r = e / (2 * g.words_per_colour);
    const std::int64_t in_replica = e - r * 2 * g.words_per_colour;
    const int colour = static_cast<int>(in_replica / g.words_per_colour);
    const kernels::PackedWordIndex p = kernels::packed_word_index(g, in_replica - colour * g.words_per_colour);
    std::int8_t* lattice = bytes.data + r * g.lx * g.ly * g.lz;
    if (to_words) {
      std::uint64_t word = 0;
      for (int b = 0; b < 64; ++b)
        if (lattice[kernels::packed_site(g, p.z, p.y, p.w, b, colour)] > 0) word |= std::uint64_t{1} << b;
      words.data[e] = word;
    } else {
      for (int b = 0; b < 64; ++b)
        lattice[kernels::packed_site(g, p.z, p.y, p.w, b, colour)] = ((words.data[e] >> b) & 1) ? 1 : -1;
    }
  }
}

void sweep_packed(kernels::PackedUpdate u, PackedSpins spins, std::uint64_t first_sweep,
                  std::int64_t n) {
  detail::run_sweeps(u, first_sweep, n, [&](const kernels::PackedUpdate& v, int colour, auto dims) {
    packed_half_sweep<decltype(dims)::value>(v, spins, colour);
  });
}

void measure_packed(const kernels::PackedGeometry& g, double J, PackedSpins spins,
                    double* energy, double* magnetization) {
  for (std::int64_t r = 0; r < spins.replicas; ++r) {
    const std::uint64_t* replica = spins.data + r * 2 * g.words_per_colour;
    long long up = 0, anti = 0;
#pragma omp parallel for schedule(static) reduction(+ : up, anti) if (g.words_per_colour >= packed_parallel_threshold)
    for (std::int64_t e = 0; e < g.words_per_colour; ++e) {
      const kernels::PackedWordIndex p = kernels::packed_word_index(g, e);
      up += kernels::popcount64(replica[e]) + kernels::popcount64(replica[g.words_per_colour + e]);
      anti += kernels::anti_aligned_bonds(g, replica, replica + g.words_per_colour, p.z, p.y, p.w);
    }
    const double sites = static_cast<double>(g.lx * g.ly * g.lz);
    energy[r] = -J * (g.dims * sites - 2.0 * static_cast<double>(anti)) / sites;
    magnetization[r] = (2.0 * static_cast<double>(up) - sites) / sites;
  }
}

}  // namespace boltzkit::ising::backend::cpu
