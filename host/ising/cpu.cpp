// CPU backend of the lattice routines: the same site functions as the GPU kernels, in loops.
#include "kernels/common/periodic.hpp"
#include "backends.hpp"
#include "sweep_schedule.hpp"
#include "tuning.hpp"

namespace boltzkit::ising::backend::cpu {

constexpr std::int64_t parallel_threshold = tuning::ising_parallel_sites;

void initialize(const Lattice& lattice, Spins spins, std::uint64_t seed, bool hot) {
  const std::int64_t n = lattice.sites();
#pragma omp parallel for schedule(static) if (spins.replicas * n >= parallel_threshold)
  for (std::int64_t e = 0; e < spins.replicas * n; ++e)
    spins.data[e] = hot ? kernels::initial_spin(seed, e % n, e / n) : std::int8_t{1};
}

namespace {
template <int Dims>
void half_sweep(const kernels::LatticeUpdate& u, Spins spins, int colour) {
  const std::int64_t groups = kernels::groups_per_colour(u.g);
#pragma omp parallel for schedule(static) if (spins.replicas * u.g.sites / 2 >= parallel_threshold)
  for (std::int64_t e = 0; e < spins.replicas * groups; ++e) {
    const std::int64_t r = e / groups;
    kernels::update_group<Dims>(u, spins.data + r * u.g.sites, e - r * groups, colour, r);
  }
}
}  // namespace

void sweep(kernels::LatticeUpdate u, Spins spins, std::uint64_t first_sweep, std::int64_t n) {
  detail::run_sweeps(u, first_sweep, n, [&](const kernels::LatticeUpdate& v, int colour, auto dims) {
    half_sweep<decltype(dims)::value>(v, spins, colour);
  });
}

void measure(const Lattice& lattice, const Couplings& couplings, Spins spins, double* energy,
             double* magnetization) {
  const kernels::LatticeGeometry g = detail::geometry_of(lattice);
#pragma omp parallel for schedule(static) if (spins.replicas * g.sites >= parallel_threshold)
  for (std::int64_t r = 0; r < spins.replicas; ++r) {
    const std::int8_t* s = spins.data + r * g.sites;
    const float* bonds =
        couplings.bonds == nullptr ? nullptr : couplings.bonds + r * couplings.bond_replica_stride;
    double bond_sum = 0.0;
    long long spin_sum = 0;
    if (bonds == nullptr) {
      // Uniform couplings: integer sums, row by row (the same exact value as site_terms).
      long long aligned = 0;
      for (std::int64_t z = 0; z < g.lz; ++z)
        for (std::int64_t y = 0; y < g.ly; ++y) {
          const std::int8_t* row = s + (z * g.ly + y) * g.lx;
          const std::int8_t* down = s + (z * g.ly + kernels::next_periodic(y, g.ly)) * g.lx;
          const std::int8_t* back =
              g.dims == 3 ? s + (kernels::next_periodic(z, g.lz) * g.ly + y) * g.lx : nullptr;
          long long row_aligned = 0, row_spins = 0;
          for (std::int64_t x = 0; x < g.lx; ++x) {
            const int right = row[x + 1 == g.lx ? 0 : x + 1];
            row_aligned += row[x] * (right + down[x] + (back != nullptr ? back[x] : 0));
            row_spins += row[x];
          }
          aligned += row_aligned;
          spin_sum += row_spins;
        }
      bond_sum = -static_cast<double>(aligned);
    } else {
      // Site by site in index order, coordinates kept by the loops rather than divided out.
      for (std::int64_t z = 0; z < g.lz; ++z)
        for (std::int64_t y = 0; y < g.ly; ++y)
          for (std::int64_t x = 0; x < g.lx; ++x) {
            double bond;
            int spin;
            kernels::site_terms(g, s, bonds,
                                kernels::SiteCoords{x, y, z, (z * g.ly + y) * g.lx + x}, bond, spin);
            bond_sum += bond;
            spin_sum += spin;
          }
    }
    const double m = static_cast<double>(spin_sum);
    const double e = (couplings.bonds == nullptr ? couplings.J * bond_sum : bond_sum) - couplings.h * m;
    energy[r] = e / static_cast<double>(g.sites);
    magnetization[r] = m / static_cast<double>(g.sites);
  }
}

}  // namespace boltzkit::ising::backend::cpu
