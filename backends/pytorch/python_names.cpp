#include "pytorch/python_names.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

namespace netc {

namespace {

bool is_ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

} // namespace

bool is_python_keyword(std::string_view name) {
  static const std::array<std::string_view, 35> keywords = {
      "False", "None",     "True",  "and",    "as",   "assert", "async",  "await",    "break",
      "class", "continue", "def",   "del",    "elif", "else",   "except", "finally",  "for",
      "from",  "global",   "if",    "import", "in",   "is",     "lambda", "nonlocal", "not",
      "or",    "pass",     "raise", "return", "try",  "while",  "with",   "yield"};
  return std::find(keywords.begin(), keywords.end(), name) != keywords.end();
}

bool is_python_identifier(std::string_view name) {
  return !name.empty() && is_ident_start(name[0]) &&
         std::all_of(name.begin(), name.end(), is_ident_char) && !is_python_keyword(name);
}

std::string python_variable(std::string_view name) {
  std::string out;
  for (char c : name)
    out += is_ident_char(c) ? c : '_';
  if (out.empty() || !is_ident_start(out[0]))
    out.insert(out.begin(), '_');
  if (is_python_keyword(out))
    out += '_';
  return out;
}

std::string python_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += {'\\', c};
    else if (std::isprint(static_cast<unsigned char>(c)))
      out += c;
    else
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
  }
  return out + "\"";
}

std::string python_float(double value) {
  if (std::isnan(value))
    return "float(\"nan\")";
  if (std::isinf(value))
    return value > 0 ? "float(\"inf\")" : "float(\"-inf\")";
  std::string s = fmt::format("{}", value); // the shortest text that reads back the same
  if (s.find_first_of(".e") == std::string::npos)
    s += ".0";
  return s;
}

bool clashes_with_module_attribute(std::string_view name) {
  // dir(torch.nn.ModuleDict()) in PyTorch 1.13 and what PyTorch 2 added, less the dunder names
  // (refused below by their shape). A later PyTorch may add more: its add_module() then refuses
  // the name when the module is built, which is still an error, not a wrong network.
  static const std::array<std::string_view, 86> attributes = {
      "add_module",
      "_apply",
      "apply",
      "_backward_hooks",
      "bfloat16",
      "buffers",
      "_buffers",
      "_call_impl",
      "call_super_init",
      "children",
      "clear",
      "compile",
      "_compiled_call_impl",
      "cpu",
      "cuda",
      "double",
      "dump_patches",
      "eval",
      "extra_repr",
      "float",
      "forward",
      "_forward_hooks",
      "_forward_pre_hooks",
      "_get_backward_hooks",
      "get_buffer",
      "get_extra_state",
      "_get_name",
      "get_parameter",
      "get_submodule",
      "half",
      "ipu",
      "_is_full_backward_hook",
      "items",
      "keys",
      "_load_from_state_dict",
      "load_state_dict",
      "_load_state_dict_post_hooks",
      "_load_state_dict_pre_hooks",
      "_maybe_warn_non_full_backward_hook",
      "_modules",
      "modules",
      "mtia",
      "named_buffers",
      "named_children",
      "_named_members",
      "named_modules",
      "named_parameters",
      "_non_persistent_buffers_set",
      "parameters",
      "_parameters",
      "pop",
      "register_backward_hook",
      "register_buffer",
      "register_forward_hook",
      "register_forward_pre_hook",
      "register_full_backward_hook",
      "register_full_backward_pre_hook",
      "register_load_state_dict_post_hook",
      "register_load_state_dict_pre_hook",
      "_register_load_state_dict_pre_hook",
      "register_module",
      "register_parameter",
      "_register_state_dict_hook",
      "register_state_dict_post_hook",
      "register_state_dict_pre_hook",
      "_replicate_for_data_parallel",
      "requires_grad_",
      "_save_to_state_dict",
      "set_extra_state",
      "set_submodule",
      "share_memory",
      "_slow_forward",
      "state_dict",
      "_state_dict_hooks",
      "T_destination",
      "to",
      "to_empty",
      "train",
      "training",
      "type",
      "update",
      "values",
      "_version",
      "_wrapped_call_impl",
      "xpu",
      "zero_grad",
  };
  if (name.size() > 4 && name.substr(0, 2) == "__" && name.substr(name.size() - 2) == "__")
    return true;
  return std::find(attributes.begin(), attributes.end(), name) != attributes.end();
}

} // namespace netc
