#include "config/netc_config.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace netc {

namespace {

constexpr int64_t kMaxInputSize = 1 << 16;

// Reads one YAML document, reporting its mistakes at their place in the buffer.
class ConfigReader {
public:
  ConfigReader(unsigned buffer, DiagnosticEngine &diags) : diags_(diags) {
    text_ = diags.source_mgr().getMemoryBuffer(buffer)->getBuffer();
  }

  NetcConfig read(NetcConfig config) {
    YAML::Node root;
    try {
      root = YAML::Load(text_.str());
    } catch (const YAML::Exception &e) {
      error(e.mark, "invalid YAML: " + e.msg);
      return config;
    }
    if (root.IsNull())
      return config;
    if (!root.IsMap()) {
      error(root.Mark(), "a .netc.yaml file is a mapping of settings (rules, werror, "
                         "input-sizes, emit)");
      return config;
    }
    for (const auto &entry : root) {
      std::string key = entry.first.Scalar();
      const YAML::Node &value = entry.second;
      if (key == "rules")
        read_rules(value, config.rules);
      else if (key == "werror")
        read_bool(value, config.rules.werror);
      else if (key == "input-sizes")
        read_input_sizes(value, config);
      else if (key == "emit")
        read_emit(value, config.emit);
      else
        unknown_key(entry.first, {"rules", "werror", "input-sizes", "emit"});
    }
    return config;
  }

private:
  llvm::SMRange range_of(const YAML::Mark &mark, size_t length = 1) {
    if (mark.pos < 0 || static_cast<size_t>(mark.pos) > text_.size())
      return {};
    const char *start = text_.data() + mark.pos;
    length = std::min(length, text_.size() - mark.pos);
    return {llvm::SMLoc::getFromPointer(start), llvm::SMLoc::getFromPointer(start + length)};
  }
  void error(const YAML::Mark &mark, std::string message, size_t length = 1) {
    diags_.error(rules::kConfig, range_of(mark, length), std::move(message));
  }
  void error(const YAML::Node &node, std::string message) {
    error(node.Mark(), std::move(message), node.IsScalar() ? node.Scalar().size() : 1);
  }
  void unknown_key(const YAML::Node &key, std::initializer_list<const char *> known) {
    std::string list;
    for (const char *k : known)
      list += (list.empty() ? "" : ", ") + std::string(k);
    error(key, fmt::format("unknown key '{}' (known: {})", key.Scalar(), list));
  }

  bool read_bool(const YAML::Node &value, bool &out) {
    if (value.IsScalar() && (value.Scalar() == "true" || value.Scalar() == "false")) {
      out = value.Scalar() == "true";
      return true;
    }
    error(value, "expected true or false");
    return false;
  }

  void read_rules(const YAML::Node &node, RuleConfig &rules) {
    if (!node.IsMap()) {
      error(node, "'rules' maps rule ids to off, warning or error");
      return;
    }
    for (const auto &entry : node) {
      const YAML::Node &level = entry.second;
      std::string text = level.IsScalar() ? level.Scalar() : "";
      std::optional<RuleLevel> parsed = text == "off"       ? std::optional(RuleLevel::Off)
                                        : text == "warning" ? std::optional(RuleLevel::Warning)
                                        : text == "error"   ? std::optional(RuleLevel::Error)
                                                            : std::nullopt;
      if (!parsed) {
        error(level, "a rule's level is off, warning or error");
        continue;
      }
      if (auto problem = rules.set_level(entry.first.Scalar(), *parsed))
        error(entry.first, *problem);
    }
  }

  void read_input_sizes(const YAML::Node &node, NetcConfig &config) {
    if (!node.IsMap()) {
      error(node, "'input-sizes' has the keys range and require");
      return;
    }
    for (const auto &entry : node) {
      std::string key = entry.first.Scalar();
      const YAML::Node &value = entry.second;
      if (key == "range") {
        auto range = value.IsScalar() ? parse_size_range(value.Scalar()) : std::nullopt;
        if (!range)
          error(value,
                fmt::format("expected a size range like 32..1024 (sizes 1 to {})", kMaxInputSize));
        else
          config.size_range = range;
      } else if (key == "require") {
        if (!value.IsSequence()) {
          error(value, "'require' is a list of sizes: [224, 299, 320x240]");
          continue;
        }
        for (const YAML::Node &item : value) {
          auto size = item.IsScalar() ? parse_input_size(item.Scalar()) : std::nullopt;
          if (!size) {
            error(item, fmt::format("expected a size like 224 or 320x240 (height x width, 1 to "
                                    "{})",
                                    kMaxInputSize));
            continue;
          }
          config.required_sizes.push_back(
              {size->first, size->second, range_of(item.Mark(), item.Scalar().size())});
        }
      } else {
        unknown_key(entry.first, {"range", "require"});
      }
    }
  }

