// Bad arguments throw boltzkit::invalid_argument before anything runs.
#include <gtest/gtest.h>

#include "boltzkit/boltzkit.hpp"
#include "tests/common/problems.hpp"

namespace boltzkit::testing {
namespace {

using Kind = gaussian::Parameterization;

struct Fixture {
  Problem<double> p;
  HostOutputs<double> out;
  gaussian::Inputs<double> in;
  gaussian::Outputs<double> o;
  Fixture() : p(make()), out(4, 3), in(p.inputs()), o(out.outputs(4, 3)) {}
  static Problem<double> make() {
    Rng rng(1);
    return random_problem<double>(4, 3, Kind::covariance, 2.0, rng);
  }
};

void expect_invalid(const gaussian::Inputs<double>& in, const gaussian::Outputs<double>& o,
                    const char* what) {
  Context ctx(Backend::cpu);
  try {
    gaussian::evaluate(ctx, in, o);
    ADD_FAILURE() << "no exception for " << what;
  } catch (const boltzkit::invalid_argument& e) {
    EXPECT_FALSE(std::string(e.what()).empty()) << what;
  }
}

TEST(Arguments, DimensionBelowOne) {
  Fixture f;
  f.in.x.dim = f.in.mean.dim = f.in.matrix.dim = 0;
  expect_invalid(f.in, f.o, "D = 0");
}

TEST(Arguments, NegativeBatch) {
  Fixture f;
  f.in.x.batch = f.in.mean.batch = f.in.matrix.batch = -1;
  expect_invalid(f.in, f.o, "batch -1");
}

TEST(Arguments, ShapeMismatch) {
  Fixture f;
  f.in.mean.dim = 2;
  expect_invalid(f.in, f.o, "mean dim");
  Fixture g;
  g.in.matrix.batch = 3;
  expect_invalid(g.in, g.o, "matrix batch");
  Fixture h;
  h.o.grad_matrix.dim = 2;
  expect_invalid(h.in, h.o, "grad_matrix dim");
}

TEST(Arguments, NullPointers) {
  Fixture f;
  f.o.log_prob = nullptr;
  expect_invalid(f.in, f.o, "null log_prob");
  Fixture g;
  g.in.x.data = nullptr;
  expect_invalid(g.in, g.o, "null x");
}

TEST(Arguments, OverlappingStrides) {
  Fixture f;
  f.o.grad_mean.batch_stride = 2;  // rows of 3 overlap
  expect_invalid(f.in, f.o, "grad_mean stride");
  Fixture g;
  g.o.grad_matrix.row_stride = 2;
  expect_invalid(g.in, g.o, "row stride");
  Fixture h;
  h.o.grad_x.batch_stride = 0;  // outputs cannot broadcast
  expect_invalid(h.in, h.o, "output broadcast");
  Fixture k;
  k.in.matrix.batch_stride = 5;  // partial overlap of 3x3 matrices
  expect_invalid(k.in, k.o, "matrix stride");
}

TEST(Arguments, OutputsThatAliasEachOtherOrInputs) {
  Fixture f;
  f.o.grad_x.data = f.o.grad_mean.data;
  expect_invalid(f.in, f.o, "grad_x aliases grad_mean");
  Fixture g;
  g.o.grad_mean.data = const_cast<double*>(g.in.x.data);
  expect_invalid(g.in, g.o, "grad_mean aliases x");
}

TEST(Arguments, NothingIsWrittenOnError) {
  Fixture f;
  f.in.mean.dim = 2;
  expect_invalid(f.in, f.o, "mean dim");
  for (double v : f.out.log_prob) EXPECT_TRUE(is_poison(v));
}

TEST(Arguments, BackendNames) {
  EXPECT_EQ(parse_backend("cpu"), Backend::cpu);
  EXPECT_EQ(parse_backend("gpu"), Backend::gpu);
  EXPECT_EQ(parse_backend("auto"), Backend::automatic);
  EXPECT_THROW(parse_backend("tpu"), boltzkit::invalid_argument);
}

TEST(Arguments, GpuWithoutDeviceThrows) {
  if (gpu_available()) GTEST_SKIP() << "a CUDA device is present: nothing to check";
  EXPECT_THROW(Context{Backend::gpu}, boltzkit::invalid_argument);  // braces: clang reads (…) as a declaration
  EXPECT_EQ(Context(Backend::automatic).backend(), Backend::cpu);
}

TEST(Arguments, LinalgChecks) {
  Context ctx(Backend::cpu);
  std::vector<double> a(9, 1.0), l(9), v(3), w(3);
  std::vector<std::int32_t> info(1);
  auto am = matrix_batch<const double>::packed(a.data(), 1, 3);
  EXPECT_THROW(linalg::cholesky(ctx, am, matrix_batch<double>::packed(l.data(), 1, 2), info.data()),
               boltzkit::invalid_argument);
  EXPECT_THROW(linalg::triangular_solve(ctx, am, vector_batch<const double>::packed(v.data(), 1, 3),
                                        vector_batch<double>::packed(nullptr, 1, 3), false),
               boltzkit::invalid_argument);
  EXPECT_THROW(linalg::cholesky_inverse(ctx, am, matrix_batch<double>::packed(const_cast<double*>(a.data()), 1, 3)),
               boltzkit::invalid_argument);
}

}  // namespace
}  // namespace boltzkit::testing
