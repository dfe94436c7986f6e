// The CPU k-means of mixture::fit (kmeans_cpu.hpp).
#include "host/mixture/kmeans_cpu.hpp"

#include <algorithm>
#include <limits>

#include "host/mixture/kmeans_draw.hpp"

namespace boltzkit::mixture::detail {

double squared_distance(const double* a, const double* b, std::int64_t n) {
  double s = 0.0;
  for (std::int64_t i = 0; i < n; ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return s;
}

std::int64_t kmeans_pick(const std::vector<double>& dist, double u) {
  double total = 0.0;
  for (const double d : dist) total += d;
  const double target = u * total;
  double run = 0.0;
  for (std::size_t p = 0; p < dist.size(); ++p) {
    run += dist[p];
    if (run > target && dist[p] > 0.0) return static_cast<std::int64_t>(p);
  }
  return static_cast<std::int64_t>(dist.size()) - 1;
}

KmeansResult kmeans(const std::vector<double>& x, std::int64_t npts, std::int64_t n,
                    std::int64_t kk, std::uint64_t seed, std::int64_t init) {
  KmeansResult r;
  std::vector<double> centers(kk * n);
  std::vector<double> dist(npts, std::numeric_limits<double>::infinity());
  for (std::int64_t j = 0; j < kk; ++j) {
    std::int64_t pick = 0;
    if (j == 0) {
      pick = kmeans_first_pick(kmeans_uniform(seed, 0, init), npts);
    } else {
      pick = kmeans_pick(dist, kmeans_uniform(seed, j, init));
    }
    r.picks.push_back(pick);
    std::copy(&x[pick * n], &x[pick * n] + n, &centers[j * n]);
#pragma omp parallel for schedule(static) if (npts * n > (1 << 16))
    for (std::int64_t p = 0; p < npts; ++p)
      dist[p] = std::min(dist[p], squared_distance(&x[p * n], &centers[j * n], n));
  }
  std::vector<std::int64_t>& labels = r.labels;
  labels.assign(npts, -1);
  for (int it = 0; it < 100; ++it) {
    bool changed = false;
#pragma omp parallel for schedule(static) reduction(|| : changed) if (npts * kk * n > (1 << 16))
    for (std::int64_t p = 0; p < npts; ++p) {
      std::int64_t best = 0;
      double best_d = std::numeric_limits<double>::infinity();
      for (std::int64_t k = 0; k < kk; ++k) {
        const double d = squared_distance(&x[p * n], &centers[k * n], n);
        if (d < best_d) {
          best_d = d;
          best = k;
        }
      }
      if (labels[p] != best) changed = true;
      labels[p] = best;
    }
    if (!changed) break;
    std::vector<double> sum(kk * n, 0.0), count(kk, 0.0);
    for (std::int64_t p = 0; p < npts; ++p) {
      count[labels[p]] += 1.0;
      for (std::int64_t i = 0; i < n; ++i) sum[labels[p] * n + i] += x[p * n + i];
    }
    for (std::int64_t k = 0; k < kk; ++k)  // an empty cluster keeps its centre
      if (count[k] > 0.0)
        for (std::int64_t i = 0; i < n; ++i) centers[k * n + i] = sum[k * n + i] / count[k];
  }
  return r;
}

}  // namespace boltzkit::mixture::detail
