// runtime/netc/npy.hpp: round trips, numpy.save's exact bytes, the header dialects NumPy writes,
// and every refusal with its message.
#include "netc/npy.hpp"

#include "temp_files.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

using namespace netc;
using netc::testing::slurp;
using netc::testing::spit;
using netc::testing::TempDir;

namespace {

// A .npy file of the given version with the header dict as given (no padding) and raw data.
std::string npy_file(int major, const std::string &dict, const std::string &data) {
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  int len_bytes = major == 1 ? 2 : 4;
  for (int i = 0; i < len_bytes; ++i)
    out += static_cast<char>((dict.size() >> (8 * i)) & 0xFF);
  return out + dict + data;
}

template <typename T> std::string raw(std::initializer_list<T> values) {
  std::string out;
  for (T v : values)
    out.append(reinterpret_cast<const char *>(&v), sizeof v);
  return out;
}

const std::string kF4Dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

std::string read_error(const std::string &path) {
  try {
    read_npy(path);
  } catch (const Error &e) {
    return e.what();
  }
  return "accepted";
}

} // namespace

TEST_CASE("npy: float32 and float64 round trips") {
  TempDir dir;
  std::string p = dir.file("a.npy");
  std::vector<float> f = {1.5f, -2, 3.25f, 0, 1e-8f, 7};
  write_npy(p, {2, 3}, f.data());
  NpyArray a = read_npy(p);
  CHECK(a.dtype == "<f4");
  CHECK(a.shape == std::vector<std::int64_t>{2, 3});
  REQUIRE(a.data.size() == 6);
  for (std::size_t i = 0; i < f.size(); ++i)
    CHECK(a.data[i] == static_cast<double>(f[i]));

  std::vector<double> d = {0.1, -1e300};
  write_npy(p, {2}, d.data());
  a = read_npy(p);
  CHECK(a.dtype == "<f8");
  CHECK(a.shape == std::vector<std::int64_t>{2});
  CHECK(a.data == d);

  double scalar = 42;
  write_npy(p, {}, &scalar);
  a = read_npy(p);
  CHECK(a.shape.empty());
  CHECK(a.data == std::vector<double>{42});

  write_npy(p, {3, 0}, static_cast<const float *>(nullptr));
  a = read_npy(p);
  CHECK(a.shape == std::vector<std::int64_t>{3, 0});
  CHECK(a.data.empty());
}

TEST_CASE("npy: write_npy writes what numpy.save writes") {
  // numpy 1.24: np.save(p, np.zeros((2, 3), np.float32)): the dict, 20 spaces of room for the
  // first axis to grow, then padding to 128 bytes ending in '\n'.
  TempDir dir;
  std::string p = dir.file("z.npy");
  std::vector<float> zeros(6, 0.0f);
  write_npy(p, {2, 3}, zeros.data());
  std::string dict = kF4Dict + std::string(20, ' ');
  dict += std::string(128 - 10 - dict.size() - 1, ' ') + "\n";
  CHECK(slurp(p) == npy_file(1, dict, std::string(24, '\0')));

  // np.save(p, np.float64(1.0)): a 0-d array, no growth room; 67 bytes need padding to 128.
  double one = 1;
  write_npy(p, {}, &one);
  std::string scalar = "{'descr': '<f8', 'fortran_order': False, 'shape': (), }";
  scalar += std::string(128 - 10 - scalar.size() - 1, ' ') + "\n";
  CHECK(slurp(p) == npy_file(1, scalar, raw<double>({1.0})));

  // A 1-d shape is written (5,).
  std::vector<double> five(5, 0.0);
  write_npy(p, {5}, five.data());
  CHECK(slurp(p).substr(10, 60) == "{'descr': '<f8', 'fortran_order': False, 'shape': (5,), }   ");
}

TEST_CASE("npy: header dialects") {
  TempDir dir;
  std::string p = dir.file("h.npy");
  std::string data = raw<float>({1, 2, 3, 4, 5, 6});
  spit(p, npy_file(2, kF4Dict + "      \n", data));
  CHECK(read_npy(p).shape == std::vector<std::int64_t>{2, 3});
  spit(p, npy_file(3, kF4Dict + "\n", data));
  CHECK(read_npy(p).data[5] == 6);
  // Python 2's long integers, double quotes, keys in another order, no trailing comma.
  spit(p, npy_file(1, "{\"shape\": (2L, 3L), \"fortran_order\": False, \"descr\": \"<f4\"}", data));
  CHECK(read_npy(p).shape == std::vector<std::int64_t>{2, 3});
  spit(p, npy_file(1, "{'descr':'<f8','fortran_order':False,'shape':(1,)}", raw<double>({9})));
  CHECK(read_npy(p).data == std::vector<double>{9});
}

