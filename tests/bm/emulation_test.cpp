// The bm kernels (kernels/bm/chain_kernels.cuh) on the warp emulator: the chain kernel, with its
// 32 lanes splitting every field update and J in shared memory or global, must make the CPU
// backend's chains bit for bit; the enumeration kernel must return the CPU's chunks bit for bit.
#include "tests/emulation/warp_emulator.hpp"
// clang-format off: the shim must come first
#include "kernels/bm/chain_kernels.cuh"
#include "host/bm/backends.hpp"
#include "host/bm/quantized.hpp"
#include "host/bm/tile_instance.hpp"
// clang-format on

#include <gtest/gtest.h>

#include <algorithm>
#include <tuple>
#include <vector>

#include "boltzkit/boltzkit.hpp"
#include "cases.hpp"
#include "scalar_chains.hpp"

namespace boltzkit::testing {
namespace {

namespace k = boltzkit::kernels;

using ChainCase = std::tuple<bm_cases::Case, bm::Algorithm, bm::Scan>;
class BmChainKernelOnEmulator : public ::testing::TestWithParam<ChainCase> {};

TEST_P(BmChainKernelOnEmulator, EqualsCpuBackendBitForBit) {
  const auto [c, algorithm, scan] = GetParam();
  const auto m = bm_cases::sk(c.n, c.beta, c.seed);
  const bm::SweepOptions options{algorithm, scan};
  Context cpu(Backend::cpu);
  std::vector<std::int8_t> expected(static_cast<std::size_t>(c.chains * c.n));
  bm::initial_spins(cpu, expected.data(), c.chains, c.n, c.seed);
  std::vector<std::int8_t> spins = expected;
  bm::sweep(cpu, m.model(), expected.data(), c.chains, 77, 3, 4, options);

  const auto plan = k::bm_policy::chain_launch(c.n);
  const bm::detail::QuantizedModel q = bm::detail::quantize(m.model(), "test");
  const k::BmSweepLaunch a{bm::backend::chain_params(q.model(), 77, options), spins.data(), c.chains,
                           3u, std::int64_t{4}, plan.j_shared ? 1 : 0};
  const auto blocks = static_cast<unsigned>((c.chains + plan.warps_per_block - 1) / plan.warps_per_block);
  emu::launch(k::bm_sweep_kernel, blocks, static_cast<unsigned>(plan.warps_per_block * 32),
              plan.shared_bytes, a);
  EXPECT_EQ(spins, expected);
  EXPECT_EQ(plan.j_shared, c.n <= 64);  // the table covers both placements of J
}

INSTANTIATE_TEST_SUITE_P(Cases, BmChainKernelOnEmulator,
                         ::testing::Combine(::testing::ValuesIn(bm_cases::cases),
                                            ::testing::Values(bm::Algorithm::heat_bath,
                                                              bm::Algorithm::metropolis),
                                            ::testing::Values(bm::Scan::sequential, bm::Scan::random)));

TEST(BmKernelsOnEmulator, InitialEnergyAndAccumulateEqualCpu) {
  const auto m = bm_cases::sk(13, 1.0, 6);
  const std::int64_t chains = 9, n = 13;
  Context cpu(Backend::cpu);
  std::vector<std::int8_t> expected(static_cast<std::size_t>(chains * n)), spins(expected.size(), 0);
  bm::initial_spins(cpu, expected.data(), chains, n, 5);
  emu::launch(k::bm_initial_kernel, 1u, 64u, 0, spins.data(), chains, n, std::uint64_t{5});
  ASSERT_EQ(spins, expected);
  std::vector<double> e_cpu(static_cast<std::size_t>(chains)), e_emu(e_cpu.size(), -1.0);
  bm::energy(cpu, m.model(), spins.data(), chains, e_cpu.data());
  emu::launch(k::bm_energy_kernel, 1u, 32u, 0, static_cast<const double*>(m.j.data()),
              static_cast<const double*>(m.h.data()), static_cast<const std::int8_t*>(spins.data()),
              chains, n, e_emu.data());
  EXPECT_EQ(e_emu, e_cpu);
  std::vector<double> sums(spins.size(), 1.0), x(spins.size(), 0.0);
  emu::launch(k::bm_accumulate_kernel, 2u, 32u, 0, static_cast<const std::int8_t*>(spins.data()),
              chains * n, sums.data(), x.data());
  for (std::size_t e = 0; e < spins.size(); ++e) {
    EXPECT_EQ(x[e], spins[e]);
    EXPECT_EQ(sums[e], 1.0 + spins[e]);
  }
}

class BmExactKernelOnEmulator : public ::testing::TestWithParam<std::int64_t> {};

TEST_P(BmExactKernelOnEmulator, ChunksEqualCpuBitForBit) {
  const std::int64_t n = GetParam();
  const auto m = bm_cases::sk(n, 3.0, 40 + static_cast<std::uint64_t>(n), 0.5);
  const bm::backend::ExactChunks cpu = bm::backend::cpu::enumerate(m.model());
  const int chunk_log2 = k::bm_exact_chunk_log2(n);
  const auto per = static_cast<std::size_t>(cpu.chunks * n);
  std::vector<std::int8_t> s(per);
  std::vector<double> f(per), wk(per), mean(per, -7.0), corr(per * static_cast<std::size_t>(n), 0.0),
      ref(static_cast<std::size_t>(cpu.chunks)), z(ref.size());
  const k::BmExactLaunch a{m.j.data(), m.h.data(), n, m.beta, chunk_log2, cpu.chunks, s.data(), f.data(),
                           wk.data(), mean.data(), corr.data(), ref.data(), z.data()};
  emu::launch(k::bm_exact_kernel, 1u, 64u, 0, a);  // fewer threads than chunks: the loop strides
  EXPECT_EQ(ref, cpu.ref);
  EXPECT_EQ(z, cpu.z);
  EXPECT_EQ(mean, cpu.mean);
  EXPECT_EQ(corr, cpu.corr);
}

INSTANTIATE_TEST_SUITE_P(Sizes, BmExactKernelOnEmulator, ::testing::Values(1, 5, 12, 21));

}  // namespace
}  // namespace boltzkit::testing

