// Reads and writes safetensors files: an 8-byte little-endian header length N, N bytes of JSON
// naming each tensor's dtype, shape and byte range, then the data. Weights come from users, so
// nothing in a file is trusted before it is checked: a hostile or truncated file ends in a
// netc::Error that names the file, the tensor and what is wrong, never in a read out of bounds.
// Header-only C++17: generated code ships it.
#pragma once

#include "netc/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// -DNETC_SAFETENSORS_MMAP=0 reads files into memory even where mmap exists.
#ifndef NETC_SAFETENSORS_MMAP
#if defined(__unix__) || defined(__APPLE__)
#define NETC_SAFETENSORS_MMAP 1
#else
#define NETC_SAFETENSORS_MMAP 0
#endif
#endif
#if NETC_SAFETENSORS_MMAP
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

// Tensor data is little-endian and read_f32 copies it as it lies.
#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) &&                                    \
    __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#error "netc/safetensors.hpp needs a little-endian host"
#endif

namespace netc {

struct TensorInfo {
  std::string name;
  std::string dtype; // "F32", "I64", ...
  std::vector<std::int64_t> shape;
  const unsigned char *data = nullptr; // into the mapping/buffer; not necessarily aligned
  std::size_t size_bytes = 0;
};

// One tensor a network expects: rank <= 4.
struct TensorSpec {
  const char *name;
  int rank;
  std::int64_t dims[4];
};

struct TensorToWrite {
  std::string name;
  std::vector<std::int64_t> shape;
  const float *data;
};

namespace detail {

// The reference implementation's limit; a larger header is taken for garbage.
inline constexpr std::uint64_t kMaxHeaderBytes = 100000000;

struct DtypeInfo {
  std::string_view name;
  std::size_t size;
  bool floating;
};

// PyTorch's integer buffers that netc does not model: check_tensors lets them be, under their
// own name only (an unexpected integer tensor elsewhere is refused like any other).
inline bool is_skipped_buffer(std::string_view name, const DtypeInfo *dtype) {
  constexpr std::string_view kSuffix = "num_batches_tracked";
  if (dtype == nullptr || dtype->floating || name.size() < kSuffix.size() ||
      name.substr(name.size() - kSuffix.size()) != kSuffix)
    return false;
  return name.size() == kSuffix.size() || name[name.size() - kSuffix.size() - 1] == '.';
}

inline const DtypeInfo *find_dtype(std::string_view name) {
  static constexpr DtypeInfo kDtypes[] = {
      {"F64", 8, true},     {"F32", 4, true},     {"F16", 2, true},     {"BF16", 2, true},
      {"F8_E4M3", 1, true}, {"F8_E5M2", 1, true}, {"F8_E8M0", 1, true}, {"C64", 8, true},
      {"I64", 8, false},    {"I32", 4, false},    {"I16", 2, false},    {"I8", 1, false},
      {"U64", 8, false},    {"U32", 4, false},    {"U16", 2, false},    {"U8", 1, false},
      {"BOOL", 1, false}};
  for (const DtypeInfo &d : kDtypes)
    if (d.name == name)
      return &d;
  return nullptr;
}

inline void append_hex_byte(std::string &out, unsigned char c) {
  static const char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

// A name as messages show it: quoted, control bytes escaped, cut after 200 bytes so that a
// hostile header cannot flood the terminal.
inline std::string quote(std::string_view s) {
  constexpr std::size_t kMax = 200;
  std::size_t n = s.size();
  bool cut = false;
  if (n > kMax) {
    n = kMax;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
      --n; // do not split a UTF-8 sequence
    cut = true;
  }
  std::string out = "'";
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f)
      append_hex_byte(out, c);
    else
      out += static_cast<char>(c);
  }
  if (cut)
    out += "...";
  out += "'";
  return out;
}

// "[2, 3]"; a hostile rank in the millions shows its first dims and its rank.
inline std::string format_dims(const std::int64_t *dims, std::size_t rank) {
  constexpr std::size_t kMaxShown = 8;
  std::string out = "[";
  for (std::size_t i = 0; i < rank && i < kMaxShown; ++i) {
    if (i > 0)
      out += ", ";
    out += std::to_string(dims[i]);
  }
  if (rank > kMaxShown)
    out += ", ... (" + std::to_string(rank) + " dims)";
  return out + "]";
}

inline std::string format_dims(const std::vector<std::int64_t> &dims) {
  return format_dims(dims.data(), dims.size());
}

inline std::string byte_count(std::uint64_t n) {
  return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

inline std::string format_range(std::int64_t begin, std::int64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
}

// Bytes a tensor of this shape takes; false when that does not fit in 64 bits. Dims are >= 0.
inline bool tensor_bytes(const std::vector<std::int64_t> &shape, std::size_t elem_size,
                         std::uint64_t &bytes) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  for (std::int64_t d : shape)
    if (d == 0) {
      bytes = 0;
      return true;
    }
  std::uint64_t n = 1;
  for (std::int64_t d : shape) {
    std::uint64_t u = static_cast<std::uint64_t>(d);
    if (n > kMax / u)
      return false;
    n *= u;
  }
  if (n > kMax / elem_size)
    return false;
  bytes = n * elem_size;
  return true;
}

// A tensor as the header describes it, before its bytes are located.
struct HeaderEntry {
  std::string name;
  std::string dtype;
  std::vector<std::int64_t> shape;
  std::int64_t begin = 0, end = 0;
};

// A strict parser for exactly what a safetensors header holds: one object of tensor entries
// ({"dtype": string, "shape": [int...], "data_offsets": [int, int]}) and an optional
// "__metadata__" object of strings. It follows that schema rather than building a document, so
// nesting stays 3 deep and memory stays a small multiple of the header. Text that is not JSON is
// "not valid JSON at byte K" (K counts from the header's first byte); JSON that does not belong
// (a float, true, a nested array) names the tensor and the field.
class HeaderParser {
public:
  HeaderParser(std::string_view text, const std::string &label) : text_(text), label_(label) {}

