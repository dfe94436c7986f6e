#pragma once
/// \file npy.hpp
/// NumPy .npy files (format versions 1.0, 2.0 and 3.0): little-endian float32 ('<f4'),
/// float64 ('<f8') and int32 ('<i4') arrays of any shape in C order.
/// Reading errors throw boltzkit::invalid_argument with a one-line message that names the file;
/// writing is atomic (see StagedFile) and its I/O failures throw std::runtime_error.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "boltzkit/errors.hpp"
#include "staged_file.hpp"

namespace boltzkit::io {

template <class T>
struct npy_dtype;
template <>
struct npy_dtype<float> {
  static constexpr const char* descr = "<f4";
};
template <>
struct npy_dtype<double> {
  static constexpr const char* descr = "<f8";
};
template <>
struct npy_dtype<std::int32_t> {
  static constexpr const char* descr = "<i4";
};

/// "float32", "float64" or "int32" for a supported descr (the descr itself otherwise).
std::string dtype_name(const std::string& descr);

/// Bytes per element of a supported descr; throws invalid_argument otherwise.
std::size_t dtype_size(const std::string& descr);

struct NpyArray {
  std::string dtype;                 ///< "<f4", "<f8" or "<i4"
  std::vector<std::int64_t> shape;   ///< empty for a 0-d array (one element)
  std::vector<unsigned char> bytes;  ///< C order, little-endian

  std::int64_t size() const;  ///< number of elements (product of the shape)

  /// The elements as T; throws invalid_argument when T does not match dtype.
  template <class T>
  std::vector<T> to_vector() const {
    if (dtype != npy_dtype<T>::descr)
      throw invalid_argument("array of dtype " + dtype_name(dtype) + " read as " +
                             dtype_name(npy_dtype<T>::descr));
    std::vector<T> out(bytes.size() / sizeof(T));
    if (!bytes.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
    return out;
  }
};

/// Reads a whole .npy file. Rejects (invalid_argument, message naming `path`): unreadable
/// files, bad magic or header, unsupported versions and dtypes, big-endian data,
/// fortran_order True, truncated data and trailing bytes.
NpyArray read_npy(const std::string& path);
/// As above, accepting only the dtypes in `accepted` (a subset of "<f4", "<f8", "<i4"); the
/// message for any other dtype lists exactly those.
NpyArray read_npy(const std::string& path, const std::vector<std::string>& accepted);

/// "float32, float64 or int32" for {"<f4", "<f8", "<i4"}.
std::string dtype_list(const std::vector<std::string>& descrs);

/// Writes `data` (C order, shape `shape`, dtype "<f4", "<f8" or "<i4") to a temporary file next
/// to `path`, not yet visible under `path`: call commit() on the result. Format 1.0 unless the
/// header needs 2.0.
StagedFile stage_npy(const std::string& path, const std::string& dtype,
                     const std::vector<std::int64_t>& shape, const void* data);

/// stage_npy + commit: `path` holds either its old content or the complete new array.
void write_npy(const std::string& path, const std::string& dtype,
               const std::vector<std::int64_t>& shape, const void* data);

template <class T>
void write_npy(const std::string& path, const std::vector<std::int64_t>& shape, const T* data) {
  write_npy(path, npy_dtype<T>::descr, shape, data);
}

}  // namespace boltzkit::io
