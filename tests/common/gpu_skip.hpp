#pragma once
// What every GPU test starts with: the skip when there is no device (with its reason in the
// test output), the project's device buffer and its CUDA-check macro.
#include <gtest/gtest.h>

#include "boltzkit/boltzkit.hpp"
#include "host/core/cuda_check.hpp"
#include "host/core/device_buffer.hpp"

#define BOLTZKIT_REQUIRE_GPU()                                                             \
  do {                                                                                     \
    if (!::boltzkit::gpu_available()) GTEST_SKIP() << "no CUDA device: GPU test skipped"; \
  } while (0)
