#pragma once
// Backend entry points for the lattice Ising routines (arguments already validated).
#include "kernels/ising/lattice_site.cuh"
#include "boltzkit/ising.hpp"

namespace boltzkit::ising {

namespace detail {
kernels::LatticeGeometry geometry_of(const Lattice& lattice);
}  // namespace detail

namespace backend {

namespace cpu {
void initialize(const Lattice& lattice, Spins spins, std::uint64_t seed, bool hot);
/// `u` is complete except for `sweep`, which this sets per sweep.
void sweep(kernels::LatticeUpdate u, Spins spins, std::uint64_t first_sweep, std::int64_t n);
void measure(const Lattice& lattice, const Couplings& couplings, Spins spins, double* energy,
             double* magnetization);
}  // namespace cpu

namespace gpu {
void initialize(Context& ctx, const Lattice& lattice, Spins spins, std::uint64_t seed, bool hot);
/// Host-side tables and betas are copied to the workspace here; `u`'s pointers are host ones.
void sweep(Context& ctx, kernels::LatticeUpdate u, const std::uint64_t* host_tables,
           std::int64_t table_entries, const double* host_betas, Spins spins,
           std::uint64_t first_sweep, std::int64_t n);
void measure(Context& ctx, const Lattice& lattice, const Couplings& couplings, Spins spins,
             double* energy, double* magnetization);
}  // namespace gpu

}  // namespace backend

}  // namespace boltzkit::ising
