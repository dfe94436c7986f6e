#pragma once
// Small CUDA helpers for the benchmark programs: an owning device buffer, an event pair, device
// facts, and a device-to-device copy bandwidth probe. Host C++ only (compiles with g++); every
// CUDA status is checked and turned into std::runtime_error with the call's text.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace boltzkit::bench {

inline void check(cudaError_t status, const char* call, const char* file, int line) {
  if (status != cudaSuccess)
    throw std::runtime_error(std::string(call) + " failed: " + cudaGetErrorString(status) + " (" +
                             file + ":" + std::to_string(line) + ")");
}

}  // namespace boltzkit::bench

#define BENCH_CUDA(call) ::boltzkit::bench::check((call), #call, __FILE__, __LINE__)

namespace boltzkit::bench {

/// Owning cudaMalloc'd array of `count` elements of T. Move-only.
template <class T>
class device_buffer {
 public:
  device_buffer() = default;
  explicit device_buffer(std::size_t count) : count_(count) {
    if (count_ > 0) BENCH_CUDA(cudaMalloc(reinterpret_cast<void**>(&data_), bytes()));
  }
  ~device_buffer() {
    if (data_ != nullptr) cudaFree(data_);  // destructors must not throw: status ignored
  }
  device_buffer(device_buffer&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)), count_(std::exchange(o.count_, 0)) {}
  device_buffer& operator=(device_buffer&& o) noexcept {
    if (this != &o) {
      if (data_ != nullptr) cudaFree(data_);
      data_ = std::exchange(o.data_, nullptr);
      count_ = std::exchange(o.count_, 0);
    }
    return *this;
  }
  device_buffer(const device_buffer&) = delete;
  device_buffer& operator=(const device_buffer&) = delete;

  T* data() const { return data_; }
  std::size_t size() const { return count_; }
  std::size_t bytes() const { return count_ * sizeof(T); }

  /// Synchronous host → device copy of the whole buffer.
  void upload(const std::vector<T>& host) {
    if (host.size() != count_) throw std::runtime_error("device_buffer::upload: size mismatch");
    BENCH_CUDA(cudaMemcpy(data_, host.data(), bytes(), cudaMemcpyHostToDevice));
  }
  /// Synchronous device → host copy of the first `count` elements.
  std::vector<T> download(std::size_t count) const {
    std::vector<T> host(std::min(count, count_));
    BENCH_CUDA(cudaMemcpy(host.data(), data_, host.size() * sizeof(T), cudaMemcpyDeviceToHost));
    return host;
  }

 private:
  T* data_ = nullptr;
  std::size_t count_ = 0;
};

/// Two CUDA events for timing work on one stream.
class event_pair {
 public:
  event_pair() {
    BENCH_CUDA(cudaEventCreate(&start_));
    BENCH_CUDA(cudaEventCreate(&stop_));
  }
  ~event_pair() {
    cudaEventDestroy(start_);
    cudaEventDestroy(stop_);
  }
  event_pair(const event_pair&) = delete;
  event_pair& operator=(const event_pair&) = delete;

  void start(cudaStream_t stream) { BENCH_CUDA(cudaEventRecord(start_, stream)); }
  void stop(cudaStream_t stream) { BENCH_CUDA(cudaEventRecord(stop_, stream)); }
  /// Waits for the stop event; returns the elapsed time in seconds.
  double seconds() {
    BENCH_CUDA(cudaEventSynchronize(stop_));
    float ms = 0.0f;
    BENCH_CUDA(cudaEventElapsedTime(&ms, start_, stop_));
    return 1e-3 * static_cast<double>(ms);
  }

 private:
  cudaEvent_t start_ = nullptr;
  cudaEvent_t stop_ = nullptr;
};

struct device_facts {
  std::string name;
  int major = 0, minor = 0;
  int sm_count = 0;
  std::int64_t l2_bytes = 0;
  std::int64_t global_bytes = 0;
};

inline device_facts query_device(int device) {
  cudaDeviceProp prop{};
  BENCH_CUDA(cudaGetDeviceProperties(&prop, device));
  device_facts f;
  f.name = prop.name;
  f.major = prop.major;
  f.minor = prop.minor;
  f.sm_count = prop.multiProcessorCount;
  f.l2_bytes = prop.l2CacheSize;
  f.global_bytes = static_cast<std::int64_t>(prop.totalGlobalMem);
  return f;
}

inline double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/// Device-to-device cudaMemcpyAsync of `bytes` on `stream`, `reps` timed copies after two
/// warm-ups. Returns the median bandwidth in bytes/s counting bytes read plus bytes written.
inline double measure_copy_bandwidth(cudaStream_t stream, std::size_t bytes, int reps) {
  device_buffer<unsigned char> src(bytes), dst(bytes);
  BENCH_CUDA(cudaMemsetAsync(src.data(), 0x5a, bytes, stream));
  event_pair ev;
  std::vector<double> rates;
  for (int r = -2; r < reps; ++r) {
    ev.start(stream);
    BENCH_CUDA(cudaMemcpyAsync(dst.data(), src.data(), bytes, cudaMemcpyDeviceToDevice, stream));
    ev.stop(stream);
    const double s = ev.seconds();
    if (r >= 0 && s > 0) rates.push_back(2.0 * static_cast<double>(bytes) / s);
  }
  return median(rates);
}

}  // namespace boltzkit::bench
