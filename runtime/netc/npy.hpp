// Reads and writes NumPy .npy files of float32 and float64 arrays: the inputs and expected
// outputs that the generated tests and the users' scripts exchange with NumPy. A file is refused
// with a netc::Error unless it is exactly what numpy.save writes for such an array: the magic,
// version 1.0, 2.0 or 3.0, a header dict with 'descr' '<f4' or '<f8', 'fortran_order' False and
// 'shape', and then exactly the data the shape needs. Header-only C++17: generated code ships it.
#pragma once

#include "netc/detail/header_text.hpp"
#include "netc/detail/write_file.hpp"
#include "netc/error.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

// Data is written and read as the host stores it, and the files say little-endian.
#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) &&                                    \
    __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#error "netc/npy.hpp needs a little-endian host"
#endif

namespace netc {

struct NpyArray {
  std::vector<std::int64_t> shape;
  std::vector<double> data;
  std::string dtype; // "<f4" or "<f8"
};

namespace detail {

struct NpyFileCloser {
  void operator()(std::FILE *f) const { std::fclose(f); }
};

// Reads up to `count` bytes (fewer at the end of the file); throws on a read error.
inline std::size_t npy_read_some(std::FILE *f, const std::string &path, void *dst,
                                 std::size_t count) {
  std::size_t got = count == 0 ? 0 : std::fread(dst, 1, count, f);
  if (got < count && std::ferror(f))
    throw Error(path + ": cannot read: " + std::strerror(errno));
  return got;
}

inline std::string npy_format_shape(const std::vector<std::int64_t> &shape) {
  std::string out = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0)
      out += ", ";
    out += std::to_string(shape[i]);
  }
  if (shape.size() == 1)
    out += ',';
  return out + ")";
}

// The header is a Python dict literal. This reads the subset numpy writes (and older or other
// writers produce): strings in either quotes, True/False, tuples of integers (a trailing 'L' from
// Python 2 included), trailing commas.
class NpyHeaderParser : HeaderText {
public:
  NpyHeaderParser(std::string_view text, const std::string &path)
      : HeaderText(text, path + ": bad header at byte "), path_(path) {}

  NpyArray parse() {
    NpyArray out;
    bool have_descr = false, have_order = false, have_shape = false, fortran = false;
    expect('{');
    while (!consume_if('}')) {
      std::string key = parse_string();
      expect(':');
      if (key == "descr") {
        check_new(have_descr, key);
        if (peek() != '\'' && peek() != '"')
          fail_syntax(pos_, "'descr' is not a simple dtype string (structured dtypes are not "
                            "supported)");
        out.dtype = parse_string();
      } else if (key == "fortran_order") {
        check_new(have_order, key);
        fortran = parse_bool();
      } else if (key == "shape") {
        check_new(have_shape, key);
        out.shape = parse_tuple();
      } else {
        fail("unexpected key '" + key + "' in the header");
      }
      if (!consume_if(',')) {
        expect('}');
        break;
      }
    }
    skip_ws();
    if (pos_ < text_.size())
      fail_syntax(pos_, "unexpected " + describe(pos_) + " after the header dict");
    for (auto [have, name] : {std::pair<bool, const char *>{have_descr, "descr"},
                              {have_order, "fortran_order"},
                              {have_shape, "shape"}})
      if (!have)
        fail(std::string("header lacks '") + name + "'");
    if (out.dtype != "<f4" && out.dtype != "<f8")
      fail("dtype '" + out.dtype + "' is not supported (only '<f4' and '<f8')");
    if (fortran)
      fail("fortran_order True is not supported (save a C-contiguous array)");
    for (std::int64_t d : out.shape)
      if (d < 0)
        fail("shape " + npy_format_shape(out.shape) + " has a negative dimension");
    return out;
  }

private:
  const std::string &path_;

