// Spelling netc's names and numbers in Python source: identifiers for forward()'s variables,
// literals for strings and floats, and which names PyTorch will not take for a submodule.
#pragma once

#include <string>
#include <string_view>

namespace netc {

bool is_python_identifier(std::string_view name); // a name, not a keyword
bool is_python_keyword(std::string_view name);

// A DSL name as a Python variable: "features.6.branch1" -> features_6_branch1, "0" -> _0,
// "lambda" -> lambda_. Not unique by itself: the caller disambiguates.
std::string python_variable(std::string_view name);

// "\"features\"", with quotes and backslashes escaped.
std::string python_string(std::string_view s);

// A float literal that reads back as the same double: 0.001, 1e-05, 1.0, float("inf").
std::string python_float(double value);

// True when `name` is already an attribute of torch.nn.Module or nn.ModuleDict (train, forward,
// keys, ...): add_module() refuses such a name for a child.
bool clashes_with_module_attribute(std::string_view name);

} // namespace netc
