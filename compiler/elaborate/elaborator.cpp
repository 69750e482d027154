#include "elaborate/elaborator.h"

#include "elaborate/argument_binding.h"
#include "elaborate/layer_names.h"
#include "elaborate/value.h"
#include "ir/shape_inference.h"
#include "ops/registry.h"
#include "support/spelling.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <functional>
#include <map>
#include <set>

namespace netc {

const char *kind_name(Value::Kind kind) {
  switch (kind) {
  case Value::Kind::Poison:
    return "an invalid value";
  case Value::Kind::Tensor:
    return "a tensor";
  case Value::Kind::Int:
    return "an int";
  case Value::Kind::Float:
    return "a float";
  case Value::Kind::Bool:
    return "a bool";
  case Value::Kind::String:
    return "a string";
  case Value::Kind::List:
    return "a list";
  }
  return "a value";
}

namespace {

// Limits that keep hostile input from exhausting memory or time; real networks are far below.
constexpr size_t kMaxNodes = 200'000;
constexpr int64_t kMaxCalls = 1'000'000;
constexpr int64_t kMaxRepeat = 100'000;
constexpr size_t kMaxCallDepth = 256; // nested block calls; deeper would risk the stack
// Expressions, bodies and calls the evaluator is inside at once. The parser bounds one body's
// nesting, but nested calls add theirs up: this bounds the recursion as a whole.
constexpr int kMaxEvalDepth = 2000;

// Thrown after a limit was hit and reported: elaboration stops.
struct Abort {};

// The state of one block call (or of the network body).
struct Frame {
  const Definition *def = nullptr;
  std::map<std::string, Value, std::less<>> vars;
  std::shared_ptr<const Instantiation> instantiation;
  LayerScope layers;
  // A block call takes its layer name when it makes its first layer (or returns a tensor), so
  // that a block that computes a number takes no name and no number. Until then the prefix
  // is pending: named by `call_namer` in `caller`'s scope (or the caller's own, for `as _`).
  bool prefix_pending = false;
  bool transparent = false;
  Frame *caller = nullptr;
  const StageNamer *call_namer = nullptr;
  llvm::SMRange call_range;
  bool returned = false;
  std::vector<std::pair<std::string, Value>> results;
};

class Elaborator {
public:
  Elaborator(const Program &program, DiagnosticEngine &diags, const ElaborateOptions &options)
      : program_(program), diags_(diags), options_(options) {}

  Graph run(const Definition &network) {
    graph_.name = network.name;
    try {
      run_network(network);
    } catch (Abort) {
    }
    return std::move(graph_);
  }

private:
  // --- reporting --------------------------------------------------------------------------------

  void error(std::string_view rule, llvm::SMRange range, std::string message, const Frame &frame,
             std::vector<Note> notes = {}) {
    Diagnostic d;
    d.rule = rule;
    d.loc = range.Start;
    if (range.Start != range.End)
      d.ranges = {range};
    d.message = std::move(message);
    d.notes = std::move(notes);
    d.instantiation = frame.instantiation;
    diags_.report(std::move(d));
  }

  Value fail(std::string_view rule, llvm::SMRange range, std::string message, const Frame &frame) {
    error(rule, range, std::move(message), frame);
    return Value::poison(range);
  }

  // Held by each recursive step of evaluation; refuses to go deeper than kMaxEvalDepth.
  class DepthGuard {
  public:
    DepthGuard(Elaborator &e, llvm::SMRange range, const Frame &frame) : e_(e) {
      if (++e_.eval_depth_ > kMaxEvalDepth) {
        e_.error(rules::kLimit, range,
                 fmt::format("nesting too deep (more than {} levels of expressions, statements "
                             "and block calls)",
                             kMaxEvalDepth),
                 frame);
        throw Abort{};
      }
    }
    ~DepthGuard() { --e_.eval_depth_; }
    DepthGuard(const DepthGuard &) = delete;
    DepthGuard &operator=(const DepthGuard &) = delete;

  private:
    Elaborator &e_;
  };

  // --- networks, blocks and statements -----------------------------------------------------------

  void run_network(const Definition &network) {
    Frame frame;
    frame.def = &network;
    frame.layers = LayerScope::for_body("", network.body);
    for (const NetworkInput &input : network.inputs)
      declare_input(input, frame);
    exec_body(network.body, frame);
    if (!frame.returned) {
      if (network.has_syntax_error)
        return; // the 'return' may be the statement that failed to parse
      error(rules::kInvalidNetwork, network.name_range,
            fmt::format("network '{}' has no 'return'", network.name), frame);
      return;
    }
    for (auto &[name, value] : frame.results) {
      if (value.kind == Value::Kind::Tensor)
        graph_.outputs.push_back({name, value.node});
      else if (!value.is_poison())
        error(rules::kTypeError, value.range,
              fmt::format("a network returns tensors; this is {}", kind_name(value.kind)), frame);
    }
  }

