#pragma once
// Backend entry points of the packed lattice path (arguments already validated).
#include "kernels/ising/packed_lattice.cuh"
#include "boltzkit/ising_packed.hpp"

namespace boltzkit::ising {

namespace detail {
kernels::PackedGeometry packed_geometry_of(const Lattice& lattice);
}  // namespace detail

namespace backend {

namespace cpu {
void convert(const kernels::PackedGeometry& g, Spins bytes, PackedSpins words, bool to_words);
void sweep_packed(kernels::PackedUpdate u, PackedSpins spins, std::uint64_t first_sweep,
                  std::int64_t n);
void measure_packed(const kernels::PackedGeometry& g, double J, PackedSpins spins,
                    double* energy, double* magnetization);
}  // namespace cpu

namespace gpu {
void convert(Context& ctx, const kernels::PackedGeometry& g, Spins bytes, PackedSpins words,
             bool to_words);
/// `host_tables` is copied to the workspace before the sweeps.
void sweep_packed(Context& ctx, kernels::PackedUpdate u, const std::uint64_t* host_tables,
                  std::int64_t table_entries, PackedSpins spins, std::uint64_t first_sweep,
                  std::int64_t n);
void measure_packed(Context& ctx, const kernels::PackedGeometry& g, double J, PackedSpins spins,
                    double* energy, double* magnetization);
}  // namespace gpu

}  // namespace backend

}  // namespace boltzkit::ising
