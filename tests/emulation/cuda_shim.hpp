#pragma once
// Just enough of CUDA's device vocabulary to compile the warp-level kernels with g++ and run
// them on the CPU: every lane is a fiber (warp_emulator.cpp), __syncwarp and __syncthreads are
// rendezvous of those fibers, shuffles go through a per-warp exchange buffer. This lets CI (which
// has no GPU) execute the fused kernels' real code paths, including their barrier placement,
// against the float64 reference.
// Include this before any kernels/*.cuh header.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#define __device__
#define __host__
#define __global__
#define __forceinline__ inline
#define __launch_bounds__(...)
#define __align__(n)  // the emulated buffer is aligned where it is defined
// Static shared arrays become function statics: one per process, and blocks run one at a time.
#define __shared__ static
#define BOLTZKIT_WARP_EMULATION 1

struct dim3 {
  unsigned x = 1, y = 1, z = 1;
};
// Set by the scheduler before it resumes a lane; every lane runs on the launching OS thread.
extern thread_local dim3 threadIdx;
extern thread_local dim3 blockIdx;
extern dim3 blockDim;
extern dim3 gridDim;

namespace emu {
/// A rendezvous of `expected` lanes: the last to arrive releases the others.
struct Barrier {
  int expected = 32;
  int arrived = 0;
};
struct Warp {
  Barrier barrier;
  std::uint64_t exchange[32] = {};
  std::uint32_t wide[32][8] = {};  // warp_gather: up to 8 words per lane
};
/// Suspends the calling lane until every lane of `barrier` has arrived (warp_emulator.cpp).
void arrive_and_wait(Barrier& barrier);
extern thread_local Warp* current_warp;
extern thread_local Barrier* current_block;
}  // namespace emu

inline void __syncwarp(unsigned = 0xffffffffu) { emu::arrive_and_wait(emu::current_warp->barrier); }
inline void __syncthreads() { emu::arrive_and_wait(*emu::current_block); }

namespace emu {
/// Every lane publishes `value`, then reads the value of the lane that `source_of` names.
template <class T, class Source>
T exchange(T value, Source source_of) {
  Warp& w = *current_warp;
  const int lane = static_cast<int>(threadIdx.x % 32);
  std::memcpy(&w.exchange[lane], &value, sizeof(T));
  arrive_and_wait(w.barrier);
  T out;
  std::memcpy(&out, &w.exchange[source_of(lane)], sizeof(T));
  arrive_and_wait(w.barrier);  // nobody overwrites the buffer before every lane has read it
  return out;
}
}  // namespace emu

namespace emu {
/// Every lane publishes its N ≤ 8 four-byte values; all[l][i] is then lane l's value i. One
/// rendezvous for a whole fragment exchange where shuffles would take one per value: the
/// emulated tensor-core mma (kernels/mixture/split_tf32.cuh) reads whole fragments this way.
template <class T, int N>
void warp_gather(const T (&mine)[N], T (&all)[32][N]) {
  static_assert(sizeof(T) == 4 && N <= 8, "four-byte values, at most 8 per lane");
  Warp& w = *current_warp;
  const int lane = static_cast<int>(threadIdx.x % 32);
  std::memcpy(w.wide[lane], mine, sizeof mine);
  arrive_and_wait(w.barrier);
  for (int l = 0; l < 32; ++l) std::memcpy(all[l], w.wide[l], sizeof mine);
  arrive_and_wait(w.barrier);  // nobody overwrites the buffer before every lane has read it
}
}  // namespace emu

template <class T>
T __shfl_xor_sync(unsigned, T value, int lane_mask, int width = 32) {
  return emu::exchange(value, [&](int lane) {
    return (lane & ~(width - 1)) | ((lane ^ lane_mask) & (width - 1));
  });
}

/// Direct shuffle: every lane reads src_lane's value (within groups of `width` lanes).
template <class T>
T __shfl_sync(unsigned, T value, int src_lane, int width = 32) {
  return emu::exchange(value, [&](int lane) { return (lane & ~(width - 1)) | (src_lane & (width - 1)); });
}

/// Lanes are fibers of one host thread and switch only at rendezvous, so a plain add is atomic.
inline unsigned long long atomicAdd(unsigned long long* address, unsigned long long value) {
  const unsigned long long old = *address;
  *address = old + value;
  return old;
}

inline float __int_as_float(int v) {
  float f;
  std::memcpy(&f, &v, sizeof f);
  return f;
}
inline double __longlong_as_double(long long v) {
  double d;
  std::memcpy(&d, &v, sizeof d);
  return d;
}

/// The GPU's rsqrtf is the MUFU.RSQ estimate, up to 2 ulp from 1/sqrt(x) (CUDA C++ Programming
/// Guide, single-precision functions). A correctly rounded root here would hide that error from
/// the tests, so the emulator returns a worst case: 2 ulp off, up or down depending on x.
inline float rsqrtf(float x) {
  const float exact = static_cast<float>(1.0 / std::sqrt(static_cast<double>(x)));
  if (!std::isfinite(exact) || exact == 0.0f) return exact;  // x <= 0, inf, NaN: no estimate error
  std::uint32_t x_bits, bits;
  std::memcpy(&x_bits, &x, sizeof x);
  std::memcpy(&bits, &exact, sizeof exact);
  bits = (x_bits >> 7) & 1u ? bits + 2u : bits - 2u;
  float estimate;
  std::memcpy(&estimate, &bits, sizeof estimate);
  return estimate;
}

namespace boltzkit::kernels {
using std::isfinite;
using std::log;
using std::max;
using std::min;
using std::sqrt;
/// The kernels' dynamic shared memory: blocks run one after another, so one buffer serves all.
extern unsigned char shared_raw[];
inline unsigned char* dynamic_shared_memory() { return shared_raw; }
}  // namespace boltzkit::kernels
