// Reads safetensors files: an 8-byte little-endian header length N, N bytes of JSON
// naming each tensor's dtype, shape and byte range, then the data. Weights come from users, so
// nothing in a file is trusted before it is checked: a hostile or truncated file ends in a
// netc::Error that names the file, the tensor and what is wrong, never in a read out of bounds.
// Header-only C++17: generated code ships it. The header's JSON is read by
// detail/safetensors_header.hpp; netc/safetensors_writer.hpp writes files (tests and tools do;
// generated code only reads).
#pragma once

#include "netc/detail/header_text.hpp"
#include "netc/detail/safetensors_header.hpp"
#include "netc/error.hpp"

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// -DNETC_SAFETENSORS_MMAP=0 reads files into memory even where mmap exists.
#ifndef NETC_SAFETENSORS_MMAP
#if defined(__unix__) || defined(__APPLE__)
#define NETC_SAFETENSORS_MMAP 1
#else
#define NETC_SAFETENSORS_MMAP 0
#endif
#endif
#if NETC_SAFETENSORS_MMAP
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

// Tensor data is little-endian and read_f32 copies it as it lies.
#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) &&                                    \
    __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#error "netc/safetensors.hpp needs a little-endian host"
#endif

namespace netc {

struct TensorInfo {
  std::string name;
  std::string dtype; // "F32", "I64", ...
  std::vector<std::int64_t> shape;
  const unsigned char *data = nullptr; // into the mapping/buffer; not necessarily aligned
  std::size_t size_bytes = 0;
};

// One tensor a network expects: rank <= 4.
struct TensorSpec {
  const char *name;
  int rank;
  std::int64_t dims[4];
};

namespace detail {

// The reference implementation's limit; a larger header is taken for garbage.
inline constexpr std::uint64_t kMaxHeaderBytes = 100000000;

struct DtypeInfo {
  std::string_view name;
  std::size_t size;
  bool floating;
};

// PyTorch's integer buffers that netc does not model: check_tensors lets them be, under their
// own name only (an unexpected integer tensor elsewhere is refused like any other).
inline bool is_skipped_buffer(std::string_view name, const DtypeInfo *dtype) {
  constexpr std::string_view kSuffix = "num_batches_tracked";
  if (dtype == nullptr || dtype->floating || name.size() < kSuffix.size() ||
      name.substr(name.size() - kSuffix.size()) != kSuffix)
    return false;
  return name.size() == kSuffix.size() || name[name.size() - kSuffix.size() - 1] == '.';
}

inline const DtypeInfo *find_dtype(std::string_view name) {
  static constexpr DtypeInfo kDtypes[] = {
      {"F64", 8, true},     {"F32", 4, true},     {"F16", 2, true},     {"BF16", 2, true},
      {"F8_E4M3", 1, true}, {"F8_E5M2", 1, true}, {"F8_E8M0", 1, true}, {"C64", 8, true},
      {"I64", 8, false},    {"I32", 4, false},    {"I16", 2, false},    {"I8", 1, false},
      {"U64", 8, false},    {"U32", 4, false},    {"U16", 2, false},    {"U8", 1, false},
      {"BOOL", 1, false}};
  for (const DtypeInfo &d : kDtypes)
    if (d.name == name)
      return &d;
  return nullptr;
}

// "[2, 3]"; a hostile rank in the millions shows its first dims and its rank.
inline std::string format_dims(const std::int64_t *dims, std::size_t rank) {
  constexpr std::size_t kMaxShown = 8;
  std::string out = "[";
  for (std::size_t i = 0; i < rank && i < kMaxShown; ++i) {
    if (i > 0)
      out += ", ";
    out += std::to_string(dims[i]);
  }
  if (rank > kMaxShown)
    out += ", ... (" + std::to_string(rank) + " dims)";
  return out + "]";
}

inline std::string format_dims(const std::vector<std::int64_t> &dims) {
  return format_dims(dims.data(), dims.size());
}

inline std::string byte_count(std::uint64_t n) {
  return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

inline std::string format_range(std::int64_t begin, std::int64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
}

// Bytes a tensor of this shape takes; false when that does not fit in 64 bits. Dims are >= 0.
inline bool tensor_bytes(const std::vector<std::int64_t> &shape, std::size_t elem_size,
                         std::uint64_t &bytes) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  for (std::int64_t d : shape)
    if (d == 0) {
      bytes = 0;
      return true;
    }
  std::uint64_t n = 1;
  for (std::int64_t d : shape) {
    std::uint64_t u = static_cast<std::uint64_t>(d);
    if (n > kMax / u)
      return false;
    n *= u;
  }
  if (n > kMax / elem_size)
    return false;
  bytes = n * elem_size;
  return true;
}

inline std::uint64_t read_u64_le(const unsigned char *p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}

inline std::string errno_text(int err) {
  return std::strerror(err);
}

// The whole file in memory, for hosts without mmap (and for tests of that path).
inline std::vector<unsigned char> read_whole_file(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw Error(path + ": cannot open: " + errno_text(errno));
  std::vector<unsigned char> out;
  char chunk[65536];
  while (in) {
    in.read(chunk, sizeof chunk);
    out.insert(out.end(), chunk, chunk + in.gcount());
  }
  if (in.bad())
    throw Error(path + ": cannot read: " + errno_text(errno));
  return out;
}

} // namespace detail

// A parsed, validated safetensors file. Move-only; owns an mmap (POSIX) or a read copy
// (elsewhere), or borrows the caller's bytes (view). Where it is mapped, a file another process
// truncates while it is open still ends the process with SIGBUS, as any mmap does.
class SafetensorsFile {
public:
  static SafetensorsFile open(const std::string &path) {
    SafetensorsFile file;
    file.label_ = path;
#if NETC_SAFETENSORS_MMAP
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      throw Error(path + ": cannot open: " + detail::errno_text(errno));
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      throw Error(path + ": cannot open: " + detail::errno_text(err));
    }
    if (!S_ISREG(st.st_mode)) { // a pipe or a device has no size to map
      ::close(fd);
      throw Error(path + (S_ISDIR(st.st_mode) ? ": is a directory" : ": not a regular file"));
    }
    std::size_t size = static_cast<std::size_t>(st.st_size);
    if (size < 8) { // parse refuses it without reading a byte; mmap would refuse 0 bytes
      ::close(fd);
      file.parse(nullptr, size);
    }
    void *map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    int err = errno;
    ::close(fd); // the mapping keeps the file open
    if (map == MAP_FAILED)
      throw Error(path + ": cannot map: " + detail::errno_text(err));
    file.map_ = map;
    file.map_size_ = size;
    file.parse(static_cast<const unsigned char *>(map), size);
#else
    file.copy_ = detail::read_whole_file(path);
    file.parse(file.copy_.data(), file.copy_.size());
#endif
    return file;
  }

