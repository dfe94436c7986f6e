// Round trips through write_npy/read_npy, the on-disk layout NumPy expects, and atomicity.
#include <cstdint>
#include <numeric>

#include "cli_test_support.hpp"

namespace boltzkit::cli_test {
namespace {

using Shape = std::vector<std::int64_t>;

class NpyRoundTrip : public ScratchTest {
 protected:
  template <class T>
  void round_trip(const Shape& shape) {
    std::int64_t n = 1;
    for (auto s : shape) n *= s;
    std::vector<T> data(static_cast<std::size_t>(n));
    std::iota(data.begin(), data.end(), T(-3));
    const std::string p = write("a.npy", shape, data);
    const io::NpyArray a = io::read_npy(p);
    EXPECT_EQ(a.dtype, io::npy_dtype<T>::descr);
    EXPECT_EQ(a.shape, shape);
    EXPECT_EQ(a.size(), n);
    EXPECT_EQ(a.to_vector<T>(), data);
    // NumPy aligns the data to 64 bytes; the header length sits in bytes 8-9 (version 1.0).
    const std::string bytes = slurp(p);
    ASSERT_GE(bytes.size(), 10u);
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
    const std::size_t header =
        static_cast<unsigned char>(bytes[8]) + 256 * static_cast<unsigned char>(bytes[9]);
    EXPECT_EQ((10 + header) % 64, 0u);
    EXPECT_EQ(bytes[10 + header - 1], '\n');
    EXPECT_EQ(bytes.size(), 10 + header + data.size() * sizeof(T));
  }
};

TEST_F(NpyRoundTrip, Float32) {
  for (const Shape& s :
       {Shape{}, Shape{0}, Shape{1}, Shape{5}, Shape{2, 3}, Shape{2, 0, 4}, Shape{1, 2, 3, 4}})
    round_trip<float>(s);
}

TEST_F(NpyRoundTrip, Float64) {
  for (const Shape& s : {Shape{}, Shape{0}, Shape{7}, Shape{3, 3}, Shape{4, 2, 2}})
    round_trip<double>(s);
}

TEST_F(NpyRoundTrip, Int32) {
  for (const Shape& s : {Shape{0}, Shape{3}, Shape{0, 5}, Shape{2, 2, 2}})
    round_trip<std::int32_t>(s);
}

TEST_F(NpyRoundTrip, HeaderTextMatchesNumpy) {
  write("a.npy", {2, 3}, std::vector<double>(6, 1.0));
  write("b.npy", {4}, std::vector<float>(4, 1.0f));
  EXPECT_NE(
      slurp(path("a.npy")).find("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"),
      std::string::npos);
  EXPECT_NE(slurp(path("b.npy")).find("'shape': (4,), }"), std::string::npos);
}

/// Writes a file by hand, the way other writers may lay it out.
std::string handmade(int major, const std::string& dict, const std::string& data) {
  std::string header = dict + "\n";
  std::string out = std::string("\x93NUMPY", 6) + static_cast<char>(major) + '\0';
  const std::size_t n = header.size();
  out += static_cast<char>(n & 0xff);
  out += static_cast<char>((n >> 8) & 0xff);
  if (major >= 2) out += std::string(2, '\0');
  return out + header + data;
}

TEST_F(NpyRoundTrip, ReadsVersions2And3AndOtherSpellings) {
  const double values[2] = {1.5, -2.25};
  const std::string data(reinterpret_cast<const char*>(values), sizeof values);
  const std::vector<std::string> dicts = {
      "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
      "{\"shape\": (2L,), \"fortran_order\": False, \"descr\": \"<f8\"}",
      "{'descr':'<f8','fortran_order':False,'shape':(2,)}   "};
  for (int major : {1, 2, 3}) {
    for (const std::string& dict : dicts) {
      std::ofstream(path("h.npy"), std::ios::binary) << handmade(major, dict, data);
      const io::NpyArray a = io::read_npy(path("h.npy"));
      EXPECT_EQ(a.shape, (Shape{2}));
      EXPECT_EQ(a.to_vector<double>(), (std::vector<double>{1.5, -2.25}));
    }
  }
}

TEST_F(NpyRoundTrip, OverwritesAtomicallyAndLeavesNoTemporaries) {
  write("a.npy", {3}, std::vector<float>{1, 2, 3});
  write("a.npy", {2}, std::vector<float>{4, 5});
  EXPECT_EQ(io::read_npy(path("a.npy")).to_vector<float>(), (std::vector<float>{4, 5}));
  {
    // Staged but never committed: must vanish without touching the existing file.
    const std::vector<double> other = {9, 9};
    io::StagedFile staged = io::stage_npy(path("a.npy"), "<f8", {2}, other.data());
  }
  EXPECT_EQ(io::read_npy(path("a.npy")).to_vector<float>(), (std::vector<float>{4, 5}));
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
  EXPECT_EQ(names, (std::vector<std::string>{"a.npy"}));
}

TEST_F(NpyRoundTrip, WrongTypeAccessThrows) {
  write("a.npy", {2}, std::vector<float>{1, 2});
  EXPECT_THROW(io::read_npy(path("a.npy")).to_vector<double>(), boltzkit::invalid_argument);
}

}  // namespace
}  // namespace boltzkit::cli_test
