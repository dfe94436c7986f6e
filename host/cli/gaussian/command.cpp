// `boltzkit gaussian logpdf`: log-densities (and gradients) of NPY batches, written as NPY.
// Everything that can fail on bad input is checked, and everything is computed, before the
// first output file is staged, so a failed run leaves the output directory untouched.
#include <CLI/CLI.hpp>
#include <cmath>
#include <iostream>
#include <memory>
#include <utility>

#include "boltzkit/context.hpp"
#include "boltzkit/errors.hpp"
#include "host/cli/commands.hpp"
#include "progress.hpp"
#include "runner.hpp"
#include "logpdf_inputs.hpp"
#include "mixture_command.hpp"
#include "host/io/npy.hpp"
#include "host/cli/common/output_files.hpp"
#include "host/io/staged_directory.hpp"

namespace boltzkit::cli {

namespace {

struct LogpdfOptions {
  std::string x, mean, cov, precision, chol, out;
  std::string backend = "auto";
  bool grad = false;
  bool per_row_grad = false;
  bool upper = false;
  bool quiet = false;
  bool time = false;
};

/// Sum over the B rows of per-row gradients of `n` entries each, in double so large batches do
/// not lose digits: a broadcast input is one parameter, so its gradient is that sum.
template <class T>
std::vector<T> sum_rows(const std::vector<T>& per_row, std::int64_t batch, std::size_t n) {
  std::vector<double> acc(n, 0.0);
  for (std::int64_t b = 0; b < batch; ++b)
    for (std::size_t k = 0; k < n; ++k) acc[k] += per_row[static_cast<std::size_t>(b) * n + k];
  return std::vector<T>(acc.begin(), acc.end());
}

/// Transposes each of the `count` (D, D) matrices in place.
template <class T>
void transpose_each(std::vector<T>& m, std::size_t count, std::int64_t dim) {
  const auto d = static_cast<std::size_t>(dim);
  for (std::size_t b = 0; b < count; ++b)
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t j = 0; j < i; ++j) std::swap(m[b * d * d + i * d + j], m[b * d * d + j * d + i]);
}

/// The Cholesky factors given: checks that they are lower triangular (the library reads only the
/// lower triangle, so an upper factor, scipy's default, would silently be read as something
/// else), or, with --upper, upper triangular, and then transposes them to lower.
template <class T>
void orient_cholesky(std::vector<T>& m, std::size_t count, std::int64_t dim, bool upper,
                     const std::string& path) {
  const auto d = static_cast<std::size_t>(dim);
  bool strict_lower = false, strict_upper = false;
  for (std::size_t b = 0; b < count; ++b)
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t j = 0; j < d; ++j) {
        const T v = m[b * d * d + i * d + j];
        if (v == T(0)) continue;
        (j < i ? strict_lower : strict_upper) |= j != i;
      }
  if (!upper && strict_upper && !strict_lower)
    throw invalid_argument("--chol '" + path + "': the factors are upper triangular (as scipy's "
                           "cholesky returns by default); pass --upper to read them as U with "
                           "Σ = UᵀU, or pass lower factors");
  if (upper && strict_lower)
    throw invalid_argument("--chol '" + path + "': --upper given but the factors have non-zero "
                           "entries below the diagonal");
  if (upper) transpose_each(m, count, dim);
}

const char* matrix_gradient_file(gaussian::Parameterization p) {
  switch (p) {
    case gaussian::Parameterization::precision: return "grad_precision.npy";
    case gaussian::Parameterization::cholesky: return "grad_chol.npy";
    default: return "grad_cov.npy";
  }
}

