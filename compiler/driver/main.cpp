// netc: the command-line tool.
//   netc check FILE...        check every network's shapes; exit 0 clean, 1 errors, 2 usage
//   netc summary FILE         a table of layers, shapes, parameters and MACs (or --format=json)
//   netc ir FILE              the elaborated IR as text
//   netc params FILE          every parameter and buffer as state_dict() names it, with its shape
//   netc rules                the rule ids behind the diagnostics
//   netc graph FILE -o F      the network drawn with Graphviz (F: .svg, .png, .pdf or .dot)
#include "analysis/graph_dot.h"
#include "analysis/input_sizes.h"
#include "analysis/summary.h"
#include "driver/compile.h"
#include "support/diagnostic_formats.h"
#include "ir/printer.h"

#include <llvm/Support/CommandLine.h>
#include <llvm/Support/ErrorHandling.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Program.h>
#include <llvm/Support/InitLLVM.h>
#include <llvm/Support/WithColor.h>
#include <llvm/Support/raw_ostream.h>

#include <fmt/format.h>

namespace cl = llvm::cl;

namespace {

cl::OptionCategory netc_category("netc options");

cl::SubCommand check_cmd("check", "Check the shapes of every network in the files");
cl::SubCommand summary_cmd("summary", "Print a table of layers, shapes, parameters and MACs");
cl::SubCommand ir_cmd("ir", "Print the elaborated IR");
cl::SubCommand params_cmd("params", "List parameters and buffers with their state_dict() names");
cl::SubCommand rules_cmd("rules", "List the rules behind the diagnostics, with their levels");
cl::SubCommand graph_cmd("graph", "Draw the network with Graphviz: blocks as clusters, shapes on "
                                  "the edges, failed layers in red");

cl::list<std::string> check_files(cl::Positional, cl::desc("<file.netc>..."), cl::OneOrMore,
                                  cl::sub(check_cmd));
cl::opt<std::string> summary_file(cl::Positional, cl::desc("<file.netc>"), cl::Required,
                                  cl::sub(summary_cmd));
cl::opt<std::string> ir_file(cl::Positional, cl::desc("<file.netc>"), cl::Required,
                             cl::sub(ir_cmd));
cl::opt<std::string> params_file(cl::Positional, cl::desc("<file.netc>"), cl::Required,
                                 cl::sub(params_cmd));
cl::opt<std::string> graph_file(cl::Positional, cl::desc("<file.netc>"), cl::Required,
                                cl::sub(graph_cmd));
cl::opt<std::string> graph_output("o", cl::desc("Output: .svg, .png or .pdf (rendered by dot), "
                                                "or .dot; default DOT on standard output"),
                                  cl::value_desc("file"), cl::sub(graph_cmd),
                                  cl::cat(netc_category));
cl::opt<bool> graph_unfolded("unfold", cl::desc("Draw every iteration of a repeat"),
                             cl::sub(graph_cmd), cl::cat(netc_category));
cl::opt<bool> graph_detailed("detailed",
                             cl::desc("Draw every layer; do not merge conv, batch norm and "
                                      "activation into one node"),
                             cl::sub(graph_cmd), cl::cat(netc_category));
cl::opt<bool> graph_names("names", cl::desc("Show each layer's name"), cl::sub(graph_cmd),
                          cl::cat(netc_category));

cl::list<std::string> include_dirs("I", cl::desc("Add a folder to search for imports"),
                                   cl::value_desc("dir"), cl::Prefix, cl::ZeroOrMore,
                                   cl::sub(*cl::AllSubCommands), cl::cat(netc_category));
cl::opt<int64_t> batch("batch", cl::desc("Batch size (default 1)"), cl::init(1),
                       cl::sub(*cl::AllSubCommands), cl::cat(netc_category));
cl::opt<std::string> network_name("network", cl::desc("Only this network of the file"),
                                  cl::value_desc("name"), cl::sub(*cl::AllSubCommands),
                                  cl::cat(netc_category));
cl::opt<bool> print_after_all("print-after-all", cl::desc("Print the IR after every pass"),
                              cl::sub(*cl::AllSubCommands), cl::cat(netc_category));
cl::opt<bool> time_passes("time-passes", cl::desc("Time every pass"),
                          cl::sub(*cl::AllSubCommands), cl::cat(netc_category));
cl::opt<bool> color("diagnostics-color", cl::desc("Colour diagnostics (default: when stderr is a terminal)"),
                    cl::init(false), cl::sub(*cl::AllSubCommands), cl::cat(netc_category));

cl::list<std::string> warning_flags("W",
                                    cl::desc("-Wno-<rule> turns a warning off, -Werror=<rule> "
                                             "makes it an error, -Werror makes all warnings errors"),
                                    cl::value_desc("spec"), cl::Prefix, cl::ZeroOrMore,
                                    cl::sub(*cl::AllSubCommands), cl::cat(netc_category));
cl::opt<bool> werror("werror", cl::desc("Treat every warning as an error"),
                     cl::sub(*cl::AllSubCommands), cl::cat(netc_category));

cl::opt<std::string> input_sizes(
    "input-sizes", cl::ValueOptional,
    cl::desc("Report for which input sizes each network is valid: LO..HI (square), LO..HIxW "
             "(heights LO..HI at width W); default .netc.yaml's range, else 1..1024"),
    cl::value_desc("range"), cl::sub(check_cmd), cl::cat(netc_category));

enum class Format { Text, Json, Sarif, Github };
cl::opt<Format> format(
    "format", cl::desc("Output format"),
    cl::values(clEnumValN(Format::Text, "text", "for people (default; colour on a terminal)"),
               clEnumValN(Format::Json, "json", "JSON"),
               clEnumValN(Format::Sarif, "sarif", "SARIF 2.1.0, for GitHub code scanning (check)"),
               clEnumValN(Format::Github, "github", "GitHub Actions workflow commands (check)")),
    cl::init(Format::Text), cl::sub(summary_cmd), cl::sub(check_cmd), cl::cat(netc_category));
cl::opt<int> depth("depth", cl::desc("Group layers by the first N parts of their names"),
                   cl::init(0), cl::sub(summary_cmd), cl::cat(netc_category));

constexpr int kExitClean = 0;
constexpr int kExitErrors = 1;
constexpr int kExitUsage = 2;

// Settles -W flags into `rules`; returns false (after saying why) on a bad flag.
bool rule_config(netc::RuleConfig &rules) {
  rules.werror = rules.werror || werror;
  for (const std::string &spec : warning_flags) {
    if (auto problem = rules.apply_flag(spec)) {
      llvm::errs() << "netc: error: -W" << spec << ": " << *problem << "\n";
      return false;
    }
  }
  return true;
}

netc::CompileOptions compile_options() {
  netc::CompileOptions options;
  rule_config(options.rules);
  options.load.include_dirs = include_dirs;
  options.elaborate.batch = batch;
  options.network = network_name;
  options.pipeline.print_after_all = print_after_all;
  options.pipeline.time_passes = time_passes;
  return options;
}

bool use_colors() { return color || llvm::errs().has_colors(); }

struct SizeSweep {
  netc::SizeRange heights;
  std::optional<int64_t> width; // fixed width; none: square
};

// Parses --input-sizes' value; the config's range when it is empty.
std::optional<SizeSweep> parse_sweep(llvm::StringRef spec, const netc::NetcConfig &config) {
  SizeSweep sweep;
  if (spec.empty()) {
    sweep.heights = config.size_range.value_or(netc::SizeRange{1, 1024});
    return sweep;
  }
  auto [range_text, width_text] = spec.split('x');
  auto range = netc::parse_size_range(range_text);
  if (!range)
    return std::nullopt;
  sweep.heights = *range;
  if (!width_text.empty()) {
    auto width = netc::parse_input_size(width_text);
    if (!width || width->first != width->second)
      return std::nullopt;
    sweep.width = width->first;
  }
  return sweep;
}

void report_sweep(netc::CompiledFile &file) {
  SizeSweep sweep = *parse_sweep(input_sizes, file.config);
  for (const netc::Definition *network : file.program.networks()) {
    if (!network_name.empty() && network->name != network_name)
      continue;
    netc::report_input_sizes(file.program, *network, *file.source_mgr, sweep.heights.low,
                             sweep.heights.high, sweep.width, llvm::outs());
  }
}

int run_check() {
  auto options = compile_options();
  if (input_sizes.getNumOccurrences() && !parse_sweep(input_sizes, {})) {
    llvm::errs() << "netc: error: --input-sizes=" << input_sizes
                 << ": expected LO..HI or LO..HIxW, sizes from 1 to 65536\n";
    return kExitUsage;
  }
  unsigned errors = 0, warnings = 0, networks = 0;
  std::vector<netc::ResolvedDiagnostic> report; // for the machine formats
  for (const std::string &path : check_files) {
    netc::CompiledFile file = netc::compile_file(path, options);
    if (!file.readable)
      return kExitUsage;
    networks += file.graphs.size();
    if (format == Format::Text) {
      netc::DiagnosticCounts counts = file.diags->flush(llvm::errs(), use_colors());
      errors += counts.errors;
      warnings += counts.warnings;
      if (input_sizes.getNumOccurrences())
        report_sweep(file);
      continue;
    }
    for (netc::ResolvedDiagnostic &d : netc::resolve_diagnostics(*file.diags)) {
      errors += d.severity == netc::Severity::Error;
      warnings += d.severity == netc::Severity::Warning;
      report.push_back(std::move(d));
    }
    file.diags->clear();
  }
  if (format == Format::Json)
    netc::write_json(report, llvm::outs());
  else if (format == Format::Sarif)
    netc::write_sarif(report, llvm::outs());
  else if (format == Format::Github)
    netc::write_github(report, llvm::outs());
  auto count = [](unsigned n, const char *what) {
    return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s");
  };
  std::string verdict = errors == 0 ? "no errors" : count(errors, "error");
  if (warnings)
    verdict += ", " + count(warnings, "warning");
  // The report owns stdout in the machine formats; the verdict then goes to stderr.
  (format == Format::Text ? llvm::outs() : llvm::errs())
      << fmt::format("checked {} in {}: {}\n", count(networks, "network"),
                     count(check_files.size(), "file"), verdict);
  return errors ? kExitErrors : kExitClean;
}

// Runs `print` on each network of a single file, after its diagnostics. Numbers computed from a
// network with errors would look valid and be wrong, so unless `even_with_errors` nothing is
// printed then.
template <typename Print>
int run_single(const std::string &path, Print print, bool even_with_errors = false) {
  netc::CompiledFile file = netc::compile_file(path, compile_options());
  if (!file.readable)
    return kExitUsage;
  bool errors = file.diags->flush(llvm::errs(), use_colors()).errors != 0;
  if (errors && !even_with_errors)
    return kExitErrors;
  for (const netc::Graph &graph : file.graphs)
    print(graph);
  return errors ? kExitErrors : kExitClean;
}

// Renders DOT text to `path` with Graphviz's dot, the format taken from the extension.
int render_with_dot(const std::string &dot_text, const std::string &path) {
  llvm::StringRef extension = llvm::sys::path::extension(path);
  if (extension == ".dot" || extension == ".gv") {
    std::error_code ec;
    llvm::raw_fd_ostream out(path, ec);
    if (ec) {
      llvm::errs() << "netc: error: cannot write '" << path << "': " << ec.message() << "\n";
      return kExitUsage;
    }
    out << dot_text;
    return kExitClean;
  }
  if (extension != ".svg" && extension != ".png" && extension != ".pdf") {
    llvm::errs() << "netc: error: -o " << path << ": write .svg, .png, .pdf or .dot\n";
    return kExitUsage;
  }
  llvm::ErrorOr<std::string> dot = llvm::sys::findProgramByName("dot");
  if (!dot) {
    llvm::errs() << "netc: error: Graphviz's 'dot' is not installed (apt-get install graphviz); "
                    "write a .dot file instead\n";
    return kExitUsage;
  }
  llvm::SmallString<128> input;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile("netc-graph", "dot", input)) {
    llvm::errs() << "netc: error: cannot create a temporary file: " << ec.message() << "\n";
    return kExitUsage;
  }
  {
    std::error_code ec;
    llvm::raw_fd_ostream tmp(input, ec);
    tmp << dot_text;
  }
  std::string format = "-T" + extension.drop_front().str();
  llvm::SmallVector<llvm::StringRef, 5> args = {*dot, format, "-o", path, input};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*dot, args, llvm::None, {}, 0, 0, &message);
  llvm::sys::fs::remove(input);
  if (rc != 0) {
    llvm::errs() << "netc: error: dot failed" << (message.empty() ? "" : ": " + message) << "\n";
    return kExitUsage;
  }
  return kExitClean;
}

