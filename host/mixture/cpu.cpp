// CPU backend of the mixture family: float64 everywhere, whatever T is (MATH.md §1.6–1.8).
// Reductions over points use a fixed number of slabs merged in slab order, so results do not
// depend on the number of OpenMP threads.
#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "backends.hpp"
#include "host/core/strided_access.hpp"
#include "host/mixture/tuning.hpp"
#include "kernels/mixture/logsumexp.cuh"

namespace boltzkit::mixture::backend::cpu {

using namespace boltzkit::cpu;  // the strided float64 element helpers and dense SPD kernels

namespace {

constexpr double half_log_two_pi = 0.91893853320467274178;  // ½ log 2π

/// TF32 operand rounding (EvaluateOptions::allow_tf32): the nearest value with an 11-bit
/// significand (1 + 10 stored bits), ties to even — what the tensor cores multiply when cuBLAS
/// runs a float GEMM in CUBLAS_TF32_TENSOR_OP_MATH.
double tf32(double v) {
  if (v == 0.0 || !std::isfinite(v)) return v;
  int e = 0;
  const double m = std::frexp(v, &e);  // v = m · 2^e, 0.5 ≤ |m| < 1
  return std::ldexp(std::nearbyint(std::ldexp(m, 11)), e - 11);
}

/// One component, factored once per call.
struct Prepared {
  Matrix sigma;   // Σ (full symmetric, from the lower triangle)
  Matrix linv;    // L⁻¹ (lower)
  Matrix prec;    // Σ⁻¹ = L⁻ᵀL⁻¹
  // The GEMM operands: L⁻¹ and Σ⁻¹ themselves, or rounded to TF32 (EvaluateOptions).
  Matrix linv_op, prec_op;
  Vector mean;
  double log_norm = 0.0;  // −½ log|Σ| − (D/2) log 2π
  std::int32_t info = 0;
};

template <class T>
std::vector<Prepared> prepare(const Components<T>& c) {
  const std::int64_t kk = c.mean.batch, n = c.mean.dim;
  std::vector<Prepared> out(static_cast<std::size_t>(kk));
  for (std::int64_t k = 0; k < kk; ++k) {
    Prepared& p = out[k];
    Matrix l;
    load_lower(c.cov, k, l);
    p.sigma = l;
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j < i; ++j) p.sigma[j * n + i] = p.sigma[i * n + j];
    load_vector(c.mean, k, p.mean);
    p.info = cholesky_in_place(l, n);
    if (p.info != 0) continue;
    p.linv = lower_inverse(l, n);
    p.prec = inverse_from_factor(l, n);
    p.log_norm = -0.5 * log_det_from_factor(l, n) - static_cast<double>(n) * half_log_two_pi;
  }
  return out;
}

/// Per-slab sums for the summed gradients: W_k, Σ w d, Σ w d dᵀ (lower triangle).
struct Sums {
  std::vector<double> w, wd, wdd;
  void init(std::int64_t kk, std::int64_t n, bool want) {
    if (!want) return;
    w.assign(kk, 0.0);
    wd.assign(kk * n, 0.0);
    wdd.assign(kk * n * n, 0.0);
  }
  void add(const Sums& o) {
    for (std::size_t i = 0; i < w.size(); ++i) w[i] += o.w[i];
    for (std::size_t i = 0; i < wd.size(); ++i) wd[i] += o.wd[i];
    for (std::size_t i = 0; i < wdd.size(); ++i) wdd[i] += o.wdd[i];
  }
};

/// Number of slabs: at most tuning::cpu_slabs, fewer when their accumulators would be large.
std::int64_t slab_count(std::int64_t points, std::int64_t per_slab_doubles) {
  const std::int64_t by_memory =
      std::max<std::int64_t>(1, tuning::cpu_slab_budget_doubles / std::max<std::int64_t>(1, per_slab_doubles));
  return std::max<std::int64_t>(1, std::min({tuning::cpu_slabs, by_memory, points}));
}

}  // namespace

