#include "elaborate/program.h"

#include "ops/registry.h"
#include "support/resource_dirs.h"
#include "support/source_file.h"
#include "syntax/parser.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>

#include <deque>
#include <set>

namespace netc {

bool is_builtin_function(std::string_view name) {
  return name == "range" || name == "int" || name == "round" || name == "float" || name == "max" ||
         name == "min";
}

const Definition *Program::find(std::string_view name) const {
  auto it = definitions.find(name);
  return it == definitions.end() ? nullptr : it->second;
}

std::vector<const Definition *> Program::networks() const {
  std::vector<const Definition *> result;
  for (const Definition &def : main().definitions)
    if (def.is_network)
      result.push_back(&def);
  return result;
}

namespace {

class Loader {
public:
  Loader(const LoadOptions &options, DiagnosticEngine &diags, Program &program)
      : options_(options), diags_(diags), program_(program) {}

  void add_main(std::unique_ptr<llvm::MemoryBuffer> buffer) {
    std::string name = buffer->getBufferIdentifier().str();
    llvm::SmallString<256> real;
    if (!llvm::sys::fs::real_path(name, real))
      loaded_.insert(std::string(real));
    unsigned id = diags_.source_mgr().AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
    parse_and_follow(id);
    register_definitions();
  }

private:
  void parse_and_follow(unsigned first) {
    std::deque<unsigned> queue = {first};
    while (!queue.empty()) {
      unsigned id = queue.front();
      queue.pop_front();
      program_.modules.push_back(parse(id, diags_));
      // Copy: the vector of modules may grow while we resolve this one's imports.
      std::vector<Import> imports = program_.modules.back().imports;
      llvm::StringRef importer = diags_.source_mgr().getMemoryBuffer(id)->getBufferIdentifier();
      for (const Import &import : imports)
        if (unsigned next = open_import(import, importer, diags_.is_library_buffer(id)))
          queue.push_back(next);
    }
  }

  // Returns the new buffer's id, or 0 when the import was read before or could not be found.
  // What the DSL library folder gives, or a library file imports, is library.
  unsigned open_import(const Import &import, llvm::StringRef importer, bool importer_is_library) {
    std::string relative = import.path;
    std::replace(relative.begin(), relative.end(), '.', '/');
    relative += ".netc";

    std::vector<std::string> dirs = {llvm::sys::path::parent_path(importer).str()};
    if (dirs[0].empty())
      dirs[0] = ".";
    dirs.insert(dirs.end(), options_.include_dirs.begin(), options_.include_dirs.end());
    dirs.push_back(dsl_library_dir());

    for (const std::string &dir : dirs) {
      bool library = importer_is_library || &dir == &dirs.back();
      llvm::SmallString<256> candidate(dir);
      llvm::sys::path::append(candidate, relative);
      if (!llvm::sys::fs::is_regular_file(candidate))
        continue;
      llvm::SmallString<256> real;
      if (llvm::sys::fs::real_path(candidate, real))
        real = candidate;
      if (!loaded_.insert(std::string(real)).second)
        return 0;
      // The reader of every .netc file: an import over the size cap is refused before it is read.
      SourceFile source = read_source_file(candidate);
      if (!source.buffer) {
        diags_.error(rules::kImport, import.range,
                     "cannot read '" + std::string(candidate) + "': " + source.error);
        return 0;
      }
      unsigned id =
          diags_.source_mgr().AddNewSourceBuffer(std::move(source.buffer), import.range.Start);
      if (library)
        diags_.mark_library_buffer(id);
      return id;
    }
    diags_.error(rules::kImport, import.range,
                 "cannot find '" + relative + "' for import '" + import.path + "' (looked in " +
                     llvm::join(dirs, ", ") + ")");
    return 0;
  }

  void register_definitions() {
    for (const Module &module : program_.modules) {
      for (const Definition &def : module.definitions) {
        if (find_op(def.name)) {
          diags_.error(rules::kRedefinition, def.name_range,
                       "'" + def.name + "' is the name of a built-in operation");
          continue;
        }
        if (is_builtin_function(def.name)) {
          diags_.error(rules::kRedefinition, def.name_range,
                       "'" + def.name + "' is the name of a built-in function");
          continue;
        }
        auto [it, inserted] = program_.definitions.try_emplace(def.name, &def);
        if (!inserted) {
          Diagnostic d;
          d.loc = def.name_range.Start;
          d.ranges = {def.name_range};
          d.rule = rules::kRedefinition;
          d.message = "redefinition of '" + def.name + "'";
          d.notes.push_back({it->second->name_range.Start,
                             "previous definition is here",
                             {it->second->name_range}});
          diags_.report(std::move(d));
        }
      }
    }
  }

  const LoadOptions &options_;
  DiagnosticEngine &diags_;
  Program &program_;
  std::set<std::string> loaded_;
};

} // namespace

bool load_program(const std::string &path, const LoadOptions &options, DiagnosticEngine &diags,
                  Program &program) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    llvm::errs() << "netc: error: cannot read '" << path << "': " << buffer.getError().message()
                 << "\n";
    return false;
  }
  Loader(options, diags, program).add_main(std::move(*buffer));
  return true;
}

void load_program_from_buffer(llvm::StringRef text, llvm::StringRef name,
                              const LoadOptions &options, DiagnosticEngine &diags,
                              Program &program) {
  Loader(options, diags, program).add_main(llvm::MemoryBuffer::getMemBufferCopy(text, name));
}

} // namespace netc
