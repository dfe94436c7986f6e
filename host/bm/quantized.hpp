#pragma once
// A host model rounded to the chains' fixed-point grid (MATH.md §2.8, kernels/bm/quantize.cuh):
// the one conversion every chain path of the CPU and of host-model GPU calls goes through.
#include <cstdint>
#include <string>
#include <vector>

#include "boltzkit/bm.hpp"
#include "host/core/validate.hpp"
#include "kernels/bm/quantize.cuh"

namespace boltzkit::bm::detail {

/// max_i bm_row_bound(i): the largest Σ_l |J_il| + |h_i| (host memory).
inline double max_row_bound(const Model& m) {
  double mx = 0.0;
  for (std::int64_t i = 0; i < m.n; ++i) {
    const double b = kernels::bm_row_bound(m.j, m.h, m.n, i);
    if (b > mx || b != b) mx = b;  // a NaN bound sticks: the model then has no grid
  }
  return mx;
}

inline void require_grid(double bound, const std::string& f) {
  boltzkit::detail::require(kernels::bm_grid_representable(bound),
                            f + ": the largest row sum of |J| plus |h| must be finite and below "
                                "2^1020 (the chains' fixed-point grid cannot hold it)");
}

inline void check_grid(const Model& m, const std::string& f) { require_grid(max_row_bound(m), f); }

/// J and h on the grid 2^-shift; model() points into this object (keep it alive, do not copy).
struct QuantizedModel {
  std::vector<double> j, h;
  std::int64_t n = 0;
  double beta = 1.0;
  int shift = 0;
  Model model() const { return {j.data(), h.data(), n, beta}; }
};

/// Throws invalid_argument (named after f) when the model has no grid.
inline QuantizedModel quantize(const Model& m, const std::string& f) {
  const double bound = max_row_bound(m);
  require_grid(bound, f);
  QuantizedModel q;
  q.n = m.n;
  q.beta = m.beta;
  q.shift = kernels::bm_grid_shift(bound);
  const auto nz = static_cast<std::size_t>(m.n);
  q.j.resize(nz * nz);
  q.h.resize(nz);
  for (std::size_t e = 0; e < nz * nz; ++e) q.j[e] = kernels::bm_quantize(m.j[e], q.shift);
  for (std::size_t e = 0; e < nz; ++e) q.h[e] = kernels::bm_quantize(m.h[e], q.shift);
  return q;
}

}  // namespace boltzkit::bm::detail
