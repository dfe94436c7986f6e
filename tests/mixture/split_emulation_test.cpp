// The split-TF32 path of one Gaussian in float (EvaluatePlan::split: split_score_kernel,
// split_logp_kernel, split_scatter_kernel and its reduction; MATH.md §1.10) on the warp emulator,
// whose mma rounds like a tensor core (exact TF32 products, truncated float sums), against the
// float64 CPU backend: both column-tile widths, several column tiles and scatter tile pairs, point
// counts that leave tails in the 128-point row tiles and the 32-point stages, chunked scatters,
// strided and absent score rows, a failed factorization, and the accuracy claim itself: three
// products are as accurate as a float GEMM, one (the TF32 option) is not. Also the EM statistics'
// small-D weighted scatter (weighted_scatter_small_kernel), which uses the same split products.
#include "tests/mixture/emulated_evaluate.hpp"

#include <cstdio>
#include <tuple>

namespace boltzkit::testing {
namespace {

using namespace mixture_emulation;

void expect_split_matches(const Case& c, std::int64_t tile, std::int64_t chunks) {
  SCOPED_TRACE("split N=" + std::to_string(c.n_points) + " D=" + std::to_string(c.dim) +
               " tile=" + std::to_string(tile) + " chunks=" + std::to_string(chunks));
  const auto p = make_problem<float>(c);
  const auto want = evaluate_with(p, false, false, false, 0);
  const auto got = evaluate_with(p, false, true, false, tile, false, 0, {chunks});
  EXPECT_EQ(got.info, want.info);
  expect_close_at_scale(got.log_prob, want.log_prob, 2e-4, "log_prob");
  expect_close_at_scale(got.score, want.score, 2e-4, "score");
  expect_close_at_scale(got.sgm, want.sgm, 2e-4, "sum_grad_mean");
  expect_close_at_scale(got.sgc, want.sgc, 2e-4, "sum_grad_cov");
}

// D = 1 and 5 (one k stage, mostly padding), 65 and 128 (the narrow 128-column tile at both
// ends), 129 and 200 (the 256-column tile; two scatter tiles, three pairs); N = 1, 33, 130 with
// 32-point tiles (rows past the tile's count), 200 in one tile (two row tiles, the second short).
TEST(MixtureSplitEmulation, OneGaussianMatchesCpu) {
  expect_split_matches({1, 1, 1, 61}, 32, 1);
  expect_split_matches({33, 1, 5, 62}, 32, 2);
  expect_split_matches({130, 1, 65, 63}, 32, 3);
  expect_split_matches({70, 1, 128, 64}, 70, 1);
  expect_split_matches({200, 1, 129, 65}, 200, 4);
  expect_split_matches({45, 1, 200, 66}, 32, 2);
}

// Past 256 columns: two column tiles of the score (partial dots added in order) and three scatter
// tiles (six pairs), on few points (the emulator runs every mma lane by lane).
TEST(MixtureSplitEmulation, TwoColumnTilesMatchCpu) { expect_split_matches({20, 1, 260, 67}, 32, 2); }

// A chunk longer than a flush stretch (256 points): the score over 3 row tiles, the scatter's
// running sums over three stretches (256, 256, 88 points) in one chunk.
TEST(MixtureSplitEmulation, ChunksLongerThanAStretchMatchCpu) { expect_split_matches({600, 1, 70, 73}, 600, 1); }

// More chunks than 32-point stages: the chunk size stays a whole stage, and the chunk count
// follows it (every partial the reduction reads is written: the buffers start as NaN).
TEST(MixtureSplitEmulation, ChunksNeverSplitAStage) {
  expect_split_matches({100, 1, 70, 68}, 64, 50);
  EXPECT_EQ(steps::split_chunk_points(100, 50), 32);
  EXPECT_EQ(steps::split_chunk_points(100, 3), 64);
  EXPECT_EQ(steps::split_chunk_points(1, 7), 32);
}

// Without a score only log p (through the dots) and the sums; the score rows stay untouched.
TEST(MixtureSplitEmulation, WithoutScoreLeavesTheRowsAlone) {
  const auto p = make_problem<float>({90, 1, 70, 69});
  const auto want = evaluate_with(p, false, false, false, 0, false, -1);
  const auto got = evaluate_with(p, false, true, false, 32, false, -1, {2});
  expect_close_at_scale(got.log_prob, want.log_prob, 2e-4, "log_prob");
  expect_close_at_scale(got.sgc, want.sgc, 2e-4, "sum_grad_cov");
  for (const float v : got.score) EXPECT_TRUE(std::isnan(v));
}

// A covariance that is not positive definite: info, NaN log p, scores and sums; strided score
// rows of a healthy covariance keep their gaps.
TEST(MixtureSplitEmulation, FailedCovarianceGivesNaNAndStridesKeepGaps) {
  auto bad = make_problem<float>({40, 1, 66, 70});
  bad.cov[3 * 66 + 3] = -1.0f;
  const auto got = evaluate_with(bad, false, true, false, 32, false, 70, {2});
  EXPECT_EQ(got.info[0], 4);
  for (const float v : got.log_prob) EXPECT_TRUE(std::isnan(v));
  for (const float v : got.sgc) EXPECT_TRUE(std::isnan(v));
  for (std::int64_t q = 0; q < 40; ++q)
    for (int i = 0; i < 66; ++i) EXPECT_TRUE(std::isnan(got.score[q * 70 + i]));
  const auto good = make_problem<float>({40, 1, 66, 71});
  const auto ref = evaluate_with(good, false, false, false, 0);
  const auto strided = evaluate_with(good, false, true, false, 32, false, 70, {2});
  double scale = 1.0;
  for (const float v : ref.score) scale = std::max(scale, std::abs(static_cast<double>(v)));
  for (std::int64_t q = 0; q < 40; ++q) {
    for (int i = 0; i < 66; ++i)
      EXPECT_NEAR(strided.score[q * 70 + i], ref.score[q * 66 + i], 2e-4 * scale) << q << "," << i;
    for (int i = 66; i < 70; ++i) EXPECT_TRUE(std::isnan(strided.score[q * 70 + i]));
  }
}

/// Largest |got − want| over the entries, relative to the largest |want|.
double relative_error(const std::vector<float>& got, const std::vector<float>& want) {
  double err = 0.0, scale = 0.0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    err = std::max(err, std::abs(static_cast<double>(got[i]) - static_cast<double>(want[i])));
    scale = std::max(scale, std::abs(static_cast<double>(want[i])));
  }
  return err / scale;
}

// The accuracy claim of MATH.md §1.10, measured: against the float64 CPU backend, the three-product
// split stays within a small factor of the float path (loop GEMMs accumulating in float, what
// cuBLAS SGEMM computes; the emulated mma truncates its sums, hence the factor) and ~1e-6, while
// one TF32 product (the TF32 option) is ~2⁻¹¹-accurate, far worse. Means far from the origin
// relative to the spread make the centring matter too. Seen here: relative errors float / split /
// TF32 of 7.3e-7 / 1.6e-6 / 5.8e-4 (score), 9.5e-8 / 4.8e-7 / 6.5e-5 (log p), 1.1e-6 / 2.8e-6 /
// 3.9e-4 (∂/∂Σ sum).
TEST(MixtureSplitEmulation, ThreeProductsAreAsAccurateAsFloat) {
  const auto p = make_problem<float>({160, 1, 96, 72}, 20.0);
  const auto want = evaluate_with(p, false, false, false, 0);
  const auto fp32 = evaluate_with(p, false, true, false, 64);  // run_single_tiles
  const auto split = evaluate_with(p, false, true, false, 64, false, 0, {2});
  const auto tf32 = evaluate_with(p, false, true, false, 64, false, 0, {2, true});
  for (const auto& [what, w, f, s, t] :
       {std::tuple{"score", &want.score, &fp32.score, &split.score, &tf32.score},
        std::tuple{"log_prob", &want.log_prob, &fp32.log_prob, &split.log_prob, &tf32.log_prob},
        std::tuple{"sum_grad_cov", &want.sgc, &fp32.sgc, &split.sgc, &tf32.sgc}}) {
    const double e_fp32 = relative_error(*f, *w), e_split = relative_error(*s, *w),
                 e_tf32 = relative_error(*t, *w);
    char trace[160];
    std::snprintf(trace, sizeof trace, "%s: float %.3g, split %.3g, tf32 %.3g", what, e_fp32,
                  e_split, e_tf32);
    SCOPED_TRACE(trace);
    EXPECT_LE(e_split, 10.0 * e_fp32 + 1e-7);
    EXPECT_LE(e_split, 1e-5);
    EXPECT_GE(e_tf32, 20.0 * e_split);
  }
}

// The EM statistics' scatter for D ≤ 32 in float (weighted_scatter_small_kernel + its reduction)
// against the float64 CPU backend: K not a multiple of the 8 components of a block (idle warps),
// D = 1 and 32 (the tile's ends), chunks with short tails, a component that owns no point and
// scattered zero responsibilities, and unit weights (no responsibilities). Every partial tile the
// reduction reads must be written: the buffers start as NaN.
TEST(MixtureSplitEmulation, SmallWeightedScatterMatchesCpu) {
  const StatShape shapes[] = {{45, 3, 4, 16, 1, 2},   {37, 1, 1, 16, 1, 1}, {100, 9, 32, 16, 1, 3},
                              {33, 5, 17, 16, 1, 2}, {70, 16, 20, 16, 1, 5}};
  std::uint64_t seed = 81;
  for (const StatShape& sh : shapes) expect_statistics_match<float>(sh, seed++, 1e-6);
}

// Long sums stay float-accurate: the emulated tensor core truncates every 8-term step, which
// over the 1024 steps of an 8192-point chunk would bias the diagonal of the scatter by ~3·10⁻⁵;
// flushing every 256 points into float64 (flush_accumulators) keeps it at the size of a
// 256-point sum. One component, D = 4, every point in one chunk, means far from the data's.
TEST(MixtureSplitEmulation, LongSumsStayFloatAccurate) {
  const auto p = make_problem<float>({8192, 1, 4, 74}, 3.0);
  std::vector<float> c1(1), m1(4), s1(16), c2(1), m2(4), s2(16);
  Context ctx(Backend::cpu);
  mixture::weighted_statistics<float>(ctx, p.xs(), nullptr, 1, c1.data(),
                                      vector_batch<float>(m1.data(), 1, 4, 4),
                                      matrix_batch<float>(s1.data(), 1, 4, 16, 4));
  const std::int64_t tile = 8192;
  std::vector<float> ones(tile), y(tile * 4), v(1), means(4), counts(1), scatter(16),
      partial(kernels::weighted_scatter_tile_floats);
  steps::StatBuffers<float> w{ones.data(), y.data(), v.data(), means.data(), counts.data(),
                              scatter.data()};
  w.small_chunks = 1;
  w.small_partial = partial.data();
  MixtureEmulatedExecutor ex;
  steps::run_statistics(ex, p.xs(), static_cast<const float*>(nullptr), 1, c2.data(),
                        vector_batch<float>(m2.data(), 1, 4, 4),
                        matrix_batch<float>(s2.data(), 1, 4, 16, 4), w, tile, 1);
  for (int e = 0; e < 16; e += 5)  // the diagonal: sums of squares, all of one sign
    EXPECT_NEAR(s2[e], s1[e], 4e-6 * std::abs(s1[e])) << e;
}

}  // namespace
}  // namespace boltzkit::testing
