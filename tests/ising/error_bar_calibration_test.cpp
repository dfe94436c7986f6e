// An independent calibration of the reported error bars. The z-score tests elsewhere judge the
// estimates against the library's own jackknife errors, so an error bar that is 10× too large
// passes all of them. Here the errors are judged against something the library does not
// compute: the spread of the estimates of many independent runs (replicas at one β, no
// exchange, each its own Philox stream). For a correct error bar the ratio
// spread / rms(reported error) is 1 within its sampling noise (~10 % for 64 runs).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "boltzkit/boltzkit.hpp"
#include "boltzkit/ising_simulation.hpp"

namespace boltzkit::testing {
namespace {

struct Spread {
  double observed;  ///< standard deviation of the K means
  double reported;  ///< root mean square of the K reported errors
};

template <class Get>
Spread spread_of(const ising::SimulationResult& r, Get get) {
  const double k = static_cast<double>(r.replicas.size());
  double mean = 0, errors = 0;
  for (const auto& rep : r.replicas) {
    mean += get(rep.observables).mean / k;
    errors += get(rep.observables).error * get(rep.observables).error / k;
  }
  double ss = 0;
  for (const auto& rep : r.replicas) ss += std::pow(get(rep.observables).mean - mean, 2);
  return {std::sqrt(ss / (k - 1)), std::sqrt(errors)};
}

TEST(IsingErrorBars, MatchTheSpreadOfIndependentRuns) {
  Context ctx(Backend::cpu);
  ising::SimulationConfig c;
  c.lattice = {8, 8, 1};
  c.algorithm = ising::Algorithm::heat_bath;
  c.betas.assign(64, 0.3);  // 64 independent chains at one β (no exchange)
  c.replica_exchange = false;
  c.burn_in = 200;
  c.sweeps = 1500;
  c.seed = 20261203;
  const ising::SimulationResult r = ising::simulate(ctx, c);
  ASSERT_EQ(r.replicas.size(), 64u);

  using Obs = mc::LatticeObservables;
  const std::vector<std::pair<std::string, Spread>> checks = {
      {"energy", spread_of(r, [](const Obs& o) { return o.energy_per_spin; })},
      {"|m|", spread_of(r, [](const Obs& o) { return o.abs_magnetization; })},
      {"specific heat", spread_of(r, [](const Obs& o) { return o.specific_heat; })},
      {"susceptibility", spread_of(r, [](const Obs& o) { return o.susceptibility; })}};
  for (const auto& [name, s] : checks) {
    const double ratio = s.observed / s.reported;
    std::printf("%-15s spread of 64 runs %.3e, rms reported error %.3e, ratio %.2f\n",
                name.c_str(), s.observed, s.reported, ratio);
    // 64 runs: the ratio's own noise is ~10 %; [0.6, 1.6] is 4σ wide and still fails an error
    // bar that is off by a factor 2 in either direction.
    EXPECT_GT(ratio, 0.6) << name << ": spread " << s.observed << " vs reported " << s.reported;
    EXPECT_LT(ratio, 1.6) << name << ": spread " << s.observed << " vs reported " << s.reported;
  }
}

}  // namespace
}  // namespace boltzkit::testing
