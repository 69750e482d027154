#include "syntax/lexer.h"

#include <doctest/doctest.h>

#include <llvm/Support/MemoryBuffer.h>

using namespace netc;

namespace {

struct Lexed {
  llvm::SourceMgr sm;
  DiagnosticEngine diags{sm};
  std::vector<Token> tokens;
  std::string messages;

  explicit Lexed(const char *text) {
    sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text, "t.netc"), llvm::SMLoc());
    tokens = lex(sm.getMemoryBuffer(1)->getBuffer(), diags);
    llvm::raw_string_ostream os(messages);
    diags.flush(os);
  }
  std::vector<TokenKind> kinds() const {
    std::vector<TokenKind> k;
    for (const Token &t : tokens)
      k.push_back(t.kind);
    return k;
  }
};

} // namespace

TEST_CASE("keywords, identifiers and punctuation") {
  Lexed l("block f(x) { y = x |> relu() as \"a\" }");
  using K = TokenKind;
  CHECK(l.kinds() == std::vector<K>{K::KwBlock, K::Identifier, K::LParen, K::Identifier, K::RParen,
                                    K::LBrace, K::Identifier, K::Assign, K::Identifier, K::Pipe,
                                    K::Identifier, K::LParen, K::RParen, K::KwAs, K::String,
                                    K::RBrace, K::Eof});
  CHECK(l.messages.empty());
}

TEST_CASE("numbers: integers, decimals and exponents") {
  Lexed l("64 0.17 1e-3 2.5E+2 1.");
  REQUIRE(l.tokens.size() == 7);
  CHECK(l.tokens[0].kind == TokenKind::Integer);
  CHECK(l.tokens[1].kind == TokenKind::Float);
  CHECK(l.tokens[2].kind == TokenKind::Float);
  CHECK(l.tokens[2].text == "1e-3");
  CHECK(l.tokens[3].kind == TokenKind::Float);
  // "1." is the integer 1 followed by a dot (member access needs a name after it).
  CHECK(l.tokens[4].kind == TokenKind::Integer);
  CHECK(l.tokens[5].kind == TokenKind::Dot);
}

TEST_CASE("two-character operators") {
  Lexed l("// == != <= >= < > |>");
  using K = TokenKind;
  CHECK(l.kinds() == std::vector<K>{K::SlashSlash, K::EqualEqual, K::NotEqual, K::LessEqual,
                                    K::GreaterEqual, K::Less, K::Greater, K::Pipe, K::Eof});
}

TEST_CASE("comments run to the end of the line and mark line starts") {
  Lexed l("a # comment = 3\nb");
  REQUIRE(l.tokens.size() == 3);
  CHECK(l.tokens[0].text == "a");
  CHECK(l.tokens[1].text == "b");
  CHECK(l.tokens[1].starts_line);
}

TEST_CASE("bad characters are reported with their position") {
  Lexed l("x = a $ b");
  CHECK(l.messages.find("t.netc:1:7: error: unexpected character '$'") != std::string::npos);
  Lexed pipe("x | y");
  CHECK(pipe.messages.find("did you mean the pipe '|>'?") != std::string::npos);
}

TEST_CASE("unterminated strings and malformed numbers") {
  Lexed s("as \"abc\n");
  CHECK(s.messages.find("1:4: error: unterminated string") != std::string::npos);
  Lexed n("12abc");
  CHECK(n.messages.find("invalid number '12abc'") != std::string::npos);
}
