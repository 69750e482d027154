// Every CUDA kernel family of netc's generated code, with the launch geometry, the weight packers,
// the status checks and the device state every generated class holds: the one runtime header a
// generated .cu includes.
#pragma once

#include "netc/cuda/channel_shuffle.cuh"
#include "netc/cuda/check.hpp"
#include "netc/cuda/conv.cuh"
#include "netc/cuda/copy.cuh"
#include "netc/cuda/device_state.cuh"
#include "netc/cuda/elementwise.cuh"
#include "netc/cuda/launch.hpp"
#include "netc/cuda/layernorm.cuh"
#include "netc/cuda/layout.cuh"
#include "netc/cuda/linear.cuh"
#include "netc/cuda/lrn.cuh"
#include "netc/cuda/pack.hpp"
#include "netc/cuda/pool.cuh"
#include "netc/cuda/softmax.cuh"
