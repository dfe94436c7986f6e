#pragma once
// One EM step on the context's backend, for any memory space: the E-step (mixture::evaluate)
// and the weighted statistics of its responsibilities (mixture::weighted_statistics), plus what
// fit needs before EM: the finiteness check of x, the data's statistics (its covariance) and the
// statistics of a k-means start. `Store` says where the T buffers live and runs the
// backend-specific part: std::vector on a CPU context (fit.cpp: the float64 host k-means and
// label statistics, unchanged), DeviceBuffer on a GPU context (fit_gpu.cpp: the checks and the
// k-means on the device, fit_steps.hpp; the statistics of all-ones and one-hot
// responsibilities by the same weighted-statistics step as EM's). Parameters go in and
// statistics come out in float64 on the host; nothing of size N·D crosses to the host.
#include <cmath>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "boltzkit/mixture.hpp"

namespace boltzkit::mixture::detail {

struct Params {
  std::vector<double> weights, means, covs;  // (K,), (K, D), (K, D, D)
};

struct Stats {
  std::vector<double> counts, means, covs;
};

/// What one E-step returned: the average log-likelihood per point and per-component status.
struct EStep {
  double avg_log_likelihood = 0.0;
  std::vector<std::int32_t> info;
};

class StepRunner {
 public:
  virtual ~StepRunner() = default;
  /// E-step at p; when `stats` is given, also the M-step's statistics of its responsibilities.
  virtual EStep step(const Params& p, Stats* stats) = 0;
  /// Whether every entry of x is finite (fit checks it before any EM work).
  virtual bool all_finite() = 0;
  /// Statistics of all points as one component (unit weights): the data covariance.
  virtual Stats data_statistics() = 0;
  /// k-means++ seeding and Lloyd iterations for initialization `init` under `seed` (fit.cpp's
  /// kmeans_labels), then the statistics of its hard labels.
  virtual Stats kmeans_statistics(std::uint64_t seed, std::int64_t init) = 0;
};

/// Store: typename Store::template Buffer<U> with data(); Store::put(buffer, host vector),
/// Store::get(buffer) -> host vector, Store::make<U>(count); all_finite(ctx, x) -> bool;
/// sum(ctx, buffer, count) -> float64 sum of its first count values; and
/// either (Store::host_init) data_statistics(x) and kmeans_statistics(x, K, seed, init) -> Stats
/// of its own, or kmeans_one_hot(ctx, x, K, seed, init, resp): the one-hot rows of the k-means
/// labels in a Buffer<T> of (N, K), whose statistics the runner takes as EM's.
template <class T, class Store>
class TypedStepRunner final : public StepRunner {
 public:
  TypedStepRunner(Context& ctx, vector_batch<const T> x, std::int64_t k, Store store,
                  EvaluateOptions eval = {})
      : ctx_(ctx), x_(x), k_(k), store_(std::move(store)), eval_(eval),
        weights_(store_.template make<T>(k)), means_(store_.template make<T>(k * x.dim)),
        covs_(store_.template make<T>(k * x.dim * x.dim)),
        resp_(store_.template make<T>(x.batch * k)), mix_(store_.template make<T>(x.batch)),
        counts_(store_.template make<T>(k)), s_means_(store_.template make<T>(k * x.dim)),
        s_covs_(store_.template make<T>(k * x.dim * x.dim)),
        info_(store_.template make<std::int32_t>(k)) {}

  EStep step(const Params& p, Stats* stats) override {
    const std::int64_t n = x_.dim, npts = x_.batch;
    store_.put(weights_, cast(p.weights));
    store_.put(means_, cast(p.means));
    store_.put(covs_, cast(p.covs));
    Components<T> c;
    c.mean = vector_batch<const T>(means_.data(), k_, n, n);
    c.cov = matrix_batch<const T>(covs_.data(), k_, n, n * n, n);
    c.weights = weights_.data();
    Outputs<T> out;
    out.mix_log_prob = mix_.data();
    out.resp = stats ? resp_.data() : nullptr;
    out.info = info_.data();
    evaluate(ctx_, x_, c, out, eval_);
    if (stats) *stats = statistics(resp_.data(), k_);
    EStep e;
    e.info = store_.get(info_);
    const double sum = store_.sum(ctx_, mix_, npts);  // the per-point values stay where they are
    e.avg_log_likelihood = npts > 0 ? sum / static_cast<double>(npts) : 0.0;
    return e;
  }

  bool all_finite() override { return store_.all_finite(ctx_, x_); }

  Stats data_statistics() override {
    if constexpr (Store::host_init)
      return store_.data_statistics(x_);
    else
      return statistics(nullptr, 1);
  }

  Stats kmeans_statistics(std::uint64_t seed, std::int64_t init) override {
    if constexpr (Store::host_init) {
      return store_.kmeans_statistics(x_, k_, seed, init);
    } else {
      store_.kmeans_one_hot(ctx_, x_, k_, seed, init, resp_.data());
      return statistics(resp_.data(), k_);
    }
  }

 private:
  /// Weighted statistics of `resp` ((N, kk); unit weights when null, kk = 1) into the runner's
  /// K-sized buffers, brought back in float64.
  Stats statistics(const T* resp, std::int64_t kk) {
    const std::int64_t n = x_.dim;
    weighted_statistics(ctx_, x_, resp, kk, counts_.data(),
                        vector_batch<T>(s_means_.data(), kk, n, n),
                        matrix_batch<T>(s_covs_.data(), kk, n, n * n, n));
    Stats s{widen(store_.get(counts_)), widen(store_.get(s_means_)), widen(store_.get(s_covs_))};
    s.counts.resize(kk);
    s.means.resize(kk * n);
    s.covs.resize(kk * n * n);
    return s;
  }

  static std::vector<T> cast(const std::vector<double>& v) { return std::vector<T>(v.begin(), v.end()); }
  static std::vector<double> widen(const std::vector<T>& v) {
    return std::vector<double>(v.begin(), v.end());
  }

  Context& ctx_;
  vector_batch<const T> x_;
  std::int64_t k_;
  Store store_;
  EvaluateOptions eval_;
  typename Store::template Buffer<T> weights_, means_, covs_, resp_, mix_, counts_, s_means_,
      s_covs_;
  typename Store::template Buffer<std::int32_t> info_;
};

#if BOLTZKIT_WITH_CUDA
/// fit_gpu.cpp: a runner holding its buffers in device memory.
template <class T>
std::unique_ptr<StepRunner> make_gpu_runner(Context& ctx, vector_batch<const T> x, std::int64_t k,
                                            EvaluateOptions eval);
/// gpu.cu: Σ v[0, count) in float64 on the device, fixed order (one double comes back).
template <class T>
double sum_on_device(Context& ctx, const T* v, std::int64_t count);
/// gpu.cu: the finiteness check of x on the device (one int32 comes back).
template <class T>
bool all_finite_on_device(Context& ctx, vector_batch<const T> x);
/// gpu.cu: k-means++ seeding and Lloyd iterations on the device (fit_steps.hpp), then
/// resp (N, K, device memory) = the one-hot rows of the labels.
template <class T>
void kmeans_one_hot_on_device(Context& ctx, vector_batch<const T> x, std::int64_t kk,
                              std::uint64_t seed, std::int64_t init, T* resp);
#endif

}  // namespace boltzkit::mixture::detail