  void parse(std::vector<HeaderEntry> &entries,
             std::vector<std::pair<std::string, std::string>> &metadata) {
    expect('{');
    std::set<std::string> keys;
    if (!consume_if('}')) {
      for (;;) {
        std::size_t key_at = next_pos();
        std::string key = parse_key();
        if (!keys.insert(key).second)
          fail_at(key_at, "duplicate key " + quote(key));
        expect(':');
        if (key == "__metadata__")
          parse_metadata(metadata);
        else
          entries.push_back(parse_entry(std::move(key)));
        if (consume_if('}'))
          break;
        expect_separator('}');
      }
    }
    skip_ws();
    if (pos_ < text_.size())
      fail_syntax(pos_, "unexpected " + describe(pos_) + " after the header object");
  }

private:
  std::string_view text_;
  const std::string &label_;
  std::size_t pos_ = 0;

  [[noreturn]] void fail_syntax(std::size_t at, const std::string &what) const {
    throw Error(label_ + ": header is not valid JSON at byte " + std::to_string(at) + ": " + what);
  }
  // Valid JSON that a safetensors header does not allow.
  [[noreturn]] void fail_at(std::size_t at, const std::string &what) const {
    throw Error(label_ + ": header at byte " + std::to_string(at) + ": " + what);
  }
  [[noreturn]] void fail(const std::string &what) const { throw Error(label_ + ": " + what); }

  std::string describe(std::size_t at) const {
    if (at >= text_.size())
      return "end of header";
    unsigned char c = static_cast<unsigned char>(text_[at]);
    if (c == '\'')
      return "\"'\"";
    if (c > 0x20 && c < 0x7f)
      return std::string("'") + static_cast<char>(c) + "'";
    std::string out = "byte ";
    append_hex_byte(out, c);
    return out;
  }

  void skip_ws() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }
  std::size_t next_pos() {
    skip_ws();
    return pos_;
  }
  int peek() {
    skip_ws();
    return pos_ < text_.size() ? static_cast<unsigned char>(text_[pos_]) : -1;
  }
  bool consume_if(char c) {
    if (peek() != static_cast<unsigned char>(c))
      return false;
    ++pos_;
    return true;
  }
  void expect(char c) {
    if (!consume_if(c))
      fail_syntax(pos_, std::string("expected '") + c + "', found " + describe(pos_));
  }
  void expect_separator(char close) {
    if (!consume_if(','))
      fail_syntax(pos_, std::string("expected ',' or '") + close + "', found " + describe(pos_));
  }
  std::string parse_key() {
    if (peek() != '"')
      fail_syntax(pos_, "expected a string key, found " + describe(pos_));
    return parse_string();
  }

