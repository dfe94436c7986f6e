// GPU gaussian::evaluate against the CPU float64 reference on fresh random inputs: every D the
// issue names, both types, all three parameterizations, conditions up to 1e6, failures mixed in.
#include <gtest/gtest.h>

#include "boltzkit/boltzkit.hpp"
#include "cases.hpp"
#include "tests/common/gpu_run.hpp"

namespace boltzkit::testing {
namespace {

using Kind = gaussian::Parameterization;

template <class T>
class GpuGaussian : public ::testing::Test {};
using FloatTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(GpuGaussian, FloatTypes);

/// The family's case table, every D up to a full warp, and the large library sizes.
std::vector<int> dims_to_test() {
  std::vector<int> dims;
  for (int d = 1; d <= 33; ++d) dims.push_back(d);
  for (const SizeCase& c : gaussian_cases())
    if (c.dim > 33) dims.push_back(c.dim);
  for (int d : {256, 257, 512}) dims.push_back(d);  // 257: the library path with a ragged pair
  return dims;
}

std::int64_t batch_for(int dim) { return dim <= 33 ? 67 : (dim <= 128 ? 19 : 5); }

/// Puts a few failing elements among the good ones: negative, NaN and zero pivots.
template <class T>
void mix_in_failures(Problem<T>& p, Rng& rng) {
  if (p.batch < 4) return;
  std::uniform_int_distribution<int> pick_pivot(1, p.dim);
  const T bad[] = {T(-1), std::numeric_limits<T>::quiet_NaN(), T(0)};
  for (int k = 0; k < 3; ++k) {
    const std::int64_t b = 1 + k * (p.batch / 3);
    MatrixXd m = MatrixXd::Identity(p.dim, p.dim);
    const int pivot = pick_pivot(rng);
    m(pivot - 1, pivot - 1) = static_cast<double>(bad[k]);
    p.set_matrix(b, m);
  }
}

TYPED_TEST(GpuGaussian, MatchesCpuReference) {
  BOLTZKIT_REQUIRE_GPU();
  using T = TypeParam;
  Context ctx(Backend::gpu);
  Rng rng(std::random_device{}());  // fresh inputs each run; the seed is printed on failure
  const auto seed = rng();
  rng.seed(seed);
  for (Kind kind : {Kind::covariance, Kind::precision, Kind::cholesky}) {
    for (int dim : dims_to_test()) {
      for (double cond : {1.0, 1e3, 1e6}) {
        // float at cond 1e6 has cond·ε ≈ 0.1: nothing left to compare but NaN-freedom.
        if (std::is_same_v<T, float> && cond * std::numeric_limits<float>::epsilon() > 1e-3)
          continue;
        auto p = random_problem<T>(batch_for(dim), dim, kind, cond, rng);
        mix_in_failures(p, rng);
        const auto gpu = run_gpu(ctx, p);
        const auto cpu = run_cpu(p);
        // Rounding in T grows like D·cond(Σ)·ε for every parameterization (Σ, Λ = Σ⁻¹ and
        // L = chol(Σ) all carry the conditioning of the generated Σ).
        EXPECT_TRUE(matches_cpu_outputs(p, gpu, cpu, tolerance_for<T>(dim, cond)))
            << "seed " << seed << " kind " << static_cast<int>(kind) << " cond " << cond;
      }
    }
  }
}

TYPED_TEST(GpuGaussian, LogProbOnly) {
  BOLTZKIT_REQUIRE_GPU();
  using T = TypeParam;
  Context ctx(Backend::gpu);
  Rng rng(2024);
  for (Kind kind : {Kind::covariance, Kind::precision, Kind::cholesky}) {
    for (int dim : {1, 7, 32, 40, 64, 96, 200}) {
      auto p = random_problem<T>(23, dim, kind, 10.0, rng);
      mix_in_failures(p, rng);
      EXPECT_TRUE(matches_cpu_outputs(p, run_gpu(ctx, p, false), run_cpu(p, false),
                                  tolerance_for<T>(dim, 100.0)))
          << "dim " << dim;
    }
  }
}

}  // namespace
}  // namespace boltzkit::testing
