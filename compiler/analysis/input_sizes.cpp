#include "analysis/input_sizes.h"

#include "elaborate/elaborator.h"
#include "ir/shape_inference.h"
#include "support/diagnostic_formats.h"

#include <llvm/ADT/StringExtras.h>

#include <fmt/format.h>

#include <map>

namespace netc {

namespace {

// The `expect`s of a graph grouped by statement: one inside a block is checked per call.
struct ExpectGroup {
  llvm::SMRange range;
  bool holds = true;
  std::pair<int64_t, int64_t> grid{0, 0};
  std::string wanted;
};

std::vector<ExpectGroup> group_expectations(const Graph &graph) {
  std::vector<ExpectGroup> groups;
  std::map<const char *, size_t> index;
  for (const Expectation &e : graph.expectations) {
    auto [it, inserted] = index.try_emplace(e.range.Start.getPointer(), groups.size());
    if (inserted) {
      ExpectGroup g;
      g.range = e.range;
      g.wanted = format_expected_shape(e);
      const TensorType &t = graph.node(e.node).type;
      if (t.is_spatial())
        g.grid = {t.h(), t.w()};
      else if (!t.is_poison())
        g.grid = {t.c(), 0}; // a flat tensor: its features
      groups.push_back(g);
    }
    ExpectGroup &g = groups[it->second];
    g.holds = g.holds && expectation_holds(graph, e);
  }
  return groups;
}

// "75..1024", "1..3, 5, 7..9"
std::string intervals(const std::vector<int64_t> &sizes) {
  std::vector<std::string> parts;
  for (size_t i = 0; i < sizes.size();) {
    size_t j = i;
    while (j + 1 < sizes.size() && sizes[j + 1] == sizes[j] + 1)
      ++j;
    parts.push_back(i == j ? std::to_string(sizes[i]) : fmt::format("{}..{}", sizes[i], sizes[j]));
    i = j + 1;
  }
  return parts.empty() ? "none" : llvm::join(parts, ", ");
}

std::string size_text(int64_t h, int64_t w) {
  return fmt::format("{}x{}", h, w);
}

} // namespace

ParamShapes declared_param_shapes(const Program &program, const Definition &network,
                                  llvm::SourceMgr &source_mgr) {
  DiagnosticEngine scratch(source_mgr);
  Graph graph = elaborate(program, network, scratch, {});
  ParamShapes shapes;
  for (const Node &node : graph.nodes)
    for (const ParamSpec &p : node.params)
      shapes[node.name + "." + p.name] = p.shape;
  return shapes;
}

namespace {

// Main-file location of a diagnostic or node: a mistake inside a library block (conv_bn's conv)
// is shown where the file calls it.
llvm::SMLoc in_main_file(const Program &program, const llvm::SourceMgr &source_mgr, llvm::SMLoc loc,
                         const Instantiation *inst) {
  unsigned main_buffer = program.main().buffer_id;
  for (; inst && source_mgr.FindBufferContainingLoc(loc) != main_buffer; inst = inst->parent.get())
    loc = inst->call_site.Start;
  return loc;
}

// The verdict on a graph built (or re-inferred) at one size, its diagnostics in `scratch`.
SizeVerdict judge(const Program &program, llvm::SourceMgr &source_mgr, const ParamShapes &declared,
                  const Graph &graph, const DiagnosticEngine &scratch, int64_t height,
                  int64_t width) {
  SizeVerdict verdict;
  verdict.height = height;
  verdict.width = width;
  verdict.valid = true;
  for (const FoldedDiagnostic &f : scratch.fold()) {
    if (f.severity != Severity::Error || f.diagnostic->rule == rules::kExpectMismatch)
      continue;
    verdict.valid = false;
    verdict.error = f.diagnostic->message;
    verdict.error_loc =
        in_main_file(program, source_mgr, f.diagnostic->loc, f.diagnostic->instantiation.get());
    break;
  }
  for (size_t i = 0; verdict.valid && i < graph.nodes.size(); ++i) {
    const Node &node = graph.nodes[i];
    for (const ParamSpec &p : node.params) {
      auto it = declared.find(node.name + "." + p.name);
      if (it == declared.end() || it->second == p.shape)
        continue;
      verdict.valid = false;
      verdict.error = fmt::format("{} '{}' would need a {} of {} instead of the declared size's "
                                  "{}",
                                  node.op_name(), node.name, p.name, format_shape(p.shape),
                                  format_shape(it->second));
      verdict.error_loc =
          in_main_file(program, source_mgr, node.range.Start, node.instantiation.get());
      break;
    }
  }
  if (!verdict.valid)
    verdict.error_location = describe_location(source_mgr, verdict.error_loc);
  for (const ExpectGroup &g : group_expectations(graph)) {
    verdict.expect_holds.push_back(g.holds);
    verdict.expect_grid.push_back(g.grid);
  }
  return verdict;
}

bool reads_spatial_size(const Expr &e) {
  if (e.kind == ExprKind::Member && (e.text == "H" || e.text == "W"))
    return true;
  for (const auto &operand : e.operands)
    if (reads_spatial_size(*operand))
      return true;
  for (const Arg &arg : e.args)
    if (reads_spatial_size(*arg.value))
      return true;
  return false;
}

bool reads_spatial_size(const std::vector<Stmt> &body) {
  for (const Stmt &s : body) {
    for (const Chain &chain : s.chains)
      for (const Stage &stage : chain.stages)
        if (reads_spatial_size(*stage.expr) ||
            (stage.repeat_count && reads_spatial_size(*stage.repeat_count)))
          return true;
    if ((s.subject && reads_spatial_size(*s.subject)) ||
        (s.condition && reads_spatial_size(*s.condition)) || reads_spatial_size(s.then_body) ||
        reads_spatial_size(s.else_body))
      return true;
    for (const auto &dim : s.dims)
      if (reads_spatial_size(*dim))
        return true;
  }
  return false;
}

// Whether any definition reads a tensor's height or width: then the graph's structure may depend
// on the input size, and only elaborating again at each size is right.
bool reads_spatial_size(const Program &program) {
  for (const Module &module : program.modules)
    for (const Definition &def : module.definitions) {
      if (reads_spatial_size(def.body))
        return true;
      for (const Param &p : def.params)
        if (p.default_value && reads_spatial_size(*p.default_value))
          return true;
    }
  return false;
}

} // namespace

SizeVerdict check_input_size(const Program &program, const Definition &network,
                             llvm::SourceMgr &source_mgr, const ParamShapes &declared,
                             int64_t height, int64_t width) {
  DiagnosticEngine scratch(source_mgr);
  ElaborateOptions options;
  options.input_hw = {{height, width}};
  Graph graph = elaborate(program, network, scratch, options);
  return judge(program, source_mgr, declared, graph, scratch, height, width);
}

void report_input_sizes(const Program &program, const Definition &network,
                        llvm::SourceMgr &source_mgr, int64_t low, int64_t high,
                        std::optional<int64_t> fixed_width, llvm::raw_ostream &os,
                        bool allow_reinference) {
  ParamShapes declared = declared_param_shapes(program, network, source_mgr);
  // When nothing reads a height or width, the graph's structure is the same at every size and
  // re-inferring its shapes gives what elaborating again would, several times faster.
  DiagnosticEngine base_diags(source_mgr);
  Graph base = elaborate(program, network, base_diags, {});
  bool reinfer = allow_reinference && !reads_spatial_size(program) && !base_diags.has_errors();
  std::vector<SizeVerdict> verdicts;
  for (int64_t s = low; s <= high; ++s) {
    int64_t width = fixed_width.value_or(s);
    if (!reinfer) {
      verdicts.push_back(check_input_size(program, network, source_mgr, declared, s, width));
      continue;
    }
    DiagnosticEngine scratch(source_mgr);
    for (NodeId id : base.inputs) {
      TensorType &t = base.node(id).type;
      if (t.is_spatial()) {
        t.dims[2] = s;
        t.dims[3] = width;
      }
    }
    for (Node &node : base.nodes)
      if (!node.is_input())
        infer_node(base, node.id, scratch);
    verdicts.push_back(judge(program, source_mgr, declared, base, scratch, s, width));
  }

  os << fmt::format("{}: input sizes {}..{}{}\n", network.name, low, high,
                    fixed_width ? fmt::format(" x {} (height x width)", *fixed_width)
                                : " (square)");
  std::vector<int64_t> valid;
  for (const SizeVerdict &v : verdicts)
    if (v.valid)
      valid.push_back(v.height);
  os << "  valid:   " << intervals(valid) << "\n";

  // For each run of invalid sizes, the reason at the size nearest a valid one.
  int shown = 0, more = 0;
  for (size_t i = 0; i < verdicts.size();) {
    if (verdicts[i].valid) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j + 1 < verdicts.size() && !verdicts[j + 1].valid)
      ++j;
    const SizeVerdict &edge = j + 1 < verdicts.size() ? verdicts[j] : verdicts[i];
    if (shown++ < 8)
      os << fmt::format("  invalid: {}  at {}: {} ({})\n",
                        i == j ? std::to_string(verdicts[i].height)
                               : fmt::format("{}..{}", verdicts[i].height, verdicts[j].height),
                        size_text(edge.height, edge.width), edge.error,
                        display_path(edge.error_location));
    else
      ++more;
    i = j + 1;
  }
  if (more)
    os << fmt::format("  (and {} more runs of invalid sizes)\n", more);

