// GPU backend of the RBM family: pre-activations by cuBLAS DGEMM, then the fused sampling
// kernel (kernels/rbm/layer_kernels.cuh); gradients by DGEMM/DGEMV. Row-major (r × n) arrays
// are column-major (n × r) to cuBLAS, so every product is issued transposed (Cᵀ = Bᵀ Aᵀ).
#include <cuda_runtime_api.h>

#include <algorithm>

#include "backends.hpp"
#include "host/core/cuda_check.hpp"
#include "host/core/cuda_libraries.hpp"
#include "host/core/device_buffer.hpp"
#include "host/core/launch.cuh"
#include "host/core/workspace_layout.hpp"
#include "kernels/rbm/layer_kernels.cuh"

namespace boltzkit::rbm::backend::gpu {

namespace k = boltzkit::kernels;
using boltzkit::gpu::grid_for;
using boltzkit::gpu::WorkspaceLayout;

namespace {

constexpr int threads = k::rbm_policy::threads;

cublasHandle_t blas(Context& ctx) { return static_cast<cublasHandle_t>(ctx.cublas_handle()); }
/// cuBLAS, loaded on first use (host/core/cuda_libraries.hpp).
const cuda_libraries::Cublas& lib() { return cuda_libraries::cublas(); }

/// x (rows, H) = v (rows, V) · W.
void hidden_pre(Context& ctx, const Model& m, const double* v, std::int64_t rows, double* x) {
  const double one = 1.0, zero = 0.0;
  BOLTZKIT_CUDA(lib().cublasDgemm(blas(ctx), CUBLAS_OP_N, CUBLAS_OP_N, static_cast<int>(m.n_hidden),
                                  static_cast<int>(rows), static_cast<int>(m.n_visible), &one, m.w,
                                  static_cast<int>(m.n_hidden), v, static_cast<int>(m.n_visible),
                                  &zero, x, static_cast<int>(m.n_hidden)));
}

/// x (rows, V) = h (rows, H) · Wᵀ.
void visible_pre(Context& ctx, const Model& m, const double* h, std::int64_t rows, double* x) {
  const double one = 1.0, zero = 0.0;
  BOLTZKIT_CUDA(lib().cublasDgemm(
      blas(ctx), CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(m.n_visible), static_cast<int>(rows),
      static_cast<int>(m.n_hidden), &one, m.w, static_cast<int>(m.n_hidden), h,
      static_cast<int>(m.n_hidden), &zero, x, static_cast<int>(m.n_visible)));
}

void draw(Context& ctx, const k::RbmLayerDraw& d) {
  k::rbm_sample_kernel<<<grid_for(d.rows * k::rbm_groups_per_row(d.units), threads, ctx.device()),
                         threads, 0, ctx.stream()>>>(d);
  BOLTZKIT_CHECK_LAUNCH();
}

void widen(Context& ctx, const std::int8_t* in, std::int64_t n, double* out) {
  k::rbm_widen_kernel<<<grid_for(n, threads, ctx.device()), threads, 0, ctx.stream()>>>(in, n, out);
  BOLTZKIT_CHECK_LAUNCH();
}

/// n steps on ±1 double states (host/rbm/cpu.cpp's gibbs_steps, step for step).
void gibbs_steps(Context& ctx, const Model& m, double* v, double* h, double* x, std::int64_t rows,
                 std::uint64_t seed, std::uint64_t first_step, std::int64_t n, std::int8_t* h_i8,
                 std::int8_t* v_i8) {
  for (std::int64_t t = 0; t < n; ++t) {
    const auto step = static_cast<std::uint32_t>(first_step + static_cast<std::uint64_t>(t));
    const bool last = t + 1 == n;
    hidden_pre(ctx, m, v, rows, x);
    draw(ctx, {x, m.c, m.beta, seed, step, k::rbm_hidden_layer, rows, m.n_hidden, h,
               last ? h_i8 : nullptr});
    visible_pre(ctx, m, h, rows, x);
    draw(ctx, {x, m.b, m.beta, seed, step, k::rbm_visible_layer, rows, m.n_visible, v,
               last ? v_i8 : nullptr});
  }
}

/// gw = s·vᵀ·mean + keep·gw, gb = s·Σ v + keep·gb, gc = s·Σ mean + keep·gc.
void accumulate(Context& ctx, const Model& m, const double* v, const double* mean,
                std::int64_t rows, double s, double keep, const double* ones, double* gw,
                double* gb, double* gc) {
  const int nv = static_cast<int>(m.n_visible), nh = static_cast<int>(m.n_hidden);
  const int r = static_cast<int>(rows);
  BOLTZKIT_CUDA(lib().cublasDgemm(blas(ctx), CUBLAS_OP_N, CUBLAS_OP_T, nh, nv, r, &s, mean, nh, v,
                                  nv, &keep, gw, nh));
  BOLTZKIT_CUDA(lib().cublasDgemv(blas(ctx), CUBLAS_OP_N, nv, r, &s, v, nv, ones, 1, &keep, gb, 1));
  BOLTZKIT_CUDA(
      lib().cublasDgemv(blas(ctx), CUBLAS_OP_N, nh, r, &s, mean, nh, ones, 1, &keep, gc, 1));
}

void mean_field(Context& ctx, const Model& m, const double* x, std::int64_t rows, double* out) {
  k::rbm_mean_field_kernel<<<grid_for(rows * m.n_hidden, threads, ctx.device()), threads, 0,
                             ctx.stream()>>>(x, m.c, m.beta, rows, m.n_hidden, out);
  BOLTZKIT_CHECK_LAUNCH();
}

}  // namespace

void gibbs(Context& ctx, const Model& model, std::int8_t* v, std::int8_t* h, std::int64_t chains,
           std::uint64_t seed, std::uint64_t first_step, std::int64_t n_steps) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  WorkspaceLayout ws;
  const int sv = ws.reserve<double>(chains * model.n_visible);
  const int sh = ws.reserve<double>(chains * model.n_hidden);
  const int sx = ws.reserve<double>(chains * std::max(model.n_visible, model.n_hidden));
  ws.bind(ctx.workspace(ws.bytes()));
  widen(ctx, v, chains * model.n_visible, ws.get<double>(sv));
  gibbs_steps(ctx, model, ws.get<double>(sv), ws.get<double>(sh), ws.get<double>(sx), chains,
              seed, first_step, n_steps, h, v);
}

