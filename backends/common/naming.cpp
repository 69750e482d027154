#include "common/naming.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace netc {

std::string class_name(std::string_view network) {
  std::string out;
  bool word_start = true;
  for (char c : network) {
    if (c == '_') {
      word_start = true;
      continue;
    }
    if (word_start && !out.empty() && std::isdigit(static_cast<unsigned char>(c)))
      out += '_';
    out += word_start ? char(std::toupper(static_cast<unsigned char>(c))) : c;
    word_start = false;
  }
  return out;
}

bool is_cpp_keyword(std::string_view name) {
  static const std::set<std::string_view> keywords = {
      "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break",
      "case", "catch", "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept",
      "const", "consteval", "constexpr", "constinit", "const_cast", "continue", "co_await",
      "co_return", "co_yield", "decltype", "default", "delete", "do", "double", "dynamic_cast",
      "else", "enum", "explicit", "export", "extern", "false", "float", "for", "friend", "goto",
      "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
      "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register",
      "reinterpret_cast", "requires", "return", "short", "signed", "sizeof", "static",
      "static_assert", "static_cast", "struct", "switch", "template", "this", "thread_local",
      "throw", "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using",
      "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
      // CUDA's own qualifiers and built-in variables, for the CUDA backend.
      "__global__", "__device__", "__host__", "threadIdx", "blockIdx", "blockDim", "gridDim"};
  return keywords.count(name) != 0;
}

namespace {

// Macros the C and POSIX headers or the compiler define (g++ -std=gnu++17 defines `linux` and
// `unix` as 1): as a parameter, `const float *linux` would not survive the preprocessor.
bool is_common_macro(std::string_view name) {
  static const std::set<std::string_view> macros = {
      "linux", "unix",    "i386",    "errno",    "assert",   "NULL",
      "EOF",   "stdin",   "stdout",  "stderr",   "offsetof", "major",
      "minor", "makedev", "FLT_MAX", "INFINITY", "NAN",      "CHAR_BIT"};
  return macros.count(name) != 0;
}

bool is_identifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])))
    return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Spellings the implementation reserves: a double underscore anywhere, an underscore and a
// capital first.
bool is_reserved_spelling(std::string_view s) {
  return s.find("__") != std::string_view::npos ||
         (s.size() >= 2 && s[0] == '_' && std::isupper(static_cast<unsigned char>(s[1])));
}

// The generated code's own conventions: members end in '_', constants are k<Digits or Capital>
// without an underscore (k0, kW0, kB0, kTensors, kArenaFloats).
bool looks_generated(std::string_view s) {
  if (!s.empty() && s.back() == '_')
    return true;
  return s.size() >= 2 && s[0] == 'k' &&
         (std::isupper(static_cast<unsigned char>(s[1])) ||
          std::isdigit(static_cast<unsigned char>(s[1]))) &&
         s.find('_') == std::string_view::npos;
}

// A name as the base of a renamed one: other bytes become '_', runs of '_' one, none at either
// end, and a leading digit gets a 'v'.
std::string cleaned(std::string_view s) {
  std::string out;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (ok)
      out += c;
    else if (!out.empty() && out.back() != '_')
      out += '_';
  }
  while (!out.empty() && out.back() == '_')
    out.pop_back();
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0])))
    out = "v" + out;
  return out;
}

// `name` if `usable` takes it and it is not taken; else cleaned(name) or cleaned(name)_2, _3, ...
template <class Usable>
std::string unique_name(std::string_view name, std::set<std::string> &taken, Usable usable) {
  auto free = [&](const std::string &s) { return usable(s) && taken.count(s) == 0; };
  std::string chosen(name);
  if (!free(chosen)) {
    std::string base = cleaned(name);
    chosen = base;
    for (int n = 2; !free(chosen); ++n)
      chosen = fmt::format("{}_{}", base, n);
  }
  taken.insert(chosen);
  return chosen;
}

