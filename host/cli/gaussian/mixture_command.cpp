// `boltzkit gaussian loglik` and `boltzkit gaussian fit`: many points against K Gaussians
// (boltzkit/mixture.hpp) from NPY files. Everything that can fail on bad input is checked, and
// everything is computed, before the first output file is staged.
#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <vector>

#include "boltzkit/context.hpp"
#include "boltzkit/errors.hpp"
#include "boltzkit/mixture.hpp"
#include "host/cli/commands.hpp"
#include "host/cli/common/csv.hpp"
#include "host/cli/common/output_files.hpp"
#include "host/cli/common/report.hpp"
#include "host/core/device_buffer.hpp"
#include "host/io/npy.hpp"
#include "host/io/staged_directory.hpp"
#include "mixture_command.hpp"

namespace boltzkit::cli {

namespace {

io::NpyArray load(const std::string& option, const std::string& path) {
  try {
    io::NpyArray a = io::read_npy(path);
    if (a.dtype != "<f4" && a.dtype != "<f8")
      throw invalid_argument("'" + path + "': dtype " + io::dtype_name(a.dtype) +
                             " is not supported (expected float32 or float64)");
    return a;
  } catch (const invalid_argument& e) {
    throw invalid_argument(option + " " + e.what());
  }
}

[[noreturn]] void bad_shape(const std::string& option, const std::string& path,
                            const std::string& expected, const io::NpyArray& a) {
  throw invalid_argument(option + " '" + path + "': expected shape " + expected + ", got " +
                         shape_string(a.shape));
}

/// A T array in the context's memory: host vector on the CPU, device copy on the GPU.
template <class T>
class Mem {
 public:
  Mem(Context& ctx, std::vector<T> host) : ctx_(ctx), host_(std::move(host)) {
    if (ctx_.on_gpu()) dev_ = DeviceBuffer<T>(host_);
  }
  Mem(Context& ctx, std::size_t n) : Mem(ctx, std::vector<T>(n)) {}
  T* data() { return ctx_.on_gpu() ? dev_.data() : host_.data(); }
  const std::vector<T>& fetch() {
    if (ctx_.on_gpu()) host_ = dev_.download();
    return host_;
  }

