#pragma once
/// \file context.hpp
/// boltzkit::Context owns everything a call needs besides its data: the backend choice, the CUDA
/// stream, lazily created cuBLAS/cuSOLVER handles and a reusable device workspace. Every public
/// function takes one as its first argument; there is no other hidden state.
#include <cstddef>
#include <memory>
#include <string>

struct CUstream_st;  // what cudaStream_t points to; keeps this header free of CUDA includes

namespace boltzkit {

enum class Backend { automatic, cpu, gpu };

/// "auto", "cpu" or "gpu" (throws invalid_argument otherwise).
Backend parse_backend(const std::string& name);
const char* backend_name(Backend backend);

/// True when this boltzkit was built with its GPU backend (a CUDA build, BOLTZKIT_ENABLE_CUDA);
/// false for a CPU-only build, where Backend::gpu throws invalid_argument.
bool gpu_backend_built();

/// True when the GPU backend was built and the CUDA runtime sees at least one device (false, not
/// an error, on a machine with no NVIDIA driver).
bool gpu_available();

class Context {
 public:
  /// automatic resolves to gpu when a CUDA device is present, else cpu. Asking for gpu without a
  /// device (or from a CPU-only build) throws invalid_argument. A gpu context creates its own non-blocking stream on
  /// `device` unless `stream` is given (then the caller keeps ownership).
  explicit Context(Backend backend = Backend::automatic, int device = 0,
                   CUstream_st* stream = nullptr);
  ~Context();
  Context(Context&&) noexcept;
  Context& operator=(Context&&) noexcept;
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  Backend backend() const;  ///< cpu or gpu, never automatic
  bool on_gpu() const { return backend() == Backend::gpu; }
  int device() const;
  CUstream_st* stream() const;  ///< nullptr for a cpu context

  /// Blocks until all work queued on the stream has finished (no-op on cpu). Also rethrows
  /// asynchronous CUDA errors as cuda_error.
  void synchronize() const;

  /// Opaque handles, created on first use (cublasHandle_t / cusolverDnHandle_t); the first one
  /// loads cuBLAS / cuSOLVER, and throws cuda_error naming the library if it is not installed.
  void* cublas_handle();
  void* cusolver_handle();

  /// Device scratch of at least `bytes`, reused across calls and grown in stream order
  /// (cudaMallocAsync), so growing never synchronizes the host. Valid until the next call.
  void* workspace(std::size_t bytes);
  std::size_t workspace_capacity() const;

  /// Copies `bytes` from host memory `src` to device memory `dst` in stream order, through
  /// pinned staging memory the context owns (a ring of 8 buffers), and returns without keeping
  /// `src`. It waits only for the copy made 8 uploads earlier (so for the work queued before
  /// that one), not for the latest work: cudaMemcpyAsync from pageable memory may wait for the
  /// whole stream. Falls back to that pageable copy if no pinned memory can be had. Throws
  /// invalid_argument during stream capture: a graph would replay whatever the reused staging
  /// buffer holds then.
  void upload(void* dst, const void* src, std::size_t bytes);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace boltzkit