  // What kind of JSON value starts here, for "found ..." in schema errors; text that starts no
  // JSON value is a syntax error.
  std::string value_kind() {
    switch (peek()) {
    case '{':
      return "an object";
    case '[':
      return "an array";
    case '"':
      return "a string";
    case '-':
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9':
      return "a number";
    default:
      break;
    }
    for (const char *word : {"true", "false", "null"})
      if (text_.substr(pos_, std::strlen(word)) == word)
        return word;
    fail_syntax(pos_, "expected a value, found " + describe(pos_));
  }

  unsigned hex4(std::size_t at) {
    if (text_.size() - at < 4)
      fail_syntax(at, "unterminated \\u escape");
    unsigned v = 0;
    for (std::size_t i = at; i < at + 4; ++i) {
      char c = text_[i];
      unsigned d;
      if (c >= '0' && c <= '9')
        d = static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        d = static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        d = static_cast<unsigned>(c - 'A' + 10);
      else
        fail_syntax(i, "bad hex digit " + describe(i) + " in \\u escape");
      v = v * 16 + d;
    }
    return v;
  }

  static void append_utf8(std::string &out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // Length of the well-formed UTF-8 sequence at `at` (no overlongs, surrogates or code points
  // past U+10FFFF), or 0.
  std::size_t utf8_length(std::size_t at) const {
    auto byte = [&](std::size_t i) -> unsigned {
      return i < text_.size() ? static_cast<unsigned char>(text_[i]) : 0u;
    };
    unsigned c = byte(at);
    std::size_t n;
    unsigned lo = 0x80, hi = 0xBF; // range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      if (c == 0xE0)
        lo = 0xA0;
      if (c == 0xED)
        hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      if (c == 0xF0)
        lo = 0x90;
      if (c == 0xF4)
        hi = 0x8F;
    } else {
      return 0;
    }
    if (byte(at + 1) < lo || byte(at + 1) > hi)
      return 0;
    for (std::size_t i = 2; i < n; ++i)
      if ((byte(at + i) & 0xC0) != 0x80)
        return 0;
    return n;
  }

