// The Context of a CUDA build (host/core/context_cpu_only.cpp is the one of a CPU-only build).
// cuBLAS and cuSOLVER handles are made through host/core/cuda_libraries.hpp, so those libraries
// are loaded only when a GPU call first needs one.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstring>

#include "boltzkit/context.hpp"
#include "cuda_check.hpp"
#include "cuda_libraries.hpp"
#include "tuning.hpp"
#include "validate.hpp"

namespace boltzkit {

bool gpu_available() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no device" status so later calls start clean
    return false;
  }
  return count > 0;
}

struct Context::State {
  Backend backend = Backend::cpu;
  int device = 0;
  cudaStream_t stream = nullptr;
  bool owns_stream = false;
  cublasHandle_t cublas = nullptr;
  cusolverDnHandle_t cusolver = nullptr;
  void* workspace = nullptr;
  std::size_t capacity = 0;
  // upload(): pinned buffers used in turn; each one's event marks the end of its last copy.
  struct Staging {
    void* pinned = nullptr;
    std::size_t capacity = 0;
    cudaEvent_t copied = nullptr;
  };
  static constexpr int staging_slots = tuning::upload_staging_slots;
  Staging staging[staging_slots];
  int next_staging = 0;

  ~State() {
    if (backend != Backend::gpu) return;
    struct ClearErrors {  // errors ignored here must not surface at the caller's next check
      ~ClearErrors() { cudaGetLastError(); }
    } clear;
    // Destructors must not throw: errors here are ignored on purpose.
    cudaSetDevice(device);
    if (workspace != nullptr) cudaFreeAsync(workspace, stream);
    // Handles exist only if their library was loaded, so the tables below are already there.
    if (cublas != nullptr) cuda_libraries::cublas().cublasDestroy(cublas);
    if (cusolver != nullptr) cuda_libraries::cusolver().cusolverDnDestroy(cusolver);
    if (stream != nullptr) cudaStreamSynchronize(stream);
    for (Staging& slot : staging) {
      if (slot.pinned != nullptr) cudaFreeHost(slot.pinned);
      if (slot.copied != nullptr) cudaEventDestroy(slot.copied);
    }
    if (owns_stream && stream != nullptr) cudaStreamDestroy(stream);
  }
};

Context::Context(Backend backend, int device, CUstream_st* stream)
    : state_(std::make_unique<State>()) {
  const bool have_gpu = gpu_available();
  if (backend == Backend::gpu && !have_gpu)
    throw invalid_argument("backend gpu requested but no CUDA device is available");
  if (backend == Backend::automatic) backend = have_gpu ? Backend::gpu : Backend::cpu;
  state_->device = device;
  if (backend != Backend::gpu) {
    state_->backend = backend;
    return;
  }
  int count = 0;
  BOLTZKIT_CUDA(cudaGetDeviceCount(&count));
  detail::require(
      device >= 0 && device < count,
      "device " + std::to_string(device) + " out of range [0, " + std::to_string(count) + ")");
  BOLTZKIT_CUDA(cudaSetDevice(device));
  if (stream != nullptr) {
    state_->stream = stream;
  } else {
    BOLTZKIT_CUDA(cudaStreamCreateWithFlags(&state_->stream, cudaStreamNonBlocking));
    state_->owns_stream = true;
  }
  state_->backend = Backend::gpu;  // only now: ~State() cleans up a fully built GPU state
}

Context::~Context() = default;
Context::Context(Context&&) noexcept = default;
Context& Context::operator=(Context&&) noexcept = default;

Backend Context::backend() const { return state_->backend; }
int Context::device() const { return state_->device; }
CUstream_st* Context::stream() const { return state_->stream; }

void Context::synchronize() const {
  if (state_->backend != Backend::gpu) return;
  BOLTZKIT_CUDA(cudaStreamSynchronize(state_->stream));
}

void* Context::cublas_handle() {
  if (state_->cublas == nullptr) {
    BOLTZKIT_CUDA(cudaSetDevice(state_->device));
    const cuda_libraries::Cublas& lib = cuda_libraries::cublas();
    BOLTZKIT_CUDA(lib.cublasCreate(&state_->cublas));
    BOLTZKIT_CUDA(lib.cublasSetStream(state_->cublas, state_->stream));
  }
  return state_->cublas;
}

