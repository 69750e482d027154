// netc: the command-line tool.
//   netc check FILE...        check every network's shapes; exit 0 clean, 1 errors, 2 usage
//   netc summary FILE         a table of layers, shapes, parameters and MACs (or --format=json)
//   netc ir FILE              the elaborated IR as text
//   netc params FILE          every parameter and buffer as state_dict() names it, with its shape
//   netc rules                the rule ids behind the diagnostics
//   netc graph FILE -o F      the network drawn with Graphviz (F: .svg, .png, .pdf or .dot)
//   netc run FILE --weights W --input X.npy   the network run by the reference executor
#include "analysis/graph_dot.h"
#include "analysis/input_sizes.h"
#include "analysis/reference_memory.h"
#include "analysis/summary.h"
#include "driver/codegen_commands.h"
#include "driver/compile.h"
#include "driver/weights_check.h"
#include "reference/reference_executor.h"
#include "support/diagnostic_formats.h"
#include "ir/printer.h"

#include <llvm/Support/CommandLine.h>
#include <llvm/Support/ErrorHandling.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Program.h>
#include <llvm/Support/InitLLVM.h>
#include <llvm/Support/Signals.h>
#include <llvm/Support/WithColor.h>
#include <llvm/Support/thread.h>
#include <llvm/Support/raw_ostream.h>

#include <fmt/format.h>

#include <netc/npy.hpp>
#include <netc/safetensors.hpp>

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

cl::SubCommand run_cmd("run", "Run a network with the reference executor (double precision) on "
                              ".npy inputs");
cl::opt<std::string> run_file(cl::Positional, cl::desc("<file.netc>"), cl::Required,
                              cl::sub(run_cmd));
cl::opt<std::string> run_weights("weights",
                                 cl::desc("Weights and buffers (safetensors, float32), named as "
                                          "state_dict() names them"),
                                 cl::value_desc("file"), cl::Required, cl::sub(run_cmd),
                                 cl::cat(netc_category));
cl::list<std::string> run_inputs("input",
                                 cl::desc("An input as .npy, [N, C, H, W] or [N, F]; one per "
                                          "network input, in order; N is the batch"),
                                 cl::value_desc("file"), cl::OneOrMore, cl::sub(run_cmd),
                                 cl::cat(netc_category));
cl::list<std::string> run_outputs("output",
                                  cl::desc("Write an output as float64 .npy; one per network "
                                           "output (default: a summary of the only output)"),
                                  cl::value_desc("file"), cl::ZeroOrMore, cl::sub(run_cmd),
                                  cl::cat(netc_category));

cl::opt<std::string> run_max_memory(
    "max-memory",
    cl::desc("Refuse to run a network whose float64 activations need more than this much memory "
             "at once: bytes or with K, M, G, T (default 8G)"),
    cl::value_desc("size"), cl::init("8G"), cl::sub(run_cmd), cl::cat(netc_category));

cl::list<std::string> include_dirs("I", cl::desc("Add a folder to search for imports"),
                                   cl::value_desc("dir"), cl::Prefix, cl::ZeroOrMore,
                                   cl::sub(*cl::AllSubCommands), cl::cat(netc_category));
cl::opt<int64_t> batch("batch", cl::desc("Batch size (default 1)"), cl::init(1),
                       cl::sub(*cl::AllSubCommands), cl::cat(netc_category));
