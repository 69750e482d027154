#include "syntax/parser.h"

#include "syntax/lexer.h"

#include <llvm/ADT/StringExtras.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <optional>

namespace netc {

namespace {

// Thrown after a syntax error has been reported; caught where parsing can resume.
struct SyntaxError {};

// Deeper nesting than this is refused rather than risking the stack on hostile input: brackets,
// calls, 'not'/'-', bodies and 'else if' chains, which the parser itself recurses into.
constexpr int kMaxNesting = 200;
// Operator chains are parsed by loops, but they build a tree as deep as the chain is long, which
// every later walk (checks, elaboration, the destructor) recurses into: bound it too.
constexpr int kMaxExprDepth = 1000;

class Parser {
public:
  Parser(std::vector<Token> tokens, DiagnosticEngine &diags)
      : tokens_(std::move(tokens)), diags_(diags) {}

  // An interpolation `{expr}` of a quoted name: the expression is all its tokens.
  std::unique_ptr<Expr> parse_interpolation() {
    end_name_ = "'}'";
    auto e = parse_expr();
    if (!at(TokenKind::Eof))
      fail("expected '}' to end the interpolated expression");
    return e;
  }

  // file := { import | block | network }
  Module parse_file() {
    Module module;
    while (!at(TokenKind::Eof)) {
      size_t start = pos_;
      try {
        if (at(TokenKind::KwImport))
          module.imports.push_back(parse_import());
        else if (at(TokenKind::KwBlock) || at(TokenKind::KwNetwork))
          module.definitions.push_back(parse_definition());
        else
          fail("expected 'block', 'network' or 'import' at top level");
      } catch (SyntaxError) {
        skip_to_top_level(start);
      }
    }
    return module;
  }

private:
  // --- token handling -------------------------------------------------------------------------

  const Token &peek(size_t ahead = 0) const {
    size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  bool at(TokenKind kind) const { return peek().is(kind); }
  const Token &advance() {
    const Token &t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size())
      ++pos_;
    last_end_ = t.end();
    return t;
  }
  bool accept(TokenKind kind) {
    if (!at(kind))
      return false;
    advance();
    return true;
  }
  const Token &expect(TokenKind kind, llvm::StringRef context) {
    if (!at(kind))
      fail(("expected " + spelling(kind) + " " + context).str());
    return advance();
  }

  [[noreturn]] void fail_at(llvm::SMRange range, const std::string &message) {
    diags_.error(rules::kSyntax, range, message);
    throw SyntaxError{};
  }

  [[noreturn]] void fail(const std::string &message, std::vector<Note> notes = {}) {
    report_at_next_token(message, std::move(notes));
    throw SyntaxError{};
  }

  // Reports "<message>, found '<next token>'".
  void report_at_next_token(const std::string &message, std::vector<Note> notes = {}) {
    const Token &t = peek();
    // The lexer already reported its Error tokens; do not pile a second message on them.
    if (!t.is(TokenKind::Error)) {
      Diagnostic d;
      d.loc = t.loc();
      if (t.range().Start != t.range().End)
        d.ranges = {t.range()};
      d.message = message;
      if (t.is(TokenKind::Eof))
        d.message += ", found " + end_name_;
      else
        d.message += ", found '" + t.text.str() + "'";
      d.notes = std::move(notes);
      diags_.report(std::move(d));
    }
  }

  llvm::SMRange from(llvm::SMLoc start) const { return {start, last_end_}; }

  // Error recovery: skip to the next definition (the failed one's first token at least).
  void skip_to_top_level(size_t definition_start) {
    if (pos_ == definition_start)
      advance();
    while (!at(TokenKind::Eof) &&
           !(peek().starts_line &&
             (at(TokenKind::KwBlock) || at(TokenKind::KwNetwork) || at(TokenKind::KwImport))))
      advance();
  }

  // Error recovery inside a body: skip to the first token of a later line that can start a
  // statement, or to the '}' that closes the body (brackets opened meanwhile are balanced). A
  // statement cut short by the end of its line (a missing ')') resumes at the next line.
  void skip_to_statement(size_t statement_start) {
    int depth = 0;
    bool moved = pos_ > statement_start;
    while (!at(TokenKind::Eof)) {
      const Token &t = peek();
      if (depth == 0 && moved && t.starts_line && starts_statement())
        return;
      if (depth == 0 && t.is(TokenKind::RBrace))
        return;
      if (t.is(TokenKind::LParen) || t.is(TokenKind::LBracket) || t.is(TokenKind::LBrace))
        ++depth;
      if ((t.is(TokenKind::RParen) || t.is(TokenKind::RBracket) || t.is(TokenKind::RBrace)) &&
          depth > 0)
        --depth;
      if (depth == 0 && t.starts_line && (t.is(TokenKind::KwBlock) || t.is(TokenKind::KwNetwork)))
        return; // the body was never closed: parse_body says so
      advance();
      moved = true;
    }
  }