  std::string parse_string() {
    std::size_t start = pos_;
    ++pos_; // the opening quote
    std::string out;
    for (;;) {
      if (pos_ >= text_.size())
        fail_syntax(start, "unterminated string");
      unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return out;
      }
      if (c < 0x20)
        fail_syntax(pos_, "unescaped control character " + describe(pos_) + " in a string");
      if (c >= 0x80) {
        std::size_t n = utf8_length(pos_);
        if (n == 0)
          fail_syntax(pos_, "invalid UTF-8 " + describe(pos_) + " in a string");
        out.append(text_.substr(pos_, n));
        pos_ += n;
        continue;
      }
      if (c != '\\') {
        out += static_cast<char>(c);
        ++pos_;
        continue;
      }
      std::size_t esc = pos_;
      if (pos_ + 1 >= text_.size())
        fail_syntax(start, "unterminated string");
      char e = text_[pos_ + 1];
      pos_ += 2;
      switch (e) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        unsigned cp = hex4(pos_);
        pos_ += 4;
        if (cp >= 0xDC00 && cp <= 0xDFFF)
          fail_syntax(esc, "unpaired surrogate in \\u escape");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          if (text_.substr(pos_, 2) != "\\u")
            fail_syntax(esc, "unpaired surrogate in \\u escape");
          unsigned low = hex4(pos_ + 2);
          if (low < 0xDC00 || low > 0xDFFF)
            fail_syntax(esc, "unpaired surrogate in \\u escape");
          pos_ += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        append_utf8(out, cp);
        break;
      }
      default:
        fail_syntax(esc, "invalid escape: backslash followed by " + describe(esc + 1));
      }
    }
  }

  std::int64_t parse_integer() {
    std::size_t start = pos_;
    bool negative = text_[pos_] == '-';
    if (negative)
      ++pos_;
    if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9')
      fail_syntax(pos_, "expected a digit, found " + describe(pos_));
    if (text_[pos_] == '0' && pos_ + 1 < text_.size() && text_[pos_ + 1] >= '0' &&
        text_[pos_ + 1] <= '9')
      fail_syntax(start, "leading zero in a number");
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    std::int64_t v = 0;
    bool too_big = false;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      int d = text_[pos_] - '0';
      if (v > (kMax - d) / 10)
        too_big = true;
      else
        v = v * 10 + d;
      ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E'))
      fail_at(start, "expected an integer, found a number with a fraction or an exponent");
    if (too_big)
      fail_at(start, "integer out of range");
    return negative ? -v : v;
  }

  void parse_metadata(std::vector<std::pair<std::string, std::string>> &metadata) {
    if (peek() != '{')
      fail("__metadata__ must be an object of strings, found " + value_kind());
    ++pos_;
    std::set<std::string> keys;
    if (consume_if('}'))
      return;
    for (;;) {
      std::size_t key_at = next_pos();
      std::string key = parse_key();
      if (!keys.insert(key).second)
        fail_at(key_at, "duplicate key " + quote(key) + " in __metadata__");
      expect(':');
      if (peek() != '"')
        fail("__metadata__ " + quote(key) + " must be a string, found " + value_kind());
      metadata.emplace_back(std::move(key), parse_string());
      if (consume_if('}'))
        return;
      expect_separator('}');
    }
  }

  std::vector<std::int64_t> parse_integers(const std::string &what, std::size_t max_count) {
    if (peek() != '[')
      fail(what + " must be an array of integers, found " + value_kind());
    ++pos_;
    std::vector<std::int64_t> out;
    if (consume_if(']'))
      return out;
    for (;;) {
      int c = peek();
      if (c != '-' && (c < '0' || c > '9'))
        fail(what + " must be an array of integers, found " + value_kind() + " in it");
      if (out.size() == max_count)
        fail(what + " must hold " + std::to_string(max_count) + " integers, found more");
      out.push_back(parse_integer());
      if (consume_if(']'))
        return out;
      expect_separator(']');
    }
  }

  HeaderEntry parse_entry(std::string name) {
    HeaderEntry entry;
    entry.name = std::move(name);
    std::string where = "tensor " + quote(entry.name);
    if (peek() != '{')
      fail(where + ": expected an object with dtype, shape and data_offsets, found " +
           value_kind());
    ++pos_;
    bool have_dtype = false, have_shape = false, have_offsets = false;
    if (!consume_if('}')) {
      for (;;) {
        std::size_t key_at = next_pos();
        std::string key = parse_key();
        expect(':');
        bool *seen = key == "dtype"          ? &have_dtype
                     : key == "shape"        ? &have_shape
                     : key == "data_offsets" ? &have_offsets
                                             : nullptr;
        if (seen == nullptr)
          fail(where + ": unknown field " + quote(key));
        if (*seen)
          fail_at(key_at, "duplicate key " + quote(key) + " in tensor " + quote(entry.name));
        *seen = true;
        if (key == "dtype") {
          if (peek() != '"')
            fail(where + ": dtype must be a string, found " + value_kind());
          entry.dtype = parse_string();
        } else if (key == "shape") {
          entry.shape = parse_integers(where + ": shape", std::numeric_limits<std::size_t>::max());
        } else {
          std::vector<std::int64_t> offsets = parse_integers(where + ": data_offsets", 2);
          if (offsets.size() != 2)
            fail(where + ": data_offsets must hold 2 integers, found " +
                 std::to_string(offsets.size()));
          entry.begin = offsets[0];
          entry.end = offsets[1];
        }
        if (consume_if('}'))
          break;
        expect_separator('}');
      }
    }
    if (!have_dtype)
      fail(where + ": missing field 'dtype'");
    if (!have_shape)
      fail(where + ": missing field 'shape'");
    if (!have_offsets)
      fail(where + ": missing field 'data_offsets'");
    return entry;
  }
};

inline std::uint64_t read_u64_le(const unsigned char *p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}

inline std::string errno_text(int err) {
  return std::strerror(err);
}

