// The Context of a build without CUDA (cmake/BoltzkitCuda.cmake): always a cpu context. Asking
// for the gpu backend is an argument error, as on a CUDA build with no device; the GPU-only
// members are unreachable from a cpu context and refuse like their CUDA-build versions do.
#include "boltzkit/context.hpp"
#include "validate.hpp"

namespace boltzkit {

bool gpu_available() { return false; }

struct Context::State {
  int device = 0;
};

Context::Context(Backend backend, int device, CUstream_st* /*stream*/)
    : state_(std::make_unique<State>()) {
  if (backend == Backend::gpu)
    throw invalid_argument(
        "backend gpu requested but this boltzkit was built without CUDA (CPU backend only)");
  state_->device = device;
}

Context::~Context() = default;
Context::Context(Context&&) noexcept = default;
Context& Context::operator=(Context&&) noexcept = default;

Backend Context::backend() const { return Backend::cpu; }
int Context::device() const { return state_->device; }
CUstream_st* Context::stream() const { return nullptr; }
void Context::synchronize() const {}

void* Context::cublas_handle() {
  detail::require(false, "cublas_handle() needs a gpu context");
  return nullptr;
}
void* Context::cusolver_handle() {
  detail::require(false, "cusolver_handle() needs a gpu context");
  return nullptr;
}
void* Context::workspace(std::size_t /*bytes*/) {
  detail::require(false, "workspace() needs a gpu context");
  return nullptr;
}
std::size_t Context::workspace_capacity() const { return 0; }
void Context::upload(void* /*dst*/, const void* /*src*/, std::size_t /*bytes*/) {
  detail::require(false, "upload() needs a gpu context");
}

}  // namespace boltzkit
