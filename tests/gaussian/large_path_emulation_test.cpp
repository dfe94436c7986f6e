// The D > 64 orchestration (host/gpu/*_chunk.hpp) with its element-wise kernels on the warp
// emulator and CPU stand-ins for potrfBatched/trsmBatched: checks the column-major conventions,
// the [I | d] right-hand side, chunk offsets and failure handling against the CPU backend.
#include "tests/emulation/emulated_executor.hpp"
// clang-format off: the shim must come first
#include "host/gaussian/large_chunk.hpp"
#include "host/linalg/large_chunk.hpp"
// clang-format on

#include <gtest/gtest.h>

#include "boltzkit/boltzkit.hpp"
#include "cases.hpp"
#include "tests/common/compare.hpp"

namespace boltzkit::testing {
namespace {

using Kind = gaussian::Parameterization;

/// Evaluates through run_large_chunk in chunks of `chunk` elements.
template <class T>
HostOutputs<T> emulate_large(const Problem<T>& p, bool gradients, std::int64_t chunk) {
  HostOutputs<T> host(p.batch, p.dim, gradients);
  const auto in = p.inputs();
  const auto out = host.outputs(p.batch, p.dim);
  const gpu::LargePlan plan = gpu::LargePlan::make(in, out);
  const int n = p.dim;
  std::vector<T> factor(chunk * n * n), rhs(chunk * plan.rhs_stride()), vectors(3 * chunk * n);
  std::vector<T*> ptrs(2 * chunk);
  std::vector<std::int32_t> info(chunk);
  emu::EmulatedExecutor ex;
  for (std::int64_t first = 0; first < p.batch; first += chunk) {
    const std::int64_t count = std::min(chunk, p.batch - first);
    const gpu::LargeBuffers<T> w{factor.data(), rhs.data(), vectors.data(), ptrs.data(),
                                 ptrs.data() + count, info.data()};
    gpu::run_large_chunk(ex, in, out, plan, first, count, w);
  }
  return host;
}

template <class T>
class EmulatedLargePath : public ::testing::Test {};
using FloatTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(EmulatedLargePath, FloatTypes);

TYPED_TEST(EmulatedLargePath, GaussianMatchesCpuReference) {
  using T = TypeParam;
  Rng rng(4242);
  Context cpu(Backend::cpu);
  for (Kind kind : {Kind::covariance, Kind::precision, Kind::cholesky}) {
    // The library path at every table size above the fused range, and forced at two small ones.
    std::vector<int> dims = {1, 6};
    for (const SizeCase& c : gaussian_cases())
      if (!on_fused_path(c) && c.dim <= 100) dims.push_back(c.dim);
    for (int n : dims) {
      auto p = random_problem<T>(7, n, kind, 20.0, rng);
      MatrixXd bad = MatrixXd::Identity(n, n);
      bad(n - 1, n - 1) = std::numeric_limits<double>::quiet_NaN();
      p.set_matrix(2, bad);  // NaN pivot: only the diagonal re-check can see it
      bad(n - 1, n - 1) = -1.0;
      p.set_matrix(5, bad);
      if (n >= 5) {  // a NaN pivot, then a zero one that the library reports instead
        MatrixXd nan_then_zero = MatrixXd::Identity(n, n);
        nan_then_zero(n / 2, n / 2) = std::numeric_limits<double>::quiet_NaN();
        nan_then_zero(n - 2, 1) = 1.0;
        p.set_matrix(4, nan_then_zero);
      }
      for (bool gradients : {true, false}) {
        HostOutputs<T> ref(p.batch, n, gradients);
        gaussian::evaluate(cpu, p.inputs(), ref.outputs(p.batch, n));
        const auto got = emulate_large(p, gradients, 3);  // 3 chunks: offsets matter
        EXPECT_TRUE(matches_reference(p, got, tolerance_for<T>(n, 400.0)))
            << "kind " << static_cast<int>(kind) << " n " << n << " gradients " << gradients;
        EXPECT_EQ(got.info, ref.info);
      }
    }
  }
}

TYPED_TEST(EmulatedLargePath, LinalgMatchesCpu) {
  using T = TypeParam;
  using Op = kernels::LinalgOp;
  Rng rng(17);
  Context cpu(Backend::cpu);
  for (int n : {3, 66}) {
    const std::int64_t batch = 5, chunk = 2;
    auto p = random_problem<T>(batch, n, Kind::covariance, 30.0, rng);
    MatrixXd bad = MatrixXd::Identity(n, n);
    bad(1, 1) = -4.0;
    p.set_matrix(3, bad);
    const std::size_t mm = p.matrix.size(), vv = p.x.size();
    std::vector<T> l_ref(mm), out_ref(mm), v_ref(vv), l_emu(mm, T(9)), out_emu(mm, T(9)), v_emu(vv, T(9));
    std::vector<std::int32_t> info_ref(batch), info_emu(batch, -3);
    const auto a = matrix_batch<const T>::packed(p.matrix.data(), batch, n);
    linalg::cholesky(cpu, a, matrix_batch<T>::packed(l_ref.data(), batch, n), info_ref.data());
    for (int e = 0; e < n * n; ++e) l_ref[3 * n * n + e] = (e % (n + 1) == 0) ? T(1) : T(0);
    const auto lc = matrix_batch<const T>::packed(l_ref.data(), batch, n);
    const auto rhs = vector_batch<const T>::packed(p.x.data(), batch, n);

    auto run = [&](Op op, matrix_batch<const T> input) {
      gpu::LinalgLargeCall<T> c{};
      c.op = op;
      c.a = {input.data, input.batch_stride, input.row_stride};
      c.rhs = {rhs.data, rhs.batch_stride};
      c.matrix_out = {op == Op::cholesky ? l_emu.data() : out_emu.data(), static_cast<std::int64_t>(n) * n, n};
      c.vector_out = {v_emu.data(), n};
      c.info = info_emu.data();
      c.n = n;
      std::vector<T> factor(chunk * n * n), work(chunk * c.rhs_stride());
      std::vector<T*> ptrs(2 * chunk);
      std::vector<std::int32_t> winfo(chunk);
      emu::EmulatedExecutor ex;
      for (std::int64_t first = 0; first < batch; first += chunk) {
        const std::int64_t count = std::min(chunk, batch - first);
        gpu::run_linalg_large_chunk(ex, c, first, count, factor.data(), work.data(), ptrs.data(),
                                    ptrs.data() + count, winfo.data());
      }
    };
    const double tol = tolerance_for<T>(n, 900.0);
    run(Op::cholesky, a);
    EXPECT_EQ(info_emu, info_ref);
    for (std::int64_t b = 0; b < batch; ++b) {
      if (b == 3) {
        EXPECT_TRUE(all_nan(l_emu.data() + b * n * n, n * n));
        continue;
      }
      EXPECT_LE(relative_error(l_emu.data() + b * n * n, l_ref.data() + b * n * n, n * n, 1e-30), tol);
    }
    for (bool transpose : {false, true}) {
      linalg::triangular_solve(cpu, lc, rhs, vector_batch<T>::packed(v_ref.data(), batch, n), transpose);
      run(transpose ? Op::solve_transposed : Op::solve, lc);
      EXPECT_LE(relative_error(v_emu.data(), v_ref.data(), vv, 1e-30), tol) << "solve n=" << n;
    }
    linalg::triangular_inverse(cpu, lc, matrix_batch<T>::packed(out_ref.data(), batch, n));
    run(Op::triangular_inverse, lc);
    EXPECT_LE(relative_error(out_emu.data(), out_ref.data(), mm, 1e-30), tol) << "tri inverse";
    linalg::cholesky_inverse(cpu, lc, matrix_batch<T>::packed(out_ref.data(), batch, n));
    run(Op::cholesky_inverse, lc);
    EXPECT_LE(relative_error(out_emu.data(), out_ref.data(), mm, 1e-30), bounded_tolerance(tol * 30)) << "inverse";
  }
}

}  // namespace
}  // namespace boltzkit::testing