TEST_CASE("npy: refusals") {
  TempDir dir;
  std::string p = dir.file("r.npy");
  std::string data = raw<float>({1, 2, 3, 4, 5, 6});
  auto refused = [&](const std::string &bytes) {
    spit(p, bytes);
    return read_error(p);
  };

  CHECK(read_error(dir.file("none.npy")) ==
        dir.file("none.npy") + ": cannot open: No such file or directory");
  CHECK(read_error(dir.path.string()) == dir.path.string() + ": cannot read: Is a directory");
  CHECK(refused("") == p + ": not a .npy file (bad magic)");
  CHECK(refused("PK\x03\x04 not numpy") == p + ": not a .npy file (bad magic)");
  CHECK(refused("\x93NUMPY\x01") == p + ": truncated file: 7 bytes");
  CHECK(refused(std::string("\x93NUMPY\x04\x00\x10\x00", 10)) ==
        p + ": unsupported .npy version 4.0");
  CHECK(refused(std::string("\x93NUMPY\x02\x00\x10\x00", 10)) ==
        p + ": truncated file: the header length is cut off");
  CHECK(refused(npy_file(1, kF4Dict, "").substr(0, 40)) ==
        p + ": truncated header: expected 59 bytes, found 30");
  CHECK(refused(npy_file(1, kF4Dict, data.substr(0, 20))) ==
        p + ": expected 24 bytes of data, found 20");
  CHECK(refused(npy_file(1, kF4Dict, data + "extra")) ==
        p + ": expected 24 bytes of data, found 29");
  CHECK(refused(npy_file(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", data)) ==
        p + ": fortran_order True is not supported (save a C-contiguous array)");
  CHECK(refused(npy_file(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", data)) ==
        p + ": dtype '<i8' is not supported (only '<f4' and '<f8')");
  CHECK(refused(npy_file(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (6,), }", data)) ==
        p + ": dtype '>f4' is not supported (only '<f4' and '<f8')");
  CHECK(refused(npy_file(1, "{'descr': [('x', '<f4')], 'fortran_order': False, 'shape': (6,), }",
                         data)) ==
        p + ": bad header at byte 10: 'descr' is not a simple dtype string (structured dtypes "
            "are not supported)");
  CHECK(refused(npy_file(1, "{'descr': '<f4', 'shape': (6,), }", data)) ==
        p + ": header lacks 'fortran_order'");
  CHECK(refused(npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'x': 1}",
                         data)) == p + ": unexpected key 'x' in the header");
  CHECK(refused(npy_file(1, "{'descr': '<f4', 'descr': '<f4'}", data)) ==
        p + ": key 'descr' appears twice in the header");
  CHECK(refused(npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }",
                         data)) == p + ": shape (2, -3) has a negative dimension");
  CHECK(refused(npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6), }", data)) ==
        p + ": bad header at byte 52: expected ',' after the only dimension, found ')'");
  CHECK(refused(npy_file(1, "{'descr': '<f4', 'fortran_order': Nope, 'shape': (6,), }", data)) ==
        p + ": bad header at byte 34: expected True or False, found 'N'");
  CHECK(refused(npy_file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,)} x", data)) ==
        p + ": bad header at byte 56: unexpected 'x' after the header dict");
  CHECK(refused(npy_file(1, "{'descr: '<f4'}", data)) ==
        p + ": bad header at byte 10: expected ':', found '<'");
  CHECK(refused(npy_file(1,
                         "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, "
                         "4294967296, 4294967296), }",
                         data)) == p + ": shape (4294967296, 4294967296, 4294967296) is too large");
  CHECK(refused(npy_file(1,
                         "{'descr': '<f8', 'fortran_order': False, 'shape': "
                         "(99999999999999999999,), }",
                         data)) == p + ": bad header at byte 51: integer out of range");
  // A header length far beyond the file costs nothing: it is read as it arrives.
  CHECK(refused(std::string("\x93NUMPY\x02\x00\xff\xff\xff\xff{", 13)) ==
        p + ": truncated header: expected 4294967295 bytes, found 1");
}

TEST_CASE("npy: write_npy refusals") {
  TempDir dir;
  float one = 1;
  std::string nowhere = dir.file("no/dir.npy");
  CHECK_THROWS_WITH_AS(write_npy(nowhere, {1}, &one),
                       (nowhere + ": cannot write: No such file or directory").c_str(), Error);
  std::string p = dir.file("w.npy");
  CHECK_THROWS_WITH_AS(write_npy(p, {2, -1}, &one),
                       (p + ": shape (2, -1) has a negative dimension").c_str(), Error);
  CHECK_THROWS_WITH_AS(write_npy(p, {2}, static_cast<const double *>(nullptr)),
                       (p + ": no data for shape (2,)").c_str(), Error);
}
