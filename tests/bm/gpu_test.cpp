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

#include "host/bm/blas_gpu.hpp"
#include "host/bm/quantized.hpp"
#include "host/bm/tuning.hpp"
#include "kernels/bm/chain_update.cuh"

namespace boltzkit::testing {
namespace {

/// Blocked sweeps equal the scalar kernel and the CPU bit for bit: the tile kernel up to
/// tuning::tile_max_spins (n = 2 … 2048: 32, 16 and 8 chains per thread block), the decision
/// kernel + cuBLAS DGEMM above (n = 2100).
TEST(BmGpu, BlockedChainsMatchScalarAndCpuBitForBit) {
  BOLTZKIT_REQUIRE_GPU();
  Context gpu(Backend::gpu), cpu(Backend::cpu);
  const std::int64_t chains = 150;  // several blocks of both kernels, the last partial
  static_assert(bm::tuning::tile_max_spins >= 2048 && bm::tuning::tile_max_spins < 2100 &&
                    bm::tuning::limb_max_spins == 256,
                "the sizes below cover the three variants: limb tile, DMMA tile, GEMM");
  for (std::int64_t n : {2, 5, 31, 32, 33, 100, 256, 257, 300, 1024, 2048, 2100})
    for (auto algorithm : {bm::Algorithm::heat_bath, bm::Algorithm::metropolis}) {
      const auto m = bm_cases::sk(n, 1.2, 80 + static_cast<std::uint64_t>(n));
      std::vector<std::int8_t> expected(static_cast<std::size_t>(chains * n));
      bm::initial_spins(cpu, expected.data(), chains, n, 3);
      DeviceBuffer<std::int8_t> blocked(expected), scalar(expected);
      DeviceBuffer<double> j(m.j), h(m.h);
      const bm::Model dm{j.data(), h.data(), n, m.beta};
      bm::sweep(cpu, m.model(), expected.data(), chains, 8, 2, 5,
                {algorithm, bm::Scan::sequential, bm::FieldUpdate::scalar});
      bm::sweep(gpu, dm, blocked.data(), chains, 8, 2, 5,
                {algorithm, bm::Scan::sequential, bm::FieldUpdate::blocked});
      bm::sweep(gpu, dm, scalar.data(), chains, 8, 2, 5,
                {algorithm, bm::Scan::sequential, bm::FieldUpdate::scalar});
      gpu.synchronize();
      EXPECT_EQ(blocked.download(), expected) << "n=" << n;
      EXPECT_EQ(scalar.download(), expected) << "n=" << n;
    }
}

/// The GEMM step alone: f += J[:, block]·ΔS on the grid equals a CPU loop bit for bit (exact
/// products and sums, whatever order and tensor-core path cuBLAS takes).
TEST(BmGpu, FieldGemmIsExact) {
  BOLTZKIT_REQUIRE_GPU();
  Context gpu(Backend::gpu);
  const std::int64_t n = 257, chains = 333, k0 = 64, m = 32;
  const auto model = bm_cases::sk(n, 1.0, 12);
  const auto q = bm::detail::quantize(model.model(), "test");
  std::vector<double> ds(static_cast<std::size_t>(m * chains)), f(static_cast<std::size_t>(n * chains));
  std::vector<std::int8_t> s(static_cast<std::size_t>(n));
  for (std::size_t e = 0; e < ds.size(); ++e) ds[e] = (e * 2654435761u) % 3 == 0 ? 0.0 : ((e % 2) != 0 ? 2.0 : -2.0);
  for (std::int64_t c = 0; c < chains; ++c) {
    for (std::int64_t i = 0; i < n; ++i) s[static_cast<std::size_t>(i)] = ((i + c) * 40503u) % 5 < 2 ? 1 : -1;
    for (std::int64_t i = 0; i < n; ++i)
      f[static_cast<std::size_t>(i * chains + c)] = kernels::bm_field(q.j.data(), q.h.data(), s.data(), n, i);
  }
  std::vector<double> expected = f;
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t c = 0; c < chains; ++c)
      for (std::int64_t u = 0; u < m; ++u)
        expected[static_cast<std::size_t>(i * chains + c)] +=
            q.j[static_cast<std::size_t>(i * n + k0 + u)] * ds[static_cast<std::size_t>(u * chains + c)];
  DeviceBuffer<double> dj(q.j), dds(ds), df(f);
  bm::backend::gpu::field_gemm(gpu, dds.data(), chains, dj.data() + k0, n, n, m, df.data());
  gpu.synchronize();
  EXPECT_EQ(df.download(), expected);
}

}  // namespace
}  // namespace boltzkit::testing
