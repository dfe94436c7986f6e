#pragma once
/// \file rbm.hpp
/// Restricted Boltzmann machines with ±1 units (MATH.md §2.4): block Gibbs sampling, CD-k and
/// PCD gradients, a training loop, and exact results for small models.
///
/// Model: visible v ∈ {−1,+1}^V, hidden h ∈ {−1,+1}^H,
///   E(v, h) = −vᵀWh − bᵀv − cᵀh,   p(v, h) ∝ exp(−β E(v, h)),
/// W (V, H) row-major float64, b (V) the visible bias, c (H) the hidden bias.
///
/// Bit-identical chains (MATH.md §2.4, DESIGN.md §5): CPU and GPU draw the same Philox words and
/// make every decision with the same host-device function, so they agree bit for bit whenever
/// the pre-activations agree. Those are sums of ±W entries plus a bias; when every parameter is a
/// multiple of 2⁻³⁰ (`on_grid`; `train` keeps the parameters there, `snap_to_grid` puts any
/// model there) and every |bias| + Σ|W| along a row or column stays below 2²², each such sum is
/// exact in float64 in any summation order, so cuBLAS and the CPU loops get the same bits.
/// Off the grid the chains are still correct samples, but CPU and GPU may differ in rare
/// decisions (where a uniform word falls between two thresholds 1 ulp apart).
#include <cstdint>
#include <vector>

#include "boltzkit/context.hpp"

namespace boltzkit::rbm {

/// Parameters of one RBM. Pointers are in the Context's memory space (device pointers on a GPU
/// context) for gibbs() and gradient(); host pointers for everything in rbm::exact and train().
struct Model {
  const double* w = nullptr;  ///< (n_visible, n_hidden) row-major
  const double* b = nullptr;  ///< visible bias, n_visible
  const double* c = nullptr;  ///< hidden bias, n_hidden
  std::int64_t n_visible = 0, n_hidden = 0;
  double beta = 1.0;  ///< inverse temperature, finite and >= 0
};

/// The parameter grid of the bit-identity guarantee: multiples of 2⁻³⁰.
inline constexpr double grid_quantum = 1.0 / 1073741824.0;

/// Rounds every value to the nearest multiple of grid_quantum (host memory).
void snap_to_grid(double* values, std::int64_t count);
/// True when every value is a finite multiple of grid_quantum and every row and column of the
/// model satisfies |bias| + Σ|W| < 2²² (host pointers). See the file comment.
bool on_grid(const Model& host_model);

/// n_steps block-Gibbs steps of `chains` independent chains: step t draws h ~ p(h | v), then
/// v ~ p(v | h). v (chains, n_visible) int8 ±1 is read and overwritten; h (chains, n_hidden)
/// int8 receives the last hidden sample (may be null). Randomness: Philox4x32-10 keyed by seed,
/// counter (unit group, chain, first_step + t, layer) (DESIGN.md §5). Throws invalid_argument
/// before any launch for bad sizes, null pointers, β not finite or negative, chains ≥ 2³², step
/// indices ≥ 2³². Parameter values are not inspected (they live in device memory on a GPU
/// context). Asynchronous on the GPU. Work: O(chains · V · H · n_steps).
void gibbs(Context& ctx, const Model& model, std::int8_t* v, std::int8_t* h, std::int64_t chains,
           std::uint64_t seed, std::uint64_t first_step, std::int64_t n_steps);

/// CD-k / PCD estimate of the gradient of the average log-likelihood (ascent direction,
/// MATH.md §2.4): g_W = β(⟨v tanh(β(c + Wᵀv))ᵀ⟩_data − ⟨v tanh(β(c + Wᵀv))ᵀ⟩_chains), likewise
/// g_b, g_c; the hidden units are averaged exactly on both sides. `data` (batch, n_visible) ±1.
/// `chains_v` (chains, n_visible): null for CD-k (chains start at the data, chains = batch);
/// otherwise PCD: the persistent chains, advanced k steps in place before the statistics.
/// Gibbs steps use step indices first_step … first_step + k − 1. Outputs gw (V, H), gb (V),
/// gc (H) are overwritten. Errors as gibbs(); batch >= 1, k >= 1 (CD) or k >= 0 (PCD).
void gradient(Context& ctx, const Model& model, const std::int8_t* data, std::int64_t batch,
              std::int8_t* chains_v, std::int64_t chains, int k, std::uint64_t seed,
              std::uint64_t first_step, double* gw, double* gb, double* gc);

struct TrainOptions {
  std::int64_t epochs = 10;
  double learning_rate = 0.01;
  std::int64_t batch = 64;  ///< mini-batch size (the last batch of an epoch may be smaller)
  int cd_k = 1;             ///< Gibbs steps per update
  bool pcd = false;         ///< persistent chains (as many as `batch`) instead of CD-k
  std::uint64_t seed = 0;
  double beta = 1.0;
  /// Exact log-likelihood per epoch when min(n_visible, n_hidden) <= this (enumeration of
  /// 2^min states); NaN in the trace otherwise.
  int exact_max_units = 20;
};

/// One row of the training trace, recorded after each epoch.
struct EpochRecord {
  std::int64_t epoch;             ///< 1-based
  double reconstruction_error;    ///< mean (v − v̂)²/4 over the first ≤ 1024 rows, v̂ mean field
  double log_likelihood;          ///< exact average log-likelihood, NaN when not enumerable
};

/// Trains by stochastic gradient ascent: each epoch visits the rows of `data` (m, n_visible) ±1
/// in a Philox-shuffled order in mini-batches; each batch takes a gradient() step θ ← θ + η g
/// and snaps the parameters to the grid. Parameters w (V, H), b, c: host memory, read as the
/// initial state and overwritten with the result; data: host memory. On a GPU context the
/// sampling and the gradients run on the device. Throws invalid_argument before any work for
/// bad sizes, entries of data not ±1, non-finite parameters or options. Returns one record per
/// epoch. Work: O(epochs · m · V · H · (k + 1)).
std::vector<EpochRecord> train(Context& ctx, const std::int8_t* data, std::int64_t m,
                               std::int64_t n_visible, std::int64_t n_hidden, double* w,
                               double* b, double* c, const TrainOptions& options);

/// Exact results for small models (host memory, float64, CPU only). Enumeration runs over the
/// smaller layer: 2^min(V, H) states, min(V, H) <= 30.
namespace exact {

/// F(v) = −bᵀv − (1/β) Σⱼ log 2cosh(β(c_j + (Wᵀv)_j)) for each of m rows of v, so that
/// p(v) = e^{−βF(v)}/Z. β > 0.
void free_energy(const Model& model, const std::int8_t* v, std::int64_t m, double* out);
/// log Z = log Σ_{v,h} e^{−βE(v,h)}.
double log_partition(const Model& model);
/// (1/m) Σ log p(v⁽ⁱ⁾) over the rows of data (m, V).
double log_likelihood(const Model& model, const std::int8_t* data, std::int64_t m);
/// The exact gradient of log_likelihood: β(⟨v tanh(βf)ᵀ⟩_data − ⟨v hᵀ⟩_model), likewise b, c.
void log_likelihood_gradient(const Model& model, const std::int8_t* data, std::int64_t m,
                             double* gw, double* gb, double* gc);

}  // namespace exact

}  // namespace boltzkit::rbm
