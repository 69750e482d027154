// The lowering passes, each a function that rewrites a kernel list in place, each in its own
// file. lowering_pipeline.cpp runs them in order; the comment of each says what it needs and what
// it guarantees.
#pragma once

#include "lower/kernel_list.h"

namespace netc {

// A batch norm whose input is a convolution's output that nothing else reads goes into that
// convolution's weight recipe (its statistics are folded when the weights load). Needs: nothing
// fused yet.
void fold_batch_norm(KernelList &list);

// A constant scale of a convolution's or linear layer's output that nothing else reads goes into
// its weight recipe (the Inception-ResNet residual scale). Needs: fold_batch_norm done (the
// scale applies after the batch norm).
void fold_scale(KernelList &list);

// A binary add one of whose operands is a convolution's output that nothing else reads becomes
// that convolution's residual: out = act(conv + bias + other). The convolution moves to the
// add's place, after both operands exist. Needs: scales folded, activations not yet fused (an
// activation before the add would be lost).
void fuse_residual_add(KernelList &list);

// An activation on its own whose input is the output of a convolution, linear layer, add or
// scale that nothing else reads becomes that kernel's epilogue.
void fuse_activation(KernelList &list);

// A product x * s whose factor s is [N, C, 1, 1] (squeeze-and-excitation's gate) and whose
// output only a 1x1 convolution reads, as its input, goes into that convolution as an input
// scale: conv(x * s) is conv(x) with weight[:, c] scaled by s[n, c], so the product's pass over
// x is saved. Kept when the product has another reader, an activation or a full-tensor factor.
// Needs: activations fused (a product that absorbed one stays). Only where the backend's 1x1
// convolution reads input_scale (LoweringOptions::fold_input_scale).
void fold_input_scale(KernelList &list);

// Kernels whose outputs reach no network output are dropped (the unused-value warning's towers).
void remove_dead_kernels(KernelList &list);

// Each concat disappears: a branch computed by a kernel of its own writes straight into its
// channel slice of the concat's output (a view); other branches (network inputs, values placed
// in another concat, network outputs) are copied there by a copy kernel.
void place_concats(KernelList &list);

// Network outputs get storage of their own in the caller's output buffers; an output that is a
// view, a network input or another output already is copied there at the end.
void bind_outputs(KernelList &list);

// Gives every arena value an offset: values whose lifetimes (from the first kernel that writes
// them or a view of them to the last that reads them) overlap never share bytes. Greedy by size,
// largest first; offsets aligned to 64 bytes. Sets arena_floats, the peak.
void plan_memory(KernelList &list);

// Fills every kernel's Dims (sizes and batch strides) from its values' storage. Last.
void assign_dims(KernelList &list);

} // namespace netc
