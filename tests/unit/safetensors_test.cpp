// runtime/netc/safetensors.hpp: round trips, the reference writer's exact bytes, check_tensors'
// report, and every refusal of a hostile or truncated file with its message.
#include "netc/safetensors.hpp"
#include "netc/safetensors_writer.hpp"

#include "temp_files.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

using namespace netc;
using netc::testing::slurp;
using netc::testing::spit;
using netc::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::string le64(std::uint64_t n) {
  std::string out;
  for (int i = 0; i < 8; ++i)
    out += static_cast<char>((n >> (8 * i)) & 0xFF);
  return out;
}

std::string f32_bytes(std::initializer_list<float> values) {
  std::string out;
  for (float v : values)
    out.append(reinterpret_cast<const char *>(&v), sizeof v);
  return out;
}

// A safetensors file: length, header as given (no padding), data.
std::string st_file(const std::string &header, const std::string &data = "") {
  return le64(header.size()) + header + data;
}

// The message view() refuses the bytes with, or "accepted".
std::string view_error(const std::string &bytes) {
  try {
    SafetensorsFile::view(bytes.data(), bytes.size(), "w.st");
  } catch (const Error &e) {
    return e.what();
  }
  return "accepted";
}

std::string header_error(const std::string &header, const std::string &data = "") {
  return view_error(st_file(header, data));
}

std::string check_error(const std::string &bytes, const std::vector<TensorSpec> &specs) {
  SafetensorsFile file = SafetensorsFile::view(bytes.data(), bytes.size(), "w.st");
  try {
    check_tensors(file, specs.data(), specs.size());
  } catch (const Error &e) {
    return e.what();
  }
  return "accepted";
}

std::string open_error(const std::string &path) {
  try {
    SafetensorsFile::open(path);
  } catch (const Error &e) {
    return e.what();
  }
  return "accepted";
}

std::string entry(const std::string &name, const std::string &dtype, const std::string &shape,
                  std::int64_t begin, std::int64_t end) {
  return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape +
         ",\"data_offsets\":[" + std::to_string(begin) + "," + std::to_string(end) + "]}";
}

// One F32 tensor 'a' of shape [2]: the file the truncation and offset tests start from.
const std::string kOneTensorHeader = "{" + entry("a", "F32", "[2]", 0, 8) + "}";

} // namespace

TEST_CASE("safetensors: write, open and read back, with metadata") {
  TempDir dir;
  std::string path = dir.file("w.safetensors");
  std::vector<float> w = {1, 2, 3, 4, 5, 6}, b = {-1.5f, 0.25f};
  write_safetensors(path,
                    {{"features.0.conv.weight", {2, 1, 1, 3}, w.data()},
                     {"features.0.conv.bias", {2}, b.data()},
                     {"empty", {0, 4}, nullptr}},
                    {{"format", "pt"}, {"note", "a \"quoted\"\nline"}});

  std::string bytes = slurp(path);
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i)
    n = (n << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
  CHECK(n % 8 == 0);
  CHECK(bytes.size() == 8 + n + 32);
  CHECK(bytes[8 + n - 1] == ' '); // padded with spaces

  SafetensorsFile file = SafetensorsFile::open(path);
  CHECK(file.label() == path);
  REQUIRE(file.tensors().size() == 3);
  CHECK(file.tensors()[0].name == "features.0.conv.weight"); // header order
  CHECK(file.tensors()[1].name == "features.0.conv.bias");
  CHECK(file.tensors()[2].name == "empty");
  const TensorInfo *t = file.find("features.0.conv.weight");
  REQUIRE(t != nullptr);
  CHECK(t->dtype == "F32");
  CHECK(t->shape == std::vector<std::int64_t>{2, 1, 1, 3});
  CHECK(t->size_bytes == 24);
  std::vector<float> got(6);
  read_f32(*t, got.data());
  CHECK(got == w);
  const TensorInfo *bias = file.find("features.0.conv.bias");
  REQUIRE(bias != nullptr);
  std::vector<float> got_b(2);
  read_f32(*bias, got_b.data());
  CHECK(got_b == b);
  CHECK(file.find("empty")->size_bytes == 0);
  CHECK(file.find("missing") == nullptr);
  CHECK(file.find("features.0.conv") == nullptr);
  REQUIRE(file.metadata().size() == 2);
  CHECK(file.metadata()[0] == std::pair<std::string, std::string>("format", "pt"));
  CHECK(file.metadata()[1].second == "a \"quoted\"\nline");
}