// The whole file in memory, for hosts without mmap (and for tests of that path).
inline std::vector<unsigned char> read_whole_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw Error(path + ": cannot open: " + errno_text(errno));
  std::vector<unsigned char> out;
  char chunk[65536];
  while (in) {
    in.read(chunk, sizeof chunk);
    out.insert(out.end(), chunk, chunk + in.gcount());
  }
  if (in.bad())
    throw Error(path + ": cannot read: " + errno_text(errno));
  return out;
}

} // namespace detail

// A parsed, validated safetensors file. Move-only; owns an mmap (POSIX) or a read copy
// (elsewhere), or borrows the caller's bytes (view). Where it is mapped, a file another process
// truncates while it is open still ends the process with SIGBUS, as any mmap does.
class SafetensorsFile {
public:
  static SafetensorsFile open(const std::string &path) {
    SafetensorsFile file;
    file.label_ = path;
#if NETC_SAFETENSORS_MMAP
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      throw Error(path + ": cannot open: " + detail::errno_text(errno));
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      throw Error(path + ": cannot open: " + detail::errno_text(err));
    }
    if (!S_ISREG(st.st_mode)) { // a pipe or a device has no size to map
      ::close(fd);
      throw Error(path + (S_ISDIR(st.st_mode) ? ": is a directory" : ": not a regular file"));
    }
    std::size_t size = static_cast<std::size_t>(st.st_size);
    if (size < 8) { // parse refuses it without reading a byte; mmap would refuse 0 bytes
      ::close(fd);
      file.parse(nullptr, size);
    }
    void *map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    int err = errno;
    ::close(fd); // the mapping keeps the file open
    if (map == MAP_FAILED)
      throw Error(path + ": cannot map: " + detail::errno_text(err));
    file.map_ = map;
    file.map_size_ = size;
    file.parse(static_cast<const unsigned char *>(map), size);
#else
    file.copy_ = detail::read_whole_file(path);
    file.parse(file.copy_.data(), file.copy_.size());
#endif
    return file;
  }

  static SafetensorsFile view(const void *data, std::size_t size, std::string label) {
    if (data == nullptr && size != 0)
      throw Error(label + ": null pointer given for " + detail::byte_count(size) + " of weights");
    SafetensorsFile file;
    file.label_ = std::move(label);
    file.parse(static_cast<const unsigned char *>(data), size);
    return file;
  }

  SafetensorsFile(SafetensorsFile &&other) noexcept {
    swap(other);
  }
  SafetensorsFile &operator=(SafetensorsFile &&other) noexcept {
    if (this != &other) {
      SafetensorsFile(std::move(other)).swap(*this);
    }
    return *this;
  }
  SafetensorsFile(const SafetensorsFile &) = delete;
  SafetensorsFile &operator=(const SafetensorsFile &) = delete;
  ~SafetensorsFile() {
#if NETC_SAFETENSORS_MMAP
    if (map_ != nullptr)
      ::munmap(map_, map_size_);
#endif
  }

  const std::string &label() const {
    return label_;
  }
  const std::vector<TensorInfo> &tensors() const {
    return tensors_;
  }
  const std::vector<std::pair<std::string, std::string>> &metadata() const {
    return metadata_;
  }

  const TensorInfo *find(std::string_view name) const {
    auto it = std::lower_bound(
        by_name_.begin(), by_name_.end(), name,
        [&](std::size_t i, std::string_view n) { return std::string_view(tensors_[i].name) < n; });
    if (it == by_name_.end() || tensors_[*it].name != name)
      return nullptr;
    return &tensors_[*it];
  }

