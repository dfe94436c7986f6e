// The block-per-matrix Gaussian kernel (kernels/gaussian/fused_block.cuh, fused_max_dim < D <=
// the block limit) on the warp emulator against the float64 CPU backend: every parameterization,
// float and double, with and without gradients, failing elements (NaN, Inf, negative pivots, a
// NaN pivot before an exactly-zero one), a poisoned strict upper triangle and strided inputs.
// Blocks run with 4 warps (the GPU uses 8) so that the rounds of the blocked steps are exercised.
#include "tests/emulation/warp_emulator.hpp"
// clang-format off: the shim must come first
#include "kernels/gaussian/fused_block.cuh"
#include "host/gaussian/fused_args.hpp"
#include "host/gaussian/tuning.hpp"
// clang-format on

#include <gtest/gtest.h>

#include <limits>

#include "boltzkit/boltzkit.hpp"
#include "tests/common/compare.hpp"
#include "tests/gaussian/emulated_checks.hpp"

namespace boltzkit::testing {
namespace {

using Kind = gaussian::Parameterization;
namespace k = boltzkit::kernels;

template <class T, k::MatrixKind K>
void run_block(const gaussian::Inputs<T>& in, const gaussian::Outputs<T>& out, int warps) {
  const k::GaussianArgs<T> args = gpu::fused_arguments(in, out);
  emu::launch(k::gaussian_block_kernel<T, K>, 2, static_cast<unsigned>(warps * 32),
              k::block_shared_bytes<T>(args.n), args);
}

template <class T>
void run_block_kind(const gaussian::Inputs<T>& in, const gaussian::Outputs<T>& out,
                    int warps = 4) {
  switch (in.parameterization) {
    case Kind::covariance: run_block<T, k::MatrixKind::covariance>(in, out, warps); break;
    case Kind::precision: run_block<T, k::MatrixKind::precision>(in, out, warps); break;
    case Kind::cholesky: run_block<T, k::MatrixKind::cholesky>(in, out, warps); break;
  }
}

template <class T>
HostOutputs<T> emulate(const Problem<T>& p, bool gradients, int warps = 4) {
  HostOutputs<T> host(p.batch, p.dim, gradients);
  run_block_kind(p.inputs(), host.outputs(p.batch, p.dim), warps);
  return host;
}

/// Elements 1..3 of a batch of 4 fail: a NaN pivot before an exactly-zero one, a negative pivot,
/// an infinite pivot (each inside an identity with one off-diagonal entry).
template <class T>
void break_some(Problem<T>& p, Rng& rng) {
  const int n = p.dim;
  MatrixXd nan_then_zero = MatrixXd::Identity(n, n);
  nan_then_zero(n / 2, n / 2) = std::numeric_limits<double>::quiet_NaN();
  nan_then_zero(n - 2, 1) = 1.0;  // pivot n-2 is exactly zero, after the NaN one
  p.set_matrix(1, nan_then_zero);
  std::uniform_int_distribution<int> pivot(0, n - 1);
  const double bad[] = {-3.0, std::numeric_limits<double>::infinity()};
  for (int j = 0; j < 2; ++j) {
    MatrixXd m = MatrixXd::Identity(n, n);
    const int row = pivot(rng);
    const int column = pivot(rng);
    m(std::max(row, column), std::min(row, column)) += 0.25;
    const int at = pivot(rng);
    m(at, at) = bad[j];
    p.set_matrix(2 + j, m);
  }
}

std::vector<int> dims_for(bool is_float) {
  // Tile edges (128, 256), one past them (65, 129), ragged (100, 200), up to the type's limit.
  if (is_float) return {65, 100, 128, 129, 200, 256};
  return {65, 100, 129, 192};
}

template <class T>
class EmulatedBlockKernel : public ::testing::Test {};
using FloatTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(EmulatedBlockKernel, FloatTypes);

TYPED_TEST(EmulatedBlockKernel, MatchesCpuReference) {
  using T = TypeParam;
  Rng rng(2026);
  const std::int64_t max_dim = std::is_same_v<T, float> ? tuning::gaussian_block_max_dim_float
                                                         : tuning::gaussian_block_max_dim_double;
  const std::vector<int> dims = dims_for(std::is_same_v<T, float>);
  for (int n : dims) {
    ASSERT_LE(n, max_dim);
    ASSERT_LE(k::block_shared_bytes<T>(n), emu::shared_capacity);
    for (Kind kind : {Kind::covariance, Kind::precision, Kind::cholesky}) {
      auto p = random_problem<T>(4, n, kind, 20.0, rng);
      break_some(p, rng);
      // Without gradients the kernel runs a prefix of the same steps: two sizes suffice (the
      // emulator runs a lane per thread; the whole test stays near a minute on two cores).
      const bool edge = n == dims.front() || n == dims.back();
      for (bool gradients : {true, false}) {
        if (!gradients && !edge) continue;
        const auto want = cpu_reference(p, gradients);
        EXPECT_EQ(want.info[1], n / 2 + 1) << "the CPU backend reports the NaN pivot";
        EXPECT_TRUE(matches_cpu_outputs(p, emulate(p, gradients), want,
                                        tolerance_for<T>(n, 20.0)))
            << "kind " << static_cast<int>(kind) << " D=" << n << " gradients " << gradients;
      }
    }
  }
}

// The GPU test's tolerances (tests/gaussian/gpu_test.cpp): D·cond·ε at cond 1 and up to 1e6
// (double; float stops where cond·ε leaves nothing to compare).
TYPED_TEST(EmulatedBlockKernel, MatchesCpuReferenceAcrossConditions) {
  using T = TypeParam;
  Rng rng(8128);
  const int n = 100;
  for (Kind kind : {Kind::covariance, Kind::precision, Kind::cholesky}) {
    for (double cond : {1.0, 1e3, 1e6}) {
      if (cond * std::numeric_limits<T>::epsilon() > 1e-3) continue;
      auto p = random_problem<T>(3, n, kind, cond, rng);
      EXPECT_TRUE(matches_cpu_outputs(p, emulate(p, true), cpu_reference(p, true),
                                      tolerance_for<T>(n, cond)))
          << "kind " << static_cast<int>(kind) << " cond " << cond;
    }
  }
}

// The launch shape of the GPU (8 warps: every blocked step in one round) on the largest size.
TYPED_TEST(EmulatedBlockKernel, MatchesCpuReferenceWithEightWarps) {
  using T = TypeParam;
  Rng rng(77);
  const int n = std::is_same_v<T, float> ? 256 : 192;
  auto p = random_problem<T>(3, n, Kind::covariance, 20.0, rng);
  EXPECT_TRUE(matches_cpu_outputs(p, emulate(p, true, k::block_threads_max / 32),
                                  cpu_reference(p, true), tolerance_for<T>(n, 20.0)));
}

// Only the lower triangle is read (docs/MATH.md): NaN, Inf and huge values above the diagonal
// leave every output bit-identical.
TYPED_TEST(EmulatedBlockKernel, ReadsOnlyTheLowerTriangle) {
  using T = TypeParam;
  Rng rng(4243);
  for (Kind kind : {Kind::covariance, Kind::precision, Kind::cholesky}) {
    auto clean = random_problem<T>(3, 100, kind, 20.0, rng);
    auto poisoned = clean;
    poison_upper_triangle(poisoned);
    EXPECT_TRUE(same_bits(emulate(poisoned, true), emulate(clean, true))) << "kind " << static_cast<int>(kind);
  }
}

// Padded rows, padded batch strides and a broadcast mean (batch stride 0) on the inputs, padded
// strides on the outputs: the same results as the packed problem.
TYPED_TEST(EmulatedBlockKernel, StridedViews) {
  using T = TypeParam;
  Rng rng(515);
  const int n = 70;
  for (Kind kind : {Kind::covariance, Kind::cholesky}) {
    auto p = random_problem<T>(3, n, kind, 20.0, rng);
    for (std::int64_t b = 1; b < p.batch; ++b)  // one mean for all
      for (int i = 0; i < n; ++i) p.mean[b * n + i] = p.mean[i];
    PaddedProblem<T> padded(p, MeanLayout::broadcast);
    run_block_kind(padded.in, padded.out);
    EXPECT_TRUE(matches_cpu_outputs(p, padded.unpacked(), cpu_reference(p, true), tolerance_for<T>(n, 20.0)))
        << "kind " << static_cast<int>(kind);
  }
}

}  // namespace
}  // namespace boltzkit::testing
