// Applies each op's shape rule to a node and turns a failure into a located diagnostic whose
// notes trace the operands back to where their shapes came from.
#pragma once

#include "ir/graph.h"
#include "support/diagnostics.h"

namespace netc {

// Sets node.type (and node.params) from its inputs. Returns false if the rule failed (reported).
// A node with a poison input becomes poison silently.
bool infer_node(Graph &graph, NodeId id, DiagnosticEngine &diags);

// Whether the value's shape is what the `expect` states (a poison value matches nothing).
bool expectation_holds(const Graph &graph, const Expectation &expectation);
// "[384, 35, 35]", "[_, 35, 35]": the shape as the `expect` wrote it.
std::string format_expected_shape(const Expectation &expectation);

// Checks an `expect` against the current type of its node; reports and returns false on mismatch.
bool check_expectation(const Graph &graph, const Expectation &expectation, DiagnosticEngine &diags);

// Walks back through ops that keep their input's shape to the node that gave a value its shape.
NodeId shape_origin(const Graph &graph, NodeId id);

// A note saying where value `id`'s shape came from, as seen from code in the instantiation
// `from` (so an origin inside another block call points at that call).
Note origin_note(const Graph &graph, NodeId id, const Instantiation *from,
                 const std::string &label);

} // namespace netc
