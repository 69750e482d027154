"""Writes hostile inputs for netc into the folder $1: files in other encodings, binary bytes, a
file over the size limit, and lines that would flood the terminal. Deterministic: no randomness.
"""
import os
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
net = "network n(x: [3, 8, 8]) {\n  return relu(x)\n}\n"


def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


write("utf16le.netc", net.encode("utf-16"))  # with its byte-order mark
write("utf16be_no_bom.netc", net.encode("utf-16-be"))
write("utf32le.netc", net.encode("utf-32"))
write("utf32be_no_bom.netc", net.encode("utf-32-be"))
write("utf8_bom.netc", b"\xef\xbb\xbf" + net.encode())
write("utf8_bom_error.netc", b"\xef\xbb\xbf" + b"network n(x: [3, 8, 8]) { return y }\n")
write("nul.netc", net.encode().replace(b"relu(x)", b"relu(\0x)"))
write("latin1.netc", "# caf\xe9\n".encode("latin-1") + net.encode())
# Bytes 0..255 over and over, as a binary file looks: the NUL comes first.
write("binary.netc", bytes(range(256)) * 64)
# Pseudo-random bytes without NUL (a fixed linear congruential sequence).
state, noise = 12345, bytearray()
for _ in range(100000):
    state = (state * 1103515245 + 12345) % 2**31
    noise.append(1 + (state >> 16) % 255)
write("noise.netc", bytes(noise))
write("too_large.netc", b"#" * (16 * 2**20 + 1))
# One line of 100,000 unexpected characters: one error each, before the error limit.
write("flood.netc", b"network n(x: [3, 8, 8]) {\n  return x " + b"$" * 100000 + b"\n}\n")
# A long line with one mistake far from its start, and one with a terminal escape sequence.
write("long_line.netc", b"network n(x: [3, 8, 8]) {\n  return x" + b" " * 1000 + b"+ y" +
      b" " * 1000 + b"\n}\n")
write("escape.netc", b"network n(x: [3, 8, 8]) {\n  return x \x1b[2J\x07\n}\n")
