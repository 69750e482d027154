// The table of every op the DSL can call, by name.
#pragma once

#include "ir/op.h"

#include <memory>
#include <string_view>
#include <vector>

namespace netc {

// Null if no op has that name.
const OpDef *find_op(std::string_view name);
// Every op, in the order of ir/ops.def: all_ops()[i]->kind() is OpKind(i).
const std::vector<std::unique_ptr<OpDef>> &all_ops();

// The op of that kind.
const OpDef &op_of_kind(OpKind kind);

// One factory per line of ir/ops.def, in the op's file.
#define NETC_OP(name) std::unique_ptr<OpDef> make_##name();
#include "ir/ops.def"

// chunk's first channel (compiler/ops/chunk.cpp), for the reference executor and lowering.
int64_t chunk_offset(const Attrs &attrs, int64_t channels);

} // namespace netc
