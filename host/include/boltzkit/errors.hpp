#pragma once
/// \file errors.hpp
/// The two exception types of boltzkit. Argument errors are detected on the host before any
/// kernel is launched; CUDA, cuBLAS and cuSOLVER failures carry the failing call and its place.
/// Numerical failure of one batch element is never an exception: it is that element's `info`.
#include <stdexcept>
#include <string>

namespace boltzkit {

/// Thrown before any launch when an argument is unusable (shape, stride, null pointer, ...).
class invalid_argument : public std::invalid_argument {
 public:
  explicit invalid_argument(const std::string& what) : std::invalid_argument(what) {}
};

/// Thrown when the CUDA runtime or a CUDA library reports an error.
class cuda_error : public std::runtime_error {
 public:
  cuda_error(const std::string& call, const std::string& message, const char* file, int line)
      : std::runtime_error(call + " failed: " + message + " (" + file + ":" + std::to_string(line) +
                           ")"),
        call_(call) {}
  const std::string& call() const noexcept { return call_; }

 private:
  std::string call_;
};

}  // namespace boltzkit
