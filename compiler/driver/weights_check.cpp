#include "driver/weights_check.h"

#include <algorithm>
#include <string>
#include <vector>

namespace netc {

void check_network_weights(const SafetensorsFile &file, const Graph &graph) {
  std::vector<std::string> names; // TensorSpec points into these
  for (const Node &node : graph.nodes)
    for (const ParamSpec &p : node.params)
      names.push_back(node.name + "." + p.name);
  std::vector<TensorSpec> specs;
  size_t i = 0;
  for (const Node &node : graph.nodes)
    for (const ParamSpec &p : node.params) {
      TensorSpec spec{names[i++].c_str(), int(p.shape.size()), {0, 0, 0, 0}};
      std::copy_n(p.shape.begin(), std::min<size_t>(p.shape.size(), 4), spec.dims);
      specs.push_back(spec);
    }
  check_tensors(file, specs.data(), specs.size());
}

} // namespace netc
