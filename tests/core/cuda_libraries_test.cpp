// The run-time loaded cuBLAS / cuSOLVER tables (host/core/cuda_libraries.hpp): every listed
// function is found in the installed libraries. Loading needs no GPU, only the libraries, so this
// runs wherever a CUDA build runs its tests (a machine without the libraries is covered by
// scripts/check_no_cuda.sh, which runs the command with them hidden).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "host/core/cuda_libraries.hpp"

namespace {

template <class Table>
int null_entries(const Table& table) {
  // The tables hold function pointers only; count the ones left null.
  static_assert(sizeof(Table) % sizeof(void (*)()) == 0);
  int nulls = 0;
  for (std::size_t i = 0; i < sizeof(Table) / sizeof(void (*)()); ++i) {
    void (*entry)() = nullptr;
    std::memcpy(&entry, reinterpret_cast<const unsigned char*>(&table) + i * sizeof(entry),
                sizeof(entry));
    nulls += entry == nullptr ? 1 : 0;
  }
  return nulls;
}

TEST(CudaLibraries, EveryListedFunctionLoads) {
  const auto& blas = boltzkit::cuda_libraries::cublas();
  EXPECT_EQ(null_entries(blas), 0);
  // The _v2 names the header maps to are the ones looked up.
  EXPECT_NE(blas.cublasDgemm, nullptr);
  const auto& solver = boltzkit::cuda_libraries::cusolver();
  EXPECT_EQ(null_entries(solver), 0);
  EXPECT_NE(solver.cusolverDnDpotrfBatched, nullptr);
}

TEST(CudaLibraries, LoadedOnceAndShared) {
  EXPECT_EQ(&boltzkit::cuda_libraries::cublas(), &boltzkit::cuda_libraries::cublas());
  EXPECT_EQ(&boltzkit::cuda_libraries::cusolver(), &boltzkit::cuda_libraries::cusolver());
}

TEST(CudaLibraries, StatusStringComesFromTheLoadedLibrary) {
  // cuBLAS 13 says "the library was not initialized"; what matters is that the text is cuBLAS's
  // own for that status, not a placeholder.
  const char* text =
      boltzkit::cuda_libraries::cublas().cublasGetStatusString(CUBLAS_STATUS_NOT_INITIALIZED);
  ASSERT_NE(text, nullptr);
  EXPECT_NE(std::strstr(text, "not initialized"), nullptr) << text;
}

}  // namespace
