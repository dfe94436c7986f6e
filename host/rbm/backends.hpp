#pragma once
// Backend entry points of boltzkit::rbm (arguments validated by host/rbm/api.cpp).
#include <cstdint>
#include <memory>

#include "boltzkit/rbm.hpp"

namespace boltzkit::rbm::backend {

/// One training run's device- or host-resident state: parameters, persistent chains, scratch.
/// host/rbm/train.cpp drives it (shuffling, batches, trace); the backends only do the maths.
class Trainer {
 public:
  virtual ~Trainer() = default;
  /// One update from `rows` data rows (host memory): gradient(), then θ ← snap(θ + η g).
  virtual void step(const std::int8_t* rows_host, std::int64_t rows, std::uint64_t first_step) = 0;
  /// Current parameters into host memory.
  virtual void download(double* w, double* b, double* c) = 0;
};

/// What make_trainer needs besides the context: host parameters (copied), sizes, options.
struct TrainerSetup {
  const double *w, *b, *c;
  std::int64_t n_visible, n_hidden;
  TrainOptions options;
};

namespace cpu {
void gibbs(const Model& model, std::int8_t* v, std::int8_t* h, std::int64_t chains,
           std::uint64_t seed, std::uint64_t first_step, std::int64_t n_steps);
void gradient(const Model& model, const std::int8_t* data, std::int64_t batch,
              std::int8_t* chains_v, std::int64_t chains, int k, std::uint64_t seed,
              std::uint64_t first_step, double* gw, double* gb, double* gc);
std::unique_ptr<Trainer> make_trainer(const TrainerSetup& setup);
}  // namespace cpu

namespace gpu {
/// Only enqueue work on ctx.stream().
void gibbs(Context& ctx, const Model& model, std::int8_t* v, std::int8_t* h, std::int64_t chains,
           std::uint64_t seed, std::uint64_t first_step, std::int64_t n_steps);
void gradient(Context& ctx, const Model& model, const std::int8_t* data, std::int64_t batch,
              std::int8_t* chains_v, std::int64_t chains, int k, std::uint64_t seed,
              std::uint64_t first_step, double* gw, double* gb, double* gc);
std::unique_ptr<Trainer> make_trainer(Context& ctx, const TrainerSetup& setup);
}  // namespace gpu

}  // namespace boltzkit::rbm::backend
