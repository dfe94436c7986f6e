#pragma once
// The CPU k-means of mixture::fit (k-means++ seeding, then Lloyd iterations), float64: the start
// of a CPU fit and the reference the device k-means (fit_steps.hpp) is tested against.
#include <cstdint>
#include <vector>

namespace boltzkit::mixture::detail {

/// |a − b|² summed in dimension order.
double squared_distance(const double* a, const double* b, std::int64_t n);

/// The D² draw: the first point whose running sum of dist passes u·Σ dist with dist > 0; N − 1
/// when none does.
std::int64_t kmeans_pick(const std::vector<double>& dist, double u);

struct KmeansResult {
  std::vector<std::int64_t> picks;   // the K seeds' point indices, in draw order
  std::vector<std::int64_t> labels;  // (N,) after Lloyd: the first nearest centre
};

/// k-means++ seeding (kmeans_draw.hpp's uniforms for seed and init), then Lloyd iterations until
/// the labels stop changing (≤ 100); an empty cluster keeps its centre. x is (npts, n) row-major.
KmeansResult kmeans(const std::vector<double>& x, std::int64_t npts, std::int64_t n,
                    std::int64_t kk, std::uint64_t seed, std::int64_t init);

}  // namespace boltzkit::mixture::detail