namespace boltzkit::testing {
namespace {

namespace k = boltzkit::kernels;


/// The fields' GEMM stand-in: f (n, chains) += J[:, k0 … k0+m) · ds (m, chains), adding the block
/// columns in reverse order (not the CPU backend's order: on the grid the order must not matter).
void reference_block_fields(const std::vector<double>& j, std::int64_t n, std::int64_t k0, int m,
                            const std::vector<double>& ds, std::int64_t chains, std::vector<double>& f) {
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t c = 0; c < chains; ++c) {
      double acc = 0.0;
      for (int u = m - 1; u >= 0; --u)
        acc += j[static_cast<std::size_t>(i * n + k0 + u)] * ds[static_cast<std::size_t>(u * chains + c)];
      f[static_cast<std::size_t>(i * chains + c)] += acc;
    }
}

using BlockCase = std::tuple<std::int64_t, bm::Algorithm, double>;
class BmBlockKernelOnEmulator : public ::testing::TestWithParam<BlockCase> {};

/// The decision kernel run block by block on the emulator, with the reference GEMM between the
/// blocks, makes the CPU backend's scalar chains bit for bit.
TEST_P(BmBlockKernelOnEmulator, WithReferenceGemmEqualsScalarCpuBitForBit) {
  const auto [n, algorithm, beta] = GetParam();
  const std::int64_t chains = 37, sweeps = 3;  // chains: one full and one partial thread block
  const auto m = bm_cases::sk(n, beta, 90 + static_cast<std::uint64_t>(n));
  const bm::SweepOptions scalar{algorithm, bm::Scan::sequential, bm::FieldUpdate::scalar};
  auto [spins, expected] = scalar_cpu_chains(m.model(), chains, sweeps, scalar);

  const bm::detail::QuantizedModel q = bm::detail::quantize(m.model(), "test");
  const k::BmChainParams p = bm::backend::chain_params(q.model(), 31, scalar);
  std::vector<double> f(static_cast<std::size_t>(n * chains)), ds(static_cast<std::size_t>(k::bm_policy::block_spins * chains), 9.0);
  for (std::int64_t c = 0; c < chains; ++c)
    for (std::int64_t i = 0; i < n; ++i)
      f[static_cast<std::size_t>(i * chains + c)] = k::bm_field(q.j.data(), q.h.data(), spins.data() + c * n, n, i);
  constexpr int b = k::bm_policy::block_spins;
  const auto blocks = static_cast<unsigned>((chains + k::bm_policy::block_threads - 1) / k::bm_policy::block_threads);
  for (std::int64_t t = 0; t < sweeps; ++t)
    for (std::int64_t k0 = 0; k0 < n; k0 += b) {
      const int width = static_cast<int>(std::min<std::int64_t>(b, n - k0));
      const k::BmBlockLaunch a{p, spins.data(), f.data(), ds.data(), chains, k0, width,
                               static_cast<std::uint32_t>(2 + t)};
      emu::launch(k::bm_block_kernel<b>, blocks, static_cast<unsigned>(k::bm_policy::block_threads),
                  k::bm_policy::block_shared_bytes(), a);
      reference_block_fields(q.j, n, k0, width, ds, chains, f);
    }
  EXPECT_EQ(spins, expected);
  // the fields carried through the blocks are the exact fields of the final spins
  for (std::int64_t c = 0; c < chains; ++c)
    for (std::int64_t i = 0; i < n; ++i)
      ASSERT_EQ(f[static_cast<std::size_t>(i * chains + c)],
                k::bm_field(q.j.data(), q.h.data(), spins.data() + c * n, n, i));
}

INSTANTIATE_TEST_SUITE_P(Sizes, BmBlockKernelOnEmulator,
                         ::testing::Combine(::testing::Values(2, 5, 31, 32, 33, 100),
                                            ::testing::Values(bm::Algorithm::heat_bath,
                                                              bm::Algorithm::metropolis),
                                            ::testing::Values(0.4, 1.5)));

/// Per-chain β (replica exchange's table) reaches the decision kernel: one block of a 40-spin
/// model, five chains at five temperatures, against the CPU's scalar chains.
TEST(BmBlockKernelOnEmulator, PerChainBetaEqualsScalarCpu) {
  const std::int64_t n = 40, chains = 5;
  const auto m = bm_cases::sk(n, 1.0, 17);
  const std::vector<double> betas = {0.1, 0.5, 1.0, 2.0, 4.0};
  const bm::SweepOptions scalar{bm::Algorithm::metropolis, bm::Scan::sequential, bm::FieldUpdate::scalar};
  auto [spins, expected] = per_chain_beta_cpu_chains(m.model(), betas, 0, 1, scalar);

  const bm::detail::QuantizedModel q = bm::detail::quantize(m.model(), "test");
  k::BmChainParams p = bm::backend::chain_params(q.model(), 3, scalar);
  p.chain_beta = betas.data();
  std::vector<double> f(static_cast<std::size_t>(n * chains)),
      ds(static_cast<std::size_t>(k::bm_policy::block_spins * chains));
  for (std::int64_t c = 0; c < chains; ++c)
    for (std::int64_t i = 0; i < n; ++i)
      f[static_cast<std::size_t>(i * chains + c)] = k::bm_field(q.j.data(), q.h.data(), spins.data() + c * n, n, i);
  constexpr int b = k::bm_policy::block_spins;
  for (std::int64_t k0 = 0; k0 < n; k0 += b) {
    const int width = static_cast<int>(std::min<std::int64_t>(b, n - k0));
    const k::BmBlockLaunch a{p, spins.data(), f.data(), ds.data(), chains, k0, width, 0u};
    emu::launch(k::bm_block_kernel<b>, 1u, static_cast<unsigned>(k::bm_policy::block_threads),
                k::bm_policy::block_shared_bytes(), a);
    reference_block_fields(q.j, n, k0, width, ds, chains, f);
  }
  EXPECT_EQ(spins, expected);
}

/// The device-side grid (row bounds, shift, rounding) equals the host's for a model whose
/// entries span 30 orders of magnitude.
TEST(BmQuantizeKernelsOnEmulator, EqualHostGridBitForBit) {
  auto m = bm_cases::sk(23, 1.0, 8);
  for (std::size_t e = 0; e < m.j.size(); e += 7) m.j[e] *= 1e15;
  for (std::int64_t kk = 0; kk < m.n; ++kk)
    for (std::int64_t l = 0; l < kk; ++l)
      m.j[static_cast<std::size_t>(kk * m.n + l)] = m.j[static_cast<std::size_t>(l * m.n + kk)];
  for (std::int64_t kk = 0; kk < m.n; ++kk) m.j[static_cast<std::size_t>(kk * m.n + kk)] = 0.0;
  m.h[3] = 1e-15;
  const bm::detail::QuantizedModel q = bm::detail::quantize(m.model(), "test");
  const std::int64_t n = m.n;
  std::vector<double> bounds(static_cast<std::size_t>(n)), jq(m.j.size(), 7.0), hq(m.h.size(), 7.0);
  std::vector<int> shift(1, -12345);
  emu::launch(k::bm_row_bound_kernel, 1u, 32u, 0, static_cast<const double*>(m.j.data()),
              static_cast<const double*>(m.h.data()), n, bounds.data());
  emu::launch(k::bm_grid_shift_kernel, 1u, 64u, 64 * sizeof(double), static_cast<const double*>(bounds.data()), n,
              shift.data());
  EXPECT_EQ(shift[0], q.shift);
  emu::launch(k::bm_quantize_kernel, 2u, 32u, 0, static_cast<const double*>(m.j.data()),
              static_cast<const double*>(m.h.data()), n, static_cast<const int*>(shift.data()), jq.data(),
              hq.data());
  EXPECT_EQ(jq, q.j);
  EXPECT_EQ(hq, q.h);
}

/// The field build's operands: x (n, chains) = spins transposed, f = h broadcast.
TEST(BmFieldOperandsOnEmulator, TransposeSpinsAndBroadcastH) {
  const std::int64_t n = 7, chains = 5;
  std::vector<std::int8_t> spins(static_cast<std::size_t>(n * chains));
  for (std::size_t e = 0; e < spins.size(); ++e) spins[e] = (e * 7919) % 3 == 0 ? 1 : -1;
  std::vector<double> h = {0.5, -1, 2, 3, -4, 5.25, 6}, x(spins.size(), 0.0), f(spins.size(), 0.0);
  emu::launch(k::bm_field_operands_kernel, 1u, 32u, 0, static_cast<const std::int8_t*>(spins.data()),
              static_cast<const double*>(h.data()), chains, n, x.data(), f.data());
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t c = 0; c < chains; ++c) {
      EXPECT_EQ(x[static_cast<std::size_t>(i * chains + c)], spins[static_cast<std::size_t>(c * n + i)]);
      EXPECT_EQ(f[static_cast<std::size_t>(i * chains + c)], h[static_cast<std::size_t>(i)]);
    }
}

}  // namespace
}  // namespace boltzkit::testing