TEST_CASE("safetensors: the bytes of the reference save_file") {
  // safetensors.numpy.save({"b": [[3, 4]], "a": [1, 2]} as float32, metadata={"format": "pt"})
  // (safetensors 0.8.0): __metadata__ first, no spaces, padded with 3 spaces to 144 bytes.
  std::string header = "{\"__metadata__\":{\"format\":\"pt\"},"
                       "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                       "\"b\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[8,16]}}   ";
  REQUIRE(header.size() == 144);
  std::string reference = st_file(header, f32_bytes({1, 2, 3, 4}));
  REQUIRE(reference.size() == 168);

  SafetensorsFile file = SafetensorsFile::view(reference.data(), reference.size(), "ref");
  REQUIRE(file.tensors().size() == 2);
  CHECK(file.find("b")->shape == std::vector<std::int64_t>{1, 2});
  float b[2];
  read_f32(*file.find("b"), b);
  CHECK(b[0] == 3);
  CHECK(b[1] == 4);
  CHECK(file.metadata().size() == 1);

  // write_safetensors given the reference's order writes the same bytes.
  TempDir dir;
  std::string path = dir.file("ref.safetensors");
  float a_data[] = {1, 2}, b_data[] = {3, 4};
  write_safetensors(path, {{"a", {2}, a_data}, {"b", {1, 2}, b_data}}, {{"format", "pt"}});
  CHECK(slurp(path) == reference);

  // save({"conv.weight": zeros((1,1,1,1)), "bn.num_batches_tracked": int64(7)}): 144-byte header
  // that needs no padding, an I64 scalar first.
  std::string bn = "{\"bn.num_batches_tracked\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":"
                   "[0,8]},\"conv.weight\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1],\"data_offsets\":"
                   "[8,12]}}";
  REQUIRE(bn.size() == 144);
  std::string bn_file = st_file(bn, le64(7) + f32_bytes({0}));
  SafetensorsFile f2 = SafetensorsFile::view(bn_file.data(), bn_file.size(), "bn");
  CHECK(f2.find("bn.num_batches_tracked")->dtype == "I64");
  CHECK(f2.find("bn.num_batches_tracked")->shape.empty());
  CHECK(f2.find("bn.num_batches_tracked")->data[0] == 7);
}

TEST_CASE("safetensors: the reference's own test vectors") {
  // From the safetensors crate's tests: "attn.0" [1, 2, 3] F32 (a 64-byte header, no padding),
  // and an empty dict with and without metadata.
  std::string attn = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
  REQUIRE(attn.size() == 64);
  std::string bytes = st_file(attn, f32_bytes({0, 1, 2, 3, 4, 5}));
  CHECK(SafetensorsFile::view(bytes.data(), bytes.size(), "x").tensors().size() == 1);
  CHECK(view_error(st_file("{}      ")) == "accepted");
  std::string meta = st_file("{\"__metadata__\":{\"framework\":\"pt\"}}     ");
  CHECK(SafetensorsFile::view(meta.data(), meta.size(), "x").metadata().size() == 1);

  TempDir dir;
  write_safetensors(dir.file("e"), {});
  CHECK(slurp(dir.file("e")) == st_file("{}      "));
  float data[] = {0, 1, 2, 3, 4, 5};
  write_safetensors(dir.file("attn"), {{"attn.0", {1, 2, 3}, data}});
  CHECK(slurp(dir.file("attn")) == bytes);
}

