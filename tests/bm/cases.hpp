#pragma once
// The bm case table and model generators shared by the cpu, emulation and gpu tests.
#include <cmath>
#include <ostream>
#include <cstdint>
#include <random>
#include <vector>

#include "boltzkit/bm.hpp"
#include "print.hpp"

namespace boltzkit::testing::bm_cases {

struct HostModel {
  std::vector<double> j, h;
  std::int64_t n;
  double beta;
  bm::Model model() const { return {j.data(), h.data(), n, beta}; }
};

/// Sherrington–Kirkpatrick: J_kl ~ N(0, 1/N) (k < l, mirrored), h_k ~ N(0, h_scale²).
inline HostModel sk(std::int64_t n, double beta, std::uint64_t seed, double h_scale = 0.3) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g(0.0, 1.0);
  HostModel m{std::vector<double>(static_cast<std::size_t>(n * n), 0.0),
              std::vector<double>(static_cast<std::size_t>(n)), n, beta};
  for (std::int64_t k = 0; k < n; ++k) {
    m.h[static_cast<std::size_t>(k)] = h_scale * g(rng);
    for (std::int64_t l = k + 1; l < n; ++l) {
      const double v = g(rng) / std::sqrt(static_cast<double>(n));
      m.j[static_cast<std::size_t>(k * n + l)] = v;
      m.j[static_cast<std::size_t>(l * n + k)] = v;
    }
  }
  return m;
}

/// Ferromagnet on the complete graph: J_kl = coupling/N, uniform field h.
inline HostModel ferromagnet(std::int64_t n, double beta, double coupling, double h) {
  HostModel m{std::vector<double>(static_cast<std::size_t>(n * n), coupling / static_cast<double>(n)),
              std::vector<double>(static_cast<std::size_t>(n), h), n, beta};
  for (std::int64_t k = 0; k < n; ++k) m.j[static_cast<std::size_t>(k * n + k)] = 0.0;
  return m;
}

struct Case {
  std::int64_t n, chains;
  double beta;
  std::uint64_t seed;
};

inline void PrintTo(const Case& c, std::ostream* os) {
  *os << "N" << c.n << "_C" << c.chains << "_beta" << c.beta << "_seed" << c.seed;
}

/// Edge sizes first (1 spin, fewer spins than one Philox draw, odd, J just past the shared
/// budget at 4 chains per block), then a typical one.
inline const std::vector<Case> cases = {
    {1, 1, 0.5, 1}, {3, 5, 1.0, 2}, {7, 3, 0.3, 3}, {33, 6, 1.0, 4}, {80, 5, 0.8, 5}};

}  // namespace boltzkit::testing::bm_cases