  // Each expect: where it holds, and the grid it sees at the ends of the valid range.
  const SizeVerdict *first_valid = nullptr, *last_valid = nullptr;
  for (const SizeVerdict &v : verdicts)
    if (v.valid) {
      first_valid = first_valid ? first_valid : &v;
      last_valid = &v;
    }
  if (!first_valid)
    return;
  size_t expects = first_valid->expect_holds.size();
  DiagnosticEngine scratch(source_mgr);
  Graph canonical = elaborate(program, network, scratch, {});
  std::vector<ExpectGroup> groups = group_expectations(canonical);
  std::vector<int64_t> all_hold;
  for (const SizeVerdict &v : verdicts) {
    bool every = v.valid && v.expect_holds.size() == expects;
    for (size_t e = 0; every && e < expects; ++e)
      every = v.expect_holds[e];
    if (every)
      all_hold.push_back(v.height);
  }
  for (size_t e = 0; e < expects && e < groups.size(); ++e) {
    std::vector<int64_t> holds;
    for (const SizeVerdict &v : verdicts)
      if (v.valid && e < v.expect_holds.size() && v.expect_holds[e])
        holds.push_back(v.height);
    auto grid_at = [&](const SizeVerdict &v) {
      auto [h, w] = e < v.expect_grid.size() ? v.expect_grid[e] : std::pair<int64_t, int64_t>{};
      return fmt::format("{} at {}", w == 0 ? fmt::format("{} features", h) : size_text(h, w),
                         v.height);
    };
    auto [line, col] = source_mgr.getLineAndColumn(groups[e].range.Start);
    os << fmt::format("  expect {} (line {}) holds for {}; {}, {}\n", groups[e].wanted, line,
                      intervals(holds), grid_at(*first_valid), grid_at(*last_valid));
  }
  if (expects > 0)
    os << "  every expect holds for " << intervals(all_hold) << "\n";
}

} // namespace netc
