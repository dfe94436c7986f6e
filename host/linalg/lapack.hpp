#pragma once
// Typed float/double wrappers over the blocked CPU library (OpenBLAS: LAPACK through LAPACKE,
// BLAS through CBLAS) for the fast CPU path of the SPD routines. Matrices are row-major with a
// leading dimension `ld`, only the lower triangle meaningful, as everywhere in boltzkit. A
// row-major lower triangle is the column-major upper triangle of the same memory, so the LAPACK
// calls use column-major 'U' and need no transposed copies (LAPACKE's row-major mode would copy).
#include <cblas.h>
#include <lapacke.h>

#include <cmath>
#include <cstdint>
#include <type_traits>

namespace boltzkit::cpu::lapack {

inline lapack_int to_int(std::int64_t v) { return static_cast<lapack_int>(v); }

/// Lower Cholesky factor in place; 0 or the 1-based first failing pivot. OpenBLAS's potrf tests
/// only `pivot <= 0`: a NaN pivot passes that test, is stored as sqrt(NaN) on the diagonal, and
/// the factorization goes on — possibly to a later pivot that is exactly 0 and is reported
/// instead. The first failing pivot is therefore the first non-finite diagonal entry before the
/// one potrf reported (columns before it were computed), or potrf's own answer.
template <class T>
std::int32_t potrf_lower(std::int64_t n, T* a, std::int64_t ld) {
  lapack_int info;
  if constexpr (std::is_same_v<T, double>)
    info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'U', to_int(n), a, to_int(ld));
  else
    info = LAPACKE_spotrf_work(LAPACK_COL_MAJOR, 'U', to_int(n), a, to_int(ld));
  const std::int64_t computed = info > 0 ? static_cast<std::int64_t>(info) - 1 : n;
  for (std::int64_t k = 0; k < computed; ++k)
    if (!std::isfinite(a[k * ld + k])) return static_cast<std::int32_t>(k + 1);
  return static_cast<std::int32_t>(info);
}

/// (LLᵀ)⁻¹ in place of L, lower triangle only (potri: the triangular inverse, then LᵀL-style
/// product, both blocked).
template <class T>
void potri_lower(std::int64_t n, T* a, std::int64_t ld) {
  if constexpr (std::is_same_v<T, double>)
    LAPACKE_dpotri_work(LAPACK_COL_MAJOR, 'U', to_int(n), a, to_int(ld));
  else
    LAPACKE_spotri_work(LAPACK_COL_MAJOR, 'U', to_int(n), a, to_int(ld));
}

/// x ← L⁻¹x (transpose = false) or L⁻ᵀx (transpose = true).
template <class T>
void trsv_lower(std::int64_t n, const T* l, std::int64_t ld, T* x, bool transpose) {
  const auto t = transpose ? CblasTrans : CblasNoTrans;
  if constexpr (std::is_same_v<T, double>)
    cblas_dtrsv(CblasRowMajor, CblasLower, t, CblasNonUnit, to_int(n), l, to_int(ld), x, 1);
  else
    cblas_strsv(CblasRowMajor, CblasLower, t, CblasNonUnit, to_int(n), l, to_int(ld), x, 1);
}

/// x ← Lx (transpose = false) or Lᵀx (transpose = true).
template <class T>
void trmv_lower(std::int64_t n, const T* l, std::int64_t ld, T* x, bool transpose) {
  const auto t = transpose ? CblasTrans : CblasNoTrans;
  if constexpr (std::is_same_v<T, double>)
    cblas_dtrmv(CblasRowMajor, CblasLower, t, CblasNonUnit, to_int(n), l, to_int(ld), x, 1);
  else
    cblas_strmv(CblasRowMajor, CblasLower, t, CblasNonUnit, to_int(n), l, to_int(ld), x, 1);
}

/// Keeps OpenBLAS single-threaded while it lives, for regions where OpenMP already runs one
/// batch element per thread. The OpenMP build of OpenBLAS does this by itself inside a parallel
/// region; the pthreads build does not and would start its own threads from every OpenMP thread
/// (threads × threads on the cores), so for it the thread count is lowered and restored.
class SingleThreadedBlas {
 public:
  SingleThreadedBlas() {
    if (openblas_get_parallel() == 1) {  // 0 sequential, 1 pthreads, 2 OpenMP
      saved_ = openblas_get_num_threads();
      openblas_set_num_threads(1);
    }
  }
  ~SingleThreadedBlas() {
    if (saved_ > 0) openblas_set_num_threads(saved_);
  }
  SingleThreadedBlas(const SingleThreadedBlas&) = delete;
  SingleThreadedBlas& operator=(const SingleThreadedBlas&) = delete;

 private:
  int saved_ = 0;
};

}  // namespace boltzkit::cpu::lapack