  void declare_input(const NetworkInput &input, Frame &frame) {
    std::vector<int64_t> dims;
    bool ok = true;
    for (const auto &expr : input.dims) {
      Value v = expr->kind == ExprKind::Wildcard ? Value::poison() : eval(*expr, frame);
      if (v.kind != Value::Kind::Int || v.int_value <= 0 || v.int_value > (1 << 30)) {
        if (!v.is_poison())
          error(rules::kInvalidNetwork, expr->range,
                "an input dimension must be a positive integer", frame);
        ok = false;
      }
      dims.push_back(v.int_value);
    }
    TensorType type;
    if (ok && dims.size() == 3) {
      type = TensorType::nchw(options_.batch, dims[0], dims[1], dims[2]);
      if (options_.input_hw) {
        type.dims[2] = options_.input_hw->first;
        type.dims[3] = options_.input_hw->second;
      }
    } else if (ok && dims.size() == 1) {
      type = TensorType::nf(options_.batch, dims[0]);
    } else if (ok) {
      error(rules::kInvalidNetwork, input.dims_range,
            "an input shape is [C, H, W] or [F] (the batch dimension is left out)", frame);
    }
    Node node;
    node.name = claimed(names_.claim(input.name, input.range, true), input.range, frame);
    node.type = type;
    node.range = input.range;
    NodeId id = add_node(std::move(node));
    graph_.inputs.push_back(id);
    if (frame.vars.count(input.name))
      error(rules::kInvalidNetwork, input.range,
            fmt::format("input '{}' is declared twice", input.name), frame);
    frame.vars[input.name] = Value::tensor(id, input.range);
  }

  void exec_body(const std::vector<Stmt> &body, Frame &frame) {
    for (const Stmt &stmt : body) {
      if (frame.returned)
        return;
      exec(stmt, frame);
    }
  }

  void exec(const Stmt &stmt, Frame &frame) {
    DepthGuard guard(*this, stmt.range, frame);
    switch (stmt.kind) {
    case StmtKind::Assign:
      // Without a chain the statement failed to parse: the name is defined but poisoned.
      frame.vars[stmt.target] = stmt.chains.empty()
                                    ? Value::poison(stmt.target_range)
                                    : eval_chain(stmt.chains[0], frame, &stmt.target);
      return;
    case StmtKind::Return:
      exec_return(stmt, frame);
      return;
    case StmtKind::Expect:
      exec_expect(stmt, frame);
      return;
    case StmtKind::If: {
      Value cond = eval(*stmt.condition, frame);
      if (cond.is_poison())
        return;
      if (cond.kind != Value::Kind::Bool) {
        error(rules::kTypeError, stmt.condition->range,
              fmt::format("the condition of 'if' must be a bool, not {}", kind_name(cond.kind)),
              frame);
        return;
      }
      exec_body(cond.bool_value ? stmt.then_body : stmt.else_body, frame);
      return;
    }
    case StmtKind::Sequential: {
      // A name that failed to evaluate (reported) numbers the layers directly below.
      std::optional<std::string> name = resolve_name(stmt.sequential_name, frame);
      frame.layers.sequential.push_back(name ? *name : "");
      exec_body(stmt.then_body, frame);
      frame.layers.sequential.pop_back();
      return;
    }
    case StmtKind::For:
      exec_for(stmt, frame);
      return;
    }
  }

  // for i in LIST { body }: the body runs once for each item, `i` bound to it. As with `if`,
  // variables assigned in the body (and `i`) stay visible after it.
  void exec_for(const Stmt &stmt, Frame &frame) {
    Value list = eval(*stmt.condition, frame);
    if (!list.is_poison() && list.kind != Value::Kind::List)
      error(rules::kTypeError, stmt.condition->range,
            fmt::format("'for' runs over a list, like range(4) or [64, 128]; this is {}",
                        kind_name(list.kind)),
            frame);
    if (list.kind != Value::Kind::List) {
      // Poison the variable and what the body assigns, so that nothing reports again.
      frame.vars[stmt.target] = Value::poison(stmt.target_range);
      return;
    }
    for (const Value &item : list.list) {
      if (frame.returned)
        return;
      frame.vars[stmt.target] = item;
      exec_body(stmt.then_body, frame);
    }
  }

  // The path a layer name stands for, its interpolations evaluated; none after an error
  // (reported here).
  std::optional<std::string> resolve_name(const LayerName &name, Frame &frame) {
    if (!name.computed)
      return name.path;
    std::string path;
    bool ok = true;
    for (const NameSegment &segment : name.segments) {
      std::string text;
      bool segment_ok = true;
      for (const NamePiece &piece : segment.pieces) {
        if (!piece.expr) {
          text += piece.text;
          continue;
        }
        Value v = eval(*piece.expr, frame);
        if (v.kind == Value::Kind::Int) {
          text += std::to_string(v.int_value);
        } else if (v.kind == Value::Kind::String) {
          text += v.string_value;
        } else {
          if (!v.is_poison())
            error(
                rules::kLayerName, piece.expr->range,
                fmt::format("a layer name can include ints and strings, not {}", kind_name(v.kind)),
                frame);
          segment_ok = false;
        }
      }
      if (segment_ok && text.empty()) {
        error(rules::kLayerName, segment.range, "this layer name segment comes out empty", frame);
        segment_ok = false;
      } else if (segment_ok && text.find('.') != std::string::npos) {
        error(rules::kLayerName, segment.range,
              fmt::format("this layer name segment comes out as '{}', which contains '.'", text),
              frame);
        segment_ok = false;
      }
      ok = ok && segment_ok;
      path += (path.empty() ? "" : ".") + text;
    }
    if (!ok)
      return std::nullopt;
    return path;
  }

