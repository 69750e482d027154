// Names in generated code: the class a network becomes, parameters that must not collide.
#pragma once

#include <string>
#include <string_view>

namespace netc {

// inception_v4 -> InceptionV4, resnext50_32x4d -> Resnext50_32x4d (an underscore stays where the
// next word starts with a digit, so the parts still read apart).
std::string class_name(std::string_view network);

// A DSL name usable as a C++ parameter: keywords and the emitter's own locals get a '_'.
std::string parameter_name(std::string_view name);

} // namespace netc
