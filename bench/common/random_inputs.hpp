#pragma once
// Fresh random Gaussian inputs on the host, reproducible from a seed and independent of the
// thread count: element b draws from its own counter-based stream (splitmix64 of seed and b).
//   Σ_b = A Aᵀ/D + ½ I with A_ij uniform in [−1, 1): symmetric positive definite, eigenvalues in
//         about [0.5, 0.5 + 4/3], so no element fails in float32
//   μ_b uniform in [−1, 1), x_b = μ_b + uniform in [−2, 2)   (never zeros)
// Layout: packed, row-major, batch outermost: x, mean (B, D); cov (B, D, D) full symmetric.
#include <cstdint>
#include <vector>

namespace boltzkit::bench {

/// splitmix64: a tiny, well-mixed counter-based generator.
class splitmix64 {
 public:
  explicit splitmix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [−1, 1) with 53 random bits.
  double symmetric_unit() {
    return static_cast<double>(next() >> 11) * (2.0 / 9007199254740992.0) - 1.0;
  }

 private:
  std::uint64_t state_;
};

template <class T>
struct host_gaussian_inputs {
  std::vector<T> x, mean, cov;  // (B, D), (B, D), (B, D, D)
};

template <class T>
host_gaussian_inputs<T> make_gaussian_inputs(std::int64_t dim, std::int64_t batch,
                                             std::uint64_t seed) {
  const std::int64_t n = dim;
  host_gaussian_inputs<T> h;
  h.x.resize(static_cast<std::size_t>(batch * n));
  h.mean.resize(h.x.size());
  h.cov.resize(static_cast<std::size_t>(batch * n * n));
  const double inv_d = 1.0 / static_cast<double>(n);
#pragma omp parallel
  {
    std::vector<double> a(static_cast<std::size_t>(n * n));
#pragma omp for schedule(dynamic, 16)
    for (std::int64_t b = 0; b < batch; ++b) {
      splitmix64 rng(seed * 0x2545f4914f6cdd1dULL + static_cast<std::uint64_t>(b) * 0x9e37ULL + 1);
      for (auto& v : a) v = rng.symmetric_unit();
      T* cov = h.cov.data() + b * n * n;
      for (std::int64_t i = 0; i < n; ++i) {
        const double* ai = a.data() + i * n;
        for (std::int64_t j = 0; j <= i; ++j) {
          const double* aj = a.data() + j * n;
          double s0 = 0, s1 = 0, s2 = 0, s3 = 0;  // four chains so the loop pipelines
          std::int64_t k = 0;
          for (; k + 4 <= n; k += 4) {
            s0 += ai[k] * aj[k];
            s1 += ai[k + 1] * aj[k + 1];
            s2 += ai[k + 2] * aj[k + 2];
            s3 += ai[k + 3] * aj[k + 3];
          }
          for (; k < n; ++k) s0 += ai[k] * aj[k];
          const double v = (s0 + s1 + s2 + s3) * inv_d + (i == j ? 0.5 : 0.0);
          cov[i * n + j] = static_cast<T>(v);
          cov[j * n + i] = static_cast<T>(v);
        }
      }
      for (std::int64_t i = 0; i < n; ++i) {
        const double mu = rng.symmetric_unit();
        h.mean[static_cast<std::size_t>(b * n + i)] = static_cast<T>(mu);
        h.x[static_cast<std::size_t>(b * n + i)] = static_cast<T>(mu + 2.0 * rng.symmetric_unit());
      }
    }
  }
  return h;
}

}  // namespace boltzkit::bench