TEST_CASE("safetensors: check_tensors") {
  std::string conv_w = f32_bytes({1, 2, 3, 4, 5, 6});
  std::string bytes = st_file("{" + entry("conv.weight", "F32", "[2,3]", 0, 24) + "," +
                                  entry("bn.num_batches_tracked", "I64", "[]", 24, 32) + "," +
                                  entry("bn.weight", "F32", "[2]", 32, 40) + "}",
                              conv_w + le64(3) + f32_bytes({1, 1}));

  SUBCASE("matching, with num_batches_tracked ignored") {
    CHECK(check_error(bytes, {{"conv.weight", 2, {2, 3}}, {"bn.weight", 1, {2}}}) == "accepted");
  }
  SUBCASE("missing, mis-shaped and unexpected tensors, all reported") {
    CHECK(check_error(
              bytes,
              {{"conv.weight", 2, {3, 2}}, {"fc.weight", 4, {32, 3, 3, 3}}, {"fc.bias", 0, {}}}) ==
          "w.st: weights do not match the network:\n"
          "  tensor 'conv.weight' has shape [2, 3] but the network expects [3, 2]\n"
          "  missing tensor 'fc.weight' [32, 3, 3, 3]\n"
          "  missing tensor 'fc.bias' []\n"
          "  unexpected tensor 'bn.weight' [2]");
  }
  SUBCASE("a spec naming an integer tensor wants F32") {
    CHECK(check_error(bytes, {{"conv.weight", 2, {2, 3}},
                              {"bn.weight", 1, {2}},
                              {"bn.num_batches_tracked", 1, {1}}}) ==
          "w.st: weights do not match the network:\n"
          "  tensor 'bn.num_batches_tracked' has dtype I64, expected F32\n"
          "  tensor 'bn.num_batches_tracked' has shape [] but the network expects [1]");
  }
  SUBCASE("a bad spec is a programming error") {
    CHECK(check_error(bytes, {{"conv.weight", 5, {2, 3}}}) ==
          "check_tensors: spec 0 ('conv.weight') has rank 5; ranks 0 to 4 are supported");
  }
}

TEST_CASE("safetensors: check_tensors refuses other float dtypes") {
  std::string bytes = st_file("{" + entry("fc.bias", "F16", "[2]", 0, 4) + "," +
                                  entry("head.weight", "BF16", "[1]", 4, 6) + "," +
                                  entry("mask", "BOOL", "[2]", 6, 8) + "}",
                              std::string(8, '\0'));
  CHECK(check_error(bytes, {{"fc.bias", 1, {2}}}) ==
        "w.st: weights do not match the network:\n"
        "  tensor 'fc.bias' has dtype F16, expected F32\n"
        "  unexpected tensor 'head.weight' [1]\n"
        "  unexpected tensor 'mask' [2]");
  SafetensorsFile file = SafetensorsFile::view(bytes.data(), bytes.size(), "w.st");
  float dst[2];
  CHECK_THROWS_WITH_AS(read_f32(*file.find("fc.bias"), dst),
                       "tensor 'fc.bias' has dtype F16, read_f32 needs F32", Error);
}

TEST_CASE("safetensors: only num_batches_tracked is skipped among integer tensors") {
  std::string bytes = st_file("{" + entry("num_batches_tracked", "I64", "[]", 0, 8) + "," +
                                  entry("bn.num_batches_tracked", "I64", "[]", 8, 16) + "," +
                                  entry("layer.step", "I64", "[]", 16, 24) + "," +
                                  entry("bn.my_num_batches_tracked", "I32", "[]", 24, 28) + "," +
                                  entry("fc.num_batches_tracked", "F32", "[]", 28, 32) + "}",
                              le64(1) + le64(2) + le64(3) + std::string(8, '\0'));
  CHECK(check_error(bytes, {}) == "w.st: weights do not match the network:\n"
                                  "  unexpected tensor 'layer.step' []\n"
                                  "  unexpected tensor 'bn.my_num_batches_tracked' []\n"
                                  "  unexpected tensor 'fc.num_batches_tracked' []");
}

TEST_CASE("safetensors: read_f32 refuses non-finite weights, naming the element") {
  float nan = std::numeric_limits<float>::quiet_NaN();
  float inf = std::numeric_limits<float>::infinity();
  std::string bytes = st_file(
      "{" + entry("ok", "F32", "[2]", 0, 8) + "," + entry("w", "F32", "[2,3]", 8, 32) + "," +
          entry("b", "F32", "[2]", 32, 40) + "," + entry("s", "F32", "[]", 40, 44) + "}",
      f32_bytes({1e38f, -0.0f}) + f32_bytes({0, 1, 2, 3, nan, 5}) + f32_bytes({1, -inf}) +
          f32_bytes({inf}));
  SafetensorsFile file = SafetensorsFile::view(bytes.data(), bytes.size(), "w.st");
  float dst[6];
  read_f32(*file.find("ok"), dst);
  CHECK(dst[0] == 1e38f);
  CHECK_THROWS_WITH_AS(read_f32(*file.find("w"), dst),
                       "tensor 'w' holds NaN at element 4 (index [1, 1]); weights must be finite",
                       Error);
  CHECK_THROWS_WITH_AS(read_f32(*file.find("b"), dst),
                       "tensor 'b' holds -inf at element 1 (index [1]); weights must be finite",
                       Error);
  CHECK_THROWS_WITH_AS(read_f32(*file.find("s"), dst),
                       "tensor 's' holds inf at element 0 (index []); weights must be finite",
                       Error);
}

