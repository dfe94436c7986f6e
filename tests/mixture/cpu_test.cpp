// mixture:: on the CPU backend against closed forms (MATH.md §1.6–1.8): the Eigen reference of
// cases.hpp, finite differences, exact KL values, and EM on synthetic mixtures.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>

#include "boltzkit/boltzkit.hpp"
#include "cases.hpp"
#include "host/mixture/fit_runner.hpp"

namespace boltzkit::testing {
namespace {

using namespace mixture_cases;

/// max |a − b| / (atol + |b|) style check over a span, reporting the first failing index.
template <class T>
void expect_close(const std::vector<T>& got, const std::vector<double>& want, double tol,
                  const char* what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const double g = static_cast<double>(got[i]);
    ASSERT_TRUE(std::isfinite(g)) << what << "[" << i << "] is not finite";
    ASSERT_NEAR(g, want[i], tol * (1.0 + std::abs(want[i]))) << what << "[" << i << "]";
  }
}

template <class T>
struct Evaluated {
  std::vector<T> log_prob, mix, resp, score, sgm, sgc;
  std::vector<std::int32_t> info;
};

/// With `options` null, evaluate is called without them (the default).
template <class T>
Evaluated<T> run(const MixtureProblem<T>& p, bool with_weights, bool want_score = true,
                 const mixture::EvaluateOptions* options = nullptr) {
  Context ctx(Backend::cpu);
  const std::int64_t np = p.n_points, kk = p.k, n = p.dim;
  const T poison = std::numeric_limits<T>::quiet_NaN();
  Evaluated<T> r{std::vector<T>(np * kk, poison), std::vector<T>(np, poison), std::vector<T>(np * kk, poison),
           std::vector<T>(np * n, poison),   std::vector<T>(kk * n, poison),
           std::vector<T>(kk * n * n, poison), std::vector<std::int32_t>(kk, -7)};
  mixture::Outputs<T> out;
  out.log_prob = r.log_prob.data();
  if (with_weights) {
    out.mix_log_prob = r.mix.data();
    out.resp = r.resp.data();
  }
  if (want_score) out.score = vector_batch<T>(r.score.data(), np, n, n);
  out.sum_grad_mean = vector_batch<T>(r.sgm.data(), kk, n, n);
  out.sum_grad_cov = matrix_batch<T>(r.sgc.data(), kk, n, n * n, n);
  out.info = r.info.data();
  if (options)
    mixture::evaluate(ctx, p.xs(), p.components(with_weights), out, *options);
  else
    mixture::evaluate(ctx, p.xs(), p.components(with_weights), out);
  return r;
}

template <class T>
void check_against_reference(double tol) {
  for (const Case& c : cases) {
    SCOPED_TRACE("N=" + std::to_string(c.n_points) + " K=" + std::to_string(c.k) +
                 " D=" + std::to_string(c.dim));
    const auto p = make_problem<T>(c);
    for (const bool w : {false, true}) {
      if (!w && c.k > 1) {
        const Evaluated<T> r = run(p, false, false);
        const Reference ref = reference(p, false);
        expect_close(r.log_prob, ref.log_prob, tol, "log_prob");
        expect_close(r.sgm, ref.sum_grad_mean, tol, "sum_grad_mean");
        expect_close(r.sgc, ref.sum_grad_cov, tol, "sum_grad_cov");
        continue;
      }
      const Evaluated<T> r = run(p, w);
      const Reference ref = reference(p, w);
      for (const auto i : r.info) EXPECT_EQ(i, 0);
      expect_close(r.log_prob, ref.log_prob, tol, "log_prob");
      expect_close(r.score, ref.score, tol, "score");
      expect_close(r.sgm, ref.sum_grad_mean, tol, "sum_grad_mean");
      expect_close(r.sgc, ref.sum_grad_cov, tol, "sum_grad_cov");
      if (w) {
        expect_close(r.mix, ref.mix_log_prob, tol, "mix_log_prob");
        expect_close(r.resp, ref.resp, tol, "resp");
      }
    }
  }
}

TEST(MixtureCpu, MatchesEigenReferenceDouble) { check_against_reference<double>(1e-9); }
TEST(MixtureCpu, MatchesEigenReferenceFloat) { check_against_reference<float>(2e-4); }

/// Every output of two evaluations, bit for bit.
template <class T>
void expect_identical(const Evaluated<T>& a, const Evaluated<T>& b) {
  const auto same = [](const std::vector<T>& u, const std::vector<T>& v) {
    return u.size() == v.size() && std::memcmp(u.data(), v.data(), u.size() * sizeof(T)) == 0;
  };
  EXPECT_TRUE(same(a.log_prob, b.log_prob));
  EXPECT_TRUE(same(a.mix, b.mix));
  EXPECT_TRUE(same(a.resp, b.resp));
  EXPECT_TRUE(same(a.score, b.score));
  EXPECT_TRUE(same(a.sgm, b.sgm));
  EXPECT_TRUE(same(a.sgc, b.sgc));
}

/// max_i |a_i − b_i| / (scale + |b_i|): scale 1 for values of order one (log p, resp), 0 for a
/// relative error.
template <class T>
double max_error(const std::vector<T>& a, const std::vector<T>& b, double scale) {
  double e = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double x = static_cast<double>(a[i]), y = static_cast<double>(b[i]);
    e = std::max(e, std::abs(x - y) / (scale + std::abs(y)));
  }
  return e;
}

