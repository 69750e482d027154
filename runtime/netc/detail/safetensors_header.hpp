// The safetensors header reader: the JSON between the length and the data, read into one entry
// per tensor and the metadata. Used by netc/safetensors.hpp; nothing else needs it.
#pragma once

#include "netc/detail/header_text.hpp"
#include "netc/error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace netc {
namespace detail {

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
class HeaderParser : HeaderText {
public:
  HeaderParser(std::string_view text, const std::string &label)
      : HeaderText(text, label + ": header is not valid JSON at byte "), label_(label) {}

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
  const std::string &label_;

  // Valid JSON that a safetensors header does not allow.
  [[noreturn]] void fail_at(std::size_t at, const std::string &what) const {
    throw Error(label_ + ": header at byte " + std::to_string(at) + ": " + what);
  }
  [[noreturn]] void fail(const std::string &what) const { throw Error(label_ + ": " + what); }

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

} // namespace detail
} // namespace netc
