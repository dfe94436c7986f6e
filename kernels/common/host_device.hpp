#pragma once
// BOLTZKIT_HD marks functions compiled for both the CPU backend (g++) and the GPU (nvcc). Code
// shared this way is how the CPU backend reproduces GPU Monte Carlo bit for bit: one function
// decides every spin on both sides.
#if defined(__CUDACC__)
#define BOLTZKIT_HD __host__ __device__
#else
#define BOLTZKIT_HD
#endif