/// Norm-wise relative error ‖a − b‖ / ‖b‖ (the summed gradients: entries near zero are not
/// meaningful one by one).
template <class T>
double norm_error(const std::vector<T>& a, const std::vector<T>& b) {
  double num = 0.0, den = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double y = static_cast<double>(b[i]), d = static_cast<double>(a[i]) - y;
    num += d * d;
    den += y * y;
  }
  return std::sqrt(num / std::max(den, 1e-300));
}

// EvaluateOptions::allow_tf32 (docs/MATH.md §1.9): off by default (no options = explicit off,
// bit for bit); on, the CPU rounds the GEMM operands to TF32 and the outputs move, by no more
// than the documented bounds, from those without it. D = 8 takes the fused path on the GPU
// (log p without a GEMM: unchanged), D = 48 the whitening GEMM. Ignored for double.
TEST(MixtureCpu, Tf32OptionIsOffByDefaultAndStaysWithinItsDocumentedBound) {
  mixture::EvaluateOptions off, on;
  on.allow_tf32 = true;
  for (const std::int64_t dim : {8, 48}) {
    SCOPED_TRACE("D=" + std::to_string(dim));
    const auto p = make_problem<float>({400, 3, dim, 21}, 0.3);  // overlapping components
    const Evaluated<float> plain = run(p, true);
    expect_identical(plain, run(p, true, true, &off));
    const Evaluated<float> t = run(p, true, true, &on);
    const double e_mix = max_error(t.mix, plain.mix, 1.0), e_resp = max_error(t.resp, plain.resp, 1.0),
                 e_score = norm_error(t.score, plain.score), e_sgm = norm_error(t.sgm, plain.sgm),
                 e_sgc = norm_error(t.sgc, plain.sgc);
    std::printf("tf32 D=%lld: mix log p %.3g, resp %.3g, score %.3g, sum dmu %.3g, sum dSigma %.3g\n",
                static_cast<long long>(dim), e_mix, e_resp, e_score, e_sgm, e_sgc);
    EXPECT_GT(e_score, 0.0);  // the option acts
    EXPECT_LE(e_score, 2e-3);
    EXPECT_LE(e_sgm, 2e-3);
    EXPECT_LE(e_sgc, 2e-3);
    if (dim <= mixture::gpu_fused_max_dim) {  // log p without a GEMM
      EXPECT_EQ(e_mix, 0.0);
      EXPECT_EQ(e_resp, 0.0);
    } else {
      EXPECT_GT(e_mix, 0.0);
      EXPECT_LE(e_mix, 1e-3);
      EXPECT_LE(e_resp, 1e-2);
    }
  }
  const auto pd = make_problem<double>({100, 2, 40, 22});
  expect_identical(run(pd, true), run(pd, true, true, &on));
}