  bool starts_statement() const {
    switch (peek().kind) {
    case TokenKind::KwReturn:
    case TokenKind::KwExpect:
    case TokenKind::KwIf:
    case TokenKind::KwSequential:
    case TokenKind::KwFor:
      return true;
    case TokenKind::Identifier:
      return peek(1).is(TokenKind::Assign);
    default:
      return false;
    }
  }

  struct NestingGuard {
    Parser &p;
    explicit NestingGuard(Parser &parser) : p(parser) {
      if (++p.nesting_ > kMaxNesting)
        p.fail_at(p.peek().range(),
                  fmt::format("nesting too deep (more than {} levels)", kMaxNesting));
    }
    ~NestingGuard() { --p.nesting_; }
  };

  // --- top level --------------------------------------------------------------------------------

  // import := 'import' IDENT { '.' IDENT }
  Import parse_import() {
    llvm::SMLoc start = advance().loc();
    Import import;
    import.path = expect(TokenKind::Identifier, "after 'import'").text.str();
    while (accept(TokenKind::Dot))
      import.path += "." + expect(TokenKind::Identifier, "in import path").text.str();
    import.range = from(start);
    return import;
  }

  // block   := 'block' IDENT '(' [ param { ',' param } ] ')' body
  // network := 'network' IDENT '(' input { ',' input } ')' body
  Definition parse_definition() {
    Definition def;
    llvm::SMLoc start = peek().loc();
    def.is_network = advance().is(TokenKind::KwNetwork);
    const Token &name =
        expect(TokenKind::Identifier, def.is_network ? "after 'network'" : "after 'block'");
    def.name = name.text.str();
    def.name_range = name.range();
    expect(TokenKind::LParen, "after the name");
    if (!at(TokenKind::RParen)) {
      do {
        if (def.is_network)
          def.inputs.push_back(parse_input());
        else
          def.params.push_back(parse_param());
      } while (accept(TokenKind::Comma));
    }
    expect(TokenKind::RParen, def.is_network ? "after the inputs" : "after the parameters");
    int failed_before = failed_statements_;
    def.body = parse_body();
    def.has_syntax_error = failed_statements_ != failed_before;
    def.range = from(start);
    return def;
  }

  // param := IDENT [ '=' expr ]
  Param parse_param() {
    Param param;
    const Token &name = expect(TokenKind::Identifier, "as parameter name");
    param.name = name.text.str();
    param.range = name.range();
    if (accept(TokenKind::Assign))
      param.default_value = parse_expr();
    return param;
  }

  // input := IDENT ':' shape
  NetworkInput parse_input() {
    NetworkInput input;
    const Token &name = expect(TokenKind::Identifier, "as input name");
    input.name = name.text.str();
    input.range = name.range();
    expect(TokenKind::Colon, "after the input name (inputs are written 'image: [3, 224, 224]')");
    input.dims = parse_shape(input.dims_range);
    return input;
  }

  // shape := '[' dim { ',' dim } ']'
  // dim   := expr | '_'
  std::vector<std::unique_ptr<Expr>> parse_shape(llvm::SMRange &range) {
    llvm::SMLoc start = expect(TokenKind::LBracket, "to begin a shape").loc();
    std::vector<std::unique_ptr<Expr>> dims;
    do {
      if (at(TokenKind::Identifier) && peek().text == "_") {
        auto wildcard = std::make_unique<Expr>();
        wildcard->kind = ExprKind::Wildcard;
        wildcard->range = advance().range();
        dims.push_back(std::move(wildcard));
      } else {
        dims.push_back(parse_expr());
      }
    } while (accept(TokenKind::Comma));
    expect(TokenKind::RBracket, "to end the shape");
    range = from(start);
    return dims;
  }

