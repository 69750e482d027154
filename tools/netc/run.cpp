// netc run FILE --weights W --input X.npy...: the network run by the reference executor, in
// double precision, on .npy inputs with safetensors weights.
#include "command.h"
#include "options.h"
#include "weights_check.h"

#include "analysis/reference_memory.h"
#include "reference/reference_executor.h"

#include <llvm/Support/raw_ostream.h>

#include <fmt/format.h>

#include <netc/npy.hpp>
#include <netc/safetensors.hpp>

#include <algorithm>

namespace cl = llvm::cl;

namespace netc {

cl::SubCommand &run_subcommand() {
  static cl::SubCommand sub("run", "Run a network with the reference executor (double precision) "
                                   "on .npy inputs");
  return sub;
}

namespace {

cl::opt<std::string> run_file(cl::Positional, cl::desc("<file.netc>"), cl::Required,
                              cl::sub(run_subcommand()));
cl::opt<std::string> run_weights("weights",
                                 cl::desc("Weights and buffers (safetensors, float32), named as "
                                          "state_dict() names them"),
                                 cl::value_desc("file"), cl::Required, cl::sub(run_subcommand()),
                                 cl::cat(netc_category()));
cl::list<std::string> run_inputs("input",
                                 cl::desc("An input as .npy, [N, C, H, W] or [N, F]; one per "
                                          "network input, in order; N is the batch"),
                                 cl::value_desc("file"), cl::OneOrMore, cl::sub(run_subcommand()),
                                 cl::cat(netc_category()));
cl::list<std::string> run_outputs("output",
                                  cl::desc("Write an output as float64 .npy; one per network "
                                           "output (default: a summary of the only output)"),
                                  cl::value_desc("file"), cl::ZeroOrMore, cl::sub(run_subcommand()),
                                  cl::cat(netc_category()));

cl::opt<std::string> run_max_memory(
    "max-memory",
    cl::desc("Refuse to run a network whose float64 activations need more than this much memory "
             "at once: bytes or with K, M, G, T (default 8G)"),
    cl::value_desc("size"), cl::init("8G"), cl::sub(run_subcommand()), cl::cat(netc_category()));

// The weights of every parameter and buffer of `graph`, checked against the file, in double.
WeightMap read_weights(const Graph &graph, const std::string &path) {
  SafetensorsFile file = SafetensorsFile::open(path);
  std::vector<std::pair<std::string, const ParamSpec *>> params;
  for (const Node &node : graph.nodes)
    for (const ParamSpec &p : node.params)
      params.emplace_back(node.name + "." + p.name, &p);
  check_network_weights(file, graph);
  WeightMap weights;
  std::vector<float> buffer;
  for (const auto &[name, p] : params) {
    buffer.resize(p->num_elements());
    read_f32(*file.find(name), buffer.data());
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
void print_output_summary(const std::string &name, const HostTensor &t) {
  auto number = [](double v) { return fmt::format("{:.6g}", v); };
  llvm::outs() << fmt::format("output '{}': {} float64\n", name, format_shape(t.shape));
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

int run_network_or_throw(const Invocation &invocation) {
  // The batch is the inputs': the network is elaborated for it.
  std::vector<NpyArray> arrays;
  for (const std::string &path : run_inputs)
    arrays.push_back(read_npy(path));
  const std::vector<int64_t> &first = arrays.front().shape;
  if (first.size() != 4 && first.size() != 2)
    throw Error(fmt::format("{} has shape {}; netc run needs [N, C, H, W] or [N, F]",
                            run_inputs.front(), format_shape(first)));
  if (first[0] < 1 || first[0] > 1 << 20)
    throw Error(fmt::format("{} has a batch of {}; netc run needs 1 to 1048576", run_inputs.front(),
                            first[0]));
  if (batch.getNumOccurrences() && batch != first[0]) {
    llvm::errs() << fmt::format("netc: error: --batch={} but {} holds a batch of {}; netc run "
                                "takes the batch from its inputs\n",
                                batch, run_inputs.front(), first[0]);
    return kExitUsage;
  }
  CompileOptions options = invocation.compile;
  options.elaborate.batch = first[0];
  CompiledFile file = compile_file(run_file, options);
  if (!file.readable)
    return kExitUsage;
  if (file.diags->flush(llvm::errs(), invocation.colors).errors != 0)
    return kExitErrors;
  if (file.graphs.size() != 1) {
    std::vector<std::string> names;
    for (const Graph &graph : file.graphs)
      names.push_back(graph.name);
    if (names.empty())
      llvm::errs() << fmt::format("netc: error: '{}' has no network to run\n", run_file.getValue());
    else
      llvm::errs() << fmt::format("netc: error: '{}' has {} networks ({}); choose one with "
                                  "--network\n",
                                  run_file.getValue(), names.size(), list_names(names));
    return kExitUsage;
  }
  const Graph &graph = file.graphs.front();

  // Everything the user can get wrong is checked before the weights are read.
  std::optional<int64_t> max_memory = parse_byte_size(run_max_memory);
  if (!max_memory) {
    llvm::errs() << fmt::format("netc: error: --max-memory must be a size like 512M or 8G, got "
                                "'{}'\n",
                                run_max_memory.getValue());
    return kExitUsage;
  }
  if (int64_t need = reference_peak_bytes(graph); need > *max_memory) {
    llvm::errs() << fmt::format("netc: error: network '{}' needs {} of activations at once; the "
                                "limit is {} (--max-memory)\n",
                                graph.name, format_bytes(need), format_bytes(*max_memory));
    return kExitErrors;
  }
  std::vector<std::string> input_names, output_names;
  for (NodeId id : graph.inputs)
    input_names.push_back(graph.node(id).name);
  for (const GraphOutput &out : graph.outputs)
    output_names.push_back(out.name);
  if (run_inputs.size() != graph.inputs.size()) {
    llvm::errs() << fmt::format("netc: error: network '{}' takes {} input{} ({}) but {} --input "
                                "{} given\n",
                                graph.name, graph.inputs.size(),
                                graph.inputs.size() == 1 ? "" : "s", list_names(input_names),
                                run_inputs.size(), run_inputs.size() == 1 ? "was" : "were");
    return kExitUsage;
  }
  std::vector<HostTensor> inputs;
  for (size_t i = 0; i < arrays.size(); ++i) {
    const TensorType &type = graph.node(graph.inputs[i]).type;
    std::vector<int64_t> expected(type.shape().begin(), type.shape().end());
    if (arrays[i].shape != expected)
      throw Error(fmt::format("{} has shape {} but input '{}' of network '{}' is {}", run_inputs[i],
                              format_shape(arrays[i].shape), input_names[i], graph.name,
                              format_shape(expected)));
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

  WeightMap weights = read_weights(graph, run_weights);
  std::vector<HostTensor> results = run_reference(graph, weights, inputs);
  if (run_outputs.empty()) {
    print_output_summary(output_names.front(), results.front());
    return kExitClean;
  }
  for (size_t i = 0; i < results.size(); ++i)
    write_npy(run_outputs[i], results[i].shape, results[i].data.data());
  return kExitClean;
}

} // namespace

// Errors in the weights, the .npy files or the run are the user's, reported as the front end's.
int run_run(const Invocation &invocation) {
  try {
    return run_network_or_throw(invocation);
  } catch (const Error &e) {
    llvm::errs() << "netc: error: " << e.what() << "\n";
  } catch (const std::bad_alloc &) {
    llvm::errs() << "netc: error: out of memory\n";
  }
  return kExitErrors;
}

} // namespace netc
