#include "options.h"

#include "config/netc_config.h"

#include <llvm/Support/raw_ostream.h>

namespace cl = llvm::cl;

namespace netc {

cl::OptionCategory &netc_category() {
  static cl::OptionCategory category("netc options");
  return category;
}

cl::OptionCategory &codegen_category() {
  static cl::OptionCategory category("netc code generation options");
  return category;
}

cl::opt<int64_t> batch("batch", cl::desc("Batch size (default 1)"), cl::init(1),
                       cl::sub(*cl::AllSubCommands), cl::cat(netc_category()));

cl::opt<Format> output_format(
    "format", cl::desc("Output format"),
    cl::values(clEnumValN(Format::Text, "text", "for people (default; colour on a terminal)"),
               clEnumValN(Format::Json, "json", "JSON"),
               clEnumValN(Format::Sarif, "sarif", "SARIF 2.1.0, for GitHub code scanning (check)"),
               clEnumValN(Format::Github, "github", "GitHub Actions workflow commands (check)")),
    cl::init(Format::Text), cl::sub(summary_subcommand()), cl::sub(check_subcommand()),
    cl::cat(netc_category()));

namespace {

cl::list<std::string> include_dirs("I", cl::desc("Add a folder to search for imports"),
                                   cl::value_desc("dir"), cl::Prefix, cl::ZeroOrMore,
                                   cl::sub(*cl::AllSubCommands), cl::cat(netc_category()));
cl::opt<std::string> input_size(
    "input-size",
    cl::desc("Build the network for this spatial size of its [C, H, W] inputs instead of the "
             "declared one: N (square) or HxW"),
    cl::value_desc("size"), cl::sub(*cl::AllSubCommands), cl::cat(netc_category()));
cl::opt<std::string> network_name("network", cl::desc("Only this network of the file"),
                                  cl::value_desc("name"), cl::sub(*cl::AllSubCommands),
                                  cl::cat(netc_category()));
cl::opt<bool> print_after_all("print-after-all", cl::desc("Print the IR after every pass"),
                              cl::sub(*cl::AllSubCommands), cl::cat(netc_category()));
cl::opt<bool> time_passes("time-passes", cl::desc("Time every pass"), cl::sub(*cl::AllSubCommands),
                          cl::cat(netc_category()));
cl::opt<bool> color("diagnostics-color",
                    cl::desc("Colour diagnostics (default: when stderr is a terminal)"),
                    cl::init(false), cl::sub(*cl::AllSubCommands), cl::cat(netc_category()));

cl::list<std::string>
    warning_flags("W",
                  cl::desc("-Wno-<rule> turns a warning off, -Werror=<rule> "
                           "makes it an error, -Werror makes all warnings errors"),
                  cl::value_desc("spec"), cl::Prefix, cl::ZeroOrMore, cl::sub(*cl::AllSubCommands),
                  cl::cat(netc_category()));
cl::opt<bool> werror("werror", cl::desc("Treat every warning as an error"),
                     cl::sub(*cl::AllSubCommands), cl::cat(netc_category()));
cl::opt<unsigned> error_limit("ferror-limit",
                              cl::desc("Stop after N errors (default 20; 0: no limit)"),
                              cl::value_desc("N"), cl::init(kDefaultErrorLimit),
                              cl::sub(*cl::AllSubCommands), cl::cat(netc_category()));

// Settles -W flags into `rules`; returns false (after saying why) on a bad flag.
bool rule_config(RuleConfig &rules) {
  rules.werror = rules.werror || werror;
  for (const std::string &spec : warning_flags) {
    if (auto problem = rules.apply_flag(spec)) {
      llvm::errs() << "netc: error: -W" << spec << ": " << *problem << "\n";
      return false;
    }
  }
  return true;
}

} // namespace

bool check_shared_options() {
  if (batch < 1 || batch > 1 << 20) {
    llvm::errs() << "netc: error: --batch must be between 1 and 1048576\n";
    return false;
  }
  if (!input_size.empty() && !parse_input_size(input_size)) {
    llvm::errs() << "netc: error: --input-size must be N or HxW with sizes from 1 to 65536, got '"
                 << input_size << "'\n";
    return false;
  }
  RuleConfig probe;
  return rule_config(probe);
}

Invocation make_invocation(int argc, char **argv) {
  Invocation invocation;
  CompileOptions &options = invocation.compile;
  rule_config(options.rules);
  options.load.include_dirs = include_dirs;
  options.elaborate.batch = batch;
  if (!input_size.empty())
    options.elaborate.input_hw = parse_input_size(input_size);
  options.elaborate.check_expects = !options.elaborate.input_hw;
  options.network = network_name;
  options.pipeline.print_after_all = print_after_all;
  options.pipeline.time_passes = time_passes;
  options.error_limit = error_limit;
  invocation.colors = color || llvm::errs().has_colors();
  invocation.command_line = "netc";
  for (int i = 1; i < argc; ++i)
    invocation.command_line += std::string(" ") + argv[i];
  return invocation;
}

} // namespace netc