TEST_CASE("safetensors: view refuses a null pointer, a short or a cut buffer") {
  CHECK_THROWS_WITH_AS(SafetensorsFile::view(nullptr, 100, "mem"),
                       "mem: null pointer given for 100 bytes of weights", Error);
  CHECK_THROWS_WITH_AS(SafetensorsFile::view(nullptr, 0, "mem"), "mem: empty file (0 bytes)",
                       Error);
  std::string bytes = st_file("{" + entry("b", "F32", "[2]", 0, 8) + "}", f32_bytes({1, 2}));
  CHECK_THROWS_AS(SafetensorsFile::view(bytes.data(), 4, "mem"), Error);
  CHECK_THROWS_AS(SafetensorsFile::view(bytes.data(), bytes.size() - 1, "mem"), Error);
}

TEST_CASE("safetensors: check_tensors caps its list at 20 lines") {
  std::string bytes = st_file("{}");
  std::vector<std::string> names;
  for (int i = 0; i < 25; ++i)
    names.push_back("t" + std::to_string(i));
  std::vector<TensorSpec> specs;
  for (const std::string &n : names)
    specs.push_back({n.c_str(), 1, {static_cast<std::int64_t>(n.size())}});
  std::string expected = "w.st: weights do not match the network:";
  for (int i = 0; i < 20; ++i)
    expected += "\n  missing tensor 't" + std::to_string(i) + "' [" +
                std::to_string(names[static_cast<std::size_t>(i)].size()) + "]";
  expected += "\n  ... and 5 more";
  CHECK(check_error(bytes, specs) == expected);
}

TEST_CASE("safetensors: a file cut anywhere is refused") {
  std::string good = st_file(kOneTensorHeader, f32_bytes({1, 2}));
  REQUIRE(view_error(good) == "accepted");
  std::size_t n = kOneTensorHeader.size();
  REQUIRE(n == 54);
  CHECK(view_error(good.substr(0, 0)) == "w.st: empty file (0 bytes)");
  CHECK(view_error(good.substr(0, 1)) ==
        "w.st: truncated file: 1 byte, too short for the 8-byte header length");
  CHECK(view_error(good.substr(0, 7)) ==
        "w.st: truncated file: 7 bytes, too short for the 8-byte header length");
  CHECK(view_error(good.substr(0, 8)) ==
        "w.st: truncated file: header says 54 bytes but only 0 follow");
  CHECK(view_error(good.substr(0, 8 + 30)) ==
        "w.st: truncated file: header says 54 bytes but only 30 follow");
  CHECK(view_error(good.substr(0, 8 + n)) ==
        "w.st: tensor 'a': data_offsets [0, 8] lie outside the data (0 bytes)");
  CHECK(view_error(good.substr(0, 8 + n + 1)) ==
        "w.st: tensor 'a': data_offsets [0, 8] lie outside the data (1 byte)");
  CHECK(view_error(good.substr(0, good.size() - 1)) ==
        "w.st: tensor 'a': data_offsets [0, 8] lie outside the data (7 bytes)");
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    CAPTURE(cut);
    CHECK(view_error(good.substr(0, cut)) != "accepted");
  }
  CHECK(view_error(good + "x") == "w.st: 1 byte after the last tensor");
  CHECK(view_error(good + "xyz") == "w.st: 3 bytes after the last tensor");
}

