// linalg building blocks: argument checks, then the chosen backend.
#include "boltzkit/linalg.hpp"

#include "backends.hpp"
#include "host/core/validate.hpp"
#include "host/core/gpu_call.hpp"

namespace boltzkit::linalg {

namespace {
template <class T, class U>
void check_square_pair(const matrix_batch<const T>& in, const matrix_batch<U>& out,
                       const char* in_name, const char* out_name, bool allow_in_place) {
  using namespace detail;
  check_batch_and_dim(in.batch, in.dim);
  check_matrix(in, in.batch, in.dim, in_name, false);
  check_matrix(out, in.batch, in.dim, out_name, true);
  std::vector<std::pair<std::string, std::string>> allowed;
  // In place is only safe when both views address the very same elements.
  if (allow_in_place && static_cast<const void*>(in.data) == static_cast<const void*>(out.data) &&
      in.batch_stride == out.batch_stride && in.row_stride == out.row_stride)
    allowed.emplace_back(in_name, out_name);
  require_disjoint({span_of(out, out_name)}, {span_of(in, in_name)}, allowed);
}
}  // namespace

template <class T>
void cholesky(Context& ctx, matrix_batch<const T> a, matrix_batch<T> l, std::int32_t* info) {
  check_square_pair(a, l, "a", "l", true);
  detail::require_disjoint({detail::span_of_array(info, a.batch, "info"), detail::span_of(l, "l")},
                           {detail::span_of(a, "a")}, {{"l", "a"}});
  if (a.batch == 0) return;
  if (ctx.on_gpu())
    BOLTZKIT_GPU_CALL(backend::gpu::cholesky(ctx, a, l, info));
  else backend::cpu::cholesky(a, l, info);
}

template <class T>
void log_determinant(Context& ctx, matrix_batch<const T> l, T* logdet) {
  detail::check_batch_and_dim(l.batch, l.dim);
  detail::check_matrix(l, l.batch, l.dim, "l", false);
  detail::require(l.batch == 0 || logdet != nullptr, "logdet: null pointer");
  detail::require_disjoint({detail::span_of_array(logdet, l.batch, "logdet")},
                           {detail::span_of(l, "l")});
  if (l.batch == 0) return;
  if (ctx.on_gpu())
    BOLTZKIT_GPU_CALL(backend::gpu::log_determinant(ctx, l, logdet));
  else backend::cpu::log_determinant(l, logdet);
}

template <class T>
void triangular_solve(Context& ctx, matrix_batch<const T> l, vector_batch<const T> b,
                      vector_batch<T> x, bool transpose) {
  using namespace detail;
  check_batch_and_dim(l.batch, l.dim);
  check_matrix(l, l.batch, l.dim, "l", false);
  check_vector(b, l.batch, l.dim, "b", false);
  check_vector(x, l.batch, l.dim, "x", true);
  std::vector<std::pair<std::string, std::string>> allowed;
  if (static_cast<const void*>(b.data) == static_cast<const void*>(x.data) &&
      b.batch_stride == x.batch_stride)
    allowed.emplace_back("x", "b");
  require_disjoint({span_of(x, "x")}, {span_of(l, "l"), span_of(b, "b")}, allowed);
  if (l.batch == 0) return;
  if (ctx.on_gpu())
    BOLTZKIT_GPU_CALL(backend::gpu::triangular_solve(ctx, l, b, x, transpose));
  else backend::cpu::triangular_solve(l, b, x, transpose);
}

template <class T>
void triangular_inverse(Context& ctx, matrix_batch<const T> l, matrix_batch<T> inverse) {
  check_square_pair(l, inverse, "l", "inverse", false);
  if (l.batch == 0) return;
  if (ctx.on_gpu())
    BOLTZKIT_GPU_CALL(backend::gpu::inverse(ctx, l, inverse, backend::gpu::Inverse::of_triangular));
  else backend::cpu::triangular_inverse(l, inverse);
}

template <class T>
void cholesky_inverse(Context& ctx, matrix_batch<const T> l, matrix_batch<T> inverse) {
  check_square_pair(l, inverse, "l", "inverse", false);
  if (l.batch == 0) return;
  if (ctx.on_gpu())
    BOLTZKIT_GPU_CALL(backend::gpu::inverse(ctx, l, inverse, backend::gpu::Inverse::from_cholesky));
  else backend::cpu::cholesky_inverse(l, inverse);
}

#define BOLTZKIT_INSTANTIATE(T)                                                              \
  template void cholesky<T>(Context&, matrix_batch<const T>, matrix_batch<T>, std::int32_t*); \
  template void log_determinant<T>(Context&, matrix_batch<const T>, T*);                     \
  template void triangular_solve<T>(Context&, matrix_batch<const T>, vector_batch<const T>,  \
                                    vector_batch<T>, bool);                                  \
  template void triangular_inverse<T>(Context&, matrix_batch<const T>, matrix_batch<T>);     \
  template void cholesky_inverse<T>(Context&, matrix_batch<const T>, matrix_batch<T>);
BOLTZKIT_INSTANTIATE(float)
BOLTZKIT_INSTANTIATE(double)

}  // namespace boltzkit::linalg
