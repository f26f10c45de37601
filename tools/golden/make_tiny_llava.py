#!/usr/bin/python3
"""Builds tiny random LLaVA-style checkpoints and reference outputs for unimllm's golden tests.

Written in plain PyTorch from the published architecture (CLIP ViT, two-layer MLP projector, Llama or Qwen2 decoder as
in Hugging Face transformers' modeling_clip.py / modeling_llava.py / modeling_llama.py / modeling_qwen2.py),
independently of the Java code. Qwen2 differs from Llama here only in Qwen2Attention's projections: q_proj, k_proj and
v_proj have biases, o_proj has none (and its configs use a large rope_theta).
It needs only Debian's python3-torch, numpy and PIL:

    /usr/bin/python3 tools/golden/make_tiny_llava.py core/src/test/resources/golden

Outputs, per model directory: config.json, weights (model.safetensors or shards + index), preprocessor_config.json,
reference.safetensors (arrays) and reference.json (token ids, greedy continuations). Deterministic under its seeds.
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

torch.set_grad_enabled(False)

# ---------------------------------------------------------------- safetensors (hand-written, independent of Java)
DTYPES = {torch.float32: "F32", torch.bfloat16: "BF16", torch.float16: "F16", torch.int64: "I64"}


def tensor_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().tobytes()
    return t.numpy().tobytes()


def save_safetensors(path, tensors, metadata=None):
    header, blobs, off = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        b = tensor_bytes(t)
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def save_sharded(dirname, tensors, shards):
    names = list(tensors)
    per = math.ceil(len(names) / shards)
    weight_map, total = {}, 0
    for i in range(shards):
        part = names[i * per:(i + 1) * per]
        fname = "model-%05d-of-%05d.safetensors" % (i + 1, shards)
        save_safetensors(os.path.join(dirname, fname), {n: tensors[n] for n in part}, {"format": "pt"})
        for n in part:
            weight_map[n] = fname
            total += tensors[n].numel() * tensors[n].element_size()
    with open(os.path.join(dirname, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)


# ---------------------------------------------------------------- the reference model
def quick_gelu(x):
    return x * torch.sigmoid(1.702 * x)


ACT = {"quick_gelu": quick_gelu, "gelu": lambda x: F.gelu(x), "silu": F.silu,
       "gelu_pytorch_tanh": lambda x: F.gelu(x, approximate="tanh")}


def layer_norm(x, w, b, eps):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps) * w + b


def rms_norm(x, w, eps):
    return w * (x * torch.rsqrt((x * x).mean(-1, keepdim=True) + eps))


def linear(x, W, name, bias=False):
    y = x @ W[name + ".weight"].T
    if bias:
        y = y + W[name + ".bias"]
    return y


def clip_hidden_states(W, p, vc, pixels):
    """All hidden states of the CLIP vision encoder: [embeddings after pre_layrnorm, layer 1, ..., layer L]."""
    B = pixels.shape[0]
    h, heads, ps = vc["hidden_size"], vc["num_attention_heads"], vc["patch_size"]
    patches = F.conv2d(pixels, W[p + "embeddings.patch_embedding.weight"], stride=ps)  # [B,h,g,g]
    patches = patches.flatten(2).transpose(1, 2)
    cls = W[p + "embeddings.class_embedding"].expand(B, 1, h)
    x = torch.cat([cls, patches], 1) + W[p + "embeddings.position_embedding.weight"][None]
    x = layer_norm(x, W[p + "pre_layrnorm.weight"], W[p + "pre_layrnorm.bias"], vc["layer_norm_eps"])
    states = [x]
    d = h // heads
    for i in range(vc["num_hidden_layers"]):
        l = p + "encoder.layers.%d." % i
        r = x
        x = layer_norm(x, W[l + "layer_norm1.weight"], W[l + "layer_norm1.bias"], vc["layer_norm_eps"])
        q = linear(x, W, l + "self_attn.q_proj", True).view(B, -1, heads, d).transpose(1, 2)
        k = linear(x, W, l + "self_attn.k_proj", True).view(B, -1, heads, d).transpose(1, 2)
        v = linear(x, W, l + "self_attn.v_proj", True).view(B, -1, heads, d).transpose(1, 2)
        a = torch.softmax((q @ k.transpose(-1, -2)) / math.sqrt(d), -1) @ v
        x = r + linear(a.transpose(1, 2).reshape(B, -1, h), W, l + "self_attn.out_proj", True)
        r = x
        x = layer_norm(x, W[l + "layer_norm2.weight"], W[l + "layer_norm2.bias"], vc["layer_norm_eps"])
        x = linear(ACT[vc["hidden_act"]](linear(x, W, l + "mlp.fc1", True)), W, l + "mlp.fc2", True)
        x = r + x
        states.append(x)
    return states


def rope(x, pos, theta):
    d = x.shape[-1]
    inv = 1.0 / (theta ** (torch.arange(0, d, 2, dtype=torch.float64) / d))
    ang = pos[:, None].double() * inv[None]
    emb = torch.cat([ang, ang], -1)
    cos, sin = emb.cos().float(), emb.sin().float()
    rot = torch.cat([-x[..., d // 2:], x[..., :d // 2]], -1)
    return x * cos + rot * sin


def qkv_bias(tc):
    """modeling_qwen2.Qwen2Attention: bias=True on q/k/v, False on o; modeling_llama: attention_bias on all four."""
    return tc["model_type"] == "qwen2" or tc.get("attention_bias", False)


def o_bias(tc):
    return tc["model_type"] != "qwen2" and tc.get("attention_bias", False)


def llama_forward(W, p, tc, emb):
    """Full (no cache) forward of one sequence [T, h]; returns hidden states after the final norm."""
    T, h = emb.shape
    H, KV = tc["num_attention_heads"], tc["num_key_value_heads"]
    d = h // H
    pos = torch.arange(T)
    mask = torch.full((T, T), float("-inf")).triu(1)
    x = emb
    for i in range(tc["num_hidden_layers"]):
        l = p + "layers.%d." % i
        r = x
        y = rms_norm(x, W[l + "input_layernorm.weight"], tc["rms_norm_eps"])
        qb = qkv_bias(tc)
        q = linear(y, W, l + "self_attn.q_proj", qb).view(T, H, d).transpose(0, 1)
        k = linear(y, W, l + "self_attn.k_proj", qb).view(T, KV, d).transpose(0, 1)
        v = linear(y, W, l + "self_attn.v_proj", qb).view(T, KV, d).transpose(0, 1)
        q, k = rope(q, pos, tc["rope_theta"]), rope(k, pos, tc["rope_theta"])
        k = k.repeat_interleave(H // KV, 0)
        v = v.repeat_interleave(H // KV, 0)
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + mask, -1) @ v
        x = r + linear(a.transpose(0, 1).reshape(T, H * d), W, l + "self_attn.o_proj", o_bias(tc))
        r = x
        y = rms_norm(x, W[l + "post_attention_layernorm.weight"], tc["rms_norm_eps"])
        y = linear(ACT[tc["hidden_act"]](linear(y, W, l + "mlp.gate_proj")) * linear(y, W, l + "mlp.up_proj"),
                   W, l + "mlp.down_proj")
        x = r + y
    return rms_norm(x, W[p + "norm.weight"], tc["rms_norm_eps"])


class Tiny:
    def __init__(self, cfg, W, names):
        self.cfg, self.W = cfg, W
        self.dec, self.head, self.vis, self.proj = names

    def image_features(self, pixels):
        cfg = self.cfg
        states = clip_hidden_states(self.W, self.vis, cfg["vision_config"], pixels)
        feats = states[cfg["vision_feature_layer"]]
        if cfg["vision_feature_select_strategy"] == "default":
            feats = feats[:, 1:]
        x = linear(feats, self.W, self.proj + "linear_1", True)
        x = linear(ACT[cfg["projector_hidden_act"]](x), self.W, self.proj + "linear_2", True)
        return feats, x

    def embed(self, ids, image_feats=None):
        table = self.W[self.dec + "embed_tokens.weight"]
        parts = []
        for t in ids:
            if t == self.cfg["image_token_index"]:
                parts.append(image_feats)
            else:
                parts.append(table[t][None])
        return torch.cat(parts, 0)

    def lm_head(self):
        return self.W[self.head] if self.head else self.W[self.dec + "embed_tokens.weight"]

    def logits(self, emb):
        hidden = llama_forward(self.W, self.dec, self.cfg["text_config"], emb)
        return hidden, hidden @ self.lm_head().T

    def greedy(self, ids, image_feats, steps):
        """Greedy continuation by full recompute; also returns the smallest top-1/top-2 logit margin."""
        table = self.W[self.dec + "embed_tokens.weight"]
        emb = self.embed(ids, image_feats)
        out, margin = [], float("inf")
        for _ in range(steps):
            _, lg = self.logits(emb)
            top = torch.topk(lg[-1], 2)
            margin = min(margin, float(top.values[0] - top.values[1]))
            t = int(top.indices[0])
            out.append(t)
            emb = torch.cat([emb, table[t][None]], 0)
        return out, margin


# ---------------------------------------------------------------- building
def random_weights(cfg, names, gen, tied):
    tc, vc = cfg["text_config"], cfg["vision_config"]
    dec, head, vis, proj = names
    W = {}

    def rnd(*shape, std):
        return torch.randn(*shape, generator=gen) * std

    def lin(name, out, inp, bias):
        W[name + ".weight"] = rnd(out, inp, std=1.0 / math.sqrt(inp))
        if bias:
            W[name + ".bias"] = rnd(out, std=0.1)

    def norm(name, n, bias):
        W[name + ".weight"] = 1.0 + rnd(n, std=0.1)
        if bias:
            W[name + ".bias"] = rnd(n, std=0.1)

    h, ps, ch = vc["hidden_size"], vc["patch_size"], vc["num_channels"]
    n = (vc["image_size"] // ps) ** 2
    W[vis + "embeddings.class_embedding"] = rnd(h, std=0.5)
    W[vis + "embeddings.patch_embedding.weight"] = rnd(h, ch, ps, ps, std=1.0 / math.sqrt(ch * ps * ps))
    W[vis + "embeddings.position_embedding.weight"] = rnd(n + 1, h, std=0.5)
    norm(vis + "pre_layrnorm", h, True)
    for i in range(vc["num_hidden_layers"]):
        l = vis + "encoder.layers.%d." % i
        norm(l + "layer_norm1", h, True)
        for pr in ("q_proj", "k_proj", "v_proj", "out_proj"):
            lin(l + "self_attn." + pr, h, h, True)
        norm(l + "layer_norm2", h, True)
        lin(l + "mlp.fc1", vc["intermediate_size"], h, True)
        lin(l + "mlp.fc2", h, vc["intermediate_size"], True)
    norm(vis + "post_layernorm", h, True)  # present in CLIP checkpoints, unused by LLaVA
    th = tc["hidden_size"]
    lin(proj + "linear_1", th, h, True)
    lin(proj + "linear_2", th, th, True)
    W[dec + "embed_tokens.weight"] = rnd(tc["vocab_size"], th, std=1.0)
    H, KV = tc["num_attention_heads"], tc["num_key_value_heads"]
    d = th // H
    ff = tc["intermediate_size"]
    for i in range(tc["num_hidden_layers"]):
        l = dec + "layers.%d." % i
        norm(l + "input_layernorm", th, False)
        lin(l + "self_attn.q_proj", H * d, th, qkv_bias(tc))
        lin(l + "self_attn.k_proj", KV * d, th, qkv_bias(tc))
        lin(l + "self_attn.v_proj", KV * d, th, qkv_bias(tc))
        lin(l + "self_attn.o_proj", th, H * d, o_bias(tc))
        norm(l + "post_attention_layernorm", th, False)
        lin(l + "mlp.gate_proj", ff, th, False)
        lin(l + "mlp.up_proj", ff, th, False)
        lin(l + "mlp.down_proj", th, ff, False)
    norm(dec + "norm", th, False)
    if not tied:
        W[head] = rnd(tc["vocab_size"], th, std=2.0 / math.sqrt(th))
    return W


def test_image(gen):
    """A small non-square RGB image: smooth gradients plus noise (exercises bicubic resampling)."""
    w, h = 37, 23
    ys, xs = np.mgrid[0:h, 0:w]
    noise = torch.rand(h, w, 3, generator=gen).numpy()
    img = np.stack([xs / w, ys / h, (xs + ys) / (w + h)], -1) * 0.7 + noise * 0.3
    return Image.fromarray((img * 255).round().astype(np.uint8), "RGB")


def pil_preprocess(img, size, mode, mean, std):
    """LLaVA / CLIPImageProcessor pipeline with PIL, as the Python processors do it."""
    if mode == "pad":
        w, h = img.size
        side = max(w, h)
        bg = tuple(int(m * 255) for m in mean)
        sq = Image.new("RGB", (side, side), bg)
        sq.paste(img, ((side - w) // 2, (side - h) // 2))
        img = sq.resize((size, size), Image.BICUBIC)
    else:
        w, h = img.size
        if w <= h:
            nw, nh = size, int(size * h / w)
        else:
            nh, nw = size, int(size * w / h)
        img = img.resize((nw, nh), Image.BICUBIC)
        top, left = (nh - size) // 2, (nw - size) // 2
        img = img.crop((left, top, left + size, top + size))
    a = np.asarray(img).astype(np.float32) / 255.0
    a = (a - np.array(mean, np.float32)) / np.array(std, np.float32)
    return torch.from_numpy(a.transpose(2, 0, 1).copy())


MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]


def build(out_dir, variant, seed):
    gen = torch.Generator().manual_seed(seed)
    tied = variant["tied"]
    vocab = 160
    cfg = {
        "architectures": ["LlavaForConditionalGeneration"],
        "model_type": "llava",
        "image_token_index": 150,
        "projector_hidden_act": "gelu",
        "vision_feature_layer": variant["feature_layer"],
        "vision_feature_select_strategy": variant["strategy"],
        "tie_word_embeddings": tied,
        "text_config": {
            "model_type": "llama", "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2,
            "num_attention_heads": 4, "num_key_value_heads": variant["kv_heads"], "rms_norm_eps": 1e-5,
            "rope_theta": 10000.0, "vocab_size": vocab, "max_position_embeddings": 64, "hidden_act": "silu",
            "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0, "tie_word_embeddings": tied,
        },
        "vision_config": {
            "model_type": "clip_vision_model", "hidden_size": 24, "intermediate_size": 48, "num_hidden_layers": 3,
            "num_attention_heads": 4, "image_size": 16, "patch_size": 4, "num_channels": 3,
            "layer_norm_eps": 1e-5, "hidden_act": "quick_gelu",
        },
    }
    if variant.get("decoder") == "qwen2":
        # the fields a Qwen2Config carries (as llava-interleave-qwen-0.5b-hf's text_config does): no attention_bias
        # field, a large rope_theta, and the sliding-window settings switched off
        tc = cfg["text_config"]
        tc["model_type"] = "qwen2"
        tc["rope_theta"] = 1000000.0
        tc["rms_norm_eps"] = 1e-6
        tc.update({"use_sliding_window": False, "sliding_window": 16, "max_window_layers": 1})
        cfg["architectures"] = ["LlavaForConditionalGeneration"]
    names = variant["names"]
    W = random_weights(cfg, names, gen, tied)
    if variant["dtype"] == torch.bfloat16:
        # the reference computes in fp32 from the bf16-rounded weights, as a runtime upcasting them does
        W = {k: v.to(torch.bfloat16).float() for k, v in W.items()}
    model = Tiny(cfg, W, names)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    stored = {k: v.to(variant["dtype"]) for k, v in W.items()}
    if variant["shards"] > 1:
        save_sharded(out_dir, stored, variant["shards"])
    else:
        save_safetensors(os.path.join(out_dir, "model.safetensors"), stored, {"format": "pt"})
    with open(os.path.join(out_dir, "preprocessor_config.json"), "w") as f:
        json.dump({"crop_size": {"height": 16, "width": 16}, "size": {"shortest_edge": 16}, "image_mean": MEAN,
                   "image_std": STD, "rescale_factor": 1 / 255, "resample": 3,
                   "image_processor_type": "CLIPImageProcessor"}, f, indent=2)

    img = test_image(gen)
    img.save(os.path.join(out_dir, "test-image.png"))
    px_crop = pil_preprocess(img, 16, "crop", MEAN, STD)
    px_pad = pil_preprocess(img, 16, "pad", MEAN, STD)
    pixels = torch.stack([px_crop, torch.randn(3, 16, 16, generator=gen)])
    feats, proj = model.image_features(pixels)

    ref, doc = {"pixel_values": pixels, "pil_crop": px_crop, "pil_pad": px_pad, "vision_features": feats,
                "image_features": proj}, {}
    best = None
    for attempt in range(50):
        ids = [1] + torch.randint(3, 140, (2,), generator=gen).tolist() + [150] + \
            torch.randint(3, 140, (4,), generator=gen).tolist()
        tokens, margin = model.greedy(ids, proj[0], 12)
        if best is None or margin > best[2]:
            best = (ids, tokens, margin)
        if margin > 0.05:
            break
    ids, tokens, margin = best
    assert margin > 0.01, "no prompt with a safe greedy margin found"
    hidden, logits = model.logits(model.embed(ids, proj[0]))
    ref["prefill_logits"] = logits
    ref["prefill_hidden_last"] = hidden[-1]
    # hidden state at the position of the first generated token (what a kept special token's state is)
    first, _ = model.logits(model.embed(ids + [tokens[0]], proj[0]))
    ref["first_token_hidden"] = first[-1]
    doc["image_prompt"] = {"ids": ids, "greedy": tokens, "min_margin": margin}
    texts = []
    for length in (3, 9, 5):
        for attempt in range(50):
            tids = [1] + torch.randint(3, 140, (length - 1,), generator=gen).tolist()
            toks, m = model.greedy(tids, None, 8)
            if m > 0.05:
                break
        _, lg = model.logits(model.embed(tids))
        ref["text_last_logits_%d" % len(texts)] = lg[-1]
        texts.append({"ids": tids, "greedy": toks, "min_margin": m})
    doc["text_prompts"] = texts
    save_safetensors(os.path.join(out_dir, "reference.safetensors"), {k: v.contiguous() for k, v in ref.items()})
    with open(os.path.join(out_dir, "reference.json"), "w") as f:
        json.dump(doc, f, indent=2)
    print(out_dir, "image prompt margin %.4f" % margin, [t["min_margin"] for t in texts])


VARIANTS = {
    # HF llava-1.5 layout, fp32, GQA (4 query heads share 2 kv heads), untied lm_head, drop the class token
    "tiny-llava": {"names": ("language_model.model.", "language_model.lm_head.weight", "vision_tower.vision_model.",
                             "multi_modal_projector."),
                   "dtype": torch.float32, "kv_heads": 2, "tied": False, "shards": 1, "feature_layer": -2,
                   "strategy": "default"},
    # newer HF layout, bf16 in 3 shards, multi-head attention, tied embeddings, keep the class token, last layer
    "tiny-llava-tied": {"names": ("model.language_model.", None, "model.vision_tower.vision_model.",
                                  "model.multi_modal_projector."),
                        "dtype": torch.bfloat16, "kv_heads": 4, "tied": True, "shards": 3, "feature_layer": -1,
                        "strategy": "full"},
    # Qwen2 decoder (q/k/v biases, no o_proj bias, rope_theta 1e6), fp32, GQA, untied lm_head, newer weight names
    "tiny-llava-qwen2": {"names": ("model.language_model.", "lm_head.weight", "model.vision_tower.vision_model.",
                                   "model.multi_modal_projector."),
                         "dtype": torch.float32, "kv_heads": 2, "tied": False, "shards": 1, "feature_layer": -2,
                         "strategy": "default", "decoder": "qwen2"},
    # Qwen2 decoder with tied embeddings (as Qwen2-0.5B ties them), fp32, multi-head attention, llava-1.5 names
    "tiny-llava-qwen2-tied": {"names": ("language_model.model.", None, "vision_tower.vision_model.",
                                        "multi_modal_projector."),
                              "dtype": torch.float32, "kv_heads": 4, "tied": True, "shards": 1, "feature_layer": -1,
                              "strategy": "full", "decoder": "qwen2"},
}

if __name__ == "__main__":
    root = sys.argv[1] if len(sys.argv) > 1 else "core/src/test/resources/golden"
    for i, (name, variant) in enumerate(VARIANTS.items()):
        build(os.path.join(root, name), variant, 1234 + i)
