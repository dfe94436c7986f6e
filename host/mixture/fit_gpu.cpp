// mixture::fit on a GPU context: the step runner's buffers in device memory. The E-step, the
// statistics, the log-likelihood sum, the finiteness check and the k-means start stay on the
// device; only K-sized results and one flag per Lloyd iteration come back: an EM step's
// statistics, status and log-likelihood sum in one copy and one wait (fit_runner.hpp
// ResultLayout; DESIGN.md §6, Mixtures). The device steps are in gpu.cu / fit_steps.hpp.
#include <algorithm>
#include <memory>
#include <vector>

#include "fit_runner.hpp"
#include "host/core/device_buffer.hpp"

namespace boltzkit::mixture::detail {

namespace {

struct DeviceStore {
  static constexpr bool host_init = false;  // data and label statistics by the runner's step
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
  template <class T>
  void sum_to(Context& c, const DeviceBuffer<T>& b, std::int64_t count, double* out) const {
    sum_on_device_to(c, b.data(), count, out);
  }
  template <class T>
  bool all_finite(Context& c, vector_batch<const T> x) const {
    return all_finite_on_device(c, x);
  }
  template <class T>
  void kmeans_one_hot(Context& c, vector_batch<const T> x, std::int64_t kk, std::uint64_t seed,
                      std::int64_t init, T* resp) const {
    kmeans_one_hot_on_device(c, x, kk, seed, init, resp);
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
