// The pieces of the packed word update that must not change the random stream: Philox with a
// precomputed key schedule equals Random123's, heat bath tables are mirror-exact, every plane
// loop (all levels, two levels, folded heat bath) decides exactly what the plain rule "u < T(k)"
// decides, and the carried grid-stride index equals the divided one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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
  auto prepared = [&](int dims, ising::Algorithm a, double J, std::vector<double> b) {
    const auto t = ising::detail::packed_flip_tables(dims, a, J, b.data(), static_cast<std::int64_t>(b.size()));
    k::PackedUpdate u{};
    u.g = dims == 2 ? geometry(128, 4, 1) : geometry(128, 2, 2);
    k::prepare_packed_update(u, 1, t.data(), static_cast<std::int64_t>(b.size()));
    return u;
  };
  auto levels = [&](int dims, ising::Algorithm a, double J, std::vector<double> b) {
    const k::PackedUpdate u = prepared(dims, a, J, b);
    return std::pair<int, int>(u.fractional[0], u.fractional[1]);
  };
  using ising::Algorithm;
  EXPECT_EQ(prepared(2, Algorithm::metropolis, 1.0, betas).mode, k::PlaneMode::pair);
  EXPECT_EQ(levels(2, Algorithm::metropolis, 1.0, betas), std::make_pair(0, 1));
  EXPECT_EQ(levels(2, Algorithm::metropolis, -1.0, betas), std::make_pair(3, 4));
  // Heat bath: mirror-exact tables, folded onto the levels below d whatever the sign of J.
  for (double J : {1.0, -1.0}) {
    EXPECT_EQ(prepared(2, Algorithm::heat_bath, J, betas).mode, k::PlaneMode::mirror_pair);
    EXPECT_EQ(levels(2, Algorithm::heat_bath, J, betas), std::make_pair(0, 1));
  }
  for (double J : {1.0, -1.0}) {
    const k::PackedUpdate u = prepared(3, Algorithm::heat_bath, J, betas);  // folded 0, 1, 2
    EXPECT_EQ(u.mode, k::PlaneMode::mirror_triple);
    EXPECT_EQ(u.fractional[2], 2);
  }
  // 3D heat bath at low T: q(0) rounds to 0, two fractional levels below d are left.
  EXPECT_EQ(prepared(3, Algorithm::heat_bath, 1.0, {2.0, 2.5}).mode, k::PlaneMode::mirror_pair);
  EXPECT_EQ(levels(3, Algorithm::heat_bath, 1.0, {2.0, 2.5}), std::make_pair(1, 2));
  EXPECT_EQ(prepared(3, Algorithm::metropolis, 1.0, betas).mode, k::PlaneMode::triple);  // 0, 1, 2
  EXPECT_EQ(prepared(3, Algorithm::metropolis, -1.0, betas).fractional[0], 4);  // 4, 5, 6
  // More than three fractional levels: the all-levels loop (no table of the library does this).
  std::vector<std::uint64_t> odd(7, std::uint64_t{1} << 30);
  k::PackedUpdate g{};
  g.g = geometry(128, 2, 2);
  k::prepare_packed_update(g, 1, odd.data(), 1);
  EXPECT_EQ(g.mode, k::PlaneMode::general);
  // One fractional level: the pair loop with an empty slot.
  std::vector<std::uint64_t> one = {0, std::uint64_t{1} << 31, std::uint64_t{1} << 32, std::uint64_t{1} << 32,
                                    std::uint64_t{1} << 32};
  g.g = geometry(128, 4, 1);
  k::prepare_packed_update(g, 1, one.data(), 1);
  EXPECT_EQ(g.mode, k::PlaneMode::pair);
  EXPECT_EQ(g.fractional[0], 1);
  EXPECT_EQ(g.fractional[1], -1);
  EXPECT_EQ(prepared(2, Algorithm::metropolis, 1.0, {0.0}).mode, k::PlaneMode::pair);  // q = 1 everywhere
  EXPECT_EQ(prepared(2, Algorithm::heat_bath, 1.0, {0.0}).mode, k::PlaneMode::mirror_pair);  // q = 1/2
}