TEST(MixtureCpu, ResponsibilitiesSumToOne) {
  const auto p = make_problem<double>({200, 6, 4, 11});
  const Evaluated<double> r = run(p, true);
  for (std::int64_t q = 0; q < p.n_points; ++q) {
    double s = 0.0;
    for (std::int64_t k = 0; k < p.k; ++k) s += r.resp[q * p.k + k];
    EXPECT_NEAR(s, 1.0, 1e-12);
  }
}

TEST(MixtureCpu, LogSumExpStableWithComponentsFarApart) {
  // Two unit components 1e4 apart in 2-D: the far one's density underflows (log ≈ −5e7), the
  // mixture must still be log π_near + log N_near, exactly and finite.
  MixtureProblem<double> p;
  p.n_points = 2;
  p.k = 2;
  p.dim = 2;
  p.x = {0.1, -0.2, 1e4 + 0.3, 0.0};
  p.mean = {0.0, 0.0, 1e4, 0.0};
  p.cov = {1, 0, 0, 1, 1, 0, 0, 1};
  p.weights = {0.25, 0.75};
  const Evaluated<double> r = run(p, true);
  const double c = -std::log(2 * M_PI);
  EXPECT_DOUBLE_EQ(r.mix[0], std::log(0.25) + c - 0.5 * (0.01 + 0.04));
  EXPECT_NEAR(r.mix[1], std::log(0.75) + c - 0.5 * 0.09, 1e-11);  // 1e4 + 0.3 − 1e4 ≠ 0.3 exactly
  EXPECT_EQ(r.resp[0], 1.0);
  EXPECT_EQ(r.resp[1], 0.0);
  EXPECT_EQ(r.resp[3], 1.0);
  for (const double v : r.score) EXPECT_TRUE(std::isfinite(v));
}

/// ℓ(θ) = Σ_n log p(x_n) for the finite differences.
double total_log_likelihood(const MixtureProblem<double>& p) {
  Context ctx(Backend::cpu);
  std::vector<double> mix(p.n_points);
  mixture::Outputs<double> out;
  out.mix_log_prob = mix.data();
  mixture::evaluate(ctx, p.xs(), p.components(true), out);
  double s = 0.0;
  for (const double v : mix) s += v;
  return s;
}

TEST(MixtureCpu, SummedGradientsMatchFiniteDifferences) {
  auto p = make_problem<double>({40, 3, 3, 21});
  const Evaluated<double> r = run(p, true);
  const std::int64_t n = p.dim;
  const double h = 1e-6;
  for (std::int64_t k = 0; k < p.k; ++k) {
    for (std::int64_t i = 0; i < n; ++i) {
      auto q = p;
      q.mean[k * n + i] += h;
      const double up = total_log_likelihood(q);
      q.mean[k * n + i] -= 2 * h;
      const double fd = (up - total_log_likelihood(q)) / (2 * h);
      EXPECT_NEAR(r.sgm[k * n + i], fd, 1e-5 * (1 + std::abs(fd))) << "mean k=" << k << " i=" << i;
    }
    // Only the lower triangle is read, so moving entry (i, j) moves Σ_ij and Σ_ji together:
    // the derivative is G_ij + G_ji = 2 G_ij off the diagonal, G_ii on it.
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j <= i; ++j) {
        auto q = p;
        q.cov[k * n * n + i * n + j] += h;
        const double up = total_log_likelihood(q);
        q.cov[k * n * n + i * n + j] -= 2 * h;
        const double fd = (up - total_log_likelihood(q)) / (2 * h);
        const double g = r.sgc[k * n * n + i * n + j] * (i == j ? 1.0 : 2.0);
        EXPECT_NEAR(g, fd, 1e-5 * (1 + std::abs(fd))) << "cov k=" << k << " (" << i << "," << j << ")";
      }
  }
}

