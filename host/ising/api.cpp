// ising:: entry points: argument checks, acceptance tables, then the chosen backend.
#include "boltzkit/ising.hpp"

#include <cmath>
#include <string>

#include "backends.hpp"
#include "thresholds.hpp"
#include "host/core/validate.hpp"
#include "host/core/gpu_call.hpp"

namespace boltzkit::ising {

namespace detail {
kernels::LatticeGeometry geometry_of(const Lattice& l) {
  return {l.lx, l.ly, l.lz, l.dimensions(), l.sites()};
}
}  // namespace detail

namespace {

void check_lattice(const Lattice& l) {
  auto check_extent = [](std::int64_t v, const char* name) {
    boltzkit::detail::require(v >= 2 && v % 2 == 0, std::string("lattice extent ") + name +
                                                        " must be even and >= 2, got " +
                                                        std::to_string(v));
  };
  check_extent(l.lx, "lx");
  check_extent(l.ly, "ly");
  if (l.lz != 1) check_extent(l.lz, "lz");
}

void check_spins(const Spins& s) {
  boltzkit::detail::require(s.replicas >= 1, "replicas must be >= 1, got " +
                                                 std::to_string(s.replicas));
  boltzkit::detail::require(s.data != nullptr, "spins: null pointer");
  boltzkit::detail::require(s.replicas <= 0xfffffff0LL, "too many replicas");
}

void check_couplings(const Couplings& c, const Lattice& l) {
  boltzkit::detail::require(std::isfinite(c.J) && std::isfinite(c.h), "J and h must be finite");
  if (c.bonds != nullptr)
    boltzkit::detail::require(c.bond_replica_stride == 0 ||
                                  c.bond_replica_stride >= l.sites() * l.dimensions(),
                              "bond_replica_stride overlaps the bonds of one replica");
}

}  // namespace

void initialize(Context& ctx, const Lattice& lattice, Spins spins, std::uint64_t seed, bool hot) {
  check_lattice(lattice);
  check_spins(spins);
  if (ctx.on_gpu())
    BOLTZKIT_GPU_CALL(backend::gpu::initialize(ctx, lattice, spins, seed, hot));
  else
    backend::cpu::initialize(lattice, spins, seed, hot);
}

void sweep(Context& ctx, const Lattice& lattice, const Couplings& couplings, Algorithm algorithm,
           Spins spins, const double* betas, std::uint64_t seed, std::uint64_t first_sweep,
           std::int64_t n_sweeps) {
  check_lattice(lattice);
  check_spins(spins);
  check_couplings(couplings, lattice);
  boltzkit::detail::require(betas != nullptr, "betas: null pointer");
  for (std::int64_t r = 0; r < spins.replicas; ++r)
    boltzkit::detail::require(std::isfinite(betas[r]) && betas[r] >= 0.0,
                              "beta must be finite and >= 0, got " + std::to_string(betas[r]) +
                                  " for replica " + std::to_string(r));
  boltzkit::detail::require(n_sweeps >= 0, "n_sweeps must be >= 0");
  boltzkit::detail::require(first_sweep + static_cast<std::uint64_t>(n_sweeps) < 0xffffffffULL,
                            "sweep index beyond 2^32 - 2");
  if (n_sweeps == 0) return;
  const int dims = lattice.dimensions();
  kernels::LatticeUpdate u{};
  u.g = detail::geometry_of(lattice);
  u.heat_bath = algorithm == Algorithm::heat_bath;
  u.bonds = couplings.bonds;
  u.bond_replica_stride = couplings.bond_replica_stride;
  u.h = couplings.h;
  u.seed = seed;
  std::vector<std::uint64_t> tables;
  if (couplings.bonds == nullptr) {
    tables = detail::acceptance_tables(dims, algorithm, couplings.J, couplings.h, betas,
                                       spins.replicas);
    u.thresholds = tables.data();
    u.table_stride = detail::table_stride(dims, algorithm);
  }
  u.betas = betas;
  if (ctx.on_gpu())
    BOLTZKIT_GPU_CALL(backend::gpu::sweep(ctx, u, tables.data(),
                                          static_cast<std::int64_t>(tables.size()), betas, spins,
                                          first_sweep, n_sweeps));
  else
    backend::cpu::sweep(u, spins, first_sweep, n_sweeps);
}

void measure(Context& ctx, const Lattice& lattice, const Couplings& couplings, Spins spins,
             double* energy, double* magnetization) {
  check_lattice(lattice);
  check_spins(spins);
  check_couplings(couplings, lattice);
  boltzkit::detail::require(energy != nullptr && magnetization != nullptr,
                            "energy/magnetization: null pointer");
  boltzkit::detail::require(spins.replicas <= (1LL << 24), "measure: at most 2^24 replicas per call");
  if (ctx.on_gpu())
    BOLTZKIT_GPU_CALL(backend::gpu::measure(ctx, lattice, couplings, spins, energy, magnetization));
  else
    backend::cpu::measure(lattice, couplings, spins, energy, magnetization);
}

void random_bonds(const Lattice& lattice, int kind, std::uint64_t disorder_seed,
                  std::int64_t replica_sets, float* bonds) {
  check_lattice(lattice);
  boltzkit::detail::require(kind == 0 || kind == 1, "bond kind must be 0 (±J) or 1 (Gaussian)");
  boltzkit::detail::require(replica_sets >= 1 && bonds != nullptr, "bad bond buffer");
  const std::int64_t per = lattice.sites() * lattice.dimensions();
  for (std::int64_t r = 0; r < replica_sets; ++r) {
    for (std::int64_t e = 0; e < per; ++e) {
      const auto w = kernels::philox(disorder_seed, static_cast<std::uint32_t>(e),
                                     static_cast<std::uint32_t>(e >> 32), 0xfffffffeu,
                                     static_cast<std::uint32_t>(r));
      float value;
      if (kind == 0) {
        value = (w.w[0] >> 31) != 0 ? 1.0f : -1.0f;
      } else {  // Box–Muller from two 32-bit words, u1 in (0, 1]
        const double u1 = (static_cast<double>(w.w[0]) + 1.0) / 4294967296.0;
        const double u2 = static_cast<double>(w.w[1]) / 4294967296.0;
        value = static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
      }
      bonds[r * per + e] = value;
    }
  }
}

}  // namespace boltzkit::ising
