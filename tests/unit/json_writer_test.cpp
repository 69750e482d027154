#include "support/json_writer.h"

#include <doctest/doctest.h>

using namespace netc;

TEST_CASE("nested containers, escaping and empty containers") {
  std::string out;
  {
    llvm::raw_string_ostream os(out);
    JsonWriter j(os);
    j.begin_object();
    j.key("name");
    j.value("a\"b\\c\n\x01");
    j.key("list");
    j.begin_array();
    j.value(int64_t{1});
    j.value(true);
    j.end_array();
    j.key("empty");
    j.begin_array();
    j.end_array();
    j.end_object();
  }
  CHECK(out == "{\n \"name\": \"a\\\"b\\\\c\\n\\u0001\",\n \"list\": [\n  1,\n  true\n ],\n"
               " \"empty\": []\n}\n");
}
