// The fused small-D kernels, compiled for the CPU through cuda_shim.hpp and run lane by lane on
// threads, against the float64 CPU backend. This executes the exact device code of
// kernels/gaussian/ (tiles, barriers, shuffles, warp-cooperative I/O) in CI without a GPU.
#include "tests/emulation/warp_emulator.hpp"
// clang-format off: the shim must come first
#include "kernels/gaussian/fused_small.cuh"
#include "kernels/linalg/linalg_small.cuh"
#include "host/gaussian/fused_args.hpp"
// clang-format on

#include <gtest/gtest.h>

#include <limits>

#include "boltzkit/boltzkit.hpp"
#include "cases.hpp"
#include "tests/common/compare.hpp"
#include "tests/gaussian/emulated_checks.hpp"

namespace boltzkit::testing {
namespace {

using Kind = gaussian::Parameterization;
namespace k = boltzkit::kernels;

struct Plan {
  int group_size, warps_per_block;
  std::size_t shared_bytes;
};

template <class T>
Plan plan_for(int n) {
  Plan p{};
  p.group_size = k::group_size_for(n);
  p.warps_per_block = 2;  // small on purpose: exercises the grid-stride loop
  p.shared_bytes = k::tile_shared_bytes<T>(n, p.warps_per_block);
  return p;
}

using gpu::ref;

template <class T, int R, k::MatrixKind K>
void run_fused(const gaussian::Inputs<T>& in, const gaussian::Outputs<T>& out) {
  const int n = static_cast<int>(in.x.dim);
  const Plan plan = plan_for<T>(n);
  k::GaussianArgs<T> args = gpu::fused_arguments(in, out);
  args.group_size = plan.group_size;
  args.warps_per_block = plan.warps_per_block;
  emu::launch(k::gaussian_fused_kernel<T, R, K>, 2, plan.warps_per_block * 32, plan.shared_bytes,
              args);
}

template <class T, k::MatrixKind K>
void run_fused_kind(const gaussian::Inputs<T>& in, const gaussian::Outputs<T>& out) {
  if (in.x.dim <= 32)
    run_fused<T, 1, K>(in, out);
  else
    run_fused<T, 2, K>(in, out);
}

template <class T>
HostOutputs<T> emulate(const Problem<T>& p, bool gradients) {
  HostOutputs<T> host(p.batch, p.dim, gradients);
  const auto in = p.inputs();
  const auto out = host.outputs(p.batch, p.dim);
  switch (p.kind) {
    case Kind::covariance: run_fused_kind<T, k::MatrixKind::covariance>(in, out); break;
    case Kind::precision: run_fused_kind<T, k::MatrixKind::precision>(in, out); break;
    case Kind::cholesky: run_fused_kind<T, k::MatrixKind::cholesky>(in, out); break;
  }
  return host;
}

template <class T>
void break_some(Problem<T>& p, Rng& rng) {
  std::uniform_int_distribution<int> pivot(1, p.dim);
  const T bad[] = {T(-3), std::numeric_limits<T>::quiet_NaN(), T(0),
                   std::numeric_limits<T>::infinity()};
  for (int j = 0; j < 4 && 2 + 3 * j < p.batch; ++j) {
    MatrixXd m = MatrixXd::Identity(p.dim, p.dim);
    // Named draws: the order of two calls inside one expression is unspecified, and g++ and
    // clang differ, which made the test data depend on the compiler.
    const int column = pivot(rng) - 1;
    const int row = pivot(rng) - 1;
    m(row, column) = 1.0;
    const int at = pivot(rng);
    m(at - 1, at - 1) = static_cast<double>(bad[j]);
    p.set_matrix(2 + 3 * j, m);
  }
}

template <class T>
class EmulatedFusedKernel : public ::testing::Test {};
using FloatTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(EmulatedFusedKernel, FloatTypes);

TYPED_TEST(EmulatedFusedKernel, MatchesCpuReferenceAtEverySmallDimension) {
  using T = TypeParam;
  Rng rng(31337);
  for (Kind kind : {Kind::covariance, Kind::precision, Kind::cholesky}) {
    for (const SizeCase& c : gaussian_cases()) {
      if (!on_fused_path(c)) continue;
      const int dim = c.dim;
      const std::int64_t batch = c.batch;
      auto p = random_problem<T>(batch, dim, kind, 20.0, rng);
      break_some(p, rng);
      for (bool gradients : {true, false}) {
        EXPECT_TRUE(matches_cpu_outputs(p, emulate(p, gradients), cpu_reference(p, gradients),
                                      tolerance_for<T>(dim, 20.0)))
            << "kind " << static_cast<int>(kind) << " gradients " << gradients;
      }
    }
  }
}

// The contract (docs/MATH.md) is that only the lower triangle is read. Poisoning the strict upper
// triangle with NaN, Inf and huge values must leave every output bit-identical.
TYPED_TEST(EmulatedFusedKernel, ReadsOnlyTheLowerTriangle) {
  using T = TypeParam;
  Rng rng(4242);
  for (Kind kind : {Kind::covariance, Kind::precision, Kind::cholesky}) {
    for (const SizeCase& c : gaussian_cases()) {
      if (!on_fused_path(c) || c.dim < 2) continue;
      auto clean = random_problem<T>(c.batch, c.dim, kind, 20.0, rng);
      break_some(clean, rng);
      auto poisoned = clean;
      poison_upper_triangle(poisoned);
      EXPECT_TRUE(same_bits(emulate(poisoned, true), emulate(clean, true)))
          << "emulated kernel, kind " << static_cast<int>(kind) << " D=" << c.dim;
      EXPECT_TRUE(same_bits(cpu_reference(poisoned, true), cpu_reference(clean, true)))
          << "CPU backend, kind " << static_cast<int>(kind) << " D=" << c.dim;
    }
  }
}

template <class T, int R, k::LinalgOp Op>
void run_linalg(k::LinalgArgs<T> args) {
  const Plan plan = plan_for<T>(args.n);
  args.group_size = plan.group_size;
  args.warps_per_block = plan.warps_per_block;
  emu::launch(k::linalg_small_kernel<T, R, Op>, 2, plan.warps_per_block * 32, plan.shared_bytes,
              args);
}

template <class T, k::LinalgOp Op>
void run_linalg_op(const k::LinalgArgs<T>& args) {
  if (args.n <= 32)
    run_linalg<T, 1, Op>(args);
  else
    run_linalg<T, 2, Op>(args);
}

TYPED_TEST(EmulatedFusedKernel, LinalgBlocksMatchCpu) {
  using T = TypeParam;
  Context cpu(Backend::cpu);
  Rng rng(99);
  for (const SizeCase& c : gaussian_cases()) {
    if (!on_fused_path(c)) continue;
    const int n = c.dim;
    const std::int64_t batch = 9;
    auto p = random_problem<T>(batch, n, Kind::covariance, 30.0, rng);
    const std::size_t mm = p.matrix.size(), vv = p.x.size();
    std::vector<T> l_ref(mm), l_emu(mm, T(7)), out_ref(mm), out_emu(mm, T(7)), v_ref(vv), v_emu(vv, T(7));
    std::vector<std::int32_t> info_ref(batch), info_emu(batch, -5);
    const auto a = matrix_batch<const T>::packed(p.matrix.data(), batch, n);
    linalg::cholesky(cpu, a, matrix_batch<T>::packed(l_ref.data(), batch, n), info_ref.data());
    k::LinalgArgs<T> args{};
    args.a = ref(a);
    args.batch = batch;
    args.n = n;
    args.matrix_out = ref(matrix_batch<T>::packed(l_emu.data(), batch, n));
    args.info = info_emu.data();
    run_linalg_op<T, k::LinalgOp::cholesky>(args);
    EXPECT_EQ(info_emu, info_ref);
    const double tol = tolerance_for<T>(n, 900.0);
    EXPECT_LE(relative_error(l_emu.data(), l_ref.data(), mm, 1e-30), tol) << "cholesky n=" << n;

    const auto lc = matrix_batch<const T>::packed(l_ref.data(), batch, n);
    const auto rhs = vector_batch<const T>::packed(p.x.data(), batch, n);
    k::LinalgArgs<T> largs{};
    largs.a = ref(lc);
    largs.batch = batch;
    largs.n = n;
    largs.rhs = ref(rhs);
    largs.vector_out = ref(vector_batch<T>::packed(v_emu.data(), batch, n));
    largs.matrix_out = ref(matrix_batch<T>::packed(out_emu.data(), batch, n));
    for (bool transpose : {false, true}) {
      linalg::triangular_solve(cpu, lc, rhs, vector_batch<T>::packed(v_ref.data(), batch, n), transpose);
      if (transpose) run_linalg_op<T, k::LinalgOp::solve_transposed>(largs);
      else run_linalg_op<T, k::LinalgOp::solve>(largs);
      EXPECT_LE(relative_error(v_emu.data(), v_ref.data(), vv, 1e-30), tol) << "solve n=" << n;
    }
    linalg::triangular_inverse(cpu, lc, matrix_batch<T>::packed(out_ref.data(), batch, n));
    run_linalg_op<T, k::LinalgOp::triangular_inverse>(largs);
    EXPECT_LE(relative_error(out_emu.data(), out_ref.data(), mm, 1e-30), tol) << "tri inverse n=" << n;
    linalg::cholesky_inverse(cpu, lc, matrix_batch<T>::packed(out_ref.data(), batch, n));
    run_linalg_op<T, k::LinalgOp::cholesky_inverse>(largs);
    EXPECT_LE(relative_error(out_emu.data(), out_ref.data(), mm, 1e-30), bounded_tolerance(tol * 30)) << "inverse n=" << n;
  }
}

}  // namespace
}  // namespace boltzkit::testing
