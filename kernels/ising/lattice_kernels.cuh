#pragma once
// GPU kernels of the byte-per-spin lattice path: thin grid-stride loops around the shared site
// functions of lattice_site.cuh, plus a deterministic two-pass per-replica reduction.
#include "kernels/common/group.cuh"
#include "lattice_site.cuh"
#include "policy.hpp"

namespace boltzkit::kernels {

// Kernels here have internal linkage (static): one .cu includes them, and the CPU emulation
// tests compile them again without clashing with the library.

/// One half-sweep: every site of `colour` in every replica, a group of up to four sites per
/// thread and step. Dims = u.g.dims.
template <int Dims>
static __global__ void __launch_bounds__(lattice_threads)
    lattice_half_sweep_kernel(LatticeUpdate u, std::int8_t* spins, std::int64_t replicas,
                              int colour) {
  const std::int64_t groups = groups_per_colour(u.g);
  const std::int64_t total = replicas * groups;
  for (std::int64_t e = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
       e < total; e += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t r = e / groups;
    update_group<Dims>(u, spins + r * u.g.sites, e - r * groups, colour, r);
  }
}

static __global__ void __launch_bounds__(lattice_threads)
    lattice_initialize_kernel(std::int8_t* spins, std::int64_t sites, std::int64_t replicas,
                              std::uint64_t seed, bool hot) {
  const std::int64_t total = replicas * sites;
  for (std::int64_t e = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
       e < total; e += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t r = e / sites;
    spins[e] = hot ? initial_spin(seed, e - r * sites, r) : std::int8_t{1};
  }
}

/// Pass 1: blocks_per_replica partial sums (bond term, spin sum) per replica.
static __global__ void __launch_bounds__(lattice_threads)
    lattice_partial_sums_kernel(LatticeGeometry g, const std::int8_t* spins, const float* bonds,
                                std::int64_t bond_replica_stride, int blocks_per_replica,
                                double* partial_bond, long long* partial_spin) {
  __shared__ double bond_shared[lattice_threads / warp_size];
  __shared__ long long spin_shared[lattice_threads / warp_size];
  const std::int64_t r = blockIdx.x / blocks_per_replica;
  const int part = static_cast<int>(blockIdx.x % blocks_per_replica);
  const std::int8_t* lattice = spins + r * g.sites;
  const float* b = bonds == nullptr ? nullptr : bonds + r * bond_replica_stride;
  double bond_sum = 0.0;
  long long spin_sum = 0;
  for (std::int64_t i = static_cast<std::int64_t>(part) * blockDim.x + threadIdx.x; i < g.sites;
       i += static_cast<std::int64_t>(blocks_per_replica) * blockDim.x) {
    double bond;
    int spin;
    site_terms(g, lattice, b, i, bond, spin);
    bond_sum += bond;
    spin_sum += spin;
  }
  bond_sum = group_sum(bond_sum, warp_size);
  spin_sum = group_sum(spin_sum, warp_size);
  const int warp = threadIdx.x / warp_size, lane = threadIdx.x % warp_size;
  if (lane == 0) {
    bond_shared[warp] = bond_sum;
    spin_shared[warp] = spin_sum;
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    double tb = 0.0;
    long long ts = 0;
    for (int w = 0; w < lattice_threads / warp_size; ++w) {
      tb += bond_shared[w];
      ts += spin_shared[w];
    }
    partial_bond[blockIdx.x] = tb;
    partial_spin[blockIdx.x] = ts;
  }
}

/// Pass 2: fixed-order sum of the partials of each replica → per-spin energy and magnetization.
static __global__ void lattice_finish_sums_kernel(const double* partial_bond,
                                           const long long* partial_spin, std::int64_t replicas,
                                           int blocks_per_replica, double sites, double J,
                                           double h, bool uniform, double* energy,
                                           double* magnetization) {
  for (std::int64_t r = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
       r < replicas; r += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    double bond = 0.0;
    long long spin = 0;
    for (int p = 0; p < blocks_per_replica; ++p) {
      bond += partial_bond[r * blocks_per_replica + p];
      spin += partial_spin[r * blocks_per_replica + p];
    }
    const double m = static_cast<double>(spin);
    energy[r] = ((uniform ? J * bond : bond) - h * m) / sites;
    magnetization[r] = m / sites;
  }
}

}  // namespace boltzkit::kernels
