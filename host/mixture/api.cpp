// mixture:: entry points: every argument checked before any launch, then the chosen backend.
#include <string>

#include "backends.hpp"
#include "boltzkit/mixture.hpp"
#include "host/core/validate.hpp"
#include "host/mixture/instantiate.hpp"
#include "host/core/gpu_call.hpp"

namespace boltzkit::mixture {

namespace {

using namespace boltzkit::detail;

/// cuBLAS takes int dimensions; the GEMM path multiplies (tile, D) by (D, D).
void check_gpu_size(const Context& ctx, std::int64_t points, const std::string& f) {
  if (ctx.on_gpu())
    require(points < (std::int64_t{1} << 31), f + ": at most 2^31 - 1 points per call on the GPU");
}

template <class T>
void validate_evaluate(const Context& ctx, vector_batch<const T> x, const Components<T>& c,
                       const Outputs<T>& out) {
  const std::string f = "mixture::evaluate: ";
  const std::int64_t npts = x.batch, n = x.dim, kk = c.mean.batch;
  require(npts >= 0, f + "N must be >= 0, got " + std::to_string(npts));
  require(n >= 1, f + "dimension D must be >= 1, got " + std::to_string(n));
  require(kk >= 1, f + "need at least one component, got K = " + std::to_string(kk));
  check_vector(x, npts, n, f + "x", false);
  check_vector(c.mean, kk, n, f + "mean", false);
  check_matrix(c.cov, kk, n, f + "cov", false);
  check_gpu_size(ctx, npts, f);
  const bool mixture = c.weights != nullptr;
  require(mixture || (out.mix_log_prob == nullptr && out.resp == nullptr),
          f + "mix_log_prob and resp need mixture weights");
  require(out.score.data == nullptr || mixture || kk == 1,
          f + "score with K = " + std::to_string(kk) +
              " needs mixture weights (the score of which density?)");
  if (out.score.data) check_vector(out.score, npts, n, f + "score", true);
  if (out.sum_grad_mean.data) check_vector(out.sum_grad_mean, kk, n, f + "sum_grad_mean", true);
  if (out.sum_grad_cov.data) check_matrix(out.sum_grad_cov, kk, n, f + "sum_grad_cov", true);
  if (mixture && !ctx.on_gpu()) {  // host-readable only on a CPU context
    for (std::int64_t k = 0; k < kk; ++k)
      require(c.weights[k] >= T(0) && c.weights[k] <= T(1),
              f + "weights must lie in [0, 1], weight " + std::to_string(k) + " is " +
                  std::to_string(static_cast<double>(c.weights[k])));
  }
  require_disjoint(
      {span_of_array(out.log_prob, npts * kk, "log_prob"),
       span_of_array(out.mix_log_prob, npts, "mix_log_prob"),
       span_of_array(out.resp, npts * kk, "resp"), span_of(out.score, "score"),
       span_of(out.sum_grad_mean, "sum_grad_mean"), span_of(out.sum_grad_cov, "sum_grad_cov"),
       span_of_array(out.info, kk, "info")},
      {span_of(x, "x"), span_of(c.mean, "mean"), span_of(c.cov, "cov"),
       span_of_array(c.weights, kk, "weights")});
}

}  // namespace

template <class T>
void evaluate(Context& ctx, vector_batch<const T> x, const Components<T>& c,
              const Outputs<T>& out, const EvaluateOptions& options) {
  validate_evaluate(ctx, x, c, out);
  if (ctx.on_gpu()) {
#if BOLTZKIT_WITH_CUDA
    backend::gpu::evaluate(ctx, x, c, out, options);
#else
    boltzkit::detail::gpu_backend_not_built();
#endif
  } else {
    backend::cpu::evaluate(x, c, out, options);
  }
}

template <class T>
void weighted_statistics(Context& ctx, vector_batch<const T> x, const T* resp, std::int64_t k,
                         T* counts, vector_batch<T> means, matrix_batch<T> covs) {
  const std::string f = "mixture::weighted_statistics: ";
  require(x.batch >= 0, f + "N must be >= 0");
  require(x.dim >= 1, f + "dimension D must be >= 1, got " + std::to_string(x.dim));
  require(k >= 1, f + "K must be >= 1, got " + std::to_string(k));
  require(resp != nullptr || k == 1, f + "without resp (unit weights) K must be 1");
  check_vector(x, x.batch, x.dim, f + "x", false);
  if (means.data) check_vector(means, k, x.dim, f + "means", true);
  if (covs.data) check_matrix(covs, k, x.dim, f + "covs", true);
  check_gpu_size(ctx, x.batch, f);
  require_disjoint({span_of_array(counts, k, "counts"), span_of(means, "means"),
                    span_of(covs, "covs")},
                   {span_of(x, "x"), span_of_array(resp, x.batch * k, "resp")});
  if (ctx.on_gpu()) {
#if BOLTZKIT_WITH_CUDA
    backend::gpu::weighted_statistics(ctx, x, resp, k, counts, means, covs);
#else
    boltzkit::detail::gpu_backend_not_built();
#endif
  } else {
    backend::cpu::weighted_statistics(x, resp, k, counts, means, covs);
  }
}

template <class T>
void kl_divergence(Context& ctx, vector_batch<const T> mean0, matrix_batch<const T> cov0,
                   vector_batch<const T> mean1, matrix_batch<const T> cov1, T* kl,
                   std::int32_t* info) {
  const std::string f = "mixture::kl_divergence: ";
  const std::int64_t batch = mean0.batch, n = mean0.dim;
  require(batch >= 0, f + "batch must be >= 0");
  require(n >= 1, f + "dimension D must be >= 1, got " + std::to_string(n));
  check_vector(mean0, batch, n, f + "mean0", false);
  check_vector(mean1, batch, n, f + "mean1", false);
  check_matrix(cov0, batch, n, f + "cov0", false);
  check_matrix(cov1, batch, n, f + "cov1", false);
  require(batch == 0 || kl != nullptr, f + "kl: null pointer (it is required)");
  require_disjoint({span_of_array(kl, batch, "kl"), span_of_array(info, batch, "info")},
                   {span_of(mean0, "mean0"), span_of(mean1, "mean1"), span_of(cov0, "cov0"),
                    span_of(cov1, "cov1")});
  if (batch == 0) return;
  if (ctx.on_gpu()) {
#if BOLTZKIT_WITH_CUDA
    backend::gpu::kl_divergence(ctx, mean0, cov0, mean1, cov1, kl, info);
#else
    boltzkit::detail::gpu_backend_not_built();
#endif
  } else {
    backend::cpu::kl_divergence(mean0, cov0, mean1, cov1, kl, info);
  }
}

BOLTZKIT_MIXTURE_INSTANTIATE(float)
BOLTZKIT_MIXTURE_INSTANTIATE(double)

}  // namespace boltzkit::mixture
