// bm on the GPU against the CPU backend: chains, statistics and enumeration bit for bit.
#include <gtest/gtest.h>

#include <vector>

#include "boltzkit/boltzkit.hpp"
#include "cases.hpp"
#include "host/core/device_buffer.hpp"
#include "tests/common/gpu_skip.hpp"

namespace boltzkit::testing {
namespace {

TEST(BmGpu, ChainsMatchCpuBitForBit) {
  BOLTZKIT_REQUIRE_GPU();
  Context gpu(Backend::gpu), cpu(Backend::cpu);
  for (const auto& c : bm_cases::cases)
    for (auto algorithm : {bm::Algorithm::heat_bath, bm::Algorithm::metropolis})
      for (auto scan : {bm::Scan::sequential, bm::Scan::random}) {
        const auto m = bm_cases::sk(c.n, c.beta, c.seed);
        std::vector<std::int8_t> expected(static_cast<std::size_t>(c.chains * c.n));
        bm::initial_spins(cpu, expected.data(), c.chains, c.n, c.seed);
        DeviceBuffer<std::int8_t> spins(expected);
        DeviceBuffer<double> j(m.j), h(m.h);
        bm::sweep(cpu, m.model(), expected.data(), c.chains, 8, 2, 5, {algorithm, scan});
        bm::sweep(gpu, {j.data(), h.data(), c.n, c.beta}, spins.data(), c.chains, 8, 2, 5, {algorithm, scan});
        gpu.synchronize();
        EXPECT_EQ(spins.download(), expected) << "n=" << c.n;
      }
}

TEST(BmGpu, StatisticsMatchCpuBitForBit) {
  BOLTZKIT_REQUIRE_GPU();
  Context gpu(Backend::gpu), cpu(Backend::cpu);
  const auto m = bm_cases::sk(40, 1.0, 3);
  bm::SampleOptions o;
  o.chains = 37;
  o.sweeps = 20;
  o.burn_in = 5;
  o.seed = 12;
  const auto a = bm::sample(cpu, m.model(), o), b = bm::sample(gpu, m.model(), o);
  EXPECT_EQ(a.spins, b.spins);
  EXPECT_EQ(a.mean, b.mean);
  EXPECT_EQ(a.corr, b.corr);
  EXPECT_EQ(a.stderr_mean, b.stderr_mean);
  EXPECT_EQ(a.energy, b.energy);
}

TEST(BmGpu, EnumerationMatchesCpuBitForBit) {
  BOLTZKIT_REQUIRE_GPU();
  Context gpu(Backend::gpu), cpu(Backend::cpu);
  for (std::int64_t n : {1, 12, 22}) {
    const auto m = bm_cases::sk(n, 1.5, 50 + static_cast<std::uint64_t>(n));
    const auto a = bm::exact::enumerate(cpu, m.model()), b = bm::exact::enumerate(gpu, m.model());
    EXPECT_EQ(a.log_z, b.log_z);
    EXPECT_EQ(a.mean, b.mean);
    EXPECT_EQ(a.corr, b.corr);
  }
}

}  // namespace
}  // namespace boltzkit::testing

namespace boltzkit::testing {
namespace {

TEST(BmGpu, ReplicaExchangeMatchesCpuBitForBit) {
  BOLTZKIT_REQUIRE_GPU();
  Context gpu(Backend::gpu), cpu(Backend::cpu);
  const auto m = bm_cases::sk(20, 1.0, 70);
  bm::ExchangeOptions o;
  o.betas = {0.2, 0.6, 1.0, 1.6, 2.4};
  o.rounds = 50;
  o.seed = 3;
  const auto a = bm::replica_exchange(cpu, m.model(), o), b = bm::replica_exchange(gpu, m.model(), o);
  EXPECT_EQ(a.accepted, b.accepted);
  EXPECT_EQ(a.spins, b.spins);
}

}  // namespace
}  // namespace boltzkit::testing
