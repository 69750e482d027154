#include "common/naming.h"

#include <array>
#include <cctype>

namespace netc {

std::string class_name(std::string_view network) {
  std::string out;
  bool word_start = true;
  for (char c : network) {
    if (c == '_') {
      word_start = true;
      continue;
    }
    if (word_start && !out.empty() && std::isdigit(static_cast<unsigned char>(c)))
      out += '_';
    out += word_start ? char(std::toupper(static_cast<unsigned char>(c))) : c;
    word_start = false;
  }
  return out;
}

std::string parameter_name(std::string_view name) {
  static const std::array<std::string_view, 24> reserved = {
      "arena", "weights", "inputs", "outputs", "stream", "int",    "float",  "double",
      "char",  "long",    "short",  "auto",    "class",  "struct", "new",    "delete",
      "this",  "return",  "if",     "else",    "for",    "while",  "switch", "default"};
  for (std::string_view r : reserved)
    if (r == name)
      return std::string(name) + "_";
  return std::string(name);
}

} // namespace netc
