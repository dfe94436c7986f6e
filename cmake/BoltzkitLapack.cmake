# OpenBLAS (BLAS + LAPACK, multithreaded) and LAPACKE for the blocked CPU path of the SPD
# routines (host/linalg/lapack.hpp). Debian: libopenblas-openmp-dev liblapacke-dev
# (scripts/setup.sh). The OpenMP build of OpenBLAS is preferred: called inside an OpenMP
# parallel region it runs single-threaded, so batch parallelism and BLAS threads never nest.
set(BLA_VENDOR OpenBLAS)
find_package(BLAS REQUIRED)
find_path(BOLTZKIT_LAPACKE_INCLUDE lapacke.h REQUIRED)
find_path(BOLTZKIT_CBLAS_INCLUDE cblas.h PATH_SUFFIXES openblas x86_64-linux-gnu REQUIRED)
find_library(BOLTZKIT_LAPACKE_LIBRARY lapacke REQUIRED)
message(STATUS "boltzkit: CPU blocked path with ${BLAS_LIBRARIES} and ${BOLTZKIT_LAPACKE_LIBRARY}")
