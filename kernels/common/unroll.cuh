#pragma once
// BOLTZKIT_UNROLL before a loop: full unrolling on the device, where the register-resident
// kernels need it (a register array is only a register array when every index is a compile-time
// constant). Nothing in the warp emulator's CPU build: there the arrays are plain memory, and
// clang honours the pragma even with -fno-unroll-loops, which made the emulation tests of the
// fully unrolled kernels take tens of minutes to compile under the sanitizers.
#if defined(BOLTZKIT_WARP_EMULATION)
#define BOLTZKIT_UNROLL
#else
#define BOLTZKIT_UNROLL _Pragma("unroll")
#endif
