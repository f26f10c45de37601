#!/usr/bin/env python3
"""Writes the TorchScript programs that run one decode step of a Llama-style decoder inside libtorch.

The program holds no weights: LlamaDecoder (core/) passes its own tensors (the ones WeightLoader read from the
checkpoint), the KV cache and the step's positions on every call, so one file serves every checkpoint of the
architecture. It exists because a decode step is about 600 small tensor operations, and issuing each of them from
Java through DJL's JNI costs more than the operation itself; inside TorchScript's interpreter they cost a few
microseconds each. The numbers it computes are those of the Java path (LlamaDecoder.forward), which the golden tests
compare with an independent PyTorch model; the Java tests compare this program with that path.

Two more tiny programs: pack_linear_weights.pt reorders projection weights into oneDNN's blocked layout; a decode
step of several rows then multiplies with them through oneDNN (mkldnn::_linear_pointwise), which on the CPU streams
the weights 10-30% faster than the 8-row sgemm of torch.mm (docs/performance.md); packed_linear.pt applies a
packed lm_head to several rows (the decoder's logits are computed outside the step). The decoder makes these copies
only when asked (LlamaDecoder.packWeightsForBatches). Debian's torch 1.13 does not have the two oneDNN operators that
libtorch 2.7.1 has; the script declares their 2.7.1 schemas so that scripting can emit calls to them (1.13 never runs
them).

Usage (Debian's python3-torch; the output is committed):
    python3 tools/torchscript/make_decode_step.py core/src/main/resources/io/unimllm/core/model
"""
import os
import sys
from typing import List

import torch
from torch import Tensor

if not hasattr(torch.ops.mkldnn, "_linear_pointwise"):
    # schemas as libtorch 2.7.1 registers them (aten/src/ATen/native/mkldnn/RegisterMkldnnOpContextClass.cpp)
    # (a fragment: 1.13 registers other mkldnn operators already; torch.library.Library of 1.13 offers no fragments)
    _ONEDNN = torch._C._dispatch_library("FRAGMENT", "mkldnn", "", __file__, 0)
    _ONEDNN.define("_linear_pointwise(Tensor X, Tensor W, Tensor? B, str attr, Scalar?[] scalars, str? algorithm) "
                   "-> Tensor Y", "")
    _ONEDNN.define("_reorder_linear_weight(Tensor self, int? batch_size=None) -> Tensor Y", "")


def _project(w: Tensor, b: Tensor, x: Tensor) -> Tensor:
    # x: [B, in]; one row is a matrix-vector product (faster on the CPU), a few rows (W x^T)^T, as in DenseLinear
    if x.size(0) == 1:
        y = torch.mv(w, x[0]).unsqueeze(0)
    else:
        y = torch.mm(w, x.t()).t()
    if b.numel() > 0:
        y = y + b
    return y


def _project_rows(w: Tensor, b: Tensor, packed: List[Tensor], j: int, x: Tensor) -> Tensor:
    # several rows through oneDNN when the decoder packed its weights (then `packed` holds one tensor per weight and
    # is not empty), else _project
    if x.size(0) > 1 and len(packed) > 0:
        y = torch.ops.mkldnn._linear_pointwise(x, packed[j], None, "none", [], None)
        if b.numel() > 0:
            y = y + b
        return y
    return _project(w, b, x)


def _rms_norm(x: Tensor, w: Tensor, eps: float) -> Tensor:
    x32 = x.float()
    normed = x32 / torch.sqrt(x32.square().mean(-1, keepdim=True) + eps)
    return normed.to(x.dtype) * w


def _act(x: Tensor, act: int) -> Tensor:
    if act == 0:
        return x * torch.sigmoid(x)  # silu
    if act == 1:
        return torch.nn.functional.gelu(x)
    if act == 2:
        return torch.nn.functional.gelu(x, approximate="tanh")
    if act == 3:
        return x * torch.sigmoid(1.702 * x)  # quick_gelu
    return torch.relu(x)