  // body := '{' { statement } '}'
  std::vector<Stmt> parse_body() {
    NestingGuard guard(*this);
    const Token &open = expect(TokenKind::LBrace, "to begin a body");
    std::vector<Stmt> body;
    while (!at(TokenKind::RBrace)) {
      // A definition cannot be inside a body: the '}' is missing. The body is kept as it is.
      if (at(TokenKind::Eof) ||
          (peek().starts_line && (at(TokenKind::KwBlock) || at(TokenKind::KwNetwork)))) {
        report_at_next_token("expected '}' to end the body",
                             {{open.loc(), "to match this '{'", {open.range()}}});
        return body;
      }
      size_t start = pos_;
      try {
        body.push_back(parse_statement());
      } catch (SyntaxError) {
        ++failed_statements_;
        if (std::optional<Stmt> damaged = damaged_assignment(start))
          body.push_back(std::move(*damaged));
        skip_to_statement(start);
      }
    }
    advance();
    return body;
  }

  // The statement from token `start` failed to parse; if it began 'name =', the name is still
  // assigned (to a poisoned value), so later uses of it raise no "unknown name".
  std::optional<Stmt> damaged_assignment(size_t start) const {
    if (start + 1 >= tokens_.size() || !tokens_[start].is(TokenKind::Identifier) ||
        !tokens_[start + 1].is(TokenKind::Assign))
      return std::nullopt;
    Stmt stmt;
    stmt.kind = StmtKind::Assign;
    stmt.target = tokens_[start].text.str();
    stmt.target_range = tokens_[start].range();
    stmt.range = stmt.target_range;
    return stmt;
  }

  // --- statements -------------------------------------------------------------------------------

  // statement := IDENT '=' chain
  //            | 'return' chain { ',' chain }
  //            | 'expect' expr ':' shape
  //            | 'if' expr body [ 'else' ( body | if ) ]
  //            | 'sequential' [ name ] body
  //            | 'for' IDENT 'in' expr body
  Stmt parse_statement() {
    llvm::SMLoc start = peek().loc();
    Stmt stmt;
    switch (peek().kind) {
    case TokenKind::KwReturn:
      advance();
      stmt.kind = StmtKind::Return;
      do
        stmt.chains.push_back(parse_chain());
      while (accept(TokenKind::Comma));
      break;
    case TokenKind::KwExpect:
      advance();
      stmt.kind = StmtKind::Expect;
      stmt.subject = parse_expr();
      expect(TokenKind::Colon, "after the expected value ('expect x: [384, 35, 35]')");
      stmt.dims = parse_shape(stmt.dims_range);
      break;
    case TokenKind::KwIf:
      return parse_if();
    case TokenKind::KwSequential:
      advance();
      stmt.kind = StmtKind::Sequential;
      if (!at(TokenKind::LBrace))
        stmt.sequential_name = parse_name();
      stmt.then_body = parse_body();
      break;
    case TokenKind::KwFor: {
      advance();
      stmt.kind = StmtKind::For;
      const Token &var = expect(TokenKind::Identifier, "after 'for' (write 'for i in range(4)')");
      stmt.target = var.text.str();
      stmt.target_range = var.range();
      expect(TokenKind::KwIn, "after the loop variable (write 'for i in range(4)')");
      stmt.condition = parse_expr();
      stmt.then_body = parse_body();
      break;
    }
    case TokenKind::Identifier:
      if (peek(1).is(TokenKind::Assign)) {
        stmt.kind = StmtKind::Assign;
        stmt.target = peek().text.str();
        stmt.target_range = advance().range();
        advance();
        stmt.chains.push_back(parse_chain());
        break;
      }
      [[fallthrough]];
    default:
      fail("expected a statement ('name = ...', 'return', 'expect', 'if', 'for' or "
           "'sequential')");
    }
    accept(TokenKind::Semicolon);
    stmt.range = from(start);
    return stmt;
  }

  // if := 'if' expr body [ 'else' ( body | if ) ]
  Stmt parse_if() {
    llvm::SMLoc start = advance().loc();
    Stmt stmt;
    stmt.kind = StmtKind::If;
    stmt.condition = parse_expr();
    stmt.then_body = parse_body();
    if (accept(TokenKind::KwElse)) {
      if (at(TokenKind::KwIf)) {
        NestingGuard guard(*this); // an 'else if' chain recurses with no body in between
        stmt.else_body.push_back(parse_if());
      } else {
        stmt.else_body = parse_body();
      }
    }
    stmt.range = from(start);
    return stmt;
  }

