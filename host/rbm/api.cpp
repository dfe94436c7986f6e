// rbm:: entry points: every argument checked before any work, then the chosen backend.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "backends.hpp"
#include "boltzkit/rbm.hpp"
#include "host/core/gpu_call.hpp"
#include "host/core/validate.hpp"
#include "kernels/rbm/layer_sample.cuh"
#include "train_driver.hpp"

namespace boltzkit::rbm {

namespace {

using boltzkit::detail::require;
using boltzkit::detail::span_of_array;

constexpr std::uint64_t two_32 = std::uint64_t{1} << 32;
constexpr double grid_limit = 4194304.0;  // 2²²: |bias| + Σ|W| bound of the exactness argument

void check_shape(const Model& m, const std::string& f) {
  require(m.n_visible >= 1 && m.n_hidden >= 1,
          f + ": n_visible and n_hidden must be >= 1, got " + std::to_string(m.n_visible) +
              " and " + std::to_string(m.n_hidden));
  require(m.n_visible < (std::int64_t{1} << 31) && m.n_hidden < (std::int64_t{1} << 31),
          f + ": layers must have fewer than 2^31 units");
  require(std::isfinite(m.beta) && m.beta >= 0.0,
          f + ": beta must be finite and >= 0, got " + std::to_string(m.beta));
  require(m.w != nullptr && m.b != nullptr && m.c != nullptr, f + ": null parameter pointer");
}

void check_finite(const double* p, std::int64_t n, const std::string& what) {
  for (std::int64_t e = 0; e < n; ++e)
    require(std::isfinite(p[e]), what + " has a non-finite entry at index " + std::to_string(e));
}

void check_spins(const std::int8_t* s, std::int64_t n, const std::string& what) {
  for (std::int64_t e = 0; e < n; ++e)
    require(s[e] == 1 || s[e] == -1, what + ": entries must be -1 or +1, found " +
                                         std::to_string(static_cast<int>(s[e])) + " at index " +
                                         std::to_string(e));
}

/// Values are host-readable only on a CPU context; a GPU context's are not inspected.
void check_values(const Context& ctx, const Model& m, const std::string& f) {
  if (ctx.on_gpu()) return;
  check_finite(m.w, m.n_visible * m.n_hidden, f + ": W");
  check_finite(m.b, m.n_visible, f + ": b");
  check_finite(m.c, m.n_hidden, f + ": c");
}

/// cuBLAS takes int dimensions: rows of one GEMM stay below 2³¹ on a GPU context.
void check_gpu_rows(const Context& ctx, std::int64_t rows, const std::string& f) {
  if (ctx.on_gpu())
    require(rows < (std::int64_t{1} << 31), f + ": at most 2^31 - 1 chains or rows per call on the GPU");
}

void check_steps(std::uint64_t first, std::int64_t n, const std::string& f) {
  require(n >= 0, f + ": the number of steps must be >= 0");
  require(first < two_32 && static_cast<std::uint64_t>(n) <= two_32 - first,
          f + ": step indices must stay below 2^32");
}

}  // namespace

void snap_to_grid(double* values, std::int64_t count) {
  require(count >= 0 && (count == 0 || values != nullptr), "rbm::snap_to_grid: bad array");
  for (std::int64_t e = 0; e < count; ++e)
    values[e] = std::nearbyint(values[e] / grid_quantum) * grid_quantum;
}

bool on_grid(const Model& m) {
  check_shape(m, "rbm::on_grid");
  const std::int64_t nv = m.n_visible, nh = m.n_hidden;
  auto grid = [](double x) { return std::isfinite(x) && std::nearbyint(x / grid_quantum) * grid_quantum == x; };
  std::vector<double> col(static_cast<std::size_t>(nh));
  for (std::int64_t j = 0; j < nh; ++j) {
    if (!grid(m.c[j])) return false;
    col[static_cast<std::size_t>(j)] = std::fabs(m.c[j]);
  }
  for (std::int64_t i = 0; i < nv; ++i) {
    if (!grid(m.b[i])) return false;
    double row = std::fabs(m.b[i]);
    for (std::int64_t j = 0; j < nh; ++j) {
      const double x = m.w[i * nh + j];
      if (!grid(x)) return false;
      row += std::fabs(x);
      col[static_cast<std::size_t>(j)] += std::fabs(x);
    }
    if (!(row < grid_limit)) return false;
  }
  return std::all_of(col.begin(), col.end(), [](double x) { return x < grid_limit; });
}

void gibbs(Context& ctx, const Model& model, std::int8_t* v, std::int8_t* h, std::int64_t chains,
           std::uint64_t seed, std::uint64_t first_step, std::int64_t n_steps) {
  const std::string f = "rbm::gibbs";
  check_shape(model, f);
  require(chains >= 0 && static_cast<std::uint64_t>(chains) <= two_32,
          f + ": chains must be in [0, 2^32], got " + std::to_string(chains));
  check_steps(first_step, n_steps, f);
  check_gpu_rows(ctx, chains, f);
  if (chains == 0 || n_steps == 0) return;
  require(v != nullptr, f + ": v is null");
  boltzkit::detail::require_disjoint(
      {span_of_array(v, chains * model.n_visible, "v"),
       span_of_array(h, chains * model.n_hidden, "h")},
      {span_of_array(model.w, model.n_visible * model.n_hidden, "W"),
       span_of_array(model.b, model.n_visible, "b"), span_of_array(model.c, model.n_hidden, "c")});
  check_values(ctx, model, f);
  if (!ctx.on_gpu()) check_spins(v, chains * model.n_visible, f + ": v");
  if (ctx.on_gpu())
    BOLTZKIT_GPU_CALL(backend::gpu::gibbs(ctx, model, v, h, chains, seed, first_step, n_steps));
  else
    backend::cpu::gibbs(model, v, h, chains, seed, first_step, n_steps);
}

void gradient(Context& ctx, const Model& model, const std::int8_t* data, std::int64_t batch,
              std::int8_t* chains_v, std::int64_t chains, int k, std::uint64_t seed,
              std::uint64_t first_step, double* gw, double* gb, double* gc) {
  const std::string f = "rbm::gradient";
  check_shape(model, f);
  const bool pcd = chains_v != nullptr;
  require(batch >= 1 && static_cast<std::uint64_t>(batch) <= two_32,
          f + ": batch must be in [1, 2^32], got " + std::to_string(batch));
  if (pcd)
    require(chains >= 1 && static_cast<std::uint64_t>(chains) <= two_32,
            f + ": chains must be in [1, 2^32] for PCD, got " + std::to_string(chains));
  require(pcd ? k >= 0 : k >= 1, f + ": k must be >= 1 (CD) or >= 0 (PCD), got " + std::to_string(k));
  check_steps(first_step, k, f);
  check_gpu_rows(ctx, pcd ? std::max(batch, chains) : batch, f);
  require(data != nullptr && gw != nullptr && gb != nullptr && gc != nullptr, f + ": null pointer");
  const std::int64_t nv = model.n_visible, nh = model.n_hidden;
  boltzkit::detail::require_disjoint(
      {span_of_array(gw, nv * nh, "gw"), span_of_array(gb, nv, "gb"),
       span_of_array(gc, nh, "gc"), span_of_array(chains_v, pcd ? chains * nv : 0, "chains_v")},
      {span_of_array(model.w, nv * nh, "W"), span_of_array(model.b, nv, "b"),
       span_of_array(model.c, nh, "c"), span_of_array(data, batch * nv, "data")});
  check_values(ctx, model, f);
  if (!ctx.on_gpu()) {
    check_spins(data, batch * nv, f + ": data");
    if (pcd) check_spins(chains_v, chains * nv, f + ": chains_v");
  }
  if (ctx.on_gpu())
    BOLTZKIT_GPU_CALL(backend::gpu::gradient(ctx, model, data, batch, chains_v, chains, k, seed,
                                             first_step, gw, gb, gc));
  else
    backend::cpu::gradient(model, data, batch, chains_v, chains, k, seed, first_step, gw, gb, gc);
}

std::vector<EpochRecord> train(Context& ctx, const std::int8_t* data, std::int64_t m,
                               std::int64_t n_visible, std::int64_t n_hidden, double* w,
                               double* b, double* c, const TrainOptions& options) {
  const std::string f = "rbm::train";
  check_shape({w, b, c, n_visible, n_hidden, options.beta}, f);
  require(std::isfinite(options.beta) && options.beta > 0.0, f + ": beta must be finite and > 0");
  require(m >= 1 && data != nullptr, f + ": need at least one data row");
  require(options.epochs >= 0, f + ": epochs must be >= 0, got " + std::to_string(options.epochs));
  require(options.batch >= 1, f + ": batch must be >= 1, got " + std::to_string(options.batch));
  require(options.cd_k >= 1, f + ": cd_k must be >= 1, got " + std::to_string(options.cd_k));
  require(std::isfinite(options.learning_rate) && options.learning_rate >= 0.0,
          f + ": learning rate must be finite and >= 0");
  require(options.exact_max_units >= 0 && options.exact_max_units <= 30,
          f + ": exact_max_units must be in [0, 30]");
  check_spins(data, m * n_visible, f + ": data");
  check_finite(w, n_visible * n_hidden, f + ": W");
  check_finite(b, n_visible, f + ": b");
  check_finite(c, n_hidden, f + ": c");
  TrainOptions o = options;
  o.batch = std::min(o.batch, m);
  check_gpu_rows(ctx, o.batch, f);
  const std::uint64_t updates =
      static_cast<std::uint64_t>(o.epochs) * static_cast<std::uint64_t>((m + o.batch - 1) / o.batch);
  require(updates <= two_32 / static_cast<std::uint64_t>(o.cd_k),
          f + ": epochs · batches · cd_k must stay below 2^32 Gibbs steps");
  // Snapped copies: the chains' bit-identity across backends needs the parameters on the grid
  // (rbm.hpp), and the caller's arrays stay untouched until the run succeeds.
  std::vector<double> w0(w, w + n_visible * n_hidden), b0(b, b + n_visible), c0(c, c + n_hidden);
  snap_to_grid(w0.data(), n_visible * n_hidden);
  snap_to_grid(b0.data(), n_visible);
  snap_to_grid(c0.data(), n_hidden);
  require(on_grid({w0.data(), b0.data(), c0.data(), n_visible, n_hidden, o.beta}),
          f + ": parameters too large (|bias| + sum |W| must stay below 2^22)");
  const backend::TrainerSetup setup{w0.data(), b0.data(), c0.data(), n_visible, n_hidden, o};
  std::unique_ptr<backend::Trainer> trainer;
  if (ctx.on_gpu())
    BOLTZKIT_GPU_CALL(trainer = backend::gpu::make_trainer(ctx, setup));
  else
    trainer = backend::cpu::make_trainer(setup);
  return detail::run_training(*trainer, data, m, n_visible, n_hidden, w, b, c, o);
}

}  // namespace boltzkit::rbm
