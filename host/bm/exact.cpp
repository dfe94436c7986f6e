// Merge of the enumeration's chunks (both backends): log-sum-exp about the largest chunk
// reference, in chunk order, so the result does not depend on which backend walked the chunks.
#include <algorithm>
#include <cmath>

#include "backends.hpp"

namespace boltzkit::bm::backend {

exact::Result merge_chunks(const ExactChunks& c, std::int64_t n) {
  const auto nz = static_cast<std::size_t>(n);
  double top = -HUGE_VAL;
  for (std::int64_t q = 0; q < c.chunks; ++q) top = std::max(top, c.ref[static_cast<std::size_t>(q)]);
  double z = 0.0;
  std::vector<double> mean(nz, 0.0), corr(nz * nz, 0.0);
  for (std::int64_t q = 0; q < c.chunks; ++q) {
    const auto at = static_cast<std::size_t>(q);
    const double scale = std::exp(c.ref[at] - top);
    z += c.z[at] * scale;
    for (std::size_t k = 0; k < nz; ++k) {
      mean[k] += c.mean[at * nz + k] * scale;
      for (std::size_t l = k + 1; l < nz; ++l) corr[k * nz + l] += c.corr[(at * nz + k) * nz + l] * scale;
    }
  }
  exact::Result r;
  r.log_z = top + std::log(z);
  r.mean.resize(nz);
  r.corr.assign(nz * nz, 1.0);
  for (std::size_t k = 0; k < nz; ++k) {
    r.mean[k] = mean[k] / z;
    for (std::size_t l = k + 1; l < nz; ++l) {
      r.corr[k * nz + l] = corr[k * nz + l] / z;
      r.corr[l * nz + k] = r.corr[k * nz + l];
    }
  }
  return r;
}

}  // namespace boltzkit::bm::backend