TEST_CASE("safetensors: header length") {
  CHECK(view_error(le64(100000001) + "{}") ==
        "w.st: header length 100000001 exceeds the limit of 100000000 bytes (not a safetensors "
        "file?)");
  CHECK(view_error(le64(~std::uint64_t{0}) + "{}") ==
        "w.st: header length 18446744073709551615 exceeds the limit of 100000000 bytes (not a "
        "safetensors file?)");
  CHECK(view_error(std::string("PK\x03\x04\x14\x00\x00\x00\x08\x00", 10)) ==
        "w.st: a zip archive (a PyTorch checkpoint?), not a safetensors file");
  CHECK(view_error(le64(0)) == "w.st: header is not valid JSON at byte 0: expected '{', found "
                               "end of header");
}

TEST_CASE("safetensors: the header is strict JSON") {
  auto bad = [](std::size_t at, const std::string &what) {
    return "w.st: header is not valid JSON at byte " + std::to_string(at) + ": " + what;
  };
  CHECK(header_error("[]") == bad(0, "expected '{', found '['"));
  CHECK(header_error("{\"a\" 1}") == bad(5, "expected ':', found '1'"));
  CHECK(header_error("{,}") == bad(1, "expected a string key, found ','"));
  CHECK(header_error("{\"__metadata__\":{},}") == bad(19, "expected a string key, found '}'"));
  CHECK(header_error("{\"__metadata__\":{} \"x\"}") == bad(19, "expected ',' or '}', found '\"'"));
  CHECK(header_error("{} {}") == bad(3, "unexpected '{' after the header object"));
  CHECK(view_error(st_file(std::string("{}\0", 3))) ==
        bad(2, "unexpected byte \\x00 after the header object"));
  CHECK(header_error("{\"a") == bad(1, "unterminated string"));
  CHECK(header_error("{\"a\\") == bad(1, "unterminated string"));
  CHECK(header_error("{\"a\nb\":{}}") == bad(3, "unescaped control character byte \\x0a in a "
                                                "string"));
  CHECK(header_error("{\"a\\qb\":{}}") == bad(3, "invalid escape: backslash followed by 'q'"));
  CHECK(header_error("{\"\\u12G4\":{}}") == bad(6, "bad hex digit 'G' in \\u escape"));
  CHECK(header_error("{\"\\u12") == bad(4, "unterminated \\u escape"));
  CHECK(header_error("{\"\\udc00\":{}}") == bad(2, "unpaired surrogate in \\u escape"));
  CHECK(header_error("{\"\\ud800x\":{}}") == bad(2, "unpaired surrogate in \\u escape"));
  CHECK(header_error("{\"\\ud800\\u0041\":{}}") == bad(2, "unpaired surrogate in \\u escape"));
  CHECK(header_error("{\"\xff\":{}}") == bad(2, "invalid UTF-8 byte \\xff in a string"));
  CHECK(header_error("{\"\xc0\x80\":{}}") == bad(2, "invalid UTF-8 byte \\xc0 in a string"));
  CHECK(header_error("{\"\xed\xa0\x80\":{}}") == bad(2, "invalid UTF-8 byte \\xed in a string"));
  CHECK(header_error("{\"\xe2\x82\":{}}") == bad(2, "invalid UTF-8 byte \\xe2 in a string"));
  CHECK(header_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[01],\"data_offsets\":[0,0]}}") ==
        bad(29, "leading zero in a number"));
  CHECK(header_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[-],\"data_offsets\":[0,0]}}") ==
        bad(30, "expected a digit, found ']'"));
  CHECK(header_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[1,],\"data_offsets\":[0,4]}}") ==
        bad(31, "expected a value, found ']'"));
  CHECK(header_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[tru],\"data_offsets\":[0,4]}}") ==
        bad(29, "expected a value, found 't'"));
}

TEST_CASE("safetensors: \\u escapes and UTF-8 in names") {
  // \u00e9 is two bytes of UTF-8, \ud83d\ude00 (a surrogate pair) four; raw UTF-8 passes as is.
  std::string header = "{" + entry("caf\\u00e9", "F32", "[]", 0, 4) + "," +
                       entry("\\ud83d\\ude00", "F32", "[]", 4, 8) + "," +
                       entry("na\xc3\xafve", "F32", "[]", 8, 12) + "," +
                       entry("q\\\"\\\\\\/\\b\\f\\n\\r\\t", "F32", "[]", 12, 16) + "}";
  std::string bytes = st_file(header, f32_bytes({1, 2, 3, 4}));
  SafetensorsFile file = SafetensorsFile::view(bytes.data(), bytes.size(), "u");
  CHECK(file.find("caf\xc3\xa9") != nullptr);
  CHECK(file.find("\xf0\x9f\x98\x80") != nullptr);
  CHECK(file.find("na\xc3\xafve") != nullptr);
  CHECK(file.find("q\"\\/\b\f\n\r\t") != nullptr);
  // Messages escape control characters in names.
  CHECK(
      check_error(bytes,
                  {{"caf\xc3\xa9", 0, {}}, {"\xf0\x9f\x98\x80", 0, {}}, {"na\xc3\xafve", 0, {}}}) ==
      "w.st: weights do not match the network:\n"
      "  unexpected tensor 'q\"\\/\\x08\\x0c\\x0a\\x0d\\x09' []");
}

