// DeviceBuffer in a build without CUDA: there is no device memory, so a buffer is always empty
// and asking for elements throws, as cudaMalloc would on a machine without a device. Holders of
// a DeviceBuffer (the command's GPU path) then compile unchanged and never reach it: they fill
// their buffers only for a gpu Context, which a CPU-only build cannot make.
#include <stdexcept>
#include <utility>

#include "device_buffer.hpp"
#include "gpu_call.hpp"

namespace boltzkit {

template <class T>
DeviceBuffer<T>::DeviceBuffer(std::size_t count) {
  if (count > 0) detail::gpu_backend_not_built();
}

template <class T>
DeviceBuffer<T>::DeviceBuffer(const std::vector<T>& host) : DeviceBuffer(host.size()) {}

template <class T>
DeviceBuffer<T>::~DeviceBuffer() = default;

template <class T>
DeviceBuffer<T>::DeviceBuffer(DeviceBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

template <class T>
DeviceBuffer<T>& DeviceBuffer<T>::operator=(DeviceBuffer&& other) noexcept {
  data_ = std::exchange(other.data_, nullptr);
  size_ = std::exchange(other.size_, 0);
  return *this;
}

template <class T>
void DeviceBuffer<T>::upload(const T* /*host*/, std::size_t count, CUstream_st* /*stream*/) {
  if (count > size_) throw std::out_of_range("DeviceBuffer::upload past the end");
}

template <class T>
void DeviceBuffer<T>::download(T* /*host*/, std::size_t count, CUstream_st* /*stream*/) const {
  if (count > size_) throw std::out_of_range("DeviceBuffer::download past the end");
}

template <class T>
void DeviceBuffer<T>::upload(const std::vector<T>& host) {
  if (host.size() > size_) throw std::out_of_range("DeviceBuffer::upload past the end");
}

template <class T>
std::vector<T> DeviceBuffer<T>::download(std::size_t /*count*/) const {
  return {};
}

template <class T>
void DeviceBuffer<T>::fill_bytes(unsigned char /*value*/) {}

std::string device_name(int /*device*/) { detail::gpu_backend_not_built(); }

template class DeviceBuffer<float>;
template class DeviceBuffer<double>;
template class DeviceBuffer<std::int8_t>;
template class DeviceBuffer<std::uint8_t>;
template class DeviceBuffer<std::int32_t>;
template class DeviceBuffer<std::uint32_t>;
template class DeviceBuffer<std::uint64_t>;

}  // namespace boltzkit