private:
  SafetensorsFile() = default;

  void swap(SafetensorsFile &other) noexcept {
    std::swap(label_, other.label_);
    std::swap(tensors_, other.tensors_);
    std::swap(by_name_, other.by_name_);
    std::swap(metadata_, other.metadata_);
    std::swap(copy_, other.copy_);
    std::swap(map_, other.map_);
    std::swap(map_size_, other.map_size_);
  }

  void parse(const unsigned char *bytes, std::size_t size) {
    const std::string &l = label_;
    if (size == 0)
      throw Error(l + ": empty file (0 bytes)");
    if (size < 8)
      throw Error(l + ": truncated file: " + detail::byte_count(size) +
                  ", too short for the 8-byte header length");
    std::uint64_t n = detail::read_u64_le(bytes);
    std::uint64_t follow = size - 8;
    if (n > detail::kMaxHeaderBytes) {
      if (std::memcmp(bytes, "PK\x03\x04", 4) == 0)
        throw Error(l + ": a zip archive (a PyTorch checkpoint?), not a safetensors file");
      throw Error(l + ": header length " + std::to_string(n) + " exceeds the limit of " +
                  std::to_string(detail::kMaxHeaderBytes) + " bytes (not a safetensors file?)");
    }
    if (n > follow)
      throw Error(l + ": truncated file: header says " + detail::byte_count(n) + " but only " +
                  std::to_string(follow) + " follow");
    std::string_view text(reinterpret_cast<const char *>(bytes + 8), static_cast<std::size_t>(n));
    const unsigned char *data = bytes + 8 + n;
    std::size_t data_size = static_cast<std::size_t>(follow - n);

    std::vector<detail::HeaderEntry> entries;
    detail::HeaderParser(text, l).parse(entries, metadata_);

    tensors_.reserve(entries.size());
    for (detail::HeaderEntry &e : entries) {
      std::string where = l + ": tensor " + detail::quote(e.name) + ": ";
      const detail::DtypeInfo *dtype = detail::find_dtype(e.dtype);
      if (dtype == nullptr)
        throw Error(where + "unknown dtype " + detail::quote(e.dtype));
      for (std::int64_t d : e.shape)
        if (d < 0)
          throw Error(where + "shape " + detail::format_dims(e.shape) +
                      " has a negative dimension");
      std::string range = detail::format_range(e.begin, e.end);
      if (e.begin < 0 || e.end < 0)
        throw Error(where + "data_offsets " + range + " are negative");
      if (e.begin > e.end)
        throw Error(where + "data_offsets " + range + " end before they begin");
      if (static_cast<std::uint64_t>(e.end) > data_size)
        throw Error(where + "data_offsets " + range + " lie outside the data (" +
                    detail::byte_count(data_size) + ")");
      std::uint64_t bytes_needed = 0;
      if (!detail::tensor_bytes(e.shape, dtype->size, bytes_needed))
        throw Error(where + "shape " + detail::format_dims(e.shape) + " of " + e.dtype +
                    " is too large");
      std::uint64_t span = static_cast<std::uint64_t>(e.end - e.begin);
      if (bytes_needed != span)
        throw Error(where + "shape " + detail::format_dims(e.shape) + " of " + e.dtype + " needs " +
                    detail::byte_count(bytes_needed) + " but data_offsets " + range + " hold " +
                    std::to_string(span));
      TensorInfo t;
      t.name = std::move(e.name);
      t.dtype = std::move(e.dtype);
      t.shape = std::move(e.shape);
      t.data = data + e.begin;
      t.size_bytes = static_cast<std::size_t>(span);
      tensors_.push_back(std::move(t));
    }

    // The tensors must tile the data exactly: no overlap, no gap, nothing after the last one.
    std::vector<std::size_t> order(entries.size());
    for (std::size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    auto begin_of = [&](std::size_t i) { return entries[i].begin; };
    auto end_of = [&](std::size_t i) { return entries[i].end; };
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::make_pair(begin_of(a), end_of(a)) < std::make_pair(begin_of(b), end_of(b));
    });
    std::int64_t covered = 0;
    for (std::size_t k = 0; k < order.size(); ++k) {
      std::size_t i = order[k];
      if (begin_of(i) < covered) {
        std::size_t p = order[k - 1]; // covered > 0, so there is one before
        throw Error(l + ": tensors " + detail::quote(tensors_[p].name) + " " +
                    detail::format_range(begin_of(p), end_of(p)) + " and " +
                    detail::quote(tensors_[i].name) + " " +
                    detail::format_range(begin_of(i), end_of(i)) + " overlap");
      }
      if (begin_of(i) > covered)
        throw Error(l + ": " +
                    detail::byte_count(static_cast<std::uint64_t>(begin_of(i) - covered)) +
                    " before tensor " + detail::quote(tensors_[i].name) + " " +
                    detail::format_range(begin_of(i), end_of(i)) + " belong to no tensor");
      covered = end_of(i);
    }
    if (static_cast<std::uint64_t>(covered) < data_size)
      throw Error(l + ": " + detail::byte_count(data_size - static_cast<std::uint64_t>(covered)) +
                  " after the last tensor");

    by_name_ = order; // any permutation will do before sorting
    std::sort(by_name_.begin(), by_name_.end(),
              [&](std::size_t a, std::size_t b) { return tensors_[a].name < tensors_[b].name; });
  }

  std::string label_;
  std::vector<TensorInfo> tensors_;
  std::vector<std::size_t> by_name_; // indices into tensors_, sorted by name, for find()
  std::vector<std::pair<std::string, std::string>> metadata_;
  std::vector<unsigned char> copy_; // the bytes, where the file was read rather than mapped
  void *map_ = nullptr;
  std::size_t map_size_ = 0;
};