TEST_CASE("safetensors: hostile names and shapes do not flood the message") {
  std::string long_name(300, 'x');
  CHECK(header_error("{" + entry(long_name, "Q4", "[]", 0, 0) + "}") ==
        "w.st: tensor '" + std::string(200, 'x') + "...': unknown dtype 'Q4'");
  // A cut never splits a UTF-8 sequence: 199 ASCII bytes, then a 2-byte character.
  std::string utf8_name = std::string(199, 'y') + "\xc3\xa9" + "zz";
  CHECK(header_error("{" + entry(utf8_name, "Q4", "[]", 0, 0) + "}") ==
        "w.st: tensor '" + std::string(199, 'y') + "...': unknown dtype 'Q4'");
  CHECK(header_error("{" + entry("a", "F32", "[1,1,1,1,1,1,1,1,1,-1]", 0, 0) + "}") ==
        "w.st: tensor 'a': shape [1, 1, 1, 1, 1, 1, 1, 1, ... (10 dims)] has a negative "
        "dimension");
  CHECK(header_error("{'a':1}") ==
        "w.st: header is not valid JSON at byte 1: expected a string key, found \"'\"");
}

TEST_CASE("safetensors: JSON that does not belong in a header") {
  CHECK(header_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}") ==
        "w.st: header at byte 29: expected an integer, found a number with a fraction or an "
        "exponent");
  CHECK(header_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[1e3],\"data_offsets\":[0,4]}}") ==
        "w.st: header at byte 29: expected an integer, found a number with a fraction or an "
        "exponent");
  CHECK(header_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],"
                     "\"data_offsets\":[0,4]}}") ==
        "w.st: header at byte 29: integer out of range");
  CHECK(header_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[true],\"data_offsets\":[0,4]}}") ==
        "w.st: tensor 'a': shape must be an array of integers, found true in it");
  CHECK(header_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[[1]],\"data_offsets\":[0,4]}}") ==
        "w.st: tensor 'a': shape must be an array of integers, found an array in it");
  CHECK(header_error("{\"a\":{\"dtype\":\"F32\",\"shape\":{},\"data_offsets\":[0,4]}}") ==
        "w.st: tensor 'a': shape must be an array of integers, found an object");
  CHECK(header_error("{\"a\":{\"dtype\":null,\"shape\":[],\"data_offsets\":[0,4]}}") ==
        "w.st: tensor 'a': dtype must be a string, found null");
  CHECK(header_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4,8]}}") ==
        "w.st: tensor 'a': data_offsets must hold 2 integers, found more");
  CHECK(header_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0]}}") ==
        "w.st: tensor 'a': data_offsets must hold 2 integers, found 1");
  CHECK(header_error("{\"a\":[]}") ==
        "w.st: tensor 'a': expected an object with dtype, shape and data_offsets, found an "
        "array");
  CHECK(header_error("{\"a\":{}}") == "w.st: tensor 'a': missing field 'dtype'");
  CHECK(header_error("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}") ==
        "w.st: tensor 'a': missing field 'shape'");
  CHECK(header_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[]}}") ==
        "w.st: tensor 'a': missing field 'data_offsets'");
  CHECK(header_error("{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4],"
                     "\"extra\":1}}") == "w.st: tensor 'a': unknown field 'extra'");
  CHECK(header_error("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[]}}") ==
        "w.st: header at byte 20: duplicate key 'dtype' in tensor 'a'");
  CHECK(header_error("{" + entry("a", "F32", "[]", 0, 4) + "," + entry("a", "F32", "[]", 4, 8) +
                     "}") == "w.st: header at byte 53: duplicate key 'a'");
  CHECK(header_error("{\"__metadata__\":[]}") ==
        "w.st: __metadata__ must be an object of strings, found an array");
  CHECK(header_error("{\"__metadata__\":{\"epochs\":3}}") ==
        "w.st: __metadata__ 'epochs' must be a string, found a number");
  CHECK(header_error("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}") ==
        "w.st: header at byte 25: duplicate key 'k' in __metadata__");
  CHECK(header_error("{\"__metadata__\":{},\"__metadata__\":{}}") ==
        "w.st: header at byte 19: duplicate key '__metadata__'");
}

