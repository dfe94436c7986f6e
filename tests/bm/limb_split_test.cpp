// The split of the limb tile kernel's couplings (kernels/bm/limb_split.cuh, MATH.md §2.9) on the
// CPU: hi/σ + lo is the grid value exactly, |hi| stays within the digits and the int32 bound, the
// digits recombine, σ is the largest allowed, and the planes' layout is a bijection.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/bm/limb_split.cuh"
#include "kernels/bm/quantize.cuh"

namespace boltzkit::testing {
namespace {

namespace k = boltzkit::kernels;

TEST(BmLimbSplit, HiMaxKeepsEveryInt32PartialSumInRange) {
  for (const std::int64_t np : {32, 64, 256, 1024, 16384}) {
    const std::int64_t h = k::bm_limb_hi_max(np);
    EXPECT_LE(h, k::bm_limb_digits_max);
    EXPECT_LT((np + 65) * h + 16384, std::int64_t{1} << 31) << np;
  }
  EXPECT_EQ(k::bm_limb_hi_max(32), k::bm_limb_digits_max);  // the digits bind for small n
  EXPECT_LT(k::bm_limb_hi_max(256), k::bm_limb_digits_max);  // the int32 bound at n = 256
}

TEST(BmLimbSplit, ExponentIsTheLargestThatFits) {
  const std::int64_t h = k::bm_limb_hi_max(256);
  for (const double max_abs : {1e-300, 0.003, 0.25, 1.0, 3.0, 1e12, static_cast<double>(h), h + 0.5}) {
    const int e = k::bm_limb_exponent(max_abs, h);
    EXPECT_LE(std::ldexp(max_abs, e), static_cast<double>(h)) << max_abs;
    EXPECT_GT(std::ldexp(max_abs, e + 1), static_cast<double>(h)) << max_abs;
  }
  EXPECT_EQ(k::bm_limb_exponent(0.0, h), 0);
}

/// Grid values of SK-like, huge, tiny and extreme couplings: the split is exact and in range.
TEST(BmLimbSplit, HiValuePlusLoIsTheGridValueAndDigitsRecombine) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> g(0.0, 1.0);
  const std::int64_t h = k::bm_limb_hi_max(256);
  for (const double scale : {1e-200, 0.0625, 1.0, 1e200}) {
    const int q = k::bm_grid_shift(scale * 40.0);  // a row bound ~40 couplings of this size
    std::vector<double> j;
    for (int x = 0; x < 2000; ++x) j.push_back(k::bm_quantize(scale * g(rng), q));
    double max_abs = 0.0;
    for (const double v : j) max_abs = std::max(max_abs, std::fabs(v));
    j.push_back(max_abs);
    j.push_back(-max_abs);
    j.push_back(0.0);
    const int e = k::bm_limb_exponent(max_abs, h);
    for (const double v : j) {
      const k::BmLimbSplit s = k::bm_limb_split(v, e);
      EXPECT_LE(std::abs(static_cast<std::int64_t>(s.hi)), h);
      EXPECT_EQ(s.hi_value + s.lo, v);
      EXPECT_LE(std::fabs(s.lo), std::ldexp(0.5, -e));
      std::int64_t back = 0;
      for (int d = k::bm_limb_count - 1; d >= 0; --d) {
        const int digit = k::bm_limb_digit(s.hi, d);
        EXPECT_GE(digit, -128);
        EXPECT_LE(digit, 127);
        back = 256 * back + digit;
      }
      EXPECT_EQ(back, s.hi);
    }
  }
  for (const std::int32_t hi : {-8421504, -8355711, -32896, -129, -128, 127, 128, 32639, 8355711}) {
    std::int64_t back = 0;
    for (int d = k::bm_limb_count - 1; d >= 0; --d) back = 256 * back + k::bm_limb_digit(hi, d);
    EXPECT_EQ(back, hi);
  }
}

TEST(BmLimbSplit, PlaneOffsetsAreABijection) {
  for (const std::int64_t np : {32, 96}) {
    std::vector<int> seen(static_cast<std::size_t>(k::bm_limb_plane_bytes(np)), 0);
    for (int l = 0; l < k::bm_limb_count; ++l)
      for (std::int64_t i = 0; i < np; ++i)
        for (std::int64_t c = 0; c < np; ++c) ++seen[static_cast<std::size_t>(k::bm_limb_offset(l, i, c, np))];
    for (const int s : seen) ASSERT_EQ(s, 1);
  }
}

}  // namespace
}  // namespace boltzkit::testing