inline void check_tensors(const SafetensorsFile &file, const TensorSpec *specs, std::size_t count) {
  std::vector<std::string> problems;
  std::set<std::string_view> expected;
  for (std::size_t i = 0; i < count; ++i) {
    const TensorSpec &spec = specs[i];
    if (spec.name == nullptr || spec.rank < 0 || spec.rank > 4)
      throw Error("check_tensors: spec " + std::to_string(i) + " (" +
                  (spec.name ? detail::quote(spec.name) : std::string("no name")) + ") has rank " +
                  std::to_string(spec.rank) + "; ranks 0 to 4 are supported");
    expected.insert(spec.name);
    std::string want = detail::format_dims(spec.dims, static_cast<std::size_t>(spec.rank));
    const TensorInfo *t = file.find(spec.name);
    if (t == nullptr) {
      problems.push_back("  missing tensor " + detail::quote(spec.name) + " " + want);
      continue;
    }
    if (t->dtype != "F32")
      problems.push_back("  tensor " + detail::quote(t->name) + " has dtype " + t->dtype +
                         ", expected F32");
    if (!std::equal(t->shape.begin(), t->shape.end(), spec.dims, spec.dims + spec.rank))
      problems.push_back("  tensor " + detail::quote(t->name) + " has shape " +
                         detail::format_dims(t->shape) + " but the network expects " + want);
  }
  for (const TensorInfo &t : file.tensors()) {
    if (expected.count(t.name) != 0)
      continue;
    if (!detail::is_skipped_buffer(t.name, detail::find_dtype(t.dtype)))
      problems.push_back("  unexpected tensor " + detail::quote(t.name) + " " +
                         detail::format_dims(t.shape));
  }
  if (problems.empty())
    return;
  constexpr std::size_t kMaxLines = 20;
  std::string message = file.label() + ": weights do not match the network:";
  for (std::size_t i = 0; i < problems.size() && i < kMaxLines; ++i)
    message += "\n" + problems[i];
  if (problems.size() > kMaxLines)
    message += "\n  ... and " + std::to_string(problems.size() - kMaxLines) + " more";
  throw Error(message);
}

// Copies an F32 tensor out. Weights must be finite: a NaN or an infinity would spread through
// every output it touches (and batch-norm folding would hide where it came from), so one is
// refused here, where the generated classes and `netc run` both read their weights, naming the
// tensor and the element.
inline void read_f32(const TensorInfo &tensor, float *dst) {
  if (tensor.dtype != "F32")
    throw Error("tensor " + detail::quote(tensor.name) + " has dtype " + tensor.dtype +
                ", read_f32 needs F32");
  if (tensor.size_bytes == 0)
    return;
  std::memcpy(dst, tensor.data, tensor.size_bytes);
  std::size_t count = tensor.size_bytes / sizeof(float);
  for (std::size_t i = 0; i < count; ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, dst + i, sizeof bits);
    if ((bits & 0x7f800000u) != 0x7f800000u)
      continue;
    std::vector<std::int64_t> index(tensor.shape.size());
    std::size_t rest = i;
    for (std::size_t d = index.size(); d-- > 0;) {
      auto dim = static_cast<std::size_t>(tensor.shape[d]);
      index[d] = static_cast<std::int64_t>(rest % dim);
      rest /= dim;
    }
    const char *what = (bits & 0x007fffffu) != 0 ? "NaN" : (bits >> 31) != 0 ? "-inf" : "inf";
    throw Error("tensor " + detail::quote(tensor.name) + " holds " + what + " at element " +
                std::to_string(i) + " (index " + detail::format_dims(index) +
                "); weights must be finite");
  }
}

