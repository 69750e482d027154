// The kernel list as text (`netc lower`, --print-after-all): what each kernel computes, what it
// absorbed, where its operands live.
#pragma once

#include "lower/kernel_list.h"

#include <llvm/Support/raw_ostream.h>

namespace netc {

void print_kernel_list(const KernelList &list, llvm::raw_ostream &os);

// "conv_direct 3x3/2 + batchnorm + relu": what a kernel does, for comments in generated code.
std::string kernel_summary(const Kernel &kernel);

// "image", "arena+1024", "logits", "arena+4096 (concat slice, channel 64)"
std::string describe_storage(const KernelList &list, ValueId v);

} // namespace netc
