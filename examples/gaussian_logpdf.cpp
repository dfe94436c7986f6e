// A first boltzkit program: log N(x | mean, Σ) and its gradient with respect to the mean for a
// batch of two 2-D Gaussians held in host memory, so on the CPU backend (the GPU backend takes
// device pointers). Checked against the closed form of a 2 × 2 Gaussian; exits 1 on a mismatch.
#include <boltzkit/boltzkit.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

namespace {

/// log N(x | m, [[a, b], [b, c]]) for one 2-D point, written out.
double closed_form(const double* x, const double* m, const double* s) {
  const double a = s[0], b = s[1], c = s[3];
  const double det = a * c - b * b, dx = x[0] - m[0], dy = x[1] - m[1];
  const double quad = (c * dx * dx - 2 * b * dx * dy + a * dy * dy) / det;
  return -0.5 * (quad + std::log(det)) - std::log(2 * M_PI);
}

/// ∂ log N / ∂m = Σ⁻¹ (x − m), component `i`.
double closed_form_grad_mean(const double* x, const double* m, const double* s, int i) {
  const double a = s[0], b = s[1], c = s[3];
  const double det = a * c - b * b, dx = x[0] - m[0], dy = x[1] - m[1];
  return (i == 0 ? c * dx - b * dy : a * dy - b * dx) / det;
}

}  // namespace

int main() {
  std::printf("boltzkit %s: GPU backend %s, CUDA device %s\n", boltzkit::version,
              boltzkit::gpu_backend_built() ? "built" : "not built (CPU-only library)",
              boltzkit::gpu_available() ? "present" : "absent");

  const std::int64_t batch = 2, dim = 2;
  boltzkit::Context cpu(boltzkit::Backend::cpu);
  std::vector<double> x{0.5, -1.0, 1.0, 2.0}, mean{0.0, 0.0, 1.0, 1.0};
  std::vector<double> cov{2.0, 0.3, 0.3, 1.0, 1.0, 0.0, 0.0, 4.0};
  std::vector<double> log_prob(batch), grad_mean(batch * dim);
  std::vector<std::int32_t> info(batch);

  boltzkit::gaussian::Inputs<double> in;
  in.x = boltzkit::vector_batch<const double>::packed(x.data(), batch, dim);
  in.mean = boltzkit::vector_batch<const double>::packed(mean.data(), batch, dim);
  in.matrix = boltzkit::matrix_batch<const double>::packed(cov.data(), batch, dim);
  in.parameterization = boltzkit::gaussian::Parameterization::covariance;
  boltzkit::gaussian::Outputs<double> out;
  out.log_prob = log_prob.data();
  out.grad_mean = boltzkit::vector_batch<double>::packed(grad_mean.data(), batch, dim);
  out.info = info.data();
  boltzkit::gaussian::evaluate(cpu, in, out);
  cpu.synchronize();

  int failures = 0;
  for (std::int64_t b = 0; b < batch; ++b) {
    const double expected = closed_form(&x[2 * b], &mean[2 * b], &cov[4 * b]);
    bool ok = info[b] == 0 && std::abs(log_prob[b] - expected) <= 1e-12 * std::abs(expected);
    for (int i = 0; i < 2; ++i)
      ok = ok && std::abs(grad_mean[2 * b + i] -
                          closed_form_grad_mean(&x[2 * b], &mean[2 * b], &cov[4 * b], i)) <= 1e-12;
    failures += ok ? 0 : 1;
    std::printf("log p[%ld] = %.12f (closed form %.12f, info %d) %s\n", static_cast<long>(b),
                log_prob[b], expected, info[b], ok ? "ok" : "MISMATCH");
  }
  return failures == 0 ? 0 : 1;
}
