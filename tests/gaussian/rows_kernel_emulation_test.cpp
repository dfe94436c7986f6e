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

#include <cstring>
#include <limits>

#include "boltzkit/boltzkit.hpp"
#include "tests/common/compare.hpp"

namespace boltzkit::testing {
namespace {

using Kind = gaussian::Parameterization;
namespace k = boltzkit::kernels;

// Capacities padded (9 -> 12, 33 -> 48) and at their top (16, 24, 64); 13 -> 16, 32 and
// 40 -> 48 are in the tests below. The emulator pays two thread barriers per shuffle, so the
// list is short.
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

template <class T>
HostOutputs<T> reference(const Problem<T>& p, bool gradients) {
  Context cpu(Backend::cpu);
  HostOutputs<T> host(p.batch, p.dim, gradients);
  gaussian::evaluate(cpu, p.inputs(), host.outputs(p.batch, p.dim));
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
        EXPECT_TRUE(matches_cpu_outputs(p, emulate(p, gradients), reference(p, gradients),
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
    EXPECT_TRUE(matches_cpu_outputs(p, emulate(p, true), reference(p, true),
                                    tolerance_for<T>(dim, cond)))
        << "D=" << dim;
  }
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

TYPED_TEST(EmulatedRowsKernel, ReadsOnlyTheLowerTriangle) {
  using T = TypeParam;
  Rng rng(4243);
  const T poison[] = {std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::infinity(),
                      T(-1e30), T(7)};
  for (Kind kind : {Kind::covariance, Kind::precision, Kind::cholesky}) {
    for (int dim : {9, 32, 48}) {
      auto clean = random_problem<T>(3, dim, kind, 20.0, rng);
      auto poisoned = clean;
      for (std::int64_t b = 0; b < clean.batch; ++b)
        for (int i = 0; i < dim; ++i)
          for (int j = i + 1; j < dim; ++j)
            poisoned.matrix[static_cast<std::size_t>((b * dim + i) * dim + j)] = poison[(i + j) % 4];
      const auto want = emulate(clean, true), got = emulate(poisoned, true);
      EXPECT_EQ(got.info, want.info);
      EXPECT_TRUE(same_bits(got.log_prob, want.log_prob) && same_bits(got.grad_mean, want.grad_mean) &&
                  same_bits(got.grad_x, want.grad_x) && same_bits(got.grad_matrix, want.grad_matrix))
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
    const std::int64_t batch = 5;
    auto p = random_problem<T>(batch, dim, Kind::covariance, 10.0, rng);
    std::fill(p.mean.begin(), p.mean.end(), T(0));
    const HostOutputs<T> want = reference(p, true);

    const std::int64_t rs = dim + 3, ms = dim * rs + 7, vs = dim + 5;
    const T sentinel = T(-4242);
    std::vector<T> matrix(static_cast<std::size_t>(batch * ms), sentinel), x(static_cast<std::size_t>(batch * vs), sentinel);
    for (std::int64_t b = 0; b < batch; ++b)
      for (int i = 0; i < dim; ++i) {
        x[b * vs + i] = p.x[b * dim + i];
        for (int j = 0; j < dim; ++j) matrix[b * ms + i * rs + j] = p.matrix[(b * dim + i) * dim + j];
      }
    gaussian::Inputs<T> in;
    in.x = vector_batch<const T>(x.data(), batch, dim, vs);
    in.matrix = matrix_batch<const T>(matrix.data(), batch, dim, ms, rs);
    std::vector<T> log_prob(batch), gm(batch * vs, sentinel), gx(batch * vs, sentinel), gs(batch * ms, sentinel);
    std::vector<std::int32_t> info(batch, -1);
    gaussian::Outputs<T> out;
    out.log_prob = log_prob.data();
    out.info = info.data();
    out.grad_mean = vector_batch<T>(gm.data(), batch, dim, vs);
    out.grad_x = vector_batch<T>(gx.data(), batch, dim, vs);
    out.grad_matrix = matrix_batch<T>(gs.data(), batch, dim, ms, rs);
    emulate_into(in, out);

    const double tol = tolerance_for<T>(dim, 10.0);
    for (std::int64_t b = 0; b < batch; ++b) {
      EXPECT_EQ(info[b], 0);
      EXPECT_LE(relative_error(&log_prob[b], &want.log_prob[b], 1, 1e-30), tol);
      for (int i = 0; i < dim; ++i) {
        EXPECT_NEAR(static_cast<double>(gm[b * vs + i]), static_cast<double>(want.grad_mean[b * dim + i]),
                    tol * (1 + std::abs(static_cast<double>(want.grad_mean[b * dim + i]))));
        EXPECT_EQ(gx[b * vs + i], -gm[b * vs + i]);
        for (int j = 0; j < dim; ++j)
          EXPECT_NEAR(static_cast<double>(gs[b * ms + i * rs + j]),
                      static_cast<double>(want.grad_matrix[(b * dim + i) * dim + j]),
                      tol * (1 + std::abs(static_cast<double>(want.grad_matrix[(b * dim + i) * dim + j]))));
        for (std::int64_t j = dim; j < rs && i * rs + j < ms; ++j) EXPECT_EQ(gs[b * ms + i * rs + j], sentinel);
      }
      for (std::int64_t i = dim; i < vs; ++i) EXPECT_EQ(gm[b * vs + i], sentinel);
    }
  }
}

}  // namespace
}  // namespace boltzkit::testing
