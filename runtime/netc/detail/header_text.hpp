// The text of a file's header as the runtime's readers walk it: the safetensors JSON header
// (detail/safetensors_header.hpp) and the .npy Python-dict header (npy.hpp). A cursor with the
// few moves both grammars share, and how a byte of hostile text is shown in a message.
#pragma once

#include "netc/error.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace netc {
namespace detail {

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

// A position in header text. Readers derive from it; a syntax error is thrown as
// "<syntax_error><byte offset>: <what>", the offset counted from the header's first byte.
class HeaderText {
protected:
  HeaderText(std::string_view text, std::string syntax_error)
      : text_(text), syntax_error_(std::move(syntax_error)) {}

  std::string_view text_;
  std::size_t pos_ = 0;

  [[noreturn]] void fail_syntax(std::size_t at, const std::string &what) const {
    throw Error(syntax_error_ + std::to_string(at) + ": " + what);
  }

  // The byte at `at` as a message shows it: 'x', "'", byte \x07, or end of header.
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
  // The next byte after white space, or -1 at the end.
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

private:
  std::string syntax_error_;
};

} // namespace detail
} // namespace netc
