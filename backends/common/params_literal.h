// A kernel's parameter struct printed as a C++ aggregate initialiser, so generated code holds it
// as a constexpr that reads like the struct (runtime/netc/kernel_params.hpp). Shared by the CPU
// and CUDA emitters.
#pragma once

#include "lower/kernel_list.h"

#include <string>
#include <string_view>

namespace netc {

// "ConvParams{{1, 3, 299, 299, 268203}, {1, 32, 149, 149, 710432}, 3, 3, 2, 2, 0, 0, 1, 1, 1,
//  Activation::relu, 0}"; with names_qualifier "netc::", "netc::ConvParams{...,
//  netc::Activation::relu, 0}" for code outside namespace netc.
std::string params_literal(const KernelParams &params, std::string_view names_qualifier = "");

// "ConvParams"
std::string params_type(const KernelParams &params);

} // namespace netc
