#pragma once
// The CPU executor for the library paths (host/gpu/*_chunk.hpp): kernels run on the warp
// emulator, and potrfBatched/trsmBatched are replaced by plain column-major loops with the same
// conventions (lower factor, LAPACK info, left-side solves). The potrf stand-in flags only
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
  void zero(std::int32_t* p, std::int64_t count) {
    for (std::int64_t i = 0; i < count; ++i) p[i] = 0;
  }
  int library_calls = 0;
};

}  // namespace emu
