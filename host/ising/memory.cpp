#include "memory.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "tuning.hpp"

// A CPU-only build has no gpu Context, so gpu_ is false there and only the host branches run.
#if BOLTZKIT_WITH_CUDA
#include <cuda_runtime_api.h>

#include "host/core/cuda_check.hpp"
#else
#include "host/core/gpu_call.hpp"
#endif

namespace boltzkit::ising::detail {

RunMemory::RunMemory(Context& ctx, const SimulationConfig& c, std::int64_t replicas)
    : ctx_(ctx), lattice_(c.lattice), replicas_(replicas), sites_(c.lattice.sites()), gpu_(ctx.on_gpu()) {
  spins_ = static_cast<std::int8_t*>(allocate(static_cast<std::size_t>(replicas * sites_)));
  slots_ = std::clamp<std::int64_t>(tuning::ising_measurement_queue_bytes / (16 * replicas), 1,
                                    tuning::ising_measurement_queue_max);
  measured_ = static_cast<double*>(allocate(sizeof(double) * 2 * replicas * slots_));
  if (uses_packed_path(c))
    words_ = static_cast<std::uint64_t*>(
        allocate(sizeof(std::uint64_t) * static_cast<std::size_t>(replicas * packed_words(c.lattice))));
  couplings_.J = c.J;
  couplings_.h = c.h;
  if (c.couplings != CouplingKind::uniform) {
    const std::int64_t sets = c.disorder_per_replica ? replicas : 1;
    const std::int64_t per = sites_ * c.lattice.dimensions();
    std::vector<float> host(static_cast<std::size_t>(sets * per));
    random_bonds(c.lattice, c.couplings == CouplingKind::plus_minus ? 0 : 1, c.disorder_seed,
                 sets, host.data());
    for (float& b : host) b = static_cast<float>(b * c.J);
    bonds_ = static_cast<float*>(allocate(sizeof(float) * host.size()));
    copy(bonds_, host.data(), sizeof(float) * host.size(), true);
    couplings_.bonds = bonds_;
    couplings_.bond_replica_stride = c.disorder_per_replica ? per : 0;
  }
}

RunMemory::~RunMemory() {
  for (void* p : owned_) {
    if (!gpu_) std::free(p);
#if BOLTZKIT_WITH_CUDA
    else cudaFree(p);  // errors ignored: destructors must not throw
#endif
  }
}

void* RunMemory::allocate(std::size_t bytes) {
  void* p = nullptr;
  if (gpu_) {
#if BOLTZKIT_WITH_CUDA
    BOLTZKIT_CUDA(cudaSetDevice(ctx_.device()));
    BOLTZKIT_CUDA(cudaMalloc(&p, bytes));
#else
    boltzkit::detail::gpu_backend_not_built();
#endif
  } else {
    p = std::malloc(bytes == 0 ? 1 : bytes);
    if (p == nullptr) throw std::bad_alloc();
  }
  owned_.push_back(p);
  return p;
}

void RunMemory::measure_into(Context& ctx, std::int64_t slot) {
  double* energy = measured_ + slot * 2 * replicas_;
  if (is_packed())
    measure_packed(ctx, lattice_, couplings_.J, packed(), energy, energy + replicas_);
  else
    ising::measure(ctx, lattice_, couplings_, spins(), energy, energy + replicas_);
}

void RunMemory::fetch(std::int64_t count, std::vector<double>& out) const {
  out.resize(static_cast<std::size_t>(count * 2 * replicas_));
  copy(out.data(), measured_, sizeof(double) * out.size(), false);
}

/// Copies in stream order on the Context's (non-blocking) stream, then waits: a plain cudaMemcpy
/// would not wait for work queued there.
void RunMemory::copy(void* dst, const void* src, std::size_t bytes, bool to_device) const {
  if (!gpu_) {
    std::memcpy(dst, src, bytes);
    return;
  }
#if BOLTZKIT_WITH_CUDA
  BOLTZKIT_CUDA(cudaMemcpyAsync(dst, src, bytes,
                                to_device ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost,
                                ctx_.stream()));
  ctx_.synchronize();
#else
  static_cast<void>(to_device);
  boltzkit::detail::gpu_backend_not_built();
#endif
}

void RunMemory::upload_spins(const std::vector<std::int8_t>& host) {
  copy(spins_, host.data(), host.size(), true);
}

void RunMemory::sweep(Context& ctx, const SimulationConfig& c, const double* betas,
                      std::uint64_t sweep_index) {
  if (is_packed())
    sweep_packed(ctx, lattice_, c.J, c.algorithm, packed(), betas, c.seed, sweep_index, 1);
  else
    ising::sweep(ctx, lattice_, couplings_, c.algorithm, spins(), betas, c.seed, sweep_index, 1);
}

void RunMemory::sync_words_from_bytes(Context& ctx) {
  if (is_packed()) pack(ctx, lattice_, spins(), packed());
}

std::vector<std::int8_t> RunMemory::download_spins() const {
  if (is_packed()) unpack(ctx_, lattice_, packed(), spins());
  std::vector<std::int8_t> host(static_cast<std::size_t>(replicas_ * sites_));
  copy(host.data(), spins_, host.size(), false);
  return host;
}

}  // namespace boltzkit::ising::detail
