#pragma once
// The Gaussian family's case table: the dimensions (and batch sizes) that every backend's tests
// run. The CPU tests, the emulation tests and the GPU tests all read it, so a size class added
// to the kernels is tested on every backend at once (the one-harness pattern of ggml's
// test-backend-ops). Each row names why it is there.
#include <cstdint>
#include <vector>

#include "boltzkit/gaussian.hpp"

namespace boltzkit::testing {

struct SizeCase {
  int dim;
  std::int64_t batch;  // small enough for the emulator, odd so no grid divides it evenly
};

inline const std::vector<SizeCase>& gaussian_cases() {
  static const std::vector<SizeCase> cases = {
      {1, 37},    // scalar: group of one lane
      {2, 37},    // group of 2
      {3, 37},    // odd, group of 4 with a masked lane
      {4, 37},    // group of 4, full
      {5, 37},    // odd, group of 8
      {8, 37},    // group of 8, full
      {13, 11},   // odd, group of 16
      {16, 11},   // group of 16, full
      {17, 11},   // first size with a 32-lane group
      {31, 11},   // last odd size with one row per lane
      {32, 11},   // one row per lane, full warp
      {33, 11},   // first size with two rows per lane
      {47, 5},    // odd, two rows per lane
      {64, 5},    // largest fused size (gaussian::fused_max_dim)
      {65, 7},    // first size of the GPU block kernel (the library path in its emulation test)
      {70, 7},    // block kernel, even
      {100, 5},   // block kernel, ragged last tile
      {128, 5},   // block kernel, a size users hit
  };
  return cases;
}

inline bool on_fused_path(const SizeCase& c) { return c.dim <= gaussian::fused_max_dim; }

}  // namespace boltzkit::testing
