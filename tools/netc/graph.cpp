// netc graph FILE [-o F]: the network drawn with Graphviz (F: .svg, .png, .pdf or .dot):
// blocks as clusters, shapes on the edges, failed layers in red.
#include "command.h"
#include "options.h"

#include "analysis/graph_dot.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Program.h>
#include <llvm/Support/raw_ostream.h>

namespace cl = llvm::cl;

namespace netc {

cl::SubCommand &graph_subcommand() {
  static cl::SubCommand sub("graph", "Draw the network with Graphviz: blocks as clusters, shapes "
                                     "on the edges, failed layers in red");
  return sub;
}

namespace {

cl::opt<std::string> graph_file(cl::Positional, cl::desc("<file.netc>"), cl::Required,
                                cl::sub(graph_subcommand()));
cl::opt<std::string> graph_output("o",
                                  cl::desc("Output: .svg, .png or .pdf (rendered by dot), "
                                           "or .dot; default DOT on standard output"),
                                  cl::value_desc("file"), cl::sub(graph_subcommand()),
                                  cl::cat(netc_category()));
cl::opt<bool> graph_unfolded("unfold", cl::desc("Draw every iteration of a repeat"),
                             cl::sub(graph_subcommand()), cl::cat(netc_category()));
cl::opt<bool> graph_detailed("detailed",
                             cl::desc("Draw every layer; do not merge conv, batch norm and "
                                      "activation into one node"),
                             cl::sub(graph_subcommand()), cl::cat(netc_category()));
cl::opt<bool> graph_names("names", cl::desc("Show each layer's name"), cl::sub(graph_subcommand()),
                          cl::cat(netc_category()));

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

} // namespace

int run_graph(const Invocation &invocation) {
  CompiledFile file = compile_file(graph_file, invocation.compile);
  if (!file.readable)
    return kExitUsage;
  if (file.graphs.empty()) {
    bool errors = file.diags->flush(llvm::errs(), invocation.colors).errors != 0;
    if (!errors)
      llvm::errs() << "netc: error: '" << graph_file << "' has no network to draw\n";
    return errors ? kExitErrors : kExitUsage;
  }
  const Graph &graph = file.graphs.front(); // --network chooses another
  GraphDotOptions options;
  options.fold_repeats = !graph_unfolded;
  options.compact = !graph_detailed;
  options.show_names = graph_names;
  options.errors = errors_by_node(graph, file.diags->pending());
  bool errors = file.diags->flush(llvm::errs(), invocation.colors).errors != 0;
  std::string dot_text;
  llvm::raw_string_ostream os(dot_text);
  write_dot(graph, options, os);
  os.flush();
  if (graph_output.empty())
    llvm::outs() << dot_text;
  else if (int rc = render_with_dot(dot_text, graph_output))
    return rc;
  // The picture is drawn either way; errors in it still fail the command.
  return errors ? kExitErrors : kExitClean;
}

} // namespace netc
