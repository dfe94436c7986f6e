#pragma once
// Runs gaussian::evaluate on host arrays with either backend. The library wants device
// pointers for a gpu Context, so on the gpu the runner keeps device copies of the inputs and
// outputs and moves data explicitly; on the cpu it points the views at host memory directly.
// Either way the caller sees host vectors after fetch().
#include <cstdint>
#include <vector>

#include "boltzkit/context.hpp"
#include "boltzkit/gaussian.hpp"
#include "host/core/device_buffer.hpp"

namespace boltzkit::cli {

struct RunnerShape {
  std::int64_t batch = 0;
  std::int64_t dim = 0;
  bool mean_shared = false;    ///< one mean (D,) for every row (batch_stride 0)
  bool matrix_shared = false;  ///< one matrix (D, D) for every row (batch_stride 0)
  gaussian::Parameterization parameterization = gaussian::Parameterization::covariance;
  bool grad_mean = false;
  bool grad_matrix = false;
};

template <class T>
class GaussianRunner {
 public:
  GaussianRunner(Context& ctx, const RunnerShape& shape);

  /// Host inputs, laid out as the shape says. On the cpu the pointer is kept, so the data must
  /// stay alive and unchanged until run() returns; on the gpu it is copied at once.
  void set_x(const T* x);
  void set_mean(const T* mean);
  void set_matrix(const T* matrix);

  /// Queues one evaluation (asynchronous on the gpu): of the whole batch, or of rows
  /// [first, first + count) (a count < 0 means up to the end).
  void run(std::int64_t first = 0, std::int64_t count = -1);
  /// Makes the outputs of the last run() visible in the host vectors (waits for the gpu).
  void fetch();

  const RunnerShape& shape() const { return shape_; }
  const std::vector<T>& log_prob() const { return log_prob_; }        // (B,)
  const std::vector<std::int32_t>& info() const { return info_; }     // (B,)
  const std::vector<T>& grad_mean() const { return grad_mean_; }      // (B, D) or empty
  const std::vector<T>& grad_matrix() const { return grad_matrix_; }  // (B, D, D) or empty

 private:
  std::size_t mean_count() const;
  std::size_t matrix_count() const;

  Context& ctx_;
  RunnerShape shape_;
  const T* h_x_ = nullptr;
  const T* h_mean_ = nullptr;
  const T* h_matrix_ = nullptr;
  std::vector<T> log_prob_, grad_mean_, grad_matrix_;
  std::vector<std::int32_t> info_;
  // Used only on the gpu.
  DeviceBuffer<T> d_x_, d_mean_, d_matrix_, d_log_prob_, d_grad_mean_, d_grad_matrix_;
  DeviceBuffer<std::int32_t> d_info_;
};

extern template class GaussianRunner<float>;
extern template class GaussianRunner<double>;

}  // namespace boltzkit::cli