  static SafetensorsFile view(const void *data, std::size_t size, std::string label) {
    if (data == nullptr && size != 0)
      throw Error(label + ": null pointer given for " + detail::byte_count(size) + " of weights");
    SafetensorsFile file;
    file.label_ = std::move(label);
    file.parse(static_cast<const unsigned char *>(data), size);
    return file;
  }

  SafetensorsFile(SafetensorsFile &&other) noexcept {
    swap(other);
  }
  SafetensorsFile &operator=(SafetensorsFile &&other) noexcept {
    if (this != &other) {
      SafetensorsFile(std::move(other)).swap(*this);
    }
    return *this;
  }
  SafetensorsFile(const SafetensorsFile &) = delete;
  SafetensorsFile &operator=(const SafetensorsFile &) = delete;
  ~SafetensorsFile() {
#if NETC_SAFETENSORS_MMAP
    if (map_ != nullptr)
      ::munmap(map_, map_size_);
#endif
  }

  const std::string &label() const {
    return label_;
  }
  const std::vector<TensorInfo> &tensors() const {
    return tensors_;
  }
  const std::vector<std::pair<std::string, std::string>> &metadata() const {
    return metadata_;
  }

  const TensorInfo *find(std::string_view name) const {
    auto it = std::lower_bound(
        by_name_.begin(), by_name_.end(), name,
        [&](std::size_t i, std::string_view n) { return std::string_view(tensors_[i].name) < n; });
    if (it == by_name_.end() || tensors_[*it].name != name)
      return nullptr;
    return &tensors_[*it];
  }

private:
  SafetensorsFile() = default;

  void swap(SafetensorsFile &other) noexcept {
    std::swap(label_, other.label_);
    std::swap(tensors_, other.tensors_);
    std::swap(by_name_, other.by_name_);
    std::swap(metadata_, other.metadata_);
    std::swap(copy_, other.copy_);
    std::swap(map_, other.map_);
    std::swap(map_size_, other.map_size_);
  }

