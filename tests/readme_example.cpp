// The C++ example of README.md, kept compiling and running by the test suite. Keep in sync.
#include <boltzkit/boltzkit.hpp>

#include <cstdio>
#include <vector>

int main() {
  boltzkit::Context ctx(boltzkit::Backend::cpu);  // Backend::automatic picks the GPU if present
  const std::int64_t batch = 2, dim = 2;
  std::vector<double> x{0.5, -1.0, 1.0, 2.0}, mean{0.0, 0.0, 1.0, 1.0};
  std::vector<double> cov{2.0, 0.3, 0.3, 1.0,   1.0, 0.0, 0.0, 4.0};
  std::vector<double> log_prob(batch), grad_mean(batch * dim), grad_cov(batch * dim * dim);
  std::vector<std::int32_t> info(batch);

  boltzkit::gaussian::Inputs<double> in;
  in.x = boltzkit::vector_batch<const double>::packed(x.data(), batch, dim);
  in.mean = boltzkit::vector_batch<const double>::packed(mean.data(), batch, dim);
  in.matrix = boltzkit::matrix_batch<const double>::packed(cov.data(), batch, dim);
  in.parameterization = boltzkit::gaussian::Parameterization::covariance;

  boltzkit::gaussian::Outputs<double> out;
  out.log_prob = log_prob.data();
  out.grad_mean = boltzkit::vector_batch<double>::packed(grad_mean.data(), batch, dim);
  out.grad_matrix = boltzkit::matrix_batch<double>::packed(grad_cov.data(), batch, dim);
  out.info = info.data();

  boltzkit::gaussian::evaluate(ctx, in, out);
  ctx.synchronize();  // results are ready after this on either backend
  for (std::int64_t b = 0; b < batch; ++b)
    std::printf("log p[%ld] = %.6f (info %d)\n", static_cast<long>(b), log_prob[b], info[b]);
  return info[0] == 0 && info[1] == 0 ? 0 : 1;
}
