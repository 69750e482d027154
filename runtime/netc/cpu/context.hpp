// What every CPU kernel receives first: the threads it may use and each thread's scratch.
//
// A kernel cuts its work into units that do not depend on the thread count for their arithmetic
// (each output element is computed by one unit, in one fixed order), then calls
// ctx.parallel_for(units, work, fn). Small kernels (work below min_parallel_work multiply-adds
// or elements) run on the calling thread, where waking the pool would cost more than it saves.
// So the outputs are bit-identical whatever the thread count.
//
// OwnedContext is what a generated network holds: the pool (none for one thread), one scratch
// buffer per thread, and the Context over them, all allocated at construction so that run()
// allocates nothing.
#pragma once

#include "netc/aligned_buffer.hpp"
#include "netc/cpu/thread_pool.hpp"
#include "netc/error.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace netc {

// The threads a generated network runs on, as its constructors' last argument: a type of its own,
// so that a thread count is never taken for a buffer size (Net(data, 4)) or the reverse.
struct Threads {
  constexpr Threads() = default;
  constexpr explicit Threads(int count) : count(count) {}
  int count = 0; // 0: the hardware's
};

} // namespace netc

namespace netc::cpu {

// Below this many multiply-adds (or elements), a kernel runs on the calling thread.
constexpr std::int64_t kMinParallelWork = 64 * 1024;

// Units per thread a kernel aims for when it can cut finer, so that threads sharing a core
// (3 threads on 2 cores) or waking late still finish together.
constexpr std::int64_t kUnitsPerThread = 8;

class Context {
public:
  // One thread, no scratch: for callers that run a kernel on its own.
  Context() = default;
  Context(ThreadPool *pool, float *scratch, std::size_t scratch_floats_per_thread)
      : pool_(pool), scratch_(scratch), scratch_floats_(scratch_floats_per_thread) {}

  int threads() const { return pool_ ? pool_->threads() : 1; }
  ThreadPool *pool() const { return pool_; }

  // Thread `thread`'s scratch: scratch_floats() floats, 64-byte aligned (null when none).
  float *scratch_of(int thread) const {
    return scratch_ ? scratch_ + std::size_t(thread) * scratch_floats_ : nullptr;
  }
  std::size_t scratch_floats() const { return scratch_floats_; }

  // Whether `work` multiply-adds (or elements) are worth the pool.
  bool worth_threads(std::int64_t work) const {
    return pool_ && pool_->threads() > 1 && work >= min_parallel_work;
  }

  // How many pieces to cut each of `units` units into (at most max_pieces) so that there are
  // about kUnitsPerThread units per thread; 1 on one thread.
  std::int64_t pieces(std::int64_t units, std::int64_t max_pieces) const {
    const std::int64_t want = kUnitsPerThread * threads();
    if (threads() == 1 || units >= want || max_pieces <= 1)
      return 1;
    const std::int64_t p = (want + units - 1) / units;
    return p < max_pieces ? p : max_pieces;
  }

  // fn(unit, thread) for every unit in [0, units): on the pool when the work is worth it,
  // else on the calling thread (as thread 0).
  template <class Fn> void parallel_for(std::int64_t units, std::int64_t work, Fn &&fn) const {
    if (units > 1 && worth_threads(work)) {
      pool_->parallel_for(units, Schedule::dynamic, fn);
      return;
    }
    for (std::int64_t u = 0; u < units; ++u)
      fn(u, 0);
  }

  // Tests lower it to 0 to run every kernel on the pool.
  std::int64_t min_parallel_work = kMinParallelWork;

private:
  ThreadPool *pool_ = nullptr;
  float *scratch_ = nullptr;
  std::size_t scratch_floats_ = 0;
};

// A range of `size` items cut into pieces of `length` items (a multiple of `align`, the last
// one shorter), enough of them that `outer` x pieces units keep the threads busy; one piece on
// one thread. Piece i is [i * length, min((i + 1) * length, size)).
struct RangeCut {
  std::int64_t pieces, length;
};

inline RangeCut cut_range(const Context &ctx, std::int64_t outer, std::int64_t size,
                          std::int64_t align) {
  const std::int64_t aligned = (size + align - 1) / align;
  const std::int64_t pieces = ctx.pieces(outer, aligned);
  const std::int64_t length = (aligned + pieces - 1) / pieces * align;
  return {length > 0 ? (size + length - 1) / length : 1, length > 0 ? length : align};
}

// fn(sample, begin, end) for every sample < samples and every piece [begin, end) of its range of
// `size` items, cut as cut_range cuts it: the loop of the kernels whose samples' runs or planes
// fall into independent pieces. `work` as parallel_for takes it.
template <class Fn>
inline void parallel_for_pieces(const Context &ctx, int samples, std::int64_t size,
                                std::int64_t align, std::int64_t work, Fn &&fn) {
  const RangeCut cut = cut_range(ctx, samples, size, align);
  ctx.parallel_for(samples * cut.pieces, work, [&](std::int64_t unit, int) {
    const std::int64_t begin = unit % cut.pieces * cut.length;
    fn(int(unit / cut.pieces), begin, size - begin < cut.length ? size : begin + cut.length);
  });
}

// The thread count a network's constructor was given: 0 means the hardware's.
inline int resolve_thread_count(int threads) {
  // A bound far above any machine this code runs on, so a typo cannot start a million threads.
  constexpr int kMaxThreads = 1024;
  if (threads < 0 || threads > kMaxThreads)
    throw Error("threads must be 0 (the hardware's count) to " + std::to_string(kMaxThreads) +
                ", got " + std::to_string(threads));
  if (threads > 0)
    return threads;
  const unsigned hardware = std::thread::hardware_concurrency();
  return hardware > 0 ? int(hardware) : 1;
}

// The pool, the per-thread scratch and the Context over them; movable (the Context points into
// heap memory that moves with it).
class OwnedContext {
public:
  // `threads` as resolve_thread_count takes it; scratch_floats per thread.
  OwnedContext(int threads, std::size_t scratch_floats)
      : threads_(resolve_thread_count(threads)),
        pool_(threads_ > 1 ? std::make_unique<ThreadPool>(threads_) : nullptr),
        scratch_(padded_floats(scratch_floats) * std::size_t(threads_), "the threads' scratch"),
        context_(pool_.get(), scratch_.data(), padded_floats(scratch_floats)) {}

  const Context &context() const { return context_; }
  int threads() const { return threads_; }

private:
  int threads_;
  std::unique_ptr<ThreadPool> pool_;
  AlignedBuffer scratch_;
  Context context_;
};

} // namespace netc::cpu