  void exec_return(const Stmt &stmt, Frame &frame) {
    if (!frame.def->is_network && stmt.chains.size() != 1) {
      error(rules::kInvalidNetwork, stmt.range,
            "a block returns one value; only a network returns several", frame);
      frame.returned = true;
      frame.results.push_back({"", Value::poison()});
      return;
    }
    for (size_t i = 0; i < stmt.chains.size(); ++i) {
      const Chain &chain = stmt.chains[i];
      const Expr &single = *chain.stages[0].expr;
      std::string name =
          chain.stages.size() == 1 && !chain.stages[0].repeat_count && single.kind == ExprKind::Name
              ? single.text
              : fmt::format("output{}", i);
      frame.results.push_back({name, eval_chain(chain, frame, nullptr)});
    }
    frame.returned = true;
  }

  void exec_expect(const Stmt &stmt, Frame &frame) {
    Value subject = eval(*stmt.subject, frame);
    std::vector<std::optional<int64_t>> dims;
    for (const auto &expr : stmt.dims) {
      if (expr->kind == ExprKind::Wildcard) {
        dims.push_back(std::nullopt);
        continue;
      }
      Value v = eval(*expr, frame);
      if (v.is_poison())
        return;
      if (v.kind != Value::Kind::Int) {
        error(rules::kTypeError, expr->range,
              fmt::format("a dimension must be an int, not {}", kind_name(v.kind)), frame);
        return;
      }
      dims.push_back(v.int_value);
    }
    if (subject.is_poison())
      return;
    if (subject.kind != Value::Kind::Tensor) {
      error(rules::kTypeError, stmt.subject->range,
            fmt::format("'expect' checks a tensor's shape; this is {}", kind_name(subject.kind)),
            frame);
      return;
    }
    Expectation e{subject.node, std::move(dims), stmt.range, frame.instantiation};
    if (options_.check_expects)
      check_expectation(graph_, e, diags_);
    graph_.expectations.push_back(std::move(e));
  }

  // --- chains and stages
  // ---------------------------------------------------------------------------

  Value eval_chain(const Chain &chain, Frame &frame, const std::string *base) {
    std::optional<Value> piped;
    for (const Stage &stage : chain.stages) {
      Value v = eval_stage(stage, frame, piped, base);
      piped = std::move(v);
    }
    return *piped;
  }

  Value eval_stage(const Stage &stage, Frame &frame, std::optional<Value> piped,
                   const std::string *base) {
    std::optional<std::string> name;
    if (stage.name)
      name = resolve_name(*stage.name, frame);
    if (!stage.repeat_count) {
      StageNamer namer{&stage, base, 0, name};
      if (piped)
        return eval_call(*stage.expr, frame, std::move(piped), &namer, 0, 0);
      return eval(*stage.expr, frame, &namer);
    }
    Value count = eval(*stage.repeat_count, frame);
    if (count.is_poison())
      return Value::poison(stage.range);
    if (count.kind != Value::Kind::Int || count.int_value < 0 || count.int_value > kMaxRepeat)
      return fail(rules::kLimit, stage.repeat_count->range,
                  fmt::format("a repeat count must be an int from 0 to {}", kMaxRepeat), frame);
    // `repeat 0 f(x, ...)` is an empty stack: its input unchanged, no layer, no number.
    if (count.int_value == 0) {
      if (piped)
        return std::move(*piped);
      for (const Arg &arg : stage.expr->args)
        if (arg.name.empty())
          return eval(*arg.value, frame);
      return fail(rules::kCallArguments, stage.expr->range,
                  "'repeat 0' gives its input unchanged, but this call has no first argument",
                  frame);
    }
    // `repeat N f(x, ...)`: the first call takes x (or the piped value); each later call takes
    // the previous result in place of its first argument.
    bool piped_in = piped.has_value();
    bool warned = false;
    Value current;
    for (int64_t i = 1; i <= count.int_value; ++i) {
      StageNamer namer{&stage, base, static_cast<int>(i), name};
      std::optional<Value> input = i == 1 ? std::move(piped) : std::optional<Value>(current);
      bool replaces_first_argument = i > 1 && !piped_in;
      // What this iteration's body is given: the piped value, or else the call's own first
      // argument, which the call reports once it is bound.
      std::optional<TensorType> before;
      if (input && input->kind == Value::Kind::Tensor)
        before = graph_.node(input->node).type;
      first_input_ = input ? nullptr : &before;
      current = eval_call(*stage.expr, frame, std::move(input), &namer, static_cast<int>(i),
                          static_cast<int>(count.int_value), replaces_first_argument);
      first_input_ = nullptr;
      if (current.is_poison())
        return current;
      // The first iteration's input is known here only when piped; the second's always is.
      if (!warned && count.int_value > 1 && i <= 2)
        warned = warn_if_shape_changes(stage, before, current, static_cast<int>(i), count.int_value,
                                       frame);
    }
    return current;
  }

  // A repeated block that changes its input's shape gets another shape in each iteration: almost
  // always a sign that a stride or a filter count belongs outside the repeat.
  bool warn_if_shape_changes(const Stage &stage, const std::optional<TensorType> &before,
                             const Value &after, int iteration, int64_t count, const Frame &frame) {
    if (!before || before->is_poison() || after.kind != Value::Kind::Tensor)
      return false;
    const TensorType &out = graph_.node(after.node).type;
    if (out.is_poison() || out == *before)
      return false;
    Diagnostic d;
    d.severity = Severity::Warning;
    d.rule = rules::kRepeatShapeChange;
    d.loc = stage.range.Start;
    d.ranges = {stage.range};
    d.message = fmt::format("iteration {} of {} of '{}' turns {} into {}, so the iterations of "
                            "this repeat see different shapes",
                            iteration, count, stage.expr->text, format_sample_shape(*before),
                            format_sample_shape(out));
    d.instantiation = frame.instantiation;
    d.node = after.node;
    diags_.report(std::move(d));
    return true;
  }

