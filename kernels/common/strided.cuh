#pragma once
// Device-side strided batch references (the kernels' copy of views.hpp), int64 indexing so that
// batches with more than 2^31 elements address correctly.
#include <cstdint>

namespace boltzkit::kernels {

template <class T>
struct VectorRef {
  T* data;
  std::int64_t batch_stride;
  __device__ T& operator()(std::int64_t b, int i) const { return data[b * batch_stride + i]; }
  __host__ __device__ bool wanted() const { return data != nullptr; }
};

template <class T>
struct MatrixRef {
  T* data;
  std::int64_t batch_stride;
  std::int64_t row_stride;
  __device__ T& operator()(std::int64_t b, int i, int j) const {
    return data[b * batch_stride + i * row_stride + j];
  }
  __host__ __device__ bool wanted() const { return data != nullptr; }
};

template <class T>
__device__ T quiet_nan();
template <>
__device__ inline float quiet_nan<float>() { return __int_as_float(0x7fc00000); }
template <>
__device__ inline double quiet_nan<double>() { return __longlong_as_double(0x7ff8000000000000LL); }

}  // namespace boltzkit::kernels
