#!/usr/bin/python3
"""Exports the small example models of tests/onnx/models/ with Debian's PyTorch (no network).

    /usr/bin/python3 scripts/export_models.py [OUT_DIR]     # default: tests/onnx/models

Each model lands in the ONNX backend-test layout, so `tinypynq run` and the tests read it as is:
    OUT_DIR/<name>/model.onnx
    OUT_DIR/<name>/test_data_set_0/input_0.pb, output_0.pb   (PyTorch's own outputs)
Models: mlp (the built-in MLP), cnn (the built-in CNN), resblock (a small ResNet-style block with
BatchNorm (one standalone), a strided and a depthwise conv, a skip connection, global pooling), transformer (one
nn.TransformerEncoderLayer with exact GELU, opset 17 LayerNormalization). Seeded: the files are
the same on every run with the same PyTorch build.
"""
import json
import os
import struct
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn


class Mlp(nn.Module):  # sim/models.cpp "mlp"
    def __init__(self):
        super().__init__()
        self.l1, self.l2 = nn.Linear(784, 128), nn.Linear(128, 10)

    def forward(self, x):
        return self.l2(torch.relu(self.l1(x.reshape(x.shape[0], 784))))


class Cnn(nn.Module):  # sim/models.cpp "cnn"
    def __init__(self):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(1, 16, 3, 1, 1), nn.Conv2d(16, 32, 3, 1, 1)
        self.l1 = nn.Linear(32 * 7 * 7, 10)

    def forward(self, x):
        h = torch.max_pool2d(torch.relu(self.c1(x)), 2)
        h = torch.max_pool2d(torch.relu(self.c2(h)), 2)
        return self.l1(torch.flatten(h, 1))


class ResBlock(nn.Module):
    def __init__(self, c=16):
        super().__init__()
        self.stem = nn.Conv2d(3, c, 3, stride=2, padding=1, bias=False)
        self.bn0 = nn.BatchNorm2d(c)
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.dw = nn.Conv2d(c, c, 3, padding=1, groups=c, bias=False)  # depthwise
        self.bn2 = nn.BatchNorm2d(c)
        self.fc = nn.Linear(c, 5)

    def forward(self, x):
        h = torch.relu(self.bn0(self.stem(x)))
        y = torch.relu(self.bn1(self.conv1(h)))
        h = torch.relu(self.bn2(h + self.dw(y)))  # BN after the skip add: not folded into a conv
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(h, 1), 1))


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        # batch_first=False keeps PyTorch off its fused inference fast path, so the export is
        # made of plain ops (MatMul, Softmax, LayerNormalization, Erf...).
        self.layer = nn.TransformerEncoderLayer(d_model=32, nhead=4, dim_feedforward=64, dropout=0.0,
                                                activation="gelu")

    def forward(self, x):
        return self.layer(x)


def randomise_bn(m):
    # Fresh BatchNorm layers are the identity; give them statistics so the test means something.
    g = torch.Generator().manual_seed(1)
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            n = mod.num_features
            mod.running_mean.copy_(torch.randn(n, generator=g) * 0.1)
            mod.running_var.copy_(torch.rand(n, generator=g) + 0.5)
            mod.weight.data.copy_(torch.rand(n, generator=g) + 0.5)
            mod.bias.data.copy_(torch.randn(n, generator=g) * 0.1)


def export(name, model, x, out_dir, opset):
    model.eval()
    d = os.path.join(out_dir, name)
    os.makedirs(os.path.join(d, "test_data_set_0"), exist_ok=True)
    path = os.path.join(d, "model.onnx")
    with torch.no_grad():
        y = model(x)
        torch.onnx.export(model, (x,), path, opset_version=opset, input_names=["input"],
                          output_names=["output"], do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m)
    for fname, arr in (("input_0.pb", x), ("output_0.pb", y)):
        t = numpy_helper.from_array(arr.numpy().astype(np.float32), name="input" if "input" in fname else "output")
        with open(os.path.join(d, "test_data_set_0", fname), "wb") as f:
            f.write(t.SerializeToString())
    ops = sorted({n.op_type for n in m.graph.node})
    print(f"{name}: opset {opset}, {len(m.graph.node)} nodes ({', '.join(ops)}), "
          f"{os.path.getsize(path) / 1024:.1f} KiB, output {tuple(y.shape)}")


_ST_DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
              torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8",
              torch.bool: "BOOL"}


def save_safetensors(path, tensors, metadata=None):
    """The safetensors layout exactly as the Python library writes it (safetensors/src/tensor.rs):
    tensors ordered by dtype alignment (largest first) then name, compact JSON header with
    __metadata__ first, padded with spaces to a multiple of 8, then the raw little-endian data."""
    items = sorted(tensors.items(), key=lambda kv: (-kv[1].element_size(), kv[0]))
    header, offset, blobs = {}, 0, []
    if metadata:
        header["__metadata__"] = metadata
    for name, t in items:
        t = t.detach().contiguous()
        raw = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()
        header[name] = {"dtype": _ST_DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def export_weights(out_dir):
    """PyTorch state_dicts for `tinypynq eval/train --load`: the CNN in float32 and float16 with its
    PyTorch output on the exported test input, and a BatchNorm2d with its int64 counter."""
    torch.manual_seed(0)
    cnn = Cnn().eval()  # the same seed as the exported cnn model: the same weights
    d = os.path.join(out_dir, "cnn")
    save_safetensors(os.path.join(d, "weights.safetensors"), cnn.state_dict())
    save_safetensors(os.path.join(d, "weights_fp16.safetensors"), {k: v.half() for k, v in cnn.state_dict().items()},
                     {"format": "pt"})
    bn = nn.BatchNorm2d(4)
    randomise_bn(bn)
    bn.num_batches_tracked.fill_(7)
    save_safetensors(os.path.join(out_dir, "batchnorm.safetensors"), bn.state_dict(), {"format": "pt"})
    print("weights: cnn/weights.safetensors, cnn/weights_fp16.safetensors, batchnorm.safetensors")


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "tests", "onnx", "models")
    torch.manual_seed(0)
    export("mlp", Mlp(), torch.rand(4, 784), out_dir, 13)
    torch.manual_seed(0)
    export("cnn", Cnn(), torch.rand(2, 1, 28, 28), out_dir, 13)
    torch.manual_seed(0)
    rb = ResBlock()
    randomise_bn(rb)
    export("resblock", rb, torch.randn(2, 3, 16, 16), out_dir, 13)
    torch.manual_seed(0)
    export("transformer", Encoder(), torch.randn(6, 2, 32), out_dir, 17)
    export_weights(out_dir)


if __name__ == "__main__":
    main()
