#pragma once
/// \file ising.hpp
/// Lattice Ising models: checkerboard Metropolis / heat-bath sweeps of R independent replicas on
/// periodic 2D (lx × ly) or 3D (lx × ly × lz) lattices, and per-replica energy/magnetization.
///
/// E(s) = −Σ_<ij> J_ij s_i s_j − h Σ_i s_i over nearest-neighbour bonds (each bond once; on a
/// periodic extent of 2 the two neighbours of a site coincide and both bonds count).
/// Spins are int8 ±1, layout (replicas, lz, ly, lx) row-major. Randomness is counter-based
/// (Philox4x32-10 keyed by the seed, counter = (group of four same-colour sites of a row, sweep,
/// replica), one word per site), so results depend only
/// on (seed, sweep index) — not on the backend or launch configuration: the CPU backend
/// reproduces the GPU lattice bit for bit.
#include <cstdint>

#include "boltzkit/context.hpp"

namespace boltzkit::ising {

/// Periodic lattice; lz == 1 means 2D. Every extent must be even and >= 2.
struct Lattice {
  std::int64_t lx = 0, ly = 0, lz = 1;
  int dimensions() const { return lz == 1 ? 2 : 3; }
  std::int64_t sites() const { return lx * ly * lz; }
};

enum class Algorithm { metropolis, heat_bath };

/// Uniform J and h, or per-bond couplings: bonds[r·bond_replica_stride + i·d + a] couples site i
/// with its +a neighbour (a = 0 x, 1 y, 2 z; d = dimensions). bond_replica_stride 0 shares one
/// set among all replicas. Pointers live where the Context computes.
struct Couplings {
  double J = 1.0;
  double h = 0.0;
  const float* bonds = nullptr;
  std::int64_t bond_replica_stride = 0;
};

/// R replicas of a lattice, one int8 per spin: (R, sites).
struct Spins {
  std::int8_t* data = nullptr;
  std::int64_t replicas = 0;
};

/// Sets every spin from the seed: ±1 at random (hot start) or all +1 (cold start).
void initialize(Context& ctx, const Lattice& lattice, Spins spins, std::uint64_t seed, bool hot);

/// n_sweeps full sweeps (colour 0 then colour 1) numbered first_sweep, first_sweep+1, ...;
/// replica r at inverse temperature betas[r] (host array of R values). Sweep indices must stay
/// below 2^32 − 1. Asynchronous on the GPU: the acceptance tables go through the Context's
/// pinned staging (Context::upload), so `betas` may be reused on return; for the same reason a
/// sweep cannot be captured into a CUDA graph (invalid_argument).
/// Throws invalid_argument for odd or < 2 extents, NaN or negative β, R < 1, null pointers.
void sweep(Context& ctx, const Lattice& lattice, const Couplings& couplings, Algorithm algorithm,
           Spins spins, const double* betas, std::uint64_t seed, std::uint64_t first_sweep,
           std::int64_t n_sweeps);

/// Per replica: energy per spin E/N and magnetization per spin M/N, into `energy` and
/// `magnetization` (R doubles each, in the Context's memory space). Deterministic.
void measure(Context& ctx, const Lattice& lattice, const Couplings& couplings, Spins spins,
             double* energy, double* magnetization);

/// Random per-bond couplings for spin glasses: ±1 (kind 0) or standard Gaussian (kind 1), from
/// the disorder seed, written to host memory `bonds` (replica_sets × sites × d floats).
void random_bonds(const Lattice& lattice, int kind, std::uint64_t disorder_seed,
                  std::int64_t replica_sets, float* bonds);

}  // namespace boltzkit::ising
