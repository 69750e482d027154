// netc summary FILE: a table of layers, shapes, parameters and MACs (or --format=json).
#include "command.h"
#include "each_network.h"
#include "options.h"

#include "analysis/summary.h"

namespace cl = llvm::cl;

namespace netc {

cl::SubCommand &summary_subcommand() {
  static cl::SubCommand sub("summary", "Print a table of layers, shapes, parameters and MACs");
  return sub;
}

namespace {

cl::opt<std::string> summary_file(cl::Positional, cl::desc("<file.netc>"), cl::Required,
                                  cl::sub(summary_subcommand()));
cl::opt<int> depth("depth", cl::desc("Group layers by the first N parts of their names"),
                   cl::init(0), cl::sub(summary_subcommand()), cl::cat(netc_category()));

} // namespace

int run_summary(const Invocation &invocation) {
  if (output_format == Format::Sarif || output_format == Format::Github) {
    llvm::errs() << "netc: error: summary writes text or json\n";
    return kExitUsage;
  }
  return print_each_network(summary_file, invocation, [](const Graph &graph) {
    Summary s = group_by_depth(summarize(graph), depth);
    if (output_format == Format::Json)
      print_summary_json(s, llvm::outs());
    else
      print_summary_text(s, llvm::outs());
  });
}

} // namespace netc
