#include <cmath>
#include <random>

#include "demo.hpp"

namespace boltzkit::cli {

GaussianBatch random_gaussian_batch(std::int64_t batch, std::int64_t dim, std::uint64_t seed) {
  const std::int64_t d = dim;
  GaussianBatch g;
  g.batch = batch;
  g.dim = dim;
  g.x.resize(static_cast<std::size_t>(batch * d));
  g.mean.resize(g.x.size());
  g.cov.resize(static_cast<std::size_t>(batch * d * d));
  constexpr std::int64_t chunk = 1024;
  const std::int64_t chunks = (batch + chunk - 1) / chunk;
  const double inv_d = 1.0 / static_cast<double>(d), inv_sqrt_d = std::sqrt(inv_d);
#pragma omp parallel for schedule(dynamic)
  for (std::int64_t c = 0; c < chunks; ++c) {
    std::seed_seq seq{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32),
                      static_cast<std::uint32_t>(c), static_cast<std::uint32_t>(c >> 32)};
    std::mt19937_64 rng(seq);
    std::normal_distribution<double> normal;
    std::vector<double> a(static_cast<std::size_t>(d * d)), eps(static_cast<std::size_t>(d));
    const std::int64_t end = std::min(batch, (c + 1) * chunk);
    for (std::int64_t b = c * chunk; b < end; ++b) {
      for (double& v : a) v = normal(rng);
      for (double& v : eps) v = normal(rng);
      float* mean = &g.mean[static_cast<std::size_t>(b * d)];
      float* x = &g.x[static_cast<std::size_t>(b * d)];
      float* cov = &g.cov[static_cast<std::size_t>(b * d * d)];
      for (std::int64_t i = 0; i < d; ++i) {
        const double mu = normal(rng);
        double step = 0;
        for (std::int64_t k = 0; k < d; ++k) step += a[i * d + k] * eps[k];
        mean[i] = static_cast<float>(mu);
        x[i] = static_cast<float>(mu + step * inv_sqrt_d);
        for (std::int64_t j = 0; j <= i; ++j) {
          double s = 0;
          for (std::int64_t k = 0; k < d; ++k) s += a[i * d + k] * a[j * d + k];
          const double v = s * inv_d + (i == j ? 0.1 : 0.0);
          cov[i * d + j] = cov[j * d + i] = static_cast<float>(v);
        }
      }
    }
  }
  return g;
}

}  // namespace boltzkit::cli
