// The GPU orchestration of the mixture family (host/mixture/gpu_steps.hpp) with its kernels on
// the warp emulator and loop stand-ins for potrf/trsm/GEMM: both E-step paths (fused small-D
// kernel and GEMM whitening), tiles whose size does not divide N, the statistics and KL, all
// against the CPU backend.
#include "tests/mixture/emulated_evaluate.hpp"

namespace boltzkit::testing {
namespace {

using namespace mixture_emulation;

template <class T>
void compare_paths(double tol, std::vector<Case> table) {
  // Both paths; tiles of 32 points so N = 33, 129, 40 leave tails.
  for (const Case& c : table) {
    const auto p = make_problem<T>(c);
    for (const bool weights : {false, true}) {
      const auto want = evaluate_with(p, weights, false, false, 0);
      for (const bool fused : {false, true}) {
        if (fused && c.dim > kernels::mixture_fused_max_dim) continue;
        SCOPED_TRACE("N=" + std::to_string(c.n_points) + " K=" + std::to_string(c.k) + " D=" +
                     std::to_string(c.dim) + (weights ? " mixture" : "") + (fused ? " fused" : " gemm"));
        const auto got = evaluate_with(p, weights, true, fused, 32);
        EXPECT_EQ(got.info, want.info);
        expect_close_at_scale(got.log_prob, want.log_prob, tol, "log_prob");
        expect_close_at_scale(got.sgm, want.sgm, tol, "sum_grad_mean");
        expect_close_at_scale(got.sgc, want.sgc, tol, "sum_grad_cov");
        if (weights || c.k == 1) expect_close_at_scale(got.score, want.score, tol, "score");
        if (weights) {
          expect_close_at_scale(got.mix, want.mix, tol, "mix_log_prob");
          expect_close_at_scale(got.resp, want.resp, tol, "resp");
        }
      }
    }
  }
}

// The fused kernel is instantiated for n ≤ 8, 16, 32 (fused_logp_for): both ends of each class.
TEST(MixtureEmulation, EStepMatchesCpuDouble) {
  compare_paths<double>(1e-9, {cases[0], cases[1], cases[2], cases[3], Case{40, 2, 35, 7},
                               Case{33, 2, 8, 8}, Case{33, 3, 9, 9}, Case{40, 2, 16, 10},
                               Case{33, 1, 17, 11}, Case{35, 2, 32, 12}});
}
TEST(MixtureEmulation, EStepMatchesCpuFloat) {
  compare_paths<float>(2e-3, {cases[1], cases[2], Case{40, 2, 35, 7}, Case{33, 3, 12, 13},
                              Case{35, 2, 32, 14}});
}

/// The one-Gaussian pass (single_fused_kernel + single_reduce_kernel) against the float64 CPU
/// backend: N not a multiple of the 128-point tile (1, 129, 300, ...), D = 1, odd D, and both
/// ends of each MaxDim class (8, 16, 32, and 64 for float).
template <class T>
void compare_single(double tol, const std::vector<Case>& table) {
  for (const Case& c : table) {
    SCOPED_TRACE("single N=" + std::to_string(c.n_points) + " D=" + std::to_string(c.dim));
    const auto p = make_problem<T>(c);
    const auto want = evaluate_with(p, false, false, false, 0);
    const auto got = evaluate_with(p, false, true, false, 32, true);
    EXPECT_EQ(got.info, want.info);
    expect_close_at_scale(got.log_prob, want.log_prob, tol, "log_prob");
    expect_close_at_scale(got.score, want.score, tol, "score");
    expect_close_at_scale(got.sgm, want.sgm, tol, "sum_grad_mean");
    expect_close_at_scale(got.sgc, want.sgc, tol, "sum_grad_cov");
  }
}

TEST(MixtureEmulation, SinglePassMatchesCpuDouble) {
  compare_single<double>(1e-9, {Case{1, 1, 1, 21}, Case{300, 1, 1, 22}, Case{129, 1, 5, 23},
                                Case{200, 1, 8, 24}, Case{131, 1, 9, 25}, Case{257, 1, 16, 26},
                                Case{140, 1, 17, 27}, Case{130, 1, 32, 28}});
}
TEST(MixtureEmulation, SinglePassMatchesCpuFloat) {
  compare_single<float>(2e-3, {Case{300, 1, 3, 31}, Case{129, 1, 16, 32}, Case{200, 1, 33, 33},
                               Case{130, 1, 64, 34}});
}

// Without a score: the single pass skips it, the K = 1 tiles (run_single_tiles) put −Σ⁻¹d in
// their own buffer for log p; log p and the sums as with it.
TEST(MixtureEmulation, OneGaussianWithoutScoreMatchesCpu) {
  for (const bool single : {false, true}) {
    const auto p = make_problem<double>({70, 1, 6, 38});
    const auto want = evaluate_with(p, false, false, false, 0, false, -1);
    const auto got = evaluate_with(p, false, true, false, 32, single, -1);
    expect_close_at_scale(got.log_prob, want.log_prob, 1e-9, "log_prob");
    expect_close_at_scale(got.sgm, want.sgm, 1e-9, "sum_grad_mean");
    expect_close_at_scale(got.sgc, want.sgc, 1e-9, "sum_grad_cov");
    for (const double v : got.score) EXPECT_TRUE(std::isnan(v));  // untouched poison
  }
}

// A covariance that is not positive definite: info from the factorization, NaN log p, scores
// and sums, as the CPU backend; strided score rows keep their gaps (nothing written past D).
// Both one-Gaussian paths: the single pass and the K = 1 tiles (D past the single pass).
TEST(MixtureEmulation, OneGaussianFailedCovarianceGivesInfoAndNaN) {
  auto p = make_problem<double>({150, 1, 5, 35});
  p.cov[2 * 5 + 2] = -1.0;  // Σ_22 < 0: the third pivot fails
  const auto want = evaluate_with(p, false, false, false, 0);
  for (const bool single : {true, false}) {  // the single pass, and the K = 1 tiles
    const auto got = evaluate_with(p, false, true, false, 32, single, 7);
    EXPECT_EQ(got.info, want.info);
    EXPECT_EQ(got.info[0], 3);
    for (const double v : got.log_prob) EXPECT_TRUE(std::isnan(v));
    for (const double v : got.sgm) EXPECT_TRUE(std::isnan(v));
    for (const double v : got.sgc) EXPECT_TRUE(std::isnan(v));
    for (std::int64_t q = 0; q < p.n_points; ++q)
      for (int i = 0; i < 7; ++i) EXPECT_TRUE(std::isnan(got.score[q * 7 + i])) << single;
  }
  // The same strided layout on a healthy covariance: rows match, gaps stay poisoned.
  const auto good = make_problem<double>({150, 1, 5, 36});
  const auto ref = evaluate_with(good, false, false, false, 0);
  for (const bool single : {true, false}) {
    const auto strided = evaluate_with(good, false, true, false, 32, single, 7);
    for (std::int64_t q = 0; q < good.n_points; ++q) {
      for (int i = 0; i < 5; ++i)
        EXPECT_NEAR(strided.score[q * 7 + i], ref.score[q * 5 + i], 1e-9) << q << "," << i;
      EXPECT_TRUE(std::isnan(strided.score[q * 7 + 5]) && std::isnan(strided.score[q * 7 + 6]));
    }
  }
}

TEST(MixtureEmulation, FailedComponentGivesInfoAndNaN) {
  auto p = make_problem<double>({20, 2, 3, 8});
  p.cov[9 + 4] = -2.0;  // component 1: Σ_11 < 0, second pivot fails
  for (const bool weights : {false, true}) {
    const auto want = evaluate_with(p, weights, false, false, 0);
    const auto got = evaluate_with(p, weights, true, true, 16);
    EXPECT_EQ(got.info, want.info);
    EXPECT_EQ(got.info[1], 2);
    expect_close_at_scale(got.log_prob, want.log_prob, 1e-9, "log_prob");
    expect_close_at_scale(got.sgm, want.sgm, 1e-9, "sum_grad_mean");
    if (weights) expect_close_at_scale(got.mix, want.mix, 1e-9, "mix_log_prob");
  }
}

// The statistics on the emulator (pass 2: center_weight_all_kernel for all K components of a
// tile, then one strided-batched GEMM) against the CPU backend: K = 1 … 5, D = 1, scatter tiles
// of 1 point, odd tails and one tile larger than N, unit weights, and zero responsibilities (a
// whole component: count 0, mean and covariance 0; and scattered single zeros).
TEST(MixtureEmulation, WeightedStatisticsMatchCpu) {
  const StatShape shapes[] = {{45, 3, 4, 16, 7}, {37, 1, 1, 16, 5},  {29, 5, 1, 8, 1},
                              {33, 4, 3, 64, 64}, {31, 2, 5, 10, 3}, {17, 5, 2, 4, 9}};
  std::uint64_t seed = 9;
  for (const StatShape& sh : shapes) expect_statistics_match<double>(sh, seed++, 1e-12);
}

TEST(MixtureEmulation, KlMatchesCpu) {
  const auto p = make_problem<double>({1, 4, 5, 10});
  const std::int64_t b = 2, n = 5;  // pairs (0 ‖ 1), (2 ‖ 3)
  auto cov = p.cov;
  const vector_batch<const double> m0(p.mean.data(), b, n, 2 * n), m1(p.mean.data() + n, b, n, 2 * n);
  const matrix_batch<const double> c0(cov.data(), b, n, 2 * n * n, n), c1(cov.data() + n * n, b, n, 2 * n * n, n);
  std::vector<double> want(b), got(b);
  std::vector<std::int32_t> info_want(b), info_got(b);
  Context ctx(Backend::cpu);
  mixture::kl_divergence(ctx, m0, c0, m1, c1, want.data(), info_want.data());
  std::vector<double> f0(b * n * n), f1(b * n * n), sol(b * n * n), dz(b * n);
  std::vector<double*> ptrs(4 * b);
  std::vector<std::int32_t> i0(b), i1(b);
  const steps::KlBuffers<double> w{f0.data(), f1.data(), sol.data(), dz.data(), ptrs.data(), i0.data(), i1.data()};
  MixtureEmulatedExecutor ex;
  steps::run_kl(ex, m0, c0, m1, c1, got.data(), info_got.data(), 0, b, w);
  EXPECT_EQ(info_got, info_want);
  expect_close_at_scale(got, want, 1e-12, "kl");
}

}  // namespace
}  // namespace boltzkit::testing