cl::opt<std::string> input_size(
    "input-size",
    cl::desc("Build the network for this spatial size of its [C, H, W] inputs instead of the "
             "declared one: N (square) or HxW"),
    cl::value_desc("size"), cl::sub(*cl::AllSubCommands), cl::cat(netc_category));
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
cl::opt<unsigned> error_limit("ferror-limit",
                              cl::desc("Stop after N errors (default 20; 0: no limit)"),
                              cl::value_desc("N"), cl::init(netc::kDefaultErrorLimit),
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

// "299" or "299x320"; nullopt for none (main() has refused malformed values).
std::optional<std::pair<int64_t, int64_t>> parse_input_size(llvm::StringRef spec) {
  if (spec.empty())
    return std::nullopt;
  auto [h, w] = spec.split('x');
  int64_t height = 0, width = 0;
  if (h.getAsInteger(10, height) || height < 1 || height > 1 << 16)
    return std::nullopt;
  if (w.empty() && !spec.contains('x'))
    width = height;
  else if (w.getAsInteger(10, width) || width < 1 || width > 1 << 16)
    return std::nullopt;
  return std::pair{height, width};
}

netc::CompileOptions compile_options() {
  netc::CompileOptions options;
  rule_config(options.rules);
  options.load.include_dirs = include_dirs;
  options.elaborate.batch = batch;
  options.elaborate.input_hw = parse_input_size(input_size);
  options.elaborate.check_expects = !options.elaborate.input_hw;
  options.network = network_name;
  options.pipeline.print_after_all = print_after_all;
  options.pipeline.time_passes = time_passes;
  options.error_limit = error_limit;
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
    if (file.diags->error_limit_reached()) // the report on stdout stays valid JSON or SARIF
      netc::print_error_limit_reached(llvm::errs(), use_colors());
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

// The weights of every parameter and buffer of `graph`, checked against the file, in double.
netc::WeightMap read_weights(const netc::Graph &graph, const std::string &path) {
  netc::SafetensorsFile file = netc::SafetensorsFile::open(path);
  std::vector<std::pair<std::string, const netc::ParamSpec *>> params;
  for (const netc::Node &node : graph.nodes)
    for (const netc::ParamSpec &p : node.params)
      params.emplace_back(node.name + "." + p.name, &p);
  netc::check_network_weights(file, graph);
  netc::WeightMap weights;
  std::vector<float> buffer;
  for (const auto &[name, p] : params) {
    buffer.resize(p->num_elements());
    netc::read_f32(*file.find(name), buffer.data());
    weights[name] = {p->shape, std::vector<double>(buffer.begin(), buffer.end())};
  }
  return weights;
}

std::string list_names(const std::vector<std::string> &names) {
  std::string out;
  for (const std::string &name : names)
    out += (out.empty() ? "" : ", ") + name;
  return out;
}

// Shape, first values and argmax per sample of the only output, for a quick look.
void print_output_summary(const std::string &name, const netc::HostTensor &t) {
  auto number = [](double v) { return fmt::format("{:.6g}", v); };
  llvm::outs() << fmt::format("output '{}': {} float64\n", name, netc::format_shape(t.shape));
  std::string first;
  for (size_t i = 0; i < t.data.size() && i < 8; ++i)
    first += (i ? ", " : "") + number(t.data[i]);
  llvm::outs() << "first values: " << first << (t.data.size() > 8 ? ", ..." : "") << "\n";
  size_t per_sample = t.shape[0] ? t.data.size() / t.shape[0] : 0;
  if (per_sample == 0)
    return;
  std::string argmax;
  for (int64_t n = 0; n < t.shape[0]; ++n) {
    auto sample = t.data.begin() + n * per_sample;
    size_t best = std::max_element(sample, sample + per_sample) - sample;
    argmax += fmt::format("{}{} ({})", n ? ", " : "", best, number(sample[best]));
  }
  llvm::outs() << "argmax per sample: " << argmax << "\n";
}

int run_network_or_throw() {
  // The batch is the inputs': the network is elaborated for it.
  std::vector<netc::NpyArray> arrays;
  for (const std::string &path : run_inputs)
    arrays.push_back(netc::read_npy(path));
  const std::vector<int64_t> &first = arrays.front().shape;
  if (first.size() != 4 && first.size() != 2)
    throw netc::Error(fmt::format("{} has shape {}; netc run needs [N, C, H, W] or [N, F]",
                                  run_inputs.front(), netc::format_shape(first)));
  if (first[0] < 1 || first[0] > 1 << 20)
    throw netc::Error(fmt::format("{} has a batch of {}; netc run needs 1 to 1048576",
                                  run_inputs.front(), first[0]));
  if (batch.getNumOccurrences() && batch != first[0]) {
    llvm::errs() << fmt::format("netc: error: --batch={} but {} holds a batch of {}; netc run "
                                "takes the batch from its inputs\n",
                                batch, run_inputs.front(), first[0]);
    return kExitUsage;
  }
  netc::CompileOptions options = compile_options();
  options.elaborate.batch = first[0];
  netc::CompiledFile file = netc::compile_file(run_file, options);
  if (!file.readable)
    return kExitUsage;
  if (file.diags->flush(llvm::errs(), use_colors()).errors != 0)
    return kExitErrors;
  if (file.graphs.size() != 1) {
    std::vector<std::string> names;
    for (const netc::Graph &graph : file.graphs)
      names.push_back(graph.name);
    if (names.empty())
      llvm::errs() << fmt::format("netc: error: '{}' has no network to run\n", run_file.getValue());
    else
      llvm::errs() << fmt::format("netc: error: '{}' has {} networks ({}); choose one with "
                                  "--network\n",
                                  run_file.getValue(), names.size(), list_names(names));
    return kExitUsage;
  }
  const netc::Graph &graph = file.graphs.front();

  // Everything the user can get wrong is checked before the weights are read.
  std::optional<int64_t> max_memory = netc::parse_byte_size(run_max_memory);
  if (!max_memory) {
    llvm::errs() << fmt::format("netc: error: --max-memory must be a size like 512M or 8G, got "
                                "'{}'\n",
                                run_max_memory.getValue());
    return kExitUsage;
  }
  if (int64_t need = netc::reference_peak_bytes(graph); need > *max_memory) {
    llvm::errs() << fmt::format("netc: error: network '{}' needs {} of activations at once; the "
                                "limit is {} (--max-memory)\n",
                                graph.name, netc::format_bytes(need),
                                netc::format_bytes(*max_memory));
    return kExitErrors;
  }
  std::vector<std::string> input_names, output_names;
  for (netc::NodeId id : graph.inputs)
    input_names.push_back(graph.node(id).name);
  for (const netc::GraphOutput &out : graph.outputs)
    output_names.push_back(out.name);
  if (run_inputs.size() != graph.inputs.size()) {
    llvm::errs() << fmt::format("netc: error: network '{}' takes {} input{} ({}) but {} --input "
                                "{} given\n",
                                graph.name, graph.inputs.size(),
                                graph.inputs.size() == 1 ? "" : "s", list_names(input_names),
                                run_inputs.size(), run_inputs.size() == 1 ? "was" : "were");
    return kExitUsage;
  }
  std::vector<netc::HostTensor> inputs;
  for (size_t i = 0; i < arrays.size(); ++i) {
    const netc::TensorType &type = graph.node(graph.inputs[i]).type;
    std::vector<int64_t> expected(type.shape().begin(), type.shape().end());
    if (arrays[i].shape != expected)
      throw netc::Error(fmt::format("{} has shape {} but input '{}' of network '{}' is {}",
                                    run_inputs[i], netc::format_shape(arrays[i].shape),
                                    input_names[i], graph.name, netc::format_shape(expected)));
    inputs.push_back({std::move(arrays[i].shape), std::move(arrays[i].data)});
  }
  if (run_outputs.empty() ? graph.outputs.size() != 1
                          : run_outputs.size() != graph.outputs.size()) {
    llvm::errs() << fmt::format("netc: error: network '{}' has {} output{} ({}); give one "
                                "--output for each\n",
                                graph.name, graph.outputs.size(),
                                graph.outputs.size() == 1 ? "" : "s", list_names(output_names));
    return kExitUsage;
  }

  netc::WeightMap weights = read_weights(graph, run_weights);
  std::vector<netc::HostTensor> results = netc::run_reference(graph, weights, inputs);
  if (run_outputs.empty()) {
    print_output_summary(output_names.front(), results.front());
    return kExitClean;
  }
  for (size_t i = 0; i < results.size(); ++i)
    netc::write_npy(run_outputs[i], results[i].shape, results[i].data.data());
  return kExitClean;
}

// Errors in the weights, the .npy files or the run are the user's, reported as the front end's.
int run_network() {
  try {
    return run_network_or_throw();
  } catch (const netc::Error &e) {
    llvm::errs() << "netc: error: " << e.what() << "\n";
  } catch (const std::bad_alloc &) {
    llvm::errs() << "netc: error: out of memory\n";
  }
  return kExitErrors;
}

// When the reader of stdout goes away (`netc lower x.netc | head`), netc stops quietly with
// success, as `git log | head` does; LLVM's default would exit 74 and fail a `set -o pipefail`
// script. SIGPIPE ends netc here; where SIGPIPE is ignored, writes fail with EPIPE instead and
// main() or the fatal error handler (for exits inside LLVM, as after --help) sees that.
[[noreturn]] void exit_on_closed_pipe() { std::_Exit(kExitClean); }

bool is_closed_pipe(std::error_code ec) { return ec == std::errc::broken_pipe; }

void fatal_error_handler(void *, const char *reason, bool) {
  std::string closed_pipe = "IO failure on output stream: " +
                            std::make_error_code(std::errc::broken_pipe).message();
  if (reason == closed_pipe)
    exit_on_closed_pipe();
  llvm::errs() << "netc: internal error: " << reason << "\n";
  std::_Exit(kExitUsage);
}

// The exit status once stdout is flushed: `rc`, unless stdout could not be written.
int finish_stdout(int rc) {
  llvm::raw_fd_ostream &out = llvm::outs();
  out.flush();
  if (!out.has_error())
    return rc;
  std::error_code ec = out.error();
  out.clear_error();
  if (is_closed_pipe(ec))
    return rc;
  llvm::errs() << "netc: error: cannot write to standard output: " << ec.message() << "\n";
  return rc == kExitClean ? kExitErrors : rc;
}

int run_netc(int argc, char **argv);

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  llvm::sys::SetOneShotPipeSignalFunction(exit_on_closed_pipe);
  llvm::install_fatal_error_handler(fatal_error_handler);
  // Deep but valid input recurses as deep as the parser's and elaborator's limits allow, and
  // sanitizer builds take far more stack per frame: run on a stack of our own, whatever the
  // user's `ulimit -s`. Under 64 MiB, where AddressSanitizer stops unpoisoning stacks on
  // throw and exit and warns about it.
  constexpr unsigned kStackBytes = 60u << 20;
  int rc = kExitUsage;
  llvm::thread worker(llvm::Optional<unsigned>(kStackBytes),
                      [&] { rc = finish_stdout(run_netc(argc, argv)); });
  worker.join();
  return rc;
}

namespace {

int run_netc(int argc, char **argv) {
  cl::HideUnrelatedOptions({&netc_category, &netc::codegen_option_category()});
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
  if (!input_size.empty() && !parse_input_size(input_size)) {
    llvm::errs() << "netc: error: --input-size must be N or HxW with sizes from 1 to 65536, got '"
                 << input_size << "'\n";
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
  netc::DriverContext codegen{compile_options(), use_colors(), "netc"};
  for (int i = 1; i < argc; ++i)
    codegen.command_line += std::string(" ") + argv[i];
  if (std::optional<int> rc = netc::run_codegen_command(codegen))
    return *rc;
  if (run_cmd)
    return run_network();
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

} // namespace
