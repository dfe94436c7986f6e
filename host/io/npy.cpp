#include "npy.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "npy_header.hpp"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "boltzkit_io copies .npy bytes as they are and so needs a little-endian host"
#endif

namespace boltzkit::io {

namespace {

constexpr char magic[] = "\x93NUMPY";
constexpr std::size_t magic_size = 6;
constexpr std::size_t header_alignment = 64;

[[noreturn]] void fail(const std::string& path, const std::string& message) {
  throw invalid_argument("'" + path + "': " + message);
}

/// Closes the descriptor on every exit path of read_npy.
struct FileDescriptor {
  int fd;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

/// Reads up to `size` bytes; fewer only at end of file.
std::size_t read_some(int fd, void* out, std::size_t size, const std::string& path) {
  auto* p = static_cast<char*>(out);
  std::size_t done = 0;
  while (done < size) {
    const ::ssize_t n = ::read(fd, p + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail(path, std::string("cannot read: ") + std::strerror(errno));
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

bool supported(const std::string& descr) {
  return descr == "<f4" || descr == "<f8" || descr == "<i4";
}

std::int64_t element_count(const std::vector<std::int64_t>& shape, const std::string& path) {
  std::int64_t count = 1;
  for (const std::int64_t n : shape) {
    if (n < 0) fail(path, "negative shape entry");
    if (n != 0 && count > std::numeric_limits<std::int64_t>::max() / 8 / n)
      fail(path, "shape too large");
    count *= n;
  }
  return count;
}

}  // namespace

std::string dtype_name(const std::string& descr) {
  static const std::pair<const char*, const char*> names[] = {
      {"<f4", "float32"}, {"<f8", "float64"}, {"<i4", "int32"},  {"<i8", "int64"},
      {"<f2", "float16"}, {"<i2", "int16"},   {"|i1", "int8"},   {"|u1", "uint8"},
      {"<u2", "uint16"},  {"<u4", "uint32"},  {"<u8", "uint64"}, {"|b1", "bool"},
      {"<c8", "complex64"}, {"<c16", "complex128"}};
  for (const auto& [d, name] : names)
    if (descr == d) return name;
  return "'" + descr + "'";
}

std::string dtype_list(const std::vector<std::string>& descrs) {
  std::string s;
  for (std::size_t i = 0; i < descrs.size(); ++i) {
    if (i > 0) s += i + 1 == descrs.size() ? " or " : ", ";
    s += dtype_name(descrs[i]);
  }
  return s;
}

std::size_t dtype_size(const std::string& descr) {
  if (descr == "<f4" || descr == "<i4") return 4;
  if (descr == "<f8") return 8;
  throw invalid_argument("dtype " + dtype_name(descr) + " is not supported (expected float32, "
                         "float64 or int32)");
}

std::int64_t NpyArray::size() const {
  std::int64_t count = 1;
  for (const std::int64_t n : shape) count *= n;
  return count;
}

NpyArray read_npy(const std::string& path) { return read_npy(path, {"<f4", "<f8", "<i4"}); }

NpyArray read_npy(const std::string& path, const std::vector<std::string>& accepted) {
  FileDescriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat info {};
  if (::fstat(file.fd, &info) != 0 || !S_ISREG(info.st_mode)) fail(path, "not a regular file");

  unsigned char preamble[magic_size + 2];
  if (read_some(file.fd, preamble, sizeof preamble, path) != sizeof preamble ||
      std::memcmp(preamble, magic, magic_size) != 0)
    fail(path, "not a NumPy .npy file (bad magic)");
  const int major = preamble[magic_size];
  if (major < 1 || major > 3)
    fail(path, "unsupported .npy format version " + std::to_string(major) + "." +
                   std::to_string(preamble[magic_size + 1]));

  // Version 1.0 stores the header length in 2 bytes, 2.0 and 3.0 in 4 (all little-endian).
  unsigned char length_bytes[4] = {0, 0, 0, 0};
  const std::size_t length_size = major == 1 ? 2 : 4;
  if (read_some(file.fd, length_bytes, length_size, path) != length_size)
    fail(path, "truncated header");
  std::size_t header_length = 0;
  for (std::size_t i = length_size; i-- > 0;) header_length = header_length * 256 + length_bytes[i];
  // Lengths are checked against the file before anything is allocated (libFuzzer found a 4-byte
  // version-2 length that asked for 1.3 GB).
  const auto file_size = static_cast<std::size_t>(info.st_size);
  const std::size_t header_offset = magic_size + 2 + length_size;
  if (header_length > file_size - std::min(file_size, header_offset)) fail(path, "truncated header");
  std::string header_text(header_length, '\0');
  if (read_some(file.fd, header_text.data(), header_length, path) != header_length)
    fail(path, "truncated header");

  detail::NpyHeader header;
  try {
    header = detail::parse_npy_header(header_text);
  } catch (const std::runtime_error& e) {
    fail(path, e.what());
  }
  if (!header.descr.empty() && header.descr[0] == '>' && supported("<" + header.descr.substr(1)))
    fail(path, "big-endian dtype '" + header.descr + "' is not supported (use '<' data)");
  // One message for "the reader cannot" and "this command does not": both list what is accepted.
  if (!supported(header.descr) ||
      std::find(accepted.begin(), accepted.end(), header.descr) == accepted.end())
    fail(path, "dtype " + dtype_name(header.descr) + " is not supported (expected " +
                   dtype_list(accepted) + ")");
  if (header.fortran_order)
    fail(path,
         "fortran_order True is not supported (save a C-ordered array, e.g. "
         "numpy.ascontiguousarray)");

  NpyArray array;
  array.dtype = header.descr;
  array.shape = header.shape;
  const auto expected =
      static_cast<std::size_t>(element_count(header.shape, path)) * dtype_size(header.descr);
  // Check the shape against the file before allocating: a corrupt or hostile header must not
  // turn into a multi-terabyte allocation (tests/fuzz/npy_fuzz.cpp keeps it so).
  const std::size_t data_offset = header_offset + header_length;
  const std::size_t available = file_size > data_offset ? file_size - data_offset : 0;
  if (expected > available)
    fail(path, "truncated data: expected " + std::to_string(expected) + " bytes, found " +
                   std::to_string(available));
  array.bytes.resize(expected);
  const std::size_t got = read_some(file.fd, array.bytes.data(), expected, path);
  if (got != expected)
    fail(path, "truncated data: expected " + std::to_string(expected) + " bytes, found " +
                   std::to_string(got));
  unsigned char extra = 0;
  if (read_some(file.fd, &extra, 1, path) != 0) fail(path, "unexpected bytes after the data");
  return array;
}

StagedFile stage_npy(const std::string& path, const std::string& dtype,
                     const std::vector<std::int64_t>& shape, const void* data) {
  if (!supported(dtype)) fail(path, "cannot write unsupported dtype '" + dtype + "'");
  const auto bytes = static_cast<std::size_t>(element_count(shape, path)) * dtype_size(dtype);
  if (bytes > 0 && data == nullptr) fail(path, "null data pointer");

  std::string text = detail::format_npy_header({dtype, false, shape});
  // Pad with spaces so the data starts on a 64-byte boundary, as NumPy does; the header ends
  // with a newline. Version 2.0 only when the padded header overflows 1.0's 16-bit length.
  const auto padding = [&](std::size_t prefix) {
    return (header_alignment - (prefix + text.size() + 1) % header_alignment) % header_alignment;
  };
  const bool long_header =
      text.size() + 1 + padding(magic_size + 4) > std::numeric_limits<std::uint16_t>::max();
  const int major = long_header ? 2 : 1;
  text.append(padding(magic_size + (long_header ? 6 : 4)), ' ');
  text += '\n';

  std::string preamble(magic, magic_size);
  preamble += static_cast<char>(major);
  preamble += '\0';
  std::size_t length = text.size();
  for (std::size_t i = 0; i < (major == 1 ? 2u : 4u); ++i, length >>= 8)
    preamble += static_cast<char>(length & 0xff);

  StagedFile file(path);
  file.write(preamble.data(), preamble.size());
  file.write(text.data(), text.size());
  if (bytes > 0) file.write(data, bytes);
  return file;
}

void write_npy(const std::string& path, const std::string& dtype,
               const std::vector<std::int64_t>& shape, const void* data) {
  stage_npy(path, dtype, shape, data).commit();
}

}  // namespace boltzkit::io
