#include "common/class_parts.h"

#include "common/naming.h"

#include <fmt/format.h>

namespace netc {

std::string shape_list(const TensorType &t) {
  std::string s;
  for (int64_t d : t.shape())
    s += (s.empty() ? "" : ", ") + std::to_string(d);
  return s;
}

std::string quoted_or_null(const std::string &s) {
  return s.empty() ? "nullptr" : cpp_string_literal(s);
}

void write_shape_constants(CodeWriter &w, const KernelList &list) {
  w.line("static constexpr int kBatch = {};", list.batch);
  auto shape_constant = [&](const std::string &name, const TensorType &t) {
    w.line("static constexpr std::array<std::int64_t, {}> {}{{{}}};", t.rank, name, shape_list(t));
  };
  CppNames names = cpp_names(list);
  for (size_t i = 0; i < list.inputs.size(); ++i)
    shape_constant(names.input_shapes[i], list.values[list.inputs[i].value].type);
  for (size_t i = 0; i < list.outputs.size(); ++i)
    shape_constant(names.output_shapes[i], list.values[list.outputs[i].value].type);
  if (list.inputs.size() == 1)
    shape_constant("kInputShape", list.values[list.inputs[0].value].type);
  if (list.outputs.size() == 1)
    shape_constant("kOutputShape", list.values[list.outputs[0].value].type);
  w.line("static constexpr std::size_t kNumInputs = {};", list.inputs.size());
  w.line("static constexpr std::size_t kNumOutputs = {};", list.outputs.size());
  auto elements = [&](const std::vector<NamedValue> &values) {
    std::string s;
    for (const NamedValue &v : values)
      s += fmt::format("{}{}", s.empty() ? "" : ", ", *list.values[v.value].type.num_elements());
    return s;
  };
  w.line("static constexpr std::array<std::size_t, kNumInputs> kInputElements{{{}}};",
         elements(list.inputs));
  w.line("static constexpr std::array<std::size_t, kNumOutputs> kOutputElements{{{}}};",
         elements(list.outputs));
  w.line("static constexpr std::int64_t kParameterCount = {};", list.parameter_count);
}

void write_tensor_table(CodeWriter &w, const KernelList &list) {
  if (list.tensors.empty())
    return;
  w.line("// Every tensor the weights file must hold, named as PyTorch's state_dict() names it.");
  w.open("constexpr TensorSpec kTensors[] = {{");
  for (const WeightTensor &t : list.tensors) {
    std::string dims;
    for (int64_t d : t.shape)
      dims += (dims.empty() ? "" : ", ") + std::to_string(d);
    w.line("{{{}, {}, {{{}}}}},", cpp_string_literal(t.name), t.shape.size(), dims);
  }
  w.close("};");
  w.line();
}

int64_t weighted_out_channels(const Kernel &k) {
  if (const auto *c = std::get_if<ConvParams>(&k.params))
    return c->out.c;
  return std::get<LinearParams>(k.params).out.c;
}

int64_t weights_per_out_channel(const Kernel &k) {
  if (const auto *c = std::get_if<ConvParams>(&k.params))
    return int64_t(c->in.c / c->groups) * c->kernel_h * c->kernel_w;
  return std::get<LinearParams>(k.params).in.c;
}

} // namespace netc
