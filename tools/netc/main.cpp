// netc: the command-line tool. One file per subcommand:
//   netc check FILE...        check every network's shapes; exit 0 clean, 1 errors, 2 usage
//   netc summary FILE         a table of layers, shapes, parameters and MACs (or --format=json)
//   netc ir FILE              the elaborated IR as text
//   netc params FILE          every parameter and buffer as state_dict() names it, with its shape
//   netc rules                the rule ids behind the diagnostics
//   netc graph FILE -o F      the network drawn with Graphviz (F: .svg, .png, .pdf or .dot)
//   netc run FILE --weights W --input X.npy   the network run by the reference executor
//   netc lower FILE           the kernel list each network lowers to
//   netc emit FILE -o DIR     C++ (--backend=cpu, cuda) or PyTorch (pytorch) for each network
// This file parses the command line, checks the options every subcommand takes and runs the one
// given, on a large stack, with a closed stdout handled as `git log | head` expects.
#include "command.h"
#include "options.h"

#include "support/version.h"

#include <llvm/Support/CommandLine.h>
#include <llvm/Support/ErrorHandling.h>
#include <llvm/Support/InitLLVM.h>
#include <llvm/Support/Signals.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Support/thread.h>

namespace cl = llvm::cl;

namespace {

struct Command {
  cl::SubCommand &(*subcommand)();
  int (*run)(const netc::Invocation &invocation);
};

const Command kCommands[] = {
    {netc::check_subcommand, netc::run_check}, {netc::summary_subcommand, netc::run_summary},
    {netc::ir_subcommand, netc::run_ir},       {netc::params_subcommand, netc::run_params},
    {netc::rules_subcommand, netc::run_rules}, {netc::graph_subcommand, netc::run_graph},
    {netc::run_subcommand, netc::run_run},     {netc::lower_subcommand, netc::run_lower},
    {netc::emit_subcommand, netc::run_emit},
};

using netc::kExitClean;
using netc::kExitErrors;
using netc::kExitUsage;

// When the reader of stdout goes away (`netc lower x.netc | head`), netc stops quietly with
// success, as `git log | head` does; LLVM's default would exit 74 and fail a `set -o pipefail`
// script. SIGPIPE ends netc here; where SIGPIPE is ignored, writes fail with EPIPE instead and
// main() or the fatal error handler (for exits inside LLVM, as after --help) sees that.
[[noreturn]] void exit_on_closed_pipe() {
  std::_Exit(kExitClean);
}

bool is_closed_pipe(std::error_code ec) {
  return ec == std::errc::broken_pipe;
}

void fatal_error_handler(void *, const char *reason, bool) {
  std::string closed_pipe =
      "IO failure on output stream: " + std::make_error_code(std::errc::broken_pipe).message();
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

int run_netc(int argc, char **argv) {
  for (const Command &command : kCommands) // a subcommand with no options is made here
    command.subcommand();
  cl::HideUnrelatedOptions({&netc::netc_category(), &netc::codegen_category()});
  cl::SetVersionPrinter(
      [](llvm::raw_ostream &os) { os << netc::netc_version() << " (front end)\n"; });
  std::string usage_errors;
  llvm::raw_string_ostream usage_stream(usage_errors);
  if (!cl::ParseCommandLineOptions(
          argc, argv, "netc: a compiler for neural-network architectures\n", &usage_stream)) {
    llvm::errs() << usage_stream.str();
    return kExitUsage;
  }
  if (!netc::check_shared_options())
    return kExitUsage;
  netc::Invocation invocation = netc::make_invocation(argc, argv);
  for (const Command &command : kCommands)
    if (command.subcommand())
      return command.run(invocation);
  llvm::errs() << "netc: error: no command given; try 'netc check FILE' or 'netc --help'\n";
  return kExitUsage;
}

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
