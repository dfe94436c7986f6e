// packed_variant: the packed update of one benchmark case with a choice of random planes.
#include "packed_planes.hpp"

#include <cuda_runtime_api.h>

#include <atomic>

#include "host/ising/packed_loop.hpp"
#include "host/ising/packed_backends.hpp"
#include "host/ising/thresholds.hpp"
#include "host/ising/sweep_schedule.hpp"
#include "bench/common/device_tools.hpp"

namespace boltzkit::bench {

namespace {

/// Philox planes that count their calls (CPU only; the count is shared by all threads).
std::atomic<std::uint64_t> philox_calls{0};
struct counting_philox_planes {
  kernels::PhiloxWords operator()(const kernels::PackedUpdate& u, std::uint32_t c0,
                                  std::uint32_t c1, std::uint32_t c2, std::uint32_t c3) const {
    philox_calls.fetch_add(1, std::memory_order_relaxed);
    return kernels::philox(u.keys, c0, c1, c2, c3);
  }
};

template <class Planes>
void cpu_sweeps(const kernels::PackedUpdate& u, ising::PackedSpins spins,
                std::uint64_t first_sweep, std::int64_t n) {
  ising::detail::run_sweeps(u, first_sweep, n,
                            [&](const kernels::PackedUpdate& v, int colour, auto dims) {
                              ising::backend::cpu::packed_half_sweep<decltype(dims)::value, Planes>(
                                  v, spins, colour);
                            });
}

}  // namespace

packed_variant::packed_variant(Context& ctx, const ising::Lattice& lattice,
                               ising::Algorithm algorithm, double beta, std::int64_t replicas,
                               std::uint64_t seed)
    : ctx_(ctx), replicas_(replicas) {
  const std::vector<double> betas(static_cast<std::size_t>(replicas), beta);
  host_thresholds_ = ising::detail::packed_flip_tables(lattice.dimensions(), algorithm, 1.0,
                                                       betas.data(), replicas);
  update_.g = ising::detail::packed_geometry_of(lattice);
  kernels::prepare_packed_update(update_, seed, host_thresholds_.data(), replicas);
  update_.thresholds = host_thresholds_.data();
  if (ctx.on_gpu()) {
    const std::size_t bytes = host_thresholds_.size() * sizeof(std::uint64_t);
    BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
    BOLTZKIT_CUDA(cudaMalloc(reinterpret_cast<void**>(&device_thresholds_), bytes));
    BOLTZKIT_CUDA(cudaMemcpy(device_thresholds_, host_thresholds_.data(), bytes,
                          cudaMemcpyHostToDevice));
    // A pageable cudaMemcpy may return before its DMA lands, and ctx.stream() does not wait
    // for the legacy stream: finish it before any sweep is queued.
    BOLTZKIT_CUDA(cudaDeviceSynchronize());
    update_.thresholds = device_thresholds_;
  }
}

packed_variant::~packed_variant() {
  if (device_thresholds_ != nullptr) {
    cudaStreamSynchronize(ctx_.stream());  // destructors must not throw: status ignored
    cudaFree(device_thresholds_);
  }
}

void packed_variant::sweeps(std::uint64_t* words, std::uint64_t first_sweep, std::int64_t n,
                            plane_source source) const {
  if (ctx_.on_gpu()) {
    detail::packed_sweeps_gpu(ctx_, update_, words, replicas_, first_sweep, n, source);
  } else if (source == plane_source::philox) {
    cpu_sweeps<kernels::PhiloxPlanes>(update_, {words, replicas_}, first_sweep, n);
  } else {
    cpu_sweeps<counter_hash_planes>(update_, {words, replicas_}, first_sweep, n);
  }
}

double packed_variant::philox_calls_per_word(std::uint64_t* words, std::uint64_t first_sweep,
                                             std::int64_t n) const {
  philox_calls.store(0);
  cpu_sweeps<counting_philox_planes>(update_, {words, replicas_}, first_sweep, n);
  const double updates = 2.0 * static_cast<double>(n) * static_cast<double>(replicas_) *
                         static_cast<double>(update_.g.words_per_colour);
  return updates > 0 ? static_cast<double>(philox_calls.load()) / updates : 0.0;
}

}  // namespace boltzkit::bench
