// `boltzkit ising lattice` and `boltzkit ising scan` end to end on the CPU backend: JSON against
// the exact finite-lattice energy, replica ladders, reproducibility, checkpoint resume, usage
// errors, and the scan's CSV and PNG. Lattices are tiny so the whole file runs in seconds.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>

#include "boltzkit/ising_exact.hpp"
#include "cli_test_support.hpp"

namespace boltzkit::cli_test {
namespace {

using json = nlohmann::json;

class CliIsing : public ScratchTest {
 protected:
  void SetUp() override {
    ScratchTest::SetUp();
    // The CPU backend forks OpenMP threads for every half-sweep; on a busy machine (ctest -j,
    // parallel builds) thousands of fork/joins of a 4x4 lattice can take minutes. Results do
    // not depend on the thread count (counter-based random numbers), so use one thread.
    const char* old = std::getenv("OMP_NUM_THREADS");
    had_threads_ = old != nullptr;
    if (had_threads_) old_threads_ = old;
    setenv("OMP_NUM_THREADS", "1", 1);
  }
  void TearDown() override {
    if (had_threads_)
      setenv("OMP_NUM_THREADS", old_threads_.c_str(), 1);
    else
      unsetenv("OMP_NUM_THREADS");
    ScratchTest::TearDown();
  }

  /// Runs `boltzkit ising lattice <args> --backend cpu --quiet --json` and parses stdout.
  json lattice_json(const std::vector<std::string>& args) {
    std::vector<std::string> all = {"ising", "lattice"};
    all.insert(all.end(), args.begin(), args.end());
    all.insert(all.end(), {"--backend", "cpu", "--quiet", "--json"});
    const RunResult r = run(all);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.err, "");
    json j = json::parse(r.out, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    return j;
  }