 private:
  Context& ctx_;
  std::vector<T> host_;
  DeviceBuffer<T> dev_;
};

struct LoglikOptions {
  std::string x, mean, cov, weights, out, backend = "auto";
  bool tf32 = false;
};

template <class T>
int run_loglik_typed(Context& ctx, const LoglikOptions& o, const io::NpyArray& xa,
                     const io::NpyArray& ma, const io::NpyArray& ca, const io::NpyArray* wa,
                     bool single, std::int64_t kk) {
  const std::int64_t np = xa.shape[0], n = xa.shape[1];
  const bool mixture_mode = wa != nullptr;
  std::vector<T> weights;
  if (mixture_mode) {
    weights = wa->to_vector<T>();
    double total = 0.0;
    for (const T w : weights) {
      if (!(w > T(0)) || !std::isfinite(static_cast<double>(w)))
        throw invalid_argument("--weights '" + o.weights + "': weights must be positive and finite");
      total += static_cast<double>(w);
    }
    if (std::abs(total - 1.0) > 1e-5)
      throw invalid_argument("--weights '" + o.weights + "': weights must sum to 1 (sum is " +
                             std::to_string(total) + ")");
  }
  Mem<T> x(ctx, xa.to_vector<T>()), mean(ctx, ma.to_vector<T>()), cov(ctx, ca.to_vector<T>()),
      w(ctx, mixture_mode ? weights : std::vector<T>(1)), logp(ctx, np * kk), mix(ctx, np),
      resp(ctx, np * kk), score(ctx, np * n), sgm(ctx, kk * n), sgc(ctx, kk * n * n);
  Mem<std::int32_t> info(ctx, kk);
  const bool want_score = mixture_mode || kk == 1;
  mixture::Components<T> c;
  c.mean = vector_batch<const T>(mean.data(), kk, n, n);
  c.cov = matrix_batch<const T>(cov.data(), kk, n, n * n, n);
  c.weights = mixture_mode ? w.data() : nullptr;
  mixture::Outputs<T> out;
  out.log_prob = logp.data();
  if (mixture_mode) {
    out.mix_log_prob = mix.data();
    out.resp = resp.data();
  }
  if (want_score) out.score = vector_batch<T>(score.data(), np, n, n);
  out.sum_grad_mean = vector_batch<T>(sgm.data(), kk, n, n);
  out.sum_grad_cov = matrix_batch<T>(sgc.data(), kk, n, n * n, n);
  out.info = info.data();
  mixture::EvaluateOptions eo;
  eo.allow_tf32 = o.tf32;
  mixture::evaluate(ctx, vector_batch<const T>(x.data(), np, n, n), c, out, eo);
  const std::vector<std::int32_t>& status = info.fetch();
  for (std::int64_t k = 0; k < kk; ++k)
    if (status[k] != 0)
      throw invalid_argument("--cov '" + o.cov + "': covariance " +
                             (single ? std::string() : std::to_string(k) + " ") +
                             "is not positive definite (pivot " + std::to_string(status[k]) + ")");

  const std::string dt = io::npy_dtype<T>::descr;
  const std::vector<std::int64_t> logp_shape = single ? std::vector<std::int64_t>{np}
                                                      : std::vector<std::int64_t>{np, kk};
  const std::vector<std::int64_t> sgm_shape = single ? std::vector<std::int64_t>{n}
                                                     : std::vector<std::int64_t>{kk, n};
  const std::vector<std::int64_t> sgc_shape = single ? std::vector<std::int64_t>{n, n}
                                                     : std::vector<std::int64_t>{kk, n, n};
  std::vector<OutputFile> files = {{"logp.npy", dt, logp_shape, logp.fetch().data()},
                                   {"sum_grad_mean.npy", dt, sgm_shape, sgm.fetch().data()},
                                   {"sum_grad_cov.npy", dt, sgc_shape, sgc.fetch().data()}};
  if (want_score) files.push_back({"score.npy", dt, {np, n}, score.fetch().data()});
  if (mixture_mode) {
    files.push_back({"mix_logp.npy", dt, {np}, mix.fetch().data()});
    files.push_back({"resp.npy", dt, {np, kk}, resp.fetch().data()});
  }
  io::StagedDirectory folder(o.out, {"logp.npy", "sum_grad_mean.npy", "sum_grad_cov.npy",
                                     "score.npy", "mix_logp.npy", "resp.npy"});
  stage_outputs(folder, files);
  folder.commit();
  return 0;
}

int run_loglik(const LoglikOptions& o) {
  const Backend backend = parse_backend(o.backend);
  check_output_dir(o.out);
  const io::NpyArray xa = load("--x", o.x), ma = load("--mean", o.mean), ca = load("--cov", o.cov);
  if (xa.shape.size() != 2 || xa.shape[1] < 1) bad_shape("--x", o.x, "(N, D) with D >= 1", xa);
  if (o.tf32 && xa.dtype != "<f4")
    throw invalid_argument("--tf32 needs float32 inputs (--x '" + o.x + "' is " +
                           io::dtype_name(xa.dtype) + ")");
  const std::int64_t n = xa.shape[1];
  const bool single = ma.shape.size() == 1;
  if (single ? ma.shape[0] != n : (ma.shape.size() != 2 || ma.shape[1] != n || ma.shape[0] < 1))
    bad_shape("--mean", o.mean, "(K, D) or (D,) with D = " + std::to_string(n), ma);
  const std::int64_t kk = single ? 1 : ma.shape[0];
  const std::vector<std::int64_t> want_cov =
      single ? std::vector<std::int64_t>{n, n} : std::vector<std::int64_t>{kk, n, n};
  if (ca.shape != want_cov) bad_shape("--cov", o.cov, shape_string(want_cov), ca);
  std::unique_ptr<io::NpyArray> wa;
  if (!o.weights.empty()) {
    wa = std::make_unique<io::NpyArray>(load("--weights", o.weights));
    if (wa->shape != std::vector<std::int64_t>{kk})
      bad_shape("--weights", o.weights, "(" + std::to_string(kk) + ",)", *wa);
  }
  for (const auto* a : {&ma, &ca, static_cast<const io::NpyArray*>(wa.get())})
    if (a && a->dtype != xa.dtype)
      throw invalid_argument("inputs must share one dtype: --x is " + io::dtype_name(xa.dtype) +
                             ", another input is " + io::dtype_name(a->dtype));
  Context ctx(backend);
  return xa.dtype == "<f4" ? run_loglik_typed<float>(ctx, o, xa, ma, ca, wa.get(), single, kk)
                           : run_loglik_typed<double>(ctx, o, xa, ma, ca, wa.get(), single, kk);
}

struct FitCliOptions {
  std::string x, out, backend = "auto";
  std::int64_t components = 1, iters = 100, n_init = 1;
  double tol = 1e-3, reg_covar = 1e-6;
  std::uint64_t seed = 0;
  bool tf32 = false;
};

template <class T>
mixture::FitResult fit_typed(Context& ctx, const io::NpyArray& xa, const mixture::FitOptions& f) {
  const std::int64_t np = xa.shape[0], n = xa.shape[1];
  Mem<T> x(ctx, xa.to_vector<T>());
  return mixture::fit(ctx, vector_batch<const T>(x.data(), np, n, n), f);
}

int run_fit(const FitCliOptions& o) {
  const Backend backend = parse_backend(o.backend);
  if (o.components < 1) throw invalid_argument("--components must be at least 1");
  if (o.iters < 1) throw invalid_argument("--iters must be at least 1");
  if (o.n_init < 1) throw invalid_argument("--n-init must be at least 1");
  if (!std::isfinite(o.tol) || o.tol < 0) throw invalid_argument("--tol must be finite and >= 0");
  if (!std::isfinite(o.reg_covar) || o.reg_covar < 0)
    throw invalid_argument("--reg-covar must be finite and >= 0");
  check_output_dir(o.out);
  const io::NpyArray xa = load("--x", o.x);
  if (xa.shape.size() != 2 || xa.shape[1] < 1) bad_shape("--x", o.x, "(N, D) with D >= 1", xa);
  if (o.tf32 && xa.dtype != "<f4")
    throw invalid_argument("--tf32 needs float32 inputs (--x '" + o.x + "' is " +
                           io::dtype_name(xa.dtype) + ")");
  if (xa.shape[0] < o.components)
    throw invalid_argument("--x '" + o.x + "': " + std::to_string(xa.shape[0]) +
                           " points cannot fit " + std::to_string(o.components) + " components");
  mixture::FitOptions f;
  f.components = o.components;
  f.max_iter = o.iters;
  f.tol = o.tol;
  f.reg_covar = o.reg_covar;
  f.n_init = o.n_init;
  f.seed = o.seed;
  f.allow_tf32 = o.tf32;
  Context ctx(backend);
  const mixture::FitResult r =
      xa.dtype == "<f4" ? fit_typed<float>(ctx, xa, f) : fit_typed<double>(ctx, xa, f);

  std::string csv = "iteration,log_likelihood\n";
  for (std::size_t i = 0; i < r.log_likelihood.size(); ++i)
    csv += std::to_string(i) + ',' + csv_number(r.log_likelihood[i]) + '\n';
  io::StagedDirectory out(o.out, {"weights.npy", "mean.npy", "cov.npy", "loglik.csv"});
  io::StagedFile csv_file = out.stage("loglik.csv");
  csv_file.write(csv.data(), csv.size());
  csv_file.commit();
  const std::int64_t kk = r.components, n = r.dim;
  stage_outputs(out, {{"weights.npy", "<f8", {kk}, r.weights.data()},
                      {"mean.npy", "<f8", {kk, n}, r.means.data()},
                      {"cov.npy", "<f8", {kk, n, n}, r.covs.data()}});
  out.commit();
  std::cout << "gaussian fit: " << xa.shape[0] << " points, D = " << n << ", K = " << kk
            << ", best of " << o.n_init << " (init " << r.best_init << "), " << r.iterations
            << " iterations" << (r.converged ? " (converged)" : " (not converged)")
            << ", average log-likelihood " << csv_number(r.final_log_likelihood) << " ("
            << backend_name(ctx.backend()) << ")";
  if (!r.collapsed.empty()) {
    std::cout << "; collapsed components reset:";
    for (const auto k : r.collapsed) std::cout << ' ' << k;
  }
  std::cout << "\nwrote " << o.out << "/{weights,mean,cov}.npy and loglik.csv\n";
  return 0;
}

}  // namespace

void add_mixture_subcommands(CLI::App* gaussian, Action& action) {
  CLI::App* loglik = gaussian->add_subcommand(
      "loglik", "log N(x_n | mean_k, cov_k) for N points and K Gaussians, scores, summed "
                "gradients; with --weights the mixture and responsibilities (NPY in/out)");
  auto lo = std::make_shared<LoglikOptions>();
  loglik->add_option("--x", lo->x, "points, (N, D) float32 or float64 .npy")->required();
  loglik->add_option("--mean", lo->mean, "means, (K, D), or (D,) for one Gaussian")->required();
  loglik->add_option("--cov", lo->cov, "covariances, (K, D, D), or (D, D)")->required();
  loglik->add_option("--weights", lo->weights, "mixture weights, (K,), positive, summing to 1");
  loglik->add_option("--backend", lo->backend, "auto, cpu or gpu")->capture_default_str();
  loglik->add_flag("--tf32", lo->tf32,
                   "float32 input only: GEMMs in TF32 tensor-core math on the GPU, the same "
                   "operand rounding on the CPU (accuracy: docs/MATH.md 1.9)");
  loglik->add_option("--out", lo->out, "output directory (created if missing)")->required();
  loglik->callback([&action, lo] { action = [lo] { return run_loglik(*lo); }; });

  CLI::App* fit = gaussian->add_subcommand(
      "fit", "EM for a full-covariance Gaussian mixture, best of --n-init k-means++ starts");
  auto fo = std::make_shared<FitCliOptions>();
  fit->add_option("--x", fo->x, "points, (N, D) float32 or float64 .npy")->required();
  fit->add_option("--components", fo->components, "number of components K")->required();
  fit->add_option("--iters", fo->iters, "EM iterations at most per start")->capture_default_str();
  fit->add_option("--tol", fo->tol, "stop when the average log-likelihood moves less")
      ->capture_default_str();
  fit->add_option("--n-init", fo->n_init, "number of starts; the best is kept")
      ->capture_default_str();
  fit->add_option("--seed", fo->seed, "seed of the k-means++ draws")->capture_default_str();
  fit->add_option("--reg-covar", fo->reg_covar, "added to every covariance diagonal")
      ->capture_default_str();
  fit->add_option("--backend", fo->backend, "auto, cpu or gpu")->capture_default_str();
  fit->add_flag("--tf32", fo->tf32,
                "float32 input only: the E-steps' GEMMs in TF32 (see loglik --tf32)");
  fit->add_option("--out", fo->out, "output directory (created if missing)")->required();
  fit->callback([&action, fo] { action = [fo] { return run_fit(*fo); }; });
}

}  // namespace boltzkit::cli
