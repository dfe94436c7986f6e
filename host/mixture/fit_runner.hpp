#pragma once
// One EM step on the context's backend, for any memory space: the E-step (mixture::evaluate)
// and the weighted statistics of its responsibilities (mixture::weighted_statistics). `Store`
// says where the T buffers live: std::vector on a CPU context (fit.cpp), DeviceBuffer on a GPU
// context (fit_gpu.cpp). Parameters go in and statistics come out in float64 on the host.
#include <cmath>
#include <cstdint>
#include <memory>
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
};

/// Store: typename Store::template Buffer<U> with data(); Store::put(buffer, host vector),
/// Store::get(buffer) -> host vector, Store::make<U>(count).
template <class T, class Store>
class TypedStepRunner final : public StepRunner {
 public:
  TypedStepRunner(Context& ctx, vector_batch<const T> x, std::int64_t k, Store store,
                  EvaluateOptions eval = {})
      : ctx_(ctx), x_(x), k_(k), store_(store), eval_(eval),
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
    if (stats) {
      weighted_statistics(ctx_, x_, static_cast<const T*>(resp_.data()), k_, counts_.data(),
                          vector_batch<T>(s_means_.data(), k_, n, n),
                          matrix_batch<T>(s_covs_.data(), k_, n, n * n, n));
      stats->counts = widen(store_.get(counts_));
      stats->means = widen(store_.get(s_means_));
      stats->covs = widen(store_.get(s_covs_));
    }
    EStep e;
    e.info = store_.get(info_);
    const std::vector<T> mix = store_.get(mix_);
    double sum = 0.0;
    for (const T v : mix) sum += static_cast<double>(v);
    e.avg_log_likelihood = npts > 0 ? sum / static_cast<double>(npts) : 0.0;
    return e;
  }

 private:
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
/// gpu.cu: x copied to the host (float64, packed) for the k-means++ seeding.
template <class T>
std::vector<double> download_points(Context& ctx, vector_batch<const T> x);
#endif

}  // namespace boltzkit::mixture::detail
