#include "cuda_libraries.hpp"

#include <dlfcn.h>

#include <string>

#include "boltzkit/errors.hpp"

// The toolkit's library folder at configure time (cmake/BoltzkitCuda.cmake): tried after the
// loader's own search, so a build tree runs where the toolkit is not in ld.so.cache.
#ifndef BOLTZKIT_CUDA_LIBRARY_DIR
#define BOLTZKIT_CUDA_LIBRARY_DIR ""
#endif

#define BOLTZKIT_STRINGIFY_EXPANDED(x) BOLTZKIT_STRINGIFY(x)
#define BOLTZKIT_STRINGIFY(x) #x

namespace boltzkit::cuda_libraries {

namespace {

class Library {
 public:
  /// dlopen of `soname` (the loader's search), else of the toolkit's copy. Never closed: the
  /// handles made from it live until exit.
  Library(const char* what, const std::string& soname) : what_(what), soname_(soname) {
    handle_ = dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle_ == nullptr && std::string(BOLTZKIT_CUDA_LIBRARY_DIR) != "")
      handle_ = dlopen((std::string(BOLTZKIT_CUDA_LIBRARY_DIR) + "/" + soname).c_str(),
                       RTLD_NOW | RTLD_LOCAL);
    if (handle_ == nullptr) {
      const char* why = dlerror();
      throw cuda_error("dlopen(" + soname + ")",
                       std::string(what) + " is not installed or not found (" +
                           (why != nullptr ? why : "unknown reason") +
                           "): the GPU backend needs it; add its folder to LD_LIBRARY_PATH, "
                           "or use the cpu backend",
                       __FILE__, __LINE__);
    }
  }

  template <class F>
  void load(F& slot, const char* symbol) const {
    void* address = dlsym(handle_, symbol);
    if (address == nullptr)
      throw cuda_error(std::string("dlsym(") + symbol + ")",
                       soname_ + " lacks " + symbol + " (an older " + what_ + "?)", __FILE__,
                       __LINE__);
    slot = reinterpret_cast<F>(address);
  }

 private:
  const char* what_;
  std::string soname_;
  void* handle_ = nullptr;
};

#define BOLTZKIT_CUDA_LIBRARY_LOAD(name) \
  library.load(table.name, BOLTZKIT_STRINGIFY_EXPANDED(name));

Cublas load_cublas() {
  const Library library("cuBLAS", "libcublas.so." + std::to_string(CUBLAS_VER_MAJOR));
  Cublas table;
  BOLTZKIT_CUBLAS_FUNCTIONS(BOLTZKIT_CUDA_LIBRARY_LOAD)
  return table;
}

Cusolver load_cusolver() {
  const Library library("cuSOLVER", "libcusolver.so." + std::to_string(CUSOLVER_VER_MAJOR));
  Cusolver table;
  BOLTZKIT_CUSOLVER_FUNCTIONS(BOLTZKIT_CUDA_LIBRARY_LOAD)
  return table;
}

}  // namespace

const Cublas& cublas() {
  static const Cublas table = load_cublas();  // a throw leaves it uninitialized: tried again
  return table;
}

const Cusolver& cusolver() {
  static const Cusolver table = load_cusolver();
  return table;
}

}  // namespace boltzkit::cuda_libraries
