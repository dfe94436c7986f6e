// Element offsets past 2^31: rows of x, the mean and the gradient are placed 2^31 + 7 elements
// apart in a sparse anonymous mapping (only the touched pages use memory), so any 32-bit index
// arithmetic in the views or the CPU backend reads and writes the wrong rows.
#include <gtest/gtest.h>
#include <sys/mman.h>

#include <cmath>
#include <cstdint>

#include "boltzkit/gaussian.hpp"
#include "reference.hpp"

namespace boltzkit::testing {
namespace {

class SparseMapping {
 public:
  explicit SparseMapping(std::size_t bytes) : bytes_(bytes) {
    data_ = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  }
  ~SparseMapping() {
    if (data_ != MAP_FAILED) ::munmap(data_, bytes_);
  }
  SparseMapping(const SparseMapping&) = delete;
  SparseMapping& operator=(const SparseMapping&) = delete;
  bool ok() const { return data_ != MAP_FAILED; }
  float* floats() const { return static_cast<float*>(data_); }

 private:
  std::size_t bytes_;
  void* data_;
};

TEST(LargeOffsets, RowsBeyondTwoToThe31ElementsAreReadAndWrittenInPlace) {
  // dim 4, not 3: g++ 12 warns (falsely) on Eigen's 2-wide loads from a 3-element vector.
  const std::int64_t batch = 3, dim = 4;
  const std::int64_t stride = (std::int64_t{1} << 31) + 7;  // elements between rows
  const std::size_t span = static_cast<std::size_t>(stride * (batch - 1) + dim);
  SparseMapping x_map(span * sizeof(float)), grad_map(span * sizeof(float));
  if (!x_map.ok() || !grad_map.ok()) GTEST_SKIP() << "cannot map 2 x 17 GB of address space";

  float* x = x_map.floats();
  float* grad = grad_map.floats();
  const float mean[4] = {0.5f, -0.25f, 1.0f, 0.0f};
  const float cov[16] = {2.0f, 0, 0, 0, 0.3f, 1.5f, 0, 0, -0.2f, 0.1f, 1.2f, 0, 0.1f, 0, 0.2f, 1.1f};  // lower read
  for (std::int64_t b = 0; b < batch; ++b)
    for (std::int64_t i = 0; i < dim; ++i) x[b * stride + i] = 0.1f * static_cast<float>(b + 1) * static_cast<float>(i + 2);

  float log_prob[3];
  gaussian::Inputs<float> in;
  in.x = {x, batch, dim, stride};
  in.mean = {mean, batch, dim, 0};
  in.matrix = {cov, batch, dim, 0, dim};
  gaussian::Outputs<float> out;
  out.log_prob = log_prob;
  out.grad_mean = {grad, batch, dim, stride};
  Context ctx(Backend::cpu);
  gaussian::evaluate(ctx, in, out);

  MatrixXd given(dim, dim);
  for (int i = 0; i < dim; ++i)
    for (int j = 0; j < dim; ++j) given(i, j) = cov[i * dim + j];
  for (std::int64_t b = 0; b < batch; ++b) {
    Eigen::VectorXd d(dim);
    for (int i = 0; i < dim; ++i) d(i) = static_cast<double>(x[b * stride + i]) - mean[i];
    const ReferenceResult r = reference_gaussian(gaussian::Parameterization::covariance, given, d);
    EXPECT_NEAR(log_prob[b], r.log_prob, 1e-5 * (1 + std::abs(r.log_prob))) << "row " << b;
    for (int i = 0; i < dim; ++i)
      EXPECT_NEAR(grad[b * stride + i], r.grad_mean(i), 1e-5) << "row " << b << " entry " << i;
  }
}

}  // namespace
}  // namespace boltzkit::testing