class LlamaDecodeStep(torch.nn.Module):
    def forward(self, x: Tensor, positions: Tensor, mask: Tensor, tables: List[Tensor], norms: List[Tensor],
                weights: List[Tensor], biases: List[Tensor], packed: List[Tensor], keys: List[Tensor],
                values: List[Tensor], config: List[int], eps: float) -> Tensor:
        """One new position per row.

        x: [B, 1, hidden] input embeddings; positions: [B, 1] int64 rotary positions; mask: additive, [B, 1, 1, 1, S]
        over the cache's S = length + 1 positions, or an empty tensor for none; tables: cos [P, D], sin [P, D], rotate_half
        [D, D]; norms: input and post-attention norm per layer, then the final norm; weights: qkv (stacked), o,
        gate_up (stacked), down per layer; biases: the same four per layer, an empty tensor where a layer has
        none; packed: the weights in oneDNN's layout (pack_linear_weights.pt), used for steps of several rows, or
        fewer tensors than weights (the Java side passes one empty tensor) for none; keys/values: per layer [capacity, B, kvHeads, D], written at position `length`;
        config: [length, heads, kvHeads, headDim, intermediate, activation].
        Returns [B, 1, hidden] after the final norm.
        """
        length = config[0]
        heads = config[1]
        kv_heads = config[2]
        d = config[3]
        ff = config[4]
        act = config[5]
        groups = heads // kv_heads
        b = x.size(0)
        hidden = x.size(2)
        x = x.reshape(b, hidden)
        cos = tables[0][positions]  # [B, 1, D], broadcast over heads
        sin = tables[1][positions]
        rot = tables[2]
        scale = 1.0 / float(d) ** 0.5
        layers = len(weights) // 4
        if len(packed) != len(weights):
            packed = []  # the Java side passes one empty tensor when it packed nothing
        for i in range(layers):
            y = _rms_norm(x, norms[2 * i], eps)
            qkv = _project_rows(weights[4 * i], biases[4 * i], packed, 4 * i, y)
            qk = qkv[:, :(heads + kv_heads) * d].reshape(b, heads + kv_heads, d)
            qk = qk * cos + torch.matmul(qk, rot) * sin
            q = qk[:, :heads]
            k = qk[:, heads:]
            v = qkv[:, (heads + kv_heads) * d:].reshape(b, kv_heads, d)
            keys[i][length] = k
            values[i][length] = v
            kc = keys[i][:length + 1]  # [S, B, kvH, D]
            vc = values[i][:length + 1]
            s = length + 1
            # q heads h = kv * groups + g share their KV head's keys, as transformers' repeat_kv orders them
            scores = torch.matmul(q.reshape(b, kv_heads, groups, d), kc.permute(1, 2, 3, 0)) * scale
            if mask.numel() > 0:
                scores = scores + mask.reshape(b, 1, 1, s)
            if scores.dtype == torch.float32:
                probs = torch.softmax(scores, -1)
            else:
                probs = torch.softmax(scores.float(), -1).to(scores.dtype)
            ctx = torch.matmul(probs, vc.permute(1, 2, 0, 3)).reshape(b, heads * d)
            x = x + _project_rows(weights[4 * i + 1], biases[4 * i + 1], packed, 4 * i + 1, ctx)
            y = _rms_norm(x, norms[2 * i + 1], eps)
            gu = _project_rows(weights[4 * i + 2], biases[4 * i + 2], packed, 4 * i + 2, y)
            h = _act(gu[:, :ff], act) * gu[:, ff:]
            x = x + _project_rows(weights[4 * i + 3], biases[4 * i + 3], packed, 4 * i + 3, h)
        return _rms_norm(x, norms[2 * layers], eps).reshape(b, 1, hidden)


class PackLinearWeights(torch.nn.Module):
    def forward(self, weights: List[Tensor]) -> List[Tensor]:
        """Each [out, in] fp32 weight reordered by oneDNN for single rows, the layout that served 1 and 8 rows best."""
        return [torch.ops.mkldnn._reorder_linear_weight(w, 1) for w in weights]


class PackedLinear(torch.nn.Module):
    def forward(self, x: Tensor, packed: List[Tensor]) -> Tensor:
        """x [B, in] times the packed weight packed[0] (PackLinearWeights), no bias: the lm_head of several rows."""
        return torch.ops.mkldnn._linear_pointwise(x, packed[0], None, "none", [], None)


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    torch.jit.script(LlamaDecodeStep()).save(os.path.join(sys.argv[1], "llama_decode_step.pt"))
    torch.jit.script(PackLinearWeights()).save(os.path.join(sys.argv[1], "pack_linear_weights.pt"))
    torch.jit.script(PackedLinear()).save(os.path.join(sys.argv[1], "packed_linear.pt"))


if __name__ == "__main__":
    main()