template <class T>
void evaluate(vector_batch<const T> x, const Components<T>& c, const Outputs<T>& out,
              const EvaluateOptions& options) {
  const std::int64_t npts = x.batch, n = x.dim, kk = c.mean.batch;
  std::vector<Prepared> comp = prepare(c);
  // allow_tf32 rounds the operands of the GPU's cuBLAS GEMMs at the same places here: the
  // whitening only on the GEMM path (D > gpu_fused_max_dim; the fused kernel has no GEMM), the
  // score, summed-gradient and finishing products always. Off: op() is the identity and the
  // results are those without the option, bit for bit.
  const bool tf32_on = options.allow_tf32 && std::is_same_v<T, float>;
  const bool tf32_whiten = tf32_on && n > gpu_fused_max_dim;
  const auto op = [tf32_on](double v) { return tf32_on ? tf32(v) : v; };
  for (Prepared& q : comp) {
    q.linv_op = q.linv;
    q.prec_op = q.prec;
    if (tf32_whiten)
      for (double& v : q.linv_op) v = tf32(v);
    if (tf32_on)
      for (double& v : q.prec_op) v = tf32(v);
  }
  bool any_failed = false;
  for (std::int64_t k = 0; k < kk; ++k) {
    if (out.info) out.info[k] = comp[k].info;
    any_failed = any_failed || comp[k].info != 0;
  }
  // With weights a failed component's NaN reaches every mixture quantity through the online
  // log-sum-exp (it poisons), so only its own log_prob column is special-cased below.
  const bool mixture = c.weights != nullptr;
  std::vector<double> log_weight(kk, 0.0);
  if (mixture)
    for (std::int64_t k = 0; k < kk; ++k) log_weight[k] = std::log(static_cast<double>(c.weights[k]));

  const bool want_sums = out.sum_grad_mean.data || out.sum_grad_cov.data;
  const bool want_score = out.score.data != nullptr;
  const std::int64_t slabs = slab_count(npts, want_sums ? kk * (n * n + n + 1) : 0);
  std::vector<Sums> partial(slabs);

#pragma omp parallel for schedule(static) if (npts * kk * n * n > (1 << 16))
  for (std::int64_t s = 0; s < slabs; ++s) {
    Sums& acc = partial[s];
    acc.init(kk, n, want_sums);
    const std::int64_t first = npts * s / slabs, last = npts * (s + 1) / slabs;
    Vector xv, d(n * kk), z(n), score(n), lp(kk), w(kk), yop(n), vop(n);
    for (std::int64_t p = first; p < last; ++p) {
      load_vector(x, p, xv);
      for (std::int64_t k = 0; k < kk; ++k) {
        const Prepared& q = comp[k];
        if (q.info != 0) {
          lp[k] = nan_value;
          continue;
        }
        double* dk = &d[k * n];
        for (std::int64_t i = 0; i < n; ++i) dk[i] = xv[i] - q.mean[i];
        const double* dw = dk;
        if (tf32_whiten) {
          for (std::int64_t i = 0; i < n; ++i) yop[i] = tf32(dk[i]);
          dw = yop.data();
        }
        double norm2 = 0.0;
        for (std::int64_t i = 0; i < n; ++i) {
          double zi = 0.0;
          for (std::int64_t j = 0; j <= i; ++j) zi += q.linv_op[i * n + j] * dw[j];
          norm2 += zi * zi;
        }
        lp[k] = q.log_norm - 0.5 * norm2;
      }
      if (out.log_prob)
        for (std::int64_t k = 0; k < kk; ++k) out.log_prob[p * kk + k] = static_cast<T>(lp[k]);
      if (mixture) {
        kernels::OnlineLogSumExp<double> lse;
        for (std::int64_t k = 0; k < kk; ++k) lse.add(log_weight[k] + lp[k]);
        const double total = lse.value();
        if (out.mix_log_prob) out.mix_log_prob[p] = static_cast<T>(total);
        for (std::int64_t k = 0; k < kk; ++k) w[k] = std::exp(log_weight[k] + lp[k] - total);
        if (out.resp)
          for (std::int64_t k = 0; k < kk; ++k) out.resp[p * kk + k] = static_cast<T>(w[k]);
      } else {
        std::fill(w.begin(), w.end(), 1.0);
      }
      if (want_score) {
        std::fill(score.begin(), score.end(), 0.0);
        for (std::int64_t k = 0; k < kk; ++k) {
          if (comp[k].info != 0) continue;
          const double* dk = &d[k * n];
          if (tf32_on) {  // the GPU's GEMM operand is w ∘ y
            for (std::int64_t j = 0; j < n; ++j) vop[j] = tf32(w[k] * dk[j]);
            for (std::int64_t i = 0; i < n; ++i) {
              double g = 0.0;
              for (std::int64_t j = 0; j < n; ++j) g += comp[k].prec_op[i * n + j] * vop[j];
              score[i] -= g;
            }
            continue;
          }
          for (std::int64_t i = 0; i < n; ++i) {
            double g = 0.0;
            for (std::int64_t j = 0; j < n; ++j) g += comp[k].prec[i * n + j] * dk[j];
            score[i] -= w[k] * g;
          }
        }
        store_vector(score, out.score, p);
      }
      if (want_sums) {
        for (std::int64_t k = 0; k < kk; ++k) {
          if (comp[k].info != 0) continue;
          const double* dk = &d[k * n];
          acc.w[k] += op(w[k]);
          double* wd = &acc.wd[k * n];
          double* wdd = &acc.wdd[k * n * n];
          for (std::int64_t i = 0; i < n; ++i) yop[i] = op(dk[i]);
          for (std::int64_t i = 0; i < n; ++i) {
            const double wi = op(w[k] * dk[i]);
            wd[i] += wi;
            for (std::int64_t j = 0; j <= i; ++j) wdd[i * n + j] += wi * yop[j];
          }
        }
      }
    }
  }

  if (want_sums) {
    Sums total;
    total.init(kk, n, true);
    for (const Sums& s : partial) total.add(s);
    for (std::int64_t k = 0; k < kk; ++k) {
      const Prepared& q = comp[k];
      if (q.info != 0) {
        if (out.sum_grad_mean.data) fill_vector(out.sum_grad_mean, k, nan_value);
        if (out.sum_grad_cov.data) fill_matrix(out.sum_grad_cov, k, nan_value);
        continue;
      }
      if (out.sum_grad_mean.data) {  // P Σ w d
        Vector g(n, 0.0);
        for (std::int64_t i = 0; i < n; ++i)
          for (std::int64_t j = 0; j < n; ++j) g[i] += q.prec_op[i * n + j] * op(total.wd[k * n + j]);
        store_vector(g, out.sum_grad_mean, k);
      }
      if (out.sum_grad_cov.data) {  // ½ P (Σ w d dᵀ − W Σ) P
        Matrix m(n * n), pm(n * n, 0.0), g(n * n, 0.0);
        const double* wdd = &total.wdd[k * n * n];
        for (std::int64_t i = 0; i < n; ++i)
          for (std::int64_t j = 0; j < n; ++j)
            m[i * n + j] = (j <= i ? wdd[i * n + j] : wdd[j * n + i]) - total.w[k] * q.sigma[i * n + j];
        for (std::int64_t i = 0; i < n; ++i)
          for (std::int64_t l = 0; l < n; ++l)
            for (std::int64_t j = 0; j < n; ++j) pm[i * n + j] += q.prec_op[i * n + l] * op(m[l * n + j]);
        for (std::int64_t i = 0; i < n; ++i)
          for (std::int64_t l = 0; l < n; ++l)
            for (std::int64_t j = 0; j < n; ++j) g[i * n + j] += 0.5 * op(pm[i * n + l]) * q.prec_op[l * n + j];
        store_matrix(g, out.sum_grad_cov, k);
      }
    }
  }
  if (!mixture && any_failed) {
    const T nan = static_cast<T>(nan_value);
    for (std::int64_t k = 0; k < kk; ++k) {
      if (comp[k].info == 0) continue;
      if (out.score.data)  // only K = 1 may ask for a score without weights
        for (std::int64_t p = 0; p < npts; ++p) fill_vector(out.score, p, nan_value);
      if (out.log_prob)
        for (std::int64_t p = 0; p < npts; ++p) out.log_prob[p * kk + k] = nan;
    }
  }
}

