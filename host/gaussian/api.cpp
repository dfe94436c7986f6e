// gaussian::evaluate: validates every argument, then hands the batch to the chosen backend.
#include "boltzkit/gaussian.hpp"

#include "backends.hpp"
#include "host/core/validate.hpp"
#include "host/core/gpu_call.hpp"

namespace boltzkit::gaussian {

namespace {

template <class T>
void validate(const Inputs<T>& in, const Outputs<T>& out) {
  using namespace detail;
  const std::int64_t batch = in.x.batch;
  const std::int64_t dim = in.x.dim;
  check_batch_and_dim(batch, dim);
  check_vector(in.x, batch, dim, "x", false);
  check_vector(in.mean, batch, dim, "mean", false);
  check_matrix(in.matrix, batch, dim, "matrix", false);
  require(batch == 0 || out.log_prob != nullptr, "log_prob: null pointer (it is required)");
  if (out.grad_mean.data) check_vector(out.grad_mean, batch, dim, "grad_mean", true);
  if (out.grad_x.data) check_vector(out.grad_x, batch, dim, "grad_x", true);
  if (out.grad_matrix.data) check_matrix(out.grad_matrix, batch, dim, "grad_matrix", true);
  require_disjoint(
      {span_of_array(out.log_prob, batch, "log_prob"), span_of_array(out.info, batch, "info"),
       span_of(out.grad_mean, "grad_mean"), span_of(out.grad_x, "grad_x"),
       span_of(out.grad_matrix, "grad_matrix")},
      {span_of(in.x, "x"), span_of(in.mean, "mean"), span_of(in.matrix, "matrix")});
}

}  // namespace

template <class T>
void evaluate(Context& ctx, const Inputs<T>& in, const Outputs<T>& out) {
  validate(in, out);
  if (in.x.batch == 0) return;
  if (ctx.on_gpu())
    BOLTZKIT_GPU_CALL(backend::gpu::evaluate(ctx, in, out));
  else
    backend::cpu::evaluate(in, out);
}

template void evaluate<float>(Context&, const Inputs<float>&, const Outputs<float>&);
template void evaluate<double>(Context&, const Inputs<double>&, const Outputs<double>&);

}  // namespace boltzkit::gaussian
