// CPU backend of the RBM family: float64 loops around the shared draw of
// kernels/rbm/layer_sample.cuh, in the same order of draws as the GPU (MATH.md §2.4).
#include <cmath>
#include <vector>

#include "backends.hpp"
#include "cpu_layers.hpp"
#include "kernels/rbm/layer_sample.cuh"

namespace boltzkit::rbm::backend::cpu {

namespace k = boltzkit::kernels;

namespace detail {

void hidden_preactivation(const Model& m, const double* v, std::int64_t rows, double* x) {
  const std::int64_t nv = m.n_visible, nh = m.n_hidden;
#pragma omp parallel for schedule(static) if (rows * nv * nh > (1 << 16))
  for (std::int64_t r = 0; r < rows; ++r) {
    double* out = x + r * nh;
    for (std::int64_t j = 0; j < nh; ++j) out[j] = 0.0;
    // Row by row of W: unit-stride, and v is usually ±1 so each term is ±W exactly.
    for (std::int64_t i = 0; i < nv; ++i) {
      const double vi = v[r * nv + i];
      const double* wi = m.w + i * nh;
      for (std::int64_t j = 0; j < nh; ++j) out[j] += vi * wi[j];
    }
  }
}

void visible_preactivation(const Model& m, const double* h, std::int64_t rows, double* x) {
  const std::int64_t nv = m.n_visible, nh = m.n_hidden;
#pragma omp parallel for schedule(static) if (rows * nv * nh > (1 << 16))
  for (std::int64_t r = 0; r < rows; ++r) {
    const double* hr = h + r * nh;
    for (std::int64_t i = 0; i < nv; ++i) {
      const double* wi = m.w + i * nh;
      double s = 0.0;
      for (std::int64_t j = 0; j < nh; ++j) s += wi[j] * hr[j];
      x[r * nv + i] = s;
    }
  }
}

}  // namespace detail

namespace {

void draw_layer(const k::RbmLayerDraw& d) {
  const std::int64_t groups = k::rbm_groups_per_row(d.units);
#pragma omp parallel for schedule(static) if (d.rows * d.units > (1 << 14))
  for (std::int64_t r = 0; r < d.rows; ++r)
    for (std::int64_t g = 0; g < groups; ++g) k::rbm_draw_group(d, r, g);
}

/// n block-Gibbs steps on ±1 double states v (rows, V), h (rows, H); h_i8 (may be null)
/// receives the last hidden draw.
void gibbs_steps(const Model& m, double* v, double* h, std::int64_t rows, std::uint64_t seed,
                 std::uint64_t first_step, std::int64_t n, std::int8_t* h_i8, std::int8_t* v_i8) {
  std::vector<double> xh(static_cast<std::size_t>(rows * m.n_hidden));
  std::vector<double> xv(static_cast<std::size_t>(rows * m.n_visible));
  for (std::int64_t t = 0; t < n; ++t) {
    const auto step = static_cast<std::uint32_t>(first_step + static_cast<std::uint64_t>(t));
    const bool last = t + 1 == n;
    detail::hidden_preactivation(m, v, rows, xh.data());
    draw_layer({xh.data(), m.c, m.beta, seed, step, k::rbm_hidden_layer, rows, m.n_hidden, h,
                last ? h_i8 : nullptr});
    detail::visible_preactivation(m, h, rows, xv.data());
    draw_layer({xv.data(), m.b, m.beta, seed, step, k::rbm_visible_layer, rows, m.n_visible, v,
                last ? v_i8 : nullptr});
  }
}

std::vector<double> widen(const std::int8_t* s, std::int64_t n) {
  return std::vector<double>(s, s + n);
}

/// tanh(β(c + Wᵀv)) for every row of v.
std::vector<double> hidden_mean(const Model& m, const double* v, std::int64_t rows) {
  std::vector<double> x(static_cast<std::size_t>(rows * m.n_hidden));
  detail::hidden_preactivation(m, v, rows, x.data());
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t j = 0; j < m.n_hidden; ++j) {
      double& e = x[static_cast<std::size_t>(r * m.n_hidden + j)];
      e = std::tanh(m.beta * (e + m.c[j]));
    }
  return x;
}

/// g += s · Σ_r v_r ⊗ mean_r, gb += s Σ v, gc += s Σ mean.
void accumulate(const Model& m, const double* v, const double* mean, std::int64_t rows, double s,
                double* gw, double* gb, double* gc) {
  const std::int64_t nv = m.n_visible, nh = m.n_hidden;
#pragma omp parallel for schedule(static) if (rows * nv * nh > (1 << 16))
  for (std::int64_t i = 0; i < nv; ++i) {
    double* gi = gw + i * nh;
    for (std::int64_t r = 0; r < rows; ++r) {
      const double a = s * v[r * nv + i];
      const double* mr = mean + r * nh;
      for (std::int64_t j = 0; j < nh; ++j) gi[j] += a * mr[j];
    }
  }
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t i = 0; i < nv; ++i) gb[i] += s * v[r * nv + i];
    for (std::int64_t j = 0; j < nh; ++j) gc[j] += s * mean[r * nh + j];
  }
}

}  // namespace

