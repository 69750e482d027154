// What `netc run` needs in memory, computed before it runs: a network whose activations cannot
// fit is refused with the size named, instead of dying in the allocator.
#pragma once

#include "ir/graph.h"

#include <llvm/ADT/StringRef.h>

#include <cstdint>
#include <optional>
#include <string>

namespace netc {

// The most bytes of values the reference executor holds at once: float64 tensors, each freed
// after its last reader as run_reference does, plus the copies of the outputs it returns.
// Saturates at INT64_MAX.
int64_t reference_peak_bytes(const Graph &graph);

// A size as --max-memory takes it: bytes, or with a binary suffix K, M, G or T (optionally
// followed by "iB" or "B"): "512M", "8GiB". nullopt if malformed, zero or past 2^62.
std::optional<int64_t> parse_byte_size(llvm::StringRef text);

// "12.5 GiB", "3.0 MiB", "512 bytes"
std::string format_bytes(int64_t bytes);

} // namespace netc
