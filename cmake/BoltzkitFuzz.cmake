# libFuzzer targets (tests/fuzz, host/cli) for the readers of untrusted input: .npy files, lattice
# checkpoints and the command-line arguments. They need clang; the `sanitize` preset turns them
# on together with AddressSanitizer and UndefinedBehaviorSanitizer (scripts/reliability.sh).
option(BOLTZKIT_FUZZERS "Build the libFuzzer targets (clang only) and their bounded ctest runs" OFF)
set(BOLTZKIT_FUZZ_SECONDS 60 CACHE STRING "Seconds each fuzzer runs under ctest")

if(BOLTZKIT_FUZZERS AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "BOLTZKIT_FUZZERS needs clang++ (libFuzzer); use the `sanitize` preset")
endif()

# boltzkit_fuzzer(<name> <sources...>): executable boltzkit_fuzz_<name> and a ctest fuzz.<name>
# that runs it for BOLTZKIT_FUZZ_SECONDS, starting from the committed corpus
# tests/fuzz/corpus/<name>. New inputs go to a scratch folder in the build tree, so the run never
# edits the committed corpus; a crash fails the test and leaves crash-* beside it.
function(boltzkit_fuzzer name)
  set(target boltzkit_fuzz_${name})
  add_executable(${target} ${ARGN})
  target_link_libraries(${target} PRIVATE boltzkit::boltzkit boltzkit_private)
  target_link_options(${target} PRIVATE -fsanitize=fuzzer)
  set(corpus ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/${name})
  set(scratch ${CMAKE_BINARY_DIR}/fuzz/${name})
  add_test(NAME fuzz.${name}
           COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
                   sh -c "mkdir -p '${scratch}' && cd '${scratch}' && exec \"$0\" \"$@\""
                   $<TARGET_FILE:${target}> -max_total_time=${BOLTZKIT_FUZZ_SECONDS}
                   -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 ${scratch} ${corpus})
  set_tests_properties(fuzz.${name} PROPERTIES LABELS fuzz
                       TIMEOUT ${BOLTZKIT_FUZZ_SECONDS}0)
endfunction()
