// The Context in either build: a CPU-only build (BOLTZKIT_WITH_CUDA=0) reports that it has no GPU
// backend, resolves automatic to the CPU and refuses Backend::gpu with invalid_argument naming
// the reason; a CUDA build without a device does the same, for its own reason.
#include <gtest/gtest.h>

#include <string>

#include "boltzkit/context.hpp"
#include "boltzkit/errors.hpp"

namespace {

TEST(Context, ReportsWhichBuildItIs) {
  EXPECT_EQ(boltzkit::gpu_backend_built(), BOLTZKIT_WITH_CUDA != 0);
  if (!boltzkit::gpu_backend_built()) {
    EXPECT_FALSE(boltzkit::gpu_available());
  }
}

TEST(Context, AutomaticIsTheCpuWithoutAUsableGpu) {
  if (boltzkit::gpu_available()) GTEST_SKIP() << "a CUDA device is present";
  boltzkit::Context ctx;
  EXPECT_EQ(ctx.backend(), boltzkit::Backend::cpu);
  EXPECT_FALSE(ctx.on_gpu());
  EXPECT_EQ(ctx.stream(), nullptr);
  ctx.synchronize();  // a no-op on the CPU
  EXPECT_THROW(ctx.workspace(16), boltzkit::invalid_argument);
}

TEST(Context, GpuIsRefusedWithTheReason) {
  if (boltzkit::gpu_available()) GTEST_SKIP() << "a CUDA device is present";
  try {
    boltzkit::Context ctx(boltzkit::Backend::gpu);
    FAIL() << "Backend::gpu accepted without a usable GPU";
  } catch (const boltzkit::invalid_argument& e) {
    const std::string why = boltzkit::gpu_backend_built() ? "no CUDA device" : "built without CUDA";
    EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
  }
}

}  // namespace
