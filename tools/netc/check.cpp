// netc check FILE...: every network's shapes, the warnings, and with --input-sizes the input
// sizes each network is valid for. Exit 0 clean, 1 errors, 2 usage.
#include "command.h"
#include "options.h"

#include "analysis/input_sizes.h"
#include "support/diagnostic_formats.h"

#include <llvm/Support/raw_ostream.h>

#include <fmt/format.h>

namespace cl = llvm::cl;

namespace netc {

cl::SubCommand &check_subcommand() {
  static cl::SubCommand sub("check", "Check the shapes of every network in the files");
  return sub;
}

namespace {

cl::list<std::string> check_files(cl::Positional, cl::desc("<file.netc>..."), cl::OneOrMore,
                                  cl::sub(check_subcommand()));
cl::opt<std::string> input_sizes(
    "input-sizes", cl::ValueOptional,
    cl::desc("Report for which input sizes each network is valid: LO..HI (square), LO..HIxW "
             "(heights LO..HI at width W); default .netc.yaml's range, else 1..1024"),
    cl::value_desc("range"), cl::sub(check_subcommand()), cl::cat(netc_category()));

struct SizeSweep {
  SizeRange heights;
  std::optional<int64_t> width; // fixed width; none: square
};

// Parses --input-sizes' value; the config's range when it is empty.
std::optional<SizeSweep> parse_sweep(llvm::StringRef spec, const NetcConfig &config) {
  SizeSweep sweep;
  if (spec.empty()) {
    sweep.heights = config.size_range.value_or(SizeRange{1, 1024});
    return sweep;
  }
  auto [range_text, width_text] = spec.split('x');
  auto range = parse_size_range(range_text);
  if (!range)
    return std::nullopt;
  sweep.heights = *range;
  if (!width_text.empty()) {
    auto width = parse_input_size(width_text);
    if (!width || width->first != width->second)
      return std::nullopt;
    sweep.width = width->first;
  }
  return sweep;
}

void report_sweep(CompiledFile &file, const std::string &network_name) {
  SizeSweep sweep = *parse_sweep(input_sizes, file.config);
  for (const Definition *network : file.program.networks()) {
    if (!network_name.empty() && network->name != network_name)
      continue;
    report_input_sizes(file.program, *network, *file.source_mgr, sweep.heights.low,
                       sweep.heights.high, sweep.width, llvm::outs());
  }
}

} // namespace

int run_check(const Invocation &invocation) {
  if (input_sizes.getNumOccurrences() && !parse_sweep(input_sizes, {})) {
    llvm::errs() << "netc: error: --input-sizes=" << input_sizes
                 << ": expected LO..HI or LO..HIxW, sizes from 1 to 65536\n";
    return kExitUsage;
  }
  unsigned errors = 0, warnings = 0, networks = 0;
  std::vector<ResolvedDiagnostic> report; // for the machine formats
  for (const std::string &path : check_files) {
    CompiledFile file = compile_file(path, invocation.compile);
    if (!file.readable)
      return kExitUsage;
    networks += file.graphs.size();
    if (output_format == Format::Text) {
      DiagnosticCounts counts = file.diags->flush(llvm::errs(), invocation.colors);
      errors += counts.errors;
      warnings += counts.warnings;
      if (input_sizes.getNumOccurrences())
        report_sweep(file, invocation.compile.network);
      continue;
    }
    for (ResolvedDiagnostic &d : resolve_diagnostics(*file.diags)) {
      errors += d.severity == Severity::Error;
      warnings += d.severity == Severity::Warning;
      report.push_back(std::move(d));
    }
    if (file.diags->error_limit_reached()) // the report on stdout stays valid JSON or SARIF
      print_error_limit_reached(llvm::errs(), invocation.colors);
    file.diags->clear();
  }
  if (output_format == Format::Json)
    write_json(report, llvm::outs());
  else if (output_format == Format::Sarif)
    write_sarif(report, llvm::outs());
  else if (output_format == Format::Github)
    write_github(report, llvm::outs());
  auto count = [](unsigned n, const char *what) {
    return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s");
  };
  std::string verdict = errors == 0 ? "no errors" : count(errors, "error");
  if (warnings)
    verdict += ", " + count(warnings, "warning");
  // The report owns stdout in the machine formats; the verdict then goes to stderr.
  (output_format == Format::Text ? llvm::outs() : llvm::errs())
      << fmt::format("checked {} in {}: {}\n", count(networks, "network"),
                     count(check_files.size(), "file"), verdict);
  return errors ? kExitErrors : kExitClean;
}

} // namespace netc
