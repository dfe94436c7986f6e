# boltzkit_warnings(<target>): our warning set on C++ and CUDA sources of a target.
function(boltzkit_warnings target)
  set(cxx_flags -Wall -Wextra -Wpedantic -Wshadow)
  set(cuda_flags -Xcompiler=-Wall,-Wextra)
  if(BOLTZKIT_WARNINGS_AS_ERRORS)
    list(APPEND cxx_flags -Werror)
    list(APPEND cuda_flags -Werror=all-warnings -Xcompiler=-Werror)
  endif()
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:${cxx_flags}>
    $<$<COMPILE_LANGUAGE:CUDA>:${cuda_flags}>)
endfunction()
