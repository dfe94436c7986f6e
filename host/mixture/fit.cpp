// mixture::fit: EM for full-covariance Gaussian mixtures (MATH.md §1.7), after scikit-learn's
// GaussianMixture: k-means++ seeding refined by Lloyd iterations (or given parameters), then
// E- and M-steps until the average log-likelihood changes by less than tol; best of n_init.
// The finiteness check, the k-means start, the E-step and the statistics run on the context's
// backend (fit_runner.hpp); the K-sized updates here, in float64 on the host.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <set>
#include <string>

#include "boltzkit/mixture.hpp"
#include "fit_runner.hpp"
#include "host/core/validate.hpp"
#include "host/linalg/dense_spd.hpp"
#include "host/mixture/tuning.hpp"
#include "host/mixture/kmeans_cpu.hpp"
#include "host/core/gpu_call.hpp"

namespace boltzkit::mixture {

namespace {

using boltzkit::detail::require;
using detail::EStep;
using detail::Params;
using detail::Stats;

/// Statistics of hard labels, two-pass, float64 (the initial M-step).
Stats label_statistics(const std::vector<double>& x, std::int64_t npts, std::int64_t n,
                       std::int64_t kk, const std::vector<std::int64_t>& labels) {
  Stats s{std::vector<double>(kk, 0.0), std::vector<double>(kk * n, 0.0),
          std::vector<double>(kk * n * n, 0.0)};
  for (std::int64_t p = 0; p < npts; ++p) {
    s.counts[labels[p]] += 1.0;
    for (std::int64_t i = 0; i < n; ++i) s.means[labels[p] * n + i] += x[p * n + i];
  }
  for (std::int64_t k = 0; k < kk; ++k)
    for (std::int64_t i = 0; i < n; ++i)
      if (s.counts[k] > 0.0) s.means[k * n + i] /= s.counts[k];
  for (std::int64_t p = 0; p < npts; ++p) {
    const std::int64_t k = labels[p];
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j < n; ++j)
        s.covs[k * n * n + i * n + j] +=
            (x[p * n + i] - s.means[k * n + i]) * (x[p * n + j] - s.means[k * n + j]);
  }
  for (std::int64_t k = 0; k < kk; ++k)
    if (s.counts[k] > 0.0)
      for (std::int64_t e = 0; e < n * n; ++e) s.covs[k * n * n + e] /= s.counts[k];
  return s;
}

/// TypedStepRunner's memory on a CPU context: host vectors, and the initialization on a packed
/// float64 copy of x (the float64 host k-means and label statistics, as before the device path).
struct HostStore {
  static constexpr bool host_init = true;
  std::vector<double> x;  // (N, D) packed, float64
  template <class U>
  using Buffer = std::vector<U>;
  template <class U>
  std::vector<U> make(std::int64_t n) const {
    return std::vector<U>(static_cast<std::size_t>(std::max<std::int64_t>(n, 1)));
  }
  template <class U>
  void put(std::vector<U>& b, const std::vector<U>& h) const {
    std::copy(h.begin(), h.end(), b.begin());
  }
  template <class U>
  std::vector<U> get(const std::vector<U>& b) const {
    return b;
  }
  template <class U>
  void sum_to(Context&, const std::vector<U>& b, std::int64_t count, double* out) const {
    double s = 0.0;  // in point order, as before
    for (std::int64_t p = 0; p < count; ++p) s += static_cast<double>(b[p]);
    std::memcpy(out, &s, sizeof s);  // *out: a slot of the runner's byte buffer
  }
  template <class T>
  bool all_finite(Context&, vector_batch<const T>) const {
    return std::all_of(x.begin(), x.end(), [](double v) { return std::isfinite(v); });
  }
  template <class T>
  Stats data_statistics(vector_batch<const T> v) const {
    return label_statistics(x, v.batch, v.dim, 1, std::vector<std::int64_t>(v.batch, 0));
  }
  template <class T>
  Stats kmeans_statistics(vector_batch<const T> v, std::int64_t kk, std::uint64_t seed,
                          std::int64_t init) const {
    return label_statistics(x, v.batch, v.dim, kk, detail::kmeans(x, v.batch, v.dim, kk, seed, init).labels);
  }
};

bool is_spd(const double* m, std::int64_t n) {
  cpu::Matrix a(m, m + n * n);
  return cpu::cholesky_in_place(a, n) == 0;
}

struct Problem {
  std::int64_t npts, n, kk;
  double reg_covar;
  std::vector<double> data_cov;  // the whole data's covariance + reg: a collapsed component's reset
};

/// M-step from statistics: π ∝ N_k (+10ε, as scikit-learn), μ_k, Σ_k + reg·I. Components that
/// collapsed are reset (previous mean, data covariance, floor weight) and recorded.
Params m_step(const Problem& pb, const Stats& s, const Params& previous,
              std::set<std::int64_t>& collapsed) {
  const std::int64_t n = pb.n, kk = pb.kk;
  Params p{std::vector<double>(kk), s.means, s.covs};
  double total = 0.0;
  for (std::int64_t k = 0; k < kk; ++k) {
    double* cov = &p.covs[k * n * n];
    for (std::int64_t i = 0; i < n; ++i) cov[i * n + i] += pb.reg_covar;
    const bool finite = std::all_of(cov, cov + n * n, [](double v) { return std::isfinite(v); }) &&
                        std::isfinite(s.counts[k]);
    if (!finite || s.counts[k] < tuning::collapse_count || !is_spd(cov, n)) {
      collapsed.insert(k);
      std::copy(pb.data_cov.begin(), pb.data_cov.end(), cov);
      if (!previous.means.empty())
        std::copy(&previous.means[k * n], &previous.means[k * n] + n, &p.means[k * n]);
      p.weights[k] = tuning::collapse_count;
    } else {
      p.weights[k] = s.counts[k] + 10.0 * std::numeric_limits<double>::epsilon();
    }
    total += p.weights[k];
  }
  for (double& w : p.weights) w /= total;
  return p;
}

struct Run {
  Params params;
  std::vector<double> lls;
  double final_ll = -std::numeric_limits<double>::infinity();
  std::int64_t iterations = 0;
  bool converged = false;
  std::set<std::int64_t> collapsed;
};

/// E-step at p; a component whose factorization fails in T (a covariance SPD in float64 but not
/// in float32) is reset as collapsed and the step repeated.
EStep safe_step(detail::StepRunner& runner, const Problem& pb, Params& p, Stats* s,
                std::set<std::int64_t>& collapsed) {
  for (int attempt = 0;; ++attempt) {
    EStep e = runner.step(p, s);
    bool failed = false;
    for (std::int64_t k = 0; k < pb.kk; ++k) {
      if (e.info[k] == 0) continue;
      failed = true;
      collapsed.insert(k);
      std::copy(pb.data_cov.begin(), pb.data_cov.end(), &p.covs[k * pb.n * pb.n]);
    }
    if (!failed || attempt == 2) return e;
  }
}

Run run_em(detail::StepRunner& runner, const Problem& pb, Params p, const FitOptions& o) {
  Run r;
  double previous = -std::numeric_limits<double>::infinity();
  Stats s;
  for (std::int64_t it = 1; it <= o.max_iter; ++it) {
    const EStep e = safe_step(runner, pb, p, &s, r.collapsed);
    r.lls.push_back(e.avg_log_likelihood);
    p = m_step(pb, s, p, r.collapsed);
    r.iterations = it;
    if (std::abs(e.avg_log_likelihood - previous) < o.tol) {
      r.converged = true;
      break;
    }
    previous = e.avg_log_likelihood;
  }
  const EStep last = safe_step(runner, pb, p, nullptr, r.collapsed);
  r.lls.push_back(last.avg_log_likelihood);
  r.final_ll = last.avg_log_likelihood;
  r.params = std::move(p);
  return r;
}

void check_options(const FitOptions& o, std::int64_t npts, std::int64_t n) {
  const std::string f = "mixture::fit: ";
  require(n >= 1, f + "dimension D must be >= 1");
  require(o.components >= 1, f + "components must be >= 1, got " + std::to_string(o.components));
  require(npts >= o.components, f + "need at least as many points as components (N = " +
                                    std::to_string(npts) + ", K = " +
                                    std::to_string(o.components) + ")");
  require(o.max_iter >= 1, f + "max_iter must be >= 1");
  require(o.n_init >= 1, f + "n_init must be >= 1");
  require(std::isfinite(o.tol) && o.tol >= 0.0, f + "tol must be finite and >= 0");
  require(std::isfinite(o.reg_covar) && o.reg_covar >= 0.0, f + "reg_covar must be finite and >= 0");
  if (o.init != Init::given) return;
  const auto kk = static_cast<std::size_t>(o.components), d = static_cast<std::size_t>(n);
  require(o.init_weights.size() == kk && o.init_means.size() == kk * d &&
              o.init_covs.size() == kk * d * d,
          f + "given initialization needs weights (K,), means (K, D), covs (K, D, D)");
  double total = 0.0;
  for (const double w : o.init_weights) {
    require(std::isfinite(w) && w > 0.0, f + "given weights must be positive");
    total += w;
  }
  require(std::abs(total - 1.0) < 1e-6, f + "given weights must sum to 1");
  for (std::size_t k = 0; k < kk; ++k)
    require(is_spd(&o.init_covs[k * d * d], n),
            f + "given covariance " + std::to_string(k) + " is not positive definite");
}

}  // namespace

