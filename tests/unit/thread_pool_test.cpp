// The thread pool and Context of runtime/netc/cpu: every unit runs once, on a thread index in
// range, under both schedules; an exception thrown on any thread reaches the caller and leaves the
// pool usable; one thread means no pool; small work stays on the calling thread.
#include <netc/cpu/context.hpp>
#include <netc/cpu/thread_pool.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

using netc::cpu::Context;
using netc::cpu::OwnedContext;
using netc::cpu::Schedule;
using netc::cpu::ThreadPool;

namespace {

// Runs `units` units and checks each ran once on a thread in [0, threads).
void check_every_unit_once(ThreadPool &pool, std::int64_t units, Schedule schedule) {
  std::vector<std::atomic<int>> runs(std::size_t(units > 0 ? units : 0));
  std::atomic<int> bad_thread{0};
  pool.parallel_for(units, schedule, [&](std::int64_t u, int thread) {
    runs[std::size_t(u)].fetch_add(1);
    if (thread < 0 || thread >= pool.threads())
      bad_thread.fetch_add(1);
  });
  CHECK(bad_thread.load() == 0);
  for (std::int64_t u = 0; u < units; ++u) {
    CAPTURE(u);
    CHECK(runs[std::size_t(u)].load() == 1);
  }
}

} // namespace

TEST_CASE("thread pool: every unit runs once, under both schedules, many times over") {
  for (int threads : {1, 2, 3, 5}) {
    CAPTURE(threads);
    ThreadPool pool(threads);
    CHECK(pool.threads() == threads);
    for (int repeat = 0; repeat < 50; ++repeat)
      for (std::int64_t units : {0, 1, 2, 3, 7, 64, 1000})
        for (Schedule s : {Schedule::static_, Schedule::dynamic}) {
          CAPTURE(units);
          check_every_unit_once(pool, units, s);
        }
  }
}

TEST_CASE("thread pool: the workers take part") {
  ThreadPool pool(3);
  std::atomic<int> seen[3] = {0, 0, 0};
  // Static scheduling gives each thread its share, whichever wakes first.
  pool.parallel_for(3, Schedule::static_, [&](std::int64_t, int thread) { seen[thread] = 1; });
  CHECK(seen[0] + seen[1] + seen[2] == 3);
}

TEST_CASE("thread pool: an exception on any thread reaches the caller, and the pool goes on") {
  ThreadPool pool(3);
  for (Schedule s : {Schedule::static_, Schedule::dynamic})
    for (std::int64_t thrower : {0, 1, 2, 99}) {
      CAPTURE(thrower);
      CHECK_THROWS_WITH_AS(pool.parallel_for(100, s,
                                             [&](std::int64_t u, int) {
                                               if (u == thrower)
                                                 throw std::runtime_error("unit failed");
                                             }),
                           "unit failed", std::runtime_error);
      check_every_unit_once(pool, 100, s);
    }
}

TEST_CASE("context: one thread has no pool; small work stays on the calling thread") {
  OwnedContext one(1, 10);
  CHECK(one.threads() == 1);
  CHECK(one.context().pool() == nullptr);
  CHECK(one.context().scratch_of(0) != nullptr);

  OwnedContext three(3, 10);
  const Context &ctx = three.context();
  REQUIRE(ctx.threads() == 3);
  // Each thread's scratch is its own, whole 64-byte lines.
  CHECK(ctx.scratch_of(1) - ctx.scratch_of(0) == 16);
  CHECK(reinterpret_cast<std::uintptr_t>(ctx.scratch_of(2)) % 64 == 0);
  const std::thread::id caller = std::this_thread::get_id();
  bool elsewhere = false;
  ctx.parallel_for(100, netc::cpu::kMinParallelWork - 1, [&](std::int64_t, int thread) {
    elsewhere = elsewhere || thread != 0 || std::this_thread::get_id() != caller;
  });
  CHECK_FALSE(elsewhere);
  // Enough units for three threads when the work allows it, one piece on one thread.
  CHECK(ctx.pieces(1, 100) == 24);
  CHECK(ctx.pieces(30, 100) == 1);
  CHECK(one.context().pieces(1, 100) == 1);
}

TEST_CASE("context: 0 threads means the hardware's count, a negative or absurd count is refused") {
  CHECK(netc::cpu::resolve_thread_count(0) >= 1);
  CHECK(netc::cpu::resolve_thread_count(2) == 2);
  CHECK(netc::cpu::resolve_thread_count(1024) == 1024);
  CHECK_THROWS_WITH_AS(netc::cpu::resolve_thread_count(-1),
                       "threads must be 0 (the hardware's count) to 1024, got -1", netc::Error);
  CHECK_THROWS_WITH_AS(netc::cpu::resolve_thread_count(1025),
                       "threads must be 0 (the hardware's count) to 1024, got 1025", netc::Error);
}
