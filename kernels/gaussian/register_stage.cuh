#pragma once
// Coalesced block I/O for kernels that keep one batch element per thread in registers. A block
// of register_threads threads serves `count` consecutive elements of a packed batch, whose W
// words each lie back to back in memory: the block's span is one contiguous run. Thread t moves
// consecutive words of that run (consecutive lanes, consecutive addresses: full 32-byte sectors)
// through a shared-memory stage, and each thread then takes its own element's words from there.
// The stage holds at most register_stage_words words per element, so larger elements go in
// passes. Elements sit an odd number of words apart in the stage (stage_pitch) so that the
// per-thread walks hit distinct banks.
//
// Every __syncthreads here is reached by the whole block: callers decide "packed or not" from
// kernel arguments only, and threads without an element still take part.
#include <cstddef>
#include <cstdint>

#include "policy.hpp"
#include "kernels/common/unroll.cuh"

namespace boltzkit::kernels {

/// Words per element of one stage pass.
template <int W>
constexpr int stage_pass_words() {
  return W < register_stage_words ? W : register_stage_words;
}

/// Words between two elements in the stage: odd, so that thread t's walk over its own element
/// (stride = pitch) touches 32 distinct banks per warp.
template <int W>
constexpr int stage_pitch() {
  return stage_pass_words<W>() | 1;
}

/// Shared-memory bytes of the stage for elements of up to W words.
template <class T, int W>
constexpr std::size_t stage_bytes() {
  return static_cast<std::size_t>(register_threads) * stage_pitch<W>() * sizeof(T);
}

/// For every word w < W of this thread's element: take(w, value). `span` points at word 0 of
/// element 0 of the block; `count` (<= register_threads) elements exist.
template <class T, int W, class Take>
__device__ void stage_in(T* stage, const T* span, int count, Take&& take) {
  constexpr int P = stage_pass_words<W>();
  constexpr int passes = (W + P - 1) / P;
  constexpr int pitch = stage_pitch<W>();
  const int t = static_cast<int>(threadIdx.x);
BOLTZKIT_UNROLL
  for (int s = 0; s < passes; ++s) {
    const int words = (s + 1) * P <= W ? P : W - s * P;  // of each element in this pass
    const int total = count * words;
    // All loads first, then all stores: keeps P loads in flight per thread.
    T r[P] = {};
BOLTZKIT_UNROLL
    for (int k = 0; k < P; ++k) {
      const int e = t + k * register_threads;
      if (k < words && e < total) {
        const int m = e / words;
        r[k] = span[static_cast<std::int64_t>(m) * W + s * P + (e - m * words)];
      }
    }
BOLTZKIT_UNROLL
    for (int k = 0; k < P; ++k) {
      const int e = t + k * register_threads;
      if (k < words && e < total) {
        const int m = e / words;
        stage[m * pitch + (e - m * words)] = r[k];
      }
    }
    __syncthreads();
BOLTZKIT_UNROLL
    for (int q = 0; q < P; ++q)
      if (q < words) take(s * P + q, stage[t * pitch + q]);
    __syncthreads();  // the stage is reused by the next pass or array
  }
}

/// For every word w < W of this thread's element: word w of it becomes give(w); the block's
/// `count` elements are written to the contiguous run at `span`.
template <class T, int W, class Give>
__device__ void stage_out(T* stage, T* span, int count, Give&& give) {
  constexpr int P = stage_pass_words<W>();
  constexpr int passes = (W + P - 1) / P;
  constexpr int pitch = stage_pitch<W>();
  const int t = static_cast<int>(threadIdx.x);
BOLTZKIT_UNROLL
  for (int s = 0; s < passes; ++s) {
    const int words = (s + 1) * P <= W ? P : W - s * P;
    const int total = count * words;
BOLTZKIT_UNROLL
    for (int q = 0; q < P; ++q)
      if (q < words) stage[t * pitch + q] = give(s * P + q);
    __syncthreads();
BOLTZKIT_UNROLL
    for (int k = 0; k < P; ++k) {
      const int e = t + k * register_threads;
      if (k < words && e < total) {
        const int m = e / words;
        const int q = e - m * words;
        span[static_cast<std::int64_t>(m) * W + s * P + q] = stage[m * pitch + q];
      }
    }
    __syncthreads();
  }
}

}  // namespace boltzkit::kernels