namespace detail {

// JSON string as serde_json writes it (the reference writer): quotes, backslashes and control
// characters escaped, everything else as it is.
inline void append_json_string(std::string &out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (c < 0x20) {
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  out += '"';
}

inline std::string json_integers(const std::vector<std::int64_t> &values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0)
      out += ',';
    out += std::to_string(values[i]);
  }
  return out + "]";
}

// Writes the pieces in order; on failure removes the half-written file and throws.
inline void write_file(const std::string &path,
                       const std::vector<std::pair<const void *, std::size_t>> &pieces) {
  std::FILE *f = std::fopen(path.c_str(), "wb");
  if (f == nullptr)
    throw Error(path + ": cannot write: " + errno_text(errno));
  int err = 0;
  for (const auto &piece : pieces)
    if (piece.second != 0 && std::fwrite(piece.first, 1, piece.second, f) != piece.second) {
      err = errno;
      break;
    }
  if (std::fclose(f) != 0 && err == 0)
    err = errno != 0 ? errno : EIO;
  if (err != 0) {
    std::remove(path.c_str());
    throw Error(path + ": cannot write: " + errno_text(err));
  }
}

} // namespace detail

inline void
write_safetensors(const std::string &path, const std::vector<TensorToWrite> &tensors,
                  const std::vector<std::pair<std::string, std::string>> &metadata = {}) {
  // The reference writer puts __metadata__ first and uses no spaces.
  std::string header = "{";
  if (!metadata.empty()) {
    std::set<std::string_view> keys;
    header += "\"__metadata__\":{";
    for (std::size_t i = 0; i < metadata.size(); ++i) {
      if (!keys.insert(metadata[i].first).second)
        throw Error(path + ": metadata key " + detail::quote(metadata[i].first) + " appears twice");
      if (i > 0)
        header += ',';
      detail::append_json_string(header, metadata[i].first);
      header += ':';
      detail::append_json_string(header, metadata[i].second);
    }
    header += '}';
  }
  std::set<std::string_view> names;
  std::vector<std::pair<const void *, std::size_t>> pieces(2);
  std::uint64_t offset = 0;
  for (const TensorToWrite &t : tensors) {
    std::string where = path + ": tensor " + detail::quote(t.name);
    if (t.name == "__metadata__" || !names.insert(t.name).second)
      throw Error(where + (t.name == "__metadata__" ? " is a reserved name" : " appears twice"));
    for (std::int64_t d : t.shape)
      if (d < 0)
        throw Error(where + ": shape " + detail::format_dims(t.shape) +
                    " has a negative dimension");
    std::uint64_t bytes = 0;
    if (!detail::tensor_bytes(t.shape, 4, bytes) ||
        bytes > std::numeric_limits<std::size_t>::max() - offset)
      throw Error(where + ": shape " + detail::format_dims(t.shape) + " is too large");
    if (bytes != 0 && t.data == nullptr)
      throw Error(where + ": no data");
    if (header.size() > 1)
      header += ',';
    detail::append_json_string(header, t.name);
    header += ":{\"dtype\":\"F32\",\"shape\":" + detail::json_integers(t.shape) +
              ",\"data_offsets\":[" + std::to_string(offset) + "," +
              std::to_string(offset + bytes) + "]}";
    offset += bytes;
    pieces.emplace_back(t.data, static_cast<std::size_t>(bytes));
  }
  header += '}';
  header.append((8 - header.size() % 8) % 8, ' ');
  unsigned char length[8];
  for (int i = 0; i < 8; ++i)
    length[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(header.size()) >> (8 * i));
  pieces[0] = {length, 8};
  pieces[1] = {header.data(), header.size()};
  detail::write_file(path, pieces);
}

} // namespace netc
