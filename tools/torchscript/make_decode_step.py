#!/usr/bin/env python3
"""Writes the TorchScript program that runs one decode step of a Llama-style decoder inside libtorch.

The program holds no weights: LlamaDecoder (core/) passes its own tensors (the ones WeightLoader read from the
checkpoint), the KV cache and the step's positions on every call, so one file serves every checkpoint of the
architecture. It exists because a decode step is about 600 small tensor operations, and issuing each of them from
Java through DJL's JNI costs more than the operation itself; inside TorchScript's interpreter they cost a few
microseconds each. The numbers it computes are those of the Java path (LlamaDecoder.forward), which the golden tests
compare with an independent PyTorch model; the Java tests compare this program with that path.

Usage (Debian's python3-torch; the output is committed):
    python3 tools/torchscript/make_decode_step.py core/src/main/resources/io/unimllm/core/model/llama_decode_step.pt
"""
import sys
from typing import List

import torch
from torch import Tensor


def _project(w: Tensor, b: Tensor, x: Tensor) -> Tensor:
    # x: [B, in]; one row is a matrix-vector product (faster on the CPU), a few rows (W x^T)^T, as in DenseLinear
    if x.size(0) == 1:
        y = torch.mv(w, x[0]).unsqueeze(0)
    else:
        y = torch.mm(w, x.t()).t()
    if b.numel() > 0:
        y = y + b
    return y


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
                weights: List[Tensor], biases: List[Tensor], keys: List[Tensor], values: List[Tensor],
                config: List[int], eps: float) -> Tensor:
        """One new position per row.

        x: [B, 1, hidden] input embeddings; positions: [B, 1] int64 rotary positions; mask: additive, [B, 1, 1, 1, S]
        over the cache's S = length + 1 positions, or an empty tensor for none; tables: cos [P, D], sin [P, D], rotate_half
        [D, D]; norms: input and post-attention norm per layer, then the final norm; weights: qkv (stacked), o,
        gate_up (stacked), down per layer; biases: the same four per layer, an empty tensor where a layer has
        none; keys/values: per layer [capacity, B, kvHeads, D], written at position `length`;
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
        for i in range(layers):
            y = _rms_norm(x, norms[2 * i], eps)
            qkv = _project(weights[4 * i], biases[4 * i], y)
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
            x = x + _project(weights[4 * i + 1], biases[4 * i + 1], ctx)
            y = _rms_norm(x, norms[2 * i + 1], eps)
            gu = _project(weights[4 * i + 2], biases[4 * i + 2], y)
            h = _act(gu[:, :ff], act) * gu[:, ff:]
            x = x + _project(weights[4 * i + 3], biases[4 * i + 3], h)
        return _rms_norm(x, norms[2 * layers], eps).reshape(b, 1, hidden)


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    torch.jit.script(LlamaDecodeStep()).save(sys.argv[1])


if __name__ == "__main__":
    main()