  // Names the layer a stage makes (layer_names.h), reporting an explicit name already taken.
  std::string layer_name(const StageNamer *namer, std::string_view callee, llvm::SMRange range,
                         Frame &frame) {
    settle_prefix(frame);
    return claimed(names_.layer(namer, callee, range, frame.layers), range, frame);
  }

  // Gives a block call whose prefix is pending its layer name (see Frame::prefix_pending).
  void settle_prefix(Frame &frame) {
    if (!frame.prefix_pending)
      return;
    frame.prefix_pending = false;
    Frame &caller = *frame.caller;
    if (frame.transparent) {
      settle_prefix(caller);
      frame.layers.prefix = caller.layers.prefix;
    } else {
      frame.layers.prefix = layer_name(frame.call_namer, frame.def->name, frame.call_range, caller);
    }
  }

  std::string claimed(LayerNames::Claim claim, llvm::SMRange range, const Frame &frame) {
    if (const std::optional<LayerNames::Clash> &c = claim.clash)
      error(rules::kLayerName, range, fmt::format("layer name '{}' is already taken", c->name),
            frame, {{c->first_use.Start, "first used here", {c->first_use}}});
    return std::move(claim.name);
  }

  // --- expressions
  // ----------------------------------------------------------------------------------

  Value eval(const Expr &expr, Frame &frame, const StageNamer *namer = nullptr) {
    DepthGuard guard(*this, expr.range, frame);
    switch (expr.kind) {
    case ExprKind::Integer:
      return Value::integer(expr.int_value, expr.range);
    case ExprKind::Float:
      return Value::real(expr.float_value, expr.range);
    case ExprKind::String:
      return Value::string(expr.text, expr.range);
    case ExprKind::Bool:
      return Value::boolean(expr.bool_value, expr.range);
    case ExprKind::Wildcard:
      return fail(rules::kTypeError, expr.range, "'_' stands only in a shape", frame);
    case ExprKind::Name:
      return lookup(expr, frame);
    case ExprKind::List: {
      Value list;
      list.kind = Value::Kind::List;
      list.range = expr.range;
      for (const auto &item : expr.operands) {
        Value v = eval(*item, frame);
        if (v.is_poison())
          return Value::poison(expr.range);
        list.list.push_back(std::move(v));
      }
      return list;
    }
    case ExprKind::Member:
      return eval_member(expr, frame);
    case ExprKind::Index:
      return eval_index(expr, frame);
    case ExprKind::Unary:
      return eval_unary(expr, frame);
    case ExprKind::Binary:
      return eval_binary(expr, frame, namer);
    case ExprKind::Call:
      return eval_call(expr, frame, std::nullopt, namer, 0, 0);
    }
    return Value::poison(expr.range);
  }

  Value lookup(const Expr &expr, Frame &frame) {
    auto it = frame.vars.find(expr.text);
    if (it != frame.vars.end()) {
      Value v = it->second;
      v.range = expr.range;
      return v;
    }
    if (program_.find(expr.text) || find_op(expr.text))
      return fail(rules::kUnknownName, expr.range,
                  fmt::format("'{}' is {}; call it: {}(...)", expr.text,
                              find_op(expr.text) ? "an operation" : "a block", expr.text),
                  frame);
    std::vector<std::string> names;
    for (const auto &[name, _] : frame.vars)
      names.push_back(name);
    std::string hint = closest(expr.text, names);
    return fail(rules::kUnknownName, expr.range,
                fmt::format("unknown name '{}'{}", expr.text,
                            hint.empty() ? "" : fmt::format("; did you mean '{}'?", hint)),
                frame);
  }

  Value eval_member(const Expr &expr, Frame &frame) {
    Value object = eval(*expr.operands[0], frame);
    if (object.is_poison())
      return Value::poison(expr.range);
    if (object.kind != Value::Kind::Tensor)
      return fail(rules::kTypeError, expr.range,
                  fmt::format("'.{}' reads a tensor's size, but this is {}", expr.text,
                              kind_name(object.kind)),
                  frame);
    const TensorType &type = graph_.node(object.node).type;
    if (type.is_poison())
      return Value::poison(expr.range);
    int index = expr.text == "N"   ? 0
                : expr.text == "C" ? 1
                : expr.text == "H" ? 2
                : expr.text == "W" ? 3
                                   : -1;
    if (index < 0)
      return fail(rules::kUnknownName, expr.text_range,
                  fmt::format("a tensor has sizes N, C, H and W; '{}' is none of them", expr.text),
                  frame);
    if (index >= type.rank)
      return fail(rules::kRankMismatch, expr.text_range,
                  fmt::format("a flat tensor {} has no '{}'", format_sample_shape(type), expr.text),
                  frame);
    return Value::integer(type.dims[index], expr.range);
  }

  // list[i]: from 0, or from the end when negative, as in Python.
  Value eval_index(const Expr &expr, Frame &frame) {
    Value list = eval(*expr.operands[0], frame);
    Value index = eval(*expr.operands[1], frame);
    if (list.is_poison() || index.is_poison())
      return Value::poison(expr.range);
    if (list.kind != Value::Kind::List)
      return fail(rules::kTypeError, expr.operands[0]->range,
                  fmt::format("only a list can be indexed; this is {}", kind_name(list.kind)),
                  frame);
    if (index.kind != Value::Kind::Int)
      return fail(rules::kTypeError, expr.operands[1]->range,
                  fmt::format("a list index must be an int, not {}", kind_name(index.kind)), frame);
    auto size = static_cast<int64_t>(list.list.size());
    int64_t i = index.int_value < 0 ? index.int_value + size : index.int_value;
    if (i < 0 || i >= size)
      return fail(rules::kArithmetic, expr.operands[1]->range,
                  fmt::format("index {} is out of range for a list of {}", index.int_value, size),
                  frame);
    Value item = list.list[static_cast<size_t>(i)];
    item.range = expr.range;
    return item;
  }

