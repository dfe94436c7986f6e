// `boltzkit ising scan`: independent runs at P evenly spaced β (one simulate() call with P
// replicas and no exchange, so the GPU updates them all at once), written to DIR/scan.csv; for
// square 2D lattices the exact curves go to DIR/scan_exact.csv; scripts/plot_scan.py
// (matplotlib) draws both into DIR/scan.png when python3 with matplotlib is present.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>

#include "boltzkit/context.hpp"
#include "boltzkit/errors.hpp"
#include "boltzkit/ising_exact.hpp"
#include "boltzkit/ising_simulation.hpp"
#include "commands.hpp"
#include "lattice_size.hpp"
#include "progress_bar.hpp"
#include "uncertain_format.hpp"
#include "validation.hpp"
#include "plot.hpp"
#include "host/cli/common/output_files.hpp"
#include "host/cli/common/interrupt.hpp"
#include "host/cli/common/report.hpp"
#include "host/io/staged_directory.hpp"

namespace boltzkit::cli {

namespace {

namespace fs = std::filesystem;

struct ScanOptions {
  std::string size;
  double beta_min = std::numeric_limits<double>::quiet_NaN();
  double beta_max = std::numeric_limits<double>::quiet_NaN();
  std::int64_t points = 0;
  std::int64_t sweeps = 10000, burn_in = 1000;
  std::uint64_t seed = 1;
  std::string algorithm = "metropolis";
  std::string backend = "auto";
  std::string out;
  bool cold = false, quiet = false;
};

constexpr std::int64_t max_points = 1 << 14;
/// kaufman() accepts β up to 300.
constexpr double max_exact_beta = 300.0;

/// Exact values for the 2D square L × L lattice (J = 1, h = 0): Kaufman's finite-L energy and
/// specific heat, Onsager's infinite-lattice spontaneous magnetization.
struct Exact {
  double energy, specific_heat, magnetization;
};

std::optional<Exact> exact_at(const ising::Lattice& lattice, double beta) {
  if (lattice.dimensions() != 2 || lattice.lx != lattice.ly || !(beta >= 0) ||
      beta > max_exact_beta)
    return std::nullopt;
  const ising::exact::FiniteLattice f = ising::exact::kaufman(beta, static_cast<int>(lattice.lx));
  return Exact{f.energy, f.specific_heat, ising::exact::onsager_magnetization(beta)};
}

std::string csv_number(double v) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.10g", v);
  return buffer;
}

/// The shortest of %.10g ... %.17g that reads back as `v` exactly.
std::string csv_exact_number(double v) {
  char buffer[40];
  for (int digits = 10; digits < 17; ++digits) {
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, v);
    if (std::strtod(buffer, nullptr) == v) return buffer;
  }
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

void write_csv(io::StagedFile file, const ising::SimulationResult& result,
               const ising::Lattice& lattice) {
  std::string text =
      "beta,energy,energy_err,abs_m,abs_m_err,c,c_err,chi,chi_err,binder,binder_err,"
      "exact_energy,exact_c,exact_m\n";
  for (const ising::ReplicaResult& r : result.replicas) {
    const mc::LatticeObservables& o = r.observables;
    text += csv_number(r.beta);
    for (const mc::Estimate* e : {&o.energy_per_spin, &o.abs_magnetization, &o.specific_heat,
                                  &o.susceptibility, &o.binder})
      text += ',' + csv_number(e->mean) + ',' + csv_number(e->error);
    if (const std::optional<Exact> x = exact_at(lattice, r.beta))
      text += ',' + csv_number(x->energy) + ',' + csv_number(x->specific_heat) + ',' +
              csv_number(x->magnetization);
    else
      text += ",,,";
    text += '\n';
  }
  file.write(text.data(), text.size());
  file.commit();
}

/// The β axis of the figure: the scan's range padded by 4 % on each side, never below 0.
struct BetaAxis {
  double lo, hi;
};

BetaAxis beta_axis(const ising::SimulationConfig& c) {
  const double lo = c.betas.front(), hi = c.betas.back();
  const double pad = hi > lo ? 0.04 * (hi - lo) : std::max(0.01, 0.05 * lo);
  return {std::max(0.0, lo - pad), hi + pad};
}

/// The exact curves for the figure, as DIR/scan_exact.csv (beta,exact_energy,exact_c,exact_m):
/// 401 evenly spaced β across the figure's axis, plus β_c and the next double above it, where
/// the magnetization rises vertically (β is written in full so that those two stay apart).
void write_exact_csv(io::StagedFile f, const ising::SimulationConfig& c, BetaAxis axis) {
  std::vector<double> grid;
  constexpr int steps = 400;
  for (int i = 0; i <= steps; ++i) grid.push_back(axis.lo + (axis.hi - axis.lo) * i / steps);
  const double bc = ising::exact::critical_beta;
  if (bc > axis.lo && bc < axis.hi) {
    grid.push_back(bc);
    grid.push_back(std::nextafter(bc, 1.0));
    std::sort(grid.begin(), grid.end());
  }
  std::string text = "beta,exact_energy,exact_c,exact_m\n";
  for (double b : grid)
    if (const std::optional<Exact> x = exact_at(c.lattice, b))
      text += csv_exact_number(b) + ',' + csv_number(x->energy) + ',' +
              csv_number(x->specific_heat) + ',' + csv_number(x->magnetization) + '\n';
  f.write(text.data(), text.size());
  f.commit();
}

/// Arguments of scripts/plot_scan.py for this scan.
std::vector<std::string> plot_arguments(const ising::SimulationConfig& c,
                                        const io::StagedDirectory& dir, bool exact,
                                        BetaAxis axis) {
  const std::string size = lattice_size_string(c.lattice);
  const std::string title = "Ising " + size + ", " + algorithm_name(c.algorithm) + ", " +
                            std::to_string(c.sweeps) + " sweeps per β (seed " +
                            std::to_string(c.seed) + ")";
  // "--name=value" and "--" before the CSV keep paths that begin with '-' from reading as options.
  std::vector<std::string> args = {"--out=" + dir.staging_path("scan.png"),
                                   "--title=" + title,
                                   "--lattice=" + size,
                                   "--xlim",
                                   fmt_g(axis.lo, 17),
                                   fmt_g(axis.hi, 17),
                                   "--beta-c=" + fmt_g(ising::exact::critical_beta, 17)};
  args.push_back(exact ? "--exact=" + dir.staging_path("scan_exact.csv") : "--no-exact");
  args.push_back("--");
  args.push_back(dir.staging_path("scan.csv"));
  return args;
}

void print_table(const ising::SimulationConfig& c, const ising::SimulationResult& result) {
  std::cout << "ising scan " << lattice_size_string(c.lattice) << ", "
            << algorithm_name(c.algorithm) << ", " << c.betas.size() << " betas, " << c.sweeps
            << " sweeps after " << c.burn_in << " burn-in, seed " << c.seed << "\nbackend "
            << result.backend << ", " << fmt_g(result.flips_per_ns, 3) << " flips/ns, "
            << fmt_g(result.seconds, 3) << " s\n\n";
  const bool exact = exact_at(c.lattice, c.betas.front()).has_value();
  char line[320];
  std::snprintf(line, sizeof line, "%8s  %-14s %-13s %-13s %-14s %-13s%s\n", "beta", "e/spin",
                "|m|", "c", "chi", "binder", exact ? "  exact_e   exact_c   exact_m" : "");
  std::cout << line;
  for (const ising::ReplicaResult& r : result.replicas) {
    const mc::LatticeObservables& o = r.observables;
    std::string x;
    if (const std::optional<Exact> v = exact_at(c.lattice, r.beta)) {
      char buffer[96];
      std::snprintf(buffer, sizeof buffer, "  %-9.5g %-9.4g %-9.4g", v->energy, v->specific_heat,
                    v->magnetization);
      x = buffer;
    }
    std::snprintf(line, sizeof line, "%8.5g  %-14s %-13s %-13s %-14s %-13s%s\n", r.beta,
                  fmt_uncertain(o.energy_per_spin).c_str(),
                  fmt_uncertain(o.abs_magnetization).c_str(),
                  fmt_uncertain(o.specific_heat).c_str(), fmt_uncertain(o.susceptibility).c_str(),
                  fmt_uncertain(o.binder).c_str(), x.c_str());
    std::cout << line;
  }
}

int run_scan(const ScanOptions& o) {
  const Backend backend = parse_backend(o.backend);
  ising::SimulationConfig c;
  c.lattice = parse_lattice_size(o.size);
  check_beta(o.beta_min, "--beta-min");
  check_beta(o.beta_max, "--beta-max");
  if (o.beta_max < o.beta_min)
    throw invalid_argument("--beta-max (" + fmt_g(o.beta_max, 6) + ") must be >= --beta-min (" +
                           fmt_g(o.beta_min, 6) + ")");
  if (o.points < 1 || o.points > max_points)
    throw invalid_argument("--points must be between 1 and " + std::to_string(max_points) +
                           ", got " + std::to_string(o.points));
  check_run_length(o.sweeps, o.burn_in);
  check_output_dir(o.out);

  const auto p = static_cast<std::size_t>(o.points);
  for (std::size_t k = 0; k < p; ++k)
    c.betas.push_back(p == 1 ? o.beta_min
                      : k + 1 == p
                          ? o.beta_max
                          : o.beta_min + (o.beta_max - o.beta_min) * static_cast<double>(k) /
                                             static_cast<double>(p - 1));
  c.algorithm = parse_algorithm(o.algorithm);
  check_algorithm_fits(c.algorithm, c.lattice);
  c.replica_exchange = false;
  c.sweeps = o.sweeps;
  c.burn_in = o.burn_in;
  c.seed = o.seed;
  c.hot_start = !o.cold;

  Context ctx(backend);
  ProgressBar bar(!o.quiet, "ising scan " + lattice_size_string(c.lattice));
  c.progress = [&bar](std::int64_t done, std::int64_t total) { bar.update(done, total); };
  const CooperativeStop cooperative_stop;
  c.stop_requested = interrupt_requested;
  const ising::SimulationResult result = ising::simulate(ctx, c);
  bar.finish();
  if (interrupt_requested()) {
    print_error("interrupted after " + std::to_string(result.sweeps_done) + " of " +
                std::to_string(c.burn_in + c.sweeps) + " sweeps" +
                (c.checkpoint.empty() ? "; nothing written"
                                           : "; checkpoint " + c.checkpoint +
                                                 " saved, run the same command to resume"));
    return interrupted_exit_code;
  }

  const fs::path dir(o.out);
  io::StagedDirectory out(o.out, {"scan.csv", "scan_exact.csv", "scan.png"});
  write_csv(out.stage("scan.csv"), result, c.lattice);
  const BetaAxis axis = beta_axis(c);
  const bool exact = exact_at(c.lattice, c.betas.front()).has_value();
  if (exact) write_exact_csv(out.stage("scan_exact.csv"), c, axis);
  // Drawn into the staging folder, so a plot that fails leaves no scan.png of an earlier scan.
  const PlotRun plot = run_plot_script(plot_arguments(c, out, exact, axis));
  out.commit();
  print_table(c, result);
  std::cout << "\nwrote " << (dir / "scan.csv").string();
  if (plot.outcome == PlotRun::Outcome::written)
    std::cout << " and " << (dir / "scan.png").string();
  std::cout << std::endl;
  if (plot.outcome != PlotRun::Outcome::written) {
    std::cerr << plot_warning(plot, "scan.png") << std::endl;
    if (plot.outcome == PlotRun::Outcome::failed && !plot.output.empty())
      std::cerr << plot.output << (plot.output.back() == '\n' ? "" : "\n") << std::flush;
  }
  return 0;
}

}  // namespace

