// The reference executor: a plain interpreter of the IR in double precision, with PyTorch's
// semantics for every op. It is the oracle the backends are tested against, so it is written
// for being obviously right (one function per op, straightforward loops), not for speed.
#pragma once

#include "ir/graph.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace netc {

// A dense row-major tensor on the host: [N, C, H, W] or [N, F], batch included.
struct HostTensor {
  std::vector<std::int64_t> shape;
  std::vector<double> data;
};

// Weights and buffers by state_dict name ("features.0.conv.weight").
using WeightMap = std::map<std::string, HostTensor, std::less<>>;

// Runs `graph` on `inputs` (one per graph.inputs, each shaped as that input node's type) and
// returns one tensor per graph.outputs, in order. Weights are looked up by
// `node.name + "." + param.name`; a missing or mis-shaped weight, a mis-shaped input, a poison
// type or an op it does not know throws netc::Error, before anything runs. Intermediate tensors
// are freed after their last use.
std::vector<HostTensor> run_reference(const Graph &graph, const WeightMap &weights,
                                      const std::vector<HostTensor> &inputs);

} // namespace netc