  // chain := stage { '|>' stage }
  Chain parse_chain() {
    llvm::SMLoc start = peek().loc();
    Chain chain;
    chain.stages.push_back(parse_stage());
    while (accept(TokenKind::Pipe)) {
      chain.stages.push_back(parse_stage());
      const Expr &e = *chain.stages.back().expr;
      if (e.kind != ExprKind::Call) {
        diags_.error(rules::kSyntax, e.range,
                     "the right side of '|>' must be a call, like 'relu()' or "
                     "'conv_bn(64, 3)'");
        throw SyntaxError{};
      }
    }
    chain.range = from(start);
    return chain;
  }

  // stage := [ 'repeat' expr ] expr [ 'as' name ]
  Stage parse_stage() {
    llvm::SMLoc start = peek().loc();
    Stage stage;
    if (accept(TokenKind::KwRepeat)) {
      stage.repeat_count = parse_expr(); // ends before the callee: a name is no operator
      stage.expr = parse_postfix();
      if (stage.expr->kind != ExprKind::Call) {
        diags_.error(rules::kSyntax, stage.expr->range,
                     "'repeat' must be followed by a count and a call, like "
                     "'repeat 4 inception_a(x)'");
        throw SyntaxError{};
      }
    } else {
      stage.expr = parse_expr();
    }
    if (accept(TokenKind::KwAs))
      stage.name = parse_name();
    stage.range = from(start);
    return stage;
  }

  // name    := segment { '.' segment }
  // segment := IDENT | INT | STRING              a STRING may interpolate: "denselayer{i + 1}"
  LayerName parse_name() {
    llvm::SMLoc start = peek().loc();
    LayerName name;
    for (;;) {
      NameSegment segment;
      if (at(TokenKind::String)) {
        const Token &t = advance();
        segment.range = t.range();
        parse_quoted_segment(t.text.drop_front().drop_back(), segment);
        for (const NamePiece &piece : segment.pieces) {
          if (piece.expr)
            name.computed = true;
          else
            name.path += piece.text;
        }
      } else if (at(TokenKind::Identifier) || at(TokenKind::Integer)) {
        const Token &t = advance();
        segment.range = t.range();
        segment.pieces.push_back({t.text.str(), nullptr});
        name.path += t.text.str();
      } else {
        fail("expected a layer name (write keywords as strings: as \"repeat\")");
      }
      name.segments.push_back(std::move(segment));
      if (!accept(TokenKind::Dot))
        break;
      name.path += ".";
    }
    name.range = from(start);
    return name;
  }

  // The text between a quoted name segment's quotes: literal text, `{expr}` interpolations,
  // and `{{`, `}}` for the braces themselves.
  void parse_quoted_segment(llvm::StringRef text, NameSegment &segment) {
    auto at_char = [&](size_t i) { return llvm::SMLoc::getFromPointer(text.data() + i); };
    auto range_of = [&](size_t i, size_t n) { return llvm::SMRange(at_char(i), at_char(i + n)); };
    std::string literal;
    bool empty = true;
    for (size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (c == '}') {
        if (i + 1 < text.size() && text[i + 1] == '}') {
          literal += '}';
          ++i;
          continue;
        }
        fail_at(range_of(i, 1), "a single '}' in a layer name; write '}}' for a brace");
      }
      if (c == '.')
        fail_at(range_of(i, 1), "a quoted layer name segment may not contain '.'; write a path "
                                "as segments: as block1.\"block1-0\"");
      if (c != '{') {
        literal += c;
        continue;
      }
      if (i + 1 < text.size() && text[i + 1] == '{') {
        literal += '{';
        ++i;
        continue;
      }
      size_t close = text.find('}', i + 1);
      if (close == llvm::StringRef::npos)
        fail_at(range_of(i, 1), "'{' in a layer name is not closed by '}'");
      llvm::StringRef inner = text.slice(i + 1, close);
      if (inner.trim().empty())
        fail_at(range_of(i, close - i + 1),
                "empty '{}' in a layer name; put a value in it, like \"layer{i + 1}\"");
      if (!literal.empty())
        segment.pieces.push_back({std::move(literal), nullptr});
      literal.clear();
      Parser inner_parser(lex(inner, diags_), diags_);
      inner_parser.nesting_ = nesting_;
      segment.pieces.push_back({"", inner_parser.parse_interpolation()});
      empty = false;
      i = close;
    }
    if (!literal.empty()) {
      segment.pieces.push_back({std::move(literal), nullptr});
      empty = false;
    }
    if (empty)
      fail_at(segment.range, "a layer name may not be empty");
  }

  // --- expressions ------------------------------------------------------------------------------