void gradient(Context& ctx, const Model& model, const std::int8_t* data, std::int64_t batch,
              std::int8_t* chains_v, std::int64_t chains, int k, std::uint64_t seed,
              std::uint64_t first_step, double* gw, double* gb, double* gc) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  const bool pcd = chains_v != nullptr;
  if (!pcd) chains = batch;
  const std::int64_t nv = model.n_visible, nh = model.n_hidden;
  const std::int64_t rows = std::max(batch, chains);
  WorkspaceLayout ws;
  const int s_v0 = ws.reserve<double>(batch * nv);
  const int s_vk = ws.reserve<double>(chains * nv);
  const int s_hk = ws.reserve<double>(chains * nh);
  const int s_x = ws.reserve<double>(rows * std::max(nv, nh));
  const int s_mean = ws.reserve<double>(rows * nh);
  const int s_ones = ws.reserve<double>(rows);
  ws.bind(ctx.workspace(ws.bytes()));
  double *v0 = ws.get<double>(s_v0), *vk = ws.get<double>(s_vk), *x = ws.get<double>(s_x);
  double *mean = ws.get<double>(s_mean), *ones = ws.get<double>(s_ones);
  k::rbm_fill_kernel<<<grid_for(rows, threads, ctx.device()), threads, 0, ctx.stream()>>>(
      ones, rows, 1.0);
  BOLTZKIT_CHECK_LAUNCH();
  widen(ctx, data, batch * nv, v0);
  if (pcd)
    widen(ctx, chains_v, chains * nv, vk);
  else
    BOLTZKIT_CUDA(cudaMemcpyAsync(vk, v0, sizeof(double) * static_cast<std::size_t>(batch * nv),
                                  cudaMemcpyDeviceToDevice, ctx.stream()));
  gibbs_steps(ctx, model, vk, ws.get<double>(s_hk), x, chains, seed, first_step, k, nullptr,
              pcd ? chains_v : nullptr);
  hidden_pre(ctx, model, v0, batch, x);
  mean_field(ctx, model, x, batch, mean);
  accumulate(ctx, model, v0, mean, batch, model.beta / static_cast<double>(batch), 0.0, ones, gw,
             gb, gc);
  hidden_pre(ctx, model, vk, chains, x);
  mean_field(ctx, model, x, chains, mean);
  accumulate(ctx, model, vk, mean, chains, -model.beta / static_cast<double>(chains), 1.0, ones,
             gw, gb, gc);
}

