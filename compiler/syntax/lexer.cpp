#include "syntax/lexer.h"

#include "support/source_file.h"
#include "support/suppressions.h"

#include <fmt/format.h>
#include <llvm/ADT/StringSwitch.h>
#include <llvm/Support/ConvertUTF.h>

#include <algorithm>
#include <cctype>

namespace netc {

llvm::StringRef spelling(TokenKind kind) {
  switch (kind) {
  case TokenKind::Eof:
    return "end of file";
  case TokenKind::Error:
    return "invalid token";
  case TokenKind::Identifier:
    return "identifier";
  case TokenKind::Integer:
    return "integer";
  case TokenKind::Float:
    return "number";
  case TokenKind::String:
    return "string";
  case TokenKind::KwBlock:
    return "'block'";
  case TokenKind::KwNetwork:
    return "'network'";
  case TokenKind::KwImport:
    return "'import'";
  case TokenKind::KwReturn:
    return "'return'";
  case TokenKind::KwExpect:
    return "'expect'";
  case TokenKind::KwRepeat:
    return "'repeat'";
  case TokenKind::KwAs:
    return "'as'";
  case TokenKind::KwIf:
    return "'if'";
  case TokenKind::KwElse:
    return "'else'";
  case TokenKind::KwSequential:
    return "'sequential'";
  case TokenKind::KwFor:
    return "'for'";
  case TokenKind::KwIn:
    return "'in'";
  case TokenKind::KwTrue:
    return "'true'";
  case TokenKind::KwFalse:
    return "'false'";
  case TokenKind::KwAnd:
    return "'and'";
  case TokenKind::KwOr:
    return "'or'";
  case TokenKind::KwNot:
    return "'not'";
  case TokenKind::LParen:
    return "'('";
  case TokenKind::RParen:
    return "')'";
  case TokenKind::LBracket:
    return "'['";
  case TokenKind::RBracket:
    return "']'";
  case TokenKind::LBrace:
    return "'{'";
  case TokenKind::RBrace:
    return "'}'";
  case TokenKind::Comma:
    return "','";
  case TokenKind::Dot:
    return "'.'";
  case TokenKind::Colon:
    return "':'";
  case TokenKind::Semicolon:
    return "';'";
  case TokenKind::Assign:
    return "'='";
  case TokenKind::Pipe:
    return "'|>'";
  case TokenKind::Plus:
    return "'+'";
  case TokenKind::Minus:
    return "'-'";
  case TokenKind::Star:
    return "'*'";
  case TokenKind::Slash:
    return "'/'";
  case TokenKind::SlashSlash:
    return "'//'";
  case TokenKind::Percent:
    return "'%'";
  case TokenKind::EqualEqual:
    return "'=='";
  case TokenKind::NotEqual:
    return "'!='";
  case TokenKind::Less:
    return "'<'";
  case TokenKind::LessEqual:
    return "'<='";
  case TokenKind::Greater:
    return "'>'";
  case TokenKind::GreaterEqual:
    return "'>='";
  }
  return "token";
}

namespace {

bool is_ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

TokenKind keyword_or_identifier(llvm::StringRef word) {
  return llvm::StringSwitch<TokenKind>(word)
      .Case("block", TokenKind::KwBlock)
      .Case("network", TokenKind::KwNetwork)
      .Case("import", TokenKind::KwImport)
      .Case("return", TokenKind::KwReturn)
      .Case("expect", TokenKind::KwExpect)
      .Case("repeat", TokenKind::KwRepeat)
      .Case("as", TokenKind::KwAs)
      .Case("if", TokenKind::KwIf)
      .Case("else", TokenKind::KwElse)
      .Case("sequential", TokenKind::KwSequential)
      .Case("for", TokenKind::KwFor)
      .Case("in", TokenKind::KwIn)
      .Case("true", TokenKind::KwTrue)
      .Case("false", TokenKind::KwFalse)
      .Case("and", TokenKind::KwAnd)
      .Case("or", TokenKind::KwOr)
      .Case("not", TokenKind::KwNot)
      .Default(TokenKind::Identifier);
}

class Lexer {
public:
  Lexer(llvm::StringRef buffer, DiagnosticEngine &diags) : buf_(buffer), diags_(diags) {}

