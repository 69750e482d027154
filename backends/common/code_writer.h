// Emitting code a line at a time with indentation, through fmt: what every emitter prints with.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace netc {

class CodeWriter {
public:
  // Spaces per level: 2 for C++ (clang-format's LLVM style), 4 for Python (PEP 8).
  explicit CodeWriter(int indent_width = 2) : indent_width_(indent_width) {}

  template <class... Args> void line(fmt::format_string<Args...> format, Args &&...args) {
    text_.append(indent_ * indent_width_, ' ');
    text_ += fmt::format(format, std::forward<Args>(args)...);
    text_ += '\n';
  }
  void line() { text_ += '\n'; }
  // An access label ("public:"), one level out as clang-format puts it.
  void label(std::string_view s) {
    text_.append(indent_ * indent_width_ - 1, ' ');
    text_ += s;
    text_ += '\n';
  }
  // A line taken as it is (braces and all), indented.
  void code(std::string_view s) {
    text_.append(indent_ * indent_width_, ' ');
    text_ += s;
    text_ += '\n';
  }
  // Raw text, already laid out.
  void text(const std::string &s) { text_ += s; }
  template <class... Args> void open(fmt::format_string<Args...> format, Args &&...args) {
    line(format, std::forward<Args>(args)...);
    ++indent_;
  }
  // A level in and out without a closing line: Python's blocks.
  void indent() { ++indent_; }
  void dedent() { --indent_; }
  void close(const char *closing = "}") {
    --indent_;
    line("{}", closing);
  }
  const std::string &str() const { return text_; }

private:
  std::string text_;
  int indent_width_;
  int indent_ = 0;
};

} // namespace netc