namespace boltzkit::testing {
namespace {

namespace k = boltzkit::kernels;

/// Runs the tile kernel on the emulator: all sweeps in one launch, T chains per thread block.
template <int Alg, int T>
void launch_tile_on_emulator(const k::BmTileLaunch& a) {
  constexpr int b = k::bm_policy::tile_block_spins;
  const auto blocks = static_cast<unsigned>((a.chains + T - 1) / T);
  emu::launch(k::bm_tile_kernel<b, Alg, T>, blocks, static_cast<unsigned>(k::bm_policy::tile_threads),
              k::bm_policy::tile_shared_bytes(a.p.n, T), a);
}

/// host/bm/gpu.cu's choice of instance (the same with_tile_instance).
template <int Alg>
void launch_tile_on_emulator(const k::BmTileLaunch& a) {
  bm::with_tile_instance(a.tile_chains, [&](auto t) { launch_tile_on_emulator<Alg, decltype(t)::value>(a); });
}

void launch_tile_on_emulator(const k::BmTileLaunch& a) {
  if (a.p.algorithm == k::bm_metropolis)
    launch_tile_on_emulator<k::bm_metropolis>(a);
  else
    launch_tile_on_emulator<k::bm_heat_bath>(a);
}

using TileCase = std::tuple<std::int64_t, int, bm::Algorithm, double>;  // n, T, algorithm, β
class BmTileKernelOnEmulator : public ::testing::TestWithParam<TileCase> {};

/// The tile kernel (fields in shared memory, DMMA block updates, one launch for all
/// sweeps) makes the CPU backend's scalar chains bit for bit; 37 chains leave the last tile
/// partly empty, and n covers one partial block (13 sites: not a multiple of the DMMA's 4), two
/// blocks (the second partial) and partial row tiles. Sizes stay small: the emulator runs every
/// DMMA as 12 shuffles.
TEST_P(BmTileKernelOnEmulator, EqualsScalarCpuBitForBit) {
  const auto [n, tile, algorithm, beta] = GetParam();
  const std::int64_t chains = 37, sweeps = 3;
  const auto m = bm_cases::sk(n, beta, 120 + static_cast<std::uint64_t>(n));
  const bm::SweepOptions scalar{algorithm, bm::Scan::sequential, bm::FieldUpdate::scalar};
  auto [spins, expected] = scalar_cpu_chains(m.model(), chains, sweeps, scalar);
  ASSERT_NE(spins, expected);  // the chains moved

  bm::detail::QuantizedModel q = bm::detail::quantize(m.model(), "test");
  q.j.resize(q.j.size() + k::bm_tile_j_padding, 0.0);  // the kernel's contract (BmTileLaunch)
  const k::BmTileLaunch a{bm::backend::chain_params(q.model(), 31, scalar), spins.data(), chains, 2u, sweeps,
                          tile, k::philox_keys(31)};
  launch_tile_on_emulator(a);
  EXPECT_EQ(spins, expected);
}

INSTANTIATE_TEST_SUITE_P(Sizes, BmTileKernelOnEmulator,
                         ::testing::Combine(::testing::Values(13, 45), ::testing::Values(8, 32),
                                            ::testing::Values(bm::Algorithm::heat_bath,
                                                              bm::Algorithm::metropolis),
                                            ::testing::Values(0.8)));

/// The policy's choice: 32 chains per tile while the fields fit, then 16 and 8, none past that.
TEST(BmTilePolicy, ChainsPerTileShrinkWithN) {
  EXPECT_EQ(k::bm_policy::tile_chains(256), 32);
  EXPECT_EQ(k::bm_policy::tile_chains(1024), 16);
  EXPECT_EQ(k::bm_policy::tile_chains(2048), 8);
  EXPECT_EQ(k::bm_policy::tile_chains(bm::max_spins), 0);
  EXPECT_TRUE(k::bm_policy::uses_limb_kernel(256));  // the limb tile kernel below 257 spins
  EXPECT_FALSE(k::bm_policy::uses_limb_kernel(257));
  EXPECT_LE(k::bm_policy::limb_shared_bytes(256), static_cast<std::int64_t>(bm::tuning::shared_bytes_max));
  for (const std::int64_t n : {1, 256, 700, 1024, 2048, 3000}) {
    const int t = k::bm_policy::tile_chains(n);
    if (t > 0) {
      EXPECT_LE(k::bm_policy::tile_shared_bytes(n, t), bm::tuning::shared_bytes_max) << n;
    }
  }
}

/// Per-chain β (replica exchange) and a call that splits the sweeps: the kernel rebuilds the
/// fields at each launch and still makes the CPU's chains, 16 chains per tile.
TEST(BmTileKernelOnEmulator, PerChainBetaAndSplitCallsEqualScalarCpu) {
  const std::int64_t n = 40, chains = 21;
  const auto m = bm_cases::sk(n, 1.0, 19);
  std::vector<double> betas(static_cast<std::size_t>(chains));
  for (std::size_t c = 0; c < betas.size(); ++c) betas[c] = 0.1 + 0.2 * static_cast<double>(c);
  const bm::SweepOptions scalar{bm::Algorithm::heat_bath, bm::Scan::sequential, bm::FieldUpdate::scalar};
  auto [spins, expected] = per_chain_beta_cpu_chains(m.model(), betas, 5, 4, scalar);

  bm::detail::QuantizedModel q = bm::detail::quantize(m.model(), "test");
  q.j.resize(q.j.size() + k::bm_tile_j_padding, 0.0);
  k::BmChainParams p = bm::backend::chain_params(q.model(), 3, scalar);
  p.chain_beta = betas.data();
  launch_tile_on_emulator(k::BmTileLaunch{p, spins.data(), chains, 5u, 1, 16, k::philox_keys(3)});
  launch_tile_on_emulator(k::BmTileLaunch{p, spins.data(), chains, 6u, 3, 16, k::philox_keys(3)});
  EXPECT_EQ(spins, expected);
}

struct TileFieldsLaunch {
  const double* j;
  std::int64_t n, k0;
  int m;
  const std::uint32_t* ds;
  double* f;
};

template <int CT>
static __global__ void tile_fields_kernel(TileFieldsLaunch a) {
  k::bm_tile_fields<CT>(a.j, a.n, a.k0, a.m, a.ds, a.m + 1, a.f, static_cast<int>(threadIdx.x / 32),
                        static_cast<int>(blockDim.x / 32));
}

/// The DMMA field update alone (two warps, three warp tiles of 32 rows × 16 chains, a last row
/// tile past n, m not a multiple of 4) against a plain loop, with small integers (every order exact); the padding past J and
/// the stale ΔS entries past m hold values that must not reach the fields.
TEST(BmTileFieldsOnEmulator, EqualsPlainLoop) {
  const std::int64_t n = 70, k0 = 4;
  constexpr int m = 7, cols = 16;
  std::vector<double> j(static_cast<std::size_t>(n * n + k::bm_tile_j_padding), 1e300),
      f(static_cast<std::size_t>(n * cols));
  // ΔS(u, c) at ds[c·(m + 1) + u] as the high words of doubles (bm_hi_word); u = m: stale (the
  // high word of 1e300)
  std::vector<std::uint32_t> ds(static_cast<std::size_t>((m + 1) * cols), k::bm_hi_word(1e300));
  for (std::int64_t a = 0; a < n; ++a)
    for (std::int64_t b = 0; b < n; ++b)
      j[static_cast<std::size_t>(a * n + b)] = a == b ? 0.0 : static_cast<double>((a + b) * 37 % 11) - 5.0;
  for (int c = 0; c < cols; ++c)
    for (int u = 0; u < m; ++u)
      ds[static_cast<std::size_t>(c * (m + 1) + u)] = k::bm_hi_word(static_cast<double>(((u * cols + c) * 13 % 3 - 1) * 2));
  for (std::size_t e = 0; e < f.size(); ++e) f[e] = static_cast<double>(e % 17);
  std::vector<double> expected = f;
  for (std::int64_t i = 0; i < n; ++i)
    for (int c = 0; c < cols; ++c)
      for (int u = 0; u < m; ++u)
        expected[static_cast<std::size_t>(i * cols + c)] +=
            j[static_cast<std::size_t>(i * n + k0 + u)] * k::bm_from_hi_word(ds[static_cast<std::size_t>(c * (m + 1) + u)]);
  emu::launch(tile_fields_kernel<cols / 8>, 1u, 64u, 0, TileFieldsLaunch{j.data(), n, k0, m, ds.data(), f.data()});
  EXPECT_EQ(f, expected);
}

}  // namespace
}  // namespace boltzkit::testing
