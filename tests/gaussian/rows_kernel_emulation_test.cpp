// The row-register kernel (kernels/gaussian/fused_rows.cuh, 9 <= D <= 64) on the warp emulator
// against the float64 CPU backend: every capacity N with padding (n < N) and without, all three
// parameterizations, float and double, gradients on and off, failed elements, a poisoned upper
// triangle, strided inputs and a grid-stride loop with a partial last pass.
#include "tests/emulation/warp_emulator.hpp"
// clang-format off: the shim must come first
#include "kernels/gaussian/fused_rows.cuh"
#include "host/gaussian/fused_args.hpp"
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

// Capacities padded (9 -> 12, 33 -> 48) and at their top (16, 24, 64); 13 -> 16, 32 and
// 40 -> 48 are in the tests below. The emulator pays two fiber switches per lane per shuffle,
// so the list is short.
const int dims[] = {9, 16, 24, 33, 64};

template <class T, int N, k::MatrixKind K>
void run_rows(const gaussian::Inputs<T>& in, const gaussian::Outputs<T>& out) {
  k::GaussianArgs<T> args = gpu::fused_arguments(in, out);
  // One block for the whole batch: the grid-stride loop runs more than once.
  emu::launch(k::gaussian_rows_kernel<T, N, K>, 1, k::rows_threads, k::rows_shared_bytes<T, N>(),
              args);
}

template <class T, k::MatrixKind K>
void run_rows_kind(const gaussian::Inputs<T>& in, const gaussian::Outputs<T>& out) {
  const std::int64_t n = in.x.dim;
  if (n <= 12)
    run_rows<T, 12, K>(in, out);
  else if (n <= 16)
    run_rows<T, 16, K>(in, out);
  else if (n <= 24)
    run_rows<T, 24, K>(in, out);
  else if (n <= 32)
    run_rows<T, 32, K>(in, out);
  else if (n <= 48)
    run_rows<T, 48, K>(in, out);
  else
    run_rows<T, 64, K>(in, out);
}

template <class T>
void emulate_into(const gaussian::Inputs<T>& in, const gaussian::Outputs<T>& out) {
  switch (in.parameterization) {
    case Kind::covariance: run_rows_kind<T, k::MatrixKind::covariance>(in, out); break;
    case Kind::precision: run_rows_kind<T, k::MatrixKind::precision>(in, out); break;
    case Kind::cholesky: run_rows_kind<T, k::MatrixKind::cholesky>(in, out); break;
  }
}

template <class T>
HostOutputs<T> emulate(const Problem<T>& p, bool gradients) {
  HostOutputs<T> host(p.batch, p.dim, gradients);
  emulate_into(p.inputs(), host.outputs(p.batch, p.dim));
  return host;
}

/// Element 1: negative pivot; 3: NaN pivot followed by an exactly-zero pivot; 5: Inf pivot.
template <class T>
void break_some(Problem<T>& p) {
  const int n = p.dim;
  MatrixXd m = MatrixXd::Identity(n, n);
  m(n / 2, n / 2) = -3.0;
  if (p.batch > 1) p.set_matrix(1, m);
  m = MatrixXd::Identity(n, n);
  m(n / 2, n / 2) = std::numeric_limits<double>::quiet_NaN();
  m(n - 2, 1) = 1.0;
  if (p.batch > 3) p.set_matrix(3, m);
  m = MatrixXd::Identity(n, n);
  m(n - 1, n - 1) = std::numeric_limits<double>::infinity();
  if (p.batch > 5) p.set_matrix(5, m);
}

template <class T>
class EmulatedRowsKernel : public ::testing::Test {};
using FloatTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(EmulatedRowsKernel, FloatTypes);

TYPED_TEST(EmulatedRowsKernel, MatchesCpuReference) {
  using T = TypeParam;
  Rng rng(2718);
  for (Kind kind : {Kind::covariance, Kind::precision, Kind::cholesky}) {
    for (int dim : dims) {
      // 9 elements in one block of 8 (N <= 16) or 4 (N > 16) groups: the grid-stride loop runs
      // again for a partial last pass.
      auto p = random_problem<T>(9, dim, kind, 20.0, rng);
      break_some(p);
      for (bool gradients : {true, false}) {
        EXPECT_TRUE(matches_cpu_outputs(p, emulate(p, gradients), cpu_reference(p, gradients),
                                        tolerance_for<T>(dim, 20.0)))
            << "kind " << static_cast<int>(kind) << " D=" << dim << " gradients " << gradients;
      }
    }
  }
}

TYPED_TEST(EmulatedRowsKernel, IllConditionedMatricesStayWithinTheConditionBound) {
  using T = TypeParam;
  Rng rng(99);
  const double cond = std::is_same_v<T, float> ? 1e3 : 1e8;
  for (int dim : {12, 32, 64}) {
    auto p = random_problem<T>(4, dim, Kind::covariance, cond, rng);
    EXPECT_TRUE(matches_cpu_outputs(p, emulate(p, true), cpu_reference(p, true),
                                    tolerance_for<T>(dim, cond)))
        << "D=" << dim;
  }
}

TYPED_TEST(EmulatedRowsKernel, ReadsOnlyTheLowerTriangle) {
  using T = TypeParam;
  Rng rng(4243);
  for (Kind kind : {Kind::covariance, Kind::precision, Kind::cholesky}) {
    for (int dim : {9, 32, 48}) {
      auto clean = random_problem<T>(3, dim, kind, 20.0, rng);
      auto poisoned = clean;
      poison_upper_triangle(poisoned);
      EXPECT_TRUE(same_bits(emulate(poisoned, true), emulate(clean, true)))
          << "kind " << static_cast<int>(kind) << " D=" << dim;
    }
  }
}

// Inputs and outputs inside larger buffers (batch and row strides past the packed ones), and a
// point without a mean: the kernel must honour every stride and write nothing else.
TYPED_TEST(EmulatedRowsKernel, StridedViewsAndNoMean) {
  using T = TypeParam;
  Rng rng(77);
  for (int dim : {13, 32, 40}) {
    auto p = random_problem<T>(5, dim, Kind::covariance, 10.0, rng);
    std::fill(p.mean.begin(), p.mean.end(), T(0));
    PaddedProblem<T> padded(p, MeanLayout::absent);
    emulate_into(padded.in, padded.out);
    const HostOutputs<T> got = padded.unpacked();
    EXPECT_TRUE(matches_cpu_outputs(p, got, cpu_reference(p, true), tolerance_for<T>(dim, 10.0))) << "D=" << dim;
    for (std::size_t i = 0; i < got.grad_x.size(); ++i) ASSERT_EQ(got.grad_x[i], -got.grad_mean[i]);
  }
}

}  // namespace
}  // namespace boltzkit::testing
