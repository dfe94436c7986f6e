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
    for (int k = 0; k < levels; ++k) {
      const double x = 4.0 * betas[r] * J * (dims - k);  // β·ΔE of flipping
      const double q = algorithm == Algorithm::metropolis ? std::exp(-x) : 1.0 / (1.0 + std::exp(x));
      tables[static_cast<std::size_t>(r * levels + k)] = threshold(q);
    }
  }
  return tables;
}

}  // namespace boltzkit::ising::detail
