// What every build's Context shares; the Context itself is in context_gpu.cpp (CUDA build) or
// context_cpu_only.cpp (CPU-only build).
#include "boltzkit/context.hpp"

#include "boltzkit/errors.hpp"

namespace boltzkit {

Backend parse_backend(const std::string& name) {
  if (name == "auto") return Backend::automatic;
  if (name == "cpu") return Backend::cpu;
  if (name == "gpu") return Backend::gpu;
  throw invalid_argument("backend must be auto, cpu or gpu, got '" + name + "'");
}

const char* backend_name(Backend backend) {
  switch (backend) {
    case Backend::cpu:
      return "cpu";
    case Backend::gpu:
      return "gpu";
    default:
      return "auto";
  }
}

bool gpu_backend_built() { return BOLTZKIT_WITH_CUDA != 0; }

}  // namespace boltzkit
