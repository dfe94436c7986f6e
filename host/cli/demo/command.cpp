// `boltzkit demo`: a self-contained tour that times the library on a large batch, checks a
// sample against the float64 CPU reference, and fits a Gaussian with the library's gradients.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <iostream>
#include <memory>

#include "boltzkit/context.hpp"
#include "boltzkit/errors.hpp"
#include "boltzkit/version.hpp"
#include "host/cli/commands.hpp"
#include "demo.hpp"
#include "host/core/device_buffer.hpp"
#include "host/cli/common/report.hpp"

namespace boltzkit::cli {

namespace {

struct DemoOptions {
  std::string backend = "auto";
  std::int64_t batch = 0;  // 0: a size that suits the backend
  std::int64_t dim = 16;
  std::uint64_t seed = 42;
};

/// Says which backend runs and, for auto without a GPU, that it is a fallback.
std::string describe_backend(const Context& ctx, Backend requested) {
  if (ctx.on_gpu())
    return std::string("gpu, device ") + std::to_string(ctx.device()) + ": " +
           device_name(ctx.device()) + (requested == Backend::automatic ? " (auto)" : "");
  if (requested == Backend::automatic)
    return gpu_backend_built() ? "cpu (auto: no CUDA device found, falling back to the CPU backend)"
                               : "cpu (auto: this boltzkit was built without CUDA)";
  return "cpu (requested)";
}

int run_demo(const DemoOptions& opts) {
  const auto start = std::chrono::steady_clock::now();
  const Backend requested = parse_backend(opts.backend);
  if (opts.batch < 0) throw invalid_argument("--batch must not be negative (0: the default)");
  if (opts.dim < 1) throw invalid_argument("--dim must be at least 1");
  Context ctx(requested);
  const std::string backend = describe_backend(ctx, requested);
  std::cout << "boltzkit " << version << " demo\nbackend: " << backend << "\n\n";

  const std::int64_t batch = opts.batch > 0 ? opts.batch : ctx.on_gpu() ? 1 << 20 : 1 << 16;
  const ThroughputResult t = run_throughput(ctx, batch, opts.dim, opts.seed);
  std::cout << "\n";
  const FitResult fit = run_fit(ctx, opts.seed);
  const double total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const bool pass = t.pass && fit.pass;
  std::cout << "\n(d) report\n"
            << "    backend      " << backend << "\n"
            << "    throughput   B = " << t.batch << ", D = " << t.dim
            << " float32: " << fmt_g(t.seconds_per_call * 1e3, 4) << " ms/call, "
            << fmt_e(t.elements_per_s) << " elements/s, " << fmt_g(t.gb_per_s, 3) << " GB/s\n"
            << "    accuracy     " << t.checked << " elements, max rel err "
            << fmt_e(std::max({t.err_logp, t.err_grad_mean, t.err_grad_cov})) << "  "
            << (t.pass ? "PASS" : "FAIL") << "\n"
            << "    fit          " << fit.iterations << " iterations, " << fmt_g(fit.seconds, 3)
            << " s, gap " << fmt_e(fit.gap) << " nats  " << (fit.pass ? "PASS" : "FAIL") << "\n"
            << "    total time   " << fmt_g(total, 3) << " s (input generation "
            << fmt_g(t.generate_s, 3) << " s)\n"
            << "demo: " << (pass ? "PASS" : "FAIL") << std::endl;
  return pass ? 0 : 1;
}

}  // namespace

void add_demo_command(CLI::App& app, Action& action) {
  CLI::App* demo = app.add_subcommand(
      "demo", "Time a large batch, check it against the CPU reference, fit a Gaussian");
  auto opts = std::make_shared<DemoOptions>();
  demo->add_option("--backend", opts->backend, "auto, cpu or gpu")->capture_default_str();
  demo->add_option("--batch", opts->batch,
                   "batch size for the timing (default 1048576 on gpu, 65536 on cpu)");
  demo->add_option("--dim", opts->dim, "dimension D for the timing")->capture_default_str();
  demo->add_option("--seed", opts->seed, "random seed")->capture_default_str();
  demo->callback([&action, opts] { action = [opts] { return run_demo(*opts); }; });
}

}  // namespace boltzkit::cli
