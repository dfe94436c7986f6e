// `boltzkit rbm train`: a ±1 restricted Boltzmann machine trained by CD-k or PCD on an NPY data
// set (M, N); writes W.npy (N, H), b.npy (N), c.npy (H) and trace.csv (MATH.md §2.4).
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "boltzkit/context.hpp"
#include "boltzkit/errors.hpp"
#include "boltzkit/rbm.hpp"
#include "host/cli/commands.hpp"
#include "host/cli/common/csv.hpp"
#include "host/cli/common/output_files.hpp"
#include "host/cli/common/spin_data.hpp"
#include "host/io/staged_directory.hpp"
#include "host/io/staged_file.hpp"

namespace boltzkit::cli {
namespace {

struct TrainCliOptions {
  std::string data, out, backend = "auto";
  std::int64_t hidden = 0, epochs = 10, batch = 64;
  double lr = 0.01, beta = 1.0;
  int cd_k = 1;
  bool pcd = false;
  std::uint64_t seed = 0;
};

int run_train(const TrainCliOptions& o) {
  const Backend backend = parse_backend(o.backend);
  if (o.hidden < 1) throw invalid_argument("--hidden must be at least 1");
  if (o.epochs < 0) throw invalid_argument("--epochs must be >= 0");
  if (o.batch < 1) throw invalid_argument("--batch must be at least 1");
  if (o.cd_k < 1) throw invalid_argument("--cd-k must be at least 1");
  if (!std::isfinite(o.lr) || o.lr < 0) throw invalid_argument("--lr must be finite and >= 0");
  if (!std::isfinite(o.beta) || o.beta <= 0) throw invalid_argument("--beta must be finite and > 0");
  check_output_dir(o.out);
  std::int64_t m = 0, n = 0;
  const std::vector<std::int8_t> data = load_spins("--data", o.data, m, n);
  if (n * o.hidden > (std::int64_t{1} << 31))
    throw invalid_argument("--hidden " + std::to_string(o.hidden) + ": W would exceed 2^31 entries");

  // Small random weights (σ = 0.01, seeded), zero biases: the usual RBM start.
  std::vector<double> w(static_cast<std::size_t>(n * o.hidden)), b(static_cast<std::size_t>(n), 0.0),
      c(static_cast<std::size_t>(o.hidden), 0.0);
  std::mt19937_64 gen(o.seed);
  std::normal_distribution<double> normal(0.0, 0.01);
  for (double& x : w) x = normal(gen);

  rbm::TrainOptions t;
  t.epochs = o.epochs;
  t.learning_rate = o.lr;
  t.batch = o.batch;
  t.cd_k = o.cd_k;
  t.pcd = o.pcd;
  t.seed = o.seed;
  t.beta = o.beta;
  Context ctx(backend);
  const auto trace = rbm::train(ctx, data.data(), m, n, o.hidden, w.data(), b.data(), c.data(), t);

  std::string csv = "epoch,reconstruction_error,log_likelihood\n";
  for (const auto& r : trace)
    csv += std::to_string(r.epoch) + ',' + csv_number(r.reconstruction_error) + ',' +
           csv_number(r.log_likelihood) + '\n';
  io::StagedDirectory out(o.out, {"W.npy", "b.npy", "c.npy", "trace.csv"});
  io::StagedFile trace_file = out.stage("trace.csv");
  trace_file.write(csv.data(), csv.size());
  trace_file.commit();
  stage_outputs(out, {{"W.npy", "<f8", {n, o.hidden}, w.data()},
                      {"b.npy", "<f8", {n}, b.data()},
                      {"c.npy", "<f8", {o.hidden}, c.data()}});
  out.commit();
  std::cout << "rbm train: " << m << " rows, " << n << " visible, " << o.hidden << " hidden, "
            << o.epochs << " epochs (" << (o.pcd ? "PCD" : "CD") << "-" << o.cd_k << ", "
            << backend_name(ctx.backend()) << ")";
  if (!trace.empty() && !std::isnan(trace.back().log_likelihood))
    std::cout << ", final log-likelihood " << trace.back().log_likelihood;
  std::cout << "\nwrote " << o.out << "/{W,b,c}.npy and trace.csv\n";
  return 0;
}

}  // namespace

void add_rbm_command(CLI::App& app, Action& action) {
  CLI::App* rbm = app.add_subcommand("rbm", "Restricted Boltzmann machines (±1 units)");
  rbm->require_subcommand(1);
  CLI::App* train = rbm->add_subcommand("train", "CD-k / PCD training on a ±1 data set (NPY in/out)");
  auto o = std::make_shared<TrainCliOptions>();
  train->add_option("--data", o->data, "data set, (M, N) .npy of -1/+1 (float64, float32 or int32)")
      ->required();
  train->add_option("--hidden", o->hidden, "number of hidden units H")->required();
  train->add_option("--out", o->out, "output directory (created if missing)")->required();
  train->add_option("--epochs", o->epochs, "passes over the data")->capture_default_str();
  train->add_option("--lr", o->lr, "learning rate η")->capture_default_str();
  train->add_option("--batch", o->batch, "mini-batch size (and PCD chains)")->capture_default_str();
  train->add_option("--cd-k", o->cd_k, "Gibbs steps per update")->capture_default_str();
  train->add_flag("--pcd", o->pcd, "persistent chains instead of CD-k");
  train->add_option("--beta", o->beta, "inverse temperature β")->capture_default_str();
  train->add_option("--seed", o->seed, "random seed")->capture_default_str();
  train->add_option("--backend", o->backend, "auto, cpu or gpu")->capture_default_str();
  train->callback([&action, o] { action = [o] { return run_train(*o); }; });
}

}  // namespace boltzkit::cli
