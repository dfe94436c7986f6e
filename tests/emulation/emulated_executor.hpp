#pragma once
// The CPU executor for the library paths (host/gpu/*_chunk.hpp): kernels run on the warp
// emulator, and potrfBatched/trsmBatched are replaced by plain column-major loops with the same
// conventions (lower factor, LAPACK info, left- and right-side solves, strided GEMMs). The potrf stand-in flags only
// pivots <= 0, like an implementation blind to NaN, so the library path's own diagonal re-check
// is what must catch NaN and Inf.
#include <cmath>
#include <cstdint>

#include "warp_emulator.hpp"

namespace emu {

class EmulatedExecutor {
 public:
  static constexpr unsigned threads = 64;  // small blocks, few of them: grid-stride loops cover the rest

  template <class... P, class... A>
  void launch(void (*kernel)(P...), std::int64_t, A... args) {
    emu::launch(kernel, 2, threads, 0, static_cast<P>(args)...);
  }
  template <class... P, class... A>
  void launch_warps(void (*kernel)(P...), std::int64_t, A... args) {
    emu::launch(kernel, 2, threads, 0, static_cast<P>(args)...);
  }
  template <class... P, class... A>
  void launch_blocks(void (*kernel)(P...), std::int64_t, A... args) {
    emu::launch(kernel, 3, threads, 0, static_cast<P>(args)...);
  }
  template <class T>
  void potrf(int n, T** a, std::int32_t* info, std::int64_t count) {
    ++library_calls;
    for (std::int64_t m = 0; m < count; ++m) {
      T* f = a[m];
      info[m] = 0;
      auto at = [&](int r, int c) -> T& { return f[static_cast<std::int64_t>(c) * n + r]; };
      for (int j = 0; j < n; ++j) {
        T s = at(j, j);
        for (int p = 0; p < j; ++p) s -= at(j, p) * at(j, p);
        if (s <= T(0)) {
          info[m] = j + 1;
          break;
        }
        at(j, j) = std::sqrt(s);
        for (int i = j + 1; i < n; ++i) {
          T t = at(i, j);
          for (int p = 0; p < j; ++p) t -= at(i, p) * at(j, p);
          // A zero stays zero even under a NaN pivot: like OpenBLAS, which goes on past a NaN
          // pivot and then reports a later zero one, so the re-check must look before it.
          at(i, j) = t == T(0) ? T(0) : t / at(j, j);
        }
      }
    }
  }
  template <class T>
  void solve(bool transpose, int n, int cols, T** l, T** b, std::int64_t count) {
    ++library_calls;
    widest_solve = cols > widest_solve ? cols : widest_solve;
    for (std::int64_t m = 0; m < count; ++m) {
      auto L = [&](int r, int c) { return l[m][static_cast<std::int64_t>(c) * n + r]; };
      for (int col = 0; col < cols; ++col) {
        T* x = b[m] + static_cast<std::int64_t>(col) * n;
        if (!transpose) {
          for (int i = 0; i < n; ++i) {
            T s = x[i];
            for (int p = 0; p < i; ++p) s -= L(i, p) * x[p];
            x[i] = s / L(i, i);
          }
        } else {
          for (int i = n - 1; i >= 0; --i) {
            T s = x[i];
            for (int p = i + 1; p < n; ++p) s -= L(p, i) * x[p];
            x[i] = s / L(i, i);
          }
        }
      }
    }
  }
  /// trsmBatched, lower, non-transposed, non-unit: right: B (m x k) <- alpha B A^-1 (A k x k),
  /// left: B <- alpha A^-1 B (A m x m); leading dimensions `ld`.
  template <class T>
  void trsm(bool right, T alpha, int m, int k, int ld, T** a, T** b, std::int64_t batch) {
    ++library_calls;
    for (std::int64_t e = 0; e < batch; ++e) {
      auto A = [&](int r, int c) { return a[e][static_cast<std::int64_t>(c) * ld + r]; };
      auto B = [&](int r, int c) -> T& { return b[e][static_cast<std::int64_t>(c) * ld + r]; };
      if (right) {  // X A = alpha B, last column first
        for (int j = k - 1; j >= 0; --j)
          for (int r = 0; r < m; ++r) {
            T s = alpha * B(r, j);
            for (int p = j + 1; p < k; ++p) s -= B(r, p) * A(p, j);
            B(r, j) = s / A(j, j);
          }
      } else {  // A X = alpha B, first row first
        for (int c = 0; c < k; ++c)
          for (int i = 0; i < m; ++i) {
            T s = alpha * B(i, c);
            for (int p = 0; p < i; ++p) s -= A(i, p) * B(p, c);
            B(i, c) = s / A(i, i);
          }
      }
    }
  }
  /// gemmStridedBatched with B not transposed: C <- alpha op(A) B + beta C, column-major.
  template <class T>
  void gemm_strided(bool transpose_a, int m, int n, int k, T alpha, const T* a, int lda,
                    std::int64_t stride_a, const T* b, int ldb, std::int64_t stride_b, T beta, T* c,
                    int ldc, std::int64_t stride_c, std::int64_t batch) {
    ++library_calls;
    for (std::int64_t e = 0; e < batch; ++e) {
      const T* ae = a + e * stride_a;
      const T* be = b + e * stride_b;
      T* ce = c + e * stride_c;
      for (int j = 0; j < n; ++j)
        for (int i = 0; i < m; ++i) {
          T s = T(0);
          for (int p = 0; p < k; ++p) {
            const T aip = transpose_a ? ae[static_cast<std::int64_t>(i) * lda + p]
                                      : ae[static_cast<std::int64_t>(p) * lda + i];
            s += aip * be[static_cast<std::int64_t>(j) * ldb + p];
          }
          T& out = ce[static_cast<std::int64_t>(j) * ldc + i];
          out = beta == T(0) ? alpha * s : alpha * s + beta * out;  // beta = 0 ignores C, as cuBLAS
        }
    }
  }
  void zero(std::int32_t* p, std::int64_t count) {
    for (std::int64_t i = 0; i < count; ++i) p[i] = 0;
  }
  int library_calls = 0;
  int widest_solve = 0;  // most right-hand-side columns of any solve() call
};

}  // namespace emu
