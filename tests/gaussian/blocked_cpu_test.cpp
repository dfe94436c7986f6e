// The blocked CPU path (OpenBLAS potrf/potri, host/gaussian/cpu_blocked.cpp) against the
// independent Eigen reference, around and above the crossover to the loops, on each of its
// thread layouts: one element per thread, one element at a time, one broadcast matrix.
#include <gtest/gtest.h>

#include <limits>

#include "boltzkit/boltzkit.hpp"
#include "host/gaussian/backends.hpp"
#include "host/gaussian/tuning.hpp"
#include "tests/common/compare.hpp"

namespace boltzkit::testing {
namespace {

using Kind = gaussian::Parameterization;
constexpr Kind kinds[] = {Kind::covariance, Kind::precision, Kind::cholesky};
constexpr int crossover = static_cast<int>(tuning::gaussian_cpu_blocked_min_dim);

template <class T>
class CpuBlocked : public ::testing::Test {};
using Types = ::testing::Types<float, double>;
TYPED_TEST_SUITE(CpuBlocked, Types);

template <class T>
HostOutputs<T> run_blocked(const Problem<T>& p, const gaussian::Inputs<T>& in) {
  HostOutputs<T> out(p.batch, p.dim);
  gaussian::backend::cpu::evaluate_blocked(in, out.outputs(p.batch, p.dim));
  return out;
}

TYPED_TEST(CpuBlocked, MatchesReferenceAroundAndAboveTheCrossover) {
  using T = TypeParam;
  Context ctx(Backend::cpu);
  Rng rng(77);
  for (Kind kind : kinds) {
    // Public API on both sides of the crossover; batch 3 runs one element per thread.
    for (int dim : {crossover - 1, crossover, crossover + 17, 3 * crossover + 1}) {
      auto p = random_problem<T>(3, dim, kind, 10.0, rng);
      HostOutputs<T> out(p.batch, dim);
      gaussian::evaluate(ctx, p.inputs(), out.outputs(p.batch, dim));
      EXPECT_TRUE(matches_reference(p, out, tolerance_for<T>(dim, 100.0)))
          << "kind " << static_cast<int>(kind) << " D " << dim;
      for (auto i : out.info) EXPECT_EQ(i, 0);
    }
    // The blocked path itself at sizes the dispatch never sends it, and with batch 1 (one
    // element at a time, the layout of large D).
    for (int dim : {1, 2, 7}) {
      auto p = random_problem<T>(4, dim, kind, 10.0, rng);
      EXPECT_TRUE(matches_reference(p, run_blocked(p, p.inputs()), tolerance_for<T>(dim, 100.0)))
          << "kind " << static_cast<int>(kind) << " D " << dim;
    }
    auto single = random_problem<T>(1, crossover + 33, kind, 10.0, rng);
    EXPECT_TRUE(matches_reference(single, run_blocked(single, single.inputs()),
                                  tolerance_for<T>(single.dim, 100.0)));
  }
}

TYPED_TEST(CpuBlocked, BroadcastMatrixMatchesReferenceOnEveryRow) {
  using T = TypeParam;
  Context ctx(Backend::cpu);
  Rng rng(5);
  const int dim = crossover + 9;
  for (Kind kind : kinds) {
    auto p = random_problem<T>(6, dim, kind, 10.0, rng);
    for (std::int64_t b = 1; b < p.batch; ++b) p.set_matrix(b, p.matrix_of(0));  // for the reference
    gaussian::Inputs<T> in = p.inputs();
    in.matrix.batch_stride = 0;
    HostOutputs<T> out(p.batch, dim);
    gaussian::evaluate(ctx, in, out.outputs(p.batch, dim));
    EXPECT_TRUE(matches_reference(p, out, tolerance_for<T>(dim, 100.0)))
        << "kind " << static_cast<int>(kind);
    for (auto i : out.info) EXPECT_EQ(i, 0);
    // The same rows with the matrix repeated: the shared factor gives the same answers.
    HostOutputs<T> repeated(p.batch, dim);
    gaussian::evaluate(ctx, p.inputs(), repeated.outputs(p.batch, dim));
    EXPECT_LE(relative_error(out.grad_matrix.data(), repeated.grad_matrix.data(),
                             static_cast<std::int64_t>(out.grad_matrix.size())),
              tolerance_for<T>(dim, 10.0));
  }
}

TYPED_TEST(CpuBlocked, StridedViewsAreReadAndWrittenInPlace) {
  using T = TypeParam;
  Rng rng(9);
  const int dim = crossover + 3;
  const std::int64_t pad = 5, rs = dim + pad, batch = 3;
  for (Kind kind : kinds) {
    auto p = random_problem<T>(batch, dim, kind, 10.0, rng);
    std::vector<T> padded(static_cast<std::size_t>(batch * dim * rs), T(123));
    for (std::int64_t b = 0; b < batch; ++b)
      for (int i = 0; i < dim; ++i)
        for (int j = 0; j < dim; ++j)
          padded[(b * dim + i) * rs + j] = p.matrix[(b * dim + i) * dim + j];
    gaussian::Inputs<T> in = p.inputs();
    in.matrix = {padded.data(), batch, dim, dim * rs, rs};
    std::vector<T> grad(padded.size(), T(-7));
    HostOutputs<T> out(batch, dim);
    gaussian::Outputs<T> o = out.outputs(batch, dim);
    o.grad_matrix = {grad.data(), batch, dim, dim * rs, rs};
    gaussian::backend::cpu::evaluate_blocked(in, o);
    for (std::int64_t b = 0; b < batch; ++b)
      for (int i = 0; i < dim; ++i) {
        for (int j = 0; j < dim; ++j)
          out.grad_matrix[(b * dim + i) * dim + j] = grad[(b * dim + i) * rs + j];
        for (std::int64_t j = dim; j < rs; ++j)
          ASSERT_EQ(grad[(b * dim + i) * rs + j], T(-7)) << "padding written";
      }
    EXPECT_TRUE(matches_reference(p, out, tolerance_for<T>(dim, 100.0)))
        << "kind " << static_cast<int>(kind);
  }
}

TYPED_TEST(CpuBlocked, NonPositiveDefiniteRowsGetInfoAndNaNOthersExact) {
  using T = TypeParam;
  Context ctx(Backend::cpu);
  const int dim = crossover + 5;
  for (Kind kind : kinds) {
    Rng rng(11);
    auto clean = random_problem<T>(5, dim, kind, 10.0, rng);
    HostOutputs<T> expected(clean.batch, dim);
    gaussian::evaluate(ctx, clean.inputs(), expected.outputs(clean.batch, dim));
    auto p = clean;
    MatrixXd bad = MatrixXd::Identity(dim, dim);
    bad(dim - 4, dim - 4) = -1.0;  // the (dim-3)-th leading minor fails
    p.set_matrix(1, bad);
    MatrixXd with_nan = MatrixXd::Identity(dim, dim);
    with_nan(20, 20) = std::numeric_limits<double>::quiet_NaN();
    p.set_matrix(3, with_nan);
    HostOutputs<T> out(p.batch, dim);
    gaussian::evaluate(ctx, p.inputs(), out.outputs(p.batch, dim));
    for (std::int64_t b = 0; b < p.batch; ++b) {
      const std::size_t v = static_cast<std::size_t>(b * dim), m = v * dim;
      if (b == 1 || b == 3) {
        EXPECT_EQ(out.info[b], b == 1 ? dim - 3 : 21) << "element " << b;
        EXPECT_TRUE(std::isnan(out.log_prob[b]));
        EXPECT_TRUE(all_nan(out.grad_mean.data() + v, dim));
        EXPECT_TRUE(all_nan(out.grad_x.data() + v, dim));
        EXPECT_TRUE(all_nan(out.grad_matrix.data() + m, static_cast<std::int64_t>(dim) * dim));
        continue;
      }
      EXPECT_EQ(out.info[b], 0);
      EXPECT_EQ(out.log_prob[b], expected.log_prob[b]) << "element " << b << " changed";
      for (int i = 0; i < dim; ++i) ASSERT_EQ(out.grad_mean[v + i], expected.grad_mean[v + i]);
      for (int e = 0; e < dim * dim; ++e)
        ASSERT_EQ(out.grad_matrix[m + e], expected.grad_matrix[m + e]) << "element " << b;
    }
    // A broadcast matrix that fails fails every row, with its pivot.
    gaussian::Inputs<T> in = p.inputs();
    in.matrix.data = p.matrix.data() + static_cast<std::size_t>(dim) * dim;  // element 1
    in.matrix.batch_stride = 0;
    HostOutputs<T> shared(p.batch, dim);
    gaussian::evaluate(ctx, in, shared.outputs(p.batch, dim));
    for (std::int64_t b = 0; b < p.batch; ++b) {
      EXPECT_EQ(shared.info[b], dim - 3);
      EXPECT_TRUE(std::isnan(shared.log_prob[b]));
      EXPECT_TRUE(all_nan(shared.grad_matrix.data() + b * dim * dim, static_cast<std::int64_t>(dim) * dim));
    }
  }
}

}  // namespace
}  // namespace boltzkit::testing
