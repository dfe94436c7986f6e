#pragma once
// The executor of the mixture family's device orchestration (host/mixture/gpu_steps.hpp,
// fit_steps.hpp) on the CPU: kernels on the warp emulator, loop stand-ins for the library
// calls, and fetch (one value read back) as a plain read.
#include <algorithm>
#include <cstddef>

#include "tests/emulation/emulated_executor.hpp"

namespace emu {

/// The linalg stand-ins plus a shaped launch and a column-major loop GEMM.
struct MixtureEmulatedExecutor : EmulatedExecutor {
  template <class... P, class... A>
  void launch_shared(void (*kernel)(P...), int blocks, int block_threads, std::size_t shared,
                     A... args) {
    emu::launch(kernel, static_cast<unsigned>(std::min(blocks, 3)), static_cast<unsigned>(block_threads),
                shared, static_cast<P>(args)...);
  }
  template <class T>
  void gemm(bool ta, bool tb, int m, int n, int k, T alpha, const T* a, int lda, const T* b,
            int ldb, T beta, T* c, int ldc) {
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < m; ++i) {
        T s = T(0);
        for (int p = 0; p < k; ++p) {
          const T av = ta ? a[i * lda + p] : a[p * lda + i];
          const T bv = tb ? b[p * ldb + j] : b[j * ldb + p];
          s += av * bv;
        }
        c[j * ldc + i] = alpha * s + (beta == T(0) ? T(0) : beta * c[j * ldc + i]);
      }
  }
  /// As cuBLAS syrk (lower, no transpose): the strict upper triangle of C stays as it was.
  template <class T>
  void syrk(int n, int k, T alpha, const T* a, int lda, T beta, T* c, int ldc) {
    for (int j = 0; j < n; ++j)
      for (int i = j; i < n; ++i) {
        T s = T(0);
        for (int p = 0; p < k; ++p) s += a[p * lda + i] * a[p * lda + j];
        c[j * ldc + i] = alpha * s + (beta == T(0) ? T(0) : beta * c[j * ldc + i]);
      }
  }
  /// One value read back: the emulated device memory is host memory.
  template <class U>
  U fetch(const U* p) {
    return *p;
  }
};

}  // namespace emu
