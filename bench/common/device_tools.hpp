#pragma once
// CUDA helpers for the benchmark programs: an event pair, device facts, and a device-to-device
// copy bandwidth probe. Host C++ only (compiles with g++). Device memory is the project's
// DeviceBuffer and every CUDA status goes through BOLTZKIT_CUDA, as everywhere else.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "host/core/cuda_check.hpp"
#include "host/core/device_buffer.hpp"

namespace boltzkit::bench {

/// Two CUDA events for timing work on one stream.
class event_pair {
 public:
  event_pair() {
    BOLTZKIT_CUDA(cudaEventCreate(&start_));
    BOLTZKIT_CUDA(cudaEventCreate(&stop_));
  }
  ~event_pair() {
    cudaEventDestroy(start_);
    cudaEventDestroy(stop_);
  }
  event_pair(const event_pair&) = delete;
  event_pair& operator=(const event_pair&) = delete;

  void start(cudaStream_t stream) { BOLTZKIT_CUDA(cudaEventRecord(start_, stream)); }
  void stop(cudaStream_t stream) { BOLTZKIT_CUDA(cudaEventRecord(stop_, stream)); }
  /// Waits for the stop event; returns the elapsed time in seconds.
  double seconds() {
    BOLTZKIT_CUDA(cudaEventSynchronize(stop_));
    float ms = 0.0f;
    BOLTZKIT_CUDA(cudaEventElapsedTime(&ms, start_, stop_));
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
  BOLTZKIT_CUDA(cudaGetDeviceProperties(&prop, device));
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
  DeviceBuffer<unsigned char> src(bytes), dst(bytes);
  BOLTZKIT_CUDA(cudaMemsetAsync(src.data(), 0x5a, bytes, stream));
  event_pair ev;
  std::vector<double> rates;
  for (int r = -2; r < reps; ++r) {
    ev.start(stream);
    BOLTZKIT_CUDA(cudaMemcpyAsync(dst.data(), src.data(), bytes, cudaMemcpyDeviceToDevice, stream));
    ev.stop(stream);
    const double s = ev.seconds();
    if (r >= 0 && s > 0) rates.push_back(2.0 * static_cast<double>(bytes) / s);
  }
  return median(rates);
}

}  // namespace boltzkit::bench
