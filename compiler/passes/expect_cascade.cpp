#include "passes/expect_cascade.h"

#include <fmt/format.h>

#include <set>
#include <string>
#include <utility>

namespace netc {

namespace {

// For each node, the failed expect (its index in `failed`) whose value it reads, directly or
// through other layers; -1 for none. The first expect upstream wins, so each hidden warning is
// counted once.
std::vector<int> downstream_of(const Graph &graph, const std::vector<uint32_t> &failed) {
  std::vector<int> owner(graph.nodes.size(), -1);
  for (const Node &node : graph.nodes) { // topological order: inputs are decided first
    for (NodeId input : node.inputs) {
      int from = owner[input];
      for (size_t k = 0; k < failed.size(); ++k)
        if (failed[k] == input && (from < 0 || static_cast<int>(k) < from))
          from = static_cast<int>(k);
      if (from >= 0 && (owner[node.id] < 0 || from < owner[node.id]))
        owner[node.id] = from;
    }
  }
  return owner;
}

std::string hidden_note(size_t count) {
  if (count == 1)
    return "1 warning on a layer after this expect is not shown: it would be computed from the "
           "shape the expect refused";
  return fmt::format("{} warnings on layers after this expect are not shown: they would be "
                     "computed from the shape the expect refused",
                     count);
}

} // namespace

void hide_warnings_after_failed_expects(const Graph &graph, DiagnosticEngine &diags, size_t mark) {
  std::vector<Diagnostic> &pending = diags.pending();
  std::vector<size_t> failed_at; // the failed expects' errors, by index in `pending`
  std::vector<uint32_t> failed_node;
  for (size_t i = mark; i < pending.size(); ++i)
    if (pending[i].rule == rules::kExpectMismatch && pending[i].node &&
        *pending[i].node < graph.nodes.size()) {
      failed_at.push_back(i);
      failed_node.push_back(*pending[i].node);
    }
  if (failed_at.empty())
    return;
  std::vector<int> owner = downstream_of(graph, failed_node);

  // Counted as they would have been printed: the same warning from several instantiations once.
  std::vector<std::set<std::pair<const char *, std::string>>> hidden(failed_at.size());
  std::vector<Diagnostic> kept;
  kept.reserve(pending.size());
  std::vector<size_t> failed_kept_at(failed_at.size()); // where the errors are once others go
  for (size_t i = 0, k = 0; i < pending.size(); ++i) {
    Diagnostic &d = pending[i];
    int from = i >= mark && d.severity == Severity::Warning && d.node && *d.node < owner.size()
                   ? owner[*d.node]
                   : -1;
    if (from >= 0) {
      if (diags.level_of(d) != RuleLevel::Off)
        hidden[from].insert({d.loc.getPointer(), d.message});
      continue;
    }
    if (k < failed_at.size() && failed_at[k] == i)
      failed_kept_at[k++] = kept.size();
    kept.push_back(std::move(d));
  }
  pending = std::move(kept);
  for (size_t k = 0; k < failed_at.size(); ++k)
    if (!hidden[k].empty())
      pending[failed_kept_at[k]].notes.push_back({llvm::SMLoc(), hidden_note(hidden[k].size())});
}

} // namespace netc