TEST_CASE("safetensors: dtypes, shapes and offsets are checked") {
  std::string four = f32_bytes({0});
  CHECK(header_error("{" + entry("a", "Q4", "[1]", 0, 4) + "}", four) ==
        "w.st: tensor 'a': unknown dtype 'Q4'");
  CHECK(header_error("{" + entry("a", "F32", "[2,-1]", 0, 4) + "}", four) ==
        "w.st: tensor 'a': shape [2, -1] has a negative dimension");
  CHECK(header_error("{" + entry("a", "F32", "[1]", -4, 4) + "}", four) ==
        "w.st: tensor 'a': data_offsets [-4, 4] are negative");
  CHECK(header_error("{" + entry("a", "F32", "[1]", 4, 0) + "}", four) ==
        "w.st: tensor 'a': data_offsets [4, 0] end before they begin");
  CHECK(header_error("{" + entry("a", "F32", "[1]", 0, 8) + "}", four) ==
        "w.st: tensor 'a': data_offsets [0, 8] lie outside the data (4 bytes)");
  CHECK(header_error("{" + entry("a", "F32", "[1]", 9223372036854775000, 9223372036854775807) + "}",
                     four) ==
        "w.st: tensor 'a': data_offsets [9223372036854775000, 9223372036854775807] lie outside "
        "the data (4 bytes)");
  CHECK(header_error("{" + entry("a", "F32", "[2,3]", 0, 4) + "}", four) ==
        "w.st: tensor 'a': shape [2, 3] of F32 needs 24 bytes but data_offsets [0, 4] hold 4");
  CHECK(header_error("{" + entry("a", "F64", "[4294967296,4294967296]", 0, 4) + "}", four) ==
        "w.st: tensor 'a': shape [4294967296, 4294967296] of F64 is too large");
  CHECK(header_error("{" + entry("a", "U8", "[4294967296,4294967296]", 0, 4) + "}", four) ==
        "w.st: tensor 'a': shape [4294967296, 4294967296] of U8 is too large");
  // A zero dimension makes any other dimension harmless.
  CHECK(header_error("{" + entry("a", "F32", "[0,9223372036854775807]", 0, 0) + "}") == "accepted");
  CHECK(header_error("{" + entry("a", "BOOL", "[1]", 0, 1) + "," +
                         entry("b", "F8_E4M3", "[1]", 1, 2) + "," + entry("c", "U16", "[1]", 2, 4) +
                         "}",
                     four) == "accepted");
}

TEST_CASE("safetensors: tensors must tile the data") {
  std::string sixteen = f32_bytes({0, 1, 2, 3});
  CHECK(header_error("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) +
                         "}",
                     sixteen) == "w.st: tensors 'a' [0, 8] and 'b' [4, 12] overlap");
  CHECK(header_error("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[0]", 4, 4) +
                         "," + entry("c", "F32", "[2]", 8, 16) + "}",
                     sixteen) == "w.st: tensors 'a' [0, 8] and 'b' [4, 4] overlap");
  CHECK(header_error("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[2]", 8, 16) +
                         "}",
                     sixteen) == "w.st: 4 bytes before tensor 'b' [8, 16] belong to no tensor");
  CHECK(header_error("{" + entry("b", "F32", "[2]", 8, 16) + "}", sixteen) ==
        "w.st: 8 bytes before tensor 'b' [8, 16] belong to no tensor");
  CHECK(header_error("{}", sixteen) == "w.st: 16 bytes after the last tensor");
  // Out of order in the header is fine, and so are empty tensors between the others.
  std::string header = "{" + entry("c", "F32", "[2]", 8, 16) + "," +
                       entry("e", "F32", "[0]", 8, 8) + "," + entry("a", "F32", "[2]", 0, 8) + "," +
                       entry("z", "F32", "[0,2]", 16, 16) + "}";
  std::string bytes = st_file(header, sixteen);
  SafetensorsFile file = SafetensorsFile::view(bytes.data(), bytes.size(), "w.st");
  REQUIRE(file.tensors().size() == 4);
  CHECK(file.tensors()[0].name == "c");
  float c[2];
  read_f32(*file.find("c"), c);
  CHECK(c[0] == 2);
  CHECK(c[1] == 3);
  CHECK(file.find("z")->size_bytes == 0);
}

