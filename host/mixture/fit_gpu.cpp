// mixture::fit on a GPU context: the step runner's buffers in device memory (the E-step and
// the statistics stay on the device; only K-sized results and the per-point log-likelihoods
// come back each iteration). download_points is in gpu.cu.
#include <algorithm>
#include <memory>
#include <vector>

#include "fit_runner.hpp"
#include "host/core/device_buffer.hpp"

namespace boltzkit::mixture::detail {

namespace {

struct DeviceStore {
  Context* ctx;
  template <class U>
  using Buffer = DeviceBuffer<U>;
  template <class U>
  DeviceBuffer<U> make(std::int64_t n) const {
    return DeviceBuffer<U>(static_cast<std::size_t>(std::max<std::int64_t>(n, 1)));
  }
  template <class U>
  void put(DeviceBuffer<U>& b, const std::vector<U>& h) const {
    ctx->upload(b.data(), h.data(), h.size() * sizeof(U));
  }
  template <class U>
  std::vector<U> get(const DeviceBuffer<U>& b) const {
    std::vector<U> h(b.size());
    b.download(h.data(), h.size(), ctx->stream());
    ctx->synchronize();
    return h;
  }
};

}  // namespace

template <class T>
std::unique_ptr<StepRunner> make_gpu_runner(Context& ctx, vector_batch<const T> x, std::int64_t k,
                                            EvaluateOptions eval) {
  return std::make_unique<TypedStepRunner<T, DeviceStore>>(ctx, x, k, DeviceStore{&ctx}, eval);
}

template std::unique_ptr<StepRunner> make_gpu_runner<float>(Context&, vector_batch<const float>, std::int64_t, EvaluateOptions);
template std::unique_ptr<StepRunner> make_gpu_runner<double>(Context&, vector_batch<const double>, std::int64_t, EvaluateOptions);

}  // namespace boltzkit::mixture::detail