/// One line on stderr: backend, rows, and the rows that failed with their info codes (NaN log p
/// with info 0 comes from NaN/Inf in x or the mean).
template <class T>
void print_summary(const Context& ctx, const LogpdfInputs& in, const std::vector<T>& logp,
                   const std::vector<std::int32_t>& info) {
  std::int64_t failed = 0;
  std::string listed;
  constexpr int max_listed = 5;
  for (std::int64_t b = 0; b < in.batch; ++b) {
    const auto k = static_cast<std::size_t>(b);
    if (info[k] == 0 && !std::isnan(logp[k])) continue;
    if (failed++ < max_listed)
      listed += std::string(listed.empty() ? "" : ", ") + "row " + std::to_string(b) +
                (info[k] != 0 ? " info " + std::to_string(info[k]) : " NaN input");
  }
  std::string line = "gaussian logpdf: backend " + std::string(backend_name(ctx.backend())) +
                     ", " + std::to_string(in.batch) + " rows of D = " + std::to_string(in.dim) +
                     " (" + io::dtype_name(in.dtype) + "), ";
  if (failed == 0) {
    line += "all finite";
  } else {
    line += std::to_string(failed) + " failed (" + listed +
            (failed > max_listed ? ", ..." : "") +
            "; info = leading minor that is not positive definite)";
  }
  std::cerr << "boltzkit: " << line << std::endl;
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

  const std::int64_t b = in.batch, d = in.dim;
  const std::size_t matrices = in.matrix_shared ? 1 : static_cast<std::size_t>(b);
  const std::vector<T> x = in.x.array.to_vector<T>();
  const std::vector<T> mean = in.mean.array.to_vector<T>();
  std::vector<T> matrix = in.matrix.array.to_vector<T>();
  if (in.parameterization == gaussian::Parameterization::cholesky)
    orient_cholesky(matrix, matrices, d, opts.upper, in.matrix.path);

  GaussianRunner<T> runner(ctx, shape);
  runner.set_x(x.data());
  runner.set_mean(mean.data());
  runner.set_matrix(matrix.data());
  run_with_progress(runner, ctx.on_gpu(), opts.time);

  const std::string dtype = io::npy_dtype<T>::descr;
  std::vector<OutputFile> files = {
      {"logp.npy", dtype, {b}, runner.log_prob().data()},
      {"info.npy", io::npy_dtype<std::int32_t>::descr, {b}, runner.info().data()}};
  std::vector<T> mean_sum, matrix_sum, matrix_grad;
  if (opts.grad) {
    // Every broadcast input is one parameter: its gradient is the sum over the rows using it,
    // unless --per-row-grad asks for each row's share.
    if (in.mean_shared && !opts.per_row_grad) {
      mean_sum = sum_rows(runner.grad_mean(), b, static_cast<std::size_t>(d));
      files.push_back({"grad_mean.npy", dtype, {d}, mean_sum.data()});
    } else {
      files.push_back({"grad_mean.npy", dtype, {b, d}, runner.grad_mean().data()});
    }
    matrix_grad = runner.grad_matrix();
    // With --upper the parameter is U = Lᵀ, so its gradient is the transpose of L's.
    if (opts.upper) transpose_each(matrix_grad, static_cast<std::size_t>(b), d);
    const char* name = matrix_gradient_file(in.parameterization);
    if (in.matrix_shared && !opts.per_row_grad) {
      matrix_sum = sum_rows(matrix_grad, b, static_cast<std::size_t>(d * d));
      files.push_back({name, dtype, {d, d}, matrix_sum.data()});
    } else {
      files.push_back({name, dtype, {b, d, d}, matrix_grad.data()});
    }
  }
  io::StagedDirectory out(opts.out, {"logp.npy", "info.npy", "grad_mean.npy", "grad_cov.npy",
                                     "grad_precision.npy", "grad_chol.npy"});
  stage_outputs(out, files);
  out.commit();
  if (!opts.quiet) print_summary(ctx, in, runner.log_prob(), runner.info());
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
  if (opts.per_row_grad && !opts.grad) throw invalid_argument("--per-row-grad needs --grad");
  if (opts.upper && matrix_option != "--chol")
    throw invalid_argument("--upper applies to --chol only (got " + matrix_option + ")");
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
  logpdf->add_option("--chol", opts->chol,
                     "lower Cholesky factors L of the covariances (Σ = LLᵀ); see --upper");
  logpdf->add_flag("--upper", opts->upper,
                   "--chol holds upper factors U (Σ = UᵀU, scipy's default); an upper factor "
                   "without this flag is refused");
  logpdf->add_flag("--grad", opts->grad,
                   "also write grad_mean.npy and the matrix gradient, named by the matrix given: "
                   "grad_cov.npy, grad_precision.npy or grad_chol.npy");
  logpdf->add_flag("--per-row-grad,--per-row-cov-grad", opts->per_row_grad,
                   "for a broadcast (D,) mean or (D, D) matrix, write each row's gradient "
                   "(B, D) / (B, D, D) instead of their sum over rows");
  logpdf->add_flag("--time", opts->time, "print the rows, backend and seconds taken on stderr");
  logpdf->add_option("--backend", opts->backend, "auto, cpu or gpu")->capture_default_str();
  logpdf->add_option("--out", opts->out,
                     "output directory (created if missing); files of an earlier run that this "
                     "run does not write are removed")
      ->required();
  logpdf->add_flag("--quiet", opts->quiet, "no summary line on stderr");
  logpdf->callback([&action, opts] { action = [opts] { return run_logpdf(*opts); }; });
  add_mixture_subcommands(gaussian, action);
}

}  // namespace boltzkit::cli
