// GPU linalg building blocks against the CPU backend, both sides of the fused/library switch.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "boltzkit/boltzkit.hpp"
#include "tests/common/gpu_run.hpp"

namespace boltzkit::testing {
namespace {

template <class T>
class GpuLinalg : public ::testing::Test {};
using FloatTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(GpuLinalg, FloatTypes);

template <class T>
matrix_batch<T> packed(const DeviceBuffer<T>& b, std::int64_t batch, int n) {
  return matrix_batch<T>::packed(b.data(), batch, n);
}

TYPED_TEST(GpuLinalg, AllBlocksMatchCpu) {
  BOLTZKIT_REQUIRE_GPU();
  using T = TypeParam;
  Context gpu(Backend::gpu), cpu(Backend::cpu);
  // A fresh seed each run widens coverage; it is printed so a failure can be replayed with
  // BOLTZKIT_TEST_SEED=<seed>.
  const char* fixed = std::getenv("BOLTZKIT_TEST_SEED");
  const unsigned seed = fixed != nullptr ? static_cast<unsigned>(std::strtoul(fixed, nullptr, 10))
                                         : std::random_device{}();
  std::printf("GpuLinalg seed %u (replay: BOLTZKIT_TEST_SEED=%u)\n", seed, seed);
  SCOPED_TRACE("seed " + std::to_string(seed));
  Rng rng(seed);
  for (int n : {1, 2, 5, 16, 31, 32, 33, 63, 64, 65, 128, 300}) {
    const std::int64_t batch = n <= 64 ? 45 : 7;
    const double cond = 100;
    Problem<T> p = random_problem<T>(batch, n, gaussian::Parameterization::covariance, cond, rng);
    MatrixXd bad = MatrixXd::Identity(n, n);
    bad(n / 2, n / 2) = -2.0;
    p.set_matrix(3, bad);  // one failing factorization
    const std::size_t mm = p.matrix.size(), vv = p.x.size();
    // CPU reference
    std::vector<T> l(mm), inv(mm), full(mm), logdet(batch), sol(vv), solt(vv);
    std::vector<std::int32_t> info(batch);
    auto a = matrix_batch<const T>::packed(p.matrix.data(), batch, n);
    linalg::cholesky(cpu, a, matrix_batch<T>::packed(l.data(), batch, n), info.data());
    // use a valid factor for element 3 in the triangular blocks
    for (int e = 0; e < n * n; ++e) l[3 * n * n + e] = (e % (n + 1) == 0) ? T(1) : T(0);
    const auto lc = matrix_batch<const T>::packed(l.data(), batch, n);
    const auto rhs = vector_batch<const T>::packed(p.x.data(), batch, n);
    linalg::log_determinant(cpu, lc, logdet.data());
    linalg::triangular_solve(cpu, lc, rhs, vector_batch<T>::packed(sol.data(), batch, n), false);
    linalg::triangular_solve(cpu, lc, rhs, vector_batch<T>::packed(solt.data(), batch, n), true);
    linalg::triangular_inverse(cpu, lc, matrix_batch<T>::packed(inv.data(), batch, n));
    linalg::cholesky_inverse(cpu, lc, matrix_batch<T>::packed(full.data(), batch, n));
    // GPU
    DeviceBuffer<T> da(p.matrix), dl(mm), dl_ref(l), dinv(mm), dfull(mm), dld(batch), dx(p.x),
        dsol(vv), dsolt(vv);
    DeviceBuffer<std::int32_t> dinfo(batch);
    linalg::cholesky(gpu, matrix_batch<const T>(packed(da, batch, n)), packed(dl, batch, n), dinfo.data());
    const matrix_batch<const T> dlc = packed(dl_ref, batch, n);
    const auto drhs = vector_batch<const T>::packed(dx.data(), batch, n);
    linalg::log_determinant(gpu, dlc, dld.data());
    linalg::triangular_solve(gpu, dlc, drhs, vector_batch<T>::packed(dsol.data(), batch, n), false);
    linalg::triangular_solve(gpu, dlc, drhs, vector_batch<T>::packed(dsolt.data(), batch, n), true);
    linalg::triangular_inverse(gpu, dlc, packed(dinv, batch, n));
    linalg::cholesky_inverse(gpu, dlc, packed(dfull, batch, n));
    gpu.synchronize();
    const double tol = tolerance_for<T>(n, cond * cond);
    EXPECT_EQ(dinfo.download(), info) << "n=" << n;
    const auto gl = dl.download();
    for (std::int64_t b = 0; b < batch; ++b) {
      if (b == 3) {
        EXPECT_TRUE(all_nan(gl.data() + b * n * n, n * n));
        continue;
      }
      auto close = [&](const std::vector<T>& g, const std::vector<T>& c, std::int64_t len, const char* what) {
        EXPECT_LE(relative_error(g.data() + b * len, c.data() + b * len, len, 1e-30), tol)
            << what << " n=" << n << " element " << b;
      };
      close(gl, l, n * n, "cholesky");
      close(dinv.download(), inv, n * n, "triangular_inverse");
      close(dfull.download(), full, n * n, "cholesky_inverse");
      close(dsol.download(), sol, n, "solve");
      close(dsolt.download(), solt, n, "solve transposed");
      close(dld.download(), logdet, 1, "log_determinant");
    }
  }
}

}  // namespace
}  // namespace boltzkit::testing
