// `boltzkit ising lattice` and `boltzkit ising scan` end to end on the CPU backend: JSON against
// the exact finite-lattice energy, replica ladders, reproducibility, checkpoint resume, usage
// errors, and the scan's CSV files and PNG (drawn by scripts/plot_scan.py where python3 has
// matplotlib; skipped with a warning elsewhere). Lattices are tiny so the whole file runs in
// seconds.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

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

/// Sets an environment variable (or unsets it, for nullptr) for the life of the object; the
/// `boltzkit` child processes inherit it.
class ScopedEnv {
 public:
  ScopedEnv(std::string name, const char* value) : name_(std::move(name)) {
    const char* old = std::getenv(name_.c_str());
    had_ = old != nullptr;
    if (had_) old_ = old;
    if (value != nullptr)
      setenv(name_.c_str(), value, 1);
    else
      unsetenv(name_.c_str());
  }
  ~ScopedEnv() {
    if (had_)
      setenv(name_.c_str(), old_.c_str(), 1);
    else
      unsetenv(name_.c_str());
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_, old_;
  bool had_ = false;
};

/// Whether the interpreter `boltzkit ising scan` would use ($BOLTZKIT_PYTHON, else python3)
/// can import matplotlib.
bool python_has_matplotlib() {
  const char* env = std::getenv("BOLTZKIT_PYTHON");
  std::string python = env != nullptr && *env != '\0' ? env : "python3";
  std::string dash_c = "-c", code = "import matplotlib";
  char* argv[] = {python.data(), dash_c.data(), code.data(), nullptr};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return false;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

const std::string png_magic("\x89PNG\r\n\x1a\n", 8);

std::vector<std::string> scan_args(const std::string& out) {
  return {"ising",  "scan",     "--size",    "4x4",      "--beta-min", "0.3",       "--beta-max",
          "0.6",    "--points", "4",         "--sweeps", "2000",       "--burn-in", "200",
          "--seed", "2",        "--backend", "cpu",      "--quiet",    "--out",     out};
}

TEST_F(CliIsing, ScanWritesCsvAndExactCurves) {
  const std::string out = path("scan");
  const RunResult r = run(scan_args(out));
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

  // The exact curves of the figure: 401 β across the axis (the scan's range padded by 4 %)
  // plus β_c and the double above it.
  const auto exact = read_csv(slurp(fs::path(out) / "scan_exact.csv"));
  ASSERT_EQ(exact.size(), 1u + 401u + 2u);
  EXPECT_EQ(exact[0], (std::vector<std::string>{"beta", "exact_energy", "exact_c", "exact_m"}));
  EXPECT_NEAR(std::stod(exact[1][0]), 0.3 - 0.04 * 0.3, 1e-9);
  EXPECT_NEAR(std::stod(exact.back()[0]), 0.6 + 0.04 * 0.3, 1e-9);
  int at_critical = 0;
  double previous = -1;
  for (std::size_t k = 1; k < exact.size(); ++k) {
    ASSERT_EQ(exact[k].size(), 4u) << k;
    const double b = std::stod(exact[k][0]);
    EXPECT_GE(b, previous) << k;
    previous = b;
    if (std::fabs(b - ising::exact::critical_beta) < 1e-9) ++at_critical;
    const ising::exact::FiniteLattice x = ising::exact::kaufman(b, 4);
    EXPECT_NEAR(std::stod(exact[k][1]), x.energy, 1e-8 * std::fabs(x.energy)) << k;
    EXPECT_NEAR(std::stod(exact[k][2]), x.specific_heat, 1e-8 * x.specific_heat) << k;
    EXPECT_NEAR(std::stod(exact[k][3]), ising::exact::onsager_magnetization(b), 1e-8) << k;
  }
  EXPECT_EQ(at_critical, 2);
}

TEST_F(CliIsing, ScanDrawsPngWithMatplotlib) {
  if (!python_has_matplotlib())
    GTEST_SKIP() << "python3 with matplotlib not found (python3 -m pip install matplotlib)";
  const std::string out = path("scan");
  const RunResult r = run(scan_args(out));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("and " + (fs::path(out) / "scan.png").string()), std::string::npos) << r.out;
  const std::string png = slurp(fs::path(out) / "scan.png");
  ASSERT_GE(png.size(), 24u);
  EXPECT_EQ(png.substr(0, 8), png_magic);
  // IHDR: width and height, big-endian, at bytes 16 and 20; three panels side by side.
  auto be32 = [&png](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(png[at + i]);
    return v;
  };
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  EXPECT_GT(be32(16), 2 * be32(20));
  EXPECT_GT(be32(20), 200u);
  for (const fs::directory_entry& e : fs::directory_iterator(out))  // no temporary left over
    EXPECT_NE(e.path().filename().string().front(), '.') << e.path();
}

TEST_F(CliIsing, ScanWithoutPythonSkipsPngWithOneLineAndSameCsv) {
  const std::string with = path("with"), without = path("without");
  const RunResult a = run(scan_args(with));
  ASSERT_EQ(a.exit_code, 0) << a.out << a.err;
  // A scan.png left from an earlier scan must not survive a scan that draws none.
  fs::create_directories(without);
  { std::ofstream(fs::path(without) / "scan.png") << "stale"; }
  RunResult b;
  {
    ScopedEnv python("BOLTZKIT_PYTHON", "/nonexistent/python3");
    b = run(scan_args(without));
  }
  ASSERT_EQ(b.exit_code, 0) << b.out << b.err;
  EXPECT_EQ(b.err.rfind("boltzkit: warning: ", 0), 0u) << b.err;
  EXPECT_NE(b.err.find("/nonexistent/python3"), std::string::npos) << b.err;
  EXPECT_NE(b.err.find("no scan.png was written"), std::string::npos) << b.err;
  EXPECT_EQ(std::count(b.err.begin(), b.err.end(), '\n'), 1) << b.err;
  EXPECT_FALSE(fs::exists(fs::path(without) / "scan.png"));
  EXPECT_EQ(b.out.find("scan.png"), std::string::npos) << b.out;
  // Everything but the plot is byte for byte the same as with a plot (or without one: the
  // first run draws one only where matplotlib is installed).
  for (const char* name : {"scan.csv", "scan_exact.csv"}) {
    const std::string x = slurp(fs::path(with) / name), y = slurp(fs::path(without) / name);
    EXPECT_FALSE(x.empty()) << name;
    EXPECT_EQ(x, y) << name;
  }
}

TEST_F(CliIsing, ScanPlotFailuresAreWarnings) {
  struct Case {
    const char* variable;
    const char* value;
    const char* says;
  };
  const Case cases[] = {
      {"BOLTZKIT_PYTHON", "/bin/false", "failed with exit status 1"},
      {"BOLTZKIT_PLOT_SCRIPT", "/nonexistent/plot_scan.py", "not found"},
  };
  for (const Case& c : cases) {
    const std::string out = path(std::string("scan_") + c.variable);
    ScopedEnv env(c.variable, c.value);
    const RunResult r = run(scan_args(out));
    EXPECT_EQ(r.exit_code, 0) << c.variable << r.out << r.err;
    EXPECT_EQ(r.err.rfind("boltzkit: warning: ", 0), 0u) << c.variable << ": " << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << c.variable << ": " << r.err;
    EXPECT_NE(r.err.find(c.value), std::string::npos) << c.variable << ": " << r.err;
    EXPECT_TRUE(fs::exists(fs::path(out) / "scan.csv")) << c.variable;
    EXPECT_FALSE(fs::exists(fs::path(out) / "scan.png")) << c.variable;
  }
}

TEST_F(CliIsing, ScanOfCubicLatticeHasNoExactColumns) {
  const std::string out = path("scan3d");
  // A stale scan_exact.csv from an earlier square scan in the same directory goes away.
  fs::create_directories(out);
  { std::ofstream(fs::path(out) / "scan_exact.csv") << "beta,exact_energy,exact_c,exact_m\n"; }
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
  EXPECT_FALSE(fs::exists(fs::path(out) / "scan_exact.csv"));
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
