// time_generated: times one network emitted by `netc emit`, for bench/baseline.py.
//
//   time_generated WEIGHTS.safetensors INPUT.npy [--threads=T] [--output=OUT.npy] [--warmup=W]
//                  [--runs=N] [--profile[=TOP] [--peak=GFLOPS]]
//   time_generated WEIGHTS.safetensors INPUT.npy [--threads=T] --serve
//
// T is the network's thread count, the constructor's argument (default 1; 0: the hardware's).
// Loads the weights and the input (float32 .npy with the network's input element count), runs the
// network once and writes that run's output to OUT.npy (flat), then runs W untimed warm-up runs
// and N timed runs, each timed on its own with std::chrono::steady_clock, and prints one JSON
// line: {"times_ms": [...], "median_ms": ..., "min_ms": ...}.
//
// With --serve it loads once and then answers commands on stdin, one per line, so that the
// caller can interleave it with other engines without reloading: "output PATH" writes one run's
// output, "warmup W" runs W untimed runs and answers {"ok": true}, "time N" runs N timed runs and
// answers with their times as above, "quit" ends.
//
// Built around a class emitted with `netc emit --profile`, --profile[=TOP] then prints, after the
// times, where they went: the TOP (default 15) kernels by time, each with its layer, kind, ms per
// run, share of all kernels' time, GFLOP/s and % of --peak=GFLOPS (the FMA peak, bench/fma_peak;
// without it no % is printed), and the same summed by kind (conv_1x1, conv_direct 3x3, copy
// concat, ...). The profile covers the timed runs only. Without --profile the class has no
// profile() and --profile is refused.
//
// Built once per network and batch with -DNETC_MODEL_HEADER='"resnet50.hpp"'
// -DNETC_MODEL_CLASS=netc::Resnet50, -O2 and the target's ISA flags (see bench/baseline.py).
#include NETC_MODEL_HEADER

#include "netc/error.hpp"
#include "netc/npy.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

using Model = NETC_MODEL_CLASS;

namespace {

static_assert(Model::kNumInputs == 1 && Model::kNumOutputs == 1,
              "time_generated drives networks with one input and one output");

// Whether the class was emitted with --profile (it then has profile() and reset_profile()).
template <class M, class = void> struct HasProfile : std::false_type {};
template <class M>
struct HasProfile<M, std::void_t<decltype(std::declval<const M &>().profile())>> : std::true_type {
};
constexpr bool kProfiled = HasProfile<Model>::value;

// Templates, so that a class without a profile never sees these calls.
template <class M> void reset_profile(M &model) {
  if constexpr (HasProfile<M>::value)
    model.reset_profile();
}
template <class M> void print_profile_of(const M &model, int top, double peak_gflops);

class Runner {
public:
  Runner(const std::string &weights, const std::string &input_path, int threads)
      : model_(weights, netc::Threads(threads)), output_(Model::kOutputElements[0]) {
    netc::NpyArray in = netc::read_npy(input_path);
    if (in.data.size() != Model::kInputElements[0])
      throw netc::Error("input " + input_path + " has " + std::to_string(in.data.size()) +
                        " elements, the network takes " + std::to_string(Model::kInputElements[0]));
    input_.assign(in.data.begin(), in.data.end());
  }

  void run() { model_.run(input_.data(), output_.data()); }

  void write_output(const std::string &path) {
    run();
    netc::write_npy(path, {std::int64_t(output_.size())}, output_.data());
  }

  void warm_up(int runs) {
    for (int i = 0; i < runs; ++i)
      run();
  }

  Model &model() { return model_; }

