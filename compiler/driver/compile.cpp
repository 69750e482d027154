#include "driver/compile.h"

#include "checks/unused.h"

namespace netc {

namespace {

void elaborate_networks(CompiledFile &file, const CompileOptions &options) {
  std::vector<const Definition *> networks = file.program.networks();
  if (!options.network.empty()) {
    std::erase_if(networks, [&](const Definition *d) { return d->name != options.network; });
    if (networks.empty()) {
      file.diags->error(rules::kConfig, llvm::SMLoc::getFromPointer(
                            file.source_mgr->getMemoryBuffer(file.source_mgr->getMainFileID())
                                ->getBufferStart()),
                        "no network named '" + options.network + "' in this file");
      return;
    }
  }
  for (const Definition *network : networks) {
    Graph graph = elaborate(file.program, *network, *file.diags, options.elaborate);
    PassContext context{*file.diags, options.elaborate.batch};
    file.graphs.push_back(run_check_pipeline(std::move(graph), context, options.pipeline));
  }
}

} // namespace

CompiledFile compile_file(const std::string &path, const CompileOptions &options) {
  CompiledFile file;
  file.diags->set_rule_config(options.rules);
  file.source_mgr->setIncludeDirs(options.load.include_dirs);
  file.readable = load_program(path, options.load, *file.diags, file.program);
  if (file.readable) {
    check_unused(file.program, *file.diags);
    elaborate_networks(file, options);
  }
  return file;
}

CompiledFile compile_buffer(llvm::StringRef text, llvm::StringRef name,
                            const CompileOptions &options) {
  CompiledFile file;
  file.diags->set_rule_config(options.rules);
  load_program_from_buffer(text, name, options.load, *file.diags, file.program);
  check_unused(file.program, *file.diags);
  elaborate_networks(file, options);
  return file;
}

} // namespace netc