template <class T>
void weighted_statistics(vector_batch<const T> x, const T* resp, std::int64_t kk, T* counts,
                         vector_batch<T> means, matrix_batch<T> covs) {
  const std::int64_t npts = x.batch, n = x.dim;
  const std::int64_t slabs = slab_count(npts, kk * (n * n + n + 1));
  auto weight = [&](std::int64_t p, std::int64_t k) {
    return resp ? static_cast<double>(resp[p * kk + k]) : 1.0;
  };
  // Pass 1: counts and weighted means.
  std::vector<std::vector<double>> part_w(slabs), part_wx(slabs), part_s(slabs);
#pragma omp parallel for schedule(static) if (npts * kk * n > (1 << 16))
  for (std::int64_t s = 0; s < slabs; ++s) {
    part_w[s].assign(kk, 0.0);
    part_wx[s].assign(kk * n, 0.0);
    for (std::int64_t p = npts * s / slabs; p < npts * (s + 1) / slabs; ++p) {
      const T* xp = x.data + p * x.batch_stride;
      for (std::int64_t k = 0; k < kk; ++k) {
        const double w = weight(p, k);
        part_w[s][k] += w;
        for (std::int64_t i = 0; i < n; ++i) part_wx[s][k * n + i] += w * static_cast<double>(xp[i]);
      }
    }
  }
  std::vector<double> w(kk, 0.0), mean(kk * n, 0.0);
  for (std::int64_t s = 0; s < slabs; ++s) {
    for (std::int64_t k = 0; k < kk; ++k) w[k] += part_w[s][k];
    for (std::int64_t i = 0; i < kk * n; ++i) mean[i] += part_wx[s][i];
  }
  for (std::int64_t k = 0; k < kk; ++k)
    for (std::int64_t i = 0; i < n; ++i) mean[k * n + i] = w[k] > 0.0 ? mean[k * n + i] / w[k] : 0.0;
  // Pass 2: the scatter about the means just found (no cancellation between large terms).
#pragma omp parallel for schedule(static) if (npts * kk * n * n > (1 << 16))
  for (std::int64_t s = 0; s < slabs; ++s) {
    part_s[s].assign(kk * n * n, 0.0);
    Vector d(n);
    for (std::int64_t p = npts * s / slabs; p < npts * (s + 1) / slabs; ++p) {
      const T* xp = x.data + p * x.batch_stride;
      for (std::int64_t k = 0; k < kk; ++k) {
        const double wk = weight(p, k);
        if (wk == 0.0) continue;
        for (std::int64_t i = 0; i < n; ++i) d[i] = static_cast<double>(xp[i]) - mean[k * n + i];
        double* sk = &part_s[s][k * n * n];
        for (std::int64_t i = 0; i < n; ++i) {
          const double wi = wk * d[i];
          for (std::int64_t j = 0; j <= i; ++j) sk[i * n + j] += wi * d[j];
        }
      }
    }
  }
  for (std::int64_t k = 0; k < kk; ++k) {
    Matrix cov(n * n, 0.0);
    for (std::int64_t s = 0; s < slabs; ++s)
      for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t j = 0; j <= i; ++j) cov[i * n + j] += part_s[s][k * n * n + i * n + j];
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t j = 0; j <= i; ++j) {
        const double v = w[k] > 0.0 ? cov[i * n + j] / w[k] : 0.0;
        cov[i * n + j] = v;
        cov[j * n + i] = v;
      }
    if (counts) counts[k] = static_cast<T>(w[k]);
    if (means.data) store_vector(Vector(mean.begin() + k * n, mean.begin() + (k + 1) * n), means, k);
    if (covs.data) store_matrix(cov, covs, k);
  }
}

