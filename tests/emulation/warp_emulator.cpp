#include "warp_emulator.hpp"

thread_local dim3 threadIdx;
thread_local dim3 blockIdx;
dim3 blockDim;
dim3 gridDim;

namespace emu {
thread_local Warp* current_warp = nullptr;
thread_local std::barrier<>* current_block = nullptr;
}

namespace boltzkit::kernels {
alignas(16) unsigned char shared_raw[emu::shared_capacity];
}
