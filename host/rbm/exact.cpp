// rbm::exact: free energy, log Z, log-likelihood and its gradient by enumerating the smaller
// layer with a Gray code (MATH.md §2.4–2.5). Host memory, float64.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "boltzkit/rbm.hpp"
#include "host/core/validate.hpp"

namespace boltzkit::rbm::exact {

namespace {

using boltzkit::detail::require;

/// log 2cosh(y) = |y| + log1p(e^{−2|y|}), which cannot overflow.
double log_two_cosh(double y) {
  const double a = std::fabs(y);
  return a + std::log1p(std::exp(-2.0 * a));
}

void check_model(const Model& m, const char* what) {
  const std::string w = what;
  require(m.n_visible >= 1 && m.n_hidden >= 1, w + ": n_visible and n_hidden must be >= 1");
  require(m.w != nullptr && m.b != nullptr && m.c != nullptr, w + ": null parameter pointer");
  require(std::isfinite(m.beta) && m.beta > 0.0, w + ": beta must be finite and > 0");
  for (std::int64_t e = 0; e < m.n_visible * m.n_hidden; ++e)
    require(std::isfinite(m.w[e]), w + ": W has a non-finite entry");
  for (std::int64_t i = 0; i < m.n_visible; ++i) require(std::isfinite(m.b[i]), w + ": b not finite");
  for (std::int64_t j = 0; j < m.n_hidden; ++j) require(std::isfinite(m.c[j]), w + ": c not finite");
}

void check_enumerable(const Model& m, const char* what) {
  require(std::min(m.n_visible, m.n_hidden) <= 30,
          std::string(what) + ": min(n_visible, n_hidden) must be <= 30 to enumerate");
}

void check_data(const Model& m, const std::int8_t* v, std::int64_t rows, const char* what) {
  require(rows >= 1 && v != nullptr, std::string(what) + ": need at least one data row");
  for (std::int64_t e = 0; e < rows * m.n_visible; ++e)
    require(v[e] == 1 || v[e] == -1, std::string(what) + ": data entries must be -1 or +1");
}

/// The enumerated layer's view of the model: states s ∈ {±1}^n of the small layer, the other
/// layer (size o) summed out. log-weight(s) = β aᵀs + Σ_k log 2cosh(β(d_k + (A s)_k)), with
/// A (o, n): for s = v, a = b, d = c, A = Wᵀ; for s = h, a = c, d = b, A = W.
struct Layered {
  std::int64_t n, o;
  bool over_visible;
  const Model* m;
  double coupling(std::int64_t k, std::int64_t s) const {  // A_{k s}
    return over_visible ? m->w[s * m->n_hidden + k] : m->w[k * m->n_hidden + s];
  }
  double own_bias(std::int64_t s) const { return over_visible ? m->b[s] : m->c[s]; }
  double other_bias(std::int64_t k) const { return over_visible ? m->c[k] : m->b[k]; }
};

Layered layered(const Model& m) {
  const bool over_v = m.n_visible <= m.n_hidden;
  return {over_v ? m.n_visible : m.n_hidden, over_v ? m.n_hidden : m.n_visible, over_v, &m};
}

/// Visits the states G(t), t in [t0, t1), of the small layer in Gray-code order (G(t) = t ⊕ t≫1,
/// unit q is +1 iff bit q of G(t) is set); f(state, fields, logw) with fields = d + A s.
template <class F>
void enumerate_range(const Layered& L, std::uint64_t t0, std::uint64_t t1, F&& f) {
  std::vector<double> s(static_cast<std::size_t>(L.n)), field(static_cast<std::size_t>(L.o));
  const std::uint64_t g0 = t0 ^ (t0 >> 1);
  for (std::int64_t q = 0; q < L.n; ++q) s[static_cast<std::size_t>(q)] = ((g0 >> q) & 1u) != 0 ? 1.0 : -1.0;
  const double beta = L.m->beta;
  auto recompute = [&] {
    for (std::int64_t k = 0; k < L.o; ++k) {
      double x = L.other_bias(k);
      for (std::int64_t q = 0; q < L.n; ++q) x += L.coupling(k, q) * s[static_cast<std::size_t>(q)];
      field[static_cast<std::size_t>(k)] = x;
    }
  };
  recompute();
  for (std::uint64_t t = t0; t < t1; ++t) {
    if (t > t0) {
      // Gray code: flip unit ctz(t); refresh every 2¹⁰ states so rounding cannot drift.
      const int q = __builtin_ctzll(t);
      s[static_cast<std::size_t>(q)] = -s[static_cast<std::size_t>(q)];
      if ((t & 1023u) == 0) {
        recompute();
      } else {
        const double d = 2.0 * s[static_cast<std::size_t>(q)];
        for (std::int64_t k = 0; k < L.o; ++k) field[static_cast<std::size_t>(k)] += d * L.coupling(k, q);
      }
    }
    double logw = 0.0;
    for (std::int64_t q = 0; q < L.n; ++q) logw += L.own_bias(q) * s[static_cast<std::size_t>(q)];
    logw *= beta;
    for (std::int64_t k = 0; k < L.o; ++k) logw += log_two_cosh(beta * field[static_cast<std::size_t>(k)]);
    f(s, field, logw);
  }
}

template <class F>
void enumerate(const Layered& L, F&& f) {
  enumerate_range(L, 0, std::uint64_t{1} << L.n, f);
}

/// Streaming log-sum-exp with weighted sums rescaled whenever the reference moves.
struct LogSum {
  double ref = -std::numeric_limits<double>::infinity(), sum = 0.0;
  /// Returns the weight of `logw` relative to the current reference after rescaling `rescale`.
  template <class R>
  double add(double logw, R&& rescale) {
    if (logw > ref) {
      const double r = sum == 0.0 ? 0.0 : std::exp(ref - logw);
      sum *= r;
      rescale(r);
      ref = logw;
    }
    const double w = std::exp(logw - ref);
    sum += w;
    return w;
  }
  double log() const { return ref + std::log(sum); }
};

}  // namespace

void free_energy(const Model& model, const std::int8_t* v, std::int64_t m, double* out) {
  check_model(model, "rbm::exact::free_energy");
  check_data(model, v, m, "rbm::exact::free_energy");
  require(out != nullptr, "rbm::exact::free_energy: out is null");
  const std::int64_t nv = model.n_visible, nh = model.n_hidden;
  for (std::int64_t r = 0; r < m; ++r) {
    const std::int8_t* vr = v + r * nv;
    double f = 0.0;
    for (std::int64_t i = 0; i < nv; ++i) f -= model.b[i] * vr[i];
    for (std::int64_t j = 0; j < nh; ++j) {
      double x = model.c[j];
      for (std::int64_t i = 0; i < nv; ++i) x += model.w[i * nh + j] * vr[i];
      f -= log_two_cosh(model.beta * x) / model.beta;
    }
    out[r] = f;
  }
}

double log_partition(const Model& model) {
  check_model(model, "rbm::exact::log_partition");
  check_enumerable(model, "rbm::exact::log_partition");
  const Layered L = layered(model);
  // Chunks of 2¹² states, each with its own log-sum-exp, merged in chunk order (so the result
  // does not depend on the thread count).
  const std::uint64_t states = std::uint64_t{1} << L.n;
  const std::uint64_t chunk = std::min<std::uint64_t>(states, 4096);
  const auto chunks = static_cast<std::int64_t>(states / chunk);
  std::vector<double> logs(static_cast<std::size_t>(chunks));
#pragma omp parallel for schedule(dynamic) if (chunks > 1 && L.o * static_cast<std::int64_t>(states) > (1 << 20))
  for (std::int64_t ci = 0; ci < chunks; ++ci) {
    LogSum z;
    const std::uint64_t t0 = static_cast<std::uint64_t>(ci) * chunk;
    enumerate_range(L, t0, t0 + chunk, [&](const std::vector<double>&, const std::vector<double>&,
                                           double logw) { z.add(logw, [](double) {}); });
    logs[static_cast<std::size_t>(ci)] = z.log();
  }
  LogSum total;
  for (double x : logs) total.add(x, [](double) {});
  return total.log();
}

double log_likelihood(const Model& model, const std::int8_t* data, std::int64_t m) {
  check_model(model, "rbm::exact::log_likelihood");
  check_enumerable(model, "rbm::exact::log_likelihood");
  check_data(model, data, m, "rbm::exact::log_likelihood");
  std::vector<double> f(static_cast<std::size_t>(m));
  free_energy(model, data, m, f.data());
  double mean = 0.0;
  for (double x : f) mean += x;
  mean /= static_cast<double>(m);
  return -model.beta * mean - log_partition(model);
}

void log_likelihood_gradient(const Model& model, const std::int8_t* data, std::int64_t m,
                             double* gw, double* gb, double* gc) {
  check_model(model, "rbm::exact::log_likelihood_gradient");
  check_enumerable(model, "rbm::exact::log_likelihood_gradient");
  check_data(model, data, m, "rbm::exact::log_likelihood_gradient");
  require(gw != nullptr && gb != nullptr && gc != nullptr,
          "rbm::exact::log_likelihood_gradient: null output");
  const std::int64_t nv = model.n_visible, nh = model.n_hidden;
  const double beta = model.beta;
  // Model side: ⟨v hᵀ⟩, ⟨v⟩, ⟨h⟩ with the summed-out layer at its conditional mean tanh(β·field).
  const Layered L = layered(model);
  std::vector<double> mw(static_cast<std::size_t>(nv * nh), 0.0), mb(nv, 0.0), mc(nh, 0.0);
  std::vector<double> other(static_cast<std::size_t>(L.o));
  LogSum z;
  enumerate(L, [&](const std::vector<double>& s, const std::vector<double>& field, double logw) {
    const double w = z.add(logw, [&](double r) {
      for (double& x : mw) x *= r;
      for (double& x : mb) x *= r;
      for (double& x : mc) x *= r;
    });
    for (std::int64_t k = 0; k < L.o; ++k) other[static_cast<std::size_t>(k)] = std::tanh(beta * field[static_cast<std::size_t>(k)]);
    const std::vector<double>& v = L.over_visible ? s : other;
    const std::vector<double>& h = L.over_visible ? other : s;
    for (std::int64_t i = 0; i < nv; ++i) {
      const double wv = w * v[static_cast<std::size_t>(i)];
      mb[static_cast<std::size_t>(i)] += wv;
      for (std::int64_t j = 0; j < nh; ++j) mw[static_cast<std::size_t>(i * nh + j)] += wv * h[static_cast<std::size_t>(j)];
    }
    for (std::int64_t j = 0; j < nh; ++j) mc[static_cast<std::size_t>(j)] += w * h[static_cast<std::size_t>(j)];
  });
  const double inv_z = 1.0 / z.sum;
  // Data side, hidden units averaged exactly.
  std::fill(gw, gw + nv * nh, 0.0);
  std::fill(gb, gb + nv, 0.0);
  std::fill(gc, gc + nh, 0.0);
  const double s = 1.0 / static_cast<double>(m);
  std::vector<double> t(static_cast<std::size_t>(nh));
  for (std::int64_t r = 0; r < m; ++r) {
    const std::int8_t* vr = data + r * nv;
    for (std::int64_t j = 0; j < nh; ++j) {
      double x = model.c[j];
      for (std::int64_t i = 0; i < nv; ++i) x += model.w[i * nh + j] * vr[i];
      t[static_cast<std::size_t>(j)] = std::tanh(beta * x);
    }
    for (std::int64_t i = 0; i < nv; ++i) {
      gb[i] += s * vr[i];
      for (std::int64_t j = 0; j < nh; ++j) gw[i * nh + j] += s * vr[i] * t[static_cast<std::size_t>(j)];
    }
    for (std::int64_t j = 0; j < nh; ++j) gc[j] += s * t[static_cast<std::size_t>(j)];
  }
  for (std::int64_t e = 0; e < nv * nh; ++e) gw[e] = beta * (gw[e] - mw[static_cast<std::size_t>(e)] * inv_z);
  for (std::int64_t i = 0; i < nv; ++i) gb[i] = beta * (gb[i] - mb[static_cast<std::size_t>(i)] * inv_z);
  for (std::int64_t j = 0; j < nh; ++j) gc[j] = beta * (gc[j] - mc[static_cast<std::size_t>(j)] * inv_z);
}

}  // namespace boltzkit::rbm::exact
