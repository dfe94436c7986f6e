#pragma once
// Turns CUDA runtime / cuBLAS / cuSOLVER status codes into boltzkit::cuda_error with the call's
// text, file and line. Only for host code that includes the CUDA headers.
#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cusolverDn.h>

#include <string>

#include "boltzkit/errors.hpp"
#include "host/core/cuda_libraries.hpp"

namespace boltzkit::detail {

inline void check_cuda(cudaError_t status, const char* call, const char* file, int line) {
  if (status != cudaSuccess) throw cuda_error(call, cudaGetErrorString(status), file, line);
}
inline void check_cuda(cublasStatus_t status, const char* call, const char* file, int line) {
  if (status != CUBLAS_STATUS_SUCCESS)
    throw cuda_error(call, cuda_libraries::cublas().cublasGetStatusString(status), file, line);
}
inline void check_cuda(cusolverStatus_t status, const char* call, const char* file, int line) {
  if (status != CUSOLVER_STATUS_SUCCESS)
    throw cuda_error(call, "cusolver status " + std::to_string(static_cast<int>(status)), file,
                     line);
}

}  // namespace boltzkit::detail

#define BOLTZKIT_CUDA(call) ::boltzkit::detail::check_cuda((call), #call, __FILE__, __LINE__)
/// After every launch: catches bad configurations at once; asynchronous faults surface later.
#define BOLTZKIT_CHECK_LAUNCH() \
  ::boltzkit::detail::check_cuda(cudaGetLastError(), "kernel launch", __FILE__, __LINE__)