  std::vector<Token> run() {
    std::vector<Token> tokens;
    // Text that is not UTF-8 (UTF-16, a binary file) gets one error, not one per byte; so does
    // an imported file over the size limit (the main file is refused before it is read).
    if (std::optional<TextProblem> problem = find_text_problem(buf_)) {
      diags_.error(rules::kSyntax, llvm::SMLoc::getFromPointer(buf_.data() + problem->offset),
                   problem->message);
      pos_ = buf_.size();
    }
    pos_ = std::max(pos_, utf8_bom_length(buf_));
    for (;;) {
      skip_space_and_comments();
      // Past the error limit nothing more is reported: the rest is not worth the memory.
      if (pos_ >= buf_.size() || diags_.error_limit_reached()) {
        tokens.push_back({TokenKind::Eof, buf_.substr(buf_.size(), 0)});
        return tokens;
      }
      bool starts_line = tokens.empty() || saw_newline_;
      tokens.push_back(next());
      tokens.back().starts_line = starts_line;
    }
  }

private:
  void skip_space_and_comments() {
    saw_newline_ = false;
    while (pos_ < buf_.size()) {
      char c = buf_[pos_];
      if (c == '#') {
        size_t start = ++pos_;
        while (pos_ < buf_.size() && buf_[pos_] != '\n')
          ++pos_;
        // `# netc: allow(<rule>)` silences warnings on this line.
        read_allow_comment(buf_.slice(start, pos_), diags_);
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        saw_newline_ |= c == '\n';
        ++pos_;
      } else {
        return;
      }
    }
  }

  Token make(TokenKind kind, size_t start) { return {kind, buf_.slice(start, pos_)}; }

  Token next() {
    size_t start = pos_;
    char c = buf_[pos_];
    if (is_ident_start(c)) {
      while (pos_ < buf_.size() && is_ident_char(buf_[pos_]))
        ++pos_;
      return make(keyword_or_identifier(buf_.slice(start, pos_)), start);
    }
    if (is_digit(c))
      return number(start);
    if (c == '"')
      return string(start);
    ++pos_;
    auto peek_is = [&](char expected) {
      if (pos_ < buf_.size() && buf_[pos_] == expected) {
        ++pos_;
        return true;
      }
      return false;
    };
    switch (c) {
    case '(':
      return make(TokenKind::LParen, start);
    case ')':
      return make(TokenKind::RParen, start);
    case '[':
      return make(TokenKind::LBracket, start);
    case ']':
      return make(TokenKind::RBracket, start);
    case '{':
      return make(TokenKind::LBrace, start);
    case '}':
      return make(TokenKind::RBrace, start);
    case ',':
      return make(TokenKind::Comma, start);
    case '.':
      return make(TokenKind::Dot, start);
    case ':':
      return make(TokenKind::Colon, start);
    case ';':
      return make(TokenKind::Semicolon, start);
    case '+':
      return make(TokenKind::Plus, start);
    case '-':
      return make(TokenKind::Minus, start);
    case '*':
      return make(TokenKind::Star, start);
    case '%':
      return make(TokenKind::Percent, start);
    case '/':
      return make(peek_is('/') ? TokenKind::SlashSlash : TokenKind::Slash, start);
    case '=':
      return make(peek_is('=') ? TokenKind::EqualEqual : TokenKind::Assign, start);
    case '<':
      return make(peek_is('=') ? TokenKind::LessEqual : TokenKind::Less, start);
    case '>':
      return make(peek_is('=') ? TokenKind::GreaterEqual : TokenKind::Greater, start);
    case '!':
      if (peek_is('='))
        return make(TokenKind::NotEqual, start);
      break;
    case '|':
      if (peek_is('>'))
        return make(TokenKind::Pipe, start);
      break;
    default:
      break;
    }
    // Take a whole UTF-8 sequence so the caret lands on one character.
    while (pos_ < buf_.size() && (static_cast<unsigned char>(buf_[pos_]) & 0xC0) == 0x80)
      ++pos_;
    Token bad = make(TokenKind::Error, start);
    if (c == '|')
      diags_.error(rules::kSyntax, bad.range(),
                   "unexpected character '|'; did you mean the pipe '|>'?");
    else if (c == '!')
      diags_.error(rules::kSyntax, bad.range(), "unexpected character '!'; use 'not' or '!='");
    else if (std::isprint(static_cast<unsigned char>(c)))
      diags_.error(rules::kSyntax, bad.range(), std::string("unexpected character '") + c + "'");
    else
      diags_.error(rules::kSyntax, bad.range(), "unexpected character in source");
    return bad;
  }