int run_graph() {
  netc::CompiledFile file = netc::compile_file(graph_file, compile_options());
  if (!file.readable)
    return kExitUsage;
  if (file.graphs.empty()) {
    bool errors = file.diags->flush(llvm::errs(), use_colors()).errors != 0;
    if (!errors)
      llvm::errs() << "netc: error: '" << graph_file << "' has no network to draw\n";
    return errors ? kExitErrors : kExitUsage;
  }
  const netc::Graph &graph = file.graphs.front(); // --network chooses another
  netc::GraphDotOptions options;
  options.fold_repeats = !graph_unfolded;
  options.compact = !graph_detailed;
  options.show_names = graph_names;
  options.errors = netc::errors_by_node(graph, file.diags->pending());
  bool errors = file.diags->flush(llvm::errs(), use_colors()).errors != 0;
  std::string dot_text;
  llvm::raw_string_ostream os(dot_text);
  netc::write_dot(graph, options, os);
  os.flush();
  if (graph_output.empty())
    llvm::outs() << dot_text;
  else if (int rc = render_with_dot(dot_text, graph_output))
    return rc;
  // The picture is drawn either way; errors in it still fail the command.
  return errors ? kExitErrors : kExitClean;
}

void fatal_error_handler(void *, const char *reason, bool) {
  llvm::errs() << "netc: internal error: " << reason << "\n";
  std::_Exit(kExitUsage);
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::install_fatal_error_handler(fatal_error_handler);
  cl::HideUnrelatedOptions(netc_category);
  cl::SetVersionPrinter([](llvm::raw_ostream &os) { os << "netc 0.1.0 (front end)\n"; });
  std::string usage_errors;
  llvm::raw_string_ostream usage_stream(usage_errors);
  if (!cl::ParseCommandLineOptions(argc, argv,
                                   "netc: a compiler for neural-network architectures\n",
                                   &usage_stream)) {
    llvm::errs() << usage_stream.str();
    return kExitUsage;
  }
  if (batch < 1 || batch > 1 << 20) {
    llvm::errs() << "netc: error: --batch must be between 1 and 1048576\n";
    return kExitUsage;
  }
  if (netc::RuleConfig probe; !rule_config(probe))
    return kExitUsage;
  if (rules_cmd) {
    for (const netc::Rule &rule : netc::all_rules())
      llvm::outs() << fmt::format("{:<24} {:<8} {}\n", rule.id,
                                  rule.default_level == netc::RuleLevel::Error ? "error" : "warning",
                                  rule.summary);
    return kExitClean;
  }
  if (check_cmd)
    return run_check();
  if (graph_cmd)
    return run_graph();
  if (summary_cmd && (format == Format::Sarif || format == Format::Github)) {
    llvm::errs() << "netc: error: summary writes text or json\n";
    return kExitUsage;
  }
  if (summary_cmd)
    return run_single(summary_file, [](const netc::Graph &graph) {
      netc::Summary s = netc::group_by_depth(netc::summarize(graph), depth);
      if (format == Format::Json)
        netc::print_summary_json(s, llvm::outs());
      else
        netc::print_summary_text(s, llvm::outs());
    });
  if (ir_cmd) // the IR shows what went wrong (poison types), so it is printed even then
    return run_single(
        ir_file, [](const netc::Graph &graph) { netc::print_graph(graph, llvm::outs()); },
        /*even_with_errors=*/true);
  if (params_cmd)
    return run_single(params_file, [](const netc::Graph &graph) {
      for (const netc::Node &node : graph.nodes)
        for (const netc::ParamSpec &p : node.params)
          llvm::outs() << fmt::format("{}.{}\t{}\tfloat32\n", node.name, p.name,
                                      netc::format_shape(p.shape));
    });
  llvm::errs() << "netc: error: no command given; try 'netc check FILE' or 'netc --help'\n";
  return kExitUsage;
}
