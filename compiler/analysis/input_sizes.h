// Input-size analysis: for which input sizes is a network valid, and what grid does each stage
// (each `expect`) see? Answered by elaborating the network again at each size: blocks may read
// their inputs' sizes, so nothing short of that is always right.
#pragma once

#include "elaborate/program.h"
#include "support/diagnostics.h"

#include <llvm/Support/raw_ostream.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace netc {

struct SizeVerdict {
  int64_t height = 0, width = 0;
  bool valid = false;
  // The first error at this size (already resolved to text): what it says and where.
  std::string error;
  std::string error_location;
  llvm::SMLoc error_loc;
  // Per `expect` of the network, in source order: whether it holds and the grid (h x w) seen.
  std::vector<bool> expect_holds;
  std::vector<std::pair<int64_t, int64_t>> expect_grid;
};

// The parameter shapes of a network at its declared input size: trained weights have these
// shapes, so a size at which a layer would need others (a linear layer after a flatten) is not
// valid for the network.
using ParamShapes = std::map<std::string, std::vector<int64_t>>;
ParamShapes declared_param_shapes(const Program &program, const Definition &network,
                                  llvm::SourceMgr &source_mgr);

// Elaborates `network` with every [C, H, W] input resized to height x width.
SizeVerdict check_input_size(const Program &program, const Definition &network,
                             llvm::SourceMgr &source_mgr, const ParamShapes &declared,
                             int64_t height, int64_t width);

// Sweeps heights [h_low, h_high] x widths [w_low, w_high] (square when `square`), and prints
// the valid intervals, the reason at the first size that fails, and the sizes for which each
// `expect` holds.
// `allow_reinference` false elaborates again at every size even where re-inferring the shapes
// of one graph gives the same answer (tests compare the two).
void report_input_sizes(const Program &program, const Definition &network,
                        llvm::SourceMgr &source_mgr, int64_t low, int64_t high,
                        std::optional<int64_t> fixed_width, llvm::raw_ostream &os,
                        bool allow_reinference = true);

} // namespace netc
