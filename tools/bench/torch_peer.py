#!/usr/bin/python3
"""PyTorch-eager peer for unimllm's decoder benchmark: the same checkpoint, the same prompts, the same timing rules.

    /usr/bin/python3 tools/bench/torch_peer.py --model bench-out/llama-200m [--prompt-tokens 128] [--new-tokens 64]
        [--warmup 2] [--runs 5] [--threads N] [--batch 1,8]

Reads config.json + model.safetensors (parsed by hand: 8-byte header length, JSON header, raw little-endian data;
F32 or F16/BF16 widened to F32), runs a plain Llama forward in torch eager mode (RMSNorm, rotate-half RoPE, grouped-query
attention, SwiGLU, a preallocated KV cache) under torch.inference_mode, greedy decoding that ignores EOS.

Timing mirrors unimllm's Generator: prefill = forward over the prompt + choice of the first new token; decode = the
remaining new_tokens - 1 steps; tok/s counts all rows (batch * tokens / seconds). Prompts mirror unimllm's BenchCommand:
BOS (id 1) then ids uniform in [3, vocab) from java.util.Random(42 + batch), re-implemented here bit for bit.

Prints one JSON line per batch size, then a matrix-vector bandwidth probe (fp32 8192x8192 @ vector, median of 20).
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy as np


def _threads_arg(argv):
    for i, x in enumerate(argv):
        if x == "--threads" and i + 1 < len(argv):
            return argv[i + 1]
        if x.startswith("--threads="):
            return x.split("=", 1)[1]
    return None


# Debian's torch calls OpenBLAS (its own pthread pool, sized to all cores) for matmuls besides its OpenMP pool:
# size both from --threads, and before torch loads, so that --threads really bounds the compute threads. The two pools
# also spin-wait against each other after every call: a passive OpenMP pool stops the ~10 ms stall that cost each small
# OpenMP-parallel op (softmax, exp) right after an OpenBLAS gemv. Both are defaults: the environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
if _threads_arg(sys.argv):
    os.environ.setdefault("OPENBLAS_NUM_THREADS", _threads_arg(sys.argv))
    os.environ.setdefault("OMP_NUM_THREADS", _threads_arg(sys.argv))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


class JavaRandom:
    """java.util.Random (48-bit LCG), enough of it for nextInt(bound)."""

    MASK = (1 << 48) - 1

    def __init__(self, seed):
        self.seed = (seed ^ 0x5DEECE66D) & self.MASK

    def _next(self, bits):
        self.seed = (self.seed * 0x5DEECE66D + 0xB) & self.MASK
        r = self.seed >> (48 - bits)
        return r - (1 << 32) if r >= 1 << 31 else r  # (int) cast: only next(32) can come out negative

    def next_int(self, bound):
        if bound & -bound == bound:
            return (bound * self._next(31)) >> 31
        while True:
            u = self._next(31)
            r = u % bound
            if u - r + (bound - 1) < (1 << 31):  # Java's int-overflow rejection test
                return r


def prompts(batch, length, vocab):
    rnd = JavaRandom(42 + batch)
    rows = []
    for _ in range(batch):
        rows.append([1] + [3 + rnd.next_int(vocab - 3) for _ in range(length - 1)])
    return torch.tensor(rows, dtype=torch.long)


def load_safetensors(path):
    """Maps the file and returns {name: float32 tensor} (copied into torch-owned, aligned memory)."""
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
    raw = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + n)
    dtypes = {"F32": np.float32, "F16": np.float16, "BF16": np.uint16}
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        if meta["dtype"] not in dtypes:
            raise ValueError("%s: tensor %s has dtype %s, expected one of %s"
                             % (path, name, meta["dtype"], sorted(dtypes)))
        b, e = meta["data_offsets"]
        a = np.frombuffer(raw[b:e], dtype=dtypes[meta["dtype"]]).reshape(meta["shape"])
        if meta["dtype"] == "BF16":
            a = (a.astype(np.uint32) << 16).view(np.float32)
        out[name] = torch.from_numpy(np.array(a, dtype=np.float32))
    return out


def linear(x, w):
    """x @ w.T; a single row goes through torch.mv: Debian's torch hands a 1-row F.linear to OpenBLAS sgemm, which
    repacks the whole weight matrix on every call (about 3x slower than gemv for batch-1 decode)."""
    if x.numel() == x.shape[-1]:
        return torch.mv(w, x.reshape(-1)).view(*x.shape[:-1], w.shape[0])
    return F.linear(x, w)


class Llama:
    """Llama decoder in eager torch ops; weights in HF layout ([out, in] linear matrices)."""

    def __init__(self, cfg, w):
        self.h = cfg["hidden_size"]
        self.layers = cfg["num_hidden_layers"]
        self.heads = cfg["num_attention_heads"]
        self.kv_heads = cfg.get("num_key_value_heads", self.heads)
        self.d = self.h // self.heads
        self.eps = cfg.get("rms_norm_eps", 1e-6)
        self.vocab = cfg["vocab_size"]
        self.max_pos = cfg.get("max_position_embeddings", 2048)
        self.embed = w["model.embed_tokens.weight"]
        self.lm_head = w["lm_head.weight"] if "lm_head.weight" in w else self.embed
        self.norm = w["model.norm.weight"]
        self.blocks = []
        for i in range(self.layers):
            p = "model.layers.%d." % i
            self.blocks.append({k: w[p + k] for k in (
                "input_layernorm.weight", "self_attn.q_proj.weight", "self_attn.k_proj.weight",
                "self_attn.v_proj.weight", "self_attn.o_proj.weight", "post_attention_layernorm.weight",
                "mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight")})
        theta = cfg.get("rope_theta", 10000.0)
        inv = 1.0 / (theta ** (torch.arange(0, self.d, 2, dtype=torch.float64) / self.d))
        freqs = torch.outer(torch.arange(self.max_pos, dtype=torch.float64), inv)
        emb = torch.cat([freqs, freqs], dim=-1)
        self.cos, self.sin = emb.cos().float(), emb.sin().float()

    def rms(self, x, w):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * w

    def rope(self, x, start):
        # x [B, heads, T, D]; HF rotate_half convention
        t = x.shape[2]
        cos, sin = self.cos[start:start + t], self.sin[start:start + t]
        half = self.d // 2
        rot = torch.cat([-x[..., half:], x[..., :half]], dim=-1)
        return x * cos + rot * sin

    def new_cache(self, batch, capacity):
        shape = (batch, self.kv_heads, capacity, self.d)
        return [(torch.empty(shape), torch.empty(shape)) for _ in range(self.layers)]

    def forward(self, ids, start, cache):
        """ids [B, T] at positions start.. start+T-1; returns the final hidden state of the last position [B, h]."""
        b, t = ids.shape
        x = F.embedding(ids, self.embed)
        s = start + t
        g = self.heads // self.kv_heads
        mask = None
        if t > 1:
            mask = torch.full((t, s), float("-inf")).triu(start + 1)
        for blk, (kc, vc) in zip(self.blocks, cache):
            y = self.rms(x, blk["input_layernorm.weight"])
            q = linear(y, blk["self_attn.q_proj.weight"]).view(b, t, self.heads, self.d).transpose(1, 2)
            k = linear(y, blk["self_attn.k_proj.weight"]).view(b, t, self.kv_heads, self.d).transpose(1, 2)
            v = linear(y, blk["self_attn.v_proj.weight"]).view(b, t, self.kv_heads, self.d).transpose(1, 2)
            q, k = self.rope(q, start), self.rope(k, start)
            kc[:, :, start:s] = k
            vc[:, :, start:s] = v
            keys, vals = kc[:, :, :s], vc[:, :, :s]
            # GQA without copying K/V: the g query heads sharing a KV head are stacked along the row axis
            qg = q.reshape(b, self.kv_heads, g * t, self.d)
            att = torch.matmul(qg, keys.transpose(-1, -2)) * (self.d ** -0.5)  # [B, KV, g*T, S]
            if mask is not None:
                att = (att.view(b, self.kv_heads, g, t, s) + mask).view(b, self.kv_heads, g * t, s)
            att = torch.softmax(att, dim=-1)
            o = torch.matmul(att, vals).view(b, self.heads, t, self.d).transpose(1, 2).reshape(b, t, self.h)
            x = x + linear(o, blk["self_attn.o_proj.weight"])
            y = self.rms(x, blk["post_attention_layernorm.weight"])
            m = F.silu(linear(y, blk["mlp.gate_proj.weight"])) * linear(y, blk["mlp.up_proj.weight"])
            x = x + linear(m, blk["mlp.down_proj.weight"])
        return x[:, -1]

    def choose(self, last):
        return torch.argmax(linear(self.rms(last, self.norm), self.lm_head), dim=-1)


def generate(model, ids, new_tokens):
    b, t = ids.shape
    cache = model.new_cache(b, t + new_tokens)
    t0 = time.perf_counter()
    nxt = model.choose(model.forward(ids, 0, cache))
    t1 = time.perf_counter()
    out = [nxt]
    for step in range(new_tokens - 1):
        nxt = model.choose(model.forward(nxt.view(b, 1), t + step, cache))
        out.append(nxt)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, new_tokens - 1, torch.stack(out, dim=1)


def matvec_probe(reps=20):
    n = 8192
    a = torch.randn(n, n)
    x = torch.randn(n)
    for _ in range(3):
        torch.mv(a, x)
    ts = []
    for _ in range(reps):
        s = time.perf_counter()
        torch.mv(a, x)
        ts.append(time.perf_counter() - s)
    return n * n * 4 / statistics.median(ts) / 1e9


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True, help="directory with config.json and model.safetensors")
    ap.add_argument("--prompt-tokens", type=int, default=128)
    ap.add_argument("--new-tokens", type=int, default=64)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    ap.add_argument("--batch", default="1,8", help="comma-separated batch sizes")
    ap.add_argument("--no-probe", action="store_true", help="skip the matrix-vector bandwidth probe")
    a = ap.parse_args()
    if a.prompt_tokens < 1 or a.new_tokens < 2 or a.runs < 1:
        ap.error("need --prompt-tokens >= 1, --new-tokens >= 2, --runs >= 1")
    torch.set_num_threads(a.threads)
    with open("%s/config.json" % a.model) as f:
        cfg = json.load(f)
    if a.prompt_tokens + a.new_tokens > cfg.get("max_position_embeddings", 2048):
        ap.error("prompt + new tokens exceed max_position_embeddings")
    model = Llama(cfg, load_safetensors("%s/model.safetensors" % a.model))
    print("pytorch-eager: torch %s, %d threads, OPENBLAS_NUM_THREADS=%s, OMP_WAIT_POLICY=%s"
          % (torch.__version__, torch.get_num_threads(), os.environ.get("OPENBLAS_NUM_THREADS"),
             os.environ.get("OMP_WAIT_POLICY")), file=sys.stderr)
    with torch.inference_mode():
        for batch in [int(x) for x in a.batch.split(",")]:
            ids = prompts(batch, a.prompt_tokens, model.vocab)
            prefill, decode = [], []
            for r in range(-a.warmup, a.runs):
                tp, td, steps, toks = generate(model, ids, a.new_tokens)
                if r == -a.warmup and batch == 1:
                    print("pytorch-eager prompt ids (first 8): %s" % ids[0, :8].tolist(), file=sys.stderr)
                    print("pytorch-eager generated ids: %s" % toks[0].tolist(), file=sys.stderr)
                print("pytorch-eager batch %d %s run: prefill %.3f s, decode %d steps in %.3f s"
                      % (batch, "warm-up" if r < 0 else "measured", tp, steps, td), file=sys.stderr)
                if r >= 0:
                    prefill.append(batch * a.prompt_tokens / tp)
                    decode.append(batch * steps / td)
            print(json.dumps({"runtime": "pytorch-eager", "batch": batch,
                              "prefill_tok_s": round(statistics.median(prefill), 2),
                              "decode_tok_s": round(statistics.median(decode), 2),
                              "prompt_tokens": a.prompt_tokens, "new_tokens": a.new_tokens, "runs": a.runs,
                              "threads": a.threads}), flush=True)
        if not a.no_probe:
            print(json.dumps({"runtime": "pytorch-eager", "probe": "matvec", "gb_s": round(matvec_probe(), 2),
                              "threads": a.threads}), flush=True)


if __name__ == "__main__":
    main()