  void read_emit(const YAML::Node &node, EmitDefaults &emit) {
    if (!node.IsMap()) {
      error(node, "'emit' has the keys backend, target and batch");
      return;
    }
    for (const auto &entry : node) {
      std::string key = entry.first.Scalar();
      const YAML::Node &value = entry.second;
      std::string text = value.IsScalar() ? value.Scalar() : "";
      auto one_of = [&](std::initializer_list<const char *> choices, std::string &out) {
        std::string list;
        for (const char *c : choices) {
          if (text == c) {
            out = text;
            return;
          }
          list += (list.empty() ? "" : ", ") + std::string(c);
        }
        error(value, fmt::format("'{}' is one of {}", key, list));
      };
      if (key == "backend") {
        one_of({"cpu", "cuda", "pytorch"}, emit.backend);
      } else if (key == "target") {
        one_of({"auto", "avx512", "avx2", "generic"}, emit.target);
      } else if (key == "batch") {
        int64_t batch = 0;
        if (llvm::StringRef(text).getAsInteger(10, batch) || batch < 1 || batch > (1 << 20))
          error(value, "'batch' is a whole number from 1 to 1048576");
        else
          emit.batch = batch;
      } else {
        unknown_key(entry.first, {"backend", "target", "batch"});
      }
    }
  }

  llvm::StringRef text_;
  DiagnosticEngine &diags_;
};

} // namespace

std::optional<std::pair<int64_t, int64_t>> parse_input_size(llvm::StringRef text) {
  auto [h_text, w_text] = text.trim().split('x');
  int64_t h = 0, w = 0;
  if (h_text.getAsInteger(10, h))
    return std::nullopt;
  if (w_text.empty())
    w = h;
  else if (w_text.getAsInteger(10, w))
    return std::nullopt;
  if (h < 1 || w < 1 || h > kMaxInputSize || w > kMaxInputSize)
    return std::nullopt;
  return std::pair{h, w};
}

std::optional<SizeRange> parse_size_range(llvm::StringRef text) {
  auto [low_text, high_text] = text.trim().split("..");
  SizeRange range;
  if (low_text.getAsInteger(10, range.low))
    return std::nullopt;
  range.high = range.low;
  if (!high_text.empty() && high_text.getAsInteger(10, range.high))
    return std::nullopt;
  if (range.low < 1 || range.high < range.low || range.high > kMaxInputSize)
    return std::nullopt;
  return range;
}

std::optional<std::string> find_config(const std::string &dsl_path) {
  llvm::SmallString<256> dir(dsl_path);
  llvm::sys::fs::make_absolute(dir);
  llvm::sys::path::remove_filename(dir);
  while (!dir.empty()) {
    llvm::SmallString<256> candidate(dir);
    llvm::sys::path::append(candidate, ".netc.yaml");
    if (llvm::sys::fs::is_regular_file(candidate))
      return std::string(candidate);
    llvm::StringRef parent = llvm::sys::path::parent_path(dir);
    if (parent == dir)
      break;
    // parent points into dir: shrink in place rather than assign dir from itself.
    dir.resize(parent.size());
  }
  return std::nullopt;
}

NetcConfig parse_config(llvm::StringRef text, llvm::StringRef name, DiagnosticEngine &diags) {
  unsigned buffer = diags.source_mgr().AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(text, name), llvm::SMLoc());
  NetcConfig config;
  config.path = name.str();
  return ConfigReader(buffer, diags).read(std::move(config));
}

NetcConfig load_config(const std::string &config_path, DiagnosticEngine &diags) {
  auto buffer = llvm::MemoryBuffer::getFile(config_path, /*IsText=*/true);
  if (!buffer) {
    diags.error(rules::kConfig, llvm::SMLoc(),
                "cannot read '" + config_path + "': " + buffer.getError().message());
    return {};
  }
  return parse_config((*buffer)->getBuffer(), config_path, diags);
}

} // namespace netc
