#include "support/source_file.h"

#include <doctest/doctest.h>

using namespace netc;

namespace {

std::string problem_of(llvm::StringRef text) {
  std::optional<TextProblem> p = find_text_problem(text);
  return p ? std::to_string(p->offset) + ": " + p->message : "none";
}

// A literal with NUL bytes in it, all of it.
template <size_t N> llvm::StringRef bytes(const char (&text)[N]) {
  return {text, N - 1};
}

} // namespace

TEST_CASE("UTF-8 text, with or without a byte-order mark, has no encoding problem") {
  CHECK(problem_of("network n(x: [3, 8, 8]) { return x }\n") == "none");
  CHECK(problem_of("# caf\xC3\xA9\n") == "none");
  CHECK(problem_of("\xEF\xBB\xBFnetwork") == "none");
  CHECK(problem_of("") == "none");
  CHECK(utf8_bom_length("\xEF\xBB\xBFx") == 3);
  CHECK(utf8_bom_length("x") == 0);
}

TEST_CASE("UTF-16 and UTF-32 are named, by byte-order mark or by the NUL bytes of ASCII") {
  CHECK(problem_of(bytes("\xFF\xFEn\0")) == "0: file is UTF-16LE; netc reads UTF-8");
  CHECK(problem_of(bytes("\xFE\xFF\0n")) == "0: file is UTF-16BE; netc reads UTF-8");
  CHECK(problem_of(bytes("n\0e\0")) == "0: file is UTF-16LE; netc reads UTF-8");
  CHECK(problem_of(bytes("\0n\0e")) == "0: file is UTF-16BE; netc reads UTF-8");
  CHECK(problem_of(bytes("\xFF\xFE\0\0n\0\0\0")) == "0: file is UTF-32LE; netc reads UTF-8");
  CHECK(problem_of(bytes("n\0\0\0")) == "0: file is UTF-32LE; netc reads UTF-8");
  CHECK(problem_of(bytes("\0\0\xFE\xFF")) == "0: file is UTF-32BE; netc reads UTF-8");
  CHECK(problem_of(bytes("\0\0\0n")) == "0: file is UTF-32BE; netc reads UTF-8");
}

TEST_CASE("binary bytes and invalid UTF-8 are found where they first are") {
  CHECK(problem_of(bytes("abc\0def")) == "3: file is not text: NUL byte at offset 3");
  CHECK(problem_of(bytes("\0")) == "0: file is not text: NUL byte at offset 0");
  CHECK(problem_of("ab\xE9 c") == "2: invalid UTF-8 (byte 0xE9); netc reads UTF-8");
  CHECK(problem_of("ab\xC3") == "2: invalid UTF-8 (byte 0xC3); netc reads UTF-8"); // cut short
  CHECK(problem_of("\xEF\xBB\xBF\xFF") == "3: invalid UTF-8 (byte 0xFF); netc reads UTF-8");
}

TEST_CASE("text over the size limit is refused before its encoding is looked at") {
  std::string huge(kMaxSourceBytes + 1, '\0');
  CHECK(problem_of(huge) ==
        "0: file is 16777217 bytes; netc reads at most 16 MiB (16777216 bytes)");
  CHECK(problem_of(std::string(kMaxSourceBytes, ' ')) == "none");
}

TEST_CASE("read_source_file refuses what is not a regular file") {
  SourceFile dev = read_source_file("/dev/null");
  CHECK(!dev.buffer);
  CHECK(dev.error == "not a regular file");
  SourceFile missing = read_source_file("/no/such/file.netc");
  CHECK(!missing.buffer);
  CHECK(missing.error == "No such file or directory");
}