  [[noreturn]] void fail(const std::string &what) const { throw Error(path_ + ": " + what); }
  void check_new(bool &have, const std::string &key) {
    if (have)
      fail("key '" + key + "' appears twice in the header");
    have = true;
  }
  bool is_word(std::string_view w) const {
    std::size_t end = pos_ + w.size();
    return text_.substr(pos_, w.size()) == w &&
           (end >= text_.size() ||
            !(std::isalnum(static_cast<unsigned char>(text_[end])) || text_[end] == '_'));
  }
  std::string parse_string() {
    int q = peek();
    if (q != '\'' && q != '"')
      fail_syntax(pos_, "expected a string, found " + describe(pos_));
    std::size_t start = pos_++;
    std::size_t end = text_.find(static_cast<char>(q), pos_);
    if (end == std::string_view::npos)
      fail_syntax(start, "unterminated string");
    std::string_view s = text_.substr(pos_, end - pos_);
    if (s.find('\\') != std::string_view::npos)
      fail_syntax(start, "escapes in strings are not supported");
    pos_ = end + 1;
    return std::string(s);
  }
  bool parse_bool() {
    peek();
    for (bool value : {false, true}) {
      std::string_view w = value ? "True" : "False";
      if (is_word(w)) {
        pos_ += w.size();
        return value;
      }
    }
    fail_syntax(pos_, "expected True or False, found " + describe(pos_));
  }
  std::int64_t parse_int() {
    std::size_t start = pos_;
    bool negative = text_[pos_] == '-';
    if (negative)
      ++pos_;
    if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9')
      fail_syntax(pos_, "expected a digit, found " + describe(pos_));
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    std::int64_t v = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      int d = text_[pos_++] - '0';
      if (v > (kMax - d) / 10)
        fail_syntax(start, "integer out of range");
      v = v * 10 + d;
    }
    if (pos_ < text_.size() && text_[pos_] == 'L') // Python 2
      ++pos_;
    return negative ? -v : v;
  }
  std::vector<std::int64_t> parse_tuple() {
    expect('(');
    std::vector<std::int64_t> dims;
    while (!consume_if(')')) {
      int c = peek();
      if (c != '-' && (c < '0' || c > '9'))
        fail_syntax(pos_, "expected an integer in the shape, found " + describe(pos_));
      dims.push_back(parse_int());
      if (!consume_if(',')) {
        if (dims.size() == 1) // (3) is an integer in Python, not a tuple
          fail_syntax(pos_, "expected ',' after the only dimension, found " + describe(pos_));
        expect(')');
        break;
      }
    }
    return dims;
  }
};

inline void npy_write(const std::string &path, const std::vector<std::int64_t> &shape,
                      const void *data, const char *descr, std::size_t elem_size) {
  std::uint64_t count = 1;
  for (std::int64_t d : shape) {
    if (d < 0)
      throw Error(path + ": shape " + npy_format_shape(shape) + " has a negative dimension");
    std::uint64_t u = static_cast<std::uint64_t>(d);
    if (u != 0 && count > std::numeric_limits<std::size_t>::max() / elem_size / u)
      throw Error(path + ": shape " + npy_format_shape(shape) + " is too large");
    count *= u;
  }
  std::size_t bytes = static_cast<std::size_t>(count) * elem_size;
  if (bytes != 0 && data == nullptr)
    throw Error(path + ": no data for shape " + npy_format_shape(shape));

  // Byte for byte what numpy.save (1.24) writes: the dict with sorted keys, room for the first
  // axis to grow to 21 digits, then spaces and '\n' up to the next multiple of 64 bytes (64 when
  // already there); version 2.0 only when the length does not fit in 2 bytes.
  std::string dict = std::string("{'descr': '") + descr +
                     "', 'fortran_order': False, 'shape': " + npy_format_shape(shape) + ", }";
  if (!shape.empty())
    dict.append(21 - std::min<std::size_t>(21, std::to_string(shape[0]).size()), ' ');
  std::size_t prefix = 10; // magic, version, 2-byte length
  std::size_t padding = 64 - (prefix + dict.size() + 1) % 64;
  bool v2 = dict.size() + 1 + padding > 65535;
  if (v2) {
    prefix = 12;
    padding = 64 - (prefix + dict.size() + 1) % 64;
  }
  dict.append(padding, ' ');
  dict += '\n';
  std::string head = "\x93NUMPY";
  head += static_cast<char>(v2 ? 2 : 1);
  head += '\0';
  for (std::size_t i = 0; i < prefix - 8; ++i)
    head += static_cast<char>((dict.size() >> (8 * i)) & 0xFF);
  head += dict;

  write_file(path, {{head.data(), head.size()}, {data, bytes}});
}

} // namespace detail

