#include "syntax/parser.h"

#include <doctest/doctest.h>

#include <llvm/Support/MemoryBuffer.h>

using namespace netc;

namespace {

struct Parsed {
  llvm::SourceMgr sm;
  DiagnosticEngine diags{sm};
  Module module;
  std::string messages;

  explicit Parsed(const char *text) {
    unsigned id =
        sm.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text, "p.netc"), llvm::SMLoc());
    module = parse(id, diags);
    llvm::raw_string_ostream os(messages);
    diags.flush(os);
  }
};

} // namespace

TEST_CASE("a block with defaults, a pipeline and a repeat") {
  Parsed p(R"(
import std.nn
block b17(x, scale=0.10) {
  b1 = conv_bn(x, 128, 1) |> conv_bn(160, [1, 7], pad=[0, 3])
  y = repeat 3 f(x) as "repeat"
  return relu(x + b1 * scale)
}
network n(image: [3, 17, 17]) { return b17(image) }
)");
  CHECK(p.messages.empty());
  REQUIRE(p.module.imports.size() == 1);
  CHECK(p.module.imports[0].path == "std.nn");
  REQUIRE(p.module.definitions.size() == 2);
  const Definition &b = p.module.definitions[0];
  CHECK(b.name == "b17");
  CHECK_FALSE(b.is_network);
  REQUIRE(b.params.size() == 2);
  CHECK(b.params[1].default_value->kind == ExprKind::Float);
  REQUIRE(b.body.size() == 3);
  CHECK(b.body[0].kind == StmtKind::Assign);
  CHECK(b.body[0].chains[0].stages.size() == 2);
  CHECK(b.body[0].chains[0].stages[1].expr->args.size() == 3);
  CHECK(b.body[1].chains[0].stages[0].repeat_count != nullptr);
  CHECK(b.body[1].chains[0].stages[0].name->path == "repeat");
  const Expr &ret = *b.body[2].chains[0].stages[0].expr;
  CHECK(ret.kind == ExprKind::Call);
  CHECK(ret.args[0].value->kind == ExprKind::Binary);
  CHECK(ret.args[0].value->text == "+");
  CHECK(ret.args[0].value->operands[1]->text == "*"); // * binds tighter than +
  const Definition &n = p.module.definitions[1];
  CHECK(n.is_network);
  REQUIRE(n.inputs.size() == 1);
  CHECK(n.inputs[0].dims.size() == 3);
}

TEST_CASE("expect with wildcards, if/else if/else and sequential") {
  Parsed p(R"(
block f(x, act=true) {
  expect x: [_, 35, 35]
  if act and x.C > 3 { y = relu(x) } else if not act { y = x } else { y = tanh(x) }
  sequential features { y = relu(y) }
  return y
}
)");
  CHECK(p.messages.empty());
  const auto &body = p.module.definitions[0].body;
  REQUIRE(body.size() == 4);
  CHECK(body[0].kind == StmtKind::Expect);
  CHECK(body[0].dims[0]->kind == ExprKind::Wildcard);
  CHECK(body[1].kind == StmtKind::If);
  REQUIRE(body[1].else_body.size() == 1);
  CHECK(body[1].else_body[0].kind == StmtKind::If);
  CHECK(body[2].kind == StmtKind::Sequential);
  CHECK(body[2].sequential_name.path == "features");
}

TEST_CASE("a repeat count is a whole expression, ending before the callee") {
  Parsed p("block f(x, n) { y = x |> repeat n - 1 g() as layer\n return y }");
  CHECK(p.messages.empty());
  const Stage &stage = p.module.definitions[0].body[0].chains[0].stages[1];
  REQUIRE(stage.repeat_count);
  CHECK(stage.repeat_count->kind == ExprKind::Binary);
  CHECK(stage.expr->text == "g");
}

TEST_CASE("a long pipeline may continue on the next line") {
  Parsed p("block f(x) {\n  y = relu(x)\n    |> tanh()\n  return y\n}\n");
  CHECK(p.messages.empty());
  CHECK(p.module.definitions[0].body[0].chains[0].stages.size() == 2);
}

TEST_CASE("syntax errors are located and parsing resumes at the next statement") {
  Parsed p(R"(block f(x) {
  y = conv2d(x, 64, 3
  z = relu(x)
  w = = 3
  return z
}
network n(a: [1, 2, 2]) { return f(a) }
)");
  CHECK(p.messages.find("p.netc:3:3: error: expected ')' to close the argument list of "
                        "'conv2d', found 'z'") != std::string::npos);
  CHECK(p.messages.find("p.netc:4:7: error: expected an expression, found '='") !=
        std::string::npos);
  // Both definitions survive the errors.
  CHECK(p.module.definitions.size() == 2);
}

