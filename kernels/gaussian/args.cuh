#pragma once
// The argument block shared by the small-D Gaussian kernels (fused group-tile kernel and the
// one-thread-per-matrix register kernel): strided inputs and outputs as the public views give
// them, plus the fused kernel's launch fields.
#include <cstdint>

#include "kernels/common/strided.cuh"

namespace boltzkit::kernels {

enum class MatrixKind { covariance, precision, cholesky };

template <class T>
struct GaussianArgs {
  VectorRef<const T> x, mean;
  MatrixRef<const T> matrix;
  T* log_prob;
  std::int32_t* info;
  VectorRef<T> grad_mean, grad_x;
  MatrixRef<T> grad_matrix;
  std::int64_t batch;
  int n;
  int group_size;       // fused kernel only
  int warps_per_block;  // fused kernel only
};

constexpr double half_log_two_pi = 0.91893853320467274178;

}  // namespace boltzkit::kernels