inline NpyArray read_npy(const std::string &path) {
  std::unique_ptr<std::FILE, detail::NpyFileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file)
    throw Error(path + ": cannot open: " + std::strerror(errno));
  std::FILE *f = file.get();

  unsigned char preamble[12];
  std::size_t got = detail::npy_read_some(f, path, preamble, 8);
  if (got < 6 || std::memcmp(preamble, "\x93NUMPY", 6) != 0)
    throw Error(path + ": not a .npy file (bad magic)");
  if (got < 8)
    throw Error(path + ": truncated file: " + std::to_string(got) + " bytes");
  int major = preamble[6], minor = preamble[7];
  if ((major != 1 && major != 2 && major != 3) || minor != 0)
    throw Error(path + ": unsupported .npy version " + std::to_string(major) + "." +
                std::to_string(minor));
  std::size_t len_bytes = major == 1 ? 2 : 4;
  if (detail::npy_read_some(f, path, preamble + 8, len_bytes) < len_bytes)
    throw Error(path + ": truncated file: the header length is cut off");
  std::size_t header_len = 0;
  for (std::size_t i = len_bytes; i-- > 0;)
    header_len = (header_len << 8) | preamble[8 + i];
  // Read in chunks so that a header length no file backs costs no memory.
  std::string header;
  while (header.size() < header_len) {
    char chunk[4096];
    std::size_t want = std::min(sizeof chunk, header_len - header.size());
    std::size_t n = detail::npy_read_some(f, path, chunk, want);
    header.append(chunk, n);
    if (n < want)
      throw Error(path + ": truncated header: expected " + std::to_string(header_len) +
                  " bytes, found " + std::to_string(header.size()));
  }
  NpyArray out = detail::NpyHeaderParser(header, path).parse();

  std::size_t elem_size = out.dtype == "<f4" ? 4 : 8;
  std::uint64_t count = 1; // dims are >= 0
  if (std::find(out.shape.begin(), out.shape.end(), 0) != out.shape.end())
    count = 0;
  for (std::int64_t d : out.shape) {
    std::uint64_t u = static_cast<std::uint64_t>(d);
    if (count == 0)
      break;
    if (count > std::numeric_limits<std::uint64_t>::max() / elem_size / u)
      throw Error(path + ": shape " + detail::npy_format_shape(out.shape) + " is too large");
    count *= u;
  }
  std::uint64_t expected = count * elem_size;

  // Read what the file holds, up to one byte past the expected size, growing only as data arrives.
  std::vector<unsigned char> bytes;
  std::uint64_t found = 0;
  for (;;) {
    std::size_t want = 1 << 20;
    if (found + want > expected + 1)
      want = static_cast<std::size_t>(expected + 1 - found);
    if (want == 0)
      break;
    bytes.resize(static_cast<std::size_t>(found) + want);
    std::size_t n = detail::npy_read_some(f, path, bytes.data() + found, want);
    found += n;
    if (n < want)
      break;
  }
  if (found != expected) {
    if (found > expected) { // count what lies beyond, for the message
      unsigned char chunk[4096];
      std::size_t n;
      while ((n = detail::npy_read_some(f, path, chunk, sizeof chunk)) > 0)
        found += n;
    }
    throw Error(path + ": expected " + std::to_string(expected) + " bytes of data, found " +
                std::to_string(found));
  }
  out.data.resize(static_cast<std::size_t>(count));
  for (std::size_t i = 0; i < out.data.size(); ++i) {
    if (elem_size == 4) {
      float v;
      std::memcpy(&v, bytes.data() + 4 * i, 4);
      out.data[i] = v;
    } else {
      std::memcpy(&out.data[i], bytes.data() + 8 * i, 8);
    }
  }
  return out;
}

inline void write_npy(const std::string &path, const std::vector<std::int64_t> &shape,
                      const float *data) {
  detail::npy_write(path, shape, data, "<f4", 4);
}

inline void write_npy(const std::string &path, const std::vector<std::int64_t> &shape,
                      const double *data) {
  detail::npy_write(path, shape, data, "<f8", 8);
}

} // namespace netc
