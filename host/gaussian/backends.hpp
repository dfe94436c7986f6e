#pragma once
// Backend entry points of gaussian::evaluate. Arguments are already validated by
// host/gaussian/api.cpp; the GPU function only enqueues work on ctx's stream.
#include "boltzkit/gaussian.hpp"

namespace boltzkit::gaussian::backend {

namespace cpu {
/// Every element in float64, whatever T is.
template <class T>
void evaluate(const Inputs<T>& in, const Outputs<T>& out);
}  // namespace cpu

namespace gpu {
/// The fused kernel for D <= fused_max_dim, the library path beyond.
template <class T>
void evaluate(Context& ctx, const Inputs<T>& in, const Outputs<T>& out);
}  // namespace gpu

}  // namespace boltzkit::gaussian::backend
