#include "thresholds.hpp"

#include <cmath>

namespace boltzkit::ising::detail {

namespace {
std::uint64_t threshold(double p) {
  if (!(p > 0.0)) return 0;
  if (p >= 1.0) return std::uint64_t{1} << 32;  // every 32-bit word is below it
  return static_cast<std::uint64_t>(std::floor(std::ldexp(p, 32)));
}
}  // namespace

int table_stride(int dims, Algorithm algorithm) {
  return (algorithm == Algorithm::metropolis ? 2 : 1) * (2 * dims + 1);
}

std::vector<std::uint64_t> acceptance_tables(int dims, Algorithm algorithm, double J, double h,
                                             const double* betas, std::int64_t replicas) {
  const int stride = table_stride(dims, algorithm);
  std::vector<std::uint64_t> tables(static_cast<std::size_t>(replicas * stride));
  for (std::int64_t r = 0; r < replicas; ++r) {
    std::uint64_t* t = tables.data() + r * stride;
    for (int k = 0; k <= 2 * dims; ++k) {
      const double field = J * (2 * k - 2 * dims) + h;
      if (algorithm == Algorithm::heat_bath) {
        t[k] = threshold(1.0 / (1.0 + std::exp(-2.0 * betas[r] * field)));
      } else {
        for (int s_index = 0; s_index < 2; ++s_index) {
          const double delta = 2.0 * (2 * s_index - 1) * field;  // ΔE = 2 s f
          t[s_index * (2 * dims + 1) + k] = threshold(std::exp(-betas[r] * delta));
        }
      }
    }
  }
  return tables;
}

std::vector<std::uint64_t> packed_flip_tables(int dims, Algorithm algorithm, double J,
                                              const double* betas, std::int64_t replicas) {
  const int levels = 2 * dims + 1;
  std::vector<std::uint64_t> tables(static_cast<std::size_t>(replicas * levels));
  for (std::int64_t r = 0; r < replicas; ++r) {
    std::uint64_t* t = tables.data() + r * levels;
    for (int k = 0; k < levels; ++k) {
      const double x = 4.0 * betas[r] * J * (dims - k);  // β·ΔE of flipping
      const double q = algorithm == Algorithm::metropolis ? std::exp(-x) : 1.0 / (1.0 + std::exp(x));
      t[k] = threshold(q);
    }
    if (algorithm == Algorithm::heat_bath) {
      // Heat bath: q(2d − k) = 1 − q(k) exactly, so the table is made mirror-exact too:
      // T = ⌊q·2^32⌋ on the side of each pair with q ≤ 1/2, 2^32 − T on the other, T(d) = 2^31
      // (docs/MATH.md, packed heat bath). Then the new spin does not depend on the old one (a
      // true heat bath of the rounded probabilities), the word update may fold the levels above
      // d onto those below, and J and −J give mirrored tables.
      for (int k = 0; k < dims; ++k) {
        const double x = std::fabs(4.0 * betas[r] * J * (dims - k));
        const std::uint64_t small = threshold(1.0 / (1.0 + std::exp(x)));
        const bool below_is_small = J >= 0.0;  // q(k) ≤ 1/2 for k < d when J ≥ 0
        t[k] = below_is_small ? small : (std::uint64_t{1} << 32) - small;
        t[2 * dims - k] = (std::uint64_t{1} << 32) - t[k];
      }
      t[dims] = std::uint64_t{1} << 31;
    }
  }
  return tables;
}

}  // namespace boltzkit::ising::detail
