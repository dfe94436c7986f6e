// The library-path orchestration (host/gaussian/large_chunk.hpp, host/linalg/large_chunk.hpp,
// host/linalg/triangular_blocks.hpp) with its kernels on the warp emulator and CPU stand-ins for
// potrfBatched/trsmBatched/gemmStridedBatched: checks the column-major conventions, the
// triangular inverse and product (odd sizes, ragged blocks, several leaf and block sizes), that
// no solve runs against an identity, chunk offsets and failure handling against the CPU backend.
#include "tests/emulation/emulated_executor.hpp"
// clang-format off: the shim must come first
#include "host/gaussian/large_chunk.hpp"
#include "host/linalg/large_chunk.hpp"
// clang-format on

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

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
  std::vector<T*> ptrs(2 * chunk), blocks(chunk * plan.block_pointers());
  std::vector<std::int32_t> info(chunk);
  emu::EmulatedExecutor ex;
  for (std::int64_t first = 0; first < p.batch; first += chunk) {
    const std::int64_t count = std::min(chunk, p.batch - first);
    const gpu::LargeBuffers<T> w{factor.data(), rhs.data(),          vectors.data(), ptrs.data(),
                                 ptrs.data() + count, info.data(), blocks.data()};
    gpu::run_large_chunk(ex, in, out, plan, first, count, w);
  }
  // Only one-column solves: the inverse comes from the triangular blocks, not from [I | d].
  EXPECT_LE(ex.widest_solve, 1) << "n " << n;
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
    // The library path at the table sizes above the fused range up to 100, forced at two small
    // ones, and at 257 (past the float block kernel: leaves of 32, a ragged pair of 256 + 1).
    std::vector<int> dims = {1, 6};
    for (const SizeCase& c : gaussian_cases())
      if (!on_fused_path(c) && c.dim <= 100) dims.push_back(c.dim);
    dims.push_back(257);
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

// Every entry of the lower triangle is produced exactly once: by a leaf, or as W21 of exactly
// one step's pair; nothing above the diagonal, no block outside the matrix.
TEST(InversePlan, CoversTheLowerTriangleOnce) {
  for (int leaf : {1, 3, 8, 32})
    for (int n : {1, 2, 31, 32, 33, 64, 65, 100, 257, 300, 512, 1000}) {
      const gpu::InversePlan p = gpu::InversePlan::make(n, leaf);
      std::vector<int> hits(static_cast<std::size_t>(n) * n, 0);
      auto mark = [&](int r0, int rows, int c0, int cols, bool leaf_block) {
        ASSERT_TRUE(r0 >= 0 && c0 >= 0 && r0 + rows <= n && c0 + cols <= n) << n << " " << leaf;
        for (int r = r0; r < r0 + rows; ++r)
          for (int c = c0; c < c0 + cols; ++c)
            if (r >= c)
              ++hits[static_cast<std::size_t>(r) * n + c];
            else if (!leaf_block)
              ADD_FAILURE() << "above the diagonal: " << r << "," << c;
      };
      for (int k = 0; k * leaf < n; ++k) mark(k * leaf, std::min(leaf, n - k * leaf), k * leaf, std::min(leaf, n - k * leaf), true);
      std::int64_t pairs = 0;
      for (int s = 0; s < p.steps.count; ++s) {
        const auto& st = p.steps.step[s];
        EXPECT_EQ(st.first, pairs);
        EXPECT_EQ(st.row0, st.col0 + st.cols);  // siblings are adjacent
        EXPECT_GT(st.rows, 0);
        EXPECT_LE(st.rows, st.cols);  // the second sibling is the shorter one
        for (int j = 0; j < st.pairs; ++j) mark(st.row0 + j * st.step, st.rows, st.col0 + j * st.step, st.cols, false);
        pairs += st.pairs;
      }
      EXPECT_EQ(p.steps.pairs, pairs);
      for (int r = 0; r < n; ++r)
        for (int c = 0; c <= r; ++c) {
          ASSERT_EQ(hits[static_cast<std::size_t>(r) * n + c], 1) << n << " " << leaf << " at " << r << "," << c;
        }
    }
}

