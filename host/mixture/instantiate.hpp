#pragma once
// The mixture family's entry points for one scalar type: the public API (api.cpp) and the GPU
// backend (gpu.cu) declare the same signatures in their own namespaces and instantiate them for
// float and double from this one list.
#define BOLTZKIT_MIXTURE_INSTANTIATE(T)                                                        \
  template void evaluate<T>(Context&, vector_batch<const T>, const Components<T>&,             \
                            const Outputs<T>&, const EvaluateOptions&);                        \
  template void weighted_statistics<T>(Context&, vector_batch<const T>, const T*,              \
                                       std::int64_t, T*, vector_batch<T>, matrix_batch<T>);    \
  template void kl_divergence<T>(Context&, vector_batch<const T>, matrix_batch<const T>,       \
                                 vector_batch<const T>, matrix_batch<const T>, T*,             \
                                 std::int32_t*);
