// The decision rule of the bm chains (MATH.md §2.7 "Decisions by thresholds"): a threshold per
// Philox word that does not depend on the field, then one comparison. Checked against the
// probabilities it must represent (heat bath σ(2βf), Metropolis min(1, e^{−βΔE})) computed in
// long double, at the edge words, for both signs of β·f, at β = 0, and at the tie f = t.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "kernels/bm/chain_update.cuh"
#include "kernels/bm/quantize.cuh"
#include "kernels/common/portable_log.cuh"

namespace boltzkit::testing {
namespace {

namespace k = boltzkit::kernels;

constexpr std::uint32_t word_max = 0xffffffffu;

/// x = (word + ½)/2³², the uniform number a word stands for.
long double uniform(std::uint32_t word) { return (static_cast<long double>(word) + 0.5L) / 4294967296.0L; }

TEST(BmPortableLog, MatchesLibmWithinTwoUlpOverTheThresholdRange) {
  std::vector<double> xs = {0x1p-33, 0x1p-32, 0.5, 0.7071067811865475, 0.7071067811865476, 1.0 - 0x1p-33,
                            1.0,     1.0 + 0x1p-32, 1.4142135623730950, 1.4142135623730951,
                            1.4142135623730952, 2.0, 3.0, 0x1p33, 12345.678};
  for (double x = 0x1p-33; x < 0x1p33; x *= 1.0137) xs.push_back(x);
  for (const double x : xs) {
    const double got = k::portable_log(x), want = std::log(x);
    const double ulp = std::fabs(std::nextafter(want, HUGE_VAL) - want);
    EXPECT_LE(std::fabs(got - want), 2.0 * ulp) << x;
  }
  EXPECT_EQ(k::portable_log(1.0), 0.0);
}

/// log(a/b) with one division, over the pairs the thresholds use (a = word + ½ against 2³² − a
/// and 2³²) and mantissa ratios on both sides of the √2 split points; the four-word lockstep
/// form gives the same bits as one word at a time.
TEST(BmPortableLog, RatioMatchesLongDoubleAndLockstepMatchesScalar) {
  std::vector<std::pair<double, double>> pairs = {{1.5, 1.0},       {1.0, 1.5},      {1.4142135, 1.0},
                                                  {1.0, 1.4142136}, {1.99, 1.0},     {1.0, 1.99},
                                                  {0.5, 4294967295.5}, {4294967295.5, 0.5},
                                                  {2147483647.5, 2147483648.5}, {3.0, 0x1p40}};
  for (std::uint64_t w = 0; w <= word_max; w += 0x01000193u) {
    const double a = static_cast<double>(w) + 0.5;
    pairs.emplace_back(a, 4294967296.0 - a);
    pairs.emplace_back(a, 4294967296.0);
  }
  for (const auto& [a, b] : pairs) {
    const long double want = std::log(static_cast<long double>(a) / static_cast<long double>(b));
    const double got = k::portable_log_ratio(a, b);
    const double ulp = std::fabs(std::nextafter(static_cast<double>(want), HUGE_VAL) - static_cast<double>(want));
    EXPECT_LE(std::fabs(static_cast<double>(got - want)), 2.0 * ulp) << a << " / " << b;
  }
  const std::uint32_t words[4] = {0u, 0x7fffffffu, 0x9e3779b9u, word_max};
  for (const int algorithm : {k::bm_heat_bath, k::bm_metropolis}) {
    double t4[4];
    k::bm_thresholds<4>(words, 0.37, algorithm, t4);
    for (int l = 0; l < 4; ++l) EXPECT_EQ(t4[l], k::bm_threshold(words[l], 0.37, algorithm));
  }
}

/// Heat bath: the new spin is +1 iff f > t(word); in exact arithmetic that is x < σ(2βf).
bool heat_bath_up(double f, double beta, std::uint32_t word) {
  const double t = k::bm_threshold(word, k::bm_threshold_scale(beta), k::bm_heat_bath);
  return k::bm_flips_at(f, -1, t, k::bm_heat_bath);  // from −1: a flip iff the new spin is +1
}

TEST(BmThresholdRule, HeatBathIsSigmoidOfTwoBetaF) {
  int checked = 0;
  for (const double beta : {0.3, 1.0, 2.7}) {
    for (const double f : {-3.1, -0.75, -0.01, 0.0, 0.002, 0.4, 1.9, 5.5}) {
      const long double p = 1.0L / (1.0L + std::exp(-2.0L * beta * f));
      for (std::uint32_t word : {0u, 1u, 0x7fffffffu, 0x80000000u, word_max - 1, word_max}) {
        for (int probe = 0; probe < 2; ++probe) {
          // probe 1: the words next to the boundary x = σ(2βf), where a wrong rule shows first
          if (probe == 1) {
            const long double b = p * 4294967296.0L - 0.5L;
            if (b < 1 || b > 4294967294.0L) continue;
            word = static_cast<std::uint32_t>(b) + (word & 1u);
          }
          const long double x = uniform(word);
          if (std::fabs(static_cast<double>(x - p)) < 1e-12) continue;  // within rounding of the boundary
          EXPECT_EQ(heat_bath_up(f, beta, word), x < p) << "beta " << beta << " f " << f << " word " << word;
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 250);
  // s = +1: a flip iff the new spin is −1
  const double t = k::bm_threshold(0x40000000u, 1.0, k::bm_heat_bath);
  EXPECT_TRUE(k::bm_flips_at(t - 1.0, 1, t, k::bm_heat_bath));
  EXPECT_FALSE(k::bm_flips_at(t + 1.0, 1, t, k::bm_heat_bath));
}

TEST(BmThresholdRule, MetropolisIsExpOfMinusBetaDeltaE) {
  int checked = 0;
  for (const double beta : {0.3, 1.0, 2.7}) {
    for (const double f : {-3.1, -0.75, -0.01, 0.0, 0.002, 0.4, 1.9, 5.5}) {
      for (const std::int8_t s : {std::int8_t{-1}, std::int8_t{1}}) {
        const long double de = 2.0L * s * f;
        const long double p = de <= 0 ? 1.0L : std::exp(-beta * de);
        for (const std::uint32_t word : {0u, 1u, 12345u, 0x7fffffffu, 0x80000000u, 0xdeadbeefu, word_max}) {
          const long double x = uniform(word);
          if (std::fabs(static_cast<double>(x - p)) < 1e-12) continue;
          const double t = k::bm_threshold(word, k::bm_threshold_scale(beta), k::bm_metropolis);
          EXPECT_LT(t, 0.0);
          EXPECT_EQ(k::bm_flips_at(f, s, t, k::bm_metropolis), x < p)
              << "beta " << beta << " f " << f << " s " << int(s) << " word " << word;
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 300);
}

/// The fraction of words that set the spin up is σ(2βf) to within the words' resolution.
TEST(BmThresholdRule, FractionOfWordsIsTheProbability) {
  const double beta = 0.8, f = 0.37;
  const double scale = k::bm_threshold_scale(beta);
  std::int64_t up = 0, accept = 0, total = 0;
  for (std::uint64_t w = 0; w <= word_max; w += 4099) {
    const auto word = static_cast<std::uint32_t>(w);
    up += k::bm_flips_at(f, -1, k::bm_threshold(word, scale, k::bm_heat_bath), k::bm_heat_bath);
    accept += k::bm_flips_at(f, 1, k::bm_threshold(word, scale, k::bm_metropolis), k::bm_metropolis);
    ++total;
  }
  const double resolution = 2.0 / static_cast<double>(total);
  EXPECT_NEAR(static_cast<double>(up) / static_cast<double>(total), 1.0 / (1.0 + std::exp(-2.0 * beta * f)),
              resolution);
  EXPECT_NEAR(static_cast<double>(accept) / static_cast<double>(total), std::exp(-2.0 * beta * f), resolution);
}

TEST(BmThresholdRule, BetaZeroAndEdgeWords) {
  const double inf = std::numeric_limits<double>::infinity();
  const double scale = k::bm_threshold_scale(0.0);
  EXPECT_EQ(scale, inf);
  // heat bath at β = 0: up iff x < ½, i.e. word < 2³¹, whatever the field
  for (const double f : {-1e300, -1.0, 0.0, 1.0, 1e300}) {
    EXPECT_TRUE(heat_bath_up(f, 0.0, 0u));
    EXPECT_TRUE(heat_bath_up(f, 0.0, 0x7fffffffu));
    EXPECT_FALSE(heat_bath_up(f, 0.0, 0x80000000u));
    EXPECT_FALSE(heat_bath_up(f, 0.0, word_max));
    // Metropolis at β = 0 accepts everything
    for (const std::uint32_t word : {0u, 0x80000000u, word_max})
      EXPECT_TRUE(k::bm_flips_at(f, 1, k::bm_threshold(word, scale, k::bm_metropolis), k::bm_metropolis));
  }
  // the edge words stay finite: x = 2⁻³³ and 1 − 2⁻³³, logit ±ln(2³³ − 1)
  const double lo = k::bm_threshold(0u, 1.0, k::bm_heat_bath), hi = k::bm_threshold(word_max, 1.0, k::bm_heat_bath);
  EXPECT_NEAR(lo, -std::log(8589934591.0), 1e-12);
  EXPECT_NEAR(hi, -lo, 1e-12);  // logit is odd and the two words are mirror images
  EXPECT_NEAR(k::bm_threshold(0u, 1.0, k::bm_metropolis), -33.0 * std::log(2.0), 1e-12);
  EXPECT_LT(k::bm_threshold(word_max, 1.0, k::bm_metropolis), 0.0);  // log(1 − 2⁻³³) < 0: ΔE = 0 flips
  // Metropolis: ΔE <= 0 always flips, at every word
  for (const std::uint32_t word : {0u, 1u, 0x80000000u, word_max}) {
    const double t = k::bm_threshold(word, k::bm_threshold_scale(5.0), k::bm_metropolis);
    EXPECT_TRUE(k::bm_flips_at(0.0, 1, t, k::bm_metropolis));
    EXPECT_TRUE(k::bm_flips_at(-2.5, 1, t, k::bm_metropolis));
    EXPECT_TRUE(k::bm_flips_at(2.5, -1, t, k::bm_metropolis));
  }
}

/// Ties: f = t exactly sets the spin to −1 (heat bath) and rejects (Metropolis); a field one grid
/// step above flips the other way. On the grid 2^-q, f > t iff F > ⌊2^q·t⌋ for F = 2^q·f.
TEST(BmThresholdRule, TiesAndTheGridFloor) {
  const double t_h = k::bm_threshold(0x9abcdef0u, k::bm_threshold_scale(1.3), k::bm_heat_bath);
  EXPECT_FALSE(k::bm_flips_at(t_h, -1, t_h, k::bm_heat_bath));  // stays −1
  EXPECT_TRUE(k::bm_flips_at(t_h, 1, t_h, k::bm_heat_bath));    // goes to −1
  EXPECT_TRUE(k::bm_flips_at(std::nextafter(t_h, HUGE_VAL), -1, t_h, k::bm_heat_bath));
  const double t_m = k::bm_threshold(0x12345678u, k::bm_threshold_scale(1.3), k::bm_metropolis);
  EXPECT_FALSE(k::bm_flips_at(-t_m, 1, t_m, k::bm_metropolis));  // −s·f = t: rejected
  EXPECT_TRUE(k::bm_flips_at(std::nextafter(-t_m, 0.0), 1, t_m, k::bm_metropolis));
  const int q = 46;  // SK at N = 256
  for (std::uint32_t word = 7; word < 0xffff0000u; word += 0x0fedcba9u) {
    const double t = k::bm_threshold(word, k::bm_threshold_scale(0.9), k::bm_heat_bath);
    const double floor_t = std::floor(std::ldexp(t, q));
    for (const double df : {-1.0, 0.0, 1.0, 2.0}) {
      const double f = std::ldexp(floor_t + df, -q);  // a grid value next to t
      EXPECT_EQ(f > t, floor_t + df > floor_t) << word << " " << df;
    }
  }
}

}  // namespace
}  // namespace boltzkit::testing
