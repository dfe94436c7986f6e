#pragma once
// Backend entry points of boltzkit::mixture. Arguments are already validated by
// host/mixture/api.cpp; the GPU functions only enqueue work on ctx's stream.
#include "boltzkit/mixture.hpp"

namespace boltzkit::mixture::backend {

namespace cpu {
/// float64 inside, whatever T is; OpenMP over tiles of points.
template <class T>
void evaluate(vector_batch<const T> x, const Components<T>& c, const Outputs<T>& out,
              const EvaluateOptions& options);
template <class T>
void weighted_statistics(vector_batch<const T> x, const T* resp, std::int64_t k, T* counts,
                         vector_batch<T> means, matrix_batch<T> covs);
template <class T>
void kl_divergence(vector_batch<const T> mean0, matrix_batch<const T> cov0,
                   vector_batch<const T> mean1, matrix_batch<const T> cov1, T* kl,
                   std::int32_t* info);
}  // namespace cpu

namespace gpu {
/// Fused kernel for D <= gpu_fused_max_dim, cuBLAS whitening beyond.
template <class T>
void evaluate(Context& ctx, vector_batch<const T> x, const Components<T>& c,
              const Outputs<T>& out, const EvaluateOptions& options);
template <class T>
void weighted_statistics(Context& ctx, vector_batch<const T> x, const T* resp, std::int64_t k,
                         T* counts, vector_batch<T> means, matrix_batch<T> covs);
template <class T>
void kl_divergence(Context& ctx, vector_batch<const T> mean0, matrix_batch<const T> cov0,
                   vector_batch<const T> mean1, matrix_batch<const T> cov1, T* kl,
                   std::int32_t* info);
}  // namespace gpu

}  // namespace boltzkit::mixture::backend
