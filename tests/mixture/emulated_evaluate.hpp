#pragma once
// The mixture evaluate harness of the emulation tests: host/mixture/gpu_steps.hpp's run_evaluate
// on the warp emulator (loop stand-ins for potrf/trsm/GEMM) or the CPU backend, with every
// output and scratch buffer poisoned with NaN first, and a tolerance check scaled by the largest
// reference value.
#include "tests/mixture/emulated_executor.hpp"
// clang-format off: the shim must come first
#include "host/mixture/gpu_steps.hpp"
// clang-format on

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "boltzkit/boltzkit.hpp"
#include "cases.hpp"
#include "tests/common/compare.hpp"

namespace boltzkit::testing::mixture_emulation {

using namespace mixture_cases;
namespace steps = mixture::gpu_steps;
using MixtureEmulatedExecutor = emu::MixtureEmulatedExecutor;

template <class T>
struct Results {
  std::vector<T> log_prob, mix, resp, score, sgm, sgc;
  std::vector<std::int32_t> info;
};

/// The split-TF32 path of one Gaussian (EvaluatePlan::split, float only): off (0 chunks), or on
/// with the scatter over `chunks` chunks and the TF32 option's single product when tf32.
struct SplitOption {
  std::int64_t chunks = 0;
  bool tf32 = false;
};

/// single: the one-Gaussian pass (plan.single, K = 1 without weights) on 2 blocks; score rows
/// `score_stride` apart (0: D; negative: no score asked for), the gaps poisoned with NaN.
template <class T>
Results<T> evaluate_with(const MixtureProblem<T>& p, bool weights, bool emulated, bool fused,
                         std::int64_t tile, bool single = false, std::int64_t score_stride = 0,
                         SplitOption split = {}) {
  const std::int64_t np = p.n_points, kk = p.k, n = p.dim;
  const T poison = std::numeric_limits<T>::quiet_NaN();
  Results<T> r{std::vector<T>(np * kk, poison),     std::vector<T>(np, poison),
               std::vector<T>(np * kk, poison),     std::vector<T>(np * n, poison),
               std::vector<T>(kk * n, poison),      std::vector<T>(kk * n * n, poison),
               std::vector<std::int32_t>(kk, -7)};
  mixture::Outputs<T> out;
  out.log_prob = r.log_prob.data();
  if (weights) {
    out.mix_log_prob = r.mix.data();
    out.resp = r.resp.data();
  }
  const std::int64_t ss = score_stride > 0 ? score_stride : n;
  if (ss != n) r.score.assign(np * ss, poison);
  if ((weights || kk == 1) && score_stride >= 0)
    out.score = vector_batch<T>(r.score.data(), np, n, ss);
  out.sum_grad_mean = vector_batch<T>(r.sgm.data(), kk, n, n);
  out.sum_grad_cov = matrix_batch<T>(r.sgc.data(), kk, n, n * n, n);
  out.info = r.info.data();
  const auto c = p.components(weights);
  if (!emulated) {
    Context ctx(Backend::cpu);
    mixture::evaluate(ctx, p.xs(), c, out);
    return r;
  }
  std::vector<T> factor(kk * n * n), linv(kk * n * n), prec(kk * n * n), logc(kk);
  std::vector<T*> ptrs(3 * kk);
  std::vector<std::int32_t> info(kk);
  const steps::Factored<T> f{factor.data(), linv.data(), prec.data(), logc.data(), ptrs.data(),
                             info.data()};
  // The scatter poisoned: the finish must read only what the steps wrote (SYRK: lower half).
  std::vector<T> a(tile * kk), y(tile * n), v(tile * n), ones(tile), scatter(kk * n * n, poison),
      wd(kk * n), wsum(kk), t1(n * n), t2(n * n);
  const int single_blocks = 2;
  std::vector<T> partials(single_blocks * (n * n + n), poison);
  steps::Tile<T> w{a.data(),   y.data(),    v.data(),  ones.data(),
                   scatter.data(), wd.data(), wsum.data(), t1.data(),
                   t2.data(),  partials.data()};
  // The split path's buffers, poisoned: every chunk tile and dot must be written before it is read.
  const int col_tiles = kernels::split_score_col_tiles(static_cast<int>(n));
  const int pairs = kernels::split_scatter_pairs(kernels::split_scatter_tiles(static_cast<int>(n)));
  const std::int64_t chunks = std::max<std::int64_t>(split.chunks, 1);
  std::vector<T> dots(tile * col_tiles, poison),
      split_partial(chunks * pairs * kernels::split_scatter_tile * kernels::split_scatter_tile,
                    poison);
  std::vector<double> split_sum(chunks * n, std::numeric_limits<double>::quiet_NaN());
  w.dots = dots.data();
  w.split_partial = split_partial.data();
  w.split_partial_sum = split_sum.data();
  MixtureEmulatedExecutor ex;
  steps::factor_components(ex, c.cov, kk, static_cast<int>(n), true, f);
  std::copy(info.begin(), info.end(), r.info.begin());
  steps::EvaluatePlan plan;
  plan.tile = tile;
  plan.fused = fused;
  plan.fused_blocks = 2;
  plan.single = single;
  plan.single_blocks = single_blocks;
  plan.split = split.chunks > 0;
  plan.scatter_chunks = chunks;
  plan.tf32 = split.tf32;
  steps::run_evaluate(ex, p.xs(), c, out, f, w, plan);
  return r;
}

/// One statistics shape of the emulation tests: N points, K components, D, the pass-1 tile and
/// the pass-2 scatter tile (general path), or small_chunks > 0 for the small-D split scatter.
struct StatShape {
  std::int64_t npts, k, n, tile, batch_tile, small_chunks = 0;
};

/// Runs weighted_statistics on the CPU backend and run_statistics on the emulator (every scratch
/// buffer NaN first) for responsibilities from the CPU E-step with planted zeros (component 1
/// owns no point, every third point one zero), and with unit weights when K = 1; compares counts,
/// means and covariances within tol and checks component 1's zero scatter.
template <class T>
void expect_statistics_match(const StatShape& sh, std::uint64_t seed, double tol) {
  const auto p = make_problem<T>({sh.npts, sh.k, sh.n, seed});
  auto resp = evaluate_with(p, true, false, false, 0).resp;
  const std::int64_t kk = sh.k, n = sh.n;
  if (kk > 1)
    for (std::int64_t q = 0; q < sh.npts; ++q) {
      resp[q * kk + 1] = T(0);                      // component 1 owns no point
      if (q % 3 == 0) resp[q * kk + q % kk] = T(0);  // scattered zeros
    }
  for (const bool unit : {false, true}) {
    if (unit && kk > 1) continue;
    const T* r = unit ? nullptr : resp.data();
    std::vector<T> c1(kk), m1(kk * n), s1(kk * n * n), c2(kk, T(-1)), m2(kk * n, T(-1)),
        s2(kk * n * n, T(-1));
    Context ctx(Backend::cpu);
    mixture::weighted_statistics<T>(ctx, p.xs(), r, kk, c1.data(),
                                    vector_batch<T>(m1.data(), kk, n, n),
                                    matrix_batch<T>(s1.data(), kk, n, n * n, n));
    const std::int64_t rows = std::max(sh.tile * n, kk * sh.batch_tile * n);
    const T poison = std::numeric_limits<T>::quiet_NaN();
    std::vector<T> ones(sh.tile, poison), y(rows, poison), v(rows, poison), means(kk * n, poison),
        counts(kk, poison), scatter(kk * n * n, poison),
        partial(std::max<std::int64_t>(sh.small_chunks, 1) * kk * kernels::weighted_scatter_tile_floats,
                poison);
    steps::StatBuffers<T> w{ones.data(),  y.data(),      v.data(),
                            means.data(), counts.data(), scatter.data()};
    w.small_chunks = sh.small_chunks;
    w.small_partial = partial.data();
    MixtureEmulatedExecutor ex;
    steps::run_statistics(ex, p.xs(), r, kk, c2.data(), vector_batch<T>(m2.data(), kk, n, n),
                          matrix_batch<T>(s2.data(), kk, n, n * n, n), w, sh.tile, sh.batch_tile);
    const std::string what = "N " + std::to_string(sh.npts) + " K " + std::to_string(kk) +
                             " D " + std::to_string(n) + (unit ? " unit" : "");
    expect_close_at_scale(c2, c1, tol, ("counts " + what).c_str());
    expect_close_at_scale(m2, m1, tol, ("means " + what).c_str());
    expect_close_at_scale(s2, s1, 2 * tol, ("covs " + what).c_str());
    if (kk > 1) {
      for (std::int64_t e = 0; e < n * n; ++e) EXPECT_EQ(s2[n * n + e], T(0)) << what;
    }
  }
}

}  // namespace boltzkit::testing::mixture_emulation
