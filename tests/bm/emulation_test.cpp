// The bm kernels (kernels/bm/chain_kernels.cuh) on the warp emulator: the chain kernel, with its
// 32 lanes splitting every field update and J in shared memory or global, must make the CPU
// backend's chains bit for bit; the enumeration kernel must return the CPU's chunks bit for bit.
#include "tests/emulation/warp_emulator.hpp"
// clang-format off: the shim must come first
#include "kernels/bm/chain_kernels.cuh"
#include "host/bm/backends.hpp"
// clang-format on

#include <gtest/gtest.h>

#include <tuple>
#include <vector>

#include "boltzkit/boltzkit.hpp"
#include "cases.hpp"

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
  const k::BmSweepLaunch a{bm::backend::chain_params(m.model(), 77, options), spins.data(), c.chains,
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
