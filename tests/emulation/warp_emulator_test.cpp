// The warp emulator itself: shuffles and barriers mean what they mean on the GPU, a barrier that
// some lanes never reach is reported instead of hanging, and a cross-lane read without a barrier
// is caught by the alternating lane order.
#include "warp_emulator.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

namespace {

void shuffle_kernel(int* xor_out, int* direct_out) {
  const int t = static_cast<int>(threadIdx.x);
  xor_out[t] = __shfl_xor_sync(0xffffffffu, 100 * blockIdx.x + t, 5);
  direct_out[t] = __shfl_sync(0xffffffffu, t * t, 3, 8);
}

TEST(WarpEmulator, ShufflesReadTheNamedLane) {
  std::vector<int> xor_out(64), direct_out(64);
  emu::launch(shuffle_kernel, 1u, 64u, 0, xor_out.data(), direct_out.data());
  for (int t = 0; t < 64; ++t) {
    EXPECT_EQ(xor_out[t], t ^ 5) << t;
    const int source = (t & ~7) | 3;  // lane 3 of each group of 8
    EXPECT_EQ(direct_out[t], source * source) << t;
  }
}

// Lane t writes its slot, then (after the barrier) reads its neighbour's: every lane must see
// the neighbour's value, whichever order the lanes ran in.
template <bool with_barrier>
void neighbour_kernel(int* out) {
  int* slots = reinterpret_cast<int*>(boltzkit::kernels::dynamic_shared_memory());
  const int t = static_cast<int>(threadIdx.x);
  slots[t] = t + 1;
  if constexpr (with_barrier) __syncthreads();
  out[t] = slots[(t + 1) % blockDim.x];
}

TEST(WarpEmulator, BlockBarrierOrdersWritesBeforeReadsAcrossWarps) {
  std::vector<int> out(96, -1);
  emu::launch(neighbour_kernel<true>, 2u, 96u, 96 * sizeof(int), out.data());
  for (int t = 0; t < 96; ++t) EXPECT_EQ(out[t], (t + 1) % 96 + 1) << t;
}

// Without the barrier the read races the neighbour's write. The emulator runs lanes in ascending
// order on one pass: lane t reads slot t+1 before lane t+1 has written it, and gets the poisoned
// shared memory, so the missing barrier shows up as a wrong result.
TEST(WarpEmulator, AMissingBarrierShowsUpAsAStaleRead) {
  std::vector<int> out(64, -1);
  emu::launch(neighbour_kernel<false>, 1u, 64u, 64 * sizeof(int), out.data());
  int stale = 0;
  for (int t = 0; t < 64; ++t) stale += out[t] != (t + 1) % 64 + 1;
  EXPECT_GT(stale, 0);
}

// Lanes 0..15 wait at a warp barrier that lanes 16..31 never reach (they return first).
void divergent_barrier_kernel(int* out) {
  const int t = static_cast<int>(threadIdx.x);
  if (t >= 16) return;
  __syncwarp();
  out[t] = t;
}

TEST(WarpEmulator, ABarrierSomeLanesNeverReachIsReportedAsDeadlock) {
  std::vector<int> out(32, -1);
  try {
    emu::launch(divergent_barrier_kernel, 1u, 32u, 0, out.data());
    FAIL() << "the launch should have reported a deadlock";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("deadlock"), std::string::npos) << e.what();
  }
  // The emulator is usable again afterwards.
  std::vector<int> xor_out(32), direct_out(32);
  emu::launch(shuffle_kernel, 1u, 32u, 0, xor_out.data(), direct_out.data());
  EXPECT_EQ(xor_out[7], 7 ^ 5);
}

// Deep call chains and large local arrays run on the lanes' own stacks.
void stack_kernel(double* out) {
  double local[4096];
  const int t = static_cast<int>(threadIdx.x);
  for (int i = 0; i < 4096; ++i) local[i] = t + i;
  __syncwarp();
  double s = 0;
  for (int i = 0; i < 4096; ++i) s += local[i];
  out[t] = s;
}

TEST(WarpEmulator, LanesHaveTheirOwnStacks) {
  std::vector<double> out(64);
  emu::launch(stack_kernel, 3u, 64u, 0, out.data());
  for (int t = 0; t < 64; ++t) EXPECT_EQ(out[t], 4096.0 * t + 4095.0 * 4096.0 / 2) << t;
}

}  // namespace
