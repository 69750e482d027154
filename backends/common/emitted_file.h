// What an emitter hands back: a file to write into the output folder.
#pragma once

#include <string>

namespace netc {

struct EmittedFile {
  std::string name; // "inception_v4.hpp"
  std::string text;
};

} // namespace netc
