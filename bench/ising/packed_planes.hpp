#pragma once
// Bounding the share of the packed update's time spent on random numbers: the same half-sweeps
// are timed with the library's Philox4x32-10 planes and with counter_hash_planes in their place,
// and share ≥ 1 − t_hash / t_philox (a lower bound: the hash is not free, about a quarter of
// Philox's integer work). The hash is a timing stand-in only, never used to simulate.
#include <cstdint>
#include <vector>

#include "kernels/ising/packed_lattice.cuh"
#include "boltzkit/context.hpp"
#include "boltzkit/ising.hpp"
#include "boltzkit/ising_packed.hpp"

namespace boltzkit::bench {

/// Two 64-bit multiply-xorshift mixes of the counter: random enough that the lazy plane loop
/// consumes about as many planes as with Philox, at a fraction of Philox's ten rounds.
struct counter_hash_planes {
  BOLTZKIT_HD kernels::PhiloxWords operator()(const kernels::PackedUpdate& u, std::uint32_t c0,
                                              std::uint32_t c1, std::uint32_t c2,
                                              std::uint32_t c3) const {
    const std::uint64_t seed = u.seed;
    std::uint64_t x = ((static_cast<std::uint64_t>(c1) << 32) | c0) ^ seed;
    x = (x ^ ((static_cast<std::uint64_t>(c3) << 32) | c2)) * 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 32)) * 0xd6e8feb86659fd93ULL;
    x ^= x >> 32;
    std::uint64_t y = (x + 0x632be59bd9b4e019ULL) * 0xbf58476d1ce4e5b9ULL;
    y ^= y >> 31;
    return {{static_cast<std::uint32_t>(x), static_cast<std::uint32_t>(x >> 32),
             static_cast<std::uint32_t>(y), static_cast<std::uint32_t>(y >> 32)}};
  }
};

enum class plane_source { philox, counter_hash };

/// The update of one packed case, ready to sweep with either plane source: geometry, seed and the
/// flip thresholds (host memory on a CPU context, device memory on a GPU one, owned here).
class packed_variant {
 public:
  packed_variant(Context& ctx, const ising::Lattice& lattice, ising::Algorithm algorithm,
                 double beta, std::int64_t replicas, std::uint64_t seed);
  ~packed_variant();
  packed_variant(const packed_variant&) = delete;
  packed_variant& operator=(const packed_variant&) = delete;

  /// n sweeps numbered first_sweep, … of `words` (the context's memory space); asynchronous on
  /// the GPU (ctx.stream()).
  void sweeps(std::uint64_t* words, std::uint64_t first_sweep, std::int64_t n,
              plane_source source) const;

  /// CPU context only: Philox4x32-10 calls per word update, averaged over n sweeps of `words`
  /// (the spins move on, as in sweeps()).
  double philox_calls_per_word(std::uint64_t* words, std::uint64_t first_sweep,
                               std::int64_t n) const;

 private:
  Context& ctx_;
  kernels::PackedUpdate update_{};
  std::int64_t replicas_;
  std::uint64_t* device_thresholds_ = nullptr;
  std::vector<std::uint64_t> host_thresholds_;
};

namespace detail {
/// The GPU half of packed_variant::sweeps (packed_planes_gpu.cu): n sweeps on ctx.stream().
void packed_sweeps_gpu(Context& ctx, kernels::PackedUpdate u, std::uint64_t* words,
                       std::int64_t replicas, std::uint64_t first_sweep, std::int64_t n,
                       plane_source source);
}  // namespace detail

}  // namespace boltzkit::bench
