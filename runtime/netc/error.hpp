// The one exception type of netc's runtime: a refused weights file, a bad .npy, a CPU without the
// instructions the code was generated for. The message names the file and the tensor at fault.
#pragma once

#include <stdexcept>
#include <string>

namespace netc {

class Error : public std::runtime_error {
public:
  explicit Error(const std::string &message) : std::runtime_error(message) {}
};

} // namespace netc
