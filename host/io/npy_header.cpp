#include "npy_header.hpp"

#include <cctype>
#include <limits>
#include <stdexcept>

namespace boltzkit::io::detail {

namespace {

class Parser {
 public:
  explicit Parser(const std::string& text) : s_(text) {}

  NpyHeader parse() {
    NpyHeader h;
    bool have_descr = false, have_order = false, have_shape = false;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = parse_string();
      expect(':');
      if (key == "descr") {
        skip_space();
        // A list here is a structured dtype, which is unsupported rather than malformed.
        if (peek() != '\'' && peek() != '"') throw std::runtime_error("unsupported dtype");
        h.descr = parse_string();
        have_descr = true;
      } else if (key == "fortran_order") {
        h.fortran_order = parse_bool();
        have_order = true;
      } else if (key == "shape") {
        h.shape = parse_shape();
        have_shape = true;
      } else {
        throw std::runtime_error("unexpected header key '" + key + "'");
      }
      skip_space();
      if (peek() == ',')
        ++pos_;
      else if (peek() != '}')
        error("',' or '}'");
    }
    ++pos_;
    skip_space();
    if (pos_ != s_.size()) error("end of header");
    if (!have_descr || !have_order || !have_shape)
      throw std::runtime_error("header lacks one of 'descr', 'fortran_order', 'shape'");
    return h;
  }

 private:
  [[noreturn]] void error(const std::string& expected) const {
    throw std::runtime_error("malformed header: expected " + expected + " at offset " +
                             std::to_string(pos_));
  }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) error(std::string("'") + c + "'");
    ++pos_;
  }

  std::string parse_string() {
    skip_space();
    const char quote = peek();
    if (quote != '\'' && quote != '"') error("a string");
    const std::size_t end = s_.find(quote, pos_ + 1);
    if (end == std::string::npos) error("a closing quote");
    std::string out = s_.substr(pos_ + 1, end - pos_ - 1);
    pos_ = end + 1;
    return out;
  }

  bool parse_bool() {
    skip_space();
    for (const bool value : {true, false}) {
      const std::string word = value ? "True" : "False";
      if (s_.compare(pos_, word.size(), word) == 0) {
        pos_ += word.size();
        return value;
      }
    }
    error("True or False");
  }

  std::int64_t parse_int() {
    skip_space();
    if (!std::isdigit(static_cast<unsigned char>(peek()))) error("a non-negative integer");
    std::int64_t v = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) {
      const int digit = peek() - '0';
      if (v > (std::numeric_limits<std::int64_t>::max() - digit) / 10)
        throw std::runtime_error("shape entry too large");
      v = v * 10 + digit;
      ++pos_;
    }
    if (peek() == 'L') ++pos_;  // Python 2 era writers print longs as 3L
    return v;
  }

  std::vector<std::int64_t> parse_shape() {
    std::vector<std::int64_t> shape;
    expect('(');
    while (true) {
      skip_space();
      if (peek() == ')') break;
      shape.push_back(parse_int());
      skip_space();
      if (peek() == ',')
        ++pos_;
      else if (peek() != ')')
        error("',' or ')'");
    }
    ++pos_;
    return shape;
  }

  const std::string& s_;
  std::size_t pos_ = 0;
};

}  // namespace

NpyHeader parse_npy_header(const std::string& text) { return Parser(text).parse(); }

std::string format_npy_header(const NpyHeader& header) {
  std::string shape = "(";
  for (std::size_t i = 0; i < header.shape.size(); ++i) {
    if (i > 0) shape += ", ";
    shape += std::to_string(header.shape[i]);
  }
  if (header.shape.size() == 1) shape += ",";  // Python's one-tuple
  shape += ")";
  return "{'descr': '" + header.descr +
         "', 'fortran_order': " + (header.fortran_order ? "True" : "False") +
         ", 'shape': " + shape + ", }";
}

}  // namespace boltzkit::io::detail
