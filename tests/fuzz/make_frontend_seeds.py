"""Writes the front-end fuzzer's hand-made seeds into tests/fuzz/corpus/frontend/: programs that
nest deeply (parentheses, unary operators, lists, if/else, sequential, block calls) or chain long
(a + a + ..., pipelines), so mutations start near the parser's and the elaborator's limits. Each
stays below 300 levels (what netc handles today) and below the 4096 bytes scripts/fuzz.sh lets
libFuzzer read (-max_len). tests/lit/cli/regressions.test checks netc on every one.

usage: python3 tests/fuzz/make_frontend_seeds.py
"""
import os

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "frontend")


def net(body):
    return "network n(x: [3, 8, 8]) {\n%s}\n" % body


def nested_if(depth):
    opening = "".join("if %d < %d {\n" % (i, depth) for i in range(depth))
    closing = "} else {\nx = sigmoid(x)\n}\n" * depth
    return opening + "x = relu(x)\n" + closing


def nested_sequential(depth):
    opening = "".join("sequential s%d {\n" % i for i in range(depth))
    return opening + "x = conv2d(x, 4, 3, pad=1) |> relu()\n" + "}\n" * depth


def block_chain(depth):
    # Every 25th block repeats the rest twice: calls nest `depth` deep, layers multiply.
    blocks = "".join(("block b%d(x) { return x |> repeat 2 b%d() }\n" if i % 25 == 0 else
                      "block b%d(x) { return b%d(x) }\n") % (i, i + 1) for i in range(depth))
    return blocks + "block b%d(x) { return relu(x) }\n" % depth + net("return b0(x)\n")


seeds = {
    "deep_parens.netc": net("return relu(" + "(" * 150 + "x" + ")" * 150 + ")\n"),
    "deep_unary.netc": net("k = " + "- " * 150 + "1\nb = " + "not " * 150 + "true\nreturn x\n"),
    "deep_lists.netc": net("l = " + "[" * 90 + "1" + "]" * 90 + "\nreturn x\n"),
    "long_sum_chain.netc": net("y = " + " + ".join(["x"] * 250) + "\nreturn y\n"),
    "long_int_chain.netc": net("c = " + " + ".join(["1 * 2 - 1"] * 250) +
                               "\nreturn conv2d(x, c, 1)\n"),
    "long_pipeline.netc": net("return x " + "|> relu() " * 250 + "\n"),
    "nested_if.netc": net(nested_if(100) + "return x\n"),
    "nested_sequential.netc": net(nested_sequential(100) + "return x\n"),
    "deep_block_calls.netc": block_chain(100),
    "mixed_nesting.netc": "import std.nn\n" +
    "block f(x, n) {\n  if n > 0 {\n    sequential {\n      y = x |> conv_bn(n, 3, pad=1) |> relu()\n"
    "    }\n    return y + x * 1\n  }\n  return x\n}\n" +
    net("sequential features {\n  y = x |> repeat 3 f(3)\n  y = " + "(" * 50 + "y" + ")" * 50 +
        "\n}\nexpect y: [3, _, 8]\nreturn y\n"),
}

os.makedirs(out, exist_ok=True)
for name, text in seeds.items():
    assert len(text) <= 4096, (name, len(text))
    with open(os.path.join(out, name), "w") as f:
        f.write(text)