TEST(MixtureCpu, ScoreMatchesFiniteDifferences) {
  auto p = make_problem<double>({5, 3, 4, 22});
  const Evaluated<double> r = run(p, true);
  const double h = 1e-6;
  for (std::int64_t q = 0; q < p.n_points; ++q)
    for (std::int64_t i = 0; i < p.dim; ++i) {
      auto a = p, b = p;
      a.x[q * p.dim + i] += h;
      b.x[q * p.dim + i] -= h;
      const double fd = (total_log_likelihood(a) - total_log_likelihood(b)) / (2 * h);
      EXPECT_NEAR(r.score[q * p.dim + i], fd, 1e-6 * (1 + std::abs(fd)));
    }
}

TEST(MixtureCpu, SingleGaussianMatchesGaussianFamily) {
  // K = 1 without weights is the gaussian family's per-point log p and score, summed.
  const auto p = make_problem<double>({50, 1, 6, 23});
  const Evaluated<double> r = run(p, false);
  Context ctx(Backend::cpu);
  std::vector<double> lp(50), gx(50 * 6), gm(50 * 6), gc(50 * 36);
  gaussian::Inputs<double> in{p.xs(), vector_batch<const double>(p.mean.data(), 50, 6, 0),
                              matrix_batch<const double>(p.cov.data(), 50, 6, 0, 6)};
  gaussian::Outputs<double> out;
  out.log_prob = lp.data();
  out.grad_x = vector_batch<double>::packed(gx.data(), 50, 6);
  out.grad_mean = vector_batch<double>::packed(gm.data(), 50, 6);
  out.grad_matrix = matrix_batch<double>::packed(gc.data(), 50, 6);
  gaussian::evaluate(ctx, in, out);
  for (int q = 0; q < 50; ++q) EXPECT_NEAR(r.log_prob[q], lp[q], 1e-10);
  for (int e = 0; e < 300; ++e) EXPECT_NEAR(r.score[e], gx[e], 1e-10);
  for (int i = 0; i < 6; ++i) {
    double s = 0;
    for (int q = 0; q < 50; ++q) s += gm[q * 6 + i];
    EXPECT_NEAR(r.sgm[i], s, 1e-9);
  }
  for (int e = 0; e < 36; ++e) {
    double s = 0;
    for (int q = 0; q < 50; ++q) s += gc[q * 36 + e];
    EXPECT_NEAR(r.sgc[e], s, 1e-9 * (1 + std::abs(s)));
  }
}

TEST(MixtureCpu, FailedComponentIsReportedAndNaN) {
  auto p = make_problem<double>({10, 3, 2, 24});
  p.cov[1 * 4 + 0] = -1.0;  // component 1: Σ_00 < 0, first pivot fails
  const Evaluated<double> sep = run(p, false, false);
  EXPECT_EQ(sep.info[0], 0);
  EXPECT_EQ(sep.info[1], 1);
  EXPECT_EQ(sep.info[2], 0);
  for (std::int64_t q = 0; q < 10; ++q) {
    EXPECT_TRUE(std::isnan(sep.log_prob[q * 3 + 1]));
    EXPECT_TRUE(std::isfinite(sep.log_prob[q * 3 + 0]));
  }
  EXPECT_TRUE(std::isnan(sep.sgm[1 * 2]));
  EXPECT_TRUE(std::isfinite(sep.sgm[0]));
  const Evaluated<double> mix = run(p, true);
  for (const double v : mix.mix) EXPECT_TRUE(std::isnan(v));
  for (const double v : mix.resp) EXPECT_TRUE(std::isnan(v));
}

