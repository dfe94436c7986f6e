#pragma once
// The fused kernel's argument block from the public views (launch fields left for the caller).
#include "kernels/gaussian/args.cuh"
#include "boltzkit/gaussian.hpp"
#include "host/core/refs.hpp"

namespace boltzkit::gpu {

template <class T>
kernels::GaussianArgs<T> fused_arguments(const gaussian::Inputs<T>& in,
                                         const gaussian::Outputs<T>& out) {
  kernels::GaussianArgs<T> args{};
  args.x = ref(in.x);
  args.mean = ref(in.mean);
  args.matrix = ref(in.matrix);
  args.log_prob = out.log_prob;
  args.info = out.info;
  args.grad_mean = ref(out.grad_mean);
  args.grad_x = ref(out.grad_x);
  args.grad_matrix = ref(out.grad_matrix);
  args.batch = in.x.batch;
  args.n = static_cast<int>(in.x.dim);
  return args;
}

}  // namespace boltzkit::gpu
