// time_generated: times one network emitted by `netc emit`, for bench/baseline.py.
//
//   time_generated WEIGHTS.safetensors INPUT.npy [--threads=T] [--output=OUT.npy] [--warmup=W]
//                  [--runs=N]
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
#include <sstream>
#include <string>
#include <vector>

using Model = NETC_MODEL_CLASS;

namespace {

static_assert(Model::kNumInputs == 1 && Model::kNumOutputs == 1,
              "time_generated drives networks with one input and one output");

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
               "[--warmup=W] [--runs=N] | --serve\n",
               argv0);
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 3)
    return usage(argv[0]);
  std::string output;
  int warmup = 5, runs = 20, threads = 1;
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
    else if (std::strcmp(argv[i], "--serve") == 0)
      serving = true;
    else
      return usage(argv[0]);
  }
  if (warmup < 0 || runs < 1 || threads < 0)
    return usage(argv[0]);
  try {
    Runner runner(argv[1], argv[2], threads);
    if (serving)
      return serve(runner);
    if (!output.empty())
      runner.write_output(output);
    runner.warm_up(warmup);
    print_times(runner.time(runs));
  } catch (const netc::Error &e) {
    std::fprintf(stderr, "time_generated: %s\n", e.what());
    return 1;
  }
  return 0;
}