TEST(MixtureCpu, ArgumentErrorsThrowBeforeWork) {
  const auto p = make_problem<double>({10, 2, 3, 25});
  Context ctx(Backend::cpu);
  std::vector<double> buf(100), out_small(5);
  mixture::Outputs<double> out;
  out.mix_log_prob = buf.data();
  EXPECT_THROW(mixture::evaluate(ctx, p.xs(), p.components(false), out), invalid_argument);
  mixture::Outputs<double> score_only;
  score_only.score = vector_batch<double>(buf.data(), 10, 3, 3);
  EXPECT_THROW(mixture::evaluate(ctx, p.xs(), p.components(false), score_only), invalid_argument);
  auto c = p.components(true);
  c.mean.dim = 2;
  EXPECT_THROW(mixture::evaluate(ctx, p.xs(), c, mixture::Outputs<double>{}), invalid_argument);
  c = p.components(true);
  c.mean.batch = 0;
  c.cov.batch = 0;
  EXPECT_THROW(mixture::evaluate(ctx, p.xs(), c, mixture::Outputs<double>{}), invalid_argument);
  mixture::Outputs<double> overlap;
  overlap.log_prob = buf.data();
  overlap.resp = buf.data() + 5;
  EXPECT_THROW(mixture::evaluate(ctx, p.xs(), p.components(true), overlap), invalid_argument);
  std::vector<double> bad_w = {0.5, 1.5};
  c = p.components(true);
  c.weights = bad_w.data();
  EXPECT_THROW(mixture::evaluate(ctx, p.xs(), c, mixture::Outputs<double>{}), invalid_argument);
  EXPECT_THROW(mixture::weighted_statistics<double>(ctx, p.xs(), nullptr, 2, buf.data(), {}, {}),
               invalid_argument);
  mixture::FitOptions o;
  o.components = 11;
  EXPECT_THROW(mixture::fit(ctx, p.xs(), o), invalid_argument);
  o.components = 2;
  o.tol = -1;
  EXPECT_THROW(mixture::fit(ctx, p.xs(), o), invalid_argument);
  o.tol = 1e-3;
  o.init = mixture::Init::given;
  EXPECT_THROW(mixture::fit(ctx, p.xs(), o), invalid_argument);
}

TEST(MixtureCpu, WeightedStatisticsMatchDirectSumsAndSurviveAnOffsetInFloat) {
  // Data centred at 1e4 with unit spread stored in float32: a one-pass Σx² − (Σx)² would lose
  // every digit of the variance (1e8 vs 1); the two-pass scatter keeps them.
  std::mt19937_64 rng(31);
  std::normal_distribution<double> normal;
  const std::int64_t np = 5000, n = 2, kk = 2;
  std::vector<float> x(np * n), resp(np * kk);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (std::int64_t q = 0; q < np; ++q) {
    for (std::int64_t i = 0; i < n; ++i) x[q * n + i] = static_cast<float>(1e4 + normal(rng));
    const double r0 = u(rng);
    resp[q * 2] = static_cast<float>(r0);
    resp[q * 2 + 1] = static_cast<float>(1 - r0);
  }
  std::vector<float> counts(kk), means(kk * n), covs(kk * n * n);
  Context ctx(Backend::cpu);
  mixture::weighted_statistics<float>(ctx, vector_batch<const float>(x.data(), np, n, n),
                                      resp.data(), kk, counts.data(),
                                      vector_batch<float>(means.data(), kk, n, n),
                                      matrix_batch<float>(covs.data(), kk, n, n * n, n));
  for (std::int64_t k = 0; k < kk; ++k) {
    long double w = 0, m[2] = {0, 0};
    for (std::int64_t q = 0; q < np; ++q) {
      w += resp[q * 2 + k];
      for (int i = 0; i < 2; ++i) m[i] += static_cast<long double>(resp[q * 2 + k]) * x[q * n + i];
    }
    for (int i = 0; i < 2; ++i) m[i] /= w;
    long double s[4] = {0, 0, 0, 0};
    for (std::int64_t q = 0; q < np; ++q)
      for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
          s[i * 2 + j] += static_cast<long double>(resp[q * 2 + k]) * (x[q * n + i] - m[i]) * (x[q * n + j] - m[j]);
    EXPECT_NEAR(counts[k], static_cast<double>(w), 1e-6 * static_cast<double>(w));
    for (int i = 0; i < 2; ++i) EXPECT_NEAR(means[k * n + i], static_cast<double>(m[i]), 1e-3);
    for (int e = 0; e < 4; ++e)
      EXPECT_NEAR(covs[k * 4 + e], static_cast<double>(s[e] / w), 1e-5) << "k=" << k << " e=" << e;
  }
}

