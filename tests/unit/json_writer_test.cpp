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

TEST_CASE("strings come out as valid UTF-8: bad bytes become U+FFFD, good sequences stay") {
  std::string out;
  {
    llvm::raw_string_ostream os(out);
    JsonWriter j(os);
    // Latin-1 'é', a lone continuation byte, a cut 3-byte sequence, an overlong '/', then
    // well-formed 'é' and '€', a control character and DEL.
    j.value(std::string_view("a\xe9"
                             "b\x80"
                             "c\xe2\x82"
                             "d\xc0\xaf"
                             "\xc3\xa9\xe2\x82\xac\x1f\x7f"));
  }
  CHECK(out ==
        "\"a\\ufffdb\\ufffdc\\ufffd\\ufffdd\\ufffd\\ufffd\xc3\xa9\xe2\x82\xac\\u001f\x7f\"\n");
}
