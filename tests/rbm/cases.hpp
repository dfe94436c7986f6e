#pragma once
// The RBM case table and model generator shared by the cpu, emulation and gpu tests.
#include <cmath>
#include <cstdint>
#include <ostream>
#include <random>
#include <vector>

#include "boltzkit/rbm.hpp"

namespace boltzkit::testing::rbm_cases {

struct Case {
  std::int64_t n_visible, n_hidden, chains;
  double beta;
  std::uint64_t seed;
};

/// "V5 H3 chains 7 beta 0.7 seed 2" in test names (GoogleTest would otherwise dump the bytes,
/// padding included).
inline void PrintTo(const Case& c, std::ostream* os) {
  *os << "V" << c.n_visible << " H" << c.n_hidden << " chains " << c.chains << " beta " << c.beta
      << " seed " << c.seed;
}

/// Edge sizes first (1 unit, units not a multiple of the 4 per Philox draw, one chain), then
/// typical ones.
inline const std::vector<Case> cases = {
    {1, 1, 1, 1.0, 1}, {5, 3, 7, 0.7, 2}, {9, 6, 3, 1.3, 3}, {33, 17, 5, 0.5, 4}};

/// Host parameters of a random model, snapped to the grid of rbm.hpp.
struct HostModel {
  std::vector<double> w, b, c;
  std::int64_t nv, nh;
  double beta;
  rbm::Model model() const { return {w.data(), b.data(), c.data(), nv, nh, beta}; }
};

inline HostModel random_model(std::int64_t nv, std::int64_t nh, double beta, std::uint64_t seed,
                              double scale = 0.5) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(0.0, scale);
  HostModel m{std::vector<double>(static_cast<std::size_t>(nv * nh)),
              std::vector<double>(static_cast<std::size_t>(nv)),
              std::vector<double>(static_cast<std::size_t>(nh)), nv, nh, beta};
  for (auto* v : {&m.w, &m.b, &m.c}) {
    for (double& x : *v) x = normal(gen);
    rbm::snap_to_grid(v->data(), static_cast<std::int64_t>(v->size()));
  }
  return m;
}

inline std::vector<std::int8_t> random_spins(std::int64_t n, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::vector<std::int8_t> s(static_cast<std::size_t>(n));
  for (auto& x : s) x = (gen() >> 63) != 0 ? std::int8_t{1} : std::int8_t{-1};
  return s;
}

}  // namespace boltzkit::testing::rbm_cases