TEST(MixtureCpu, ClosedFormMleIsSampleMeanAndBiasedCovariance) {
  const std::vector<double> x = {1, 2, 3, 5, 5, 11};  // (1,2), (3,5), (5,11)
  std::vector<double> count(1), mean(2), cov(4);
  Context ctx(Backend::cpu);
  mixture::weighted_statistics<double>(ctx, vector_batch<const double>(x.data(), 3, 2, 2), nullptr,
                                       1, count.data(), vector_batch<double>(mean.data(), 1, 2, 2),
                                       matrix_batch<double>(cov.data(), 1, 2, 4, 2));
  EXPECT_DOUBLE_EQ(count[0], 3.0);
  EXPECT_DOUBLE_EQ(mean[0], 3.0);
  EXPECT_DOUBLE_EQ(mean[1], 6.0);
  EXPECT_NEAR(cov[0], 8.0 / 3.0, 1e-14);   // (4 + 0 + 4) / 3
  EXPECT_NEAR(cov[1], 6.0, 1e-14);         // ((−2)(−4) + 0·(−1) + 2·5) / 3
  EXPECT_NEAR(cov[2], 6.0, 1e-14);
  EXPECT_NEAR(cov[3], 14.0, 1e-14);        // (16 + 1 + 25) / 3
}

TEST(MixtureCpu, KlDivergenceMatchesClosedForms) {
  Context ctx(Backend::cpu);
  // 1-D: log(σ1/σ0) + (σ0² + (μ0 − μ1)²)/(2σ1²) − ½.
  {
    const std::vector<double> m0 = {0.3}, m1 = {-1.1}, c0 = {0.5}, c1 = {2.0};
    double kl = 0;
    std::int32_t info = -1;
    mixture::kl_divergence<double>(ctx, vector_batch<const double>(m0.data(), 1, 1, 1),
                                   matrix_batch<const double>(c0.data(), 1, 1, 1, 1),
                                   vector_batch<const double>(m1.data(), 1, 1, 1),
                                   matrix_batch<const double>(c1.data(), 1, 1, 1, 1), &kl, &info);
    const double want = 0.5 * std::log(2.0 / 0.5) + (0.5 + 1.4 * 1.4) / 4.0 - 0.5;
    EXPECT_NEAR(kl, want, 1e-14);
    EXPECT_EQ(info, 0);
  }
  // Random D = 7 pairs against the Eigen formula; KL(p‖p) = 0; a non-SPD Σ1 is reported.
  Rng rng(41);
  const int n = 7;
  const MatrixXd s0 = random_spd(n, 30, rng), s1 = random_spd(n, 30, rng);
  std::vector<double> m0(n), m1(n), c0(s0.data(), s0.data() + n * n), c1(s1.data(), s1.data() + n * n);
  std::normal_distribution<double> normal;
  for (int i = 0; i < n; ++i) {
    m0[i] = normal(rng);
    m1[i] = normal(rng);
  }
  std::vector<double> mm0 = m0, mm1 = m1, cc0 = c0, cc1 = c1;
  mm0.insert(mm0.end(), m0.begin(), m0.end());
  mm1.insert(mm1.end(), m0.begin(), m0.end());
  cc0.insert(cc0.end(), c0.begin(), c0.end());
  cc1.insert(cc1.end(), c0.begin(), c0.end());
  std::vector<double> bad = c1;
  bad[0] = -1;
  mm0.insert(mm0.end(), m0.begin(), m0.end());
  mm1.insert(mm1.end(), m1.begin(), m1.end());
  cc0.insert(cc0.end(), c0.begin(), c0.end());
  cc1.insert(cc1.end(), bad.begin(), bad.end());
  std::vector<double> kl(3);
  std::vector<std::int32_t> info(3, -1);
  mixture::kl_divergence<double>(ctx, vector_batch<const double>(mm0.data(), 3, n, n),
                                 matrix_batch<const double>(cc0.data(), 3, n, n * n, n),
                                 vector_batch<const double>(mm1.data(), 3, n, n),
                                 matrix_batch<const double>(cc1.data(), 3, n, n * n, n), kl.data(),
                                 info.data());
  const Eigen::Map<const Eigen::VectorXd> v0(m0.data(), n), v1(m1.data(), n);
  const MatrixXd p1 = s1.inverse();
  const double want = 0.5 * ((p1 * s0).trace() + (v1 - v0).dot(p1 * (v1 - v0)) - n +
                             std::log(s1.determinant() / s0.determinant()));
  EXPECT_NEAR(kl[0], want, 1e-10 * (1 + want));
  EXPECT_NEAR(kl[1], 0.0, 1e-12);
  EXPECT_EQ(info[0], 0);
  EXPECT_EQ(info[2], 2);
  EXPECT_TRUE(std::isnan(kl[2]));
}

