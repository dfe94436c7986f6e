// The pieces of the packed word update that must not change the random stream: Philox with a
// precomputed key schedule equals Random123's, the two-level plane loop decides exactly what the
// all-levels loop decides, and the carried grid-stride index equals the divided one.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "kernels/ising/packed_lattice.cuh"
#include "host/ising/thresholds.hpp"

namespace boltzkit::testing {
namespace {

namespace k = boltzkit::kernels;

TEST(IsingPackedWord, PhiloxKeyScheduleGivesRandom123Words) {
  std::mt19937_64 gen(5);
  for (int i = 0; i < 2000; ++i) {
    const std::uint64_t seed = i < 4 ? static_cast<std::uint64_t>(i) * 0xffffffffULL : gen();
    const auto keys = k::philox_keys(seed);
    const auto c = static_cast<std::uint32_t>(gen()), d = static_cast<std::uint32_t>(gen());
    const auto a = k::philox(seed, c, d, c ^ d, static_cast<std::uint32_t>(i));
    const auto b = k::philox(keys, c, d, c ^ d, static_cast<std::uint32_t>(i));
    for (int w = 0; w < 4; ++w) ASSERT_EQ(a.w[w], b.w[w]) << "seed " << seed;
  }
}

k::PackedGeometry geometry(std::int64_t lx, std::int64_t ly, std::int64_t lz) {
  const std::int64_t w = lx / 128;
  return {lx, ly, lz, lz == 1 ? 2 : 3, w, w * ly * lz};
}

TEST(IsingPackedWord, FractionalLevelsOfTheTables) {
  const std::vector<double> betas = {0.2, 0.44, 1.5};
  auto levels = [&](int dims, ising::Algorithm a, double J, std::vector<double> b) {
    const auto t = ising::detail::packed_flip_tables(dims, a, J, b.data(), static_cast<std::int64_t>(b.size()));
    k::PackedUpdate u{};
    u.g = dims == 2 ? geometry(128, 4, 1) : geometry(128, 2, 2);
    k::prepare_packed_update(u, 1, t.data(), static_cast<std::int64_t>(b.size()));
    return std::pair<int, int>(u.fractional_a, u.fractional_b);
  };
  EXPECT_EQ(levels(2, ising::Algorithm::metropolis, 1.0, betas), std::make_pair(0, 1));
  EXPECT_EQ(levels(2, ising::Algorithm::metropolis, -1.0, betas), std::make_pair(3, 4));
  EXPECT_EQ(levels(2, ising::Algorithm::heat_bath, 1.0, betas).first, -1);
  EXPECT_EQ(levels(3, ising::Algorithm::metropolis, 1.0, betas).first, -1);
  EXPECT_GE(levels(2, ising::Algorithm::metropolis, 1.0, {0.0}).first, 0);  // q = 1 everywhere
}

TEST(IsingPackedWord, TwoLevelPlaneLoopDecidesLikeTheGeneralOne) {
  const k::PackedGeometry g = geometry(256, 6, 1);
  std::mt19937_64 gen(11);
  for (double J : {1.0, -1.0, 0.3}) {
    const std::vector<double> betas = {0.0, 0.1, 0.4406868, 0.6667, 3.0};
    const auto replicas = static_cast<std::int64_t>(betas.size());
    const auto tables = ising::detail::packed_flip_tables(2, ising::Algorithm::metropolis, J, betas.data(), replicas);
    k::PackedUpdate u{};
    u.g = g;
    u.thresholds = tables.data();
    k::prepare_packed_update(u, 99, tables.data(), replicas);
    ASSERT_GE(u.fractional_a, 0);
    u.sweep = 7;
    std::vector<std::uint64_t> words(static_cast<std::size_t>(replicas * 2 * g.words_per_colour));
    for (int trial = 0; trial < 20; ++trial) {
      for (auto& w : words) w = gen() & (trial % 2 ? gen() : ~std::uint64_t{0});  // mixed and biased
      for (std::int64_t r = 0; r < replicas; ++r)
        for (int colour = 0; colour < 2; ++colour)
          for (std::int64_t y = 0; y < g.ly; ++y)
            for (std::int64_t w = 0; w < g.words_per_row; ++w) {
              const std::uint64_t* self = words.data() + (r * 2 + colour) * g.words_per_colour;
              const std::uint64_t* other = words.data() + (r * 2 + 1 - colour) * g.words_per_colour;
              const auto pair = k::updated_word<2, k::PhiloxPlanes, true>(u, self, other, 0, y, w, colour, r);
              const auto general = k::updated_word<2, k::PhiloxPlanes, false>(u, self, other, 0, y, w, colour, r);
              ASSERT_EQ(pair, general) << "J " << J << " replica " << r;
            }
    }
  }
}

TEST(IsingPackedWord, CarriedIndexEqualsDividedIndex) {
  for (const auto& g : {geometry(128, 4, 1), geometry(384, 6, 1), geometry(256, 2, 4), geometry(128, 4, 6)}) {
    const std::int64_t replicas = 3, total = replicas * g.words_per_colour;
    for (std::int64_t stride : {std::int64_t{1}, std::int64_t{5}, g.words_per_row, g.words_per_colour - 1, g.words_per_colour + 7}) {
      for (std::int64_t start = 0; start < stride && start < total; ++start) {
        k::PackedCursor p = k::packed_cursor(g, static_cast<std::uint32_t>(start));
        const k::PackedCursor step = k::packed_cursor(g, static_cast<std::uint32_t>(stride));
        for (std::int64_t e = start; e < total; e += stride) {
          const k::PackedWordIndex want = k::packed_word_index(g, e);
          ASSERT_EQ(p.r, want.r) << e;
          ASSERT_EQ(p.z, want.z) << e;
          ASSERT_EQ(p.y, want.y) << e;
          ASSERT_EQ(p.w, want.w) << e;
          k::advance_cursor(g, p, step);
        }
      }
    }
  }
}

}  // namespace
}  // namespace boltzkit::testing
