#include "support/diagnostic_formats.h"

#include "support/json_writer.h"

#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>

#include <fmt/format.h>

namespace netc {

namespace {

const char *severity_name(Severity s) {
  switch (s) {
  case Severity::Error:
    return "error";
  case Severity::Warning:
    return "warning";
  case Severity::Note:
    return "note";
  }
  return "error";
}

std::optional<ResolvedLocation> resolve(const llvm::SourceMgr &sm, llvm::SMLoc start,
                                        llvm::SMLoc end) {
  if (!start.isValid())
    return std::nullopt;
  unsigned buffer = sm.FindBufferContainingLoc(start);
  if (buffer == 0)
    return std::nullopt;
  ResolvedLocation loc;
  loc.file = display_path(sm.getMemoryBuffer(buffer)->getBufferIdentifier());
  std::tie(loc.line, loc.column) = sm.getLineAndColumn(start, buffer);
  if (end.isValid() && end.getPointer() > start.getPointer() &&
      sm.FindBufferContainingLoc(end) == buffer) {
    std::tie(loc.end_line, loc.end_column) = sm.getLineAndColumn(end, buffer);
  } else {
    loc.end_line = loc.line;
    loc.end_column = loc.column + 1;
  }
  return loc;
}

std::optional<ResolvedLocation> resolve(const llvm::SourceMgr &sm, llvm::SMLoc loc,
                                        const std::vector<llvm::SMRange> &ranges) {
  for (const llvm::SMRange &r : ranges)
    if (r.Start == loc)
      return resolve(sm, r.Start, r.End);
  return resolve(sm, loc, llvm::SMLoc());
}

} // namespace

std::string display_path(llvm::StringRef path) {
  llvm::SmallString<256> absolute(path);
  llvm::sys::fs::make_absolute(absolute);
  llvm::sys::path::remove_dots(absolute, /*remove_dot_dot=*/true);
  llvm::SmallString<256> cwd;
  if (!llvm::sys::fs::current_path(cwd)) {
    std::string prefix = std::string(cwd) + "/";
    if (llvm::StringRef(absolute).startswith(prefix))
      return std::string(llvm::StringRef(absolute).drop_front(prefix.size()));
  }
  return std::string(absolute);
}

std::vector<ResolvedDiagnostic> resolve_diagnostics(const DiagnosticEngine &diags) {
  const llvm::SourceMgr &sm = const_cast<DiagnosticEngine &>(diags).source_mgr();
  std::vector<ResolvedDiagnostic> out;
  for (const FoldedDiagnostic &folded : diags.fold()) {
    const Diagnostic &d = *folded.diagnostic;
    ResolvedDiagnostic r;
    r.rule = std::string(d.rule);
    r.severity = folded.severity;
    r.message = d.message;
    if (auto loc = resolve(sm, folded.loc, folded.ranges))
      r.location = *loc;
    for (const Note &note : folded.all_notes())
      r.notes.push_back({note.message, resolve(sm, note.loc, note.ranges)});
    out.push_back(std::move(r));
  }
  return out;
}

void write_json(const std::vector<ResolvedDiagnostic> &diagnostics, llvm::raw_ostream &os) {
  JsonWriter j(os);
  auto location = [&](const ResolvedLocation &loc) {
    j.field("file", loc.file);
    j.field("line", int64_t{loc.line});
    j.field("column", int64_t{loc.column});
    j.field("end_line", int64_t{loc.end_line});
    j.field("end_column", int64_t{loc.end_column});
  };
  int64_t errors = 0, warnings = 0;
  j.begin_object();
  j.key("diagnostics");
  j.begin_array();
  for (const ResolvedDiagnostic &d : diagnostics) {
    errors += d.severity == Severity::Error;
    warnings += d.severity == Severity::Warning;
    j.begin_object();
    j.field("rule", d.rule);
    j.field("severity", severity_name(d.severity));
    j.field("message", d.message);
    location(d.location);
    j.key("notes");
    j.begin_array();
    for (const ResolvedNote &note : d.notes) {
      j.begin_object();
      j.field("message", note.message);
      if (note.location)
        location(*note.location);
      j.end_object();
    }
    j.end_array();
    j.end_object();
  }
  j.end_array();
  j.field("errors", errors);
  j.field("warnings", warnings);
  j.end_object();
}

void write_sarif(const std::vector<ResolvedDiagnostic> &diagnostics, llvm::raw_ostream &os) {
  JsonWriter j(os);
  auto physical = [&](const ResolvedLocation &loc) {
    j.key("physicalLocation");
    j.begin_object();
    j.key("artifactLocation");
    j.begin_object();
    j.field("uri", loc.file);
    if (!llvm::sys::path::is_absolute(loc.file))
      j.field("uriBaseId", "%SRCROOT%");
    j.end_object();
    j.key("region");
    j.begin_object();
    j.field("startLine", int64_t{loc.line});
    j.field("startColumn", int64_t{loc.column});
    j.field("endLine", int64_t{loc.end_line});
    j.field("endColumn", int64_t{loc.end_column});
    j.end_object();
    j.end_object();
  };
  auto rule_index = [](std::string_view id) {
    const auto &rules = all_rules();
    for (size_t i = 0; i < rules.size(); ++i)
      if (rules[i].id == id)
        return static_cast<int64_t>(i);
    return int64_t{-1};
  };

  j.begin_object();
  j.field("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
  j.field("version", "2.1.0");
  j.key("runs");
  j.begin_array();
  j.begin_object();
  j.key("tool");
  j.begin_object();
  j.key("driver");
  j.begin_object();
  j.field("name", "netc");
  j.key("rules");
  j.begin_array();
  for (const Rule &rule : all_rules()) {
    j.begin_object();
    j.field("id", rule.id);
    j.key("shortDescription");
    j.begin_object();
    j.field("text", rule.summary);
    j.end_object();
    j.key("defaultConfiguration");
    j.begin_object();
    j.field("level", rule.default_level == RuleLevel::Error ? "error" : "warning");
    j.end_object();
    j.end_object();
  }
  j.end_array();
  j.end_object();
  j.end_object();
  j.key("results");
  j.begin_array();
  for (const ResolvedDiagnostic &d : diagnostics) {
    j.begin_object();
    j.field("ruleId", d.rule);
    if (int64_t index = rule_index(d.rule); index >= 0)
      j.field("ruleIndex", index);
    j.field("level", severity_name(d.severity));
    std::string text = d.message;
    for (const ResolvedNote &note : d.notes)
      if (!note.location)
        text += "\nnote: " + note.message;
    j.key("message");
    j.begin_object();
    j.field("text", text);
    j.end_object();
    j.key("locations");
    j.begin_array();
    j.begin_object();
    physical(d.location);
    j.end_object();
    j.end_array();
    // Notes with a place become related locations; the rest join the message's markdown-free
    // text so nothing is lost.
    j.key("relatedLocations");
    j.begin_array();
    int64_t id = 0;
    for (const ResolvedNote &note : d.notes) {
      if (!note.location)
        continue;
      j.begin_object();
      j.field("id", id++);
      physical(*note.location);
      j.key("message");
      j.begin_object();
      j.field("text", note.message);
      j.end_object();
      j.end_object();
    }
    j.end_array();
    j.end_object();
  }
  j.end_array();
  j.field("columnKind", "unicodeCodePoints");
  j.end_object();
  j.end_array();
  j.end_object();
}

namespace {
// GitHub's workflow-command escaping: data escapes %, CR and LF; properties also ':' and ','.
std::string escape_data(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '%')
      out += "%25";
    else if (c == '\r')
      out += "%0D";
    else if (c == '\n')
      out += "%0A";
    else
      out += c;
  }
  return out;
}
std::string escape_property(std::string_view text) {
  std::string out;
  for (char c : escape_data(text)) {
    if (c == ':')
      out += "%3A";
    else if (c == ',')
      out += "%2C";
    else
      out += c;
  }
  return out;
}
} // namespace

void write_github(const std::vector<ResolvedDiagnostic> &diagnostics, llvm::raw_ostream &os) {
  for (const ResolvedDiagnostic &d : diagnostics) {
    const char *command = d.severity == Severity::Error ? "error" : "warning";
    std::string message = d.message;
    for (const ResolvedNote &note : d.notes)
      message += note.location
                     ? fmt::format("\n{}:{}:{}: note: {}", note.location->file, note.location->line,
                                   note.location->column, note.message)
                     : "\nnote: " + note.message;
    const ResolvedLocation &loc = d.location;
    os << fmt::format("::{} file={},line={},col={},", command, escape_property(loc.file), loc.line,
                      loc.column);
    if (loc.end_line == loc.line)
      os << fmt::format("endColumn={},", loc.end_column);
    else
      os << fmt::format("endLine={},", loc.end_line);
    os << fmt::format("title={}::{}\n", escape_property(d.rule), escape_data(message));
  }
}

} // namespace netc