  // Gives the compound `e` its depth; refuses one deeper than kMaxExprDepth, reported at `where`.
  void set_depth(Expr &e, llvm::SMRange where) {
    int below = 0;
    for (const auto &operand : e.operands)
      below = std::max(below, operand->depth);
    for (const Arg &arg : e.args)
      below = std::max(below, arg.value->depth);
    e.depth = below + 1;
    if (e.depth > kMaxExprDepth)
      fail_at(where,
              fmt::format("expression too deep (more than {} nested operators)", kMaxExprDepth));
  }

  std::unique_ptr<Expr> make_binary(const Token &op, std::unique_ptr<Expr> lhs,
                                    std::unique_ptr<Expr> rhs) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::Binary;
    e->text = op.text.str();
    e->range = {lhs->range.Start, rhs->range.End};
    e->operands.push_back(std::move(lhs));
    e->operands.push_back(std::move(rhs));
    set_depth(*e, op.range());
    return e;
  }

  // A prefix operator written at `start` ('-' or 'not'), applied to operand.
  std::unique_ptr<Expr> make_unary(llvm::SMLoc start, std::string text,
                                   std::unique_ptr<Expr> operand) {
    auto e = std::make_unique<Expr>();
    e->kind = ExprKind::Unary;
    e->text = std::move(text);
    e->range = {start, operand->range.End};
    e->operands.push_back(std::move(operand));
    set_depth(*e, e->range);
    return e;
  }

  // expr := and_expr { 'or' and_expr }
  std::unique_ptr<Expr> parse_expr() {
    NestingGuard guard(*this);
    auto lhs = parse_and();
    while (at(TokenKind::KwOr)) {
      const Token &op = advance();
      lhs = make_binary(op, std::move(lhs), parse_and());
    }
    return lhs;
  }

  // and_expr := not_expr { 'and' not_expr }
  std::unique_ptr<Expr> parse_and() {
    auto lhs = parse_not();
    while (at(TokenKind::KwAnd)) {
      const Token &op = advance();
      lhs = make_binary(op, std::move(lhs), parse_not());
    }
    return lhs;
  }

  // not_expr := 'not' not_expr | comparison
  std::unique_ptr<Expr> parse_not() {
    if (at(TokenKind::KwNot)) {
      NestingGuard guard(*this);
      llvm::SMLoc start = advance().loc();
      return make_unary(start, "not", parse_not());
    }
    return parse_comparison();
  }

  // comparison := sum [ ( '==' | '!=' | '<' | '<=' | '>' | '>=' ) sum ]
  std::unique_ptr<Expr> parse_comparison() {
    auto lhs = parse_sum();
    switch (peek().kind) {
    case TokenKind::EqualEqual:
    case TokenKind::NotEqual:
    case TokenKind::Less:
    case TokenKind::LessEqual:
    case TokenKind::Greater:
    case TokenKind::GreaterEqual: {
      const Token &op = advance();
      return make_binary(op, std::move(lhs), parse_sum());
    }
    default:
      return lhs;
    }
  }

  // sum := product { ( '+' | '-' ) product }
  std::unique_ptr<Expr> parse_sum() {
    auto lhs = parse_product();
    while (at(TokenKind::Plus) || at(TokenKind::Minus)) {
      const Token &op = advance();
      lhs = make_binary(op, std::move(lhs), parse_product());
    }
    return lhs;
  }

  // product := unary { ( '*' | '/' | '//' | '%' ) unary }
  std::unique_ptr<Expr> parse_product() {
    auto lhs = parse_unary();
    while (at(TokenKind::Star) || at(TokenKind::Slash) || at(TokenKind::SlashSlash) ||
           at(TokenKind::Percent)) {
      const Token &op = advance();
      lhs = make_binary(op, std::move(lhs), parse_unary());
    }
    return lhs;
  }

  // unary := '-' unary | postfix
  std::unique_ptr<Expr> parse_unary() {
    if (at(TokenKind::Minus)) {
      NestingGuard guard(*this);
      llvm::SMLoc start = advance().loc();
      return make_unary(start, "-", parse_unary());
    }
    return parse_postfix();
  }