/// Three well-separated 2-D components, N = 6000.
MixtureProblem<double> synthetic(std::uint64_t seed) {
  MixtureProblem<double> p;
  p.k = 3;
  p.dim = 2;
  p.mean = {-6, 0, 6, 1, 0, 7};
  p.cov = {1.0, 0.3, 0.3, 0.5, 0.6, 0, 0, 2.0, 1.5, -0.4, -0.4, 0.7};
  p.weights = {0.5, 0.3, 0.2};
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::discrete_distribution<int> pick({0.5, 0.3, 0.2});
  const std::int64_t np = 6000;
  p.n_points = np;
  for (std::int64_t q = 0; q < np; ++q) {
    const int k = pick(rng);
    const double* c = &p.cov[k * 4];
    const double l00 = std::sqrt(c[0]), l10 = c[2] / l00, l11 = std::sqrt(c[3] - l10 * l10);
    const double z0 = normal(rng), z1 = normal(rng);
    p.x.push_back(p.mean[k * 2] + l00 * z0);
    p.x.push_back(p.mean[k * 2 + 1] + l10 * z0 + l11 * z1);
  }
  return p;
}

TEST(MixtureFit, RecoversKnownParametersWithinSamplingError) {
  const auto p = synthetic(51);
  Context ctx(Backend::cpu);
  mixture::FitOptions o;
  o.components = 3;
  o.n_init = 3;
  o.seed = 5;
  o.tol = 1e-8;
  const mixture::FitResult r = mixture::fit(ctx, p.xs(), o);
  EXPECT_TRUE(r.converged);
  EXPECT_TRUE(r.collapsed.empty());
  // Match fitted components to the true ones by their mean's first coordinate.
  for (int k = 0; k < 3; ++k) {
    int best = 0;
    for (int j = 1; j < 3; ++j)
      if (std::abs(r.means[j * 2] - p.mean[k * 2]) < std::abs(r.means[best * 2] - p.mean[k * 2])) best = j;
    const double nk = 6000 * p.weights[k];
    // Standard errors: weight √(π(1−π)/N), mean √(Σ_ii/N_k), covariance √(2/N_k)·Σ_ii (≈).
    EXPECT_NEAR(r.weights[best], p.weights[k], 5 * std::sqrt(p.weights[k] * (1 - p.weights[k]) / 6000));
    for (int i = 0; i < 2; ++i)
      EXPECT_NEAR(r.means[best * 2 + i], p.mean[k * 2 + i], 5 * std::sqrt(p.cov[k * 4 + i * 3] / nk));
    for (int e = 0; e < 4; ++e)
      EXPECT_NEAR(r.covs[best * 4 + e], p.cov[k * 4 + e], 5 * std::sqrt(2.0 / nk) * std::max(p.cov[k * 4], p.cov[k * 4 + 3]));
  }
}

TEST(MixtureFit, LogLikelihoodNeverDecreasesAndSeedsReproduce) {
  const auto p = synthetic(52);
  Context ctx(Backend::cpu);
  mixture::FitOptions o;
  o.components = 5;  // more than the truth: slow, long EM runs
  o.seed = 9;
  o.tol = 0;
  o.max_iter = 60;
  o.reg_covar = 0;  // exact EM is monotone; the jitter would break the guarantee
  const mixture::FitResult r = mixture::fit(ctx, p.xs(), o);
  ASSERT_EQ(r.log_likelihood.size(), static_cast<std::size_t>(r.iterations + 1));
  for (std::size_t i = 1; i < r.log_likelihood.size(); ++i)
    EXPECT_GE(r.log_likelihood[i], r.log_likelihood[i - 1] - 1e-12) << "iteration " << i;
  EXPECT_EQ(r.final_log_likelihood, r.log_likelihood.back());
  const mixture::FitResult again = mixture::fit(ctx, p.xs(), o);
  EXPECT_EQ(again.means, r.means);
  EXPECT_EQ(again.log_likelihood, r.log_likelihood);
}