/// W = L^-1 and W^T W through the emulated executor against float64 references, for leaves and
/// product blocks that make every level ragged; a zero pivot in the middle of the batch spoils
/// only its own matrix.
TYPED_TEST(EmulatedLargePath, TriangularBlocksMatchReference) {
  using T = TypeParam;
  Rng rng(99);
  std::uniform_real_distribution<double> off(-1.0, 1.0), diag(1.0, 2.0);
  for (int n : {65, 100, 257}) {
    const std::int64_t batch = 3, bad = 1;
    const std::int64_t nn = static_cast<std::int64_t>(n) * n;
    std::vector<double> l(batch * nn, 0.0);
    for (std::int64_t m = 0; m < batch; ++m)
      for (int c = 0; c < n; ++c)
        for (int r = c; r < n; ++r)
          l[m * nn + c * n + r] = r == c ? diag(rng) : off(rng) / std::sqrt(double(n));
    l[bad * nn + (n / 2) * n + n / 2] = 0.0;
    std::vector<T> lt(l.begin(), l.end());
    for (int leaf : {5, 32}) {
      const gpu::InversePlan plan = gpu::InversePlan::make(n, leaf);
      std::vector<T> w(batch * nn, T(7)), c(batch * nn, T(7));
      std::vector<T*> ptrs(batch * plan.pointers_per_element());
      emu::EmulatedExecutor ex;
      gpu::invert_lower(ex, plan, lt.data(), w.data(), ptrs.data(), batch);
      EXPECT_EQ(ex.library_calls, 2 * plan.steps.count);
      for (int block : {7, 64}) {
        gpu::lower_gram(ex, n, static_cast<const T*>(w.data()), c.data(), batch, block);
        for (std::int64_t m = 0; m < batch; ++m) {
          const T* wm = w.data() + m * nn;
          const T* cm = c.data() + m * nn;
          if (m == bad) {  // Inf/NaN below the zero pivot, nothing to compare
            bool spoiled = false;
            for (std::int64_t e = 0; e < nn; ++e) spoiled = spoiled || !std::isfinite(double(wm[e]));
            EXPECT_TRUE(spoiled);
            continue;
          }
          double err_identity = 0.0, err_gram = 0.0, scale = 0.0;
          for (int r = 0; r < n; ++r)
            for (int col = 0; col < n; ++col) {
              if (r < col) {
                ASSERT_EQ(wm[static_cast<std::int64_t>(col) * n + r], T(0));
              }
              double lw = 0.0, ww = 0.0;
              for (int p = 0; p < n; ++p) {
                lw += l[m * nn + static_cast<std::int64_t>(p) * n + r] * double(wm[static_cast<std::int64_t>(col) * n + p]);
                ww += double(wm[static_cast<std::int64_t>(r) * n + p]) * double(wm[static_cast<std::int64_t>(col) * n + p]);
              }
              err_identity = std::max(err_identity, std::abs(lw - (r == col ? 1.0 : 0.0)));
              err_gram = std::max(err_gram, std::abs(double(cm[static_cast<std::int64_t>(col) * n + r]) - ww));
              scale = std::max(scale, std::abs(ww));
            }
          const double tol = tolerance_for<T>(n, 50.0);
          EXPECT_LE(err_identity, tol) << "L W = I, n " << n << " leaf " << leaf;
          EXPECT_LE(err_gram / scale, tol) << "W^T W, n " << n << " block " << block;
        }
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
      std::vector<T*> ptrs(2 * chunk), blocks(chunk * c.block_pointers());
      std::vector<std::int32_t> winfo(chunk);
      emu::EmulatedExecutor ex;
      for (std::int64_t first = 0; first < batch; first += chunk) {
        const std::int64_t count = std::min(chunk, batch - first);
        gpu::run_linalg_large_chunk(ex, c, first, count, factor.data(), work.data(), ptrs.data(),
                                    ptrs.data() + count, winfo.data(), blocks.data());
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
