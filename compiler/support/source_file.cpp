#include "support/source_file.h"

#include <llvm/Support/ConvertUTF.h>
#include <llvm/Support/FileSystem.h>

#include <fmt/format.h>

namespace netc {

namespace {

std::string too_large(uint64_t size) {
  return fmt::format("file is {} bytes; netc reads at most {} MiB ({} bytes)", size,
                     kMaxSourceBytes >> 20, kMaxSourceBytes);
}

// The encoding a byte-order mark or the NUL bytes of the first characters (ASCII ones) give
// away; null for none. UTF-32 before UTF-16: "FF FE 00 00" starts with UTF-16LE's mark.
const char *wide_encoding(llvm::StringRef text) {
  auto starts = [&](std::initializer_list<int> bytes) {
    if (text.size() < bytes.size())
      return false;
    size_t i = 0;
    for (int b : bytes) {
      unsigned char c = text[i++];
      if (b >= 0 ? c != b : c == 0) // -1: any byte but NUL
        return false;
    }
    return true;
  };
  if (starts({0xFF, 0xFE, 0, 0}) || starts({-1, 0, 0, 0}))
    return "UTF-32LE";
  if (starts({0, 0, 0xFE, 0xFF}) || starts({0, 0, 0, -1}))
    return "UTF-32BE";
  if (starts({0xFF, 0xFE}) || starts({-1, 0, -1, 0}))
    return "UTF-16LE";
  if (starts({0xFE, 0xFF}) || starts({0, -1, 0, -1}))
    return "UTF-16BE";
  return nullptr;
}

} // namespace

size_t utf8_bom_length(llvm::StringRef text) {
  return text.startswith("\xEF\xBB\xBF") ? 3 : 0;
}

SourceFile read_source_file(llvm::StringRef path) {
  llvm::sys::fs::file_status status;
  if (std::error_code ec = llvm::sys::fs::status(path, status))
    return {nullptr, ec.message()};
  if (status.type() != llvm::sys::fs::file_type::regular_file)
    return {nullptr, "not a regular file"};
  if (status.getSize() > kMaxSourceBytes)
    return {nullptr, too_large(status.getSize())};
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return {nullptr, buffer.getError().message()};
  llvm::StringRef text = (*buffer)->getBuffer();
  if (text.size() > kMaxSourceBytes) // it grew since the status
    return {nullptr, too_large(text.size())};
  if (size_t bom = utf8_bom_length(text))
    return {llvm::MemoryBuffer::getMemBufferCopy(text.drop_front(bom), path), ""};
  return {std::move(*buffer), ""};
}

std::optional<TextProblem> find_text_problem(llvm::StringRef text) {
  if (text.size() > kMaxSourceBytes)
    return TextProblem{0, too_large(text.size())};
  if (const char *encoding = wide_encoding(text))
    return TextProblem{0, fmt::format("file is {}; netc reads UTF-8", encoding)};
  if (size_t nul = text.find('\0'); nul != llvm::StringRef::npos)
    return TextProblem{nul, fmt::format("file is not text: NUL byte at offset {}", nul)};
  const auto *begin = reinterpret_cast<const llvm::UTF8 *>(text.begin());
  const auto *end = reinterpret_cast<const llvm::UTF8 *>(text.end());
  const llvm::UTF8 *at = begin + utf8_bom_length(text);
  if (llvm::isLegalUTF8String(&at, end))
    return std::nullopt;
  return TextProblem{static_cast<size_t>(at - begin),
                     fmt::format("invalid UTF-8 (byte 0x{:02X}); netc reads UTF-8", *at)};
}

} // namespace netc
