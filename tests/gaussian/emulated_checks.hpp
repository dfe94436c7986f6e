#pragma once
// What every Gaussian kernel's emulator test compares against and with: the float64 CPU
// backend's outputs, the poisoned strict upper triangle (only the lower one may be read,
// docs/MATH.md), bit-for-bit equality of two runs, and a problem laid into padded buffers so a
// kernel must honour every stride and write nothing outside its views.
#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <vector>

#include "boltzkit/boltzkit.hpp"
#include "tests/common/compare.hpp"

namespace boltzkit::testing {

template <class T>
HostOutputs<T> cpu_reference(const Problem<T>& p, bool gradients) {
  Context cpu(Backend::cpu);
  HostOutputs<T> host(p.batch, p.dim, gradients);
  gaussian::evaluate(cpu, p.inputs(), host.outputs(p.batch, p.dim));
  return host;
}

/// NaN, Inf, a huge and an ordinary value in turn above the diagonal of every matrix.
template <class T>
void poison_upper_triangle(Problem<T>& p) {
  const T poison[] = {std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::infinity(),
                      T(-1e30), T(7)};
  for (std::int64_t b = 0; b < p.batch; ++b)
    for (int i = 0; i < p.dim; ++i)
      for (int j = i + 1; j < p.dim; ++j)
        p.matrix[static_cast<std::size_t>((b * p.dim + i) * p.dim + j)] = poison[(b + i + j) % 4];
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

template <class T>
bool same_bits(const HostOutputs<T>& a, const HostOutputs<T>& b) {
  return a.info == b.info && same_bits(a.log_prob, b.log_prob) && same_bits(a.grad_mean, b.grad_mean) &&
         same_bits(a.grad_x, b.grad_x) && same_bits(a.grad_matrix, b.grad_matrix);
}

/// How the padded problem passes the mean: one per element, one for all (batch stride 0), or
/// none (the kernel must then take x itself as the difference; the reference needs a zero mean).
enum class MeanLayout { per_element, broadcast, absent };

/// `p` copied into buffers with padded rows and batch strides, outputs into padded buffers
/// filled with a sentinel.
template <class T>
struct PaddedProblem {
  static constexpr T sentinel = HostOutputs<T>::poison;
  std::int64_t batch;
  int n;
  std::int64_t row_stride, matrix_stride, vector_stride;
  std::vector<T> matrix, x, log_prob, grad_mean, grad_x, grad_matrix;
  std::vector<std::int32_t> info;
  gaussian::Inputs<T> in;
  gaussian::Outputs<T> out;

  PaddedProblem(const Problem<T>& p, MeanLayout mean)
      : batch(p.batch), n(p.dim), row_stride(p.dim + 3), matrix_stride((p.dim + 3) * p.dim + 5),
        vector_stride(p.dim + 7) {
    matrix.assign(static_cast<std::size_t>(batch * matrix_stride), T(-9));
    x.assign(static_cast<std::size_t>(batch * vector_stride), T(-9));
    for (std::int64_t b = 0; b < batch; ++b)
      for (int i = 0; i < n; ++i) {
        x[b * vector_stride + i] = p.x[b * n + i];
        for (int j = 0; j < n; ++j) matrix[b * matrix_stride + i * row_stride + j] = p.matrix[(b * n + i) * n + j];
      }
    in.x = vector_batch<const T>(x.data(), batch, n, vector_stride);
    if (mean != MeanLayout::absent)
      in.mean = vector_batch<const T>(p.mean.data(), batch, n, mean == MeanLayout::broadcast ? 0 : n);
    in.matrix = matrix_batch<const T>(matrix.data(), batch, n, matrix_stride, row_stride);
    in.parameterization = p.kind;
    log_prob.assign(static_cast<std::size_t>(batch), sentinel);
    info.assign(static_cast<std::size_t>(batch), -1);
    grad_mean.assign(static_cast<std::size_t>(batch * vector_stride), sentinel);
    grad_x = grad_mean;
    grad_matrix.assign(static_cast<std::size_t>(batch * matrix_stride), sentinel);
    out.log_prob = log_prob.data();
    out.info = info.data();
    out.grad_mean = vector_batch<T>(grad_mean.data(), batch, n, vector_stride);
    out.grad_x = vector_batch<T>(grad_x.data(), batch, n, vector_stride);
    out.grad_matrix = matrix_batch<T>(grad_matrix.data(), batch, n, matrix_stride, row_stride);
  }

  /// The outputs unpacked; fails the test if anything outside the views was written.
  HostOutputs<T> unpacked() const {
    HostOutputs<T> got(batch, n, true);
    got.log_prob = log_prob;
    got.info = info;
    for (std::int64_t b = 0; b < batch; ++b) {
      for (int i = 0; i < n; ++i) {
        got.grad_mean[b * n + i] = grad_mean[b * vector_stride + i];
        got.grad_x[b * n + i] = grad_x[b * vector_stride + i];
        for (int j = 0; j < n; ++j)
          got.grad_matrix[(b * n + i) * n + j] = grad_matrix[b * matrix_stride + i * row_stride + j];
        for (std::int64_t j = n; j < row_stride && i * row_stride + j < matrix_stride; ++j)
          EXPECT_EQ(grad_matrix[b * matrix_stride + i * row_stride + j], sentinel) << "row padding written";
      }
      for (std::int64_t i = n; i < vector_stride; ++i) {
        EXPECT_EQ(grad_mean[b * vector_stride + i], sentinel) << "vector padding written";
        EXPECT_EQ(grad_x[b * vector_stride + i], sentinel) << "vector padding written";
      }
    }
    return got;
  }
};

}  // namespace boltzkit::testing