 private:
  bool had_threads_ = false;
  std::string old_threads_;
};

/// The numbers of a run, without the timings (which differ from run to run).
json without_timing(json j) {
  if (j.is_array()) {
    for (json& e : j) e = without_timing(e);
    return j;
  }
  j.erase("flips_per_ns");
  j.erase("seconds");
  return j;
}

const char* const estimates[] = {"energy_per_spin", "abs_magnetization", "magnetization_sq",
                                 "specific_heat",   "susceptibility",    "binder"};

TEST_F(CliIsing, SmallLatticeEnergyMatchesExact) {
  const json j = lattice_json(
      {"--size", "4x4", "--beta", "0.44", "--sweeps", "20000", "--burn-in", "1000", "--seed", "3"});
  ASSERT_TRUE(j.is_object()) << j.dump();
  for (const char* key : estimates) {
    ASSERT_TRUE(j.contains(key)) << key;
    EXPECT_TRUE(j[key]["mean"].is_number()) << key;
    EXPECT_TRUE(j[key]["stderr"].is_number()) << key;
    EXPECT_GE(j[key]["stderr"].get<double>(), 0.0) << key;
  }
  EXPECT_EQ(j["beta"].get<double>(), 0.44);
  EXPECT_EQ(j["size"], json::array({4, 4}));
  EXPECT_EQ(j["sweeps"].get<int>(), 20000);
  EXPECT_EQ(j["burn_in"].get<int>(), 1000);
  EXPECT_EQ(j["seed"].get<int>(), 3);
  EXPECT_EQ(j["backend"], "cpu");
  EXPECT_GT(j["flips_per_ns"].get<double>(), 0.0);
  EXPECT_GE(j["tau_int"]["energy"].get<double>(), 0.3);
  EXPECT_GE(j["tau_int"]["abs_magnetization"].get<double>(), 0.3);
  EXPECT_FALSE(j.contains("swap_acceptance"));  // one replica: no exchange

  const double e = j["energy_per_spin"]["mean"].get<double>();
  const double err = j["energy_per_spin"]["stderr"].get<double>();
  ASSERT_GT(err, 0.0);
  // L = 4 at beta_c (the reference value) and, exactly, at the beta that ran.
  EXPECT_LT(std::fabs(e - -1.565623787638), 5 * err) << e << " +- " << err;
  const double exact = ising::exact::kaufman(0.44, 4).energy;
  EXPECT_LT(std::fabs(e - exact), 5 * err) << e << " +- " << err << " vs " << exact;
  const double c_exact = ising::exact::kaufman(0.44, 4).specific_heat;
  EXPECT_LT(std::fabs(j["specific_heat"]["mean"].get<double>() - c_exact),
            5 * j["specific_heat"]["stderr"].get<double>());
}

TEST_F(CliIsing, ReplicaLadderIsAnArrayWithSwapAcceptance) {
  const json j = lattice_json({"--size", "4x4", "--beta", "0.3", "--beta-max", "0.6", "--replicas",
                               "4", "--sweeps", "2000", "--burn-in", "200", "--seed", "5"});
  ASSERT_TRUE(j.is_array()) << j.dump();
  ASSERT_EQ(j.size(), 4u);
  const double betas[] = {0.3, 0.4, 0.5, 0.6};
  for (std::size_t k = 0; k < 4; ++k) {
    EXPECT_NEAR(j[k]["beta"].get<double>(), betas[k], 1e-12) << k;
    ASSERT_TRUE(j[k].contains("swap_acceptance")) << k;
    if (k < 3) {
      const double a = j[k]["swap_acceptance"].get<double>();
      EXPECT_GE(a, 0.0) << k;
      EXPECT_LE(a, 1.0) << k;
    } else {
      EXPECT_TRUE(j[k]["swap_acceptance"].is_null());
    }
  }
  EXPECT_EQ(j[3]["beta"].get<double>(), 0.6);  // the ladder ends exactly at --beta-max
  // Colder replicas have lower energy.
  EXPECT_LT(j[3]["energy_per_spin"]["mean"].get<double>(),
            j[0]["energy_per_spin"]["mean"].get<double>());
}

TEST_F(CliIsing, NoExchangeGivesIndependentReplicas) {
  const json j = lattice_json({"--size", "4x4", "--beta", "0.4", "--beta-max", "0.4", "--replicas",
                               "3", "--no-exchange", "--sweeps", "500", "--burn-in", "50"});
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 3u);
  for (const json& r : j) {
    EXPECT_FALSE(r.contains("swap_acceptance"));
    EXPECT_EQ(r["beta"].get<double>(), 0.4);
  }
}

TEST_F(CliIsing, SameSeedSameNumbers) {
  const std::vector<std::string> args = {
      "--size",   "4x4",  "--beta",    "0.42", "--beta-max", "0.5", "--replicas",  "2",
      "--sweeps", "1000", "--burn-in", "100",  "--seed",     "11",  "--algorithm", "heatbath"};
  const json a = lattice_json(args), b = lattice_json(args);
  EXPECT_EQ(without_timing(a), without_timing(b));
  std::vector<std::string> other = args;
  other[13] = "12";  // --seed
  const json c = lattice_json(other);
  EXPECT_NE(without_timing(a), without_timing(c));
}

TEST_F(CliIsing, ThreeDimensionalLattice) {
  const json j = lattice_json({"--size", "4x4x4", "--beta", "0.2", "--sweeps", "300", "--burn-in",
                               "30", "--cold", "--couplings", "pm", "--disorder-seed", "7"});
  EXPECT_EQ(j["size"], json::array({4, 4, 4}));
  EXPECT_EQ(j["spins"].get<int>(), 64);
  EXPECT_EQ(j["couplings"], "pm");
  EXPECT_EQ(j["start"], "cold");
}

TEST_F(CliIsing, CheckpointResumeReportsTheSameNumbers) {
  const std::string ck = path("run.ckpt");
  const std::vector<std::string> args = {"--size",    "4x4", "--beta", "0.5", "--sweeps",     "800",
                                         "--burn-in", "100", "--seed", "9",   "--checkpoint", ck};
  const json first = lattice_json(args);
  ASSERT_TRUE(fs::exists(ck));
  const json resumed = lattice_json(args);  // resumes the finished run: no sweep runs
  EXPECT_EQ(without_timing(first), without_timing(resumed));
  EXPECT_TRUE(resumed["flips_per_ns"].is_null());
  // Identical to a run without a checkpoint.
  std::vector<std::string> plain(args.begin(), args.end() - 2);
  EXPECT_EQ(without_timing(first), without_timing(lattice_json(plain)));
  // A checkpoint of another configuration is a usage error.
  std::vector<std::string> other = args;
  other[3] = "0.6";
  other.insert(other.end(), {"--backend", "cpu", "--quiet"});
  other.insert(other.begin(), {"ising", "lattice"});
  const RunResult r = run(other);
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
}

TEST_F(CliIsing, TableWithoutJson) {
  const RunResult r =
      run({"ising", "lattice", "--size", "4x4", "--beta", "0.3", "--beta-max", "0.5", "--replicas",
           "2", "--sweeps", "300", "--burn-in", "30", "--backend", "cpu", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("e/spin"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("backend cpu"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("swap"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('{'), std::string::npos) << r.out;
}

TEST_F(CliIsing, UsageErrorsExitTwoWithOneLine) {
  // Options every case gets unless the case gives its own value.
  const std::vector<std::pair<std::string, std::string>> defaults = {
      {"--beta", "0.4"}, {"--sweeps", "100"}, {"--burn-in", "10"}, {"--backend", "cpu"}};
  const std::vector<std::vector<std::string>> cases = {
      {"lattice", "--size", "5x4"},
      {"lattice", "--size", "0x4"},
      {"lattice", "--size", "4by4"},
      {"lattice", "--size", "4x4x"},
      {"lattice", "--size", "4x4x3"},
      {"lattice", "--size", "4x4", "--beta", "nan"},
      {"lattice", "--size", "4x4", "--beta", "-1"},
      {"lattice", "--size", "4x4", "--sweeps", "0"},
      {"lattice", "--size", "4x4", "--burn-in", "-1"},
      {"lattice", "--size", "4x4", "--beta-max", "0.3", "--replicas", "2"},
      {"lattice", "--size", "4x4", "--replicas", "2"},
      {"lattice", "--size", "4x4", "--replicas", "0"},
      {"lattice", "--size", "4x4", "--exchange-every", "0", "--replicas", "2", "--beta-max", "1"},
      {"lattice", "--size", "4x4", "--algorithm", "wolff"},
      {"lattice", "--size", "4x4", "--J", "inf"},
  };
  for (const std::vector<std::string>& c : cases) {
    std::vector<std::string> args = {"ising"};
    args.insert(args.end(), c.begin(), c.end());
    for (const auto& [option, value] : defaults)
      if (std::find(c.begin(), c.end(), option) == c.end())
        args.insert(args.end(), {option, value});
    args.push_back("--quiet");
    const RunResult r = run(args);
    std::string joined;
    for (const std::string& a : c) joined += a + " ";
    EXPECT_EQ(r.exit_code, 2) << joined << "\n" << r.out << r.err;
    EXPECT_EQ(r.out, "") << joined;
    EXPECT_EQ(r.err.rfind("boltzkit: error: ", 0), 0u) << joined << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << joined << ": " << r.err;
  }
}

std::vector<std::vector<std::string>> read_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells(1);
    for (char ch : line) {
      if (ch == ',')
        cells.emplace_back();
      else
        cells.back() += ch;
    }
    rows.push_back(cells);
  }
  return rows;
}

TEST_F(CliIsing, ScanWritesCsvAndPng) {
  const std::string out = path("scan");
  const RunResult r =
      run({"ising",  "scan",     "--size",    "4x4",      "--beta-min", "0.3",       "--beta-max",
           "0.6",    "--points", "4",         "--sweeps", "2000",       "--burn-in", "200",
           "--seed", "2",        "--backend", "cpu",      "--quiet",    "--out",     out});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto rows = read_csv(slurp(fs::path(out) / "scan.csv"));
  ASSERT_EQ(rows.size(), 5u);  // header + P rows
  const std::vector<std::string> header = {
      "beta", "energy",  "energy_err", "abs_m",      "abs_m_err",    "c",       "c_err",
      "chi",  "chi_err", "binder",     "binder_err", "exact_energy", "exact_c", "exact_m"};
  EXPECT_EQ(rows[0], header);
  const double betas[] = {0.3, 0.4, 0.5, 0.6};
  for (std::size_t k = 1; k < rows.size(); ++k) {
    ASSERT_EQ(rows[k].size(), header.size()) << k;
    EXPECT_NEAR(std::stod(rows[k][0]), betas[k - 1], 1e-9);
    const ising::exact::FiniteLattice x = ising::exact::kaufman(betas[k - 1], 4);
    EXPECT_NEAR(std::stod(rows[k][11]), x.energy, 1e-8);
    EXPECT_NEAR(std::stod(rows[k][12]), x.specific_heat, 1e-8);
    EXPECT_NEAR(std::stod(rows[k][13]), ising::exact::onsager_magnetization(betas[k - 1]), 1e-8);
    const double e = std::stod(rows[k][1]), err = std::stod(rows[k][2]);
    EXPECT_GT(err, 0.0);
    EXPECT_LT(std::fabs(e - x.energy), 5 * err) << "beta " << betas[k - 1];
  }
#if BOLTZKIT_CLI_PNG
  const std::string png = slurp(fs::path(out) / "scan.png");
  ASSERT_GE(png.size(), 8u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(r.err, "");
#else
  EXPECT_FALSE(fs::exists(fs::path(out) / "scan.png"));
  EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
#endif
}

TEST_F(CliIsing, ScanOfCubicLatticeHasNoExactColumns) {
  const std::string out = path("scan3d");
  const RunResult r =
      run({"ising", "scan", "--size", "4x4x4", "--beta-min", "0.1", "--beta-max", "0.3", "--points",
           "2", "--sweeps", "200", "--burn-in", "20", "--backend", "cpu", "--quiet", "--out", out});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto rows = read_csv(slurp(fs::path(out) / "scan.csv"));
  ASSERT_EQ(rows.size(), 3u);
  for (std::size_t k = 1; k < rows.size(); ++k) {
    ASSERT_EQ(rows[k].size(), 14u);
    EXPECT_EQ(rows[k][11], "");
    EXPECT_EQ(rows[k][12], "");
    EXPECT_EQ(rows[k][13], "");
  }
}

TEST_F(CliIsing, ScanUsageErrors) {
  const std::string out = path("never");
  const std::vector<std::vector<std::string>> cases = {
      {"--size", "4x4", "--beta-min", "0.5", "--beta-max", "0.4", "--points", "3"},
      {"--size", "4x4", "--beta-min", "0.3", "--beta-max", "0.4", "--points", "0"},
      {"--size", "3x4", "--beta-min", "0.3", "--beta-max", "0.4", "--points", "2"},
      {"--size", "4x4", "--beta-min", "nan", "--beta-max", "0.4", "--points", "2"},
  };
  for (const std::vector<std::string>& c : cases) {
    std::vector<std::string> args = {"ising", "scan"};
    args.insert(args.end(), c.begin(), c.end());
    args.insert(args.end(), {"--sweeps", "100", "--backend", "cpu", "--out", out});
    const RunResult r = run(args);
    EXPECT_EQ(r.exit_code, 2) << c[1] << " " << c[3] << " " << c[5] << " " << c[7] << r.err;
    EXPECT_EQ(r.err.rfind("boltzkit: error: ", 0), 0u) << r.err;
  }
  EXPECT_FALSE(fs::exists(out));  // nothing written on a usage error
}

}  // namespace
}  // namespace boltzkit::cli_test
