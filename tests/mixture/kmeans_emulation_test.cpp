// mixture::fit's device initialization (host/mixture/fit_steps.hpp, kernels/mixture/kmeans.cuh)
// on the warp emulator against a float64 CPU reference of fit.cpp's k-means: the finiteness
// reduction, the D² pick, the assignment's argmin (ties, D = 1), the label sums (empty clusters),
// the whole seeding + Lloyd run over several ranges, the one-hot statistics, and the sum of the
// per-point log-likelihoods.
#include "tests/mixture/emulated_executor.hpp"
// clang-format off: the shim must come first
#include "host/mixture/gpu_steps.hpp"
#include "host/mixture/fit_steps.hpp"
#include "host/mixture/kmeans_cpu.hpp"
// clang-format on

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "boltzkit/boltzkit.hpp"
#include "cases.hpp"

namespace boltzkit::testing {
namespace {

using namespace mixture_cases;
namespace ks = mixture::fit_steps;
namespace kn = boltzkit::kernels;
using emu::MixtureEmulatedExecutor;

using mixture::detail::kmeans_pick;
using mixture::detail::squared_distance;

/// fit.cpp's CPU k-means (kmeans_cpu.hpp): picks and labels, labels as the device stores them.
struct KmeansRef {
  std::vector<std::int64_t> picks;
  std::vector<std::int32_t> labels;
};
KmeansRef reference_kmeans(const std::vector<double>& x, std::int64_t npts, std::int64_t n,
                           std::int64_t kk, std::uint64_t seed, std::int64_t init) {
  const auto k = mixture::detail::kmeans(x, npts, n, kk, seed, init);
  return {k.picks, std::vector<std::int32_t>(k.labels.begin(), k.labels.end())};
}

/// Host stand-ins for the device buffers of run_kmeans, sized for a plan.
struct KmeansMemory {
  std::vector<double> centres, dist, sums, partials;
  std::vector<std::int32_t> labels, flag;
  std::vector<std::int64_t> picks;
  KmeansMemory(std::int64_t npts, std::int64_t kk, std::int64_t n, const ks::Plan& plan)
      : centres(kk * n, std::nan("")), dist(npts, std::nan("")),
        sums(ks::ranges_of(npts, plan.range), std::nan("")),
        partials(ks::partial_doubles(npts, kk, n, plan), std::nan("")), labels(npts, 99),
        flag(1, 7), picks(kk, -9) {}
  ks::Buffers buffers() {
    return {centres.data(), dist.data(), sums.data(), partials.data(),
            labels.data(),  flag.data(), picks.data()};
  }
};

/// Small ranges so that N = 100…200 spans several of them; 64-lane blocks.
ks::Plan small_plan() {
  ks::Plan plan;
  plan.range = 16;
  plan.partial_range = 24;
  plan.threads = 64;
  plan.blocks = 3;
  return plan;
}

template <class T>
std::vector<double> widen(const std::vector<T>& v) {
  return std::vector<double>(v.begin(), v.end());
}

template <class T>
void check_finiteness() {
  const std::int64_t npts = 37, n = 3, stride = 5;  // gaps of 2 per row, poisoned with NaN
  std::vector<T> x(npts * stride, std::numeric_limits<T>::quiet_NaN());
  Rng rng(5);
  std::normal_distribution<double> normal;
  for (std::int64_t p = 0; p < npts; ++p)
    for (std::int64_t i = 0; i < n; ++i) x[p * stride + i] = static_cast<T>(normal(rng));
  const vector_batch<const T> xs(x.data(), npts, n, stride);
  std::int32_t flag = 5;
  MixtureEmulatedExecutor ex;
  EXPECT_TRUE(ks::all_finite(ex, xs, &flag)) << "the gaps between rows are not data";
  EXPECT_TRUE(ks::all_finite(ex, vector_batch<const T>(x.data(), 0, n, stride), &flag));
  for (const T bad : {std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::infinity(),
                      -std::numeric_limits<T>::infinity()})
    for (const std::int64_t at : {std::int64_t{0}, std::int64_t{17 * stride + 1},
                                  std::int64_t{(npts - 1) * stride + n - 1}}) {
      std::vector<T> y = x;
      y[at] = bad;
      EXPECT_FALSE(ks::all_finite(ex, vector_batch<const T>(y.data(), npts, n, stride), &flag))
          << "entry " << at << " = " << bad;
    }
}

TEST(KmeansEmulation, FinitenessReductionFindsEveryNonFiniteEntry) {
  check_finiteness<float>();
  check_finiteness<double>();
}

/// The pick kernel on given distances and range sums against the CPU rule. Integer distances
/// summing to 256 and targets u·256 on exact boundaries: every sum is exact, so the device's
/// order of summation cannot matter and the strict "passes the target" rule is tested exactly.
TEST(KmeansEmulation, PickFollowsTheCumulativeD2Rule) {
  const std::int64_t npts = 100, n = 2;
  const ks::Plan plan = small_plan();
  std::vector<double> x(npts * n);
  for (std::int64_t i = 0; i < npts * n; ++i) x[i] = static_cast<double>(i);
  std::vector<double> dist(npts, 0.0);
  Rng rng(9);
  std::uniform_int_distribution<int> pos(0, static_cast<int>(npts) - 1);
  for (int m = 0; m < 256; ++m) {  // total 256; zeros in between are never picked
    std::int64_t q = pos(rng);
    if (q >= 40 && q <= 42) q = 3;  // a zero run inside a range
    dist[q] += 1.0;
  }
  const std::int64_t ranges = ks::ranges_of(npts, plan.range);
  auto range_sums = [&](const std::vector<double>& d) {
    std::vector<double> s(ranges, 0.0);
    for (std::int64_t p = 0; p < npts; ++p) s[p / plan.range] += d[p];
    return s;
  };
  const auto sums = range_sums(dist);
  MixtureEmulatedExecutor ex;
  const vector_batch<const double> xs(x.data(), npts, n, n);
  auto pick = [&](const std::vector<double>& d, const std::vector<double>& s, double u,
                  std::int64_t first) {
    std::vector<double> c(n, std::nan(""));
    std::int64_t got = -5;
    ex.launch_shared(kn::kmeans_pick_kernel<double>, 1, plan.threads,
                     kn::kmeans_pick_shared(plan.threads), kn::VectorRef<const double>{x.data(), n},
                     npts, static_cast<int>(n), d.data(), s.data(), plan.range, u, first, c.data(),
                     &got);
    EXPECT_EQ(c[0], x[got * n]);
    EXPECT_EQ(c[1], x[got * n + 1]);
    return got;
  };
  for (int m = 0; m < 256; ++m) {
    const double u = m / 256.0;
    EXPECT_EQ(pick(dist, sums, u, -1), kmeans_pick(dist, u)) << "u = " << m << "/256";
  }
  for (const double u : {0.3, 0.5000001, 0.999999999})
    EXPECT_EQ(pick(dist, sums, u, -1), kmeans_pick(dist, u)) << "u = " << u;
  EXPECT_EQ(pick(dist, sums, 0.5, 17), 17) << "the first centre is given";
  const std::vector<double> zeros(npts, 0.0);  // every point already a centre: N − 1, as the CPU
  EXPECT_EQ(pick(zeros, range_sums(zeros), 0.4, -1), npts - 1);
  std::vector<double> one(npts, 0.0);  // a single positive distance, in the last (short) range
  one[98] = 2.5;
  for (const double u : {0.0, 0.5, 0.9999})
    EXPECT_EQ(pick(one, range_sums(one), u, -1), 98);
}

/// The D² update and its range sums: dist = |x − c|² for the first centre, then the minimum
/// with the next; sums per range (the last one short) against float64 sums.
TEST(KmeansEmulation, DistanceUpdateAndRangeSumsMatchFloat64) {
  const std::int64_t npts = 101, n = 3;
  const ks::Plan plan = small_plan();
  Rng rng(12);
  std::normal_distribution<double> normal;
  std::vector<float> x(npts * n);
  for (float& v : x) v = static_cast<float>(normal(rng));
  const std::vector<double> c0 = {0.5, -0.25, 1.0}, c1 = {-1.0, 0.0, 0.75};
  std::vector<double> dist(npts, std::nan("")), sums(ks::ranges_of(npts, plan.range), std::nan(""));
  std::vector<double> want(npts, std::numeric_limits<double>::infinity());
  MixtureEmulatedExecutor ex;
  const auto xd = widen(x);
  for (const auto* c : {&c0, &c1}) {
    const int first = c == &c0;
    ex.launch_shared(kn::kmeans_distance_kernel<float>, plan.blocks, plan.threads,
                     sizeof(double) * plan.threads, kn::VectorRef<const float>{x.data(), n}, npts,
                     static_cast<int>(n), c->data(), first, dist.data(), plan.range, sums.data());
    std::vector<double> want_sums(sums.size(), 0.0);
    for (std::int64_t p = 0; p < npts; ++p) {
      want[p] = std::min(want[p], squared_distance(&xd[p * n], c->data(), n));
      EXPECT_NEAR(dist[p], want[p], 1e-13 * want[p]) << "point " << p;
      want_sums[p / plan.range] += want[p];
    }
    for (std::size_t r = 0; r < sums.size(); ++r) EXPECT_NEAR(sums[r], want_sums[r], 1e-12) << r;
  }
}

/// Labels of kmeans_assign_kernel against the float64 argmin with the first index on ties.
template <class T>
void check_assign(std::int64_t npts, std::int64_t n, std::int64_t kk, std::uint64_t seed) {
  SCOPED_TRACE("N=" + std::to_string(npts) + " D=" + std::to_string(n) + " K=" + std::to_string(kk));
  Rng rng(seed);
  std::normal_distribution<double> normal;
  std::vector<T> x(npts * n);
  for (T& v : x) v = static_cast<T>(normal(rng));
  std::vector<double> c(kk * n);
  for (double& v : c) v = normal(rng);
  std::vector<std::int32_t> labels(npts, -1), flag(1, 0);
  MixtureEmulatedExecutor ex;
  const kn::VectorRef<const T> xr{x.data(), n};
  ex.launch(kn::kmeans_assign_kernel<T>, npts, xr, npts, static_cast<int>(n),
            static_cast<const double*>(c.data()), kk, labels.data(), flag.data());
  const auto xd = widen(x);
  for (std::int64_t p = 0; p < npts; ++p) {
    std::int32_t best = 0;
    double bd = std::numeric_limits<double>::infinity();
    for (std::int64_t k = 0; k < kk; ++k)
      if (const double d = squared_distance(&xd[p * n], &c[k * n], n); d < bd) {
        bd = d;
        best = static_cast<std::int32_t>(k);
      }
    EXPECT_EQ(labels[p], best) << "point " << p;
  }
  EXPECT_EQ(flag[0], 1);
  flag[0] = 0;  // the same centres again: no label changes, the flag stays down
  ex.launch(kn::kmeans_assign_kernel<T>, npts, xr, npts, static_cast<int>(n),
            static_cast<const double*>(c.data()), kk, labels.data(), flag.data());
  EXPECT_EQ(flag[0], 0);
}

TEST(KmeansEmulation, AssignmentIsTheFirstNearestCentre) {
  check_assign<double>(150, 1, 5, 1);
  check_assign<double>(131, 3, 7, 2);
  check_assign<float>(140, 17, 4, 3);
  check_assign<float>(33, 1, 1, 4);
}

// Exact ties: equidistant centres and duplicate centres go to the lowest index (as fit.cpp).
TEST(KmeansEmulation, AssignmentTiesGoToTheLowestIndex) {
  const std::vector<double> x1 = {0.0, 1.0, -1.0, 2.0, -3.0, 0.5};  // D = 1
  const std::vector<double> c1 = {-1.0, 1.0, 1.0, 3.0};             // centres 1 and 2 coincide
  const std::vector<std::int32_t> want1 = {0, 1, 0, 1, 0, 1};  // 0 ties -1 / 1; 2 ties 1 / 3
  std::vector<std::int32_t> labels(6, 5), flag(1, 0);
  MixtureEmulatedExecutor ex;
  ex.launch(kn::kmeans_assign_kernel<double>, 6, kn::VectorRef<const double>{x1.data(), 1},
            std::int64_t{6}, 1, c1.data(), std::int64_t{4}, labels.data(), flag.data());
  EXPECT_EQ(labels, want1);
  const std::vector<float> x3 = {1, 1, 1, 0, 0, 0, 2, 2, 2};  // D = 3
  const std::vector<double> c3 = {2, 2, 2, 0, 0, 0, 0, 0, 0, 2, 2, 2};  // pairs of duplicates
  labels.assign(3, -1);
  ex.launch(kn::kmeans_assign_kernel<float>, 3, kn::VectorRef<const float>{x3.data(), 3},
            std::int64_t{3}, 3, c3.data(), std::int64_t{4}, labels.data(), flag.data());
  EXPECT_EQ(labels, (std::vector<std::int32_t>{0, 1, 0}));
}

// The Lloyd update: per-range label sums, then centres in range order; an empty cluster keeps
// its centre.
TEST(KmeansEmulation, CentresAreLabelMeansAndAnEmptyClusterKeepsItsCentre) {
  const std::int64_t npts = 77, n = 3, kk = 4;
  ks::Plan plan = small_plan();
  Rng rng(4);
  std::normal_distribution<double> normal;
  std::vector<float> x(npts * n);
  for (float& v : x) v = static_cast<float>(normal(rng));
  std::vector<std::int32_t> labels(npts);
  for (std::int64_t p = 0; p < npts; ++p) labels[p] = static_cast<std::int32_t>((p * 7) % 3 == 0 ? 0 : (p % 2 ? 1 : 3));
  std::vector<double> centres = {9, 9, 9, 8, 8, 8, 7, 7, 7, 6, 6, 6};
  std::vector<double> partials(ks::partial_doubles(npts, kk, n, plan), std::nan(""));
  MixtureEmulatedExecutor ex;
  const std::int64_t pr = ks::ranges_of(npts, plan.partial_range);
  ex.launch_warps(kn::kmeans_partials_kernel<float>, pr * kk, kn::VectorRef<const float>{x.data(), n},
                  npts, static_cast<int>(n), static_cast<const std::int32_t*>(labels.data()), kk,
                  plan.partial_range, partials.data());
  ex.launch(kn::kmeans_centres_kernel<double>, kk * n, static_cast<const double*>(partials.data()),
            pr, kk, static_cast<int>(n), centres.data());
  for (std::int64_t k = 0; k < kk; ++k) {
    std::vector<double> sum(n, 0.0);
    double count = 0.0;
    for (std::int64_t p = 0; p < npts; ++p)
      if (labels[p] == k) {
        count += 1.0;
        for (std::int64_t i = 0; i < n; ++i) sum[i] += x[p * n + i];
      }
    for (std::int64_t i = 0; i < n; ++i) {
      if (k == 2) {
        EXPECT_EQ(count, 0.0);
        EXPECT_EQ(centres[k * n + i], 7.0) << "the empty cluster keeps its centre";
      } else {
        EXPECT_NEAR(centres[k * n + i], sum[i] / count, 1e-14) << k << "," << i;
      }
    }
  }
}

/// The whole device k-means against the CPU one: same picks, same labels (random data has no
/// near-ties at float64 precision), the same again on a second run.
template <class T>
void check_kmeans(const Case& c, std::int64_t init) {
  SCOPED_TRACE("N=" + std::to_string(c.n_points) + " K=" + std::to_string(c.k) + " D=" +
               std::to_string(c.dim) + " init=" + std::to_string(init));
  const auto p = make_problem<T>(c);
  const ks::Plan plan = small_plan();
  const auto want = reference_kmeans(widen(p.x), p.n_points, p.dim, p.k, c.seed, init);
  KmeansMemory m(p.n_points, p.k, p.dim, plan);
  MixtureEmulatedExecutor ex;
  const int iterations = ks::run_kmeans(ex, p.xs(), p.k, c.seed, init, plan, m.buffers());
  EXPECT_GE(iterations, 1);
  EXPECT_EQ(m.picks, want.picks);
  EXPECT_EQ(m.labels, want.labels);
  const auto first = m.labels;
  KmeansMemory again(p.n_points, p.k, p.dim, plan);
  ks::run_kmeans(ex, p.xs(), p.k, c.seed, init, plan, again.buffers());
  EXPECT_EQ(again.labels, first) << "same seed, same labels";
}

TEST(KmeansEmulation, SeedingAndLloydMatchTheCpuKmeansDouble) {
  check_kmeans<double>({203, 3, 2, 41}, 0);
  check_kmeans<double>({150, 5, 1, 42}, 1);  // D = 1
  check_kmeans<double>({97, 1, 4, 43}, 0);   // K = 1
  check_kmeans<double>({6, 6, 3, 44}, 0);    // K = N: every point a centre
}
TEST(KmeansEmulation, SeedingAndLloydMatchTheCpuKmeansFloat) {
  check_kmeans<float>({180, 4, 5, 45}, 2);
  check_kmeans<float>({64, 2, 1, 46}, 0);
}

// Duplicated points: the D² draw must never pick a point that is already a centre (distance 0).
TEST(KmeansEmulation, SeedingNeverPicksAZeroDistancePoint) {
  const std::int64_t npts = 120, n = 2, kk = 4;
  std::vector<double> x(npts * n);
  for (std::int64_t p = 0; p < npts; ++p) {  // four distinct points, 30 copies each
    x[p * n] = static_cast<double>(p % 4);
    x[p * n + 1] = static_cast<double>((p % 4) * (p % 4));
  }
  const ks::Plan plan = small_plan();
  for (std::uint64_t seed = 0; seed < 4; ++seed) {
    KmeansMemory m(npts, kk, n, plan);
    MixtureEmulatedExecutor ex;
    ks::run_kmeans(ex, vector_batch<const double>(x.data(), npts, n, n), kk, seed, 0, plan,
                   m.buffers());
    const auto want = reference_kmeans(x, npts, n, kk, seed, 0);
    EXPECT_EQ(m.picks, want.picks);
    std::vector<int> classes;
    for (const std::int64_t q : m.picks) classes.push_back(static_cast<int>(q % 4));
    std::sort(classes.begin(), classes.end());
    EXPECT_EQ(classes, (std::vector<int>{0, 1, 2, 3})) << "seed " << seed;
  }
}

// One-hot responsibilities of the labels through the EM statistics step (run_statistics) give
// the label statistics: counts, means and covariances of each cluster (float64 reference).
TEST(KmeansEmulation, OneHotStatisticsAreTheLabelStatistics) {
  const auto p = make_problem<double>({90, 3, 4, 47});
  const std::int64_t npts = p.n_points, n = p.dim, kk = p.k;
  const ks::Plan plan = small_plan();
  KmeansMemory m(npts, kk, n, plan);
  MixtureEmulatedExecutor ex;
  ks::run_kmeans(ex, p.xs(), kk, 3, 0, plan, m.buffers());
  std::vector<double> resp(npts * kk, std::nan(""));
  ks::one_hot(ex, static_cast<const std::int32_t*>(m.labels.data()), npts, kk, resp.data());
  for (std::int64_t q = 0; q < npts; ++q)
    for (std::int64_t k = 0; k < kk; ++k) EXPECT_EQ(resp[q * kk + k], m.labels[q] == k ? 1.0 : 0.0);
  const std::int64_t tile = 32, batch_tile = 7;  // 90 = 12 · 7 + 6: a tail in both passes
  const std::int64_t rows = std::max(tile * n, kk * batch_tile * n);
  std::vector<double> ones(tile), y(rows), v(rows), means(kk * n), counts(kk),
      scatter(kk * n * n), c(kk), mu(kk * n), cov(kk * n * n);
  const mixture::gpu_steps::StatBuffers<double> w{ones.data(), y.data(),      v.data(),
                                                  means.data(), counts.data(), scatter.data()};
  mixture::gpu_steps::run_statistics(ex, p.xs(), static_cast<const double*>(resp.data()), kk,
                                     c.data(), vector_batch<double>(mu.data(), kk, n, n),
                                     matrix_batch<double>(cov.data(), kk, n, n * n, n), w, tile,
                                     batch_tile);
  for (std::int64_t k = 0; k < kk; ++k) {
    double count = 0.0;
    std::vector<double> mean(n, 0.0), s(n * n, 0.0);
    for (std::int64_t q = 0; q < npts; ++q)
      if (m.labels[q] == k) {
        count += 1.0;
        for (std::int64_t i = 0; i < n; ++i) mean[i] += p.x[q * n + i];
      }
    for (double& e : mean) e /= count;
    for (std::int64_t q = 0; q < npts; ++q)
      if (m.labels[q] == k)
        for (std::int64_t i = 0; i < n; ++i)
          for (std::int64_t j = 0; j < n; ++j)
            s[i * n + j] += (p.x[q * n + i] - mean[i]) * (p.x[q * n + j] - mean[j]) / count;
    EXPECT_EQ(c[k], count);
    for (std::int64_t i = 0; i < n; ++i) EXPECT_NEAR(mu[k * n + i], mean[i], 1e-12);
    for (std::int64_t e = 0; e < n * n; ++e) EXPECT_NEAR(cov[k * n * n + e], s[e], 1e-12);
  }
}

/// The per-point log-likelihood sum of the EM loop: two fixed-shape passes against a float64
/// sum; the same value twice and by sum_to into another buffer; an empty input sums to 0.
template <class T>
void check_sum(std::int64_t count) {
  Rng rng(static_cast<std::uint64_t>(count));
  std::normal_distribution<double> normal(-3.0, 2.0);
  std::vector<T> v(count);
  double want = 0.0;
  for (T& e : v) {
    e = static_cast<T>(normal(rng));
    want += static_cast<double>(e);
  }
  // The emulator runs 3 of the 5 blocks (grid-stride covers every point); on a GPU each of the
  // 5 writes its partial, here the 2 it skips keep the zeros they start with.
  const int blocks = 5, threads = 64;
  MixtureEmulatedExecutor ex;
  const auto sum = [&] {
    std::vector<double> partials(blocks + 1, 0.0);
    ks::sum_to(ex, static_cast<const T*>(v.data()), count, partials.data(), blocks, threads,
               partials.data() + blocks);
    return partials[blocks];
  };
  const double got = sum();
  EXPECT_NEAR(got, want, 1e-12 * std::max(1.0, std::abs(want))) << "count " << count;
  EXPECT_EQ(sum(), got);
  // sum_to, as an EM step runs it: the same bits in a slot of the step's results buffer, and
  // nothing written past the `blocks` partials (the slot's neighbours keep their values).
  std::vector<double> own(blocks, 0.0), results{-1.0, std::nan(""), -2.0};
  ks::sum_to(ex, static_cast<const T*>(v.data()), count, own.data(), blocks, threads,
             results.data() + 1);
  EXPECT_EQ(results[1], got);
  EXPECT_EQ(results[0], -1.0);
  EXPECT_EQ(results[2], -2.0);
}

TEST(KmeansEmulation, LogLikelihoodSumMatchesFloat64) {
  check_sum<double>(1);
  check_sum<double>(1000);
  check_sum<float>(333);
  check_sum<float>(0);
}

}  // namespace
}  // namespace boltzkit::testing