// Heat bath tables satisfy T(2d − k) = 2^32 − T(k) exactly (and T(d) = 2^31), with T(k) =
// floor(q(k) 2^32) below d, at every temperature and coupling: what lets the word update fold
// the levels above d onto those below (docs/MATH.md). Independent floors of q and 1 − q would
// sum to 2^32 − 1 whenever q·2^32 is not an integer.
TEST(IsingPackedWord, HeatBathTablesAreMirrorExact) {
  const std::vector<double> betas = {0.0, 1e-6, 0.05, 0.2, 0.4406868, 2.0 / 3.0, 1.0, 2.0, 3.0, 10.0, 60.0};
  const auto replicas = static_cast<std::int64_t>(betas.size());
  constexpr std::uint64_t one = std::uint64_t{1} << 32;
  for (int dims : {2, 3}) {
    for (double J : {1.0, -1.0, 0.3, -2.5}) {
      const int levels = 2 * dims + 1;
      const auto t = ising::detail::packed_flip_tables(dims, ising::Algorithm::heat_bath, J, betas.data(), replicas);
      for (std::int64_t r = 0; r < replicas; ++r) {
        const std::uint64_t* row = t.data() + r * levels;
        EXPECT_EQ(row[dims], one / 2) << "dims " << dims << " J " << J << " beta " << betas[r];
        for (int kk = 0; kk < dims; ++kk) {
          // The side with q <= 1/2 is floor(q 2^32), the other its complement.
          const double q_small = 1.0 / (1.0 + std::exp(std::fabs(4.0 * betas[r] * J * (dims - kk))));
          ASSERT_LE(row[kk], one);
          EXPECT_EQ(row[kk] + row[2 * dims - kk], one) << "dims " << dims << " J " << J << " beta " << betas[r] << " k " << kk;
          EXPECT_EQ(std::min(row[kk], row[2 * dims - kk]), static_cast<std::uint64_t>(std::floor(std::ldexp(q_small, 32))));
        }
      }
      EXPECT_TRUE(k::mirror_exact(t.data(), replicas, dims));
      const auto m = ising::detail::packed_flip_tables(dims, ising::Algorithm::metropolis, J, betas.data(), replicas);
      EXPECT_FALSE(k::mirror_exact(m.data(), replicas, dims));
    }
  }
}

// The plain integer-threshold rule, spin by spin: the full 32-bit u of every spin from the
// word's Philox planes (plane p = bit 31 − p of u), flip iff u < T(k).
template <int Dims>
std::uint64_t plain_rule_word(const k::PackedUpdate& u, const std::uint64_t* self, const std::uint64_t* other,
                              std::int64_t z, std::int64_t y, std::int64_t w, int colour, std::int64_t r) {
  const std::uint32_t index = k::packed_offset(u.g, z, y, w);
  const std::uint64_t s = self[index];
  const auto nb = k::neighbour_words<Dims>(u.g, other, z, y, w, colour);
  std::uint32_t uniform[64] = {};
  for (int p = 0; p < 32; ++p) {
    const auto rw = k::philox(u.keys, index, (static_cast<std::uint32_t>(p / 2) << 24) | (static_cast<std::uint32_t>(colour) << 23),
                              u.sweep, static_cast<std::uint32_t>(r));
    const std::uint64_t bits = k::plane_bits(rw, p % 2);
    for (int b = 0; b < 64; ++b) uniform[b] |= static_cast<std::uint32_t>((bits >> b) & 1) << (31 - p);
  }
  std::uint64_t out = s;
  for (int b = 0; b < 64; ++b) {
    int anti = 0;
    for (int a = 0; a < 2 * Dims; ++a) anti += static_cast<int>(((s ^ nb.n[a]) >> b) & 1);
    if (uniform[b] < u.thresholds[r * (2 * Dims + 1) + anti]) out ^= std::uint64_t{1} << b;
  }
  return out;
}

