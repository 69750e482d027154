// The syntax tree of a netc file, as the parser builds it. It knows nothing of shapes or ops;
// the elaborator gives it meaning.
#pragma once

#include <llvm/Support/SMLoc.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace netc {

enum class ExprKind {
  Integer,  // int_value
  Float,    // float_value
  String,   // text (without quotes)
  Bool,     // bool_value
  Name,     // text
  Wildcard, // `_` in a shape
  List,     // operands
  Unary,    // text is the operator ("-", "not"); operands[0]
  Binary,   // text is the operator; operands[0], operands[1]
  Member,   // operands[0] '.' text
  Index,    // operands[0] '[' operands[1] ']'
  Call,     // text is the callee; args
};

struct Expr;

struct Arg {
  std::string name; // empty for a positional argument
  llvm::SMRange name_range;
  std::unique_ptr<Expr> value;
};

struct Expr {
  ExprKind kind;
  llvm::SMRange range;
  int64_t int_value = 0;
  double float_value = 0;
  bool bool_value = false;
  std::string text;
  llvm::SMRange text_range; // the callee name or member name
  std::vector<std::unique_ptr<Expr>> operands;
  std::vector<Arg> args;
  int depth = 0; // operators, calls and lists nested in this node (0 for a leaf); bounded
};

// A piece of a quoted name segment: literal text, or an interpolated `{expr}`.
struct NamePiece {
  std::string text;           // when expr is null
  std::unique_ptr<Expr> expr; // `{expr}`
};

// One segment of a layer name: an identifier, an integer or a quoted string, which may
// interpolate values ("denselayer{i + 1}").
struct NameSegment {
  std::vector<NamePiece> pieces;
  llvm::SMRange range;
};

// A layer name given with `as`, or the name of a `sequential`.
struct LayerName {
  std::string path; // dotted; when computed, the spelling with the interpolations left out
  llvm::SMRange range;
  std::vector<NameSegment> segments;
  bool computed = false; // some segment interpolates a value: the elaborator forms the path
};

struct Stage {
  std::unique_ptr<Expr> repeat_count; // null unless `repeat N`
  std::unique_ptr<Expr> expr;
  std::optional<LayerName> name;
  llvm::SMRange range;
};

struct Chain {
  std::vector<Stage> stages;
  llvm::SMRange range;
};

enum class StmtKind { Assign, Return, Expect, If, Sequential, For };

struct Stmt {
  StmtKind kind;
  llvm::SMRange range;
  // Assign: target = chains[0], or no chain when the statement failed to parse after 'target ='
  // (the name is then defined, its value poisoned). Return: chains. Expect: subject : dims.
  std::string target;
  llvm::SMRange target_range;
  std::vector<Chain> chains;
  std::unique_ptr<Expr> subject;
  std::vector<std::unique_ptr<Expr>> dims;
  llvm::SMRange dims_range;
  // If: condition, then_body, else_body. Sequential: name, then_body. For: target (the loop
  // variable), condition (the list it runs over), then_body.
  std::unique_ptr<Expr> condition;
  std::vector<Stmt> then_body;
  std::vector<Stmt> else_body;
  LayerName sequential_name;
};

struct Param {
  std::string name;
  llvm::SMRange range;
  std::unique_ptr<Expr> default_value; // null when required
};

struct NetworkInput {
  std::string name;
  llvm::SMRange range;
  std::vector<std::unique_ptr<Expr>> dims;
  llvm::SMRange dims_range;
};

// A `block` or a `network`: both are bodies of statements; a network's parameters are its inputs.
struct Definition {
  bool is_network = false;
  std::string name;
  llvm::SMRange name_range;
  std::vector<Param> params;
  std::vector<NetworkInput> inputs;
  std::vector<Stmt> body;
  llvm::SMRange range;
  // A statement of the body failed to parse: what the body reads and returns is not known, so
  // checks that need all of it (unused values, a missing 'return') stay silent.
  bool has_syntax_error = false;
};

struct Import {
  std::string path; // dotted, e.g. "std.nn"
  llvm::SMRange range;
};

struct Module {
  unsigned buffer_id = 0;
  std::vector<Import> imports;
  std::vector<Definition> definitions;
};

} // namespace netc
