// The tokens of the netc language (see dsl/README.md).
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/SMLoc.h>

namespace netc {

enum class TokenKind {
  Eof,
  Error, // a character or literal the lexer could not read; already reported
  Identifier,
  Integer,
  Float,
  String,
  // keywords
  KwBlock,
  KwNetwork,
  KwImport,
  KwReturn,
  KwExpect,
  KwRepeat,
  KwAs,
  KwIf,
  KwElse,
  KwSequential,
  KwFor,
  KwIn,
  KwTrue,
  KwFalse,
  KwAnd,
  KwOr,
  KwNot,
  // punctuation
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Comma,
  Dot,
  Colon,
  Semicolon,
  Assign,
  Pipe, // |>
  Plus,
  Minus,
  Star,
  Slash,
  SlashSlash,
  Percent,
  EqualEqual,
  NotEqual,
  Less,
  LessEqual,
  Greater,
  GreaterEqual,
};

struct Token {
  TokenKind kind = TokenKind::Eof;
  llvm::StringRef text;     // points into the source buffer
  bool starts_line = false; // first token on its line: where error recovery resumes

  llvm::SMLoc loc() const { return llvm::SMLoc::getFromPointer(text.data()); }
  llvm::SMLoc end() const { return llvm::SMLoc::getFromPointer(text.data() + text.size()); }
  llvm::SMRange range() const { return {loc(), end()}; }
  bool is(TokenKind k) const { return kind == k; }
};

// How a token kind is written, for "expected ')'"-style messages.
llvm::StringRef spelling(TokenKind kind);

} // namespace netc