TEST_CASE("a statement that fails to parse still defines the name it assigns") {
  Parsed p(R"(block f(x) {
  y = conv2d(x, 64, 3
  z = relu(y)
  return z
}
block g(x) { return x }
)");
  const Definition &f = p.module.definitions[0];
  CHECK(f.has_syntax_error);
  REQUIRE(f.body.size() == 3);
  CHECK(f.body[0].kind == StmtKind::Assign);
  CHECK(f.body[0].target == "y");
  CHECK(f.body[0].chains.empty()); // no value: the elaborator poisons it
  // The ')' was missing at the end of the line: the next line is read, not skipped.
  CHECK(f.body[1].target == "z");
  CHECK_FALSE(p.module.definitions[1].has_syntax_error);
}

TEST_CASE("the right side of a pipe must be a call") {
  Parsed p("block f(x) { return x |> y }");
  CHECK(p.messages.find("1:26: error: the right side of '|>' must be a call") != std::string::npos);
}

TEST_CASE("hostile nesting is refused, not a stack overflow") {
  std::string deep =
      "block f(x) { return " + std::string(100000, '(') + "x" + std::string(100000, ')') + " }";
  Parsed p(deep.c_str());
  CHECK(p.messages.find("1:220: error: nesting too deep (more than 200 levels)") !=
        std::string::npos);
}

// Operator chains are parsed by loops, but the tree they build is as deep as the chain is long.
TEST_CASE("a hostile operator chain is refused at the operator past the limit") {
  std::string chain = "block f(x) { return 1";
  for (int i = 0; i < 50000; ++i)
    chain += " + 1";
  chain += " }";
  Parsed p(chain.c_str());
  // "block f(x) { return 1" is 21 columns; each " + 1" adds 4, the 1001st '+' is the culprit.
  CHECK(p.messages.find("1:" + std::to_string(21 + 1000 * 4 + 2) +
                        ": error: expression too deep (more than 1000 nested operators)") !=
        std::string::npos);
  REQUIRE(p.module.definitions.size() == 1);
}

TEST_CASE("a short chain keeps its depth, bounded by its longest operand") {
  Parsed p("block f(x) { return (1 + 2 + 3) * -x.C }");
  CHECK(p.messages.empty());
  REQUIRE(p.module.definitions.size() == 1);
  const Expr &product = *p.module.definitions[0].body[0].chains[0].stages[0].expr;
  CHECK(product.depth == 3); // '*' over the outer '+' over the inner one
}

TEST_CASE("hostile statement nesting is refused, not a stack overflow") {
  std::string ifs = "block f(x) {\n";
  for (int i = 0; i < 10000; ++i)
    ifs += "if true {\n";
  ifs += "return x\n";
  for (int i = 0; i < 10000; ++i)
    ifs += "}\n";
  ifs += "}\n";
  Parsed p(ifs.c_str());
  CHECK(p.messages.find("nesting too deep (more than 200 levels)") != std::string::npos);

  std::string sequentials = "block g(x) {";
  for (int i = 0; i < 20000; ++i)
    sequentials += " sequential {";
  sequentials += " return x" + std::string(20000, '}') + " }";
  Parsed q(sequentials.c_str());
  CHECK(q.messages.find("nesting too deep (more than 200 levels)") != std::string::npos);
}

TEST_CASE("unexpected top-level text") {
  Parsed p("x = 3\nblock f(x) { return x }");
  CHECK(p.messages.find("1:1: error: expected 'block', 'network' or 'import' at top level, "
                        "found 'x'") != std::string::npos);
  CHECK(p.module.definitions.size() == 1);
}

TEST_CASE("for loops, list indexing and names with quoted, interpolated segments") {
  Parsed p(R"(
block b(x, n) {
  for i in range(n) {
    x = f(x, widths[i - 1]) as stage."block{i}-{{0}}".conv
  }
  return x
}
)");
  CHECK(p.messages.empty());
  REQUIRE(p.module.definitions.size() == 1);
  const Stmt &loop = p.module.definitions[0].body[0];
  CHECK(loop.kind == StmtKind::For);
  CHECK(loop.target == "i");
  CHECK(loop.condition->kind == ExprKind::Call);
  const Stage &stage = loop.then_body.at(0).chains.at(0).stages.at(0);
  CHECK(stage.expr->args.at(1).value->kind == ExprKind::Index);
  REQUIRE(stage.name);
  CHECK(stage.name->computed);
  REQUIRE(stage.name->segments.size() == 3);
  const NameSegment &quoted = stage.name->segments[1];
  REQUIRE(quoted.pieces.size() == 3);
  CHECK(quoted.pieces[0].text == "block");
  CHECK(quoted.pieces[1].expr->kind == ExprKind::Name);
  CHECK(quoted.pieces[2].text == "-{0}");
  CHECK(stage.name->path == "stage.block-{0}.conv");
}

TEST_CASE("a bad interpolation is a syntax error at its place in the string") {
  Parsed p("block b(x) {\n  y = f(x) as \"a{x +}\"\n  return y\n}\n");
  CHECK(p.messages.find("p.netc:2:21: error: expected an expression, found '}'") !=
        std::string::npos);
}
