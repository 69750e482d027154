// Reading DSL source: the one place that decides what netc accepts as a .netc file. A file is
// read only if it is a regular file of at most kMaxSourceBytes (a FIFO or /dev/zero would be
// read until memory runs out); its text must be UTF-8, a UTF-8 byte-order mark allowed.
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/MemoryBuffer.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace netc {

inline constexpr uint64_t kMaxSourceBytes = uint64_t{16} << 20;

struct SourceFile {
  std::unique_ptr<llvm::MemoryBuffer> buffer; // null when the file could not be read
  std::string error;                          // why not: "not a regular file", ...
};

// Reads `path` as DSL source, a UTF-8 byte-order mark removed. The text is not checked here:
// find_text_problem() reports its problems with a location.
SourceFile read_source_file(llvm::StringRef path);

// 3 if `text` starts with a UTF-8 byte-order mark, else 0.
size_t utf8_bom_length(llvm::StringRef text);

struct TextProblem {
  size_t offset; // where in the text
  std::string message;
};

// The first reason `text` is not DSL source, if any: over kMaxSourceBytes (an import is read
// before it is lexed), a UTF-16 or UTF-32 encoding (seen by its byte-order mark or by the NUL
// bytes of its first characters), a NUL byte, invalid UTF-8.
std::optional<TextProblem> find_text_problem(llvm::StringRef text);

} // namespace netc
