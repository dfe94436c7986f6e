# Whether the GPU backend is built, and how a CUDA build links the CUDA libraries.
#
# BOLTZKIT_ENABLE_CUDA = AUTO (default): the GPU backend is built when a CUDA compiler is found,
#   else the library, the command and the tests are built CPU-only, with one configure message.
#   ON: a CUDA compiler is required. OFF: CPU-only even where CUDA is installed.
# Sets BOLTZKIT_WITH_CUDA (ON/OFF), which boltzkit_family_sources() and the source guards
# (`#if BOLTZKIT_WITH_CUDA`) follow.
#
# How a CUDA build links (docs/DESIGN.md, "CUDA is optional at run time"): the CUDA runtime
# statically (CUDA::cudart_static; it loads the driver, libcuda.so, itself and reports "no
# device" when there is none), cuBLAS and cuSOLVER at run time with dlopen on first use
# (host/core/cuda_libraries.hpp). So the library, the command and every consumer start and run
# on the CPU on a machine with no NVIDIA driver and no CUDA libraries.
set(BOLTZKIT_ENABLE_CUDA AUTO CACHE STRING
    "Build the GPU backend: AUTO (when a CUDA compiler is found), ON (required) or OFF")
set_property(CACHE BOLTZKIT_ENABLE_CUDA PROPERTY STRINGS AUTO ON OFF)
string(TOUPPER "${BOLTZKIT_ENABLE_CUDA}" boltzkit_enable_cuda)
if(NOT boltzkit_enable_cuda MATCHES "^(AUTO|ON|OFF)$")
  message(FATAL_ERROR "BOLTZKIT_ENABLE_CUDA must be AUTO, ON or OFF, got '${BOLTZKIT_ENABLE_CUDA}'")
endif()

set(BOLTZKIT_WITH_CUDA OFF)
set(boltzkit_cpu_only_reason "BOLTZKIT_ENABLE_CUDA=OFF")
if(NOT boltzkit_enable_cuda STREQUAL "OFF")
  include(CheckLanguage)
  # CMake looks for nvcc on PATH only; the toolkit's default home counts too.
  find_program(boltzkit_nvcc_on_path nvcc NO_CACHE)
  if(NOT boltzkit_nvcc_on_path AND "$ENV{CUDACXX}" STREQUAL "" AND NOT CMAKE_CUDA_COMPILER
     AND EXISTS /usr/local/cuda/bin/nvcc)
    set(ENV{CUDACXX} /usr/local/cuda/bin/nvcc)
  endif()
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    enable_language(CUDA)
    set(CMAKE_CUDA_STANDARD 17)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    find_package(CUDAToolkit)
    if(CUDAToolkit_FOUND)
      set(BOLTZKIT_WITH_CUDA ON)
    else()
      set(boltzkit_cpu_only_reason "nvcc found but not the CUDA toolkit's libraries")
    endif()
  else()
    set(boltzkit_cpu_only_reason "no CUDA compiler (nvcc) found")
  endif()
  if(NOT BOLTZKIT_WITH_CUDA AND boltzkit_enable_cuda STREQUAL "ON")
    message(FATAL_ERROR "BOLTZKIT_ENABLE_CUDA=ON but ${boltzkit_cpu_only_reason}: put nvcc on "
                        "PATH or set CUDACXX")
  endif()
endif()

if(BOLTZKIT_WITH_CUDA)
  message(STATUS "boltzkit: GPU backend on (CUDA ${CUDAToolkit_VERSION}, "
                 "sm ${CMAKE_CUDA_ARCHITECTURES})")
else()
  message(STATUS "boltzkit: CPU-only build (${boltzkit_cpu_only_reason}): the GPU backend, the "
                 "GPU tests and the benchmarks are left out; Backend::gpu throws invalid_argument")
endif()

# boltzkit_link_cuda(<library target>): what a CUDA build of the library links (see above).
function(boltzkit_link_cuda target)
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "SHARED_LIBRARY")
    # Nothing of CUDA in the shared library's link interface: consumers need no toolkit. The
    # static runtime's symbols stay hidden inside libboltzkit.so.
    target_link_libraries(${target} PRIVATE CUDA::cudart_static ${CMAKE_DL_LIBS})
  else()
    # A static archive cannot carry libcudart_static.a: its consumers link it (the installed
    # package config then finds CUDAToolkit, for this one library).
    target_link_libraries(${target} PUBLIC CUDA::cudart_static PRIVATE ${CMAKE_DL_LIBS})
  endif()
  # The toolkit's library folder, tried after the loader's own search (LD_LIBRARY_PATH,
  # ld.so.cache) when cuBLAS or cuSOLVER is first loaded.
  set_property(SOURCE ${PROJECT_SOURCE_DIR}/host/core/cuda_libraries.cpp TARGET_DIRECTORY ${target}
               APPEND PROPERTY COMPILE_DEFINITIONS
               BOLTZKIT_CUDA_LIBRARY_DIR="${CUDAToolkit_LIBRARY_DIR}")
endfunction()

# boltzkit_cuda_runtime: for in-tree programs that call the CUDA runtime themselves (GPU tests,
# benchmarks). With the static library it is the very copy of the runtime the library uses; a
# shared libboltzkit.so hides its copy, so such a program has a second one; both work on the
# driver's primary context, where device memory and streams are shared.
if(BOLTZKIT_WITH_CUDA)
  add_library(boltzkit_cuda_runtime INTERFACE)
  target_link_libraries(boltzkit_cuda_runtime INTERFACE CUDA::cudart_static)
endif()
