// Proves there is no hidden synchronization: a whole evaluate() is captured into a CUDA graph
// (capture fails on any synchronizing call) and replays give the same results as a direct call.
#include <gtest/gtest.h>

#include "tests/common/print.hpp"

#include "boltzkit/boltzkit.hpp"
#include "tests/common/gpu_run.hpp"

namespace boltzkit::testing {
namespace {

using Kind = gaussian::Parameterization;

class GraphCapture : public ::testing::TestWithParam<std::tuple<Kind, int>> {};

TEST_P(GraphCapture, EvaluateIsCapturableAndReplays) {
  BOLTZKIT_REQUIRE_GPU();
  const auto [kind, n] = GetParam();
  Context ctx(Backend::gpu);
  Rng rng(n);
  auto p = random_problem<float>(41, n, kind, 10.0, rng);
  DeviceProblem<float> dp(p);
  HostOutputs<float> direct_host(p.batch, n), replay_host(p.batch, n);
  DeviceOutputs<float> direct(direct_host), replay(replay_host);
  // Warm-up outside capture: creates library handles and the workspace.
  gaussian::evaluate(ctx, dp.inputs(p), direct.outputs(p.batch, n));
  ctx.synchronize();
  direct.download_into(direct_host);

  cudaGraph_t graph = nullptr;
  cudaGraphExec_t exec = nullptr;
  BOLTZKIT_CUDA(cudaStreamBeginCapture(ctx.stream(), cudaStreamCaptureModeGlobal));
  {
    // Ends the capture even when evaluate() throws, so later tests see a usable stream.
    struct CaptureGuard {
      cudaStream_t stream;
      bool active = true;
      ~CaptureGuard() {
        if (!active) return;
        cudaGraph_t abandoned = nullptr;
        cudaStreamEndCapture(stream, &abandoned);
        if (abandoned != nullptr) cudaGraphDestroy(abandoned);
        cudaGetLastError();
      }
    } guard{ctx.stream()};
    gaussian::evaluate(ctx, dp.inputs(p), replay.outputs(p.batch, n));
    guard.active = false;
  }
  BOLTZKIT_CUDA(cudaStreamEndCapture(ctx.stream(), &graph));
  BOLTZKIT_CUDA(cudaGraphInstantiate(&exec, graph, 0));
  for (int k = 0; k < 3; ++k) BOLTZKIT_CUDA(cudaGraphLaunch(exec, ctx.stream()));
  ctx.synchronize();
  replay.download_into(replay_host);
  EXPECT_EQ(replay_host.log_prob, direct_host.log_prob);
  EXPECT_EQ(replay_host.grad_matrix, direct_host.grad_matrix);
  EXPECT_EQ(replay_host.info, direct_host.info);
  cudaGraphExecDestroy(exec);
  cudaGraphDestroy(graph);
}

INSTANTIATE_TEST_SUITE_P(FusedAndLibraryPaths, GraphCapture,
                         ::testing::Combine(::testing::Values(Kind::covariance, Kind::precision,
                                                              Kind::cholesky),
                                            ::testing::Values(5, 48, 100, 300)));  // 300: library path

}  // namespace
}  // namespace boltzkit::testing
