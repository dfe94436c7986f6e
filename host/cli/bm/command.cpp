// `boltzkit bm sample|exact|learn`: dense Boltzmann machines from NPY couplings (J (N, N), the
// full symmetric matrix with a zero diagonal, and h (N)), E(s) = −Σ_{k<l} J_kl s_k s_l − Σ h_k s_k,
// p ∝ e^{−βE} (MATH.md §2.1–2.3, §2.5). Bad input: one line, exit code 2, nothing written.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "boltzkit/bm.hpp"
#include "boltzkit/context.hpp"
#include "boltzkit/errors.hpp"
#include "host/cli/commands.hpp"
#include "host/cli/common/csv.hpp"
#include "host/cli/common/output_files.hpp"
#include "host/cli/common/spin_data.hpp"
#include "host/io/staged_directory.hpp"
#include "host/io/staged_file.hpp"

namespace boltzkit::cli {
namespace {

struct ModelFiles {
  std::string j, h;
  double beta = 1.0;
};

/// J (N, N) and h (N) from their files, shapes checked; values are checked by bm::validate.
struct LoadedModel {
  std::vector<double> j, h;
  std::int64_t n = 0;
};

LoadedModel load_model(const ModelFiles& f) {
  if (!std::isfinite(f.beta) || f.beta < 0) throw invalid_argument("--beta must be finite and >= 0");
  LoadedModel m;
  std::vector<std::int64_t> js, hs;
  m.j = load_numeric("--J", f.j, js);
  m.h = load_numeric("--h", f.h, hs);
  if (js.size() != 2 || js[0] != js[1] || js[0] < 1)
    throw invalid_argument("--J '" + f.j + "': expected a square 2-D array (N, N)");
  m.n = js[0];
  if (hs.size() != 1 || hs[0] != m.n)
    throw invalid_argument("--h '" + f.h + "': expected a 1-D array of N = " + std::to_string(m.n) + " entries");
  return m;
}

void add_model_options(CLI::App* cmd, ModelFiles& f) {
  cmd->add_option("--J", f.j, "couplings, (N, N) .npy, symmetric with a zero diagonal")->required();
  cmd->add_option("--h", f.h, "fields, (N) .npy")->required();
  cmd->add_option("--beta", f.beta, "inverse temperature β")->capture_default_str();
}

struct SampleCli {
  ModelFiles model;
  std::string out, backend = "auto", algorithm = "heatbath", scan = "sequential";
  std::string update = "auto";
  std::int64_t chains = 1024, sweeps = 1000, burn_in = 100;
  std::uint64_t seed = 0;
};

int run_sample(const SampleCli& o) {
  const Backend backend = parse_backend(o.backend);
  bm::SampleOptions s;
  if (o.algorithm == "heatbath") s.sweep.algorithm = bm::Algorithm::heat_bath;
  else if (o.algorithm == "metropolis") s.sweep.algorithm = bm::Algorithm::metropolis;
  else throw invalid_argument("--algorithm must be heatbath or metropolis, got '" + o.algorithm + "'");
  if (o.scan == "sequential") s.sweep.scan = bm::Scan::sequential;
  else if (o.scan == "random") s.sweep.scan = bm::Scan::random;
  else throw invalid_argument("--scan must be sequential or random, got '" + o.scan + "'");
  if (o.update == "auto") s.sweep.update = bm::FieldUpdate::automatic;
  else if (o.update == "scalar") s.sweep.update = bm::FieldUpdate::scalar;
  else if (o.update == "blocked") s.sweep.update = bm::FieldUpdate::blocked;
  else throw invalid_argument("--update must be auto, scalar or blocked, got '" + o.update + "'");
  // The blocked update decides a block of consecutive sites, which a random scan does not have.
  if (s.sweep.update == bm::FieldUpdate::blocked && s.sweep.scan == bm::Scan::random)
    throw invalid_argument("--update blocked needs --scan sequential");
  if (o.chains < 1) throw invalid_argument("--chains must be at least 1");
  if (o.sweeps < 1) throw invalid_argument("--sweeps must be at least 1");
  if (o.burn_in < 0) throw invalid_argument("--burn-in must be >= 0");
  check_output_dir(o.out);
  const LoadedModel m = load_model(o.model);
  s.chains = o.chains;
  s.sweeps = o.sweeps;
  s.burn_in = o.burn_in;
  s.seed = o.seed;
  Context ctx(backend);
  const bm::Statistics st = bm::sample(ctx, {m.j.data(), m.h.data(), m.n, o.model.beta}, s);
  io::StagedDirectory out(o.out, {"mean.npy", "corr.npy", "stderr_mean.npy", "energy.npy"});
  stage_outputs(out, {{"mean.npy", "<f8", {m.n}, st.mean.data()},
                      {"corr.npy", "<f8", {m.n, m.n}, st.corr.data()},
                      {"stderr_mean.npy", "<f8", {m.n}, st.stderr_mean.data()},
                      {"energy.npy", "<f8", {o.chains}, st.energy.data()}});
  out.commit();
  std::cout << "bm sample: N = " << m.n << ", " << o.chains << " chains x " << o.sweeps
            << " sweeps after " << o.burn_in << " (" << o.algorithm << ", " << o.scan
            << ", update " << o.update << ", "
            << backend_name(ctx.backend()) << ")\nwrote " << o.out
            << "/{mean,corr,stderr_mean,energy}.npy\n";
  return 0;
}

struct ExactCli {
  ModelFiles model;
  std::string out, backend = "auto";
};

int run_exact(const ExactCli& o) {
  const Backend backend = parse_backend(o.backend);
  check_output_dir(o.out);
  const LoadedModel m = load_model(o.model);
  Context ctx(backend);
  const bm::exact::Result r = bm::exact::enumerate(ctx, {m.j.data(), m.h.data(), m.n, o.model.beta});
  const std::string json = nlohmann::json{{"log_z", r.log_z}, {"n", m.n}, {"beta", o.model.beta}}.dump(2) + "\n";
  io::StagedDirectory out(o.out, {"log_z.json", "mean.npy", "corr.npy"});
  io::StagedFile log_z = out.stage("log_z.json");
  log_z.write(json.data(), json.size());
  log_z.commit();
  stage_outputs(out, {{"mean.npy", "<f8", {m.n}, r.mean.data()},
                      {"corr.npy", "<f8", {m.n, m.n}, r.corr.data()}});
  out.commit();
  std::printf("bm exact: N = %lld, log Z = %.17g\nwrote %s/{log_z.json,mean.npy,corr.npy}\n",
              static_cast<long long>(m.n), r.log_z, o.out.c_str());
  return 0;
}

struct LearnCli {
  std::string data, out, backend = "auto";
  std::int64_t epochs = 100, chains = 256, sweeps_per_epoch = 1;
  double lr = 0.1, beta = 1.0;
  bool exact = false;
  std::uint64_t seed = 0;
};

int run_learn(const LearnCli& o) {
  const Backend backend = parse_backend(o.backend);
  if (o.epochs < 0) throw invalid_argument("--epochs must be >= 0");
  if (!std::isfinite(o.lr) || o.lr <= 0) throw invalid_argument("--lr must be finite and > 0");
  if (o.chains < 1) throw invalid_argument("--chains must be at least 1");
  if (o.sweeps_per_epoch < 1) throw invalid_argument("--sweeps-per-epoch must be at least 1");
  if (!std::isfinite(o.beta) || o.beta <= 0) throw invalid_argument("--beta must be finite and > 0");
  check_output_dir(o.out);
  std::int64_t m = 0, n = 0;
  const std::vector<std::int8_t> data = load_spins("--data", o.data, m, n);
  std::vector<double> j(static_cast<std::size_t>(n * n), 0.0), h(static_cast<std::size_t>(n), 0.0);
  bm::LearnOptions l;
  l.epochs = o.epochs;
  l.learning_rate = o.lr;
  l.exact = o.exact;
  l.chains = o.chains;
  l.sweeps_per_epoch = o.sweeps_per_epoch;
  l.seed = o.seed;
  l.beta = o.beta;
  Context ctx(backend);
  const auto trace = bm::learn(ctx, data.data(), m, n, j.data(), h.data(), l);
  std::string csv = "epoch,nll,pseudo_log_likelihood,gradient_norm\n";
  for (const auto& r : trace)
    csv += std::to_string(r.epoch) + ',' + csv_number(r.nll) + ',' + csv_number(r.pseudo_log_likelihood) +
           ',' + csv_number(r.gradient_norm) + '\n';
  io::StagedDirectory out(o.out, {"J.npy", "h.npy", "trace.csv"});
  io::StagedFile trace_file = out.stage("trace.csv");
  trace_file.write(csv.data(), csv.size());
  trace_file.commit();
  stage_outputs(out, {{"J.npy", "<f8", {n, n}, j.data()}, {"h.npy", "<f8", {n}, h.data()}});
  out.commit();
  std::cout << "bm learn: " << m << " rows, N = " << n << ", " << o.epochs << " epochs ("
            << (o.exact ? "exact" : "PCD") << ", " << backend_name(ctx.backend()) << ")\nwrote "
            << o.out << "/{J,h}.npy and trace.csv\n";
  return 0;
}

}  // namespace

void add_bm_command(CLI::App& app, Action& action) {
  CLI::App* bm = app.add_subcommand("bm", "Dense Boltzmann machines (±1 spins, symmetric J)");
  bm->require_subcommand(1);

  CLI::App* sample = bm->add_subcommand("sample", "moments and energies from C chains (NPY in/out)");
  auto s = std::make_shared<SampleCli>();
  add_model_options(sample, s->model);
  sample->add_option("--chains", s->chains, "independent chains C")->capture_default_str();
  sample->add_option("--sweeps", s->sweeps, "measured sweeps")->capture_default_str();
  sample->add_option("--burn-in", s->burn_in, "sweeps before measuring")->capture_default_str();
  sample->add_option("--seed", s->seed, "random seed")->capture_default_str();
  sample->add_option("--algorithm", s->algorithm, "heatbath or metropolis")->capture_default_str();
  sample->add_option("--scan", s->scan, "sequential or random")->capture_default_str();
  sample->add_option("--update", s->update,
                     "field update: auto, scalar (after every flip) or blocked (per block of "
                     "sites, sequential scan only); the chains are the same with each")
      ->capture_default_str();
  sample->add_option("--backend", s->backend, "auto, cpu or gpu")->capture_default_str();
  sample->add_option("--out", s->out, "output directory (created if missing)")->required();
  sample->callback([&action, s] { action = [s] { return run_sample(*s); }; });

  CLI::App* exact = bm->add_subcommand("exact", "log Z, <s>, <ss> by enumeration of all 2^N states");
  auto e = std::make_shared<ExactCli>();
  add_model_options(exact, e->model);
  exact->add_option("--backend", e->backend, "auto, cpu or gpu")->capture_default_str();
  exact->add_option("--out", e->out, "output directory (created if missing)")->required();
  exact->callback([&action, e] { action = [e] { return run_exact(*e); }; });

  CLI::App* learn = bm->add_subcommand("learn", "fit J, h to a ±1 data set (moment matching)");
  auto l = std::make_shared<LearnCli>();
  learn->add_option("--data", l->data, "data set, (M, N) .npy of -1/+1")->required();
  learn->add_option("--epochs", l->epochs, "gradient steps")->capture_default_str();
  learn->add_option("--lr", l->lr, "learning rate η")->capture_default_str();
  learn->add_option("--chains", l->chains, "persistent chains (PCD)")->capture_default_str();
  learn->add_option("--sweeps-per-epoch", l->sweeps_per_epoch, "PCD sweeps per step")->capture_default_str();
  learn->add_flag("--exact", l->exact, "model moments by enumeration (small N)");
  learn->add_option("--beta", l->beta, "inverse temperature β")->capture_default_str();
  learn->add_option("--seed", l->seed, "random seed")->capture_default_str();
  learn->add_option("--backend", l->backend, "auto, cpu or gpu")->capture_default_str();
  learn->add_option("--out", l->out, "output directory (created if missing)")->required();
  learn->callback([&action, l] { action = [l] { return run_learn(*l); }; });
}

}  // namespace boltzkit::cli
