#include "analysis/reference_memory.h"

#include "support/checked_math.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <vector>

namespace netc {

namespace {

int64_t value_bytes(const TensorType &type) {
  return saturating_mul(type.num_elements().value_or(std::numeric_limits<int64_t>::max()),
                        int64_t{sizeof(double)});
}

} // namespace

int64_t reference_peak_bytes(const Graph &graph) {
  const size_t n = graph.nodes.size();
  const size_t never = n;
  std::vector<size_t> last_use(n, 0);
  for (size_t i = 0; i < n; ++i) {
    last_use[i] = never; // as in run_reference, a value nobody reads is never freed
    for (NodeId in : graph.nodes[i].inputs)
      last_use[in] = i;
  }
  int64_t outputs = 0;
  for (const GraphOutput &out : graph.outputs) {
    last_use[out.node] = never;
    outputs = saturating_add(outputs, value_bytes(graph.node(out.node).type));
  }
  // Walk the nodes in order: each value lives from its node to its last reader.
  std::vector<std::vector<NodeId>> freed_after(n);
  for (size_t i = 0; i < n; ++i)
    if (last_use[i] != never)
      freed_after[last_use[i]].push_back(static_cast<NodeId>(i));
  int64_t live = 0, peak = 0;
  for (size_t i = 0; i < n; ++i) {
    live = saturating_add(live, value_bytes(graph.nodes[i].type));
    peak = std::max(peak, live);
    for (NodeId id : freed_after[i])
      live -= value_bytes(graph.node(id).type);
  }
  return saturating_add(peak, outputs);
}

std::optional<int64_t> parse_byte_size(llvm::StringRef text) {
  llvm::StringRef digits = text.take_while([](char c) { return c >= '0' && c <= '9'; });
  llvm::StringRef suffix = text.drop_front(digits.size());
  uint64_t value = 0;
  if (digits.empty() || digits.getAsInteger(10, value))
    return std::nullopt;
  int shift = 0;
  if (!suffix.empty()) {
    switch (suffix.front()) {
    case 'K':
    case 'k':
      shift = 10;
      break;
    case 'M':
    case 'm':
      shift = 20;
      break;
    case 'G':
    case 'g':
      shift = 30;
      break;
    case 'T':
    case 't':
      shift = 40;
      break;
    default:
      return std::nullopt;
    }
    suffix = suffix.drop_front();
    if (!suffix.empty() && suffix != "B" && suffix != "iB")
      return std::nullopt;
  }
  constexpr uint64_t kMax = uint64_t{1} << 62;
  if (value == 0 || value > (kMax >> shift))
    return std::nullopt;
  return static_cast<int64_t>(value << shift);
}

std::string format_bytes(int64_t bytes) {
  if (is_saturated(bytes))
    return "more than 2^63 bytes";
  for (auto [unit, shift] : {std::pair{"GiB", 30}, std::pair{"MiB", 20}, std::pair{"KiB", 10}})
    if (bytes >= int64_t{1} << shift)
      return fmt::format("{:.1f} {}", static_cast<double>(bytes) / double(int64_t{1} << shift),
                         unit);
  return fmt::format("{} bytes", bytes);
}

} // namespace netc
