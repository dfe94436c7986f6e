// The RBM's GPU backend against the CPU backend: bit-identical chains on the parameter grid,
// gradients and training within float64 rounding. Skips with a printed reason without a device.
#include <cmath>
#include <vector>

#include "cases.hpp"
#include "gpu_skip.hpp"

namespace boltzkit::testing {
namespace {

using rbm_cases::random_model;
using rbm_cases::random_spins;

struct DeviceModel {
  DeviceBuffer<double> w, b, c;
  rbm::Model model;
  explicit DeviceModel(const rbm_cases::HostModel& m)
      : w(m.w), b(m.b), c(m.c), model{w.data(), b.data(), c.data(), m.nv, m.nh, m.beta} {}
};

TEST(RbmGpu, GibbsChainsBitIdenticalToCpu) {
  BOLTZKIT_REQUIRE_GPU();
  Context cpu(Backend::cpu), gpu(Backend::gpu);
  std::vector<rbm_cases::Case> all = rbm_cases::cases;
  all.push_back({784, 512, 1024, 1.0, 5});  // the benchmark's shape
  for (const auto& c : all) {
    const auto m = random_model(c.n_visible, c.n_hidden, c.beta, c.seed, 0.05);
    const auto start = random_spins(c.chains * c.n_visible, c.seed);
    auto v = start;
    std::vector<std::int8_t> h(static_cast<std::size_t>(c.chains * c.n_hidden));
    rbm::gibbs(cpu, m.model(), v.data(), h.data(), c.chains, 17, 0, 3);
    DeviceModel dm(m);
    DeviceBuffer<std::int8_t> dv(start), dh(h.size());
    rbm::gibbs(gpu, dm.model, dv.data(), dh.data(), c.chains, 17, 0, 3);
    gpu.synchronize();
    EXPECT_EQ(dv.download(), v) << c.n_visible << "x" << c.n_hidden;
    EXPECT_EQ(dh.download(), h) << c.n_visible << "x" << c.n_hidden;
  }
}

TEST(RbmGpu, GradientMatchesCpu) {
  BOLTZKIT_REQUIRE_GPU();
  Context cpu(Backend::cpu), gpu(Backend::gpu);
  for (const auto& c : rbm_cases::cases) {
    const auto m = random_model(c.n_visible, c.n_hidden, c.beta, c.seed);
    const auto data = random_spins(c.chains * c.n_visible, c.seed + 3);
    for (bool pcd : {false, true}) {
      auto chains = random_spins(c.chains * c.n_visible, c.seed + 4);
      std::vector<double> gw(m.w.size()), gb(m.b.size()), gc(m.c.size());
      DeviceModel dm(m);
      DeviceBuffer<std::int8_t> dd(data), dchains(chains);
      DeviceBuffer<double> dgw(gw.size()), dgb(gb.size()), dgc(gc.size());
      rbm::gradient(cpu, m.model(), data.data(), c.chains, pcd ? chains.data() : nullptr, c.chains,
                    2, 5, 0, gw.data(), gb.data(), gc.data());
      rbm::gradient(gpu, dm.model, dd.data(), c.chains, pcd ? dchains.data() : nullptr, c.chains, 2,
                    5, 0, dgw.data(), dgb.data(), dgc.data());
      gpu.synchronize();
      const auto rgw = dgw.download(), rgb = dgb.download(), rgc = dgc.download();
      for (std::size_t e = 0; e < gw.size(); ++e) EXPECT_NEAR(rgw[e], gw[e], 1e-12);
      for (std::size_t e = 0; e < gb.size(); ++e) EXPECT_NEAR(rgb[e], gb[e], 1e-12);
      for (std::size_t e = 0; e < gc.size(); ++e) EXPECT_NEAR(rgc[e], gc[e], 1e-12);
      if (pcd) {
        EXPECT_EQ(dchains.download(), chains);
      }
    }
  }
}

TEST(RbmGpu, TrainingMatchesCpu) {
  BOLTZKIT_REQUIRE_GPU();
  Context cpu(Backend::cpu), gpu(Backend::gpu);
  const auto data = random_spins(30 * 6, 8);
  auto a = random_model(6, 4, 1.0, 2, 0.01), g = a;
  rbm::TrainOptions o;
  o.epochs = 5;
  o.batch = 8;
  o.learning_rate = 0.05;
  const auto ta = rbm::train(cpu, data.data(), 30, 6, 4, a.w.data(), a.b.data(), a.c.data(), o);
  const auto tg = rbm::train(gpu, data.data(), 30, 6, 4, g.w.data(), g.b.data(), g.c.data(), o);
  // Gradients differ in the last bits (tanh, summation order); the chains' decisions can then
  // differ after a snap that rounds the other way, so agreement is close, not exact.
  for (std::size_t e = 0; e < a.w.size(); ++e) EXPECT_NEAR(a.w[e], g.w[e], 1e-6);
  EXPECT_NEAR(ta.back().log_likelihood, tg.back().log_likelihood, 1e-5);
}

}  // namespace
}  // namespace boltzkit::testing
