// A safetensors file against what a network expects: every parameter and buffer of the graph,
// by its state_dict() name and shape. Shared by `netc run` and `netc emit --embed-weights`.
#pragma once

#include "ir/graph.h"

#include <netc/safetensors.hpp>

namespace netc {

// Throws netc::Error listing every missing, extra or mis-shaped tensor (check_tensors), or
// naming a non-finite weight (read_f32).
void check_network_weights(const SafetensorsFile &file, const Graph &graph);

} // namespace netc
