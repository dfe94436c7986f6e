#include "device_buffer.hpp"

#include <cuda_runtime_api.h>

#include <stdexcept>
#include <utility>

#include "boltzkit/errors.hpp"

namespace boltzkit::cli {

namespace {

void check(cudaError_t status, const char* call, int line) {
  if (status != cudaSuccess) throw cuda_error(call, cudaGetErrorString(status), __FILE__, line);
}

}  // namespace

#define CLI_CUDA(call) check((call), #call, __LINE__)

template <class T>
DeviceBuffer<T>::DeviceBuffer(std::size_t count) : size_(count) {
  if (count > 0) CLI_CUDA(cudaMalloc(reinterpret_cast<void**>(&data_), count * sizeof(T)));
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
  // Async on the context's (non-blocking) stream: a plain cudaMemcpy would be ordered against
  // the legacy default stream only, not against the library's kernels.
  if (count > 0)
    CLI_CUDA(cudaMemcpyAsync(data_, host, count * sizeof(T), cudaMemcpyHostToDevice, stream));
}

template <class T>
void DeviceBuffer<T>::download(T* host, std::size_t count, CUstream_st* stream) const {
  if (count > size_) throw std::out_of_range("DeviceBuffer::download past the end");
  if (count > 0)
    CLI_CUDA(cudaMemcpyAsync(host, data_, count * sizeof(T), cudaMemcpyDeviceToHost, stream));
}

std::string device_name(int device) {
  cudaDeviceProp prop{};
  CLI_CUDA(cudaGetDeviceProperties(&prop, device));
  return prop.name;
}

template class DeviceBuffer<float>;
template class DeviceBuffer<double>;
template class DeviceBuffer<std::int32_t>;

}  // namespace boltzkit::cli
