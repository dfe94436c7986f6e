// rbm::train's driver: shuffled mini-batches for either backend's Trainer, and the trace.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "cpu_layers.hpp"
#include "kernels/rbm/layer_sample.cuh"
#include "train_driver.hpp"

namespace boltzkit::rbm::detail {

namespace k = boltzkit::kernels;

double reconstruction_error(const Model& m, const std::int8_t* data, std::int64_t rows) {
  rows = std::min<std::int64_t>(rows, 1024);
  const std::int64_t nv = m.n_visible, nh = m.n_hidden;
  const std::vector<double> v(data, data + rows * nv);
  std::vector<double> h(static_cast<std::size_t>(rows * nh)), x(static_cast<std::size_t>(rows * nv));
  backend::cpu::detail::hidden_preactivation(m, v.data(), rows, h.data());
  for (std::int64_t e = 0; e < rows * nh; ++e)
    h[static_cast<std::size_t>(e)] = std::tanh(m.beta * (h[static_cast<std::size_t>(e)] + m.c[e % nh]));
  backend::cpu::detail::visible_preactivation(m, h.data(), rows, x.data());
  double sum = 0.0;
  for (std::int64_t e = 0; e < rows * nv; ++e) {
    const double d = v[static_cast<std::size_t>(e)] - std::tanh(m.beta * (x[static_cast<std::size_t>(e)] + m.b[e % nv]));
    sum += 0.25 * d * d;
  }
  return sum / static_cast<double>(rows * nv);
}

std::vector<EpochRecord> run_training(backend::Trainer& trainer, const std::int8_t* data,
                                      std::int64_t m, std::int64_t n_visible,
                                      std::int64_t n_hidden, double* w, double* b, double* c,
                                      const TrainOptions& o) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(m));
  std::vector<std::int8_t> rows(static_cast<std::size_t>(o.batch * n_visible));
  std::vector<EpochRecord> trace;
  std::uint64_t update = 0;
  for (std::int64_t epoch = 1; epoch <= o.epochs; ++epoch) {
    // Fisher–Yates with Philox words, counter (i, epoch, 0, shuffle): the order depends on the
    // seed and epoch only, so both backends see the same batches.
    for (std::int64_t i = 0; i < m; ++i) order[static_cast<std::size_t>(i)] = i;
    for (std::int64_t i = m - 1; i > 0; --i) {
      const auto word = k::philox(o.seed, static_cast<std::uint32_t>(i),
                                  static_cast<std::uint32_t>(epoch), 0u, k::rbm_shuffle);
      const std::uint64_t r = (static_cast<std::uint64_t>(word.w[0]) << 32) | word.w[1];
      std::swap(order[static_cast<std::size_t>(i)],
                order[static_cast<std::size_t>(r % static_cast<std::uint64_t>(i + 1))]);
    }
    for (std::int64_t start = 0; start < m; start += o.batch) {
      const std::int64_t count = std::min(o.batch, m - start);
      for (std::int64_t r = 0; r < count; ++r)
        std::copy_n(data + order[static_cast<std::size_t>(start + r)] * n_visible, n_visible,
                    rows.begin() + r * n_visible);
      trainer.step(rows.data(), count, update * static_cast<std::uint64_t>(o.cd_k));
      ++update;
    }
    trainer.download(w, b, c);
    const Model host{w, b, c, n_visible, n_hidden, o.beta};
    EpochRecord record{epoch, reconstruction_error(host, data, m),
                       std::numeric_limits<double>::quiet_NaN()};
    if (std::min(n_visible, n_hidden) <= o.exact_max_units)
      record.log_likelihood = exact::log_likelihood(host, data, m);
    trace.push_back(record);
  }
  if (o.epochs == 0) trainer.download(w, b, c);
  return trace;
}

}  // namespace boltzkit::rbm::detail
