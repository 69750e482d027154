// Writes safetensors files of float32 tensors: for tests, examples and tools. Generated code
// only reads (netc/safetensors.hpp), so it never includes this header.
#pragma once

#include "netc/detail/header_text.hpp"
#include "netc/detail/write_file.hpp"
#include "netc/error.hpp"
#include "netc/safetensors.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace netc {

struct TensorToWrite {
  std::string name;
  std::vector<std::int64_t> shape;
  const float *data;
};

namespace detail {

// JSON string as serde_json writes it (the reference writer): quotes, backslashes and control
// characters escaped, everything else as it is.
inline void append_json_string(std::string &out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\b':
      out += "\\b";
      break;
    case '\f':
      out += "\\f";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (c < 0x20) {
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  out += '"';
}

inline std::string json_integers(const std::vector<std::int64_t> &values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0)
      out += ',';
    out += std::to_string(values[i]);
  }
  return out + "]";
}

} // namespace detail

// Writes float32 tensors in order as the reference writer (Python's safetensors) does, byte for
// byte given the same order; throws netc::Error on a name twice, a negative or huge shape, or a
// failed write, leaving no half-written file.
inline void
write_safetensors(const std::string &path, const std::vector<TensorToWrite> &tensors,
                  const std::vector<std::pair<std::string, std::string>> &metadata = {}) {
  // The reference writer puts __metadata__ first and uses no spaces.
  std::string header = "{";
  if (!metadata.empty()) {
    std::set<std::string_view> keys;
    header += "\"__metadata__\":{";
    for (std::size_t i = 0; i < metadata.size(); ++i) {
      if (!keys.insert(metadata[i].first).second)
        throw Error(path + ": metadata key " + detail::quote(metadata[i].first) + " appears twice");
      if (i > 0)
        header += ',';
      detail::append_json_string(header, metadata[i].first);
      header += ':';
      detail::append_json_string(header, metadata[i].second);
    }
    header += '}';
  }
  std::set<std::string_view> names;
  std::vector<std::pair<const void *, std::size_t>> pieces(2);
  std::uint64_t offset = 0;
  for (const TensorToWrite &t : tensors) {
    std::string where = path + ": tensor " + detail::quote(t.name);
    if (t.name == "__metadata__" || !names.insert(t.name).second)
      throw Error(where + (t.name == "__metadata__" ? " is a reserved name" : " appears twice"));
    for (std::int64_t d : t.shape)
      if (d < 0)
        throw Error(where + ": shape " + detail::format_dims(t.shape) +
                    " has a negative dimension");
    std::uint64_t bytes = 0;
    if (!detail::tensor_bytes(t.shape, 4, bytes) ||
        bytes > std::numeric_limits<std::size_t>::max() - offset)
      throw Error(where + ": shape " + detail::format_dims(t.shape) + " is too large");
    if (bytes != 0 && t.data == nullptr)
      throw Error(where + ": no data");
    if (header.size() > 1)
      header += ',';
    detail::append_json_string(header, t.name);
    header += ":{\"dtype\":\"F32\",\"shape\":" + detail::json_integers(t.shape) +
              ",\"data_offsets\":[" + std::to_string(offset) + "," +
              std::to_string(offset + bytes) + "]}";
    offset += bytes;
    pieces.emplace_back(t.data, static_cast<std::size_t>(bytes));
  }
  header += '}';
  header.append((8 - header.size() % 8) % 8, ' ');
  unsigned char length[8];
  for (int i = 0; i < 8; ++i)
    length[i] = static_cast<unsigned char>(static_cast<std::uint64_t>(header.size()) >> (8 * i));
  pieces[0] = {length, 8};
  pieces[1] = {header.data(), header.size()};
  detail::write_file(path, pieces);
}

} // namespace netc
