#include "elaborate/layer_names.h"

#include <fmt/format.h>

namespace netc {

namespace {

void count_stages(const std::vector<Stmt> &body, std::map<std::string, int> &counts) {
  for (const Stmt &s : body) {
    if (s.kind == StmtKind::Assign && !s.chains.empty()) {
      for (const Stage &stage : s.chains[0].stages) {
        bool makes_layer =
            stage.expr->kind == ExprKind::Call || stage.expr->kind == ExprKind::Binary;
        counts[s.target] += stage.repeat_count ? 2 : (makes_layer ? 1 : 0);
      }
    } else if (s.kind == StmtKind::If) {
      count_stages(s.then_body, counts);
      count_stages(s.else_body, counts);
    } else if (s.kind == StmtKind::For) {
      std::map<std::string, int> in_loop;
      count_stages(s.then_body, in_loop);
      for (const auto &[name, count] : in_loop)
        counts[name] += 2 * count;
    }
  }
}

std::string join_path(const std::string &prefix, const std::string &local) {
  return prefix.empty() ? local : prefix + "." + local;
}

// The local name of the layer a stage makes, or empty for an automatic name. Every stage of
// a numbered variable or a `sequential` takes a number, as in an nn.Sequential, even when
// `as` gives it another name.
std::string take_stage_name(const StageNamer *namer, LayerScope &scope) {
  if (!namer || !namer->stage)
    return "";
  std::string numbered;
  if (!scope.sequential.empty()) {
    const std::string &seq = scope.sequential.back();
    int64_t index = scope.next_index[seq]++;
    numbered = seq.empty() ? std::to_string(index) : fmt::format("{}.{}", seq, index);
  } else if (namer->base && scope.numbered_bases.count(*namer->base)) {
    numbered = fmt::format("{}.{}", *namer->base, scope.next_index[*namer->base]++);
  } else if (namer->base) {
    numbered = *namer->base;
  }
  if (!namer->name)
    return numbered;
  std::string named = *namer->name;
  // Inside `sequential f`, `as a` names `f.a`, as nn.Sequential(OrderedDict) does.
  if (!scope.sequential.empty() && !scope.sequential.back().empty())
    named = fmt::format("{}.{}", scope.sequential.back(), named);
  if (namer->repeat_index > 0)
    return fmt::format("{}.{}", named, namer->repeat_index - 1);
  return named;
}

} // namespace

LayerScope LayerScope::for_body(std::string prefix, const std::vector<Stmt> &body) {
  LayerScope scope;
  scope.prefix = std::move(prefix);
  std::map<std::string, int> counts;
  count_stages(body, counts);
  for (const auto &[name, count] : counts)
    if (count > 1)
      scope.numbered_bases.insert(name);
  return scope;
}

LayerNames::Claim LayerNames::layer(const StageNamer *namer, std::string_view callee,
                                    llvm::SMRange range, LayerScope &scope) {
  std::string local = take_stage_name(namer, scope);
  bool is_explicit = namer && namer->is_explicit();
  if (local.empty()) {
    int &n = scope.auto_names[std::string(callee)];
    local = n == 0 ? std::string(callee) : fmt::format("{}_{}", callee, n);
    ++n;
  }
  return claim(join_path(scope.prefix, local), range, is_explicit);
}

LayerNames::Claim LayerNames::claim(std::string name, llvm::SMRange range, bool is_explicit) {
  auto [it, inserted] = used_.try_emplace(name, range);
  if (inserted)
    return {std::move(name), std::nullopt};
  std::optional<Clash> clash;
  if (is_explicit)
    clash = Clash{name, it->second};
  for (int i = 1;; ++i) {
    std::string candidate = fmt::format("{}_{}", name, i);
    if (used_.try_emplace(candidate, range).second)
      return {std::move(candidate), clash};
  }
}

} // namespace netc