  std::vector<double> time(int runs) {
    std::vector<double> ms;
    ms.reserve(std::size_t(runs));
    for (int i = 0; i < runs; ++i) {
      auto start = std::chrono::steady_clock::now();
      run();
      auto stop = std::chrono::steady_clock::now();
      ms.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
    }
    return ms;
  }

private:
  Model model_;
  std::vector<float> input_, output_;
};

void print_times(const std::vector<double> &ms) {
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  std::size_t n = sorted.size();
  double median = n == 0 ? 0 : n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  std::printf("{\"times_ms\": [");
  for (std::size_t i = 0; i < n; ++i)
    std::printf("%s%.6f", i ? ", " : "", ms[i]);
  std::printf("], \"median_ms\": %.6f, \"min_ms\": %.6f}\n", median, n ? sorted[0] : 0.0);
  std::fflush(stdout);
}

// Answers commands on stdin until "quit" or end of input (see the file comment).
int serve(Runner &runner) {
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream words(line);
    std::string command, argument;
    words >> command >> argument;
    if (command == "quit")
      return 0;
    if (command == "output") {
      runner.write_output(argument);
      std::printf("{\"ok\": true}\n");
    } else if (command == "warmup") {
      runner.warm_up(std::atoi(argument.c_str()));
      std::printf("{\"ok\": true}\n");
    } else if (command == "time") {
      print_times(runner.time(std::atoi(argument.c_str())));
      continue;
    } else {
      std::printf("{\"error\": \"unknown command '%s'\"}\n", command.c_str());
    }
    std::fflush(stdout);
  }
  return 0;
}

bool parse_option(const char *arg, const char *name, std::string &value) {
  std::size_t n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0 || arg[n] != '=')
    return false;
  value = arg + n + 1;
  return true;
}

int usage(const char *argv0) {
  std::fprintf(stderr,
               "usage: %s WEIGHTS.safetensors INPUT.npy [--threads=T] [--output=OUT.npy] "
               "[--warmup=W] [--runs=N] [--profile[=TOP] [--peak=GFLOPS]] | --serve\n",
               argv0);
  return 2;
}

// Time summed over the calls of some kernels, and their multiply-adds.
struct ProfileRow {
  std::string name, kind;
  int kernels = 0;
  std::int64_t calls = 0;
  double seconds = 0;
  double macs = 0; // summed over the calls
};

void print_profile_row(const ProfileRow &row, double total_seconds, std::int64_t runs,
                       double peak_gflops) {
  std::printf("%9.3f %6.1f%%", 1e3 * row.seconds / double(runs),
              100.0 * row.seconds / total_seconds);
  if (row.macs > 0 && row.seconds > 0) {
    double gflops = 2.0 * row.macs / row.seconds * 1e-9;
    std::printf(" %8.1f", gflops);
    if (peak_gflops > 0)
      std::printf(" %7.1f", 100.0 * gflops / peak_gflops);
  } else {
    std::printf(" %8s", "-");
    if (peak_gflops > 0)
      std::printf(" %7s", "-");
  }
  std::printf("\n");
}