  void parse(const unsigned char *bytes, std::size_t size) {
    const std::string &l = label_;
    if (size == 0)
      throw Error(l + ": empty file (0 bytes)");
    if (size < 8)
      throw Error(l + ": truncated file: " + detail::byte_count(size) +
                  ", too short for the 8-byte header length");
    std::uint64_t n = detail::read_u64_le(bytes);
    std::uint64_t follow = size - 8;
    if (n > detail::kMaxHeaderBytes) {
      if (std::memcmp(bytes, "PK\x03\x04", 4) == 0)
        throw Error(l + ": a zip archive (a PyTorch checkpoint?), not a safetensors file");
      throw Error(l + ": header length " + std::to_string(n) + " exceeds the limit of " +
                  std::to_string(detail::kMaxHeaderBytes) + " bytes (not a safetensors file?)");
    }
    if (n > follow)
      throw Error(l + ": truncated file: header says " + detail::byte_count(n) + " but only " +
                  std::to_string(follow) + " follow");
    std::string_view text(reinterpret_cast<const char *>(bytes + 8), static_cast<std::size_t>(n));
    const unsigned char *data = bytes + 8 + n;
    std::size_t data_size = static_cast<std::size_t>(follow - n);

    std::vector<detail::HeaderEntry> entries;
    detail::HeaderParser(text, l).parse(entries, metadata_);

    tensors_.reserve(entries.size());
    for (detail::HeaderEntry &e : entries) {
      std::string where = l + ": tensor " + detail::quote(e.name) + ": ";
      const detail::DtypeInfo *dtype = detail::find_dtype(e.dtype);
      if (dtype == nullptr)
        throw Error(where + "unknown dtype " + detail::quote(e.dtype));
      for (std::int64_t d : e.shape)
        if (d < 0)
          throw Error(where + "shape " + detail::format_dims(e.shape) +
                      " has a negative dimension");
      std::string range = detail::format_range(e.begin, e.end);
      if (e.begin < 0 || e.end < 0)
        throw Error(where + "data_offsets " + range + " are negative");
      if (e.begin > e.end)
        throw Error(where + "data_offsets " + range + " end before they begin");
      if (static_cast<std::uint64_t>(e.end) > data_size)
        throw Error(where + "data_offsets " + range + " lie outside the data (" +
                    detail::byte_count(data_size) + ")");
      std::uint64_t bytes_needed = 0;
      if (!detail::tensor_bytes(e.shape, dtype->size, bytes_needed))
        throw Error(where + "shape " + detail::format_dims(e.shape) + " of " + e.dtype +
                    " is too large");
      std::uint64_t span = static_cast<std::uint64_t>(e.end - e.begin);
      if (bytes_needed != span)
        throw Error(where + "shape " + detail::format_dims(e.shape) + " of " + e.dtype + " needs " +
                    detail::byte_count(bytes_needed) + " but data_offsets " + range + " hold " +
                    std::to_string(span));
      TensorInfo t;
      t.name = std::move(e.name);
      t.dtype = std::move(e.dtype);
      t.shape = std::move(e.shape);
      t.data = data + e.begin;
      t.size_bytes = static_cast<std::size_t>(span);
      tensors_.push_back(std::move(t));
    }

    // The tensors must tile the data exactly: no overlap, no gap, nothing after the last one.
    std::vector<std::size_t> order(entries.size());
    for (std::size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    auto begin_of = [&](std::size_t i) { return entries[i].begin; };
    auto end_of = [&](std::size_t i) { return entries[i].end; };
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return std::make_pair(begin_of(a), end_of(a)) < std::make_pair(begin_of(b), end_of(b));
    });
    std::int64_t covered = 0;
    for (std::size_t k = 0; k < order.size(); ++k) {
      std::size_t i = order[k];
      if (begin_of(i) < covered) {
        std::size_t p = order[k - 1]; // covered > 0, so there is one before
        throw Error(l + ": tensors " + detail::quote(tensors_[p].name) + " " +
                    detail::format_range(begin_of(p), end_of(p)) + " and " +
                    detail::quote(tensors_[i].name) + " " +
                    detail::format_range(begin_of(i), end_of(i)) + " overlap");
      }
      if (begin_of(i) > covered)
        throw Error(l + ": " +
                    detail::byte_count(static_cast<std::uint64_t>(begin_of(i) - covered)) +
                    " before tensor " + detail::quote(tensors_[i].name) + " " +
                    detail::format_range(begin_of(i), end_of(i)) + " belong to no tensor");
      covered = end_of(i);
    }
    if (static_cast<std::uint64_t>(covered) < data_size)
      throw Error(l + ": " + detail::byte_count(data_size - static_cast<std::uint64_t>(covered)) +
                  " after the last tensor");

