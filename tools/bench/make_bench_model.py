#!/usr/bin/python3
"""Writes a random Llama-style checkpoint for the benchmark (config.json + model.safetensors, F32 or F16).

    /usr/bin/python3 tools/bench/make_bench_model.py bench-out/llama-200m [--dtype F32] [--tokenizer path/tokenizer.json]

Default shape: hidden 1024, 12 layers, 16 heads / 4 KV heads (GQA), SwiGLU 2816, vocab 32000 (Llama-2's, so the
Llama-2 tokenizer.json fits when a peer runtime insists on one): about 200M parameters. Seeded, numpy only.
"""
import argparse
import json
import os
import shutil
import struct

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--hidden", type=int, default=1024)
    ap.add_argument("--layers", type=int, default=12)
    ap.add_argument("--heads", type=int, default=16)
    ap.add_argument("--kv-heads", type=int, default=4)
    ap.add_argument("--intermediate", type=int, default=2816)
    ap.add_argument("--vocab", type=int, default=32000)
    ap.add_argument("--max-pos", type=int, default=2048)
    ap.add_argument("--dtype", default="F32", choices=["F32", "F16"])
    ap.add_argument("--tokenizer", help="tokenizer.json to copy next to the weights")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    rng = np.random.default_rng(a.seed)
    np_dtype = np.float32 if a.dtype == "F32" else np.float16
    h, d = a.hidden, a.hidden // a.heads
    tensors = {}

    def mat(name, out, inp):
        tensors[name] = (rng.standard_normal((out, inp), dtype=np.float32) / np.sqrt(inp)).astype(np_dtype)

    def vec(name, n):
        tensors[name] = (1.0 + 0.1 * rng.standard_normal(n, dtype=np.float32)).astype(np_dtype)

    tensors["model.embed_tokens.weight"] = rng.standard_normal((a.vocab, h), dtype=np.float32).astype(np_dtype)
    for i in range(a.layers):
        p = "model.layers.%d." % i
        vec(p + "input_layernorm.weight", h)
        mat(p + "self_attn.q_proj.weight", a.heads * d, h)
        mat(p + "self_attn.k_proj.weight", a.kv_heads * d, h)
        mat(p + "self_attn.v_proj.weight", a.kv_heads * d, h)
        mat(p + "self_attn.o_proj.weight", h, a.heads * d)
        vec(p + "post_attention_layernorm.weight", h)
        mat(p + "mlp.gate_proj.weight", a.intermediate, h)
        mat(p + "mlp.up_proj.weight", a.intermediate, h)
        mat(p + "mlp.down_proj.weight", h, a.intermediate)
    vec("model.norm.weight", h)
    mat("lm_head.weight", a.vocab, h)

    header, off = {"__metadata__": {"format": "pt"}}, 0
    for name, t in tensors.items():
        header[name] = {"dtype": a.dtype, "shape": list(t.shape), "data_offsets": [off, off + t.nbytes]}
        off += t.nbytes
    hb = json.dumps(header, separators=(",", ":")).encode()
    hb += b" " * ((8 - len(hb) % 8) % 8)
    with open(os.path.join(a.out, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for t in tensors.values():
            f.write(np.ascontiguousarray(t).tobytes())
    config = {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": h, "num_hidden_layers": a.layers,
        "num_attention_heads": a.heads, "num_key_value_heads": a.kv_heads, "intermediate_size": a.intermediate,
        "vocab_size": a.vocab, "max_position_embeddings": a.max_pos, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
        "hidden_act": "silu", "tie_word_embeddings": False, "bos_token_id": 1, "eos_token_id": 2,
        "torch_dtype": "float32" if a.dtype == "F32" else "float16",
    }
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    if a.tokenizer:
        shutil.copy(a.tokenizer, os.path.join(a.out, "tokenizer.json"))
        cfg = os.path.join(os.path.dirname(a.tokenizer), "tokenizer_config.json")
        if os.path.exists(cfg):
            shutil.copy(cfg, os.path.join(a.out, "tokenizer_config.json"))
    params = sum(t.size for t in tensors.values())
    print("wrote %s: %.1fM parameters, %.0f MB" % (a.out, params / 1e6, off / 1e6))


if __name__ == "__main__":
    main()