void add_ising_scan_command(CLI::App& ising, Action& action) {
  CLI::App* cmd = ising.add_subcommand(
      "scan",
      "Independent runs at evenly spaced betas: DIR/scan.csv, DIR/scan_exact.csv (exact curves, "
      "square 2D lattices) and DIR/scan.png (needs python3 with matplotlib)");
  auto opts = std::make_shared<ScanOptions>();
  cmd->add_option("--size", opts->size, "lattice LXxLY or LXxLYxLZ, even extents, e.g. 16x16")
      ->required();
  cmd->add_option("--beta-min", opts->beta_min, "lowest beta")->required();
  cmd->add_option("--beta-max", opts->beta_max, "highest beta (inclusive)")->required();
  cmd->add_option("--points", opts->points, "number of betas P")->required();
  cmd->add_option("--sweeps", opts->sweeps, "measured sweeps per beta")->capture_default_str();
  cmd->add_option("--burn-in", opts->burn_in, "sweeps discarded before measuring")
      ->capture_default_str();
  cmd->add_option("--seed", opts->seed, "random seed")->capture_default_str();
  cmd->add_option("--algorithm", opts->algorithm, "metropolis or heatbath")
      ->check(CLI::IsMember({"metropolis", "heatbath"}))
      ->capture_default_str();
  cmd->add_option("--backend", opts->backend, "auto, cpu or gpu")->capture_default_str();
  cmd->add_flag("--cold", opts->cold, "start from all spins +1 (default: random)");
  cmd->add_flag("--quiet", opts->quiet, "no progress bar on stderr");
  cmd->add_option("--out", opts->out, "output directory (created if missing)")->required();
  cmd->callback([&action, opts] { action = [opts] { return run_scan(*opts); }; });
}

}  // namespace boltzkit::cli
