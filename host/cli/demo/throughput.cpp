#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <limits>

#include "demo.hpp"
#include "host/cli/gaussian/runner.hpp"
#include "host/cli/common/report.hpp"

namespace boltzkit::cli {

namespace {

using clock_type = std::chrono::steady_clock;

double since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

/// max |a − r| / max |r| over one element's entries: a norm-wise relative error, which stays
/// meaningful when single entries of the reference are near zero.
double normwise_error(const float* a, const double* r, std::size_t n) {
  double num = 0, den = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(a[i])) return std::numeric_limits<double>::infinity();
    num = std::max(num, std::abs(a[i] - r[i]));
    den = std::max(den, std::abs(r[i]));
  }
  return num / std::max(den, std::numeric_limits<double>::min());
}

/// Step (b): re-evaluates `count` evenly spread elements in float64 on a CPU context.
void check_sample(const GaussianBatch& data, const GaussianRunner<float>& fast,
                  ThroughputResult& r) {
  const std::int64_t d = data.dim;
  const std::int64_t n = std::min<std::int64_t>(data.batch, 1000);
  const auto dd = static_cast<std::size_t>(d), d2 = dd * dd;
  std::vector<std::int64_t> index(static_cast<std::size_t>(n));
  for (std::int64_t k = 0; k < n; ++k) index[k] = k * data.batch / n;

  // The reference gets the same float32 inputs, widened, so only the arithmetic differs.
  std::vector<double> x(n * dd), mean(n * dd), cov(n * d2);
  for (std::int64_t k = 0; k < n; ++k) {
    const auto src = static_cast<std::size_t>(index[k]);
    std::copy_n(&data.x[src * dd], dd, &x[k * dd]);
    std::copy_n(&data.mean[src * dd], dd, &mean[k * dd]);
    std::copy_n(&data.cov[src * d2], d2, &cov[k * d2]);
  }
  Context cpu(Backend::cpu);
  GaussianRunner<double> ref(
      cpu, {n, d, false, false, gaussian::Parameterization::covariance, true, true});
  ref.set_x(x.data());
  ref.set_mean(mean.data());
  ref.set_matrix(cov.data());
  ref.run();
  ref.fetch();

  bool all_ok = true;
  for (std::int64_t k = 0; k < n; ++k) {
    const auto src = static_cast<std::size_t>(index[k]);
    all_ok = all_ok && fast.info()[src] == 0 && ref.info()[k] == 0;
    const double lp = fast.log_prob()[src], lr = ref.log_prob()[k];
    const double e = std::isfinite(lp) ? std::abs(lp - lr) / std::max(1.0, std::abs(lr))
                                       : std::numeric_limits<double>::infinity();
    r.err_logp = std::max(r.err_logp, e);
    r.err_grad_mean = std::max(
        r.err_grad_mean, normwise_error(&fast.grad_mean()[src * dd], &ref.grad_mean()[k * dd], dd));
    r.err_grad_cov = std::max(r.err_grad_cov, normwise_error(&fast.grad_matrix()[src * d2],
                                                             &ref.grad_matrix()[k * d2], d2));
  }
  r.checked = n;
  // float32 loses about cond(Σ)·ε relative accuracy; cond(Σ) is a few dozen here.
  r.tolerance = 1e-3;
  r.pass = all_ok && std::max({r.err_logp, r.err_grad_mean, r.err_grad_cov}) <= r.tolerance;
  std::cout << "(b) accuracy: " << n << " elements vs a float64 CPU evaluation\n"
            << "    max relative error  logp " << fmt_e(r.err_logp) << "  grad_mean "
            << fmt_e(r.err_grad_mean) << "  grad_cov " << fmt_e(r.err_grad_cov) << "  (tolerance "
            << fmt_e(r.tolerance, 0) << ")  " << (r.pass ? "PASS" : "FAIL") << "\n";
}

}  // namespace

ThroughputResult run_throughput(Context& ctx, std::int64_t batch, std::int64_t dim,
                                std::uint64_t seed) {
  ThroughputResult r;
  r.batch = batch;
  r.dim = dim;
  std::cout << "(a) throughput: B = " << batch << ", D = " << dim
            << ", float32, covariance given, log p + grad_mean + grad_cov\n";
  auto start = clock_type::now();
  const GaussianBatch data = random_gaussian_batch(batch, dim, seed);
  r.generate_s = since(start);
  std::cout << "    generated random SPD inputs in " << fmt_g(r.generate_s, 3) << " s\n";

  GaussianRunner<float> runner(
      ctx, {batch, dim, false, false, gaussian::Parameterization::covariance, true, true});
  runner.set_x(data.x.data());
  runner.set_mean(data.mean.data());
  runner.set_matrix(data.cov.data());
  runner.run();  // warm-up: first-use costs (workspace, module loading) stay out of the timing
  ctx.synchronize();

  r.calls = ctx.on_gpu() ? 20 : 3;
  start = clock_type::now();
  for (int i = 0; i < r.calls; ++i) {
    runner.run();
    ctx.synchronize();
  }
  r.seconds_per_call = since(start) / r.calls;
  runner.fetch();

  const double d = static_cast<double>(dim), b = static_cast<double>(batch);
  const double bytes = b * ((2 * d + d * d) + (1 + d + d * d)) * sizeof(float) + b * 4;
  r.elements_per_s = b / r.seconds_per_call;
  r.gb_per_s = bytes / r.seconds_per_call / 1e9;
  std::cout << "    " << fmt_g(r.seconds_per_call * 1e3, 4) << " ms per call (mean of " << r.calls
            << "), " << fmt_e(r.elements_per_s) << " elements/s, " << fmt_g(r.gb_per_s, 3)
            << " GB/s\n";
  check_sample(data, runner, r);
  return r;
}

}  // namespace boltzkit::cli