namespace {

class GpuTrainer final : public Trainer {
 public:
  GpuTrainer(Context& ctx, const TrainerSetup& s)
      : ctx_(ctx), nv_(s.n_visible), nh_(s.n_hidden), o_(s.options),
        w_(std::vector<double>(s.w, s.w + nv_ * nh_)), b_(std::vector<double>(s.b, s.b + nv_)),
        c_(std::vector<double>(s.c, s.c + nh_)), gw_(static_cast<std::size_t>(nv_ * nh_)),
        gb_(static_cast<std::size_t>(nv_)), gc_(static_cast<std::size_t>(nh_)),
        rows_(static_cast<std::size_t>(o_.batch * nv_)) {
    if (o_.pcd) {  // the CPU backend's starting chains, made on the host
      std::vector<std::int8_t> start(static_cast<std::size_t>(o_.batch * nv_));
      for (std::int64_t r = 0; r < o_.batch; ++r)
        for (std::int64_t i = 0; i < nv_; ++i)
          start[static_cast<std::size_t>(r * nv_ + i)] = k::rbm_initial_unit(o_.seed, r, i);
      chains_ = DeviceBuffer<std::int8_t>(start);
    }
  }

  void step(const std::int8_t* rows_host, std::int64_t rows, std::uint64_t first_step) override {
    // A pageable source is consumed before cudaMemcpyAsync returns, so the driver may refill it.
    rows_.upload(rows_host, static_cast<std::size_t>(rows * nv_), ctx_.stream());
    const Model m{w_.data(), b_.data(), c_.data(), nv_, nh_, o_.beta};
    gpu::gradient(ctx_, m, rows_.data(), rows, o_.pcd ? chains_.data() : nullptr, o_.batch, o_.cd_k,
             o_.seed, first_step, gw_.data(), gb_.data(), gc_.data());
    update(w_, gw_);
    update(b_, gb_);
    update(c_, gc_);
  }

  void download(double* w, double* b, double* c) override {
    w_.download(w, w_.size(), ctx_.stream());
    b_.download(b, b_.size(), ctx_.stream());
    c_.download(c, c_.size(), ctx_.stream());
    ctx_.synchronize();
  }

 private:
  void update(DeviceBuffer<double>& theta, const DeviceBuffer<double>& g) {
    const auto n = static_cast<std::int64_t>(theta.size());
    k::rbm_update_kernel<<<grid_for(n, threads, ctx_.device()), threads, 0, ctx_.stream()>>>(
        theta.data(), g.data(), o_.learning_rate, n);
    BOLTZKIT_CHECK_LAUNCH();
  }

  Context& ctx_;
  std::int64_t nv_, nh_;
  TrainOptions o_;
  DeviceBuffer<double> w_, b_, c_, gw_, gb_, gc_;
  DeviceBuffer<std::int8_t> rows_, chains_;
};

}  // namespace

std::unique_ptr<Trainer> make_trainer(Context& ctx, const TrainerSetup& setup) {
  BOLTZKIT_CUDA(cudaSetDevice(ctx.device()));
  return std::make_unique<GpuTrainer>(ctx, setup);
}

}  // namespace boltzkit::rbm::backend::gpu
