// The limb tile kernel (kernels/bm/limb_kernels.cuh, MATH.md §2.9) on the warp emulator: its
// prepare kernels must give the host's split, its IMMA the integer product in the PTX fragment
// layout, and its chains the CPU backend's scalar chains bit for bit, with the exact-field
// fallback taken rarely (SK couplings) or often (a coarse split forced by a smaller exponent).
#include "tests/emulation/warp_emulator.hpp"
// clang-format off: the shim must come first
#include "kernels/bm/limb_kernels.cuh"
#include "host/bm/backends.hpp"
#include "host/bm/quantized.hpp"
// clang-format on

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <tuple>
#include <vector>

#include "boltzkit/boltzkit.hpp"
#include "cases.hpp"
#include "scalar_chains.hpp"

namespace boltzkit::testing {
namespace {

namespace k = boltzkit::kernels;

/// The limb kernel's inputs, prepared from a model on its grid by the prepare kernels on the
/// emulator (as host/bm/gpu.cu prepare_limbs does on the GPU); exponent_offset < 0 makes the
/// split coarser than the kernels choose (more of every coupling in lo, more fallbacks).
struct PreparedLimbs {
  std::int64_t n;
  std::vector<std::uint8_t> planes;
  std::vector<double> hi_value, lo, bound;
  std::vector<int> exponent{0};