// The `top` kernels by time, then every kind (see the file comment).
template <class Kernels> void print_profile(const Kernels &kernels, int top, double peak_gflops) {
  std::vector<ProfileRow> rows;
  std::map<std::string, ProfileRow> by_kind;
  double total = 0;
  std::int64_t runs = 1;
  for (const auto &k : kernels) {
    ProfileRow row{k.layer,
                   k.kind,
                   1,
                   k.calls,
                   std::chrono::duration<double>(k.time).count(),
                   double(k.macs) * k.calls};
    total += row.seconds;
    runs = std::max<std::int64_t>(runs, k.calls);
    ProfileRow &kind = by_kind[k.kind];
    kind.name = k.kind;
    kind.kernels += 1;
    kind.calls += row.calls;
    kind.seconds += row.seconds;
    kind.macs += row.macs;
    rows.push_back(std::move(row));
  }
  if (total <= 0) {
    std::printf("profile: no kernel time recorded\n");
    return;
  }
  auto slower = [](const ProfileRow &a, const ProfileRow &b) { return a.seconds > b.seconds; };
  std::stable_sort(rows.begin(), rows.end(), slower);
  std::vector<ProfileRow> kinds;
  for (auto &entry : by_kind)
    kinds.push_back(entry.second);
  std::stable_sort(kinds.begin(), kinds.end(), slower);
  std::size_t shown = std::min(rows.size(), std::size_t(top));
  int name_width = 5, kind_width = 4;
  for (std::size_t i = 0; i < shown; ++i)
    name_width = std::max(name_width, int(rows[i].name.size()));
  for (const ProfileRow &k : kinds)
    kind_width = std::max(kind_width, int(k.name.size()));
  name_width = std::min(name_width, 48);
  const char *peak_title = peak_gflops > 0 ? "  % peak" : "";
  std::printf("profile: %zu kernels, %.3f ms per run in kernels, %lld runs", rows.size(),
              1e3 * total / double(runs), static_cast<long long>(runs));
  if (peak_gflops > 0)
    std::printf(", peak %.1f GFLOP/s", peak_gflops);
  std::printf("\ntop %zu kernels by time:\n", shown);
  std::printf("%4s  %-*s  %-*s %9s %7s %8s%s\n", "#", name_width, "layer", kind_width, "kind",
              "ms/run", "share", "GFLOP/s", peak_title);
  for (std::size_t i = 0; i < shown; ++i) {
    std::printf("%4zu  %-*.*s  %-*s ", i + 1, name_width, name_width, rows[i].name.c_str(),
                kind_width, rows[i].kind.c_str());
    print_profile_row(rows[i], total, runs, peak_gflops);
  }
  std::printf("by kind:\n");
  std::printf("  %-*s %7s %9s %7s %8s%s\n", kind_width, "kind", "kernels", "ms/run", "share",
              "GFLOP/s", peak_title);
  for (const ProfileRow &k : kinds) {
    std::printf("  %-*s %7d ", kind_width, k.name.c_str(), k.kernels);
    print_profile_row(k, total, runs, peak_gflops);
  }
  std::fflush(stdout);
}

template <class M> void print_profile_of(const M &model, int top, double peak_gflops) {
  if constexpr (HasProfile<M>::value)
    print_profile(model.profile(), top, peak_gflops);
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 3)
    return usage(argv[0]);
  std::string output;
  int warmup = 5, runs = 20, threads = 1, top = 0;
  double peak_gflops = 0;
  bool serving = false;
  for (int i = 3; i < argc; ++i) {
    std::string value;
    if (parse_option(argv[i], "--output", value))
      output = value;
    else if (parse_option(argv[i], "--warmup", value))
      warmup = std::atoi(value.c_str());
    else if (parse_option(argv[i], "--runs", value))
      runs = std::atoi(value.c_str());
    else if (parse_option(argv[i], "--threads", value))
      threads = std::atoi(value.c_str());
    else if (parse_option(argv[i], "--profile", value))
      top = std::atoi(value.c_str());
    else if (std::strcmp(argv[i], "--profile") == 0)
      top = 15;
    else if (parse_option(argv[i], "--peak", value))
      peak_gflops = std::atof(value.c_str());
    else if (std::strcmp(argv[i], "--serve") == 0)
      serving = true;
    else
      return usage(argv[0]);
  }
  if (warmup < 0 || runs < 1 || threads < 0 || top < 0 || peak_gflops < 0 || (top > 0 && serving))
    return usage(argv[0]);
  if (top > 0 && !kProfiled) {
    std::fprintf(stderr, "time_generated: --profile needs a class emitted with netc emit "
                         "--profile\n");
    return 2;
  }
  try {
    Runner runner(argv[1], argv[2], threads);
    if (serving)
      return serve(runner);
    if (!output.empty())
      runner.write_output(output);
    runner.warm_up(warmup);
    reset_profile(runner.model());
    print_times(runner.time(runs));
    if (top > 0)
      print_profile_of(runner.model(), top, peak_gflops);
  } catch (const netc::Error &e) {
    std::fprintf(stderr, "time_generated: %s\n", e.what());
    return 1;
  }
  return 0;
}
