#include "passes/unused.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace netc {

namespace {

void collect_reads(const Expr &e, std::set<std::string> &reads) {
  if (e.kind == ExprKind::Name)
    reads.insert(e.text);
  for (const auto &operand : e.operands)
    collect_reads(*operand, reads);
  for (const Arg &arg : e.args)
    collect_reads(*arg.value, reads);
}

void collect_reads(const LayerName &name, std::set<std::string> &reads) {
  for (const NameSegment &segment : name.segments)
    for (const NamePiece &piece : segment.pieces)
      if (piece.expr)
        collect_reads(*piece.expr, reads);
}

void collect_reads(const Chain &chain, std::set<std::string> &reads) {
  for (const Stage &stage : chain.stages) {
    if (stage.repeat_count)
      collect_reads(*stage.repeat_count, reads);
    collect_reads(*stage.expr, reads);
    if (stage.name)
      collect_reads(*stage.name, reads);
  }
}

// What a body assigns and reads, flow-insensitively (a variable stands for all its assignments).
struct BodyFacts {
  std::map<std::string, std::set<std::string>> inputs_of; // variable -> names its values read
  std::map<std::string, llvm::SMRange> first_assignment;
  std::set<std::string> live_roots;   // read by a return or a condition
  std::set<std::string> all_reads;    // read anywhere, `expect` included
  std::set<std::string> expect_reads; // read by an `expect`
};

void gather(const std::vector<Stmt> &body, BodyFacts &facts) {
  for (const Stmt &s : body) {
    std::set<std::string> reads;
    switch (s.kind) {
    case StmtKind::Assign:
      for (const Chain &chain : s.chains) // none when the statement failed to parse
        collect_reads(chain, reads);
      facts.inputs_of[s.target].insert(reads.begin(), reads.end());
      facts.first_assignment.try_emplace(s.target, s.target_range);
      break;
    case StmtKind::Return:
      for (const Chain &chain : s.chains)
        collect_reads(chain, reads);
      facts.live_roots.insert(reads.begin(), reads.end());
      break;
    case StmtKind::Expect:
      collect_reads(*s.subject, reads);
      for (const auto &dim : s.dims)
        collect_reads(*dim, reads);
      facts.expect_reads.insert(reads.begin(), reads.end());
      break;
    case StmtKind::If:
      collect_reads(*s.condition, reads);
      facts.live_roots.insert(reads.begin(), reads.end());
      gather(s.then_body, facts);
      gather(s.else_body, facts);
      break;
    case StmtKind::Sequential:
      collect_reads(s.sequential_name, reads);
      facts.live_roots.insert(reads.begin(), reads.end());
      gather(s.then_body, facts);
      break;
    case StmtKind::For: // the loop variable is not a value computed: it is not reported
      collect_reads(*s.condition, reads);
      facts.live_roots.insert(reads.begin(), reads.end());
      gather(s.then_body, facts);
      break;
    }
    facts.all_reads.insert(reads.begin(), reads.end());
  }
}

void warn(DiagnosticEngine &diags, std::string_view rule, llvm::SMRange range, std::string message,
          std::vector<Note> notes = {}) {
  Diagnostic d;
  d.severity = Severity::Warning;
  d.rule = rule;
  d.loc = range.Start;
  d.ranges = {range};
  d.message = std::move(message);
  d.notes = std::move(notes);
  diags.report(std::move(d));
}

void check_definition(const Definition &def, DiagnosticEngine &diags) {
  // What a statement that failed to parse reads is unknown: any warning could be wrong.
  if (def.has_syntax_error)
    return;
  BodyFacts facts;
  gather(def.body, facts);
  for (const Param &p : def.params)
    if (p.default_value)
      collect_reads(*p.default_value, facts.all_reads);

  for (const Param &p : def.params)
    if (!p.name.starts_with("_") && !facts.all_reads.count(p.name))
      warn(diags, rules::kUnusedParameter, p.range,
           fmt::format("parameter '{}' of block '{}' is never used", p.name, def.name));

  // Live variables: those a return or a condition reads, and what they are computed from.
  std::set<std::string> live;
  std::vector<std::string> work(facts.live_roots.begin(), facts.live_roots.end());
  while (!work.empty()) {
    std::string name = work.back();
    work.pop_back();
    if (!live.insert(name).second)
      continue;
    if (auto it = facts.inputs_of.find(name); it != facts.inputs_of.end())
      work.insert(work.end(), it->second.begin(), it->second.end());
  }

  // Report each dead value that nothing else reads; the dead values feeding it go in notes.
  std::set<std::string> read_by_dead;
  for (const auto &[name, inputs] : facts.inputs_of)
    if (!live.count(name))
      for (const std::string &input : inputs)
        if (input != name)
          read_by_dead.insert(input);
  std::vector<std::pair<llvm::SMRange, std::string>> in_source_order;
  for (const auto &[name, range] : facts.first_assignment)
    in_source_order.push_back({range, name});
  std::sort(in_source_order.begin(), in_source_order.end(), [](const auto &a, const auto &b) {
    return a.first.Start.getPointer() < b.first.Start.getPointer();
  });
  for (const auto &[range, name] : in_source_order) {
    if (live.count(name) || read_by_dead.count(name) || name.starts_with("_"))
      continue;
    std::vector<Note> notes;
    std::set<std::string> seen = {name};
    std::vector<std::string> feeding(facts.inputs_of[name].begin(), facts.inputs_of[name].end());
    while (!feeding.empty()) {
      std::string input = feeding.back();
      feeding.pop_back();
      if (live.count(input) || !facts.first_assignment.count(input) || !seen.insert(input).second)
        continue;
      notes.push_back({facts.first_assignment[input].Start,
                       fmt::format("'{}' is computed only for it", input),
                       {facts.first_assignment[input]}});
      feeding.insert(feeding.end(), facts.inputs_of[input].begin(), facts.inputs_of[input].end());
    }
    warn(diags, rules::kUnusedValue, range,
         fmt::format("'{}' is computed but never used{}", name,
                     facts.expect_reads.count(name) ? " (only checked by 'expect')" : ""),
         std::move(notes));
  }
}

} // namespace

void check_unused(const Program &program, DiagnosticEngine &diags) {
  for (const Definition &def : program.main().definitions)
    check_definition(def, diags);
}

} // namespace netc