  PreparedLimbs(const std::vector<double>& jq, std::int64_t n_, int exponent_offset = 0) : n(n_) {
    const std::int64_t np = k::bm_limb_padded(n);
    planes.assign(static_cast<std::size_t>(k::bm_limb_plane_bytes(np)), 0xAB);  // every byte is written
    hi_value.assign(static_cast<std::size_t>(n * n), -7.0);
    lo.assign(hi_value.size(), -7.0);
    bound.assign(static_cast<std::size_t>(n), -7.0);
    emu::launch(k::bm_limb_exponent_kernel, 1u, 64u, 64 * sizeof(double), jq.data(), n, exponent.data());
    exponent[0] += exponent_offset;
    emu::launch(k::bm_limb_split_kernel, 3u, 64u, 0, jq.data(), n, static_cast<const int*>(exponent.data()),
                planes.data(), hi_value.data(), lo.data());
    emu::launch(k::bm_limb_bound_kernel, 2u, 32u, 0, static_cast<const double*>(lo.data()), n, bound.data());
  }
};

/// Runs the limb tile kernel on the emulator; returns the number of exact-field decisions.
unsigned long long launch_limb_on_emulator(const k::BmChainParams& p, std::int8_t* spins, std::int64_t chains,
                                           std::uint32_t first_sweep, std::int64_t sweeps, const PreparedLimbs& l) {
  unsigned long long fallbacks = 0;
  const k::BmLimbLaunch a{p, spins, chains, first_sweep, sweeps, k::philox_keys(p.seed), l.planes.data(),
                          l.hi_value.data(), l.lo.data(), l.bound.data(), l.exponent.data(), &fallbacks};
  constexpr int b = k::bm_policy::tile_block_spins;
  const auto blocks = static_cast<unsigned>((chains + 31) / 32);
  const auto shared = static_cast<std::size_t>(k::bm_policy::limb_shared_bytes(p.n));
  if (p.algorithm == k::bm_metropolis)
    emu::launch(k::bm_limb_tile_kernel<b, k::bm_metropolis>, blocks, 128u, shared, a);
  else
    emu::launch(k::bm_limb_tile_kernel<b, k::bm_heat_bath>, blocks, 128u, shared, a);
  return fallbacks;
}

/// The prepare kernels give the host's split: the exponent of bm_limb_exponent over max |J̃|,
/// hi/σ + lo = J̃ exactly, the planes' digits recombining to hi (zero in the padding), and the
/// row bounds Σ|lo| (n = 45: two blocks, padded rows and columns).
TEST(BmLimbPrepareOnEmulator, MatchesTheHostSplit) {
  const std::int64_t n = 45, np = k::bm_limb_padded(n);
  const auto m = bm_cases::sk(n, 1.0, 5);
  const bm::detail::QuantizedModel q = bm::detail::quantize(m.model(), "test");
  const PreparedLimbs l(q.j, n);
  double max_abs = 0.0;
  for (const double v : q.j) max_abs = std::max(max_abs, std::fabs(v));
  EXPECT_EQ(l.exponent[0], k::bm_limb_exponent(max_abs, k::bm_limb_hi_max(np)));
  for (std::int64_t i = 0; i < np; ++i)
    for (std::int64_t c = 0; c < np; ++c) {
      std::int64_t hi = 0;
      for (int d = k::bm_limb_count - 1; d >= 0; --d)
        hi = 256 * hi + static_cast<std::int8_t>(l.planes[static_cast<std::size_t>(k::bm_limb_offset(d, i, c, np))]);
      if (i >= n || c >= n) {
        EXPECT_EQ(hi, 0) << i << ' ' << c;
        continue;
      }
      const auto e = static_cast<std::size_t>(i * n + c);
      const k::BmLimbSplit s = k::bm_limb_split(q.j[e], l.exponent[0]);
      EXPECT_EQ(hi, s.hi);
      EXPECT_EQ(l.hi_value[e], s.hi_value);
      EXPECT_EQ(l.lo[e], s.lo);
      EXPECT_EQ(l.hi_value[e] + l.lo[e], q.j[e]);
    }
  for (std::int64_t i = 0; i < n; ++i) {
    double sum = 0.0;
    for (std::int64_t c = 0; c < n; ++c) sum += std::fabs(l.lo[static_cast<std::size_t>(i * n + c)]);
    EXPECT_EQ(l.bound[static_cast<std::size_t>(i)], sum);
  }
}

/// One IMMA on random int8 fragments (extremes −128 and 127 included) against the integer product
/// read through the documented layout: catches a swapped register, row or byte.
struct ImmaLaunch {
  const std::uint32_t* a;  // lane-major, 4 words per lane
  const std::uint32_t* b;  // 2 words per lane
  const std::int32_t* c;   // 4 per lane
  std::int32_t* d;
};
static __global__ void imma_kernel(ImmaLaunch x) {
  const int lane = static_cast<int>(threadIdx.x);
  const std::uint32_t a[4] = {x.a[4 * lane], x.a[4 * lane + 1], x.a[4 * lane + 2], x.a[4 * lane + 3]};
  const std::uint32_t b[2] = {x.b[2 * lane], x.b[2 * lane + 1]};
  const std::int32_t c[4] = {x.c[4 * lane], x.c[4 * lane + 1], x.c[4 * lane + 2], x.c[4 * lane + 3]};
  std::int32_t d[4];
  k::bm_imma_16832(d, a, b, c);
  for (int i = 0; i < 4; ++i) x.d[4 * lane + i] = d[i];
}

TEST(BmLimbImmaOnEmulator, IsTheIntegerProductInThePtxLayout) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> byte(-128, 127), acc(-1000000, 1000000);
  std::int8_t A[16][32], B[32][8];
  std::int32_t C[16][8];
  for (auto& row : A)
    for (auto& v : row) v = static_cast<std::int8_t>(byte(rng));
  for (auto& row : B)
    for (auto& v : row) v = static_cast<std::int8_t>(byte(rng));
  for (auto& row : C)
    for (auto& v : row) v = acc(rng);
  A[0][0] = -128, B[0][0] = -128, A[15][31] = 127, B[31][7] = -128;
  std::vector<std::uint32_t> a(128), b(64);
  std::vector<std::int32_t> c(128), d(128, 0);
  const auto put = [](std::uint32_t& w, int byte_index, std::int8_t v) {
    w |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(v)) << (8 * byte_index);
  };
  for (int lane = 0; lane < 32; ++lane) {
    const int g = lane / 4, q = lane % 4;
    for (int r = 0; r < 4; ++r)
      for (int x = 0; x < 4; ++x) put(a[static_cast<std::size_t>(4 * lane + r)], x, A[g + 8 * (r % 2)][4 * q + 16 * (r / 2) + x]);
    for (int r = 0; r < 2; ++r)
      for (int x = 0; x < 4; ++x) put(b[static_cast<std::size_t>(2 * lane + r)], x, B[4 * q + 16 * r + x][g]);
    for (int i = 0; i < 4; ++i) c[static_cast<std::size_t>(4 * lane + i)] = C[g + 8 * (i / 2)][2 * q + i % 2];
  }
  emu::launch(imma_kernel, 1u, 32u, 0, ImmaLaunch{a.data(), b.data(), c.data(), d.data()});
  for (int lane = 0; lane < 32; ++lane)
    for (int i = 0; i < 4; ++i) {
      const int row = lane / 4 + 8 * (i / 2), col = 2 * (lane % 4) + i % 2;
      std::int64_t want = C[row][col];
      for (int kk = 0; kk < 32; ++kk) want += A[row][kk] * B[kk][col];
      EXPECT_EQ(d[static_cast<std::size_t>(4 * lane + i)], want) << row << ' ' << col;
    }
}

using LimbCase = std::tuple<std::int64_t, bm::Algorithm>;  // n, algorithm
class BmLimbKernelOnEmulator : public ::testing::TestWithParam<LimbCase> {};

