// ising:: packed-path entry points: checks, flip tables, then the chosen backend.
#include "boltzkit/ising_packed.hpp"

#include <cmath>
#include <string>

#include "packed_backends.hpp"
#include "thresholds.hpp"
#include "host/core/validate.hpp"
#include "host/core/gpu_call.hpp"

namespace boltzkit::ising {

namespace detail {
kernels::PackedGeometry packed_geometry_of(const Lattice& l) {
  const std::int64_t w = l.lx / 128;
  return {l.lx, l.ly, l.lz, l.dimensions(), w, w * l.ly * l.lz};
}
}  // namespace detail

namespace {
void check(const Lattice& l, std::int64_t replicas, const void* data) {
  using boltzkit::detail::require;
  require(packed_supported(l), "the packed path needs lx a multiple of 128, even ly, lz >= 2 and "
                               "fewer than 2^39 spins (got " +
                                   std::to_string(l.lx) + "x" + std::to_string(l.ly) + "x" +
                                   std::to_string(l.lz) + ")");
  require(replicas >= 1, "replicas must be >= 1");
  require(replicas <= 0xfffffff0LL, "too many replicas");
  require(data != nullptr, "spins: null pointer");
}
}  // namespace

bool packed_supported(const Lattice& l) {
  auto even = [](std::int64_t v) { return v >= 2 && v % 2 == 0; };
  // Word offsets within a colour are 32-bit in the update (kernels/ising/packed_lattice.cuh).
  constexpr std::int64_t max_words = 0xffffffffLL;
  return l.lx >= 128 && l.lx % 128 == 0 && even(l.ly) && (l.lz == 1 || even(l.lz)) &&
         l.ly <= max_words / (l.lx / 128) && l.lz <= max_words / ((l.lx / 128) * l.ly);
}

std::int64_t packed_words(const Lattice& l) { return 2 * (l.lx / 128) * l.ly * l.lz; }

namespace {
void convert(Context& ctx, const Lattice& lattice, Spins bytes, PackedSpins words, bool to_words) {
  check(lattice, words.replicas, words.data);
  check(lattice, bytes.replicas, bytes.data);
  boltzkit::detail::require(bytes.replicas == words.replicas,
                            std::string(to_words ? "pack" : "unpack") + ": replica counts differ");
  const auto g = detail::packed_geometry_of(lattice);
  if (ctx.on_gpu())
    BOLTZKIT_GPU_CALL(backend::gpu::convert(ctx, g, bytes, words, to_words));
  else backend::cpu::convert(g, bytes, words, to_words);
}
}  // namespace

void pack(Context& ctx, const Lattice& lattice, Spins bytes, PackedSpins words) {
  convert(ctx, lattice, bytes, words, true);
}

void unpack(Context& ctx, const Lattice& lattice, PackedSpins words, Spins bytes) {
  convert(ctx, lattice, bytes, words, false);
}

void sweep_packed(Context& ctx, const Lattice& lattice, double J, Algorithm algorithm,
                  PackedSpins spins, const double* betas, std::uint64_t seed,
                  std::uint64_t first_sweep, std::int64_t n_sweeps) {
  using boltzkit::detail::require;
  check(lattice, spins.replicas, spins.data);
  require(std::isfinite(J), "J must be finite");
  require(betas != nullptr, "betas: null pointer");
  for (std::int64_t r = 0; r < spins.replicas; ++r)
    require(std::isfinite(betas[r]) && betas[r] >= 0.0,
            "beta must be finite and >= 0, got " + std::to_string(betas[r]));
  require(n_sweeps >= 0, "n_sweeps must be >= 0");
  require(first_sweep + static_cast<std::uint64_t>(n_sweeps) < 0xffffffffULL,
          "sweep index beyond 2^32 - 2");
  if (n_sweeps == 0) return;
  const auto tables =
      detail::packed_flip_tables(lattice.dimensions(), algorithm, J, betas, spins.replicas);
  kernels::PackedUpdate u{};
  u.g = detail::packed_geometry_of(lattice);
  u.thresholds = tables.data();
  kernels::prepare_packed_update(u, seed, tables.data(), spins.replicas);
  if (ctx.on_gpu())
    BOLTZKIT_GPU_CALL(backend::gpu::sweep_packed(ctx, u, tables.data(),
                                                 static_cast<std::int64_t>(tables.size()), spins,
                                                 first_sweep, n_sweeps));
  else
    backend::cpu::sweep_packed(u, spins, first_sweep, n_sweeps);
}

void measure_packed(Context& ctx, const Lattice& lattice, double J, PackedSpins spins,
                    double* energy, double* magnetization) {
  check(lattice, spins.replicas, spins.data);
  boltzkit::detail::require(energy != nullptr && magnetization != nullptr,
                            "energy/magnetization: null pointer");
  boltzkit::detail::require(spins.replicas <= (1LL << 24),
                            "measure_packed: at most 2^24 replicas per call");
  const auto g = detail::packed_geometry_of(lattice);
  if (ctx.on_gpu())
    BOLTZKIT_GPU_CALL(backend::gpu::measure_packed(ctx, g, J, spins, energy, magnetization));
  else backend::cpu::measure_packed(g, J, spins, energy, magnetization);
}

}  // namespace boltzkit::ising