void gibbs(const Model& model, std::int8_t* v, std::int8_t* h, std::int64_t chains,
           std::uint64_t seed, std::uint64_t first_step, std::int64_t n_steps) {
  std::vector<double> vs = widen(v, chains * model.n_visible);
  std::vector<double> hs(static_cast<std::size_t>(chains * model.n_hidden));
  gibbs_steps(model, vs.data(), hs.data(), chains, seed, first_step, n_steps, h, v);
}

void gradient(const Model& model, const std::int8_t* data, std::int64_t batch,
              std::int8_t* chains_v, std::int64_t chains, int k, std::uint64_t seed,
              std::uint64_t first_step, double* gw, double* gb, double* gc) {
  const std::int64_t nv = model.n_visible, nh = model.n_hidden;
  const std::vector<double> v0 = widen(data, batch * nv);
  const bool pcd = chains_v != nullptr;
  if (!pcd) chains = batch;
  std::vector<double> vk = pcd ? widen(chains_v, chains * nv) : v0;
  std::vector<double> hk(static_cast<std::size_t>(chains * nh));
  gibbs_steps(model, vk.data(), hk.data(), chains, seed, first_step, k, nullptr,
              pcd ? chains_v : nullptr);
  for (std::int64_t e = 0; e < nv * nh; ++e) gw[e] = 0.0;
  for (std::int64_t i = 0; i < nv; ++i) gb[i] = 0.0;
  for (std::int64_t j = 0; j < nh; ++j) gc[j] = 0.0;
  const std::vector<double> m0 = hidden_mean(model, v0.data(), batch);
  const std::vector<double> mk = hidden_mean(model, vk.data(), chains);
  accumulate(model, v0.data(), m0.data(), batch, model.beta / static_cast<double>(batch), gw, gb, gc);
  accumulate(model, vk.data(), mk.data(), chains, -model.beta / static_cast<double>(chains), gw,
             gb, gc);
}

namespace {

class CpuTrainer final : public Trainer {
 public:
  explicit CpuTrainer(const TrainerSetup& s)
      : nv_(s.n_visible), nh_(s.n_hidden), o_(s.options),
        w_(s.w, s.w + nv_ * nh_), b_(s.b, s.b + nv_), c_(s.c, s.c + nh_),
        gw_(w_.size()), gb_(b_.size()), gc_(c_.size()) {
    if (o_.pcd) {
      chains_.resize(static_cast<std::size_t>(o_.batch * nv_));
      for (std::int64_t r = 0; r < o_.batch; ++r)
        for (std::int64_t i = 0; i < nv_; ++i)
          chains_[static_cast<std::size_t>(r * nv_ + i)] = k::rbm_initial_unit(o_.seed, r, i);
    }
  }

  void step(const std::int8_t* rows_host, std::int64_t rows, std::uint64_t first_step) override {
    const Model m{w_.data(), b_.data(), c_.data(), nv_, nh_, o_.beta};
    gradient(m, rows_host, rows, o_.pcd ? chains_.data() : nullptr, o_.batch, o_.cd_k, o_.seed,
             first_step, gw_.data(), gb_.data(), gc_.data());
    update(w_, gw_);
    update(b_, gb_);
    update(c_, gc_);
  }

  void download(double* w, double* b, double* c) override {
    std::copy(w_.begin(), w_.end(), w);
    std::copy(b_.begin(), b_.end(), b);
    std::copy(c_.begin(), c_.end(), c);
  }

 private:
  void update(std::vector<double>& theta, const std::vector<double>& g) const {
    for (std::size_t e = 0; e < theta.size(); ++e)
      theta[e] = k::rbm_snapped_step(theta[e], o_.learning_rate, g[e]);
  }

  std::int64_t nv_, nh_;
  TrainOptions o_;
  std::vector<double> w_, b_, c_, gw_, gb_, gc_;
  std::vector<std::int8_t> chains_;
};

}  // namespace

std::unique_ptr<Trainer> make_trainer(const TrainerSetup& setup) {
  return std::make_unique<CpuTrainer>(setup);
}

}  // namespace boltzkit::rbm::backend::cpu
