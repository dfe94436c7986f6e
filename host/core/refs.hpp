#pragma once
// Public views -> kernel references.
#include "kernels/common/strided.cuh"
#include "boltzkit/views.hpp"

namespace boltzkit::gpu {

template <class T>
kernels::VectorRef<T> ref(const vector_batch<T>& v) {
  return {v.data, v.batch_stride};
}
template <class T>
kernels::MatrixRef<T> ref(const matrix_batch<T>& m) {
  return {m.data, m.batch_stride, m.row_stride};
}

}  // namespace boltzkit::gpu