  Value eval_unary(const Expr &expr, Frame &frame) {
    Value v = eval(*expr.operands[0], frame);
    if (v.is_poison())
      return Value::poison(expr.range);
    if (expr.text == "not") {
      if (v.kind != Value::Kind::Bool)
        return fail(rules::kTypeError, expr.range,
                    fmt::format("'not' needs a bool, not {}", kind_name(v.kind)), frame);
      return Value::boolean(!v.bool_value, expr.range);
    }
    if (v.kind == Value::Kind::Int && v.int_value != std::numeric_limits<int64_t>::min())
      return Value::integer(-v.int_value, expr.range);
    if (v.kind == Value::Kind::Float)
      return Value::real(-v.float_value, expr.range);
    return fail(rules::kTypeError, expr.range, fmt::format("cannot negate {}", kind_name(v.kind)),
                frame);
  }

  Value eval_binary(const Expr &expr, Frame &frame, const StageNamer *namer) {
    Value lhs = eval(*expr.operands[0], frame);
    Value rhs = eval(*expr.operands[1], frame);
    if (lhs.is_poison() || rhs.is_poison())
      return Value::poison(expr.range);
    const std::string &op = expr.text;

    if (lhs.kind == Value::Kind::Tensor || rhs.kind == Value::Kind::Tensor)
      return eval_tensor_binary(expr, lhs, rhs, frame, namer);

    if (op == "and" || op == "or") {
      if (lhs.kind != Value::Kind::Bool || rhs.kind != Value::Kind::Bool)
        return fail(rules::kTypeError, expr.range, fmt::format("'{}' needs two bools", op), frame);
      return Value::boolean(op == "and" ? lhs.bool_value && rhs.bool_value
                                        : lhs.bool_value || rhs.bool_value,
                            expr.range);
    }
    if (op == "==" || op == "!=") {
      bool equal;
      if (lhs.is_number() && rhs.is_number())
        equal = lhs.as_double() == rhs.as_double();
      else if (lhs.kind == rhs.kind && lhs.kind == Value::Kind::Bool)
        equal = lhs.bool_value == rhs.bool_value;
      else if (lhs.kind == rhs.kind && lhs.kind == Value::Kind::String)
        equal = lhs.string_value == rhs.string_value;
      else
        return fail(
            rules::kTypeError, expr.range,
            fmt::format("cannot compare {} with {}", kind_name(lhs.kind), kind_name(rhs.kind)),
            frame);
      return Value::boolean(op == "==" ? equal : !equal, expr.range);
    }
    if (!lhs.is_number() || !rhs.is_number())
      return fail(rules::kTypeError, expr.range,
                  fmt::format("'{}' needs numbers, not {} and {}", op, kind_name(lhs.kind),
                              kind_name(rhs.kind)),
                  frame);
    if (op == "<" || op == "<=" || op == ">" || op == ">=") {
      double a = lhs.as_double(), b = rhs.as_double();
      bool r = op == "<" ? a < b : op == "<=" ? a <= b : op == ">" ? a > b : a >= b;
      return Value::boolean(r, expr.range);
    }
    if (lhs.kind == Value::Kind::Int && rhs.kind == Value::Kind::Int)
      return int_arithmetic(expr, lhs.int_value, rhs.int_value, frame);
    double a = lhs.as_double(), b = rhs.as_double(), r = 0;
    if (op == "+")
      r = a + b;
    else if (op == "-")
      r = a - b;
    else if (op == "*")
      r = a * b;
    else if (b == 0)
      return fail(rules::kArithmetic, expr.range, "division by zero", frame);
    else if (op == "/")
      r = a / b;
    else if (op == "//")
      r = std::floor(a / b);
    else
      r = std::fmod(a, b);
    return Value::real(r, expr.range);
  }

  Value int_arithmetic(const Expr &expr, int64_t a, int64_t b, Frame &frame) {
    const std::string &op = expr.text;
    int64_t r = 0;
    bool overflow = false;
    if (op == "+")
      overflow = __builtin_add_overflow(a, b, &r);
    else if (op == "-")
      overflow = __builtin_sub_overflow(a, b, &r);
    else if (op == "*")
      overflow = __builtin_mul_overflow(a, b, &r);
    else if (b == 0)
      return fail(rules::kArithmetic, expr.range, "division by zero", frame);
    else if (a == std::numeric_limits<int64_t>::min() && b == -1)
      overflow = true;
    else if (op == "/") {
      if (a % b != 0)
        return fail(rules::kArithmetic, expr.range,
                    fmt::format("{} / {} leaves a remainder; use '//' to round down", a, b), frame);
      r = a / b;
    } else if (op == "//") {
      r = a / b;
      if ((a % b != 0) && ((a < 0) != (b < 0)))
        --r;
    } else {
      r = a % b;
      if (r != 0 && ((r < 0) != (b < 0)))
        r += b;
    }
    if (overflow)
      return fail(rules::kArithmetic, expr.range, "integer overflow", frame);
    return Value::integer(r, expr.range);
  }