    by_name_ = order; // any permutation will do before sorting
    std::sort(by_name_.begin(), by_name_.end(),
              [&](std::size_t a, std::size_t b) { return tensors_[a].name < tensors_[b].name; });
  }

  std::string label_;
  std::vector<TensorInfo> tensors_;
  std::vector<std::size_t> by_name_; // indices into tensors_, sorted by name, for find()
  std::vector<std::pair<std::string, std::string>> metadata_;
  std::vector<unsigned char> copy_; // the bytes, where the file was read rather than mapped
  void *map_ = nullptr;
  std::size_t map_size_ = 0;
};

inline void check_tensors(const SafetensorsFile &file, const TensorSpec *specs, std::size_t count) {
  std::vector<std::string> problems;
  std::set<std::string_view> expected;
  for (std::size_t i = 0; i < count; ++i) {
    const TensorSpec &spec = specs[i];
    if (spec.name == nullptr || spec.rank < 0 || spec.rank > 4)
      throw Error("check_tensors: spec " + std::to_string(i) + " (" +
                  (spec.name ? detail::quote(spec.name) : std::string("no name")) + ") has rank " +
                  std::to_string(spec.rank) + "; ranks 0 to 4 are supported");
    expected.insert(spec.name);
    std::string want = detail::format_dims(spec.dims, static_cast<std::size_t>(spec.rank));
    const TensorInfo *t = file.find(spec.name);
    if (t == nullptr) {
      problems.push_back("  missing tensor " + detail::quote(spec.name) + " " + want);
      continue;
    }
    if (t->dtype != "F32")
      problems.push_back("  tensor " + detail::quote(t->name) + " has dtype " + t->dtype +
                         ", expected F32");
    if (!std::equal(t->shape.begin(), t->shape.end(), spec.dims, spec.dims + spec.rank))
      problems.push_back("  tensor " + detail::quote(t->name) + " has shape " +
                         detail::format_dims(t->shape) + " but the network expects " + want);
  }
  for (const TensorInfo &t : file.tensors()) {
    if (expected.count(t.name) != 0)
      continue;
    if (!detail::is_skipped_buffer(t.name, detail::find_dtype(t.dtype)))
      problems.push_back("  unexpected tensor " + detail::quote(t.name) + " " +
                         detail::format_dims(t.shape));
  }
  if (problems.empty())
    return;
  constexpr std::size_t kMaxLines = 20;
  std::string message = file.label() + ": weights do not match the network:";
  for (std::size_t i = 0; i < problems.size() && i < kMaxLines; ++i)
    message += "\n" + problems[i];
  if (problems.size() > kMaxLines)
    message += "\n  ... and " + std::to_string(problems.size() - kMaxLines) + " more";
  throw Error(message);
}

// Copies an F32 tensor out. Weights must be finite: a NaN or an infinity would spread through
// every output it touches (and batch-norm folding would hide where it came from), so one is
// refused here, where the generated classes and `netc run` both read their weights, naming the
// tensor and the element.
inline void read_f32(const TensorInfo &tensor, float *dst) {
  if (tensor.dtype != "F32")
    throw Error("tensor " + detail::quote(tensor.name) + " has dtype " + tensor.dtype +
                ", read_f32 needs F32");
  if (tensor.size_bytes == 0)
    return;
  std::memcpy(dst, tensor.data, tensor.size_bytes);
  std::size_t count = tensor.size_bytes / sizeof(float);
  for (std::size_t i = 0; i < count; ++i) {
    std::uint32_t bits;
    std::memcpy(&bits, dst + i, sizeof bits);
    if ((bits & 0x7f800000u) != 0x7f800000u)
      continue;
    std::vector<std::int64_t> index(tensor.shape.size());
    std::size_t rest = i;
    for (std::size_t d = index.size(); d-- > 0;) {
      auto dim = static_cast<std::size_t>(tensor.shape[d]);
      index[d] = static_cast<std::int64_t>(rest % dim);
      rest /= dim;
    }
    const char *what = (bits & 0x007fffffu) != 0 ? "NaN" : (bits >> 31) != 0 ? "-inf" : "inf";
    throw Error("tensor " + detail::quote(tensor.name) + " holds " + what + " at element " +
                std::to_string(i) + " (index " + detail::format_dims(index) +
                "); weights must be finite");
  }
}

} // namespace netc