template <class T>
FitResult fit(Context& ctx, vector_batch<const T> x, const FitOptions& o) {
  const std::int64_t npts = x.batch, n = x.dim, kk = o.components;
  check_options(o, npts, n);
  boltzkit::detail::check_vector(x, npts, n, "mixture::fit: x", false);

  std::unique_ptr<detail::StepRunner> runner;
  EvaluateOptions eval;
  eval.allow_tf32 = o.allow_tf32;
  if (ctx.on_gpu()) {
#if BOLTZKIT_WITH_CUDA
    runner = detail::make_gpu_runner(ctx, x, kk, eval);
#else
    boltzkit::detail::gpu_backend_not_built();
#endif
  } else {
    HostStore store;
    store.x.resize(npts * n);
    for (std::int64_t p = 0; p < npts; ++p)
      for (std::int64_t i = 0; i < n; ++i)
        store.x[p * n + i] = static_cast<double>(x.data[p * x.batch_stride + i]);
    runner = std::make_unique<detail::TypedStepRunner<T, HostStore>>(ctx, x, kk, std::move(store), eval);
  }
  require(runner->all_finite(), "mixture::fit: x has a non-finite entry");

  Problem pb{npts, n, kk, o.reg_covar, {}};
  pb.data_cov = runner->data_statistics().covs;
  for (std::int64_t i = 0; i < n; ++i) pb.data_cov[i * n + i] += std::max(o.reg_covar, 1e-6);

  Run best;
  FitResult result;
  for (std::int64_t init = 0; init < o.n_init; ++init) {
    Params start;
    std::set<std::int64_t> init_collapsed;
    if (o.init == Init::given) {
      start = {o.init_weights, o.init_means, o.init_covs};
    } else {
      start = m_step(pb, runner->kmeans_statistics(o.seed, init), Params{}, init_collapsed);
    }
    Run r = run_em(*runner, pb, std::move(start), o);
    r.collapsed.insert(init_collapsed.begin(), init_collapsed.end());
    if (init == 0 || r.final_ll > best.final_ll) {
      best = std::move(r);
      result.best_init = init;
    }
  }
  result.components = kk;
  result.dim = n;
  result.weights = best.params.weights;
  result.means = best.params.means;
  result.covs = best.params.covs;
  result.log_likelihood = best.lls;
  result.final_log_likelihood = best.final_ll;
  result.iterations = best.iterations;
  result.converged = best.converged;
  result.collapsed.assign(best.collapsed.begin(), best.collapsed.end());
  return result;
}

template FitResult fit<float>(Context&, vector_batch<const float>, const FitOptions&);
template FitResult fit<double>(Context&, vector_batch<const double>, const FitOptions&);

}  // namespace boltzkit::mixture
