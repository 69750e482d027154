#include "frontend/compile.h"

#include "analysis/input_sizes.h"
#include "passes/expect_cascade.h"
#include "passes/unused.h"
#include "support/source_file.h"

#include <fmt/format.h>

namespace netc {

namespace {

// The input sizes .netc.yaml requires: each must elaborate without errors.
void check_required_sizes(CompiledFile &file, const Definition &network) {
  if (file.config.required_sizes.empty())
    return;
  ParamShapes declared = declared_param_shapes(file.program, network, *file.source_mgr);
  for (const InputSize &size : file.config.required_sizes) {
    SizeVerdict v = check_input_size(file.program, network, *file.source_mgr, declared, size.height,
                                     size.width);
    if (v.valid)
      continue;
    Diagnostic d;
    d.rule = rules::kInputSize;
    d.loc = size.range.Start;
    d.ranges = {size.range};
    d.message = fmt::format("network '{}' is not valid for the required input size {}x{}: {}",
                            network.name, size.height, size.width, v.error);
    d.notes.push_back({v.error_loc, "the first error at that size is here"});
    file.diags->report(std::move(d));
  }
}

void apply_config(CompiledFile &file, const std::string &path, const CompileOptions &options) {
  if (options.read_config)
    if (std::optional<std::string> config = find_config(path))
      file.config = load_config(*config, *file.diags);
  file.diags->set_rule_config(file.config.rules.overridden_by(options.rules));
}

void elaborate_networks(CompiledFile &file, const CompileOptions &options) {
  std::vector<const Definition *> networks = file.program.networks();
  if (!options.network.empty()) {
    std::erase_if(networks, [&](const Definition *d) { return d->name != options.network; });
    if (networks.empty()) {
      file.diags->error(
          rules::kConfig,
          llvm::SMLoc::getFromPointer(
              file.source_mgr->getMemoryBuffer(file.source_mgr->getMainFileID())->getBufferStart()),
          "no network named '" + options.network + "' in this file");
      return;
    }
  }
  for (const Definition *network : networks) {
    size_t mark = file.diags->pending_count();
    Graph graph = elaborate(file.program, *network, *file.diags, options.elaborate);
    PassContext context{*file.diags, options.elaborate.batch};
    file.graphs.push_back(run_check_pipeline(std::move(graph), context, options.pipeline));
    hide_warnings_after_failed_expects(file.graphs.back(), *file.diags, mark);
    check_required_sizes(file, *network);
  }
}

} // namespace

CompiledFile compile_file(const std::string &path, const CompileOptions &options) {
  CompiledFile file;
  apply_config(file, path, options);
  file.diags->set_error_limit(options.error_limit);
  file.source_mgr->setIncludeDirs(options.load.include_dirs);
  // Read here, not by load_program: read_source_file refuses FIFOs, devices and huge files.
  SourceFile source = read_source_file(path);
  if (!source.buffer) {
    llvm::errs() << "netc: error: cannot read '" << path << "': " << source.error << "\n";
    file.readable = false;
    return file;
  }
  load_program_from_buffer(source.buffer->getBuffer(), path, options.load, *file.diags,
                           file.program);
  check_unused(file.program, *file.diags);
  elaborate_networks(file, options);
  return file;
}

CompiledFile compile_buffer(llvm::StringRef text, llvm::StringRef name,
                            const CompileOptions &options) {
  CompiledFile file;
  file.diags->set_rule_config(options.rules);
  file.diags->set_error_limit(options.error_limit);
  load_program_from_buffer(text, name, options.load, *file.diags, file.program);
  check_unused(file.program, *file.diags);
  elaborate_networks(file, options);
  return file;
}

} // namespace netc
