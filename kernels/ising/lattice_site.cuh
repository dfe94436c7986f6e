#pragma once
// One checkerboard site update and one site's energy terms, shared verbatim by the GPU kernels
// and the CPU backend (BOLTZKIT_HD): the same function decides every spin on both sides, so a
// seed gives bit-identical lattices on CPU and GPU.
//
// Lattice: periodic lx × ly × lz (lz = 1 in 2D), all extents even; site i = (z·ly + y)·lx + x,
// colour (x + y + z) mod 2. Spins are int8 ±1, replica r at spins + r·sites.
// Randomness: the sites of one colour are updated in groups of four consecutive ones of a row
// (fewer at the end of a row), one Philox4x32-10 call per group: in sweep t of replica r, the
// j-th site of group n (numbered per colour c, row by row) uses word j of
// Philox4x32-10(seed; counter = (lo32 n, hi31 n | c << 31, t, r)). Four sites per call, not
// one: the byte path's time is mostly Philox's.
#include <cstdint>

#include "kernels/common/host_device.hpp"
#include "kernels/common/philox.cuh"
#include "kernels/common/portable_exp.cuh"

namespace boltzkit::kernels {

struct LatticeGeometry {
  std::int64_t lx, ly, lz;
  int dims;  // 2 or 3
  std::int64_t sites;
};

/// Everything a half-sweep needs besides the spins.
struct LatticeUpdate {
  LatticeGeometry g;
  bool heat_bath;
  // Uniform couplings: integer acceptance thresholds per replica (table_stride entries each),
  // accept/“set +1” iff the 32-bit random word < threshold (thresholds range over [0, 2^32]).
  //   Metropolis: [(s + 1) / 2][(neighbour sum + 2d) / 2]   heat bath: [(neighbour sum + 2d) / 2]
  const std::uint64_t* thresholds;
  int table_stride;
  // Per-bond couplings (bonds != nullptr): bonds[r·bond_replica_stride + i·dims + a] couples
  // site i with its +a neighbour; probabilities from portable_exp in double.
  const float* bonds;
  std::int64_t bond_replica_stride;
  const double* betas;  // per replica, per-bond path only
  double h;
  std::uint64_t seed;
  std::uint32_t sweep;
};

/// Site coordinates and index.
struct SiteCoords {
  std::int64_t x, y, z, i;
};

constexpr int sites_per_group = 4;

/// Groups of one colour in one row, and in the whole lattice.
BOLTZKIT_HD inline std::int64_t groups_per_row(const LatticeGeometry& g) {
  return (g.lx / 2 + sites_per_group - 1) / sites_per_group;
}
BOLTZKIT_HD inline std::int64_t groups_per_colour(const LatticeGeometry& g) {
  return groups_per_row(g) * g.ly * g.lz;
}

/// Group n of one colour: row (y, z), its sites' compressed x indices first .. first + count − 1.
struct SiteGroup {
  std::int64_t n, y, z, first;
  int count;
};
BOLTZKIT_HD inline SiteGroup site_group(const LatticeGeometry& g, std::int64_t n) {
  const std::int64_t per_row = groups_per_row(g);
  const std::int64_t row = n / per_row;
  const std::int64_t first = (n - row * per_row) * sites_per_group;
  const std::int64_t z = g.lz == 1 ? 0 : row / g.ly;
  const std::int64_t left = g.lx / 2 - first;
  return {n, row - z * g.ly, z, first, static_cast<int>(left < sites_per_group ? left : sites_per_group)};
}

/// Site j of a group of colour c.
BOLTZKIT_HD inline SiteCoords site_in_group(const LatticeGeometry& g, const SiteGroup& group,
                                            int j, int colour) {
  const std::int64_t x = 2 * (group.first + j) + ((group.y + group.z + colour) & 1);
  return {x, group.y, group.z, (group.z * g.ly + group.y) * g.lx + x};
}

/// Site index of the neighbour one step along axis a (0 x, 1 y, 2 z) in direction dir (±1):
/// an offset from c.i, wrapped at the periodic boundary.
BOLTZKIT_HD inline std::int64_t neighbour(const LatticeGeometry& g, const SiteCoords& c, int a,
                                          int dir) {
  const std::int64_t coord = a == 0 ? c.x : a == 1 ? c.y : c.z;
  const std::int64_t extent = a == 0 ? g.lx : a == 1 ? g.ly : g.lz;
  const std::int64_t stride = a == 0 ? 1 : a == 1 ? g.lx : g.lx * g.ly;
  if (dir > 0) return coord + 1 == extent ? c.i - (extent - 1) * stride : c.i + stride;
  return coord == 0 ? c.i + (extent - 1) * stride : c.i - stride;
}

BOLTZKIT_HD inline PhiloxWords group_random_words(const LatticeUpdate& u, const SiteGroup& group,
                                                  int colour, std::int64_t r) {
  return philox(u.seed, static_cast<std::uint32_t>(group.n),
                static_cast<std::uint32_t>(group.n >> 32) | (static_cast<std::uint32_t>(colour) << 31),
                u.sweep, static_cast<std::uint32_t>(r));
}

/// New value of the spin at `c` in replica r (spins = that replica's lattice), given its 32-bit
/// random word. Dims = u.g.dims, a template parameter so the neighbour loops unroll.
template <int Dims>
BOLTZKIT_HD inline std::int8_t updated_spin(const LatticeUpdate& u, const std::int8_t* spins,
                                            const SiteCoords& c, std::int64_t r,
                                            std::uint32_t word) {
  const std::int8_t s = spins[c.i];
  if (u.bonds == nullptr) {
    int sum = 0;
    for (int a = 0; a < Dims; ++a)
      sum += spins[neighbour(u.g, c, a, +1)] + spins[neighbour(u.g, c, a, -1)];
    const int k = (sum + 2 * Dims) / 2;
    const std::uint64_t* table = u.thresholds + r * u.table_stride;
    if (u.heat_bath) return word < table[k] ? std::int8_t{1} : std::int8_t{-1};
    const int row = (s + 1) / 2 * (2 * Dims + 1);
    return word < table[row + k] ? static_cast<std::int8_t>(-s) : s;
  }
  // Per-bond couplings: local field in double, fixed summation order.
  const float* bonds = u.bonds + r * u.bond_replica_stride;
  double field = 0.0;
  for (int a = 0; a < Dims; ++a) {
    const std::int64_t up = neighbour(u.g, c, a, +1), down = neighbour(u.g, c, a, -1);
    const double j_up = bonds[c.i * Dims + a], j_down = bonds[down * Dims + a];
    field = rn_add(field, spins[up] > 0 ? j_up : -j_up);
    field = rn_add(field, spins[down] > 0 ? j_down : -j_down);
  }
  field = rn_add(field, u.h);
  const double beta = u.betas[r];
  const double scaled = static_cast<double>(word);  // exact; compared with p·2^32 (exact scaling)
  if (u.heat_bath) {
    const double p_up = 1.0 / rn_add(1.0, portable_exp(rn_mul(rn_mul(-2.0, beta), field)));
    return scaled < rn_mul(p_up, 4294967296.0) ? std::int8_t{1} : std::int8_t{-1};
  }
  const double delta = s > 0 ? rn_mul(2.0, field) : rn_mul(-2.0, field);  // ΔE = 2 s f
  if (delta <= 0.0) return static_cast<std::int8_t>(-s);
  const double p = portable_exp(rn_mul(-beta, delta));
  return scaled < rn_mul(p, 4294967296.0) ? static_cast<std::int8_t>(-s) : s;
}

/// Updates group n of colour `colour` in replica r (lattice = that replica's spins). The sites
/// of a group share no bond, so their order does not matter.
template <int Dims>
BOLTZKIT_HD inline void update_group(const LatticeUpdate& u, std::int8_t* lattice, std::int64_t n,
                                     int colour, std::int64_t r) {
  const SiteGroup group = site_group(u.g, n);
  const PhiloxWords words = group_random_words(u, group, colour, r);
  for (int j = 0; j < sites_per_group; ++j) {  // constant trip count: the words stay in registers
    if (j >= group.count) break;
    const SiteCoords c = site_in_group(u.g, group, j, colour);
    lattice[c.i] = updated_spin<Dims>(u, lattice, c, r, words.w[j]);
  }
}

/// Energy terms of site i counting each bond once (+a neighbours): returns −s_i Σ_a J s_{i+a}
/// in `bond`, and s_i in `spin`. Uniform couplings use J = 1 (the caller scales).
BOLTZKIT_HD inline void site_terms(const LatticeGeometry& g, const std::int8_t* spins,
                                   const float* bonds, const SiteCoords& c, double& bond,
                                   int& spin) {
  const int s = spins[c.i];
  double e = 0.0;
  for (int a = 0; a < g.dims; ++a) {
    const int t = s * spins[neighbour(g, c, a, +1)];
    e -= bonds == nullptr ? static_cast<double>(t) : t * static_cast<double>(bonds[c.i * g.dims + a]);
  }
  bond = e;
  spin = s;
}

/// The same from the flat site index i.
BOLTZKIT_HD inline void site_terms(const LatticeGeometry& g, const std::int8_t* spins,
                                   const float* bonds, std::int64_t i, double& bond, int& spin) {
  const std::int64_t x = i % g.lx, row = i / g.lx, y = row % g.ly, z = row / g.ly;
  site_terms(g, spins, bonds, SiteCoords{x, y, z, i}, bond, spin);
}

}  // namespace boltzkit::kernels

namespace boltzkit::kernels {

/// Hot-start spin of site i in replica r: a Philox word of the reserved sweep index 2^32 − 1.
BOLTZKIT_HD inline std::int8_t initial_spin(std::uint64_t seed, std::int64_t i, std::int64_t r) {
  const std::uint32_t w = philox(seed, static_cast<std::uint32_t>(i),
                                 static_cast<std::uint32_t>(i >> 32), 0xffffffffu,
                                 static_cast<std::uint32_t>(r))
                              .w[0];
  return (w >> 31) != 0 ? std::int8_t{1} : std::int8_t{-1};
}

}  // namespace boltzkit::kernels
