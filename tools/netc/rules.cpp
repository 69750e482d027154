// netc rules: the rule ids behind the diagnostics, with their default levels.
#include "command.h"

#include "support/rules.h"

#include <llvm/Support/raw_ostream.h>

#include <fmt/format.h>

namespace netc {

llvm::cl::SubCommand &rules_subcommand() {
  static llvm::cl::SubCommand sub("rules",
                                  "List the rules behind the diagnostics, with their levels");
  return sub;
}

int run_rules(const Invocation &) {
  for (const Rule &rule : all_rules())
    llvm::outs() << fmt::format("{:<24} {:<8} {}\n", rule.id,
                                rule.default_level == RuleLevel::Error ? "error" : "warning",
                                rule.summary);
  return kExitClean;
}

} // namespace netc