  // INT := digit+ ; FLOAT := digit+ '.' digit+ [exponent] | digit+ exponent
  Token number(size_t start) {
    while (pos_ < buf_.size() && is_digit(buf_[pos_]))
      ++pos_;
    bool is_float = false;
    if (pos_ + 1 < buf_.size() && buf_[pos_] == '.' && is_digit(buf_[pos_ + 1])) {
      is_float = true;
      ++pos_;
      while (pos_ < buf_.size() && is_digit(buf_[pos_]))
        ++pos_;
    }
    if (pos_ < buf_.size() && (buf_[pos_] == 'e' || buf_[pos_] == 'E')) {
      size_t save = pos_++;
      if (pos_ < buf_.size() && (buf_[pos_] == '+' || buf_[pos_] == '-'))
        ++pos_;
      if (pos_ < buf_.size() && is_digit(buf_[pos_])) {
        is_float = true;
        while (pos_ < buf_.size() && is_digit(buf_[pos_]))
          ++pos_;
      } else {
        pos_ = save;
      }
    }
    if (pos_ < buf_.size() && is_ident_start(buf_[pos_])) {
      while (pos_ < buf_.size() && is_ident_char(buf_[pos_]))
        ++pos_;
      Token bad = make(TokenKind::Error, start);
      diags_.error(rules::kSyntax, bad.range(), "invalid number '" + bad.text.str() + "'");
      return bad;
    }
    return make(is_float ? TokenKind::Float : TokenKind::Integer, start);
  }

  // STRING := '"' { any UTF-8 character but '"' and control characters } '"'
  // (strings become layer names, which go into JSON, generated code and weights files).
  Token string(size_t start) {
    ++pos_;
    while (pos_ < buf_.size() && buf_[pos_] != '"' && buf_[pos_] != '\n') {
      auto c = static_cast<unsigned char>(buf_[pos_]);
      size_t n = c < 0x80 ? 1 : llvm::getNumBytesForUTF8(c);
      auto *p = reinterpret_cast<const llvm::UTF8 *>(buf_.data() + pos_);
      const char *problem =
          c < 0x20 || c == 0x7f ? "a control character"
          : c >= 0x80 && (pos_ + n > buf_.size() || !llvm::isLegalUTF8Sequence(p, p + n))
              ? "invalid UTF-8"
              : nullptr;
      if (problem) {
        diags_.error(rules::kSyntax, llvm::SMLoc::getFromPointer(buf_.data() + pos_),
                     fmt::format("{} (byte 0x{:02x}) in a string", problem, c));
        n = 1;
      }
      pos_ += n;
    }
    if (pos_ >= buf_.size() || buf_[pos_] != '"') {
      Token bad = make(TokenKind::Error, start);
      diags_.error(rules::kSyntax, bad.loc(), "unterminated string");
      return bad;
    }
    ++pos_;
    // Still a string (the error is reported), so the parse goes on without follow-on errors.
    return make(TokenKind::String, start);
  }

  llvm::StringRef buf_;
  DiagnosticEngine &diags_;
  size_t pos_ = 0;
  bool saw_newline_ = false;
};

} // namespace

std::vector<Token> lex(llvm::StringRef buffer, DiagnosticEngine &diags) {
  return Lexer(buffer, diags).run();
}

} // namespace netc
