#pragma once
// One layer's draw of a ±1 RBM (MATH.md §2.4), shared by the CPU backend and the GPU kernel so
// that both make every decision with the same arithmetic: unit u of row r becomes +1 iff
// word < p·2³² with p = σ(2β(x + bias)) = 1/(1 + e^{−2β(x + bias)}), x the pre-activation from
// the GEMM. Only correctly rounded operations (portable_exp, rn_add, rn_mul, IEEE division), so
// equal pre-activations give equal decisions on both sides.
#include <cstdint>

#include "kernels/common/host_device.hpp"
#include "kernels/common/philox.cuh"
#include "kernels/common/portable_exp.cuh"

namespace boltzkit::kernels {

/// Units drawn per Philox4x32-10 call (one 32-bit word each).
constexpr int rbm_units_per_draw = 4;

/// Which layer a draw belongs to: the c₃ word of its Philox counter (DESIGN.md §5).
enum RbmStream : std::uint32_t {
  rbm_hidden_layer = 0,
  rbm_visible_layer = 1,
  rbm_initial_chains = 2,  // random ±1 starting states of persistent chains
  rbm_shuffle = 3,         // mini-batch order of an epoch
};

/// Everything one layer draw reads and writes. Row-major (rows, units) with leading dimension
/// `units`. `state` receives ±1.0 (the next GEMM's operand); `state_i8` (may be null) ±1.
struct RbmLayerDraw {
  const double* pre;   // pre-activations without the bias
  const double* bias;  // units
  double beta;
  std::uint64_t seed;
  std::uint32_t step;
  std::uint32_t layer;  // rbm_hidden_layer or rbm_visible_layer
  std::int64_t rows, units;
  double* state;
  std::int8_t* state_i8;
};

BOLTZKIT_HD inline std::int64_t rbm_groups_per_row(std::int64_t units) {
  return (units + rbm_units_per_draw - 1) / rbm_units_per_draw;
}

/// True iff the unit becomes +1: word < σ(2β(x + bias))·2³², compared exactly in double.
BOLTZKIT_HD inline bool rbm_unit_up(double x, double bias, double beta, std::uint32_t word) {
  const double field = rn_add(x, bias);
  const double p_up = 1.0 / rn_add(1.0, portable_exp(rn_mul(rn_mul(-2.0, beta), field)));
  return static_cast<double>(word) < rn_mul(p_up, 4294967296.0);
}

/// Draws units 4g … 4g + 3 of row r with one Philox call, counter (g, r, step, layer).
BOLTZKIT_HD inline void rbm_draw_group(const RbmLayerDraw& d, std::int64_t r, std::int64_t g) {
  const PhiloxWords w = philox(d.seed, static_cast<std::uint32_t>(g), static_cast<std::uint32_t>(r),
                               d.step, d.layer);
  const std::int64_t first = g * rbm_units_per_draw;
  for (int k = 0; k < rbm_units_per_draw; ++k) {
    const std::int64_t u = first + k;
    if (u >= d.units) break;
    const std::int64_t at = r * d.units + u;
    const bool up = rbm_unit_up(d.pre[at], d.bias[u], d.beta, w.w[k]);
    d.state[at] = up ? 1.0 : -1.0;
    if (d.state_i8 != nullptr) d.state_i8[at] = up ? std::int8_t{1} : std::int8_t{-1};
  }
}

/// Random ±1 starting state of unit u of persistent chain r (top bit of one word).
BOLTZKIT_HD inline std::int8_t rbm_initial_unit(std::uint64_t seed, std::int64_t r, std::int64_t u) {
  const PhiloxWords w = philox(seed, static_cast<std::uint32_t>(u / rbm_units_per_draw),
                               static_cast<std::uint32_t>(r), 0u, rbm_initial_chains);
  return (w.w[u % rbm_units_per_draw] >> 31) != 0 ? std::int8_t{1} : std::int8_t{-1};
}

/// θ ← nearest multiple of 2⁻³⁰ to θ + η·g (rint of an exact power-of-two scaling), the same
/// bits on both sides for the same g.
BOLTZKIT_HD inline double rbm_snapped_step(double theta, double eta, double g) {
  const double moved = rn_add(theta, rn_mul(eta, g));
  return rn_mul(rint(rn_mul(moved, 1073741824.0)), 1.0 / 1073741824.0);
}

}  // namespace boltzkit::kernels
