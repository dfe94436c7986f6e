// GPU edge cases: empty batch, strided and broadcast views, Inf pivots, batches whose element
// count passes 2^31, and a second stream.
#include <gtest/gtest.h>

#include "boltzkit/boltzkit.hpp"
#include "tests/common/gpu_run.hpp"

namespace boltzkit::testing {
namespace {

using Kind = gaussian::Parameterization;

TEST(GpuGaussianEdges, EmptyBatchLaunchesNothing) {
  BOLTZKIT_REQUIRE_GPU();
  Context ctx(Backend::gpu);
  gaussian::Inputs<float> in;
  in.x = vector_batch<const float>(nullptr, 0, 4, 4);
  in.mean = in.x;
  in.matrix = matrix_batch<const float>(nullptr, 0, 4, 16, 4);
  EXPECT_NO_THROW(gaussian::evaluate(ctx, in, gaussian::Outputs<float>{}));
  // With real output buffers: nothing is written (the sentinel survives).
  const std::vector<float> sentinel(16, -7.25f);
  DeviceBuffer<float> logp(16), gm(16);
  logp.upload(sentinel.data(), 16, ctx.stream());
  gm.upload(sentinel.data(), 16, ctx.stream());
  gaussian::Outputs<float> out;
  out.log_prob = logp.data();
  out.grad_mean = vector_batch<float>::packed(gm.data(), 0, 4);
  EXPECT_NO_THROW(gaussian::evaluate(ctx, in, out));
  std::vector<float> back(16);
  for (DeviceBuffer<float>* b : {&logp, &gm}) {
    b->download(back.data(), 16, ctx.stream());
    ctx.synchronize();
    EXPECT_EQ(back, sentinel);
  }
}

TEST(GpuGaussianEdges, BroadcastAndPaddedViews) {
  BOLTZKIT_REQUIRE_GPU();
  Context ctx(Backend::gpu);
  for (int n : {3, 20, 64, 80}) {
    Rng rng(n);
    const std::int64_t batch = 37;
    auto p = random_problem<double>(batch, n, Kind::covariance, 20.0, rng);
    for (std::int64_t b = 1; b < batch; ++b) {
      p.set_matrix(b, p.matrix_of(0));
      for (int i = 0; i < n; ++i) p.mean[b * n + i] = p.mean[i];
    }
    const auto cpu = run_cpu(p);
    // Device: mean and matrix broadcast (stride 0), outputs padded.
    DeviceProblem<double> dp(p);
    auto in = dp.inputs(p);
    in.mean.batch_stride = 0;
    in.matrix.batch_stride = 0;
    const std::int64_t row = n + 1, mat = n * row + 3, vec = n + 5;
    DeviceBuffer<double> lp(batch), gm(batch * vec), gs(batch * mat);
    gaussian::Outputs<double> out;
    out.log_prob = lp.data();
    out.grad_mean = vector_batch<double>(gm.data(), batch, n, vec);
    out.grad_matrix = matrix_batch<double>(gs.data(), batch, n, mat, row);
    gaussian::evaluate(ctx, in, out);
    ctx.synchronize();
    const auto hlp = lp.download(), hgm = gm.download(), hgs = gs.download();
    const double tol = tolerance_for<double>(n, 400.0);
    for (std::int64_t b = 0; b < batch; ++b) {
      EXPECT_NEAR(hlp[b], cpu.log_prob[b], tol * std::max(1.0, std::abs(cpu.log_prob[b])));
      for (int i = 0; i < n; ++i) {
        EXPECT_NEAR(hgm[b * vec + i], cpu.grad_mean[b * n + i], bounded_tolerance(tol * 10));
        for (int j = 0; j < n; ++j)
          EXPECT_NEAR(hgs[b * mat + i * row + j], cpu.grad_matrix[(b * n + i) * n + j], bounded_tolerance(tol * 10));
      }
    }
  }
}

TEST(GpuGaussianEdges, InfinitePivotIsReported) {
  BOLTZKIT_REQUIRE_GPU();
  Context ctx(Backend::gpu);
  for (int n : {4, 50, 90}) {
    Rng rng(n);
    auto p = random_problem<float>(6, n, Kind::covariance, 3.0, rng);
    MatrixXd m = MatrixXd::Identity(n, n);
    m(n - 1, n - 1) = std::numeric_limits<double>::infinity();
    p.set_matrix(2, m);
    const auto gpu = run_gpu(ctx, p);
    EXPECT_EQ(gpu.info[2], n);
    EXPECT_TRUE(matches_cpu_outputs(p, gpu, run_cpu(p), tolerance_for<float>(n, 9.0)));
  }
}

// More than 2^31 elements in x: the mean and matrix broadcast so only x and log p are large.
TEST(GpuGaussianEdges, BatchesBeyondInt32Index) {
  BOLTZKIT_REQUIRE_GPU();
  const int n = 2;
  const std::int64_t batch = (std::int64_t{1} << 30) + 3;  // 2^31 + 6 floats of x
  std::size_t free_bytes = 0, total = 0;
  BOLTZKIT_CUDA(cudaMemGetInfo(&free_bytes, &total));
  if (free_bytes < static_cast<std::size_t>(batch) * 16 + (1u << 30))
    GTEST_SKIP() << "needs ~" << batch * 16 / (1 << 30) << " GiB of free device memory";
  Context ctx(Backend::gpu);
  std::vector<float> mean{0.5f, -0.5f}, cov{2.0f, 0.0f, 0.5f, 1.0f};
  DeviceBuffer<float> x(static_cast<std::size_t>(batch * n)), d_mean(mean), d_cov(cov);
  DeviceBuffer<float> lp(static_cast<std::size_t>(batch));
  // x = 0 everywhere except the last element, which must land at index > 2^31.
  BOLTZKIT_CUDA(cudaMemsetAsync(x.data(), 0, batch * n * sizeof(float), ctx.stream()));
  const float last[2] = {1.5f, 2.0f};
  BOLTZKIT_CUDA(cudaMemcpyAsync(x.data() + (batch - 1) * n, last, sizeof(last), cudaMemcpyHostToDevice,
                          ctx.stream()));
  gaussian::Inputs<float> in;
  in.x = vector_batch<const float>::packed(x.data(), batch, n);
  in.mean = vector_batch<const float>(d_mean.data(), batch, n, 0);
  in.matrix = matrix_batch<const float>(d_cov.data(), batch, n, 0, n);
  gaussian::Outputs<float> out;
  out.log_prob = lp.data();
  gaussian::evaluate(ctx, in, out);
  ctx.synchronize();
  float got_last = 0, got_first = 0;
  BOLTZKIT_CUDA(cudaMemcpy(&got_last, lp.data() + batch - 1, sizeof(float), cudaMemcpyDeviceToHost));
  BOLTZKIT_CUDA(cudaMemcpy(&got_first, lp.data(), sizeof(float), cudaMemcpyDeviceToHost));
  Problem<float> ref;
  ref.batch = 2;
  ref.dim = n;
  ref.x = {0.0f, 0.0f, 1.5f, 2.0f};
  ref.mean = {0.5f, -0.5f, 0.5f, -0.5f};
  ref.matrix = {2.0f, 0.0f, 0.5f, 1.0f, 2.0f, 0.0f, 0.5f, 1.0f};
  const auto cpu = run_cpu(ref, false);
  EXPECT_NEAR(got_first, cpu.log_prob[0], 1e-5);
  EXPECT_NEAR(got_last, cpu.log_prob[1], 1e-5);
}

TEST(GpuGaussianEdges, CallerProvidedStream) {
  BOLTZKIT_REQUIRE_GPU();
  cudaStream_t stream = nullptr;
  BOLTZKIT_CUDA(cudaStreamCreate(&stream));
  {
    Context ctx(Backend::gpu, 0, stream);
    EXPECT_EQ(ctx.stream(), stream);
    Rng rng(4);
    auto p = random_problem<double>(9, 6, Kind::precision, 5.0, rng);
    EXPECT_TRUE(matches_cpu_outputs(p, run_gpu(ctx, p), run_cpu(p), tolerance_for<double>(6, 25.0)));
  }
  cudaStreamDestroy(stream);
}

}  // namespace
}  // namespace boltzkit::testing