/// SK couplings: the limb kernel makes the CPU backend's scalar chains bit for bit. 37 chains
/// leave the second tile partly empty; n covers one partial block (13), a partial second block
/// (45), partial row tiles over all four warps (161) and the largest n (256: four row tiles
/// per warp, the planes filling 192 KiB).
TEST_P(BmLimbKernelOnEmulator, EqualsScalarCpuBitForBit) {
  const auto [n, algorithm] = GetParam();
  const std::int64_t chains = 37, sweeps = 2;
  const auto m = bm_cases::sk(n, 0.8, 120 + static_cast<std::uint64_t>(n));
  const bm::SweepOptions scalar{algorithm, bm::Scan::sequential, bm::FieldUpdate::scalar};
  auto [spins, expected] = scalar_cpu_chains(m.model(), chains, sweeps, scalar);
  ASSERT_NE(spins, expected);  // the chains moved
  const bm::detail::QuantizedModel q = bm::detail::quantize(m.model(), "test");
  const PreparedLimbs l(q.j, n);
  const unsigned long long fallbacks =
      launch_limb_on_emulator(bm::backend::chain_params(q.model(), 31, scalar), spins.data(), chains, 2u, sweeps, l);
  EXPECT_EQ(spins, expected);
  std::printf("n = %lld: %llu exact-field decisions of %lld\n", static_cast<long long>(n), fallbacks,
              static_cast<long long>(chains * n * sweeps));
}

INSTANTIATE_TEST_SUITE_P(Sizes, BmLimbKernelOnEmulator,
                         ::testing::Combine(::testing::Values(13, 45, 161, 256),
                                            ::testing::Values(bm::Algorithm::heat_bath, bm::Algorithm::metropolis)));

/// A split 2^16 times coarser than the kernels choose (hi keeps ~7 bits, lo the rest): the bound
/// settles fewer decisions and the exact-field fallback takes many, inside blocks and at their
/// edges; the chains stay the scalar CPU's bit for bit. Would fail if the fallback used stale
/// spins (the block's earlier flips) or the bound were too tight.
TEST(BmLimbKernelOnEmulator, CoarseSplitFallsBackOftenAndStaysExact) {
  const std::int64_t n = 70, chains = 33, sweeps = 3;
  for (const auto algorithm : {bm::Algorithm::heat_bath, bm::Algorithm::metropolis}) {
    const auto m = bm_cases::sk(n, 1.1, 77);
    const bm::SweepOptions scalar{algorithm, bm::Scan::sequential, bm::FieldUpdate::scalar};
    auto [spins, expected] = scalar_cpu_chains(m.model(), chains, sweeps, scalar);
    const bm::detail::QuantizedModel q = bm::detail::quantize(m.model(), "test");
    const PreparedLimbs l(q.j, n, -16);
    const unsigned long long fallbacks =
        launch_limb_on_emulator(bm::backend::chain_params(q.model(), 31, scalar), spins.data(), chains, 2u, sweeps, l);
    EXPECT_EQ(spins, expected);
    EXPECT_GT(fallbacks, 100u);  // the forced split does exercise the fallback
    std::printf("coarse split: %llu exact-field decisions of %lld\n", fallbacks,
                static_cast<long long>(chains * n * sweeps));
  }
}

/// Per-chain β (replica exchange), a zero-coupling row and a call split in two (the fields are
/// rebuilt at each launch): still the scalar CPU's chains.
TEST(BmLimbKernelOnEmulator, PerChainBetaAndSplitCallsEqualScalarCpu) {
  const std::int64_t n = 40, chains = 21;
  auto m = bm_cases::sk(n, 1.0, 19);
  for (std::int64_t l = 0; l < n; ++l) m.j[static_cast<std::size_t>(7 * n + l)] = m.j[static_cast<std::size_t>(l * n + 7)] = 0.0;
  std::vector<double> betas(static_cast<std::size_t>(chains));
  for (std::size_t c = 0; c < betas.size(); ++c) betas[c] = 0.1 + 0.2 * static_cast<double>(c);
  const bm::SweepOptions scalar{bm::Algorithm::heat_bath, bm::Scan::sequential, bm::FieldUpdate::scalar};
  auto [spins, expected] = per_chain_beta_cpu_chains(m.model(), betas, 5, 4, scalar);
  const bm::detail::QuantizedModel q = bm::detail::quantize(m.model(), "test");
  k::BmChainParams p = bm::backend::chain_params(q.model(), 3, scalar);
  p.chain_beta = betas.data();
  const PreparedLimbs l(q.j, n);
  launch_limb_on_emulator(p, spins.data(), chains, 5u, 1, l);
  launch_limb_on_emulator(p, spins.data(), chains, 6u, 3, l);
  EXPECT_EQ(spins, expected);
}

}  // namespace
}  // namespace boltzkit::testing
