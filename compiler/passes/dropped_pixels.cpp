#include "passes/dropped_pixels.h"

#include "ops/window.h"

#include <fmt/format.h>

#include <array>

namespace netc {

namespace {

// Input rows (or columns) past the last window, for one axis; 0 when every pixel is read.
// `padding_after` rows at the end of the input are zeros a zeropad added: not losing those.
int64_t dropped(int64_t input, int64_t output, int64_t kernel, int64_t stride, int64_t dilation,
                int64_t pad_before, int64_t padding_after) {
  int64_t extent = dilation * (kernel - 1) + 1;
  if (extent < stride)
    return 0; // gaps between windows are the point of such a layer
  int64_t last_read = (output - 1) * stride + extent; // one past, in padded coordinates
  return std::max<int64_t>(0, pad_before + input - padding_after - last_read);
}

std::string plural(int64_t n, const char *what) {
  return n == 1 ? fmt::format("last {}", what) : fmt::format("last {} {}s", n, what);
}

} // namespace

Graph check_dropped_pixels(Graph graph, PassContext &context) {
  for (const Node &node : graph.nodes) {
    if (node.is_input() || node.type.is_poison() || !node.attrs.has("kernel") ||
        !node.attrs.has("stride"))
      continue;
    const TensorType &in = graph.node(node.inputs[0]).type;
    if (in.is_poison() || !in.is_spatial())
      continue;
    const auto &k = node.attrs.get_ints("kernel");
    const auto &s = node.attrs.get_ints("stride");
    std::vector<int64_t> d =
        node.attrs.has("dilation") ? node.attrs.get_ints("dilation") : std::vector<int64_t>{1, 1};
    auto pad = resolve_padding(*node.attrs.find("pad"), in.h(), in.w(), k[0], k[1], s[0], s[1],
                               d[0], d[1]);
    // A zeropad in front (Keras's ZeroPadding2D before a valid conv) is padding too.
    std::array<int64_t, 4> zero_padded = {0, 0, 0, 0};
    const Node &producer = graph.node(node.inputs[0]);
    if (!producer.is_input() && producer.kind() == OpKind::zeropad)
      if (const auto *p = std::get_if<std::vector<int64_t>>(producer.attrs.find("pad")))
        zero_padded = {(*p)[0], (*p)[1], (*p)[2], (*p)[3]};
    int64_t rows = dropped(in.h(), node.type.h(), k[0], s[0], d[0], pad[0], zero_padded[1]);
    int64_t cols = dropped(in.w(), node.type.w(), k[1], s[1], d[1], pad[2], zero_padded[3]);
    if (rows == 0 && cols == 0)
      continue;
    std::string what = rows && cols ? plural(rows, "row") + " and " + plural(cols, "column")
                       : rows       ? plural(rows, "row")
                                    : plural(cols, "column");
    Diagnostic diag;
    diag.severity = Severity::Warning;
    diag.rule = rules::kDroppedPixels;
    diag.loc = node.range.Start;
    diag.ranges = {node.range};
    diag.message = fmt::format("{} never reads the {} of its {}x{} input ({} window, stride {})",
                               node.op_name(), what, in.h(), in.w(), format_hw(k[0], k[1]),
                               s[0] == s[1] ? std::to_string(s[0]) : format_hw(s[0], s[1]));
    diag.instantiation = node.instantiation;
    diag.node = node.id;
    context.diags.report(std::move(diag));
  }
  return graph;
}

} // namespace netc