  Value eval_tensor_binary(const Expr &expr, const Value &lhs, const Value &rhs, Frame &frame,
                           const StageNamer *namer) {
    const std::string &op = expr.text;
    if (op == "+" && lhs.kind == Value::Kind::Tensor && rhs.kind == Value::Kind::Tensor)
      return make_node(find_op("add"), {lhs.node, rhs.node}, {}, expr.range, {}, namer, frame);
    if (op == "*" && lhs.kind == Value::Kind::Tensor && rhs.kind == Value::Kind::Tensor)
      return make_node(find_op("mul"), {lhs.node, rhs.node}, {}, expr.range, {}, namer, frame);
    if (op == "*" && (lhs.kind == Value::Kind::Tensor) != (rhs.kind == Value::Kind::Tensor)) {
      const Value &tensor = lhs.kind == Value::Kind::Tensor ? lhs : rhs;
      const Value &factor = lhs.kind == Value::Kind::Tensor ? rhs : lhs;
      if (factor.is_number()) {
        Attrs attrs;
        attrs.set("s", factor.as_double());
        return make_node(find_op("scale"), {tensor.node}, std::move(attrs), expr.range,
                         {{"s", factor.range}}, namer, frame);
      }
    }
    return fail(rules::kTypeError, expr.range,
                fmt::format("'{}' of {} and {}: tensors support only tensor + tensor, "
                            "tensor * tensor and tensor * number",
                            op, kind_name(lhs.kind), kind_name(rhs.kind)),
                frame);
  }

  // --- calls
  // -------------------------------------------------------------------------------------------

  // Binds a call's arguments (argument_binding.h). `definition` is the called block's name, for
  // a note on a mistake. Records a repeated call's first input (see first_input_).
  std::optional<Binding> bind(const Expr &call, std::optional<Value> piped, bool replaces_first,
                              const std::vector<ParamInfo> &params, Frame &frame,
                              llvm::SMRange definition) {
    auto report = [&](llvm::SMRange at, std::string message) {
      std::vector<Note> notes;
      if (definition.isValid())
        notes.push_back(
            {definition.Start, fmt::format("'{}' is defined here", call.text), {definition}});
      error(rules::kCallArguments, at, std::move(message), frame, std::move(notes));
    };
    std::optional<Binding> b = bind_arguments(
        call, std::move(piped), replaces_first, params,
        [&](const Expr &arg) { return eval(arg, frame); }, report);
    if (b && first_input_) {
      const Value *first = !b->values.empty() && b->values[0] ? &*b->values[0]
                           : !b->rest.empty()                 ? &b->rest[0]
                                                              : nullptr;
      if (first && first->kind == Value::Kind::Tensor)
        *first_input_ = graph_.node(first->node).type;
      first_input_ = nullptr; // only the repeated call's own binding, not those of its body
    }
    return b;
  }

  void count_call(const Expr &call, Frame &frame) {
    if (++calls_ > kMaxCalls) {
      error(rules::kLimit, call.range, fmt::format("elaboration stopped after {} calls", kMaxCalls),
            frame);
      throw Abort{};
    }
  }

  // `piped` is the value a pipe or repeat passes as first argument; with `replaces_first` it
  // takes the place of the first positional argument written in the call.
  Value eval_call(const Expr &call, Frame &frame, std::optional<Value> piped,
                  const StageNamer *namer, int repeat_index, int repeat_count,
                  bool replaces_first = false) {
    count_call(call, frame);
    if (is_builtin(call.text))
      return call_builtin(call, frame, std::move(piped));
    if (const OpDef *op = find_op(call.text))
      return call_op(*op, call, frame, std::move(piped), namer, replaces_first);
    if (const Definition *def = program_.find(call.text)) {
      if (def->is_network)
        return fail(rules::kUnknownName, call.text_range,
                    fmt::format("'{}' is a network; only blocks can be called", call.text), frame);
      return call_block(*def, call, frame, std::move(piped), namer, repeat_index, repeat_count,
                        replaces_first);
    }
    std::vector<std::string> callees;
    for (const auto &op : all_ops())
      callees.emplace_back(op->name());
    for (const auto &[name, def] : program_.definitions)
      if (!def->is_network)
        callees.push_back(name);
    std::string hint = closest(call.text, callees);
    // Evaluate the arguments anyway so mistakes in them are reported too.
    for (const Arg &arg : call.args)
      eval(*arg.value, frame);
    return fail(rules::kUnknownName, call.text_range,
                fmt::format("unknown operation or block '{}'{}", call.text,
                            hint.empty() ? "" : fmt::format("; did you mean '{}'?", hint)),
                frame);
  }

  // --- built-in functions on numbers and lists (dsl/README.md, "Built-in functions") ---------

