#pragma once
// Owning device memory for the command's GPU path. The library's views never own memory, and
// this helper is the command's business, so it lives here rather than in the public headers.
// The header stays free of CUDA includes; the members are instantiated in device_buffer.cpp.
#include <cstddef>
#include <cstdint>
#include <string>

struct CUstream_st;

namespace boltzkit::cli {

template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  /// cudaMalloc of `count` elements (nothing for 0); throws cuda_error.
  explicit DeviceBuffer(std::size_t count);
  ~DeviceBuffer();
  DeviceBuffer(DeviceBuffer&& other) noexcept;
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  T* get() const { return data_; }
  std::size_t size() const { return size_; }

  /// Stream-ordered copies of the first `count` elements; the caller synchronizes the stream
  /// before reading `host` (download) or reusing it (upload from pageable memory may stage).
  void upload(const T* host, std::size_t count, CUstream_st* stream);
  void download(T* host, std::size_t count, CUstream_st* stream) const;

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

extern template class DeviceBuffer<float>;
extern template class DeviceBuffer<double>;
extern template class DeviceBuffer<std::int32_t>;

/// "NVIDIA H100 80GB HBM3" and the like; throws cuda_error.
std::string device_name(int device);

}  // namespace boltzkit::cli
