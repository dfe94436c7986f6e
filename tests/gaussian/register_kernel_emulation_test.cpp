// The register kernel (D <= 8, one thread per matrix, kernels/gaussian/register_small.cuh)
// compiled for the CPU through cuda_shim.hpp and run on the warp emulator (128 threads per
// block, real __syncthreads around the shared-memory stage) against the float64 CPU backend:
// every D and parameterization, float and double, partial blocks and the grid-stride loop,
// strided and broadcast layouts (the direct path), failures and a poisoned upper triangle.
#include "tests/emulation/warp_emulator.hpp"
// clang-format off: the shim must come first
#include "kernels/gaussian/register_small.cuh"
#include "host/gaussian/fused_args.hpp"
// clang-format on

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "boltzkit/boltzkit.hpp"
#include "tests/common/compare.hpp"
#include "tests/gaussian/emulated_checks.hpp"

namespace boltzkit::testing {
namespace {

using Kind = gaussian::Parameterization;
namespace k = boltzkit::kernels;

constexpr double cond = 20.0;

template <class T, int D, k::MatrixKind K>
void run_register(const gaussian::Inputs<T>& in, const gaussian::Outputs<T>& out,
                  unsigned blocks) {
  emu::launch(k::gaussian_register_kernel<T, D, K>, blocks, k::register_threads,
              k::register_shared_bytes<T, D>(), gpu::fused_arguments(in, out));
}

template <class T, k::MatrixKind K, int D = 1>
void run_dim(const gaussian::Inputs<T>& in, const gaussian::Outputs<T>& out, unsigned blocks) {
  if constexpr (D <= k::register_dim_max) {
    if (in.x.dim == D)
      run_register<T, D, K>(in, out, blocks);
    else
      run_dim<T, K, D + 1>(in, out, blocks);
  } else {
    FAIL() << "no register kernel for D = " << in.x.dim;
  }
}

template <class T>
void run_kind(const gaussian::Inputs<T>& in, const gaussian::Outputs<T>& out, unsigned blocks) {
  switch (in.parameterization) {
    case Kind::covariance: run_dim<T, k::MatrixKind::covariance>(in, out, blocks); break;
    case Kind::precision: run_dim<T, k::MatrixKind::precision>(in, out, blocks); break;
    case Kind::cholesky: run_dim<T, k::MatrixKind::cholesky>(in, out, blocks); break;
  }
}

/// Two blocks for up to 128 elements (the second idle or partial), one block beyond (the
/// grid-stride loop, its last pass partial).
unsigned blocks_for(std::int64_t batch) { return batch > k::register_threads ? 1 : 2; }

template <class T>
HostOutputs<T> emulate(const Problem<T>& p, bool gradients) {
  HostOutputs<T> host(p.batch, p.dim, gradients);
  run_kind(p.inputs(), host.outputs(p.batch, p.dim), blocks_for(p.batch));
  return host;
}

const char* name_of(Kind kind) {
  return kind == Kind::covariance ? "covariance" : kind == Kind::precision ? "precision" : "cholesky";
}

template <class T>
class EmulatedRegisterKernel : public ::testing::Test {};
using FloatTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(EmulatedRegisterKernel, FloatTypes);

TYPED_TEST(EmulatedRegisterKernel, MatchesCpuReferenceForEveryDimensionAndBatch) {
  using T = TypeParam;
  Rng rng(4242);
  for (Kind kind : {Kind::covariance, Kind::precision, Kind::cholesky}) {
    for (int dim = 1; dim <= k::register_dim_max; ++dim) {
      for (std::int64_t batch : {1, 37, 129}) {
        const auto p = random_problem<T>(batch, dim, kind, cond, rng);
        for (bool gradients : {true, false}) {
          EXPECT_TRUE(matches_cpu_outputs(p, emulate(p, gradients), cpu_reference(p, gradients),
                                          tolerance_for<T>(dim, cond)))
              << name_of(kind) << " D=" << dim << " B=" << batch << " gradients " << gradients;
        }
      }
    }
  }
}

/// Element `at` of p gets the identity with the listed diagonal entries replaced (1-based
/// pivot, value), and optionally L(row, col) = 1 below the diagonal, which makes pivot row + 1
/// exactly 0 for a covariance or precision matrix (1 − 1²).
template <class T>
void set_broken(Problem<T>& p, std::int64_t at, std::initializer_list<std::pair<int, double>> diag,
                int zero_pivot_row = -1) {
  MatrixXd m = MatrixXd::Identity(p.dim, p.dim);
  for (auto [pivot, value] : diag) m(pivot - 1, pivot - 1) = value;
  if (zero_pivot_row > 0) m(zero_pivot_row, zero_pivot_row - 1) = 1.0;
  p.set_matrix(at, m);
}

TYPED_TEST(EmulatedRegisterKernel, FailedElementsGetTheFirstBadPivotAndNaN) {
  using T = TypeParam;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  Rng rng(77);
  for (Kind kind : {Kind::covariance, Kind::precision, Kind::cholesky}) {
    for (int dim = 1; dim <= k::register_dim_max; ++dim) {
      auto p = random_problem<T>(37, dim, kind, cond, rng);
      const int last = dim;
      set_broken(p, 0, {{last, nan}});
      set_broken(p, 3, {{1, inf}});
      set_broken(p, 5, {{last, -3.0}});
      set_broken(p, 8, {{(dim + 1) / 2, 0.0}});
      set_broken(p, 36, {{last, -0.0}});  // the last element of the batch: the partial block
      if (dim >= 2) {
        set_broken(p, 11, {{1, nan}, {2, 0.0}});   // NaN pivot before a zero pivot: info 1
        set_broken(p, 12, {{dim, nan}}, dim - 2 >= 1 ? 1 : -1);  // zero pivot 2 (cov/prec) first
        set_broken(p, 20, {{2, -inf}, {1, 0.5}});
      }
      for (bool gradients : {true, false}) {
        const auto ref = cpu_reference(p, gradients);
        EXPECT_NE(ref.info[0], 0);
        EXPECT_NE(ref.info[5], 0);
        if (dim >= 2) {
          EXPECT_EQ(ref.info[11], 1) << "the reference must report the NaN pivot first";
        }
        EXPECT_TRUE(matches_cpu_outputs(p, emulate(p, gradients), ref, tolerance_for<T>(dim, cond)))
            << name_of(kind) << " D=" << dim << " gradients " << gradients;
      }
    }
  }
}

TYPED_TEST(EmulatedRegisterKernel, ReadsOnlyTheLowerTriangle) {
  using T = TypeParam;
  Rng rng(5);
  for (Kind kind : {Kind::covariance, Kind::precision, Kind::cholesky}) {
    for (int dim = 2; dim <= k::register_dim_max; ++dim) {
      const auto clean = random_problem<T>(37, dim, kind, cond, rng);
      auto poisoned = clean;
      poison_upper_triangle(poisoned);
      const auto ref = cpu_reference(clean, true);
      EXPECT_TRUE(same_bits(emulate(poisoned, true), emulate(clean, true))) << name_of(kind) << " D=" << dim;
      EXPECT_TRUE(matches_cpu_outputs(clean, emulate(clean, true), ref, tolerance_for<T>(dim, cond)))
          << name_of(kind) << " D=" << dim;
      for (std::int64_t b = 0; b < clean.batch; ++b) ASSERT_EQ(ref.info[b], 0);
    }
  }
}

/// A batch in non-packed storage: padded rows and elements, NaN in every gap (a kernel that
/// reads one gets NaN results), outputs with gaps that must stay untouched, optionally a
/// broadcast mean or matrix (batch stride 0).
template <class T>
struct StridedBatch {
  int dim;
  std::int64_t batch;
  std::int64_t x_stride, mean_stride, row_stride, matrix_stride, out_stride, grad_row_stride,
      grad_matrix_stride;
  std::vector<T> x, mean, matrix, grad_mean, grad_x, grad_matrix, log_prob;
  std::vector<std::int32_t> info;

