# Helpers every model family's CMakeLists uses, so that adding a family is one folder per
# top-level directory plus one add_subdirectory line in each parent list.

# boltzkit_family_sources(<target> [CPU <files...>] [GPU <files...>] [CPU_ONLY <files...>])
# Adds a family's sources to one of the project's targets (the library, a test or bench
# program). GPU files are compiled only in a CUDA build (BOLTZKIT_WITH_CUDA, cmake/BoltzkitCuda.cmake),
# CPU_ONLY files only in a build without CUDA (stand-ins for what the GPU files define, e.g.
# host/core/context_cpu_only.cpp). A target that only a CUDA build has (boltzkit_gpu_tests) may
# be named with GPU files alone: in a CPU-only build the call does nothing.
function(boltzkit_family_sources target)
  cmake_parse_arguments(arg "" "" "CPU;GPU;CPU_ONLY" ${ARGN})
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "boltzkit_family_sources: list files after CPU, GPU or CPU_ONLY "
                        "(${arg_UNPARSED_ARGUMENTS})")
  endif()
  if(BOLTZKIT_WITH_CUDA)
    target_sources(${target} PRIVATE ${arg_CPU} ${arg_GPU})
  elseif(arg_CPU OR arg_CPU_ONLY)
    target_sources(${target} PRIVATE ${arg_CPU} ${arg_CPU_ONLY})
  endif()
endfunction()

# boltzkit_test_program(<name>): one of the GoogleTest programs that families add sources to;
# its tests are discovered after the build.
function(boltzkit_test_program name)
  add_executable(${name})
  target_link_libraries(${name} PRIVATE boltzkit_test_support)
  boltzkit_warnings(${name})
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60)
endfunction()