// Every plane loop decides what the plain rule decides, word for word: the two- and three-level
// loops on Metropolis tables, the folded (mirror) loops on heat bath tables, the general loop on
// both.
template <int Dims>
void check_plane_loops(ising::Algorithm algorithm, std::vector<double> betas, std::vector<double> couplings,
                       k::PlaneMode expected_mode) {
  const k::PackedGeometry g = Dims == 2 ? geometry(256, 6, 1) : geometry(128, 4, 2);
  std::mt19937_64 gen(11);
  for (double J : couplings) {
    const auto replicas = static_cast<std::int64_t>(betas.size());
    const auto tables = ising::detail::packed_flip_tables(Dims, algorithm, J, betas.data(), replicas);
    k::PackedUpdate u{};
    u.g = g;
    u.thresholds = tables.data();
    k::prepare_packed_update(u, 99, tables.data(), replicas);
    ASSERT_EQ(u.mode, expected_mode) << "J " << J;
    u.sweep = 7;
    std::vector<std::uint64_t> words(static_cast<std::size_t>(replicas * 2 * g.words_per_colour));
    for (int trial = 0; trial < 6; ++trial) {
      for (auto& w : words) w = gen() & (trial % 2 ? gen() : ~std::uint64_t{0});  // mixed and biased
      for (std::int64_t r = 0; r < replicas; ++r)
        for (int colour = 0; colour < 2; ++colour)
          for (std::int64_t z = 0; z < g.lz; ++z)
            for (std::int64_t y = 0; y < g.ly; ++y)
              for (std::int64_t w = 0; w < g.words_per_row; ++w) {
                const std::uint64_t* self = words.data() + (r * 2 + colour) * g.words_per_colour;
                const std::uint64_t* other = words.data() + (r * 2 + 1 - colour) * g.words_per_colour;
                const auto plain = plain_rule_word<Dims>(u, self, other, z, y, w, colour, r);
                const auto general = k::updated_word<Dims, k::PhiloxPlanes, k::PlaneMode::general>(u, self, other, z, y, w, colour, r);
                ASSERT_EQ(general, plain) << "J " << J << " replica " << r;
                k::with_plane_mode(u, [&](auto mode) {
                  const auto chosen = k::updated_word<Dims, k::PhiloxPlanes, decltype(mode)::value>(u, self, other, z, y, w, colour, r);
                  ASSERT_EQ(chosen, plain) << "J " << J << " replica " << r;
                });
              }
    }
  }
}

TEST(IsingPackedWord, TwoLevelPlaneLoopDecidesLikeThePlainRule) {
  check_plane_loops<2>(ising::Algorithm::metropolis, {0.0, 0.1, 0.4406868, 0.6667, 3.0}, {1.0, -1.0, 0.3}, k::PlaneMode::pair);
}

TEST(IsingPackedWord, FoldedHeatBathLoopDecidesLikeThePlainRule2D) {
  check_plane_loops<2>(ising::Algorithm::heat_bath, {0.0, 0.1, 0.4406868, 0.6667, 3.0, 12.0}, {1.0, -1.0, 0.3},
                       k::PlaneMode::mirror_pair);
}

TEST(IsingPackedWord, FoldedHeatBathLoopDecidesLikeThePlainRule3D) {
  // Low T: q(0) rounds to 0, two fractional levels below d (1, 2) are left: the folded loop.
  check_plane_loops<3>(ising::Algorithm::heat_bath, {2.0, 2.5, 8.0}, {1.0, -1.0}, k::PlaneMode::mirror_pair);
  check_plane_loops<3>(ising::Algorithm::heat_bath, {0.1, 0.2216544}, {1.0, -0.7}, k::PlaneMode::mirror_triple);
}

TEST(IsingPackedWord, ThreeLevelPlaneLoopDecidesLikeThePlainRule) {
  check_plane_loops<3>(ising::Algorithm::metropolis, {0.1, 0.2216544, 0.5}, {1.0, -1.0, 0.4}, k::PlaneMode::triple);
}

