// `boltzkit gaussian logpdf`: log-densities (and gradients) of NPY batches, written as NPY.
// Everything that can fail on bad input is checked, and everything is computed, before the
// first output file is staged, so a failed run leaves the output directory untouched.
#include <CLI/CLI.hpp>
#include <memory>

#include "boltzkit/context.hpp"
#include "boltzkit/errors.hpp"
#include "host/cli/commands.hpp"
#include "runner.hpp"
#include "logpdf_inputs.hpp"
#include "mixture_command.hpp"
#include "host/io/npy.hpp"
#include "host/cli/common/output_files.hpp"

namespace boltzkit::cli {

namespace {

struct LogpdfOptions {
  std::string x, mean, cov, precision, chol, out;
  std::string backend = "auto";
  bool grad = false;
  bool per_row_cov_grad = false;
};

/// Sum over rows of (B, D, D) gradients, in double so large batches do not lose digits.
template <class T>
std::vector<T> sum_rows(const std::vector<T>& per_row, std::int64_t batch, std::int64_t dim) {
  const auto n = static_cast<std::size_t>(dim * dim);
  std::vector<double> acc(n, 0.0);
  for (std::int64_t b = 0; b < batch; ++b)
    for (std::size_t k = 0; k < n; ++k) acc[k] += per_row[static_cast<std::size_t>(b) * n + k];
  return std::vector<T>(acc.begin(), acc.end());
}

template <class T>
int run_typed(Context& ctx, const LogpdfInputs& in, const LogpdfOptions& opts) {
  RunnerShape shape;
  shape.batch = in.batch;
  shape.dim = in.dim;
  shape.mean_shared = in.mean_shared;
  shape.matrix_shared = in.matrix_shared;
  shape.parameterization = in.parameterization;
  shape.grad_mean = shape.grad_matrix = opts.grad;

  const std::vector<T> x = in.x.array.to_vector<T>();
  const std::vector<T> mean = in.mean.array.to_vector<T>();
  const std::vector<T> matrix = in.matrix.array.to_vector<T>();
  GaussianRunner<T> runner(ctx, shape);
  runner.set_x(x.data());
  runner.set_mean(mean.data());
  runner.set_matrix(matrix.data());
  runner.run();
  runner.fetch();

  const std::int64_t b = in.batch, d = in.dim;
  const std::string dtype = io::npy_dtype<T>::descr;
  std::vector<OutputFile> files = {
      {"logp.npy", dtype, {b}, runner.log_prob().data()},
      {"info.npy", io::npy_dtype<std::int32_t>::descr, {b}, runner.info().data()}};
  std::vector<T> summed;
  if (opts.grad) {
    files.push_back({"grad_mean.npy", dtype, {b, d}, runner.grad_mean().data()});
    // A shared matrix is one parameter, so its gradient is the sum over the rows using it.
    if (in.matrix_shared && !opts.per_row_cov_grad) {
      summed = sum_rows(runner.grad_matrix(), b, d);
      files.push_back({"grad_cov.npy", dtype, {d, d}, summed.data()});
    } else {
      files.push_back({"grad_cov.npy", dtype, {b, d, d}, runner.grad_matrix().data()});
    }
  }
  write_outputs(opts.out, files);
  return 0;
}

int run_logpdf(const LogpdfOptions& opts) {
  const Backend backend = parse_backend(opts.backend);
  std::string matrix_option, matrix_path;
  int given = 0;
  for (const auto& [option, path] :
       {std::pair{"--cov", &opts.cov}, std::pair{"--precision", &opts.precision},
        std::pair{"--chol", &opts.chol}}) {
    if (path->empty()) continue;
    ++given;
    matrix_option = option;
    matrix_path = *path;
  }
  if (given != 1)
    throw invalid_argument("exactly one of --cov, --precision, --chol is required (got " +
                           std::to_string(given) + ")");
  if (opts.per_row_cov_grad && !opts.grad)
    throw invalid_argument("--per-row-cov-grad needs --grad");
  check_output_dir(opts.out);

  const LogpdfInputs in = load_logpdf_inputs(opts.x, opts.mean, matrix_option, matrix_path);
  Context ctx(backend);
  return in.dtype == "<f4" ? run_typed<float>(ctx, in, opts) : run_typed<double>(ctx, in, opts);
}

}  // namespace

void add_gaussian_command(CLI::App& app, Action& action) {
  CLI::App* gaussian = app.add_subcommand("gaussian", "Multivariate Gaussian evaluations");
  gaussian->require_subcommand(1);
  CLI::App* logpdf = gaussian->add_subcommand(
      "logpdf", "log N(x | mean, matrix) for a batch, optionally with gradients (NPY in/out)");
  auto opts = std::make_shared<LogpdfOptions>();
  logpdf->add_option("--x", opts->x, "points, (B, D) float32 or float64 .npy")->required();
  logpdf->add_option("--mean", opts->mean, "means, (B, D) or shared (D,)")->required();
  logpdf->add_option("--cov", opts->cov, "covariances, (B, D, D) or shared (D, D)");
  logpdf->add_option("--precision", opts->precision, "precision matrices, (B, D, D) or (D, D)");
  logpdf->add_option("--chol", opts->chol, "lower Cholesky factors of the covariances");
  logpdf->add_flag("--grad", opts->grad, "also write grad_mean.npy and grad_cov.npy");
  logpdf->add_flag("--per-row-cov-grad", opts->per_row_cov_grad,
                   "with a shared (D, D) matrix, write (B, D, D) gradients instead of their sum");
  logpdf->add_option("--backend", opts->backend, "auto, cpu or gpu")->capture_default_str();
  logpdf->add_option("--out", opts->out, "output directory (created if missing)")->required();
  logpdf->callback([&action, opts] { action = [opts] { return run_logpdf(*opts); }; });
  add_mixture_subcommands(gaussian, action);
}

}  // namespace boltzkit::cli
