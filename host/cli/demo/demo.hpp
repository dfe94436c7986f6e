#pragma once
// The pieces of `boltzkit demo`, one file each: random test problems (demo_data.cpp), the
// throughput run with its accuracy check (demo_throughput.cpp) and the maximum-likelihood fit
// (demo_fit.cpp). demo_command.cpp strings them together and prints the report.
#include <cstdint>
#include <vector>

#include "boltzkit/context.hpp"

namespace boltzkit::cli {

/// B random Gaussians in D dimensions with one point each: Σ = AAᵀ/D + 0.1·I with A standard
/// normal (SPD, condition number a few dozen), mean standard normal, x = mean + Aε/√D.
/// Chunks of rows have their own seeded generator, so the result does not depend on threads.
struct GaussianBatch {
  std::int64_t batch = 0, dim = 0;
  std::vector<float> x;     // (B, D)
  std::vector<float> mean;  // (B, D)
  std::vector<float> cov;   // (B, D, D)
};
GaussianBatch random_gaussian_batch(std::int64_t batch, std::int64_t dim, std::uint64_t seed);

struct ThroughputResult {
  std::int64_t batch = 0, dim = 0;
  double generate_s = 0;  ///< host time to build the inputs
  double seconds_per_call = 0;
  int calls = 0;
  double elements_per_s = 0;
  double gb_per_s = 0;       ///< inputs read + outputs written, once each
  std::int64_t checked = 0;  ///< elements compared with the float64 CPU reference
  double err_logp = 0, err_grad_mean = 0, err_grad_cov = 0;
  double tolerance = 0;
  bool pass = false;
};
/// Steps (a) and (b): times log p + grad_mean + grad_cov in float32 on `ctx`, then checks a
/// sample of the results against a float64 CPU evaluation of the same elements.
ThroughputResult run_throughput(Context& ctx, std::int64_t batch, std::int64_t dim,
                                std::uint64_t seed);

struct FitResult {
  int iterations = 0;
  int evaluations = 0;
  double final_loglik = 0;  ///< average log-likelihood at the last iterate
  double mle_loglik = 0;    ///< closed-form maximum
  double gap = 0;
  double seconds = 0;
  bool pass = false;
};
/// Step (c): fits (μ, L) of a D = 4 Gaussian to 20,000 synthetic points by gradient ascent
/// with the library's gradients, and compares with the closed-form MLE.
FitResult run_fit(Context& ctx, std::uint64_t seed);

}  // namespace boltzkit::cli