  Value call_builtin(const Expr &call, Frame &frame, std::optional<Value> piped) {
    std::vector<Value> args;
    if (piped)
      args.push_back(std::move(*piped));
    bool poisoned = false;
    for (const Arg &arg : call.args) {
      if (!arg.name.empty()) {
        for (const Arg &a : call.args)
          eval(*a.value, frame);
        return fail(rules::kCallArguments, arg.name_range,
                    fmt::format("'{}' takes its arguments by position", call.text), frame);
      }
      args.push_back(eval(*arg.value, frame));
      poisoned |= args.back().is_poison();
    }
    if (poisoned)
      return Value::poison(call.range);
    auto arity = [&](size_t lo, size_t hi, const char *takes) -> bool {
      if (args.size() >= lo && args.size() <= hi)
        return true;
      error(rules::kCallArguments, call.range,
            fmt::format("'{}' takes {}; {} given", call.text, takes, args.size()), frame);
      return false;
    };
    auto want = [&](const Value &v, bool ok, const char *what) -> bool {
      if (!ok)
        error(rules::kArgumentType, v.range,
              fmt::format("'{}' needs {}, not {}", call.text, what, kind_name(v.kind)), frame);
      return ok;
    };
    const std::string &f = call.text;
    if (f == "range") {
      if (!arity(1, 2, "1 or 2 ints (stop, or start and stop)"))
        return Value::poison(call.range);
      for (const Value &v : args)
        if (!want(v, v.kind == Value::Kind::Int, "ints"))
          return Value::poison(call.range);
      int64_t start = args.size() == 2 ? args[0].int_value : 0;
      int64_t stop = args.back().int_value;
      int64_t count = 0;
      if (stop > start && (__builtin_sub_overflow(stop, start, &count) || count > kMaxRepeat))
        return fail(rules::kLimit, call.range,
                    fmt::format("range of more than {} ints", kMaxRepeat), frame);
      Value list;
      list.kind = Value::Kind::List;
      list.range = call.range;
      for (int64_t i = start; i < stop; ++i)
        list.list.push_back(Value::integer(i, call.range));
      return list;
    }
    if (f == "int" || f == "round" || f == "float") {
      if (!arity(1, 1, "1 number"))
        return Value::poison(call.range);
      const Value &v = args[0];
      if (!want(v, v.is_number(), "a number"))
        return Value::poison(call.range);
      if (f == "float")
        return Value::real(v.as_double(), call.range);
      if (v.kind == Value::Kind::Int)
        return Value::integer(v.int_value, call.range);
      // int() truncates toward zero, round() rounds half to even: Python 3's int and round.
      double r = f == "int" ? std::trunc(v.float_value) : std::nearbyint(v.float_value);
      if (!std::isfinite(r) || std::fabs(r) >= 9.2e18)
        return fail(rules::kArithmetic, v.range,
                    fmt::format("{}() of {} does not fit an int", f, v.float_value), frame);
      return Value::integer(static_cast<int64_t>(r), call.range);
    }
    if (f == "max" || f == "min") {
      // max(a, b, ...) or max(list), as in Python: the chosen item keeps its type.
      std::vector<Value> items = args;
      if (items.size() == 1 && items[0].kind == Value::Kind::List)
        items = items[0].list;
      if (items.empty())
        return fail(rules::kCallArguments, call.range,
                    fmt::format("'{}' needs at least one number", f), frame);
      size_t best = 0;
      for (size_t i = 0; i < items.size(); ++i) {
        if (!want(items[i], items[i].is_number(), "numbers"))
          return Value::poison(call.range);
        double a = items[i].as_double(), b = items[best].as_double();
        if (f == "max" ? a > b : a < b)
          best = i;
      }
      Value v = items[best];
      v.range = call.range;
      return v;
    }
    return fail(rules::kUnknownName, call.text_range, "unknown built-in function", frame);
  }

  static bool is_builtin(std::string_view name) { return is_builtin_function(name); }

  Value call_op(const OpDef &op, const Expr &call, Frame &frame, std::optional<Value> piped,
                const StageNamer *namer, bool replaces_first) {
    const std::vector<ParamDecl> &sig = op.signature();
    std::vector<ParamInfo> params;
    for (const ParamDecl &d : sig)
      params.push_back({d.name, !d.default_value && !d.optional, d.kind == ArgKind::Tensors});
    std::optional<Binding> b = bind(call, std::move(piped), replaces_first, params, frame, {});
    if (!b)
      return Value::poison(call.range);

    std::vector<NodeId> inputs;
    Attrs attrs;
    std::vector<std::pair<std::string, llvm::SMRange>> arg_ranges;
    for (size_t i = 0; i < sig.size(); ++i) {
      const ParamDecl &d = sig[i];
      if (d.kind == ArgKind::Tensors) {
        std::vector<Value> items = std::move(b->rest);
        // concat([a, b]) is concat(a, b)
        if (items.size() == 1 && items[0].kind == Value::Kind::List)
          items = std::move(items[0].list);
        for (const Value &v : items) {
          if (v.kind != Value::Kind::Tensor)
            return fail(rules::kArgumentType, v.range,
                        fmt::format("{} joins tensors; this is {}", op.name(), kind_name(v.kind)),
                        frame);
          inputs.push_back(v.node);
        }
        continue;
      }
      if (!b->values[i]) {
        if (d.default_value)
          attrs.set(d.name, *d.default_value);
        continue;
      }
      const Value &v = *b->values[i];
      arg_ranges.push_back({d.name, b->ranges[i]});
      if (d.kind == ArgKind::Tensor) {
        if (v.kind != Value::Kind::Tensor)
          return fail(rules::kArgumentType, v.range,
                      fmt::format("argument '{}' of {} must be a tensor, not {}", d.name, op.name(),
                                  kind_name(v.kind)),
                      frame);
        inputs.push_back(v.node);
        continue;
      }
      std::string mistake;
      std::optional<AttrValue> attr = convert_argument(d, v, op.name(), mistake);
      if (!attr && mistake.empty())
        return Value::poison(call.range);
      if (!attr)
        return fail(rules::kArgumentType, v.range, std::move(mistake), frame);
      attrs.set(d.name, std::move(*attr));
    }
    op.complete(attrs);
    return make_node(&op, std::move(inputs), std::move(attrs), call.range, std::move(arg_ranges),
                     namer, frame);
  }

