// A persistent pool of worker threads for one generated network: created with the network,
// parked on a condition variable between kernels, joined when the network goes.
//
// parallel_for(units, schedule, fn) calls fn(unit, thread) once for every unit in [0, units),
// the calling thread taking part as thread 0 and the workers as threads 1 .. threads() - 1, and
// returns when every unit is done. It allocates nothing and creates no thread: the job is a
// pointer to the caller's function object. Static scheduling gives thread t the t-th contiguous
// share of the units (so it waits for every thread to wake); dynamic scheduling hands units out
// one at a time from an atomic counter, which balances threads that share a core (3 threads on
// 2 cores), and returns as soon as the units are done, however late a worker wakes.
//
// Between jobs a worker spins a while (about a tenth of a millisecond) before it parks: a
// network's kernels follow each other within microseconds, and waking a parked thread costs a
// system call on each side. The caller likewise spins before it parks on the last units. The
// caller notifies only when a worker is parked.
//
// An exception thrown by fn on any thread is caught there, the remaining units are skipped, and
// the first one is rethrown by parallel_for on the calling thread once every unit is done or
// skipped: no exception escapes a worker. One parallel_for at a time (a network runs one call at a
// time); fn must not call parallel_for on the same pool.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace netc::cpu {

enum class Schedule { static_, dynamic };

namespace detail {

// A hint to the core that this thread is waiting in a loop (frees the sibling hyperthread).
inline void spin_pause() {
// The builtin, not <immintrin.h>: including that here, before simd.hpp chooses its
// instructions, sets off GCC 12's -Wmaybe-uninitialized inside the AVX-512 intrinsics.
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
  __builtin_ia32_pause();
#endif
}

// Iterations of spin_pause before a thread parks: a pause is 10 to 150 cycles, depending on
// the core.
constexpr int kSpinIterations = 4000;

} // namespace detail

class ThreadPool {
public:
  // `threads` counts the calling thread: threads - 1 workers are started (none for 1).
  explicit ThreadPool(int threads) {
    try {
      for (int t = 1; t < threads; ++t)
        workers_.emplace_back([this, t] { work_loop(t); });
    } catch (...) {
      stop(); // a thread that could not start: join those that did
      throw;
    }
  }
  ~ThreadPool() { stop(); }
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  int threads() const { return int(workers_.size()) + 1; }

  template <class Fn> void parallel_for(std::int64_t units, Schedule schedule, Fn &&fn) {
    if (units <= 0)
      return;
    if (workers_.empty() || units == 1 || units > kMaxUnits) {
      for (std::int64_t u = 0; u < units; ++u)
        fn(u, 0);
      return;
    }
    using F = std::remove_reference_t<Fn>;
    bool wake = false;
    Job job{[](void *f, std::int64_t unit, int thread) { (*static_cast<F *>(f))(unit, thread); },
            const_cast<void *>(static_cast<const void *>(&fn)), units, schedule, 0};
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job.generation = ++generation_;
      job_ = job;
      done_.store(0, std::memory_order_relaxed);
      failed_.store(false, std::memory_order_relaxed);
      next_.store(job.generation << 32, std::memory_order_release);
      published_.store(job.generation, std::memory_order_release);
      wake = parked_ > 0;
    }
    if (wake)
      wake_.notify_all();
    do_share(job, 0);
    for (int i = 0; i < detail::kSpinIterations && done_.load(std::memory_order_acquire) != units;
         ++i)
      detail::spin_pause();
    std::exception_ptr error;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      finished_.wait(lock, [&] { return done_.load(std::memory_order_acquire) == units; });
      error = error_;
      error_ = nullptr;
    }
    if (error)
      std::rethrow_exception(error);
  }

private:
  // Dynamic scheduling hands out units from one 64-bit word: the job's generation above, the
  // next unit below, so a worker that wakes after its job is over claims nothing of the next.
  static constexpr std::int64_t kMaxUnits = std::int64_t(1) << 31;

  struct Job {
    void (*call)(void *fn, std::int64_t unit, int thread);
    void *fn;
    std::int64_t units;
    Schedule schedule;
    std::uint64_t generation;
  };

  // The next unit of `job`, or -1 when it has none left (or is over).
  std::int64_t claim(const Job &job) {
    std::uint64_t word = next_.load(std::memory_order_acquire);
    for (;;) {
      if (word >> 32 != (job.generation & 0xffffffffu) ||
          std::int64_t(word & 0xffffffffu) >= job.units)
        return -1;
      if (next_.compare_exchange_weak(word, word + 1, std::memory_order_acq_rel))
        return std::int64_t(word & 0xffffffffu);
    }
  }

  // Thread `thread`'s part of a job. Units are counted done even when skipped after an
  // exception, and the caller waits for the count, not for each worker: a worker that has not
  // woken yet holds nobody up under dynamic scheduling.
  void do_share(const Job &job, int thread) {
    std::int64_t count = 0;
    auto one = [&](std::int64_t u) {
      ++count;
      if (failed_.load(std::memory_order_relaxed))
        return;
      try {
        job.call(job.fn, u, thread);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_)
          error_ = std::current_exception();
        failed_.store(true, std::memory_order_relaxed);
      }
    };
    if (job.schedule == Schedule::static_) {
      const std::int64_t n = threads();
      for (std::int64_t u = job.units * thread / n; u < job.units * (thread + 1) / n; ++u)
        one(u);
    } else {
      for (std::int64_t u = claim(job); u >= 0; u = claim(job))
        one(u);
    }
    if (count == 0)
      return;
    if (done_.fetch_add(count, std::memory_order_acq_rel) + count == job.units) {
      std::lock_guard<std::mutex> lock(mutex_); // the caller checks done_ under it
      finished_.notify_one();
    }
  }

  void work_loop(int thread) {
    std::uint64_t seen = 0;
    for (;;) {
      for (int i = 0;
           i < detail::kSpinIterations && published_.load(std::memory_order_acquire) == seen &&
           !stopping_flag_.load(std::memory_order_relaxed);
           ++i)
        detail::spin_pause();
      Job job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ++parked_; // counted while it may sleep, so the caller knows to notify
        wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
        --parked_;
        if (stopping_)
          return;
        seen = generation_;
        job = job_;
      }
      do_share(job, thread);
    }
  }

  void stop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
      stopping_flag_.store(true, std::memory_order_relaxed);
    }
    wake_.notify_all();
    for (std::thread &t : workers_)
      t.join();
    workers_.clear();
  }

  std::mutex mutex_;
  std::condition_variable wake_;     // workers: a new job or stop
  std::condition_variable finished_; // the caller: every unit is done
  std::uint64_t generation_ = 0;     // jobs started, so a worker sees each job once
  bool stopping_ = false;
  int parked_ = 0;                          // workers in wake_.wait (or about to be)
  std::atomic<std::uint64_t> published_{0}; // generation_, read by spinning workers
  std::atomic<bool> stopping_flag_{false};  // stopping_, read by spinning workers
  Job job_{};
  std::atomic<std::uint64_t> next_{0}; // dynamic: generation << 32 | the next unit
  std::atomic<std::int64_t> done_{0};  // units done (or skipped) of the current job
  std::atomic<bool> failed_{false};    // a unit threw: skip the rest
  std::exception_ptr error_;           // the first exception of the current job
  std::vector<std::thread> workers_;
};

} // namespace netc::cpu
