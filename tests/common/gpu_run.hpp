#pragma once
// Runs a host Problem through the GPU backend: uploads, evaluates with poisoned device outputs,
// downloads. The host copy keeps whatever the device wrote (poison where nothing was written).
#include "compare.hpp"
#include "gpu_skip.hpp"
#include "problems.hpp"

namespace boltzkit::testing {

template <class T>
struct DeviceProblem {
  DeviceBuffer<T> x, mean, matrix;
  explicit DeviceProblem(const Problem<T>& p) : x(p.x), mean(p.mean), matrix(p.matrix) {}
  gaussian::Inputs<T> inputs(const Problem<T>& p) const {
    gaussian::Inputs<T> in;
    in.x = vector_batch<const T>::packed(x.data(), p.batch, p.dim);
    in.mean = vector_batch<const T>::packed(mean.data(), p.batch, p.dim);
    in.matrix = matrix_batch<const T>::packed(matrix.data(), p.batch, p.dim);
    in.parameterization = p.kind;
    return in;
  }
};

template <class T>
struct DeviceOutputs {
  DeviceBuffer<T> log_prob, grad_mean, grad_x, grad_matrix;
  DeviceBuffer<std::int32_t> info;
  bool gradients;
  explicit DeviceOutputs(const HostOutputs<T>& poisoned)
      : log_prob(poisoned.log_prob), grad_mean(poisoned.grad_mean), grad_x(poisoned.grad_x),
        grad_matrix(poisoned.grad_matrix), info(poisoned.info),
        gradients(!poisoned.grad_mean.empty()) {}
  gaussian::Outputs<T> outputs(std::int64_t batch, int dim) const {
    gaussian::Outputs<T> out;
    out.log_prob = log_prob.data();
    out.info = info.data();
    if (gradients) {
      out.grad_mean = vector_batch<T>::packed(grad_mean.data(), batch, dim);
      out.grad_x = vector_batch<T>::packed(grad_x.data(), batch, dim);
      out.grad_matrix = matrix_batch<T>::packed(grad_matrix.data(), batch, dim);
    }
    return out;
  }
  void download_into(HostOutputs<T>& host) const {
    host.log_prob = log_prob.download();
    host.info = info.download();
    if (gradients) {
      host.grad_mean = grad_mean.download();
      host.grad_x = grad_x.download();
      host.grad_matrix = grad_matrix.download();
    }
  }
};

template <class T>
HostOutputs<T> run_gpu(Context& ctx, const Problem<T>& p, bool gradients = true) {
  DeviceProblem<T> dp(p);
  HostOutputs<T> host(p.batch, p.dim, gradients);
  DeviceOutputs<T> dout(host);
  gaussian::evaluate(ctx, dp.inputs(p), dout.outputs(p.batch, p.dim));
  ctx.synchronize();
  dout.download_into(host);
  return host;
}

template <class T>
HostOutputs<T> run_cpu(const Problem<T>& p, bool gradients = true) {
  Context cpu(Backend::cpu);
  HostOutputs<T> host(p.batch, p.dim, gradients);
  gaussian::evaluate(cpu, p.inputs(), host.outputs(p.batch, p.dim));
  return host;
}

}  // namespace boltzkit::testing