void* Context::cusolver_handle() {
  if (state_->cusolver == nullptr) {
    BOLTZKIT_CUDA(cudaSetDevice(state_->device));
    const cuda_libraries::Cusolver& lib = cuda_libraries::cusolver();
    BOLTZKIT_CUDA(lib.cusolverDnCreate(&state_->cusolver));
    BOLTZKIT_CUDA(lib.cusolverDnSetStream(state_->cusolver, state_->stream));
  }
  return state_->cusolver;
}

void* Context::workspace(std::size_t bytes) {
  detail::require(state_->backend == Backend::gpu, "workspace() needs a gpu context");
  if (bytes <= state_->capacity) return state_->workspace;
  // Growing inside a capture would hand the graph's memory to later calls (and free memory a
  // graph still uses afterwards): make the first call outside the capture.
  cudaStreamCaptureStatus capture = cudaStreamCaptureStatusNone;
  BOLTZKIT_CUDA(cudaStreamIsCapturing(state_->stream, &capture));
  detail::require(capture == cudaStreamCaptureStatusNone,
                  "the workspace would grow during stream capture: run the call once before "
                  "capturing it");
  // Grow geometrically so a sweep over sizes does not reallocate at every step.
  std::size_t grown = std::max(bytes, state_->capacity + state_->capacity / 2);
  if (state_->workspace != nullptr) BOLTZKIT_CUDA(cudaFreeAsync(state_->workspace, state_->stream));
  state_->workspace = nullptr;
  state_->capacity = 0;
  BOLTZKIT_CUDA(cudaMallocAsync(&state_->workspace, grown, state_->stream));
  state_->capacity = grown;
  return state_->workspace;
}

std::size_t Context::workspace_capacity() const { return state_->capacity; }

void Context::upload(void* dst, const void* src, std::size_t bytes) {
  detail::require(state_->backend == Backend::gpu, "upload() needs a gpu context");
  if (bytes == 0) return;
  cudaStreamCaptureStatus capture = cudaStreamCaptureStatusNone;
  BOLTZKIT_CUDA(cudaStreamIsCapturing(state_->stream, &capture));
  detail::require(capture == cudaStreamCaptureStatusNone,
                  "this call copies host data to the device and cannot be captured into a CUDA "
                  "graph");
  BOLTZKIT_CUDA(cudaSetDevice(state_->device));
  State::Staging& slot = state_->staging[state_->next_staging];
  state_->next_staging = (state_->next_staging + 1) % State::staging_slots;
  // Waits only for this slot's previous copy, staging_slots uploads ago.
  if (slot.copied != nullptr)
    BOLTZKIT_CUDA(cudaEventSynchronize(slot.copied));
  else
    BOLTZKIT_CUDA(cudaEventCreateWithFlags(&slot.copied, cudaEventDisableTiming));
  if (slot.capacity < bytes) {
    const std::size_t grown = std::max<std::size_t>({bytes, 2 * slot.capacity, 4096});
    if (slot.pinned != nullptr) BOLTZKIT_CUDA(cudaFreeHost(slot.pinned));
    slot.pinned = nullptr;
    slot.capacity = 0;
    if (cudaMallocHost(&slot.pinned, grown) != cudaSuccess) {
      // No pinned memory to be had: the pageable copy still works, it may just wait.
      cudaGetLastError();
      slot.pinned = nullptr;
      BOLTZKIT_CUDA(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, state_->stream));
      BOLTZKIT_CUDA(cudaEventRecord(slot.copied, state_->stream));
      return;
    }
    slot.capacity = grown;
  }
  std::memcpy(slot.pinned, src, bytes);
  BOLTZKIT_CUDA(cudaMemcpyAsync(dst, slot.pinned, bytes, cudaMemcpyHostToDevice, state_->stream));
  BOLTZKIT_CUDA(cudaEventRecord(slot.copied, state_->stream));
}

}  // namespace boltzkit
