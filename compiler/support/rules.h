// The rules behind netc's diagnostics: a stable id per kind of mistake, its default level and a
// one-line description (docs/rules.md lists them with examples). Warnings can be turned off or
// into errors (-Wno-<id>, -Werror=<id>, --werror, .netc.yaml); errors stay errors.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netc {

enum class RuleLevel { Off, Warning, Error };

struct Rule {
  std::string_view id;
  RuleLevel default_level;
  std::string_view summary;
};

const std::vector<Rule> &all_rules();
const Rule *find_rule(std::string_view id);

// What the user asked for: per-rule levels and --werror.
struct RuleConfig {
  std::map<std::string, RuleLevel, std::less<>> levels;
  bool werror = false;

  RuleLevel level_of(std::string_view rule) const;
  // Records "-W<spec>": "no-<id>", "error=<id>", "<id>" or "error". Returns an error message
  // for an unknown rule or an attempt to turn an error off.
  std::optional<std::string> apply_flag(std::string_view spec);
  std::optional<std::string> set_level(std::string_view rule, RuleLevel level);
  // This configuration with `overrides`' levels (and --werror) on top: .netc.yaml, then flags.
  RuleConfig overridden_by(const RuleConfig &overrides) const;
};

// Rule ids, spelled once.
namespace rules {
inline constexpr std::string_view kSyntax = "syntax";
inline constexpr std::string_view kImport = "import";
inline constexpr std::string_view kRedefinition = "redefinition";
inline constexpr std::string_view kUnknownName = "unknown-name";
inline constexpr std::string_view kCallArguments = "call-arguments";
inline constexpr std::string_view kArgumentType = "argument-type";
inline constexpr std::string_view kTypeError = "type-error";
inline constexpr std::string_view kArithmetic = "arithmetic";
inline constexpr std::string_view kRecursion = "recursion";
inline constexpr std::string_view kLimit = "limit";
inline constexpr std::string_view kInvalidNetwork = "invalid-network";
inline constexpr std::string_view kLayerName = "layer-name";
inline constexpr std::string_view kOperandMismatch = "operand-mismatch";
inline constexpr std::string_view kRankMismatch = "rank-mismatch";
inline constexpr std::string_view kWindowTooLarge = "window-too-large";
inline constexpr std::string_view kInvalidAttribute = "invalid-attribute";
inline constexpr std::string_view kGroupsMismatch = "groups-mismatch";
inline constexpr std::string_view kDeclaredSize = "declared-size-mismatch";
inline constexpr std::string_view kExpectMismatch = "expect-mismatch";
inline constexpr std::string_view kInputSize = "input-size";
inline constexpr std::string_view kSizeOverflow = "size-overflow";
inline constexpr std::string_view kHugeTensor = "huge-tensor";
inline constexpr std::string_view kConfig = "config";
inline constexpr std::string_view kUnusedParameter = "unused-parameter";
inline constexpr std::string_view kUnusedValue = "unused-value";
inline constexpr std::string_view kDroppedPixels = "dropped-pixels";
inline constexpr std::string_view kRepeatShapeChange = "repeat-shape-change";
inline constexpr std::string_view kInvalidSuppression = "invalid-suppression";
} // namespace rules

} // namespace netc