TEST_CASE("safetensors: open refuses what is not a file of weights") {
  TempDir dir;
  std::string missing = dir.file("missing.safetensors");
  CHECK(open_error(missing) == missing + ": cannot open: No such file or directory");
  CHECK(open_error(dir.path.string()) == dir.path.string() + ": is a directory");
  CHECK(open_error("/dev/null") == "/dev/null: not a regular file");
  std::string empty = dir.file("empty.safetensors");
  spit(empty, "");
  CHECK(open_error(empty) == empty + ": empty file (0 bytes)");
  std::string short_file = dir.file("short.safetensors");
  spit(short_file, "abc");
  CHECK(open_error(short_file) ==
        short_file + ": truncated file: 3 bytes, too short for the 8-byte header length");
  std::string cut = dir.file("cut.safetensors");
  spit(cut, st_file(kOneTensorHeader, f32_bytes({1})));
  CHECK(open_error(cut) ==
        cut + ": tensor 'a': data_offsets [0, 8] lie outside the data (4 bytes)");
}

TEST_CASE("safetensors: a moved file keeps its mapping") {
  TempDir dir;
  std::string path = dir.file("m.safetensors");
  float data[] = {7, 8};
  write_safetensors(path, {{"x", {2}, data}});
  SafetensorsFile a = SafetensorsFile::open(path);
  const unsigned char *where = a.find("x")->data;
  SafetensorsFile b = std::move(a);
  REQUIRE(b.find("x") != nullptr);
  CHECK(b.find("x")->data == where);
  CHECK(b.label() == path);
  SafetensorsFile c = SafetensorsFile::open(path);
  c = std::move(b);
  float got[2];
  read_f32(*c.find("x"), got);
  CHECK(got[0] == 7);
  CHECK(got[1] == 8);
}

TEST_CASE("safetensors: the read-a-copy path of hosts without mmap") {
  TempDir dir;
  std::string path = dir.file("copy.safetensors");
  std::string bytes = st_file(kOneTensorHeader, f32_bytes({1, 2}));
  spit(path, bytes);
  std::vector<unsigned char> copy = detail::read_whole_file(path);
  CHECK(std::string(copy.begin(), copy.end()) == bytes);
  std::string missing = dir.file("missing");
  CHECK_THROWS_WITH_AS(detail::read_whole_file(missing),
                       (missing + ": cannot open: No such file or directory").c_str(), Error);
}

TEST_CASE("safetensors: write_safetensors refuses what it cannot write") {
  TempDir dir;
  float data[] = {1};
  std::string nowhere = dir.file("no/such/dir.safetensors");
  CHECK_THROWS_WITH_AS(write_safetensors(nowhere, {{"x", {1}, data}}),
                       (nowhere + ": cannot write: No such file or directory").c_str(), Error);
  std::string path = dir.file("w.safetensors");
  CHECK_THROWS_WITH_AS(write_safetensors(path, {{"x", {1}, data}, {"x", {1}, data}}),
                       (path + ": tensor 'x' appears twice").c_str(), Error);
  CHECK_THROWS_WITH_AS(write_safetensors(path, {{"__metadata__", {1}, data}}),
                       (path + ": tensor '__metadata__' is a reserved name").c_str(), Error);
  CHECK_THROWS_WITH_AS(write_safetensors(path, {{"x", {-1}, data}}),
                       (path + ": tensor 'x': shape [-1] has a negative dimension").c_str(), Error);
  CHECK_THROWS_WITH_AS(write_safetensors(path, {{"x", {1}, nullptr}}),
                       (path + ": tensor 'x': no data").c_str(), Error);
  CHECK(!fs::exists(path));
}
