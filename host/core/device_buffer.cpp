#include "device_buffer.hpp"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "cuda_check.hpp"

namespace boltzkit {

template <class T>
DeviceBuffer<T>::DeviceBuffer(std::size_t count) : size_(count) {
  if (count > 0) BOLTZKIT_CUDA(cudaMalloc(reinterpret_cast<void**>(&data_), count * sizeof(T)));
}

template <class T>
DeviceBuffer<T>::DeviceBuffer(const std::vector<T>& host) : DeviceBuffer(host.size()) {
  upload(host);
}

template <class T>
DeviceBuffer<T>::~DeviceBuffer() {
  if (data_ != nullptr) cudaFree(data_);  // a destructor must not throw; nothing to do on error
}

template <class T>
DeviceBuffer<T>::DeviceBuffer(DeviceBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

template <class T>
DeviceBuffer<T>& DeviceBuffer<T>::operator=(DeviceBuffer&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) cudaFree(data_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

template <class T>
void DeviceBuffer<T>::upload(const T* host, std::size_t count, CUstream_st* stream) {
  if (count > size_) throw std::out_of_range("DeviceBuffer::upload past the end");
  if (count > 0)
    BOLTZKIT_CUDA(cudaMemcpyAsync(data_, host, count * sizeof(T), cudaMemcpyHostToDevice, stream));
}

template <class T>
void DeviceBuffer<T>::download(T* host, std::size_t count, CUstream_st* stream) const {
  if (count > size_) throw std::out_of_range("DeviceBuffer::download past the end");
  if (count > 0)
    BOLTZKIT_CUDA(cudaMemcpyAsync(host, data_, count * sizeof(T), cudaMemcpyDeviceToHost, stream));
}

template <class T>
void DeviceBuffer<T>::upload(const std::vector<T>& host) {
  if (host.size() > size_) throw std::out_of_range("DeviceBuffer::upload past the end");
  if (host.empty()) return;
  BOLTZKIT_CUDA(cudaMemcpy(data_, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice));
  // A pageable upload may still be in flight on the legacy stream when cudaMemcpy returns, and
  // the library's non-blocking streams do not wait for it.
  BOLTZKIT_CUDA(cudaDeviceSynchronize());
}

template <class T>
std::vector<T> DeviceBuffer<T>::download(std::size_t count) const {
  std::vector<T> host(std::min(count, size_));
  if (!host.empty())
    BOLTZKIT_CUDA(
        cudaMemcpy(host.data(), data_, host.size() * sizeof(T), cudaMemcpyDeviceToHost));
  return host;
}

template <class T>
void DeviceBuffer<T>::fill_bytes(unsigned char value) {
  if (size_ > 0) BOLTZKIT_CUDA(cudaMemset(data_, value, bytes()));
}

std::string device_name(int device) {
  cudaDeviceProp prop{};
  BOLTZKIT_CUDA(cudaGetDeviceProperties(&prop, device));
  return prop.name;
}

template class DeviceBuffer<float>;
template class DeviceBuffer<double>;
template class DeviceBuffer<std::int8_t>;
template class DeviceBuffer<std::uint8_t>;
template class DeviceBuffer<std::int32_t>;
template class DeviceBuffer<std::uint32_t>;
template class DeviceBuffer<std::uint64_t>;

}  // namespace boltzkit
