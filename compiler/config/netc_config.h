// .netc.yaml: per-project settings, found by walking up from the checked file as .clang-tidy is.
//
//   rules:                       # a warning's level: off | warning | error
//     dropped-pixels: off
//   werror: false                # every warning an error
//   input-sizes:
//     range: 32..1024            # what `netc check --input-sizes` sweeps by default
//     require: [224, 299, 320x240]   # sizes every network of the file must accept
//   emit:                        # defaults for code generation
//     backend: cpu               # cpu | cuda | pytorch
//     target: auto               # auto | avx512 | avx2 | generic
//     batch: 1
//
// Unknown keys and bad values are errors at their line and column.
#pragma once

#include "support/diagnostics.h"
#include "support/rules.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace netc {

struct InputSize {
  int64_t height = 0, width = 0;
  llvm::SMRange range; // where .netc.yaml requires it
};

struct SizeRange {
  int64_t low = 1, high = 1024;
};

struct EmitDefaults {
  std::string backend = "cpu";
  std::string target = "auto";
  int64_t batch = 1;
};

struct NetcConfig {
  std::string path; // empty when no file was found
  RuleConfig rules;
  std::optional<SizeRange> size_range;
  std::vector<InputSize> required_sizes;
  EmitDefaults emit;
};

// The nearest .netc.yaml in the folder of `dsl_path` or above it, or nullopt. The file is added
// to the engine's SourceMgr so that its mistakes are reported with line and column.
std::optional<std::string> find_config(const std::string &dsl_path);
NetcConfig load_config(const std::string &config_path, DiagnosticEngine &diags);
// Parses a config from text (tests, the fuzzer).
NetcConfig parse_config(llvm::StringRef text, llvm::StringRef name, DiagnosticEngine &diags);

// "224" (square), "320x240" (height x width); nullopt if malformed.
std::optional<std::pair<int64_t, int64_t>> parse_input_size(llvm::StringRef text);
// "32..1024" or "299"; nullopt if malformed.
std::optional<SizeRange> parse_size_range(llvm::StringRef text);

} // namespace netc
