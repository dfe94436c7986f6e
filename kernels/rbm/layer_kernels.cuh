#pragma once
// GPU kernels of the RBM family: thin grid-stride loops around layer_sample.cuh. Internal
// linkage (static): host/rbm/gpu.cu and the emulation test each compile their own copy.
#include <cmath>

#include "layer_sample.cuh"
#include "policy.hpp"

namespace boltzkit::kernels {

/// The fused sampling step: bias, probability, Philox draw and ±1 store, one thread per group
/// of four units of one row (the GEMM's output is read once, the state written once).
static __global__ void __launch_bounds__(rbm_policy::threads) rbm_sample_kernel(RbmLayerDraw d) {
  const std::int64_t groups = rbm_groups_per_row(d.units);
  const std::int64_t total = d.rows * groups;
  for (std::int64_t e = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
       e < total; e += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t r = e / groups;
    rbm_draw_group(d, r, e - r * groups);
  }
}

/// out = tanh(β(pre + bias)) = E[unit | other layer], (rows, units) row-major.
static __global__ void __launch_bounds__(rbm_policy::threads)
    rbm_mean_field_kernel(const double* pre, const double* bias, double beta, std::int64_t rows,
                          std::int64_t units, double* out) {
  const std::int64_t total = rows * units;
  for (std::int64_t e = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
       e < total; e += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    out[e] = tanh(beta * (pre[e] + bias[e % units]));
}

/// int8 ±1 → double ±1 (the GEMM operand), n elements.
static __global__ void __launch_bounds__(rbm_policy::threads)
    rbm_widen_kernel(const std::int8_t* in, std::int64_t n, double* out) {
  for (std::int64_t e = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; e < n;
       e += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    out[e] = static_cast<double>(in[e]);
}

/// double ±1 → int8 ±1, n elements.
static __global__ void __launch_bounds__(rbm_policy::threads)
    rbm_narrow_kernel(const double* in, std::int64_t n, std::int8_t* out) {
  for (std::int64_t e = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; e < n;
       e += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    out[e] = in[e] > 0.0 ? std::int8_t{1} : std::int8_t{-1};
}

/// θ ← snap(θ + η g), n elements (rbm_snapped_step).
static __global__ void __launch_bounds__(rbm_policy::threads)
    rbm_update_kernel(double* theta, const double* g, double eta, std::int64_t n) {
  for (std::int64_t e = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; e < n;
       e += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    theta[e] = rbm_snapped_step(theta[e], eta, g[e]);
}

/// out[0 … n) = value (the ones vector of the bias-gradient GEMVs).
static __global__ void __launch_bounds__(rbm_policy::threads)
    rbm_fill_kernel(double* out, std::int64_t n, double value) {
  for (std::int64_t e = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; e < n;
       e += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    out[e] = value;
}

}  // namespace boltzkit::kernels
