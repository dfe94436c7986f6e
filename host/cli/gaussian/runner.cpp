#include "runner.hpp"

namespace boltzkit::cli {

namespace {

std::size_t count(std::int64_t n) { return static_cast<std::size_t>(n); }

}  // namespace

template <class T>
GaussianRunner<T>::GaussianRunner(Context& ctx, const RunnerShape& shape)
    : ctx_(ctx), shape_(shape) {
  const std::int64_t b = shape.batch, d = shape.dim;
  log_prob_.resize(count(b));
  info_.resize(count(b));
  if (shape.grad_mean) grad_mean_.resize(count(b * d));
  if (shape.grad_matrix) grad_matrix_.resize(count(b * d * d));
  if (!ctx.on_gpu()) return;
  d_x_ = DeviceBuffer<T>(count(b * d));
  d_mean_ = DeviceBuffer<T>(mean_count());
  d_matrix_ = DeviceBuffer<T>(matrix_count());
  d_log_prob_ = DeviceBuffer<T>(log_prob_.size());
  d_info_ = DeviceBuffer<std::int32_t>(info_.size());
  d_grad_mean_ = DeviceBuffer<T>(grad_mean_.size());
  d_grad_matrix_ = DeviceBuffer<T>(grad_matrix_.size());
}

template <class T>
std::size_t GaussianRunner<T>::mean_count() const {
  return count((shape_.mean_shared ? 1 : shape_.batch) * shape_.dim);
}

template <class T>
std::size_t GaussianRunner<T>::matrix_count() const {
  return count((shape_.matrix_shared ? 1 : shape_.batch) * shape_.dim * shape_.dim);
}

template <class T>
void GaussianRunner<T>::set_x(const T* x) {
  h_x_ = x;
  if (ctx_.on_gpu()) d_x_.upload(x, d_x_.size(), ctx_.stream());
}

template <class T>
void GaussianRunner<T>::set_mean(const T* mean) {
  h_mean_ = mean;
  if (ctx_.on_gpu()) d_mean_.upload(mean, d_mean_.size(), ctx_.stream());
}

template <class T>
void GaussianRunner<T>::set_matrix(const T* matrix) {
  h_matrix_ = matrix;
  if (ctx_.on_gpu()) d_matrix_.upload(matrix, d_matrix_.size(), ctx_.stream());
}

template <class T>
void GaussianRunner<T>::run(std::int64_t first, std::int64_t count) {
  const bool gpu = ctx_.on_gpu();
  const std::int64_t d = shape_.dim;
  const std::int64_t b = count < 0 ? shape_.batch - first : count;
  const auto at = [&](auto* base, std::int64_t per_row, bool shared) {
    return base + (shared ? 0 : first * per_row);
  };
  gaussian::Inputs<T> in;
  in.x = vector_batch<const T>::packed(at(gpu ? d_x_.data() : h_x_, d, false), b, d);
  in.mean = {at(gpu ? d_mean_.data() : h_mean_, d, shape_.mean_shared), b, d,
             shape_.mean_shared ? 0 : d};
  in.matrix = {at(gpu ? d_matrix_.data() : h_matrix_, d * d, shape_.matrix_shared), b, d,
               shape_.matrix_shared ? 0 : d * d, d};
  in.parameterization = shape_.parameterization;
  gaussian::Outputs<T> out;
  out.log_prob = at(gpu ? d_log_prob_.data() : log_prob_.data(), 1, false);
  out.info = at(gpu ? d_info_.data() : info_.data(), 1, false);
  if (shape_.grad_mean)
    out.grad_mean =
        vector_batch<T>::packed(at(gpu ? d_grad_mean_.data() : grad_mean_.data(), d, false), b, d);
  if (shape_.grad_matrix)
    out.grad_matrix = matrix_batch<T>::packed(
        at(gpu ? d_grad_matrix_.data() : grad_matrix_.data(), d * d, false), b, d);
  gaussian::evaluate(ctx_, in, out);
}

template <class T>
void GaussianRunner<T>::fetch() {
  if (!ctx_.on_gpu()) return;
  d_log_prob_.download(log_prob_.data(), log_prob_.size(), ctx_.stream());
  d_info_.download(info_.data(), info_.size(), ctx_.stream());
  d_grad_mean_.download(grad_mean_.data(), grad_mean_.size(), ctx_.stream());
  d_grad_matrix_.download(grad_matrix_.data(), grad_matrix_.size(), ctx_.stream());
  ctx_.synchronize();
}

template class GaussianRunner<float>;
template class GaussianRunner<double>;

}  // namespace boltzkit::cli