TEST(MixtureFit, GivenInitializationIsUsed) {
  const auto p = synthetic(53);
  Context ctx(Backend::cpu);
  mixture::FitOptions o;
  o.components = 3;
  o.init = mixture::Init::given;
  o.init_weights = {p.weights.begin(), p.weights.end()};
  o.init_means = p.mean;
  o.init_covs = p.cov;
  o.max_iter = 1;
  const mixture::FitResult r = mixture::fit(ctx, p.xs(), o);
  // log_likelihood[0] is the E-step at the given parameters: recompute it directly.
  std::vector<double> mix(p.n_points);
  mixture::Outputs<double> out;
  out.mix_log_prob = mix.data();
  mixture::evaluate(ctx, p.xs(), p.components(true), out);
  double s = 0;
  for (const double v : mix) s += v;
  EXPECT_NEAR(r.log_likelihood[0], s / p.n_points, 1e-12);
  EXPECT_EQ(r.iterations, 1);
}

/// One EM step's results share one buffer (one download per step on the GPU): every slot is
/// aligned for its type, they follow each other without overlap, and the buffer ends at the last.
template <class T>
void check_result_layout(std::int64_t k, std::int64_t n) {
  const mixture::detail::ResultLayout<T> l(k, n);
  const std::size_t s = sizeof(T), kk = static_cast<std::size_t>(k), nn = static_cast<std::size_t>(n);
  EXPECT_EQ(l.sum, 0u);
  EXPECT_EQ(l.counts, sizeof(double));
  EXPECT_EQ(l.means, l.counts + s * kk);
  EXPECT_EQ(l.covs, l.means + s * kk * nn);
  EXPECT_EQ(l.info, l.covs + s * kk * nn * nn);
  EXPECT_EQ(l.bytes, l.info + sizeof(std::int32_t) * kk);
  for (const std::size_t at : {l.counts, l.means, l.covs}) EXPECT_EQ(at % s, 0u);
  EXPECT_EQ(l.info % sizeof(std::int32_t), 0u);
}

TEST(MixtureFit, StepResultsShareOneBufferWithAlignedDisjointSlots) {
  for (const std::int64_t k : {1, 3, 64})
    for (const std::int64_t n : {1, 5, 32}) {
      check_result_layout<float>(k, n);
      check_result_layout<double>(k, n);
    }
}

TEST(MixtureFit, CollapsedComponentsAreRegularizedAndReportedNeverNaN) {
  // Four distinct points repeated, five components and no jitter: some components must end up
  // on a single point (singular covariance) or empty.
  MixtureProblem<double> p;
  p.dim = 2;
  for (int r = 0; r < 25; ++r)
    for (const double v : {0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 5.0, 5.0}) p.x.push_back(v);
  p.n_points = static_cast<std::int64_t>(p.x.size() / 2);
  Context ctx(Backend::cpu);
  mixture::FitOptions o;
  o.components = 5;
  o.reg_covar = 0;
  o.max_iter = 20;
  const mixture::FitResult r = mixture::fit(ctx, p.xs(), o);
  EXPECT_FALSE(r.collapsed.empty());
  for (const double v : r.weights) EXPECT_TRUE(std::isfinite(v));
  for (const double v : r.means) EXPECT_TRUE(std::isfinite(v));
  for (const double v : r.covs) EXPECT_TRUE(std::isfinite(v));
  for (const double v : r.log_likelihood) EXPECT_TRUE(std::isfinite(v));
  double total = 0;
  for (const double v : r.weights) total += v;
  EXPECT_NEAR(total, 1.0, 1e-12);
}

}  // namespace
}  // namespace boltzkit::testing
