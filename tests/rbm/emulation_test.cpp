// The RBM kernels (kernels/rbm/layer_kernels.cuh) on the warp emulator. The fused sampling kernel
// must make the CPU backend's decisions bit for bit given the same pre-activations; the GEMM
// that produces them on the GPU is cuBLAS, stood in for here by sums in another order, which on
// the parameter grid are exact and so equal (rbm.hpp).
#include "tests/emulation/warp_emulator.hpp"
// clang-format off: the shim must come first
#include "kernels/rbm/layer_kernels.cuh"
#include "host/rbm/cpu_layers.hpp"
// clang-format on

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "boltzkit/boltzkit.hpp"
#include "cases.hpp"

namespace boltzkit::testing {
namespace {

namespace k = boltzkit::kernels;
using rbm_cases::random_model;
using rbm_cases::random_spins;

/// x (rows, H) = v · W summed from the last visible unit to the first (the CPU sums forward).
std::vector<double> hidden_pre_reversed(const rbm_cases::HostModel& m, const std::vector<double>& v,
                                        std::int64_t rows) {
  std::vector<double> x(static_cast<std::size_t>(rows * m.nh), 0.0);
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t j = 0; j < m.nh; ++j)
      for (std::int64_t i = m.nv - 1; i >= 0; --i)
        x[static_cast<std::size_t>(r * m.nh + j)] +=
            v[static_cast<std::size_t>(r * m.nv + i)] * m.w[static_cast<std::size_t>(i * m.nh + j)];
  return x;
}

std::vector<double> visible_pre_reversed(const rbm_cases::HostModel& m, const std::vector<double>& h,
                                         std::int64_t rows) {
  std::vector<double> x(static_cast<std::size_t>(rows * m.nv), 0.0);
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t i = 0; i < m.nv; ++i)
      for (std::int64_t j = m.nh - 1; j >= 0; --j)
        x[static_cast<std::size_t>(r * m.nv + i)] +=
            h[static_cast<std::size_t>(r * m.nh + j)] * m.w[static_cast<std::size_t>(i * m.nh + j)];
  return x;
}

class RbmKernelsOnEmulator : public ::testing::TestWithParam<rbm_cases::Case> {};

