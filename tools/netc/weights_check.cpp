#include "weights_check.h"

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
  // read_f32 refuses a NaN or an infinity, so embedded weights are refused when emitting, as
  // the generated class would refuse them when loading.
  std::vector<float> values;
  for (const TensorSpec &spec : specs) {
    const TensorInfo &t = *file.find(spec.name);
    values.resize(t.size_bytes / sizeof(float));
    try {
      read_f32(t, values.data());
    } catch (const Error &e) {
      throw Error(file.label() + ": " + e.what());
    }
  }
}

} // namespace netc
