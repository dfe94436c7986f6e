#pragma once
// cuBLAS and cuSOLVER, loaded at run time (dlopen on first use) instead of linked: a CUDA build
// of the library, the command and every consumer then starts on a machine without those
// libraries (or without any NVIDIA driver) and runs on the CPU; only the first GPU call that
// needs one of them fails, with a cuda_error that names the missing library. docs/DESIGN.md
// ("CUDA is optional at run time") says why and what it measured.
//
// THE rule for GPU code: call cuBLAS / cuSOLVER only through these tables, never directly (a
// direct call links the library and the command no longer starts without it):
//
//   BOLTZKIT_CUDA(cuda_libraries::cublas().cublasDgemm(handle, ...));
//   BOLTZKIT_CUDA(cuda_libraries::cusolver().cusolverDnDpotrfBatched(handle, ...));
//
// The handle comes from Context::cublas_handle() / cusolver_handle(). To call a function that is
// not listed yet, add its name to its library's list below: one word, nothing else to change (the
// member's type is the header's own declaration, the symbol name follows the header's macros, so
// cublasDgemm loads cublasDgemm_v2).
#include <cublas_v2.h>
#include <cusolverDn.h>

// clang-format off
#define BOLTZKIT_CUBLAS_FUNCTIONS(X)                                  \
  X(cublasCreate) X(cublasDestroy) X(cublasSetStream)                 \
  X(cublasGetStatusString) X(cublasSetMathMode) X(cublasGetMathMode) \
  X(cublasSgemm) X(cublasDgemm) X(cublasSgemv) X(cublasDgemv)         \
  X(cublasSgemmStridedBatched) X(cublasDgemmStridedBatched)           \
  X(cublasSsyrk) X(cublasDsyrk) X(cublasStrsm) X(cublasDtrsm)         \
  X(cublasStrsmBatched) X(cublasDtrsmBatched)

#define BOLTZKIT_CUSOLVER_FUNCTIONS(X)                                \
  X(cusolverDnCreate) X(cusolverDnDestroy) X(cusolverDnSetStream)     \
  X(cusolverDnSpotrf_bufferSize) X(cusolverDnDpotrf_bufferSize)       \
  X(cusolverDnSpotrf) X(cusolverDnDpotrf)                             \
  X(cusolverDnSpotrs) X(cusolverDnDpotrs)                             \
  X(cusolverDnSpotrfBatched) X(cusolverDnDpotrfBatched)
// clang-format on

namespace boltzkit::cuda_libraries {

#define BOLTZKIT_CUDA_LIBRARY_MEMBER(name) decltype(&::name) name = nullptr;
/// Every listed cuBLAS function, by its own name.
struct Cublas {
  BOLTZKIT_CUBLAS_FUNCTIONS(BOLTZKIT_CUDA_LIBRARY_MEMBER)
};
/// Every listed cuSOLVER function, by its own name.
struct Cusolver {
  BOLTZKIT_CUSOLVER_FUNCTIONS(BOLTZKIT_CUDA_LIBRARY_MEMBER)
};
#undef BOLTZKIT_CUDA_LIBRARY_MEMBER

/// The loaded library (libcublas.so.<CUBLAS_VER_MAJOR>), loaded on the first call (thread-safe).
/// Throws cuda_error when the library or one of the listed functions is missing; a later call
/// tries again.
const Cublas& cublas();
/// The loaded library (libcusolver.so.<CUSOLVER_VER_MAJOR>), as cublas().
const Cusolver& cusolver();

}  // namespace boltzkit::cuda_libraries
