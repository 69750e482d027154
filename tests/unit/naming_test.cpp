// backends/common/naming: the names a generated C++ class takes from the DSL are valid, unique
// and clash with nothing the generated code declares; strings and comments are escaped. That the
// result compiles is checked by tests/backend/check_emit_names.py (ctest emit-names).
#include "common/naming.h"

#include <doctest/doctest.h>

using namespace netc;

namespace {

CppNames names_of(const std::string &network, std::vector<std::string> inputs,
                  std::vector<std::string> outputs) {
  KernelList list;
  list.network = network;
  ValueId v = 0;
  for (std::string &n : inputs)
    list.inputs.push_back({std::move(n), v++});
  for (std::string &n : outputs)
    list.outputs.push_back({std::move(n), v++});
  return cpp_names(list);
}

} // namespace

TEST_CASE("naming: class names avoid netc's own types, keywords and bad spellings") {
  CHECK(names_of("resnet50", {"x"}, {"y"}).class_name == "Resnet50");
  CHECK(names_of("error", {"x"}, {"y"}).class_name == "Error_2");
  CHECK(names_of("safetensors_file", {"x"}, {"y"}).class_name == "SafetensorsFile_2");
  CHECK(names_of("_", {"x"}, {"y"}).class_name == "Network");
  CHECK(names_of("_1", {"x"}, {"y"}).class_name == "Net1");
}

TEST_CASE("naming: run()'s parameters are unique, valid and free") {
  CppNames n = names_of("net", {"x", "arena_", "weights_", "int", "k0", "arena", "w", "linux"},
                        {"x", "y", "y", "a__b", "stream"});
  CHECK(n.inputs == std::vector<std::string>{"x", "arena_2", "weights", "int_2", "k0_2", "arena_3",
                                             "w_2", "linux_2"});
  CHECK(n.outputs == std::vector<std::string>{"x_2", "y", "y_2", "a_b", "stream_2"});
}

TEST_CASE("naming: shape constants are unique and leave kInputShape/kOutputShape alone") {
  CppNames n = names_of("net", {"input"}, {"a_b", "aB", "output"});
  CHECK(n.input_shapes == std::vector<std::string>{"kInput_2Shape"});
  CHECK(n.output_shapes == std::vector<std::string>{"kABShape", "kAB_2Shape", "kOutput_2Shape"});
}

TEST_CASE("naming: string literals and comments escape what C++ would misread") {
  CHECK(cpp_string_literal("conv1.weight") == "\"conv1.weight\"");
  CHECK(cpp_string_literal("x\\y\"z") == "\"x\\\\y\\\"z\"");
  CHECK(cpp_string_literal("a\nb\x01") == "\"a\\012b\\001\"");
  CHECK(cpp_string_literal("\xc3\xa9"
                           "1") == "\"\\303\\2511\"");
  CHECK(cpp_string_literal("??=") == "\"?\\?=\"");
  CHECK(comment_text("a\nb") == "a\\x0ab");
  CHECK(comment_text("path\\") == "path\\x5c");
}
