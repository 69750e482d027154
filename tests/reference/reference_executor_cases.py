#!/usr/bin/python3
# Expected outputs of tests/unit/reference_executor_test.cpp, computed with PyTorch in float64.
# Run with Debian's python (torch 1.13): /usr/bin/python3 tests/reference/reference_executor_cases.py
# and paste what it prints into the test. Inputs and weights follow pattern(), which the test
# reproduces: values k/8, exact in float and double, with no random numbers to keep in sync.
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def pattern(shape, seed):
    n = 1
    for d in shape:
        n *= d
    return torch.tensor([((i * 7 + seed * 3) % 17 - 8) / 8 for i in range(n)]).reshape(shape)


def positive(shape, seed):
    n = 1
    for d in shape:
        n *= d
    return torch.tensor([((i * 7 + seed * 3) % 17 + 1) / 8 for i in range(n)]).reshape(shape)


def emit(name, t):
    """Prints a C++ declaration, wrapped at 100 columns."""
    lines, line = [], "   "
    for v in t.flatten():
        item = " " + repr(float(v)) + ","
        if len(line) + len(item) > 100:
            lines.append(line)
            line = "   "
        line += item
    lines.append(line.rstrip(","))
    print(f"const std::vector<double> k_{name} = {{")
    print("\n".join(lines) + "};")


# conv2d: 3x3 on a 4x4 input, x = 0..15 and w = 0..8, by hand: 258.5, 294.5, 402.5, 438.5.
x = torch.arange(16.0).reshape(1, 1, 4, 4)
w = torch.arange(9.0).reshape(1, 1, 3, 3)
emit("conv3x3", F.conv2d(x, w, torch.tensor([0.5])))

# conv2d at batch 2: stride 2, dilation 2, two groups, asymmetric pad [top 1, bottom 2, left 2,
# right 1] (F.pad takes left, right, top, bottom), no bias.
x = pattern([2, 4, 7, 7], 0)
emit("conv_groups", F.conv2d(F.pad(x, (2, 1, 1, 2)), pattern([6, 2, 3, 3], 1), stride=2,
                             dilation=2, groups=2))

# conv2d with "same" at stride 2 on 8x8: TensorFlow puts the one pixel of padding at the bottom
# and right.
x = pattern([1, 2, 8, 8], 0)
emit("conv_same", F.conv2d(F.pad(x, (0, 1, 0, 1)), pattern([3, 2, 3, 3], 1), pattern([3], 2),
                           stride=2))

# Pools on a negative input, so that a padded zero would win a max.
x = pattern([1, 2, 6, 6], 0) - 2
emit("maxpool_ceil", F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True))
emit("maxpool_dilated", F.max_pool2d(x, 2, stride=1, dilation=2))
emit("avgpool_with_pad", F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True,
                                      count_include_pad=True))
emit("avgpool_without_pad", F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True,
                                         count_include_pad=False))
# Asymmetric padding [top 0, bottom 1, left 1, right 0], which PyTorch's pools lack: with the
# padding counted, the mean of the zero-padded input; without, the sum over the input elements
# divided by their number (TensorFlow's "same" pools).
padded = F.pad(x, (1, 0, 0, 1))
mask = F.pad(torch.ones_like(x), (1, 0, 0, 1))
emit("avgpool_asymmetric_with_pad", F.avg_pool2d(padded, 3, stride=2))
emit("avgpool_asymmetric_without_pad",
     F.avg_pool2d(padded, 3, stride=2) / F.avg_pool2d(mask, 3, stride=2))

# Adaptive average pooling, 5x7 to 3x3: overlapping bins of unequal sizes.
x = pattern([1, 2, 5, 7], 0)
emit("adaptive", F.adaptive_avg_pool2d(x, 3))

# Local response normalisation with an even size: channels c-2 .. c+1.
x = pattern([1, 6, 2, 2], 0)
emit("lrn", F.local_response_norm(x, 4, alpha=0.1, beta=0.75, k=2.0))

# At batch 2: batch norm (eval), relu6, scale; the pointwise ops and concat; an n-ary add; softmax.
x = pattern([2, 3, 2, 2], 0) * 8
bn = F.batch_norm(x, pattern([3], 3), positive([3], 4), pattern([3], 1), pattern([3], 2),
                  training=False, eps=0.001)
emit("batchnorm_relu6_scale", F.relu6(bn) * 0.5)
emit("concat", torch.cat([x, torch.sigmoid(x), torch.tanh(x)], 1))
emit("add", x + F.relu(x) + x * 2)
emit("softmax", F.softmax(x, 1))

# The head at batch 2: zeropad, flatten, linear, softmax over features; global and adaptive pool.
x = pattern([2, 2, 2, 2], 0)
f = torch.flatten(F.pad(x, (0, 2, 1, 0)), 1)
y = F.linear(f, pattern([3, 24], 1), pattern([3], 2))
emit("linear", y)
emit("softmax_flat", F.softmax(y, 1))
emit("global_avgpool", F.adaptive_avg_pool2d(x, 1))

# At batch 2: ConvNeXt's layer norm over channels, its channels-last linear and layer_scale (in a
# block, `layer_scale(z) as _`); chunk and channel_shuffle.
x = pattern([2, 6, 2, 2], 0) * 2
y = F.layer_norm(x.permute(0, 2, 3, 1), [6], pattern([6], 1), pattern([6], 2), eps=0.001)
z = F.linear(y, pattern([4, 6], 3), pattern([4], 4)).permute(0, 3, 1, 2)
emit("layernorm_linear_scale", z * pattern([4, 1, 1], 5))
emit("chunk", x.chunk(4, dim=1)[2])
groups = x.view(2, 3, 2, 2, 2).transpose(1, 2).contiguous().view(2, 6, 2, 2)
emit("channel_shuffle", groups)
