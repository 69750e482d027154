#include "support/json_writer.h"

#include <llvm/Support/ConvertUTF.h>
#include <llvm/Support/Format.h>

#include <cassert>

namespace netc {

void JsonWriter::newline() {
  os_ << '\n';
  os_.indent(static_cast<unsigned>(has_items_.size() * indent_));
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (has_items_.empty())
    return;
  if (has_items_.back())
    os_ << ',';
  has_items_.back() = true;
  newline();
}

void JsonWriter::open(char bracket) {
  before_value();
  os_ << bracket;
  has_items_.push_back(false);
}

void JsonWriter::close(char bracket) {
  assert(!has_items_.empty() && "unbalanced JSON container");
  bool had_items = has_items_.back();
  has_items_.pop_back();
  if (had_items)
    newline();
  os_ << bracket;
}

void JsonWriter::key(std::string_view name) {
  before_value();
  write_string(name);
  os_ << ": ";
  after_key_ = true;
}

void JsonWriter::value(std::string_view text) {
  before_value();
  write_string(text);
}

void JsonWriter::value(int64_t number) {
  before_value();
  os_ << number;
}

void JsonWriter::value(bool flag) {
  before_value();
  os_ << (flag ? "true" : "false");
}

// JSON must be UTF-8: a byte that starts no well-formed sequence (a name in Latin-1, a cut
// sequence) is written as U+FFFD, the replacement character, and the text goes on after it.
void JsonWriter::write_string(std::string_view text) {
  os_ << '"';
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      auto *p = reinterpret_cast<const llvm::UTF8 *>(text.data() + i);
      size_t n = llvm::getNumBytesForUTF8(c);
      if (i + n <= text.size() && llvm::isLegalUTF8Sequence(p, p + n)) {
        os_ << text.substr(i, n);
        i += n - 1;
      } else {
        os_ << "\\ufffd";
      }
      continue;
    }
    switch (c) {
    case '"':
      os_ << "\\\"";
      break;
    case '\\':
      os_ << "\\\\";
      break;
    case '\n':
      os_ << "\\n";
      break;
    case '\r':
      os_ << "\\r";
      break;
    case '\t':
      os_ << "\\t";
      break;
    default:
      if (c < 0x20)
        os_ << llvm::format("\\u%04x", c);
      else
        os_ << c;
    }
  }
  os_ << '"';
}

} // namespace netc