template <class T>
void kl_divergence(vector_batch<const T> mean0, matrix_batch<const T> cov0,
                   vector_batch<const T> mean1, matrix_batch<const T> cov1, T* kl,
                   std::int32_t* info) {
  const std::int64_t batch = mean0.batch, n = mean0.dim;
#pragma omp parallel for schedule(static) if (batch * n * n * n > (1 << 16))
  for (std::int64_t b = 0; b < batch; ++b) {
    Matrix l0, l1;
    Vector m0, m1, delta(n), z;
    load_lower(cov0, b, l0);
    load_lower(cov1, b, l1);
    std::int32_t status = cholesky_in_place(l0, n) != 0 ? 1 : 0;
    if (status == 0 && cholesky_in_place(l1, n) != 0) status = 2;
    if (info) info[b] = status;
    if (status != 0) {
      kl[b] = static_cast<T>(nan_value);
      continue;
    }
    load_vector(mean0, b, m0);
    load_vector(mean1, b, m1);
    for (std::int64_t i = 0; i < n; ++i) delta[i] = m1[i] - m0[i];
    forward_solve(l1, n, delta, z);
    double mahalanobis = 0.0;
    for (std::int64_t i = 0; i < n; ++i) mahalanobis += z[i] * z[i];
    // tr(Σ1⁻¹Σ0) = ‖L1⁻¹L0‖²_F, one column of L0 at a time.
    double trace = 0.0;
    Vector col(n), sol;
    for (std::int64_t j = 0; j < n; ++j) {
      for (std::int64_t i = 0; i < n; ++i) col[i] = l0[i * n + j];
      forward_solve(l1, n, col, sol);
      for (std::int64_t i = 0; i < n; ++i) trace += sol[i] * sol[i];
    }
    kl[b] = static_cast<T>(0.5 * (trace + mahalanobis - static_cast<double>(n) +
                                  log_det_from_factor(l1, n) - log_det_from_factor(l0, n)));
  }
}

#define BOLTZKIT_INSTANTIATE(T)                                                                \
  template void evaluate<T>(vector_batch<const T>, const Components<T>&, const Outputs<T>&,   \
                            const EvaluateOptions&);                                         \
  template void weighted_statistics<T>(vector_batch<const T>, const T*, std::int64_t, T*,      \
                                       vector_batch<T>, matrix_batch<T>);                      \
  template void kl_divergence<T>(vector_batch<const T>, matrix_batch<const T>,                 \
                                 vector_batch<const T>, matrix_batch<const T>, T*, std::int32_t*);
BOLTZKIT_INSTANTIATE(float)
BOLTZKIT_INSTANTIATE(double)

}  // namespace boltzkit::mixture::backend::cpu
