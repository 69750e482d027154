#include "support/rules.h"

namespace netc {

const std::vector<Rule> &all_rules() {
  using namespace rules;
  static const std::vector<Rule> table = {
      {kSyntax, RuleLevel::Error, "the text is not valid netc syntax"},
      {kImport, RuleLevel::Error, "an imported file cannot be found or read"},
      {kRedefinition, RuleLevel::Error, "a block or network is defined twice, or named like an op"},
      {kUnknownName, RuleLevel::Error, "a name, operation or block that does not exist"},
      {kCallArguments, RuleLevel::Error,
       "a call with a missing, unknown, repeated or superfluous argument"},
      {kArgumentType, RuleLevel::Error, "an argument of the wrong type for its parameter"},
      {kTypeError, RuleLevel::Error, "an expression applied to values of the wrong type"},
      {kArithmetic, RuleLevel::Error, "division by zero, an inexact '/', or integer overflow"},
      {kRecursion, RuleLevel::Error, "a block that calls itself"},
      {kLimit, RuleLevel::Error, "elaboration past netc's limits on calls, layers or nesting"},
      {kInvalidNetwork, RuleLevel::Error, "a network or block without a proper return or inputs"},
      {kLayerName, RuleLevel::Error, "two layers given the same name"},
      {kOperandMismatch, RuleLevel::Error,
       "add or concat operands that disagree in channels or spatial size"},
      {kRankMismatch, RuleLevel::Error, "a flat tensor where a feature map is needed, or back"},
      {kWindowTooLarge, RuleLevel::Error,
       "a kernel or pooling window larger than its padded input"},
      {kInvalidAttribute, RuleLevel::Error,
       "an attribute out of range: sizes not positive, negative padding, eps or p out of range"},
      {kGroupsMismatch, RuleLevel::Error, "groups that do not divide the channels or filters"},
      {kDeclaredSize, RuleLevel::Error,
       "in_channels or in_features that disagree with the actual input"},
      {kExpectMismatch, RuleLevel::Error, "a value whose shape is not what `expect` states"},
      {kInputSize, RuleLevel::Error, "an input size .netc.yaml requires is not valid"},
      {kSizeOverflow, RuleLevel::Error,
       "a tensor size past 64-bit integers (absurd padding, kernel or channels)"},
      {kConfig, RuleLevel::Error, "an invalid .netc.yaml or command-line setting"},
      {kUnusedParameter, RuleLevel::Warning, "a block parameter that the body never reads"},
      {kUnusedValue, RuleLevel::Warning,
       "layers computed but never used by any output (a dead branch)"},
      {kDroppedPixels, RuleLevel::Warning,
       "a window or stride that never reads the last rows or columns of its input"},
      {kHugeTensor, RuleLevel::Warning,
       "a tensor (per sample) or weight of more than 2^31 elements: surely a typo"},
      {kRepeatShapeChange, RuleLevel::Warning,
       "a repeated block whose output shape differs from its input, so iterations differ"},
      {kInvalidSuppression, RuleLevel::Warning,
       "a '# netc: allow(...)' comment that is malformed or names an unknown rule or an error"},
  };
  return table;
}

const Rule *find_rule(std::string_view id) {
  for (const Rule &r : all_rules())
    if (r.id == id)
      return &r;
  return nullptr;
}

RuleLevel RuleConfig::level_of(std::string_view id) const {
  const Rule *rule = find_rule(id);
  RuleLevel level = rule ? rule->default_level : RuleLevel::Error;
  if (auto it = levels.find(id); it != levels.end())
    level = it->second;
  if (level == RuleLevel::Warning && werror)
    level = RuleLevel::Error;
  return level;
}

std::optional<std::string> RuleConfig::set_level(std::string_view id, RuleLevel level) {
  const Rule *rule = find_rule(id);
  if (!rule)
    return "unknown rule '" + std::string(id) + "' (netc rules lists them)";
  if (rule->default_level == RuleLevel::Error && level != RuleLevel::Error)
    return "'" + std::string(id) + "' is an error and cannot be turned off or into a warning";
  levels[std::string(id)] = level;
  return std::nullopt;
}

RuleConfig RuleConfig::overridden_by(const RuleConfig &overrides) const {
  RuleConfig merged = *this;
  for (const auto &[id, level] : overrides.levels)
    merged.levels[id] = level;
  merged.werror = werror || overrides.werror;
  return merged;
}

std::optional<std::string> RuleConfig::apply_flag(std::string_view spec) {
  if (spec == "error") {
    werror = true;
    return std::nullopt;
  }
  if (spec.starts_with("no-"))
    return set_level(spec.substr(3), RuleLevel::Off);
  if (spec.starts_with("error="))
    return set_level(spec.substr(6), RuleLevel::Error);
  return set_level(spec, RuleLevel::Warning);
}

} // namespace netc
