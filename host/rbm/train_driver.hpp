#pragma once
// The backend-independent part of rbm::train: epoch order, mini-batches, trace.
#include <vector>

#include "backends.hpp"

namespace boltzkit::rbm::detail {

/// Runs options.epochs epochs of `trainer` over data (m, n_visible) and returns the trace. The
/// parameters w, b, c (host) receive the trainer's final state.
std::vector<EpochRecord> run_training(backend::Trainer& trainer, const std::int8_t* data,
                                      std::int64_t m, std::int64_t n_visible,
                                      std::int64_t n_hidden, double* w, double* b, double* c,
                                      const TrainOptions& options);

/// Mean (v − v̂)²/4 over the first min(m, 1024) rows, v̂ = tanh(β(b + W tanh(β(c + Wᵀv)))).
double reconstruction_error(const Model& host_model, const std::int8_t* data, std::int64_t m);

}  // namespace boltzkit::rbm::detail
