// bm::learn: ascent on the average log-likelihood (MATH.md §2.3: θ ← θ + ηβ(data − model), never
// the source note's eq. 2.30), with model moments by enumeration or from persistent chains.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "boltzkit/bm.hpp"
#include "host/bm/checks.hpp"

namespace boltzkit::bm {

using boltzkit::detail::require;

namespace {

/// (1/M) Σ_rows Σ_k log σ(2β s_k f_k): the pseudo-log-likelihood of the data rows.
double pseudo_log_likelihood(const std::int8_t* data, std::int64_t m, std::int64_t n,
                             const double* j, const double* h, double beta) {
  double total = 0.0;
  for (std::int64_t r = 0; r < m; ++r) {
    const std::int8_t* s = data + r * n;
    for (std::int64_t k = 0; k < n; ++k) {
      double f = h[k];
      for (std::int64_t l = 0; l < n; ++l) f += j[k * n + l] * s[l];
      const double x = 2.0 * beta * s[k] * f;  // log σ(x) = −log(1 + e^{−x}), stably
      total += x >= 0 ? -std::log1p(std::exp(-x)) : x - std::log1p(std::exp(x));
    }
  }
  return total / static_cast<double>(m);
}

std::vector<EpochRecord> run(Context& ctx, const double* mean, const double* corr,
                             const std::int8_t* data, std::int64_t m, std::int64_t n, double* j,
                             double* h, const LearnOptions& o) {
  const auto nz = static_cast<std::size_t>(n);
  const Model model{j, h, n, o.beta};
  std::vector<std::int8_t> chains;
  if (!o.exact) {
    chains.resize(static_cast<std::size_t>(o.chains) * nz);
    Context cpu(Backend::cpu);
    initial_spins(cpu, chains.data(), o.chains, n, o.seed);
  }
  std::vector<EpochRecord> trace;
  std::vector<double> model_mean(nz), model_corr(nz * nz);
  for (std::int64_t epoch = 1; epoch <= o.epochs; ++epoch) {
    double nll = std::nan("");
    if (o.exact) {
      const exact::Result r = exact::enumerate(ctx, model);
      model_mean = r.mean;
      model_corr = r.corr;
      double energy_term = 0.0;  // β(Σ_{k<l} J C + Σ h m) = −β⟨E⟩_data
      for (std::int64_t k = 0; k < n; ++k) {
        energy_term += h[k] * mean[k];
        for (std::int64_t l = k + 1; l < n; ++l) energy_term += j[k * n + l] * corr[k * n + l];
      }
      nll = r.log_z - o.beta * energy_term;
    } else {
      detail::advance_chains(ctx, model, chains.data(), o.chains, o.seed,
                             static_cast<std::uint64_t>((epoch - 1) * o.sweeps_per_epoch),
                             o.sweeps_per_epoch, o.sweep);
      std::fill(model_mean.begin(), model_mean.end(), 0.0);
      std::fill(model_corr.begin(), model_corr.end(), 0.0);
      for (std::int64_t c = 0; c < o.chains; ++c) {
        const std::int8_t* s = chains.data() + c * n;
        for (std::int64_t k = 0; k < n; ++k) {
          model_mean[static_cast<std::size_t>(k)] += s[k];
          for (std::int64_t l = k + 1; l < n; ++l) model_corr[static_cast<std::size_t>(k * n + l)] += s[k] * s[l];
        }
      }
      for (auto& x : model_mean) x /= static_cast<double>(o.chains);
      for (auto& x : model_corr) x /= static_cast<double>(o.chains);
    }
    double norm2 = 0.0;
    for (std::int64_t k = 0; k < n; ++k) {
      const double gh = o.beta * (mean[k] - model_mean[static_cast<std::size_t>(k)]);
      h[k] += o.learning_rate * gh;
      norm2 += gh * gh;
      for (std::int64_t l = k + 1; l < n; ++l) {
        const double gj = o.beta * (corr[k * n + l] - model_corr[static_cast<std::size_t>(k * n + l)]);
        j[k * n + l] += o.learning_rate * gj;
        j[l * n + k] = j[k * n + l];
        norm2 += gj * gj;
      }
    }
    const double pll = data != nullptr ? pseudo_log_likelihood(data, m, n, j, h, o.beta) : std::nan("");
    trace.push_back({epoch, nll, pll, std::sqrt(norm2)});
  }
  return trace;
}

void check_options(Context& ctx, std::int64_t n, const double* j, const double* h,
                   const LearnOptions& o, const std::string& f) {
  require(n >= 1 && n <= max_spins, f + ": n must be in [1, " + std::to_string(max_spins) + "]");
  require(j != nullptr && h != nullptr, f + ": null J or h");
  detail::check_model_values({j, h, n, o.beta}, f);
  require(std::isfinite(o.beta) && o.beta >= 0.0, f + ": beta must be finite and >= 0");
  require(o.epochs >= 0, f + ": epochs must be >= 0");
  require(std::isfinite(o.learning_rate) && o.learning_rate > 0.0, f + ": learning rate must be finite and > 0");
  if (o.exact) {
    const std::int64_t limit = ctx.on_gpu() ? exact::max_spins_gpu : exact::max_spins_cpu;
    require(n <= limit, f + ": exact mode needs n <= " + std::to_string(limit) + ", got " + std::to_string(n));
  } else {
    require(o.chains >= 1 && o.chains <= (std::int64_t{1} << 32), f + ": chains must be in [1, 2^32]");
    require(o.sweeps_per_epoch >= 1, f + ": sweeps_per_epoch must be >= 1");
    detail::check_sweeps(0, o.epochs * o.sweeps_per_epoch, f);
    detail::check_update(o.sweep, f);
  }
}

}  // namespace

std::vector<EpochRecord> learn_moments(Context& ctx, const double* mean, const double* corr,
                                       std::int64_t n, double* j, double* h, const LearnOptions& o) {
  const std::string f = "bm::learn_moments";
  check_options(ctx, n, j, h, o, f);
  require(mean != nullptr && corr != nullptr, f + ": null moments");
  for (std::int64_t e = 0; e < n * n; ++e)
    require(std::isfinite(corr[e]) && std::fabs(corr[e]) <= 1.0, f + ": corr entries must lie in [-1, 1]");
  for (std::int64_t k = 0; k < n; ++k)
    require(std::isfinite(mean[k]) && std::fabs(mean[k]) <= 1.0, f + ": mean entries must lie in [-1, 1]");
  return run(ctx, mean, corr, nullptr, 0, n, j, h, o);
}

std::vector<EpochRecord> learn(Context& ctx, const std::int8_t* data, std::int64_t m,
                               std::int64_t n, double* j, double* h, const LearnOptions& o) {
  const std::string f = "bm::learn";
  check_options(ctx, n, j, h, o, f);
  require(m >= 1, f + ": data must have at least one row");
  require(data != nullptr, f + ": data is null");
  detail::check_spins(data, m * n, f + ": data");
  const auto nz = static_cast<std::size_t>(n);
  std::vector<double> mean(nz, 0.0), corr(nz * nz, 0.0);
  for (std::int64_t r = 0; r < m; ++r)
    for (std::int64_t k = 0; k < n; ++k) {
      mean[static_cast<std::size_t>(k)] += data[r * n + k];
      for (std::int64_t l = 0; l < n; ++l) corr[static_cast<std::size_t>(k * n + l)] += data[r * n + k] * data[r * n + l];
    }
  for (auto& x : mean) x /= static_cast<double>(m);
  for (auto& x : corr) x /= static_cast<double>(m);
  return run(ctx, mean.data(), corr.data(), data, m, n, j, h, o);
}

}  // namespace boltzkit::bm
