// `boltzkit ising lattice`: one Monte Carlo run of a periodic 2D/3D Ising lattice (one β, or a
// ladder of R replicas with optional replica exchange), reported as JSON or as a short table.
#include <CLI/CLI.hpp>
#include <cmath>
#include <iostream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>

#include "boltzkit/context.hpp"
#include "boltzkit/errors.hpp"
#include "boltzkit/ising_simulation.hpp"
#include "commands.hpp"
#include "lattice_size.hpp"
#include "progress_bar.hpp"
#include "uncertain_format.hpp"
#include "validation.hpp"
#include "host/cli/common/interrupt.hpp"
#include "host/cli/common/report.hpp"

namespace boltzkit::cli {

namespace {

using json = nlohmann::ordered_json;

struct LatticeOptions {
  std::string size;
  double beta = std::numeric_limits<double>::quiet_NaN();
  double beta_max = std::numeric_limits<double>::quiet_NaN();
  bool beta_max_given = false;
  double J = 1.0, h = 0.0;
  std::string couplings = "uniform";
  std::uint64_t disorder_seed = 1;
  std::string algorithm = "metropolis";
  std::int64_t sweeps = 10000, burn_in = 1000;
  std::uint64_t seed = 1;
  std::int64_t replicas = 1;
  std::int64_t exchange_every = 1;
  bool no_exchange = false, cold = false, quiet = false, json = false, byte_spins = false;
  std::string checkpoint;
  std::string backend = "auto";
};

constexpr std::int64_t max_replicas = 1 << 16;

ising::CouplingKind parse_couplings(const std::string& name) {
  if (name == "uniform") return ising::CouplingKind::uniform;
  if (name == "pm") return ising::CouplingKind::plus_minus;
  if (name == "gauss") return ising::CouplingKind::gaussian;
  throw invalid_argument("--couplings '" + name + "': expected uniform, pm or gauss");
}

/// Everything is checked here, before a Context exists or a sweep runs.
ising::SimulationConfig make_config(const LatticeOptions& o) {
  ising::SimulationConfig c;
  c.lattice = parse_lattice_size(o.size);
  check_beta(o.beta, "--beta");
  if (o.replicas < 1 || o.replicas > max_replicas)
    throw invalid_argument("--replicas must be between 1 and " + std::to_string(max_replicas) +
                           ", got " + std::to_string(o.replicas));
  if (o.beta_max_given) {
    check_beta(o.beta_max, "--beta-max");
    if (o.beta_max < o.beta)
      throw invalid_argument("--beta-max (" + fmt_g(o.beta_max, 6) + ") must be >= --beta (" +
                             fmt_g(o.beta, 6) + ")");
    if (o.replicas == 1 && o.beta_max != o.beta)
      throw invalid_argument(
          "--beta-max needs --replicas R >= 2 (the betas of R replicas run "
          "from --beta to --beta-max)");
  } else if (o.replicas > 1) {
    throw invalid_argument("--replicas " + std::to_string(o.replicas) +
                           " needs --beta-max (betas are evenly spaced from --beta to --beta-max)");
  }
  if (o.exchange_every < 1)
    throw invalid_argument("--exchange-every must be >= 1, got " +
                           std::to_string(o.exchange_every));
  if (!std::isfinite(o.J) || !std::isfinite(o.h))
    throw invalid_argument("--J and --h must be finite");
  check_run_length(o.sweeps, o.burn_in);

  c.J = o.J;
  c.h = o.h;
  c.couplings = parse_couplings(o.couplings);
  c.disorder_seed = o.disorder_seed;
  c.algorithm = parse_algorithm(o.algorithm);
  check_algorithm_fits(c.algorithm, c.lattice);
  const auto r = static_cast<std::size_t>(o.replicas);
  for (std::size_t k = 0; k < r; ++k)
    c.betas.push_back(k + 1 == r && r > 1
                          ? o.beta_max
                          : o.beta + (r > 1 ? (o.beta_max - o.beta) * static_cast<double>(k) /
                                                  static_cast<double>(r - 1)
                                            : 0.0));
  c.replica_exchange = r > 1 && !o.no_exchange;
  if (c.replica_exchange && !(o.beta_max > o.beta))
    throw invalid_argument(
        "replica exchange needs --beta-max > --beta (or use --no-exchange "
        "for independent replicas at one beta)");
  c.exchange_every = o.exchange_every;
  c.burn_in = o.burn_in;
  c.sweeps = o.sweeps;
  c.seed = o.seed;
  c.hot_start = !o.cold;
  c.packed = !o.byte_spins;
  c.checkpoint = o.checkpoint;
  return c;
}

json estimate_json(const mc::Estimate& e) { return json{{"mean", e.mean}, {"stderr", e.error}}; }

const char* couplings_name(ising::CouplingKind kind) {
  switch (kind) {
    case ising::CouplingKind::plus_minus:
      return "pm";
    case ising::CouplingKind::gaussian:
      return "gauss";
    default:
      return "uniform";
  }
}

json replica_json(const ising::SimulationConfig& c, const ising::SimulationResult& result,
                  std::size_t k) {
  const ising::ReplicaResult& r = result.replicas[k];
  const mc::LatticeObservables& o = r.observables;
  json j;
  j["beta"] = r.beta;
  j["size"] = lattice_extents(c.lattice);
  j["spins"] = c.lattice.sites();
  j["J"] = c.J;
  j["h"] = c.h;
  j["couplings"] = couplings_name(c.couplings);
  if (c.couplings != ising::CouplingKind::uniform) j["disorder_seed"] = c.disorder_seed;
  j["algorithm"] = algorithm_name(c.algorithm);
  j["start"] = c.hot_start ? "hot" : "cold";
  j["sweeps"] = c.sweeps;
  j["burn_in"] = c.burn_in;
  j["seed"] = c.seed;
  j["energy_per_spin"] = estimate_json(o.energy_per_spin);
  j["abs_magnetization"] = estimate_json(o.abs_magnetization);
  j["magnetization_sq"] = estimate_json(o.magnetization_sq);
  j["specific_heat"] = estimate_json(o.specific_heat);
  j["susceptibility"] = estimate_json(o.susceptibility);
  j["binder"] = estimate_json(o.binder);
  j["tau_int"] =
      json{{"energy", o.tau_int_energy}, {"abs_magnetization", o.tau_int_abs_magnetization}};
  j["bins"] = o.bins;
  j["bin_length"] = o.bin_length;
  j["well_binned"] = o.well_binned;
  if (c.replica_exchange) {
    j["exchange_every"] = c.exchange_every;
    // Acceptance of swaps with the next β; the last replica has no next one.
    j["swap_acceptance"] = r.swap_acceptance >= 0 ? json(r.swap_acceptance) : json(nullptr);
  }
  j["backend"] = result.backend;
  j["path"] = result.path;
  // null when this invocation ran no sweep (it resumed a finished checkpoint).
  j["flips_per_ns"] = result.flips_per_ns > 0 ? json(result.flips_per_ns) : json(nullptr);
  j["seconds"] = result.seconds;
  return j;
}

void print_table(const ising::SimulationConfig& c, const ising::SimulationResult& result) {
  std::cout << "ising " << lattice_size_string(c.lattice) << " periodic, J = " << fmt_g(c.J, 6)
            << ", h = " << fmt_g(c.h, 6);
  if (c.couplings != ising::CouplingKind::uniform)
    std::cout << ", " << couplings_name(c.couplings) << " couplings (disorder seed "
              << c.disorder_seed << ")";
  std::cout << ", " << algorithm_name(c.algorithm) << ", " << (c.hot_start ? "hot" : "cold")
            << " start\n"
            << c.sweeps << " sweeps after " << c.burn_in << " burn-in, seed " << c.seed;
  if (c.replica_exchange)
    std::cout << ", replica exchange every " << c.exchange_every << " sweep"
              << (c.exchange_every == 1 ? "" : "s");
  std::cout << "\nbackend " << result.backend << " (" << result.path << " path), ";
  if (result.flips_per_ns > 0)
    std::cout << fmt_g(result.flips_per_ns, 3) << " flips/ns, ";
  else
    std::cout << "resumed a finished run, ";
  std::cout << fmt_g(result.seconds, 3) << " s\n\n";

  char line[512];
  std::snprintf(line, sizeof line, "%8s  %-14s %-13s %-13s %-13s %-14s %-13s %7s %7s%s\n", "beta",
                "e/spin", "|m|", "m^2", "c", "chi", "binder", "tau_e", "tau_|m|",
                c.replica_exchange ? "   swap" : "");
  std::cout << line;
  bool short_series = false;
  for (const ising::ReplicaResult& r : result.replicas) {
    const mc::LatticeObservables& o = r.observables;
    std::string swap;
    if (c.replica_exchange)
      swap = r.swap_acceptance >= 0 ? "  " + fmt_g(r.swap_acceptance, 3) : "      -";
    if (!o.well_binned) short_series = true;
    std::snprintf(
        line, sizeof line, "%8.5g  %-14s %-13s %-13s %-13s %-14s %-13s %7.3g %7.3g%s%s\n", r.beta,
        fmt_uncertain(o.energy_per_spin).c_str(), fmt_uncertain(o.abs_magnetization).c_str(),
        fmt_uncertain(o.magnetization_sq).c_str(), fmt_uncertain(o.specific_heat).c_str(),
        fmt_uncertain(o.susceptibility).c_str(), fmt_uncertain(o.binder).c_str(), o.tau_int_energy,
        o.tau_int_abs_magnetization, swap.c_str(), o.well_binned ? "" : " *");
    std::cout << line;
  }
  if (short_series)
    std::cout << "\n* fewer than 20 bins of 10 tau_int: error bars may be too small, run longer\n";
}

int run_lattice(const LatticeOptions& opts) {
  const Backend backend = parse_backend(opts.backend);
  ising::SimulationConfig config = make_config(opts);
  Context ctx(backend);
  ProgressBar bar(!opts.quiet, "ising " + lattice_size_string(config.lattice));
  config.progress = [&bar](std::int64_t done, std::int64_t total) { bar.update(done, total); };
  const CooperativeStop cooperative_stop;
  config.stop_requested = interrupt_requested;
  const ising::SimulationResult result = ising::simulate(ctx, config);
  bar.finish();
  if (interrupt_requested()) {
    print_error("interrupted after " + std::to_string(result.sweeps_done) + " of " +
                std::to_string(config.burn_in + config.sweeps) + " sweeps" +
                (config.checkpoint.empty() ? "; nothing written"
                                           : "; checkpoint " + config.checkpoint +
                                                 " saved, run the same command to resume"));
    return interrupted_exit_code;
  }

  if (opts.json) {
    json out;
    if (result.replicas.size() == 1) {
      out = replica_json(config, result, 0);
    } else {
      out = json::array();
      for (std::size_t k = 0; k < result.replicas.size(); ++k)
        out.push_back(replica_json(config, result, k));
    }
    std::cout << out.dump(2) << std::endl;
  } else {
    print_table(config, result);
    std::cout.flush();
  }
  return 0;
}

}  // namespace

void add_ising_lattice_command(CLI::App& ising, Action& action) {
  CLI::App* cmd = ising.add_subcommand(
      "lattice", "Monte Carlo run of a periodic 2D or 3D Ising lattice (one beta or a ladder)");
  auto opts = std::make_shared<LatticeOptions>();
  cmd->add_option("--size", opts->size, "lattice LXxLY or LXxLYxLZ, even extents, e.g. 16x16")
      ->required();
  cmd->add_option("--beta", opts->beta, "inverse temperature (the lowest one with --replicas)")
      ->required();
  CLI::Option* beta_max = cmd->add_option("--beta-max", opts->beta_max,
                                          "highest beta of the --replicas ladder (inclusive)");
  cmd->add_option("--J", opts->J, "coupling J")->capture_default_str();
  cmd->add_option("--h", opts->h, "external field h")->capture_default_str();
  cmd->add_option("--couplings", opts->couplings,
                  "uniform, or random per-bond pm (J*(+-1)) or gauss (J*N(0,1))")
      ->check(CLI::IsMember({"uniform", "pm", "gauss"}))
      ->capture_default_str();
  cmd->add_option("--disorder-seed", opts->disorder_seed, "seed of the random couplings")
      ->capture_default_str();
  cmd->add_option("--algorithm", opts->algorithm, "metropolis or heatbath")
      ->check(CLI::IsMember({"metropolis", "heatbath"}))
      ->capture_default_str();
  cmd->add_option("--sweeps", opts->sweeps, "measured sweeps (one measurement each)")
      ->capture_default_str();
  cmd->add_option("--burn-in", opts->burn_in, "sweeps discarded before measuring")
      ->capture_default_str();
  cmd->add_option("--seed", opts->seed, "random seed")->capture_default_str();
  cmd->add_option("--replicas", opts->replicas,
                  "replicas R, betas evenly spaced from --beta to --beta-max")
      ->capture_default_str();
  cmd->add_option("--exchange-every", opts->exchange_every,
                  "sweeps between replica exchange attempts")
      ->capture_default_str();
  cmd->add_flag("--no-exchange", opts->no_exchange, "independent replicas (no replica exchange)");
  cmd->add_flag("--cold", opts->cold, "start from all spins +1 (default: random)");
  cmd->add_flag("--byte-spins", opts->byte_spins,
                "one byte per spin even where the bit-packed path applies (uniform J, h = 0, lx % 128 == 0)");
  cmd->add_option("--checkpoint", opts->checkpoint,
                  "resume from FILE if it exists; write the final state to it");
  cmd->add_option("--backend", opts->backend, "auto, cpu or gpu")->capture_default_str();
  cmd->add_flag("--quiet", opts->quiet, "no progress bar on stderr");
  cmd->add_flag("--json", opts->json, "print JSON (an array for several replicas)");
  cmd->callback([&action, opts, beta_max] {
    opts->beta_max_given = beta_max->count() > 0;
    action = [opts] { return run_lattice(*opts); };
  });
}

}  // namespace boltzkit::cli
