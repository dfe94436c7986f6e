// Library-path chunking: within the workspace budget, the fewest chunks, balanced.
#include <gtest/gtest.h>

#include <cstdint>

#include "host/core/workspace_layout.hpp"

namespace boltzkit::testing {
namespace {

using gpu::chunk_size;

std::int64_t chunks_of(std::int64_t batch, std::int64_t chunk) { return (batch + chunk - 1) / chunk; }

TEST(ChunkSize, FitsTheBudgetWithTheFewestBalancedChunks) {
  const std::size_t budget = 1000;
  for (std::size_t per : {std::size_t{1}, std::size_t{9}, std::size_t{99}, std::size_t{2000}}) {
    const std::int64_t largest = std::max<std::int64_t>(1, static_cast<std::int64_t>(budget / (per + 1)));
    for (std::int64_t batch : {1, 2, 3, 7, 10, 11, 99, 100, 101, 4096, 1000003}) {
      const std::int64_t chunk = chunk_size(batch, per, budget);
      EXPECT_GE(chunk, 1);
      EXPECT_LE(chunk, largest) << "per " << per << " batch " << batch;
      EXPECT_EQ(chunks_of(batch, chunk), chunks_of(batch, largest)) << "per " << per << " batch " << batch;
      // balanced: the last chunk is at most one chunk's count of elements short per chunk
      const std::int64_t n = chunks_of(batch, chunk);
      const std::int64_t last = batch - (n - 1) * chunk;
      EXPECT_GE(last, chunk - n) << "per " << per << " batch " << batch;
    }
  }
}

TEST(ChunkSize, TheCaseThatMotivatedBalancing) {
  // D = 128 fp32 covariance with gradients: the budget held 3993 elements, so B = 4096 ran as
  // 3993 + 103. Balanced: two chunks of 2048.
  EXPECT_EQ(chunk_size(4096, 1000, 3993 * 1001), 2048);
  EXPECT_EQ(chunk_size(4096, 1000, 5000 * 1001), 4096);
}

TEST(ChunkSize, EmptyBatchAndCountsPastInt) {
  EXPECT_EQ(chunk_size(0, 8, 1000), 1);
  EXPECT_LE(chunk_size(std::int64_t{1} << 40, 1, std::size_t{1} << 50), 0x7fffffff);
}

}  // namespace
}  // namespace boltzkit::testing
