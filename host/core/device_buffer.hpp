#pragma once
// THE owning device buffer of the project: the library's own scratch memory lives in the
// Context workspace, and everything else that holds device memory — the command's GPU path,
// the GPU tests, the benchmarks — holds it in one of these. The header is free of CUDA includes
// so that host code built with plain g++ can hold one; the members are instantiated in
// device_buffer.cpp for the element types below.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

struct CUstream_st;

namespace boltzkit {

template <class T>
class DeviceBuffer {
 public:
  static constexpr std::size_t whole = std::numeric_limits<std::size_t>::max();

  DeviceBuffer() = default;
  /// cudaMalloc of `count` elements (nothing for 0); throws cuda_error.
  explicit DeviceBuffer(std::size_t count);
  /// Allocates host.size() elements and uploads them (synchronous, as upload(host)).
  explicit DeviceBuffer(const std::vector<T>& host);
  ~DeviceBuffer();
  DeviceBuffer(DeviceBuffer&& other) noexcept;
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  T* data() const { return data_; }
  std::size_t size() const { return size_; }
  std::size_t bytes() const { return size_ * sizeof(T); }

  /// Stream-ordered copies of the first `count` elements: the library's streams are
  /// non-blocking, so a copy must be queued on the same stream as the work that reads it. The
  /// caller synchronizes the stream before reading `host` (download) or reusing it (upload).
  void upload(const T* host, std::size_t count, CUstream_st* stream);
  void download(T* host, std::size_t count, CUstream_st* stream) const;

  /// Synchronous copies for tests and benchmark setup. upload() waits for the whole device, so
  /// that work queued afterwards on any stream (the library's are non-blocking) sees the data.
  void upload(const std::vector<T>& host);
  /// The first min(count, size()) elements.
  std::vector<T> download(std::size_t count = whole) const;

  /// cudaMemset of every byte of the buffer (synchronous), e.g. to poison outputs.
  void fill_bytes(unsigned char value);

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

extern template class DeviceBuffer<float>;
extern template class DeviceBuffer<double>;
extern template class DeviceBuffer<std::int8_t>;
extern template class DeviceBuffer<std::uint8_t>;
extern template class DeviceBuffer<std::int32_t>;
extern template class DeviceBuffer<std::uint32_t>;
extern template class DeviceBuffer<std::uint64_t>;

/// "NVIDIA H100 80GB HBM3" and the like; throws cuda_error.
std::string device_name(int device);

}  // namespace boltzkit
