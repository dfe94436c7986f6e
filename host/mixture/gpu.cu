// GPU backend of the mixture family (work in progress: the kernels come in the next commits).
#include <vector>

#include "backends.hpp"
#include "boltzkit/errors.hpp"
#include "fit_runner.hpp"
#include "host/core/cuda_check.hpp"

namespace boltzkit::mixture::backend::gpu {

template <class T>
void evaluate(Context&, vector_batch<const T>, const Components<T>&, const Outputs<T>&) {
  throw invalid_argument("mixture::evaluate: the GPU backend is not implemented yet");
}
template <class T>
void weighted_statistics(Context&, vector_batch<const T>, const T*, std::int64_t, T*,
                         vector_batch<T>, matrix_batch<T>) {
  throw invalid_argument("mixture::weighted_statistics: the GPU backend is not implemented yet");
}
template <class T>
void kl_divergence(Context&, vector_batch<const T>, matrix_batch<const T>, vector_batch<const T>,
                   matrix_batch<const T>, T*, std::int32_t*) {
  throw invalid_argument("mixture::kl_divergence: the GPU backend is not implemented yet");
}

#define BOLTZKIT_INSTANTIATE(T)                                                                \
  template void evaluate<T>(Context&, vector_batch<const T>, const Components<T>&,             \
                            const Outputs<T>&);                                                \
  template void weighted_statistics<T>(Context&, vector_batch<const T>, const T*,              \
                                       std::int64_t, T*, vector_batch<T>, matrix_batch<T>);    \
  template void kl_divergence<T>(Context&, vector_batch<const T>, matrix_batch<const T>,       \
                                 vector_batch<const T>, matrix_batch<const T>, T*,             \
                                 std::int32_t*);
BOLTZKIT_INSTANTIATE(float)
BOLTZKIT_INSTANTIATE(double)
#undef BOLTZKIT_INSTANTIATE

}  // namespace boltzkit::mixture::backend::gpu

namespace boltzkit::mixture::detail {

template <class T>
std::vector<double> download_points(Context& ctx, vector_batch<const T> x) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  std::vector<T> rows(static_cast<std::size_t>(x.batch * x.dim));
  if (!rows.empty())
    BOLTZKIT_CUDA(cudaMemcpy2DAsync(rows.data(), x.dim * sizeof(T), x.data,
                                    x.batch_stride * sizeof(T), x.dim * sizeof(T),
                                    static_cast<std::size_t>(x.batch), cudaMemcpyDeviceToHost,
                                    ctx.stream()));
  ctx.synchronize();
  return std::vector<double>(rows.begin(), rows.end());
}

template std::vector<double> download_points<float>(Context&, vector_batch<const float>);
template std::vector<double> download_points<double>(Context&, vector_batch<const double>);

}  // namespace boltzkit::mixture::detail
