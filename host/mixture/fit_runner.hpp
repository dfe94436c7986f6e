#pragma once
// One EM step on the context's backend, for any memory space: the E-step (mixture::evaluate)
// and the weighted statistics of its responsibilities (mixture::weighted_statistics), plus what
// fit needs before EM: the finiteness check of x, the data's statistics (its covariance) and the
// statistics of a k-means start. `Store` says where the T buffers live and runs the
// backend-specific part: std::vector on a CPU context (fit.cpp: the float64 host k-means and
// label statistics, unchanged), DeviceBuffer on a GPU context (fit_gpu.cpp: the checks and the
// k-means on the device, fit_steps.hpp; the statistics of all-ones and one-hot
// responsibilities by the same weighted-statistics step as EM's). Parameters go in and
// statistics come out in float64 on the host; nothing of size N·D crosses to the host, and a
// step's K-sized results come back in one copy (ResultLayout): one synchronization per step.
#include <cmath>
#include <cstdint>
#include <cstring>
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

/// Byte offsets of a step's results in one buffer, so that the GPU brings them back with one
/// copy and one wait (DESIGN.md §6, Mixtures): the sum of the per-point log-likelihoods
/// (double), counts (K), means (K, D), covariances (K, D, D) in T, and the factorization status
/// (K int32). Every offset is a multiple of its type's size (8 is a multiple of sizeof(T)).
template <class T>
struct ResultLayout {
  std::size_t sum, counts, means, covs, info, bytes;
  ResultLayout(std::int64_t k, std::int64_t n)
      : sum(0), counts(sizeof(double)), means(counts + sizeof(T) * k),
        covs(means + sizeof(T) * k * n), info(covs + sizeof(T) * k * n * n),
        bytes(info + sizeof(std::int32_t) * k) {}
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
/// sum_to(ctx, buffer, count, double* out): the float64 sum of its first count values into *out
/// (the Store's memory; read back with the other results); and
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
        layout_(k, x.dim), results_(store_.template make<std::uint8_t>(
                               static_cast<std::int64_t>(layout_.bytes))) {}

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
    out.info = slot<std::int32_t>(layout_.info);
    evaluate(ctx_, x_, c, out, eval_);
    if (stats) statistics_to_results(resp_.data(), k_);
    store_.sum_to(ctx_, mix_, npts, slot<double>(layout_.sum));  // the per-point values stay
    const std::vector<std::uint8_t> h = store_.get(results_);  // the step's one download
    if (stats) *stats = unpack_statistics(h, k_);
    EStep e;
    e.info = unpack<std::int32_t>(h, layout_.info, k_);
    const double sum = unpack<double>(h, layout_.sum, 1)[0];
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
  /// Weighted statistics of `resp` ((N, kk); unit weights when null, kk = 1) brought back in
  /// float64 (one download).
  Stats statistics(const T* resp, std::int64_t kk) {
    statistics_to_results(resp, kk);
    return unpack_statistics(store_.get(results_), kk);
  }

  /// Weighted statistics into the results buffer's first kk counts, means and covariances.
  void statistics_to_results(const T* resp, std::int64_t kk) {
    const std::int64_t n = x_.dim;
    weighted_statistics(ctx_, x_, resp, kk, slot<T>(layout_.counts),
                        vector_batch<T>(slot<T>(layout_.means), kk, n, n),
                        matrix_batch<T>(slot<T>(layout_.covs), kk, n, n * n, n));
  }

  Stats unpack_statistics(const std::vector<std::uint8_t>& h, std::int64_t kk) const {
    const std::int64_t n = x_.dim;
    return Stats{widen(unpack<T>(h, layout_.counts, kk)), widen(unpack<T>(h, layout_.means, kk * n)),
                 widen(unpack<T>(h, layout_.covs, kk * n * n))};
  }

  /// Typed pointer at byte offset `at` of the results buffer (the Store's memory).
  template <class U>
  U* slot(std::size_t at) {
    return reinterpret_cast<U*>(results_.data() + at);
  }
  /// `count` values of type U at byte offset `at` of the downloaded results.
  template <class U>
  static std::vector<U> unpack(const std::vector<std::uint8_t>& h, std::size_t at,
                               std::int64_t count) {
    std::vector<U> v(static_cast<std::size_t>(count));
    if (count > 0) std::memcpy(v.data(), h.data() + at, sizeof(U) * v.size());
    return v;
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
  typename Store::template Buffer<T> weights_, means_, covs_, resp_, mix_;
  ResultLayout<T> layout_;
  typename Store::template Buffer<std::uint8_t> results_;  // layout_: one download per step
};

#if BOLTZKIT_WITH_CUDA
/// fit_gpu.cpp: a runner holding its buffers in device memory.
template <class T>
std::unique_ptr<StepRunner> make_gpu_runner(Context& ctx, vector_batch<const T> x, std::int64_t k,
                                            EvaluateOptions eval);
/// gpu.cu: *out (device memory) = Σ v[0, count) in float64 on the device, fixed order; nothing
/// comes back.
template <class T>
void sum_on_device_to(Context& ctx, const T* v, std::int64_t count, double* out);
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