// Planes whose every spin draws the same u (U below): each plane is all zeros or all ones.
// Drives the folded loop through its edge cases: u = 0, u = 2^32 − 1, and the full ties
// u = T(k) (not flipped) and u = 2^32 − T(k) − 1 = ~T(k) at a mirrored level (flipped: u < 2^32 − T(k)).
std::uint32_t constant_u = 0;
struct ConstantPlanes {
  k::PhiloxWords operator()(const k::PackedUpdate&, std::uint32_t, std::uint32_t c1, std::uint32_t,
                            std::uint32_t) const {
    const std::uint32_t call = (c1 >> 24) & 0xff;
    auto plane = [](int p) { return ((constant_u >> (31 - p)) & 1) ? ~std::uint32_t{0} : std::uint32_t{0}; };
    const std::uint32_t even = plane(static_cast<int>(2 * call)), odd = plane(static_cast<int>(2 * call + 1));
    return {{even, even, odd, odd}};
  }
};

template <int Dims>
void check_edge_cases(std::vector<double> betas, k::PlaneMode expected_mode) {
  constexpr int levels = 2 * Dims + 1;
  const k::PackedGeometry g = Dims == 2 ? geometry(128, 4, 1) : geometry(128, 2, 2);
  const auto replicas = static_cast<std::int64_t>(betas.size());
  const auto tables = ising::detail::packed_flip_tables(Dims, ising::Algorithm::heat_bath, 1.0, betas.data(), replicas);
  k::PackedUpdate u{};
  u.g = g;
  u.thresholds = tables.data();
  k::prepare_packed_update(u, 5, tables.data(), replicas);
  ASSERT_EQ(u.mode, expected_mode);
  std::vector<std::uint32_t> us = {0u, ~0u, 1u << 31, (1u << 31) - 1};
  for (std::int64_t r = 0; r < replicas; ++r)
    for (int level = 0; level < levels; ++level) {
      const auto t = static_cast<std::uint32_t>(tables[r * levels + level]);
      us.insert(us.end(), {t, t - 1, t + 1, ~t, ~t + 1, ~t - 1});
    }
  std::mt19937_64 gen(3);
  std::vector<std::uint64_t> words(static_cast<std::size_t>(replicas * 2 * g.words_per_colour));
  for (auto& w : words) w = gen();
  for (const std::uint32_t value : us) {
    constant_u = value;
    for (std::int64_t r = 0; r < replicas; ++r)
      for (int colour = 0; colour < 2; ++colour)
        for (std::int64_t z = 0; z < g.lz; ++z)
          for (std::int64_t y = 0; y < g.ly; ++y) {
            const std::uint64_t* self = words.data() + (r * 2 + colour) * g.words_per_colour;
            const std::uint64_t* other = words.data() + (r * 2 + 1 - colour) * g.words_per_colour;
            const auto nb = k::neighbour_words<Dims>(g, other, z, y, 0, colour);
            const std::uint64_t s = self[k::packed_offset(g, z, y, 0)];
            std::uint64_t want = s;
            for (int b = 0; b < 64; ++b) {
              int anti = 0;
              for (int a = 0; a < 2 * Dims; ++a) anti += static_cast<int>(((s ^ nb.n[a]) >> b) & 1);
              if (value < tables[r * levels + anti]) want ^= std::uint64_t{1} << b;
            }
            k::with_plane_mode(u, [&](auto mode) {
              const auto chosen = k::updated_word<Dims, ConstantPlanes, decltype(mode)::value>(u, self, other, z, y, 0, colour, r);
              ASSERT_EQ(chosen, want) << "u " << value << " replica " << r;
            });
            const auto general = k::updated_word<Dims, ConstantPlanes, k::PlaneMode::general>(u, self, other, z, y, 0, colour, r);
            ASSERT_EQ(general, want) << "u " << value << " replica " << r;
          }
  }
}

TEST(IsingPackedWord, FoldedLoopEdgeCasesOfTheComparison) {
  check_edge_cases<2>({0.3, 0.4406868}, k::PlaneMode::mirror_pair);
  check_edge_cases<3>({0.2, 0.2216544}, k::PlaneMode::mirror_triple);
  check_edge_cases<3>({2.0, 2.5}, k::PlaneMode::mirror_pair);
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