  static constexpr T gap = static_cast<T>(-7.5e29);

  gaussian::Inputs<T> inputs(Kind kind) const {
    gaussian::Inputs<T> in;
    in.x = {x.data(), batch, dim, x_stride};
    in.mean = {mean.data(), batch, dim, mean_stride};
    in.matrix = {matrix.data(), batch, dim, matrix_stride, row_stride};
    in.parameterization = kind;
    return in;
  }
  gaussian::Outputs<T> outputs(bool gradients) {
    gaussian::Outputs<T> out;
    out.log_prob = log_prob.data();
    out.info = info.data();
    if (gradients) {
      out.grad_mean = {grad_mean.data(), batch, dim, out_stride};
      out.grad_x = {grad_x.data(), batch, dim, out_stride};
      out.grad_matrix = {grad_matrix.data(), batch, dim, grad_matrix_stride, grad_row_stride};
    }
    return out;
  }
};

struct Layout {
  int x_pad, mean_pad;  // mean_pad < 0: broadcast mean
  int row_pad, matrix_pad;  // matrix_pad < 0: broadcast matrix
  int out_pad, grad_row_pad;
  const char* name;
};

template <class T>
StridedBatch<T> to_strided(Problem<T>& p, const Layout& l) {
  const int n = p.dim;
  StridedBatch<T> s{};
  s.dim = n;
  s.batch = p.batch;
  s.x_stride = n + l.x_pad;
  s.mean_stride = l.mean_pad < 0 ? 0 : n + l.mean_pad;
  s.row_stride = n + l.row_pad;
  s.matrix_stride = l.matrix_pad < 0 ? 0 : n * s.row_stride + l.matrix_pad;
  s.out_stride = n + l.out_pad;
  s.grad_row_stride = n + l.grad_row_pad;
  s.grad_matrix_stride = n * s.grad_row_stride + l.out_pad;
  const T nan = std::numeric_limits<T>::quiet_NaN();
  const std::int64_t rows = p.batch;
  s.x.assign(rows * s.x_stride, nan);
  s.mean.assign(l.mean_pad < 0 ? n : rows * s.mean_stride, nan);
  s.matrix.assign(l.matrix_pad < 0 ? n * s.row_stride : rows * s.matrix_stride, nan);
  for (std::int64_t b = 0; b < rows; ++b) {
    // A broadcast input is element 0's, in the reference problem too.
    for (int i = 0; i < n; ++i) {
      if (l.mean_pad < 0) p.mean[b * n + i] = p.mean[i];
      s.x[b * s.x_stride + i] = p.x[b * n + i];
      s.mean[b * s.mean_stride + i] = p.mean[b * n + i];
      for (int j = 0; j < n; ++j) {
        if (l.matrix_pad < 0) p.matrix[(b * n + i) * n + j] = p.matrix[i * n + j];
        // The upper triangle stays NaN: it must not be read.
        if (j <= i) s.matrix[b * s.matrix_stride + i * s.row_stride + j] = p.matrix[(b * n + i) * n + j];
      }
    }
  }
  s.log_prob.assign(rows, HostOutputs<T>::poison);
  s.info.assign(rows, -77);
  s.grad_mean.assign(rows * s.out_stride, StridedBatch<T>::gap);
  s.grad_x.assign(rows * s.out_stride, StridedBatch<T>::gap);
  s.grad_matrix.assign(rows * s.grad_matrix_stride, StridedBatch<T>::gap);
  return s;
}

/// The strided outputs gathered into packed HostOutputs; false if a gap was written.
template <class T>
bool gather(const StridedBatch<T>& s, HostOutputs<T>& out) {
  const int n = s.dim;
  bool gaps_intact = true;
  out.log_prob = s.log_prob;
  out.info = s.info;
  for (std::int64_t b = 0; b < s.batch; ++b) {
    for (std::int64_t w = 0; w < s.out_stride; ++w) {
      const std::int64_t at = b * s.out_stride + w;
      if (w < n) {
        out.grad_mean[b * n + w] = s.grad_mean[at];
        out.grad_x[b * n + w] = s.grad_x[at];
      } else {
        gaps_intact &= s.grad_mean[at] == StridedBatch<T>::gap && s.grad_x[at] == StridedBatch<T>::gap;
      }
    }
    for (std::int64_t w = 0; w < s.grad_matrix_stride; ++w) {
      const std::int64_t i = w / s.grad_row_stride, j = w % s.grad_row_stride;
      const T v = s.grad_matrix[b * s.grad_matrix_stride + w];
      if (i < n && j < n)
        out.grad_matrix[(b * n + i) * n + j] = v;
      else
        gaps_intact &= v == StridedBatch<T>::gap;
    }
  }
  return gaps_intact;
}

/// Every output bit for bit equal (NaN equal to NaN).
template <class T>
::testing::AssertionResult identical(const HostOutputs<T>& a, const HostOutputs<T>& b) {
  auto same = [](const std::vector<T>& u, const std::vector<T>& v, const char* name) {
    if (u.size() != v.size()) return ::testing::AssertionFailure() << name << " sizes differ";
    for (std::size_t i = 0; i < u.size(); ++i)
      if (!(u[i] == v[i] || (std::isnan(u[i]) && std::isnan(v[i]))))
        return ::testing::AssertionFailure() << name << "[" << i << "] " << u[i] << " vs " << v[i];
    return ::testing::AssertionSuccess();
  };
  if (a.info != b.info) return ::testing::AssertionFailure() << "info differs";
  for (auto r : {same(a.log_prob, b.log_prob, "log_prob"), same(a.grad_mean, b.grad_mean, "grad_mean"),
                 same(a.grad_x, b.grad_x, "grad_x"), same(a.grad_matrix, b.grad_matrix, "grad_matrix")})
    if (!r) return r;
  return ::testing::AssertionSuccess();
}

TYPED_TEST(EmulatedRegisterKernel, StridedAndBroadcastLayouts) {
  using T = TypeParam;
  const Layout layouts[] = {
      {3, 1, 2, 5, 1, 3, "every array padded"},
      {0, -1, 0, 0, 0, 0, "broadcast mean, rest packed"},
      {2, 0, 0, -1, 0, 0, "broadcast matrix, padded x"},
      {0, 0, 0, 0, 2, 1, "packed inputs, padded outputs"},
      {0, 0, 1, 0, 0, 0, "padded matrix rows only"},
  };
  Rng rng(2026);
  for (Kind kind : {Kind::covariance, Kind::precision, Kind::cholesky}) {
    // The stage's shapes: one word, one pass (even and odd pitch), two passes, a short last pass.
    for (int dim : {1, 4, 5, 7, 8}) {
      for (const Layout& l : layouts) {
        auto p = random_problem<T>(129, dim, kind, cond, rng);
        if (l.matrix_pad >= 0) set_broken(p, 100, {{dim, 0.0}});
        StridedBatch<T> s = to_strided(p, l);  // also makes p's broadcast rows equal
        for (bool gradients : {true, false}) {
          auto strided = s;
          // Two blocks: the second one's pass covers the single element 128.
          run_kind(strided.inputs(kind), strided.outputs(gradients), 2);
          HostOutputs<T> got(p.batch, dim, gradients);
          if (gradients) {
            EXPECT_TRUE(gather(strided, got)) << "a gap was written: " << l.name;
          } else {
            got.log_prob = strided.log_prob;
            got.info = strided.info;
          }
          // Same arithmetic, other I/O path: bit for bit the packed (staged) run, which the
          // tests above hold against the CPU backend.
          EXPECT_TRUE(identical(got, emulate(p, gradients)))
              << name_of(kind) << " D=" << dim << " " << l.name << " gradients " << gradients;
          EXPECT_EQ(got.info, cpu_reference(p, false).info) << name_of(kind) << " D=" << dim << " " << l.name;
        }
      }
    }
  }
}

TYPED_TEST(EmulatedRegisterKernel, WithoutMeanTheDifferenceIsX) {
  using T = TypeParam;
  Rng rng(8);
  for (Kind kind : {Kind::covariance, Kind::precision, Kind::cholesky}) {
    const int dim = 5;
    auto p = random_problem<T>(37, dim, kind, cond, rng);
    auto zero_mean = p;
    std::fill(zero_mean.mean.begin(), zero_mean.mean.end(), T(0));
    HostOutputs<T> got(p.batch, dim, true);
    gaussian::Inputs<T> in = p.inputs();
    in.mean = {};
    run_kind(in, got.outputs(p.batch, dim), 2);
    EXPECT_TRUE(matches_cpu_outputs(zero_mean, got, cpu_reference(zero_mean, true), tolerance_for<T>(dim, cond)))
        << name_of(kind);
  }
}

}  // namespace
}  // namespace boltzkit::testing
