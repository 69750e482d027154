// A small streaming JSON writer with pretty-printing, for `--format=json` output.
// (LLVM 14's llvm/Support/JSON.h does not compile with clang 14 in C++20 mode against
// libstdc++ 12, which the fuzzing build needs.)
#pragma once

#include <llvm/Support/raw_ostream.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace netc {

class JsonWriter {
public:
  explicit JsonWriter(llvm::raw_ostream &os, int indent = 1) : os_(os), indent_(indent) {}
  ~JsonWriter() { os_ << "\n"; }

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  // Inside an object: the key of the next value.
  void key(std::string_view name);
  // Inside an object: a key and its value.
  template <class T> void field(std::string_view name, const T &v) {
    key(name);
    value(v);
  }

  void value(std::string_view text);
  void value(const char *text) { value(std::string_view(text)); }
  void value(int64_t number);
  void value(bool flag);

private:
  void open(char bracket);
  void close(char bracket);
  void before_value();
  void newline();
  void write_string(std::string_view text);

  llvm::raw_ostream &os_;
  int indent_;
  std::vector<bool> has_items_; // per open container
  bool after_key_ = false;
};

} // namespace netc
