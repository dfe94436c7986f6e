// mixture:: on the GPU against the CPU backend on fresh random inputs: float and double,
// K = 1…64, D = 1…256 (both E-step paths), N not a multiple of the tile; statistics, KL and a
// whole fit. Every test skips with a printed reason without a CUDA device.
#include <cmath>
#include <limits>
#include <stdexcept>

#include "cases.hpp"
#include "tests/common/compare.hpp"
#include "tests/common/gpu_skip.hpp"

namespace boltzkit::testing {
namespace {

using namespace mixture_cases;

template <class T>
struct Both {
  std::vector<T> cpu, gpu;
};

/// Evaluates every output on both backends and compares.
template <class T>
void check_case(const Case& c, bool weights, double tol, const mixture::EvaluateOptions& eo = {}) {
  SCOPED_TRACE("N=" + std::to_string(c.n_points) + " K=" + std::to_string(c.k) +
               " D=" + std::to_string(c.dim) + (weights ? " mixture" : ""));
  const auto p = make_problem<T>(c);
  const std::int64_t np = p.n_points, kk = p.k, n = p.dim;
  const bool want_score = weights || kk == 1;
  std::vector<std::vector<T>> host(6);
  const std::size_t sizes[6] = {static_cast<std::size_t>(np * kk), static_cast<std::size_t>(np),
                                static_cast<std::size_t>(np * kk), static_cast<std::size_t>(np * n),
                                static_cast<std::size_t>(kk * n), static_cast<std::size_t>(kk * n * n)};
  auto outputs = [&](std::vector<T*> ptr) {
    mixture::Outputs<T> out;
    out.log_prob = ptr[0];
    if (weights) {
      out.mix_log_prob = ptr[1];
      out.resp = ptr[2];
    }
    if (want_score) out.score = vector_batch<T>(ptr[3], np, n, n);
    out.sum_grad_mean = vector_batch<T>(ptr[4], kk, n, n);
    out.sum_grad_cov = matrix_batch<T>(ptr[5], kk, n, n * n, n);
    return out;
  };
  Context cpu(Backend::cpu);
  std::vector<T*> hp;
  for (int i = 0; i < 6; ++i) {
    host[i].assign(sizes[i], T(0));
    hp.push_back(host[i].data());
  }
  mixture::evaluate(cpu, p.xs(), p.components(weights), outputs(hp), eo);

  Context gpu(Backend::gpu);
  DeviceBuffer<T> x(p.x), mean(p.mean), cov(p.cov), w(p.weights);
  std::vector<DeviceBuffer<T>> dev;
  std::vector<T*> dp;
  for (int i = 0; i < 6; ++i) {
    dev.emplace_back(std::max<std::size_t>(sizes[i], 1));
    dev.back().fill_bytes(0xff);  // NaN: an unwritten element shows up
    dp.push_back(dev.back().data());
  }
  mixture::Components<T> comp;
  comp.mean = vector_batch<const T>(mean.data(), kk, n, n);
  comp.cov = matrix_batch<const T>(cov.data(), kk, n, n * n, n);
  comp.weights = weights ? w.data() : nullptr;
  mixture::evaluate(gpu, vector_batch<const T>(x.data(), np, n, n), comp, outputs(dp), eo);
  gpu.synchronize();
  const char* names[6] = {"log_prob", "mix_log_prob", "resp", "score", "sum_grad_mean", "sum_grad_cov"};
  for (int i = 0; i < 6; ++i) {
    if ((i == 1 || i == 2) && !weights) continue;
    if (i == 3 && !want_score) continue;
    expect_close_at_scale(dev[i].download(sizes[i]), host[i], tol, names[i]);
  }
}

const std::vector<Case> gpu_cases = {
    {1, 1, 1, 101},     {1000, 1, 16, 102},  {70001, 3, 8, 103},   {5000, 64, 32, 104},
    {3001, 7, 33, 105}, {2000, 5, 64, 106},  {1500, 2, 129, 107},  {700, 3, 256, 108},
    {66000, 64, 2, 109}};

TEST(MixtureGpu, MatchesCpuDouble) {
  BOLTZKIT_REQUIRE_GPU();
  for (const Case& c : gpu_cases)
    for (const bool w : {false, true}) check_case<double>(c, w, 1e-8);
}

TEST(MixtureGpu, MatchesCpuFloat) {
  BOLTZKIT_REQUIRE_GPU();
  for (const Case& c : gpu_cases)
    for (const bool w : {false, true}) check_case<float>(c, w, 5e-3);
}

// One Gaussian in float past the single pass takes the split-TF32 kernels (MATH.md §1.10): float
// accuracy at every column-tile width (D = 65, 128 | 129, 256 | 300: two column tiles, six
// scatter tile pairs) and point counts that leave tails in the 128-point tiles and 32-point
// stages; the first GPU check of the emulator's claim.
TEST(MixtureGpu, SplitTf32OneGaussianMatchesCpu) {
  BOLTZKIT_REQUIRE_GPU();
  for (const Case& c : std::vector<Case>{{1001, 1, 65, 131}, {3000, 1, 128, 132},
                                         {2049, 1, 129, 133}, {70001, 1, 256, 134},
                                         {333, 1, 300, 135}})
    check_case<float>(c, false, 2e-4);
}

// allow_tf32 (docs/MATH.md §1.9): the GPU's TF32 GEMMs against the CPU's emulation of the same
// operand rounding, on the fused (D = 8, 32) and GEMM (D = 48, 256) paths; the first GPU
// measurement of the option's accuracy.
TEST(MixtureGpu, Tf32MatchesCpuEmulation) {
  BOLTZKIT_REQUIRE_GPU();
  mixture::EvaluateOptions eo;
  eo.allow_tf32 = true;
  for (const Case& c : std::vector<Case>{{2000, 3, 8, 121}, {5000, 64, 32, 122}, {2000, 3, 48, 123},
                                         {700, 1, 256, 124}})
    for (const bool w : {false, true}) check_case<float>(c, w, 1e-2, eo);
}

// The EM statistics in float with D <= 32 take weighted_scatter_small_kernel (MATH.md §1.10):
// responsibilities from the CPU's E-step, K not a multiple of its 8 components per block, D = 32
// and 17, N far past a 256-point flush stretch; the first GPU check of the emulator's claim.
TEST(MixtureGpu, FloatSmallScatterStatisticsMatchCpu) {
  BOLTZKIT_REQUIRE_GPU();
  for (const Case& c : std::vector<Case>{{20001, 9, 32, 141}, {50000, 64, 17, 142}}) {
    const auto p = make_problem<float>(c);
    const std::int64_t np = c.n_points, kk = c.k, n = c.dim;
    Context cpu(Backend::cpu), gpu(Backend::gpu);
    std::vector<float> resp(np * kk), lp(np), mix(np);
    mixture::Outputs<float> out;
    out.log_prob = lp.data();
    out.mix_log_prob = mix.data();
    out.resp = resp.data();
    mixture::evaluate(cpu, p.xs(), p.components(true), out);
    std::vector<float> c1(kk), m1(kk * n), s1(kk * n * n);
    mixture::weighted_statistics<float>(cpu, p.xs(), resp.data(), kk, c1.data(),
                                        vector_batch<float>(m1.data(), kk, n, n),
                                        matrix_batch<float>(s1.data(), kk, n, n * n, n));
    DeviceBuffer<float> x(p.x), r(resp), c2(kk), m2(kk * n), s2(kk * n * n);
    mixture::weighted_statistics<float>(gpu, vector_batch<const float>(x.data(), np, n, n),
                                        r.data(), kk, c2.data(),
                                        vector_batch<float>(m2.data(), kk, n, n),
                                        matrix_batch<float>(s2.data(), kk, n, n * n, n));
    gpu.synchronize();
    expect_close_at_scale(c2.download(), c1, 1e-4, "counts");  // float GEMM sums over N points
    expect_close_at_scale(m2.download(), m1, 1e-4, "means");
    expect_close_at_scale(s2.download(), s1, 2e-5, "covs");
  }
}

TEST(MixtureGpu, StatisticsKlAndFitMatchCpu) {
  BOLTZKIT_REQUIRE_GPU();
  const auto p = make_problem<double>({4000, 4, 6, 110});
  const std::int64_t np = 4000, n = 6;
  Context cpu(Backend::cpu), gpu(Backend::gpu);
  // Statistics with unit weights (the MLE).
  std::vector<double> c1(1), m1(n), s1(n * n);
  mixture::weighted_statistics<double>(cpu, p.xs(), nullptr, 1, c1.data(),
                                       vector_batch<double>(m1.data(), 1, n, n),
                                       matrix_batch<double>(s1.data(), 1, n, n * n, n));
  DeviceBuffer<double> x(p.x), c2(1), m2(n), s2(n * n);
  mixture::weighted_statistics<double>(gpu, vector_batch<const double>(x.data(), np, n, n),
                                       nullptr, 1, c2.data(),
                                       vector_batch<double>(m2.data(), 1, n, n),
                                       matrix_batch<double>(s2.data(), 1, n, n * n, n));
  gpu.synchronize();
  expect_close_at_scale(c2.download(), c1, 1e-12, "counts");
  expect_close_at_scale(m2.download(), m1, 1e-10, "means");
  expect_close_at_scale(s2.download(), s1, 1e-10, "covs");
  // KL between consecutive components.
  const vector_batch<const double> a0(p.mean.data(), 3, n, n), a1(p.mean.data() + n, 3, n, n);
  const matrix_batch<const double> b0(p.cov.data(), 3, n, n * n, n), b1(p.cov.data() + n * n, 3, n, n * n, n);
  std::vector<double> kl_cpu(3);
  mixture::kl_divergence(cpu, a0, b0, a1, b1, kl_cpu.data(), static_cast<std::int32_t*>(nullptr));
  DeviceBuffer<double> dm(p.mean), dc(p.cov), dkl(3);
  mixture::kl_divergence(gpu, vector_batch<const double>(dm.data(), 3, n, n),
                         matrix_batch<const double>(dc.data(), 3, n, n * n, n),
                         vector_batch<const double>(dm.data() + n, 3, n, n),
                         matrix_batch<const double>(dc.data() + n * n, 3, n, n * n, n), dkl.data(),
                         static_cast<std::int32_t*>(nullptr));
  gpu.synchronize();
  expect_close_at_scale(dkl.download(), kl_cpu, 1e-10, "kl");
  // A whole fit: same seed, same k-means++ start, EM paths agree to rounding.
  mixture::FitOptions o;
  o.components = 4;
  o.seed = 3;
  o.tol = 1e-6;
  const auto fc = mixture::fit(cpu, p.xs(), o);
  const auto fg = mixture::fit(gpu, vector_batch<const double>(x.data(), np, n, n), o);
  EXPECT_NEAR(fg.final_log_likelihood, fc.final_log_likelihood, 1e-8);
  expect_close_at_scale(fg.means, fc.means, 1e-6, "fit means");
}

/// The fit's start on the device (fit_steps.hpp): the finiteness check, k-means++ and Lloyd,
/// the one-hot statistics. N = 20000 spans three 8192-point ranges of the D² draw.
template <class T>
void check_device_fit(double ll_tol, double mean_tol) {
  const auto p = make_problem<T>({20000, 5, 4, 131});
  const std::int64_t np = p.n_points, n = p.dim, stride = n + 3;
  std::vector<T> strided(np * stride, std::numeric_limits<T>::quiet_NaN());  // NaN gaps: not data
  for (std::int64_t q = 0; q < np; ++q)
    for (std::int64_t i = 0; i < n; ++i) strided[q * stride + i] = p.x[q * n + i];
  Context cpu(Backend::cpu), gpu(Backend::gpu);
  DeviceBuffer<T> x(p.x), xs(strided);
  mixture::FitOptions o;
  o.components = 5;
  o.seed = 17;
  const auto fc = mixture::fit(cpu, p.xs(), o);
  const auto fg = mixture::fit(gpu, vector_batch<const T>(x.data(), np, n, n), o);
  const auto fs = mixture::fit(gpu, vector_batch<const T>(xs.data(), np, n, stride), o);
  // Same k-means start as the CPU (up to near-ties): the same optimum, components in the same order.
  EXPECT_NEAR(fg.final_log_likelihood, fc.final_log_likelihood, ll_tol);
  expect_close_at_scale(fg.means, fc.means, mean_tol, "fit means");
  EXPECT_EQ(fs.means, fg.means) << "strided rows: the same fit";
  // Same seed on the same backend, three initializations: bit-identical (every device
  // reduction has a fixed order).
  o.n_init = 3;
  const auto first = mixture::fit(gpu, vector_batch<const T>(x.data(), np, n, n), o);
  const auto again = mixture::fit(gpu, vector_batch<const T>(x.data(), np, n, n), o);
  EXPECT_EQ(again.best_init, first.best_init);
  EXPECT_EQ(again.log_likelihood, first.log_likelihood);
  EXPECT_EQ(again.means, first.means);
  EXPECT_EQ(again.covs, first.covs);
  // A non-finite entry: the argument error, before any EM work.
  std::vector<T> bad = p.x;
  bad[np * n / 2 + 1] = std::numeric_limits<T>::infinity();
  DeviceBuffer<T> xb(bad);
  EXPECT_THROW(mixture::fit(gpu, vector_batch<const T>(xb.data(), np, n, n), o),
               std::invalid_argument);
}

TEST(MixtureGpu, FitStartsOnTheDeviceDouble) {
  BOLTZKIT_REQUIRE_GPU();
  check_device_fit<double>(1e-8, 1e-6);
}
TEST(MixtureGpu, FitStartsOnTheDeviceFloat) {
  BOLTZKIT_REQUIRE_GPU();
  check_device_fit<float>(1e-3, 1e-3);
}

}  // namespace
}  // namespace boltzkit::testing