  Value make_node(const OpDef *op, std::vector<NodeId> inputs, Attrs attrs, llvm::SMRange range,
                  std::vector<std::pair<std::string, llvm::SMRange>> arg_ranges,
                  const StageNamer *namer, Frame &frame) {
    if (graph_.nodes.size() >= kMaxNodes) {
      error(rules::kLimit, range, fmt::format("the network has more than {} layers", kMaxNodes),
            frame);
      throw Abort{};
    }
    Node node;
    node.inputs = std::move(inputs);
    bool poisoned_inputs = false;
    for (NodeId id : node.inputs)
      poisoned_inputs |= graph_.node(id).type.is_poison();
    if (!poisoned_inputs)
      op = op->canonicalize(attrs, graph_.input_types(node));
    node.op = op;
    node.attrs = std::move(attrs);
    node.range = range;
    node.arg_ranges = std::move(arg_ranges);
    node.instantiation = frame.instantiation;
    bool on_block = namer && namer->stage && namer->name == "_";
    if (on_block && op->attaches_to_block())
      settle_prefix(frame); // the block call's name, which its first layer gives it
    if (on_block && op->attaches_to_block() && !frame.layers.prefix.empty())
      node.name = frame.layers.prefix; // its parameters are the block's own (layer_scale)
    else {
      if (on_block)
        error(rules::kLayerName, namer->stage->name->range,
              op->attaches_to_block()
                  ? fmt::format("'{} as _' names the layer after the block it is in; at the "
                                "top of a network it needs a name",
                                op->name())
                  : std::string("'as _' applies to block calls; an operation needs a name"),
              frame);
      node.name = layer_name(namer, op->name(), range, frame);
    }
    NodeId id = add_node(std::move(node));
    infer_node(graph_, id, diags_);
    return Value::tensor(id, range);
  }

  NodeId add_node(Node node) {
    node.id = static_cast<NodeId>(graph_.nodes.size());
    graph_.nodes.push_back(std::move(node));
    return graph_.nodes.back().id;
  }

  Value call_block(const Definition &def, const Expr &call, Frame &frame,
                   std::optional<Value> piped, const StageNamer *namer, int repeat_index,
                   int repeat_count, bool replaces_first) {
    for (const Definition *active : call_stack_) {
      if (active == &def)
        return fail(rules::kRecursion, call.text_range,
                    fmt::format("block '{}' calls itself; recursion is not allowed", def.name),
                    frame);
    }
    if (call_stack_.size() >= kMaxCallDepth) {
      error(rules::kLimit, call.text_range,
            fmt::format("block calls are nested more than {} deep", kMaxCallDepth), frame);
      throw Abort{};
    }
    std::vector<ParamInfo> params;
    for (const Param &p : def.params)
      params.push_back({p.name, p.default_value == nullptr, false});
    std::optional<Binding> b =
        bind(call, std::move(piped), replaces_first, params, frame, def.name_range);
    if (!b)
      return Value::poison(call.range);

    auto inst = std::make_shared<Instantiation>();
    inst->block = def.name;
    inst->call_site = call.range;
    inst->repeat_index = repeat_index;
    inst->repeat_count = repeat_count;
    inst->parent = frame.instantiation;

    Frame callee;
    callee.def = &def;
    callee.instantiation = inst;
    // `as _` puts the block's layers in the caller's namespace, as if its body were written there.
    bool transparent = namer && namer->stage && namer->name == "_";
    callee.layers = LayerScope::for_body("", def.body);
    callee.prefix_pending = true;
    callee.transparent = transparent;
    callee.caller = &frame;
    callee.call_namer = namer;
    callee.call_range = call.range;
    for (size_t i = 0; i < def.params.size(); ++i) {
      if (b->values[i]) {
        callee.vars[def.params[i].name] = *b->values[i];
        continue;
      }
      // Defaults are evaluated in the callee, after the parameters before them.
      Value v = eval(*def.params[i].default_value, callee);
      if (v.is_poison())
        return Value::poison(call.range);
      callee.vars[def.params[i].name] = std::move(v);
    }

    call_stack_.push_back(&def);
    exec_body(def.body, callee);
    call_stack_.pop_back();

    if (!callee.returned && def.has_syntax_error)
      return Value::poison(call.range); // the 'return' may be what failed to parse
    if (!callee.returned)
      return fail(rules::kInvalidNetwork, def.name_range,
                  fmt::format("block '{}' ends without 'return'", def.name), callee);
    Value result = callee.results.front().second;
    // A block that returns a tensor is a module, as in PyTorch, even one that makes no layer.
    if (result.kind == Value::Kind::Tensor || result.is_poison())
      settle_prefix(callee);
    result.range = call.range;
    return result;
  }

  const Program &program_;
  DiagnosticEngine &diags_;
  ElaborateOptions options_;
  Graph graph_;
  LayerNames names_;
  std::vector<const Definition *> call_stack_;
  int64_t calls_ = 0;
  int eval_depth_ = 0; // see DepthGuard
  // Set while a repeat's call binds its arguments: where to record its first input's type.
  std::optional<TensorType> *first_input_ = nullptr;
};

} // namespace

Graph elaborate(const Program &program, const Definition &network, DiagnosticEngine &diags,
                const ElaborateOptions &options) {
  return Elaborator(program, diags, options).run(network);
}

} // namespace netc