  // postfix := primary { '.' IDENT | '[' expr ']' }
  // call    := IDENT '(' args ')'
  std::unique_ptr<Expr> parse_postfix() {
    auto e = parse_primary();
    while (at(TokenKind::Dot) || at(TokenKind::LBracket)) {
      if (at(TokenKind::LBracket)) {
        NestingGuard guard(*this);
        advance();
        auto index = std::make_unique<Expr>();
        index->kind = ExprKind::Index;
        index->operands.push_back(std::move(e));
        index->operands.push_back(parse_expr());
        expect(TokenKind::RBracket, "to close the index");
        index->range = {index->operands[0]->range.Start, last_end_};
        set_depth(*index, index->range);
        e = std::move(index);
        continue;
      }
      advance();
      const Token &field = expect(TokenKind::Identifier, "after '.'");
      auto member = std::make_unique<Expr>();
      member->kind = ExprKind::Member;
      member->text = field.text.str();
      member->text_range = field.range();
      member->range = {e->range.Start, field.end()};
      member->operands.push_back(std::move(e));
      set_depth(*member, field.range());
      e = std::move(member);
    }
    return e;
  }

  // primary := INT | FLOAT | STRING | 'true' | 'false' | IDENT | call
  //          | '(' expr ')' | '[' [ expr { ',' expr } ] ']'
  std::unique_ptr<Expr> parse_primary() {
    auto e = std::make_unique<Expr>();
    const Token &t = peek();
    llvm::SMLoc start = t.loc();
    switch (t.kind) {
    case TokenKind::Integer: {
      advance();
      e->kind = ExprKind::Integer;
      if (t.text.getAsInteger(10, e->int_value))
        diags_.error(rules::kSyntax, t.range(), "integer '" + t.text.str() + "' is too large");
      break;
    }
    case TokenKind::Float: {
      advance();
      e->kind = ExprKind::Float;
      std::string text = t.text.str();
      errno = 0;
      e->float_value = std::strtod(text.c_str(), nullptr);
      if (errno == ERANGE)
        diags_.error(rules::kSyntax, t.range(), "number '" + text + "' is out of range");
      break;
    }
    case TokenKind::String:
      advance();
      e->kind = ExprKind::String;
      e->text = t.text.drop_front().drop_back().str();
      break;
    case TokenKind::KwTrue:
    case TokenKind::KwFalse:
      advance();
      e->kind = ExprKind::Bool;
      e->bool_value = t.is(TokenKind::KwTrue);
      break;
    case TokenKind::Identifier:
      advance();
      e->text = t.text.str();
      e->text_range = t.range();
      if (at(TokenKind::LParen)) {
        e->kind = ExprKind::Call;
        parse_args(*e);
      } else {
        e->kind = ExprKind::Name;
      }
      break;
    case TokenKind::LParen: {
      advance();
      auto inner = parse_expr();
      expect(TokenKind::RParen, "to close '('");
      inner->range = from(start);
      return inner;
    }
    case TokenKind::LBracket: {
      NestingGuard guard(*this);
      advance();
      e->kind = ExprKind::List;
      if (!at(TokenKind::RBracket)) {
        do
          e->operands.push_back(parse_expr());
        while (accept(TokenKind::Comma));
      }
      expect(TokenKind::RBracket, "to close the list");
      break;
    }
    default:
      fail("expected an expression");
    }
    e->range = from(start);
    if (e->kind == ExprKind::List || e->kind == ExprKind::Call)
      set_depth(*e, e->range);
    return e;
  }

  // args := '(' [ arg { ',' arg } ] ')'
  // arg  := [ IDENT '=' ] expr
  void parse_args(Expr &call) {
    NestingGuard guard(*this);
    advance();
    if (!at(TokenKind::RParen)) {
      do {
        Arg arg;
        if (at(TokenKind::Identifier) && peek(1).is(TokenKind::Assign)) {
          arg.name = peek().text.str();
          arg.name_range = advance().range();
          advance();
        }
        arg.value = parse_expr();
        call.args.push_back(std::move(arg));
      } while (accept(TokenKind::Comma));
    }
    expect(TokenKind::RParen, "to close the argument list of '" + call.text + "'");
  }

  std::vector<Token> tokens_;
  DiagnosticEngine &diags_;
  size_t pos_ = 0;
  int nesting_ = 0;
  int failed_statements_ = 0;            // statements that failed to parse, so far
  std::string end_name_ = "end of file"; // what the last token is called in messages
  llvm::SMLoc last_end_;
};

} // namespace

Module parse(unsigned buffer_id, DiagnosticEngine &diags) {
  llvm::StringRef buffer = diags.source_mgr().getMemoryBuffer(buffer_id)->getBuffer();
  size_t mark = diags.pending_count();
  Parser parser(lex(buffer, diags), diags);
  Module module = parser.parse_file();
  diags.sort_since(mark);
  module.buffer_id = buffer_id;
  return module;
}

} // namespace netc
