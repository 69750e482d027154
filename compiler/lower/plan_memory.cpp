#include "lower/passes.h"

#include <algorithm>
#include <limits>

namespace netc {

namespace {

constexpr int64_t kAlignFloats = 16; // 64 bytes: a cache line, an AVX-512 vector

struct Lifetime {
  ValueId root;
  int64_t floats = 0;
  int first = std::numeric_limits<int>::max();
  int last = -1;
  bool overlaps(const Lifetime &o) const { return first <= o.last && o.first <= last; }
};

int64_t aligned(int64_t floats) {
  return (floats + kAlignFloats - 1) / kAlignFloats * kAlignFloats;
}

} // namespace

void plan_memory(KernelList &list) {
  std::vector<Lifetime> life(list.values.size());
  for (ValueId v = 0; v < list.values.size(); ++v) {
    life[v].root = v;
    life[v].floats = aligned(*list.values[v].type.num_elements());
  }
  for (int i = 0; i < int(list.kernels.size()); ++i) {
    const Kernel &k = list.kernels[i];
    auto touch = [&](ValueId v) {
      Lifetime &l = life[list.root_of(v)];
      l.first = std::min(l.first, i);
      l.last = std::max(l.last, i);
    };
    touch(k.output);
    for (ValueId in : k.inputs)
      touch(in);
    if (k.residual)
      touch(*k.residual);
    if (k.input_scale)
      touch(*k.input_scale);
  }

  std::vector<Lifetime> pending;
  for (ValueId v = 0; v < list.values.size(); ++v)
    if (!list.values[v].view_of && list.values[v].space == Space::Arena && life[v].last >= 0)
      pending.push_back(life[v]);
  // Largest first (ties by first use, then id, so the plan is deterministic).
  std::sort(pending.begin(), pending.end(), [](const Lifetime &a, const Lifetime &b) {
    if (a.floats != b.floats)
      return a.floats > b.floats;
    if (a.first != b.first)
      return a.first < b.first;
    return a.root < b.root;
  });

  struct Placed {
    Lifetime life;
    int64_t offset;
  };
  std::vector<Placed> placed;
  list.arena_floats = 0;
  for (const Lifetime &l : pending) {
    std::vector<const Placed *> conflicts;
    for (const Placed &p : placed)
      if (p.life.overlaps(l))
        conflicts.push_back(&p);
    std::sort(conflicts.begin(), conflicts.end(),
              [](const Placed *a, const Placed *b) { return a->offset < b->offset; });
    // The lowest gap between live neighbours that fits.
    int64_t offset = 0;
    for (const Placed *c : conflicts) {
      if (c->offset >= offset + l.floats)
        break;
      offset = std::max(offset, c->offset + c->life.floats);
    }
    list.values[l.root].offset = offset;
    placed.push_back({l, offset});
    list.arena_floats = std::max(list.arena_floats, offset + l.floats);
  }
}

} // namespace netc