TEST_P(RbmKernelsOnEmulator, GibbsStepsEqualCpuBackend) {
  const auto c = GetParam();
  const auto m = random_model(c.n_visible, c.n_hidden, c.beta, c.seed);
  const auto start = random_spins(c.chains * c.n_visible, c.seed + 1);
  const std::uint64_t seed = 20261123;
  const int steps = 2;
  Context cpu(Backend::cpu);
  auto expected_v = start;
  std::vector<std::int8_t> expected_h(static_cast<std::size_t>(c.chains * c.n_hidden));
  rbm::gibbs(cpu, m.model(), expected_v.data(), expected_h.data(), c.chains, seed, 3, steps);
  for (unsigned blocks : {1u, 2u}) {
    std::vector<double> v(static_cast<std::size_t>(c.chains * c.n_visible), 0.0);
    std::vector<double> h(static_cast<std::size_t>(c.chains * c.n_hidden), 0.0);
    std::vector<std::int8_t> v8(v.size(), 0), h8(h.size(), 0);
    emu::launch(k::rbm_widen_kernel, blocks, 64, 0, static_cast<const std::int8_t*>(start.data()),
                static_cast<std::int64_t>(start.size()), v.data());
    for (int t = 0; t < steps; ++t) {
      const bool last = t + 1 == steps;
      const auto xh = hidden_pre_reversed(m, v, c.chains);
      emu::launch(k::rbm_sample_kernel, blocks, 64, 0,
                  k::RbmLayerDraw{xh.data(), m.c.data(), c.beta, seed, static_cast<std::uint32_t>(3 + t),
                                  k::rbm_hidden_layer, c.chains, c.n_hidden, h.data(),
                                  last ? h8.data() : nullptr});
      const auto xv = visible_pre_reversed(m, h, c.chains);
      emu::launch(k::rbm_sample_kernel, blocks, 64, 0,
                  k::RbmLayerDraw{xv.data(), m.b.data(), c.beta, seed, static_cast<std::uint32_t>(3 + t),
                                  k::rbm_visible_layer, c.chains, c.n_visible, v.data(),
                                  last ? v8.data() : nullptr});
    }
    EXPECT_EQ(v8, expected_v) << "blocks " << blocks;
    EXPECT_EQ(h8, expected_h) << "blocks " << blocks;
    std::vector<std::int8_t> narrowed(v.size(), 0);
    emu::launch(k::rbm_narrow_kernel, blocks, 64, 0, static_cast<const double*>(v.data()),
                static_cast<std::int64_t>(v.size()), narrowed.data());
    EXPECT_EQ(narrowed, expected_v);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, RbmKernelsOnEmulator, ::testing::ValuesIn(rbm_cases::cases));

// Decisions near p = 0, ½ and 1 and with NaN/huge pre-activations: same bits as the host draw.
TEST(RbmKernelsOnEmulator, SamplingKernelEqualsHostDrawOnEdgeInputs) {
  const std::int64_t rows = 3, units = 11;
  std::vector<double> pre = {0.0, 1e-300, -1e-300, 40.0, -40.0, 400.0, -400.0, std::nan(""),
                             INFINITY, -INFINITY, 0.3};
  pre.resize(static_cast<std::size_t>(rows * units));
  for (std::size_t e = static_cast<std::size_t>(units); e < pre.size(); ++e) pre[e] = 0.01 * static_cast<double>(e) - 0.2;
  const std::vector<double> bias(static_cast<std::size_t>(units), 0.0);
  std::vector<double> device(pre.size(), 0.0), host(pre.size(), 0.0);
  const k::RbmLayerDraw d{pre.data(), bias.data(), 0.9, 5, 7, k::rbm_visible_layer, rows, units,
                          device.data(), nullptr};
  emu::launch(k::rbm_sample_kernel, 1, 32, 0, d);
  k::RbmLayerDraw h = d;
  h.state = host.data();
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t g = 0; g < k::rbm_groups_per_row(units); ++g) k::rbm_draw_group(h, r, g);
  EXPECT_EQ(device, host);
  EXPECT_EQ(device[5], 1.0);   // p = 1
  EXPECT_EQ(device[6], -1.0);  // p = 0
  EXPECT_EQ(device[7], -1.0);  // NaN compares false
}

TEST(RbmKernelsOnEmulator, UpdateAndMeanFieldKernels) {
  const auto m = random_model(7, 5, 0.6, 9);
  std::vector<double> theta = m.w, g(theta.size());
  for (std::size_t e = 0; e < g.size(); ++e) g[e] = std::sin(static_cast<double>(e)) * 0.37;
  std::vector<double> expected = theta;
  for (std::size_t e = 0; e < g.size(); ++e) expected[e] = k::rbm_snapped_step(theta[e], 0.013, g[e]);
  emu::launch(k::rbm_update_kernel, 1, 32, 0, theta.data(), static_cast<const double*>(g.data()), 0.013,
              static_cast<std::int64_t>(theta.size()));
  EXPECT_EQ(theta, expected);
  rbm_cases::HostModel snapped = m;
  snapped.w = theta;
  EXPECT_TRUE(rbm::on_grid(snapped.model()));
  // Mean field of three rows against tanh in float64.
  const auto v = random_spins(3 * 7, 2);
  const std::vector<double> vd(v.begin(), v.end());
  std::vector<double> x(15), out(15, 0.0);
  rbm::backend::cpu::detail::hidden_preactivation(m.model(), vd.data(), 3, x.data());
  emu::launch(k::rbm_mean_field_kernel, 1, 32, 0, static_cast<const double*>(x.data()), m.c.data(), 0.6,
              std::int64_t{3}, std::int64_t{5}, out.data());
  for (std::size_t e = 0; e < 15; ++e) EXPECT_NEAR(out[e], std::tanh(0.6 * (x[e] + m.c[e % 5])), 1e-15);
  std::vector<double> ones(5, 0.0);
  emu::launch(k::rbm_fill_kernel, 1, 32, 0, ones.data(), std::int64_t{5}, 1.0);
  EXPECT_EQ(ones, std::vector<double>(5, 1.0));
}

}  // namespace
}  // namespace boltzkit::testing
