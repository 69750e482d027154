# Writes the files tests/lit/run/*.test feed to `netc run`, with the standard library only:
#   make_files.py DIR        weights (.safetensors) and inputs (.npy) for Inputs/tiny.netc
#   make_files.py --dump F   prints a float64 .npy's shape and values
import json
import os
import struct
import sys

# tiny.netc's parameters; with the inputs below its logits are, by hand,
# [3, 1.75, -0.25, 1.75] and [0.75, 1, 2.25, 1.5].
WEIGHTS = {
    "conv.weight": ([3, 2, 1, 1], [1, 0, 0.5, 0.5, -1, 1]),
    "conv.bias": ([3], [0, 0.25, -0.5]),
    "fc.weight": ([4, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, -1, 0.5]),
    "fc.bias": ([4], [0.5, 0, -0.25, 1]),
}
INPUT = [1, 2, 3, 4, -1, 0, 1, 2,  # sample 0: channel 0, channel 1
         -2, -1, 0, 1, 4, 4, 0, 0]  # sample 1


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        shape, values = tensors[name]
        blob = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def write_npy(path, shape, values, dtype="<f4"):
    dims = "%d," % shape[0] if len(shape) == 1 else ", ".join("%d" % d for d in shape)
    header = "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }" % (dtype, dims)
    header += " " * (63 - (10 + len(header)) % 64) + "\n"  # data starts at a multiple of 64
    code = {"<f4": "f", "<f8": "d"}[dtype]
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(struct.pack("<%d%s" % (len(values), code), *values))


def dump_npy(path):
    with open(path, "rb") as f:
        data = f.read()
    length = struct.unpack("<H", data[8:10])[0]
    header = data[10:10 + length].decode()
    body = data[10 + length:]
    values = struct.unpack("<%dd" % (len(body) // 8), body)
    print(header.strip())
    print("values:", ", ".join("%g" % v for v in values))


def main():
    if sys.argv[1] == "--dump":
        dump_npy(sys.argv[2])
        return
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    write_safetensors(os.path.join(out, "weights.safetensors"), WEIGHTS)
    lacking = {k: v for k, v in WEIGHTS.items() if k != "fc.bias"}
    write_safetensors(os.path.join(out, "lacking.safetensors"), lacking)
    fc_weight = list(WEIGHTS["fc.weight"][1])
    fc_weight[7] = float("nan")
    write_safetensors(os.path.join(out, "nan.safetensors"),
                      dict(WEIGHTS, **{"fc.weight": ([4, 3], fc_weight)}))
    write_npy(os.path.join(out, "x.npy"), [2, 2, 2, 2], INPUT)
    write_npy(os.path.join(out, "x64.npy"), [2, 2, 2, 2], INPUT, "<f8")
    write_npy(os.path.join(out, "x_one.npy"), [1, 2, 2, 2], INPUT[8:])
    write_npy(os.path.join(out, "x_wrong.npy"), [2, 2, 3, 3], [0.0] * 36)
    write_npy(os.path.join(out, "x_flat.npy"), [16], INPUT)


if __name__ == "__main__":
    main()