// netc's types the class is declared beside, and the CPU code's `using Isa`.
const std::set<std::string_view> &runtime_types() {
  static const std::set<std::string_view> types = {
      "Error",        "Threads",       "SafetensorsFile", "AlignedBuffer",
      "TensorSpec",   "TensorInfo",    "TensorToWrite",   "LoadRecipe",
      "WeightBlob",   "NpyArray",      "NpyFileCloser",   "NpyHeaderParser",
      "Dims",         "ConvParams",    "PoolParams",      "AdaptivePoolParams",
      "LinearParams", "UnaryParams",   "BinaryParams",    "CopyParams",
      "LrnParams",    "SoftmaxParams", "Launch",          "Isa",
      "Generic",      "Avx2",          "Avx512",          "Activation"};
  return types;
}

} // namespace

CppNames cpp_names(const KernelList &list, const std::vector<std::string> &emitter_locals) {
  CppNames names;
  std::set<std::string> classes;
  std::string wanted = class_name(list.network);
  if (wanted.empty())
    wanted = "Network";
  else if (std::isdigit(static_cast<unsigned char>(wanted[0])))
    wanted = "Net" + wanted;
  names.class_name = unique_name(wanted, classes, [](const std::string &s) {
    return is_identifier(s) && !is_cpp_keyword(s) && !is_reserved_spelling(s) &&
           !is_common_macro(s) && runtime_types().count(s) == 0;
  });

  // What run()'s body names besides its parameters, on every backend.
  std::set<std::string> taken = {
      "arena", "w", "inputs", "outputs", "Isa", "cpu", "cuda", "netc", "std", "run",
      names.class_name,
      // the CUDA class's: its stream parameter, locals and the member functions run() calls
      "stream", "graph", "instantiated", "dim3", "launch_kernels", "capture", "run_host"};
  taken.insert(emitter_locals.begin(), emitter_locals.end());
  auto usable = [](const std::string &s) {
    return is_identifier(s) && !is_cpp_keyword(s) && !is_reserved_spelling(s) &&
           !is_common_macro(s) && !looks_generated(s);
  };
  for (const NamedValue &in : list.inputs)
    names.inputs.push_back(unique_name(in.name, taken, usable));
  for (const NamedValue &out : list.outputs)
    names.outputs.push_back(unique_name(out.name, taken, usable));

  // The class's own constants. k<Name>Shape follows the DSL name (not the parameter, which may
  // differ by backend), so every backend's class has the same constants.
  std::set<std::string> constants = {"kInputShape",    "kOutputShape",    "kBatch",
                                     "kArenaBytes",    "kNumInputs",      "kNumOutputs",
                                     "kInputElements", "kOutputElements", "kParameterCount"};
  auto shape_constant = [&](const std::string &dsl_name) {
    std::string base = "k" + class_name(dsl_name);
    std::string chosen = base + "Shape";
    for (int n = 2; constants.count(chosen) != 0; ++n)
      chosen = fmt::format("{}_{}Shape", base, n);
    constants.insert(chosen);
    return chosen;
  };
  for (const NamedValue &in : list.inputs)
    names.input_shapes.push_back(shape_constant(in.name));
  for (const NamedValue &out : list.outputs)
    names.output_shapes.push_back(shape_constant(out.name));
  return names;
}

std::string cpp_string_literal(std::string_view s) {
  std::string out = "\"";
  char previous = 0;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\')
      out += {'\\', ch};
    else if (c == '?' && previous == '?') // no trigraph, whatever the -std
      out += "\\?";
    else if (c < 0x20 || c >= 0x7f)
      out += fmt::format("\\{:03o}", c); // octal: at most 3 digits, so no digit after runs on
    else
      out += ch;
    previous = ch;
  }
  return out + "\"";
}

std::string comment_text(std::string_view s) {
  std::string out;
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f)
      out += fmt::format("\\x{:02x}", c);
    else
      out += ch;
  }
  if (!out.empty() && out.back() == '\\') { // it would splice the next line into the comment
    out.pop_back();
    out += "\\x5c";
  }
  return out;
}

} // namespace netc
