// fma_peak: the machine's FP32 fused-multiply-add throughput, the ceiling bench/baseline.py
// reports GFLOP/s against.
//
//   fma_peak [--isa=auto|avx512|avx2] [--threads=N] [--reps=R] [--iters=I]
//
// Each thread runs a loop of independent FMA chains (acc = acc * m + a) on its own registers, so
// nothing but the FMA pipes limits it: 16 zmm accumulators for AVX-512, 12 ymm for AVX2 (AVX2 has
// 16 ymm registers; two hold m and a). The chains must outnumber FMA latency x FMA pipes (4 x 2 =
// 8 on current x86 cores) for the pipes never to wait. Threads are pinned one per CPU of the
// process's affinity mask and start together; a repetition's time is that of its slowest thread.
// Prints one JSON object: every repetition's GFLOP/s (2 FLOP per lane per FMA), their median and
// their best. The best is the estimate of the peak: noise only ever lowers throughput.
//
// Build: g++ -O2 -pthread bench/fma_peak.cpp (each kernel carries its own target attribute, so no
// -m flags are needed; --isa=auto picks the widest the CPU has).

#include <pthread.h>
#include <sched.h>

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int kZmmChains = 16;
constexpr int kYmmChains = 12;

// Runs `iters` iterations of kZmmChains independent 16-lane FMAs; returns a sum of the
// accumulators so the compiler cannot drop the loop.
__attribute__((target("avx512f,fma"), noinline)) float fma_loop_zmm(long iters) {
  const __m512 m = _mm512_set1_ps(0.999999f), a = _mm512_set1_ps(1e-6f);
  __m512 acc[kZmmChains];
  for (int i = 0; i < kZmmChains; ++i)
    acc[i] = _mm512_set1_ps(float(i));
  for (long it = 0; it < iters; ++it) {
#pragma GCC unroll 16
    for (int i = 0; i < kZmmChains; ++i)
      acc[i] = _mm512_fmadd_ps(acc[i], m, a);
  }
  alignas(64) float lanes[kZmmChains * 16];
  for (int i = 0; i < kZmmChains; ++i)
    _mm512_store_ps(lanes + 16 * i, acc[i]);
  float total = 0;
  for (float v : lanes)
    total += v;
  return total;
}

// The same with kYmmChains 8-lane FMAs.
__attribute__((target("avx2,fma"), noinline)) float fma_loop_ymm(long iters) {
  const __m256 m = _mm256_set1_ps(0.999999f), a = _mm256_set1_ps(1e-6f);
  __m256 acc[kYmmChains];
  for (int i = 0; i < kYmmChains; ++i)
    acc[i] = _mm256_set1_ps(float(i));
  for (long it = 0; it < iters; ++it) {
#pragma GCC unroll 16
    for (int i = 0; i < kYmmChains; ++i)
      acc[i] = _mm256_fmadd_ps(acc[i], m, a);
  }
  alignas(32) float lanes[kYmmChains * 8];
  for (int i = 0; i < kYmmChains; ++i)
    _mm256_store_ps(lanes + 8 * i, acc[i]);
  float total = 0;
  for (float v : lanes)
    total += v;
  return total;
}

struct Isa {
  const char *name;
  int lanes;
  int chains;
  float (*loop)(long);
};

constexpr Isa kAvx512{"avx512", 16, kZmmChains, fma_loop_zmm};
constexpr Isa kAvx2{"avx2", 8, kYmmChains, fma_loop_ymm};

bool cpu_has_avx512() {
  return __builtin_cpu_supports("avx512f");
}
bool cpu_has_avx2() {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

// The CPUs of this process's affinity mask, in order.
std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof set, &set) != 0)
    return cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set))
      cpus.push_back(c);
  return cpus;
}

void pin_to(std::thread &t, int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(t.native_handle(), sizeof set, &set);
}

// One repetition on `threads` pinned threads; returns the slowest thread's seconds.
double run_once(const Isa &isa, int threads, long iters, const std::vector<int> &cpus,
                volatile float &sink) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<double> seconds(threads);
  std::vector<float> results(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      ++ready;
      while (!go.load(std::memory_order_acquire)) {
      }
      auto start = std::chrono::steady_clock::now();
      results[t] = isa.loop(iters);
      seconds[t] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    });
    pin_to(pool.back(), cpus[std::size_t(t) % cpus.size()]);
  }
  while (ready.load() != threads) {
  }
  go.store(true, std::memory_order_release);
  for (auto &th : pool)
    th.join();
  for (float r : results)
    sink = sink + r;
  return *std::max_element(seconds.begin(), seconds.end());
}

bool parse_option(const char *arg, const char *name, std::string &value) {
  std::size_t n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0 || arg[n] != '=')
    return false;
  value = arg + n + 1;
  return true;
}

int usage(const char *argv0) {
  std::fprintf(stderr, "usage: %s [--isa=auto|avx512|avx2] [--threads=N] [--reps=R] [--iters=I]\n",
               argv0);
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  std::string isa_name = "auto";
  int threads = 1, reps = 5;
  long iters = 100'000'000;
  for (int i = 1; i < argc; ++i) {
    std::string value;
    if (parse_option(argv[i], "--isa", value))
      isa_name = value;
    else if (parse_option(argv[i], "--threads", value))
      threads = std::atoi(value.c_str());
    else if (parse_option(argv[i], "--reps", value))
      reps = std::atoi(value.c_str());
    else if (parse_option(argv[i], "--iters", value))
      iters = std::atol(value.c_str());
    else
      return usage(argv[0]);
  }
  if (threads < 1 || reps < 1 || iters < 1)
    return usage(argv[0]);
  if (isa_name == "auto")
    isa_name = cpu_has_avx512() ? "avx512" : "avx2";
  const Isa *isa = nullptr;
  if (isa_name == "avx512" && cpu_has_avx512())
    isa = &kAvx512;
  else if (isa_name == "avx2" && cpu_has_avx2())
    isa = &kAvx2;
  if (!isa) {
    std::fprintf(stderr, "fma_peak: this CPU cannot run --isa=%s\n", isa_name.c_str());
    return 1;
  }
  std::vector<int> cpus = allowed_cpus();
  if (cpus.empty()) {
    std::fprintf(stderr, "fma_peak: cannot read the process's CPU affinity\n");
    return 1;
  }

  volatile float sink = 0;
  run_once(*isa, threads, iters / 10, cpus, sink); // warm-up: clocks up, pages in
  const double flops = 2.0 * isa->lanes * isa->chains * double(iters) * threads;
  std::vector<double> gflops;
  for (int r = 0; r < reps; ++r)
    gflops.push_back(flops / run_once(*isa, threads, iters, cpus, sink) / 1e9);
  std::vector<double> sorted = gflops;
  std::sort(sorted.begin(), sorted.end());
  double median = reps % 2 ? sorted[reps / 2] : 0.5 * (sorted[reps / 2 - 1] + sorted[reps / 2]);

  std::printf("{\"isa\": \"%s\", \"lanes\": %d, \"chains\": %d, \"threads\": %d, "
              "\"allowed_cpus\": %zu, \"iters\": %ld, \"gflops\": [",
              isa->name, isa->lanes, isa->chains, threads, cpus.size(), iters);
  for (int r = 0; r < reps; ++r)
    std::printf("%s%.2f", r ? ", " : "", gflops[r]);
  std::printf("], \"gflops_median\": %.2f, \"gflops_best\": %.2f, \"sink\": %g}\n", median,
              sorted.back(), double(sink));
  return 0;
}
