#pragma once
// The CPU backend's layer operations (host/rbm/cpu.cpp). Pre-activations are summed in float64
// in a fixed order; on the parameter grid (rbm.hpp) every partial sum is exact, so they equal
// cuBLAS's whatever order it uses.
#include <cstdint>

#include "boltzkit/rbm.hpp"

namespace boltzkit::rbm::backend::cpu::detail {

/// x (rows, H) = v (rows, V) · W, v given as ±1 doubles.
void hidden_preactivation(const Model& m, const double* v, std::int64_t rows, double* x);
/// x (rows, V) = h (rows, H) · Wᵀ.
void visible_preactivation(const Model& m, const double* h, std::int64_t rows, double* x);

}  // namespace boltzkit::rbm::backend::cpu::detail
