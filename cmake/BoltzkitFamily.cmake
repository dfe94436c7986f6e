# Helpers every model family's CMakeLists uses, so that adding a family is one folder per
# top-level directory plus one add_subdirectory line in each parent list.

# boltzkit_family_sources(<target> [CPU <files...>] [GPU <files...>])
# Adds a family's sources to one of the project's targets (the library, a test or bench
# program). GPU files are listed apart because they are compiled only in a CUDA build.
function(boltzkit_family_sources target)
  cmake_parse_arguments(arg "" "" "CPU;GPU" ${ARGN})
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "boltzkit_family_sources: list files after CPU or GPU "
                        "(${arg_UNPARSED_ARGUMENTS})")
  endif()
  target_sources(${target} PRIVATE ${arg_CPU})
  if(BOLTZKIT_WITH_CUDA)
    target_sources(${target} PRIVATE ${arg_GPU})
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
