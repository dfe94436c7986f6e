// Files read_npy must refuse, each with a one-line message naming the file.
#include "cli_test_support.hpp"

namespace boltzkit::cli_test {
namespace {

class NpyReject : public ScratchTest {
 protected:
  /// Writes `bytes` to a file and expects read_npy to reject it with `fragment` in the message.
  void expect_rejected(const std::string& bytes, const std::string& fragment) {
    const std::string p = path("bad.npy");
    std::ofstream(p, std::ios::binary) << bytes;
    expect_rejected_path(p, fragment);
  }
  void expect_rejected_path(const std::string& p, const std::string& fragment) {
    try {
      io::read_npy(p);
      ADD_FAILURE() << "accepted " << p << " (expected: " << fragment << ")";
    } catch (const boltzkit::invalid_argument& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(p), std::string::npos) << what;
      EXPECT_NE(what.find(fragment), std::string::npos) << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
  }

  static std::string file(const std::string& dict, const std::string& data) {
    const std::string header = dict + "\n";
    return std::string("\x93NUMPY\x01\x00", 8) + static_cast<char>(header.size()) + '\0' + header +
           data;
  }
};

const std::string eight_bytes(8, '\0');

TEST_F(NpyReject, MissingFileAndDirectory) {
  expect_rejected_path(path("nope.npy"), "cannot open");
  expect_rejected_path(dir_.string(), "not a regular file");
}

TEST_F(NpyReject, BadMagicAndEmptyFile) {
  expect_rejected("", "bad magic");
  expect_rejected("PK\x03\x04 this is a zip file", "bad magic");
}

TEST_F(NpyReject, UnsupportedVersion) {
  expect_rejected(std::string("\x93NUMPY\x04\x00", 8) + "xx", "version 4.0");
}

TEST_F(NpyReject, UnsupportedDtypes) {
  expect_rejected(file("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", eight_bytes),
                  "dtype int64 is not supported (expected float32, float64 or int32)");
  expect_rejected(file("{'descr': '|u1', 'fortran_order': False, 'shape': (8,), }", eight_bytes),
                  "dtype uint8 is not supported");
  expect_rejected(
      file("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", eight_bytes),
      "unsupported dtype");  // a structured dtype fails in the header parser
}

/// A shape whose element count overflows int64 (2^40 · 2^40) must be refused before anything is
/// allocated or multiplied out.
TEST_F(NpyReject, ShapeWhoseSizeOverflows) {
  expect_rejected(file("{'descr': '<f8', 'fortran_order': False, "
                       "'shape': (1099511627776, 1099511627776), }",
                       eight_bytes),
                  "shape too large");
  // 2^60 float64 elements: the count fits in int64, the byte count does not.
  expect_rejected(file("{'descr': '<f8', 'fortran_order': False, 'shape': (1152921504606846976,), }",
                       eight_bytes),
                  "shape too large");
}

TEST_F(NpyReject, BigEndian) {
  expect_rejected(file("{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", eight_bytes),
                  "big-endian");
}

TEST_F(NpyReject, FortranOrder) {
  expect_rejected(file("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", eight_bytes),
                  "fortran_order");
}

TEST_F(NpyReject, TruncatedAndTrailingData) {
  expect_rejected(file("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", eight_bytes),
                  "truncated data: expected 16 bytes, found 8");
  expect_rejected(file("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", eight_bytes),
                  "after the data");
  expect_rejected(std::string("\x93NUMPY\x01\x00\x50\x00{'descr'", 17), "truncated header");
}

TEST_F(NpyReject, MalformedHeaders) {
  expect_rejected(file("{'descr': '<f8', 'shape': (1,), }", eight_bytes), "lacks");
  expect_rejected(file("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (1,), }", eight_bytes),
                  "malformed header");
  expect_rejected(file("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", eight_bytes),
                  "malformed header");
  expect_rejected(
      file("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}", eight_bytes),
      "unexpected header key");
}

}  // namespace
}  // namespace boltzkit::cli_test
