// Names in generated code. Every identifier a generated class takes from the DSL (the class from
// the network, run()'s parameters and the k<Name>Shape constants from the inputs and outputs) goes
// through cpp_names(), which makes each one a valid C++ identifier that is no keyword, no reserved
// spelling, none of the generated code's own names, and unique: a name that is all these already
// stays as it is; any other gets `_2`, `_3`, ... (dsl/README.md, "Names in generated code").
#pragma once

#include "lower/kernel_list.h"

#include <string>
#include <string_view>
#include <vector>

namespace netc {

// inception_v4 -> InceptionV4, resnext50_32x4d -> Resnext50_32x4d (an underscore stays where the
// next word starts with a digit, so the parts still read apart).
std::string class_name(std::string_view network);

// The identifiers of one generated class, in the kernel list's input and output order.
struct CppNames {
  std::string class_name;
  std::vector<std::string> inputs;        // run()'s parameters
  std::vector<std::string> outputs;       // run()'s parameters, after the inputs
  std::vector<std::string> input_shapes;  // kXShape, one per input
  std::vector<std::string> output_shapes; // kYShape, one per output
};

// `emitter_locals`: what else the emitter declares in scope of run()'s parameters (locals,
// parameters it adds), which the DSL names must not take.
CppNames cpp_names(const KernelList &list, const std::vector<std::string> &emitter_locals = {});

// True for a C++ keyword or alternative token (and, or, not, ...).
bool is_cpp_keyword(std::string_view name);

// `s` as a C++ string literal, quotes included: quotes, backslashes, control characters and
// every byte past ASCII escaped (octal), so any name, in any encoding, prints as its bytes.
std::string cpp_string_literal(std::string_view s);

// `s` for the text of a // comment: control characters and a final backslash (which would
// continue the comment onto the next line) escaped.
std::string comment_text(std::string_view s);

} // namespace netc
