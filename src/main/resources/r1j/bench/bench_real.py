#!/usr/bin/env python3
"""PyTorch's side of `r1j bench real`: a training step of a Hugging Face model folder's architecture, timed as r1j
times its own.

The model is built from config.json alone (qwen2, qwen3 and llama layouts: RMSNorm, rotary attention with grouped
key/value heads, SwiGLU, tied or untied head) with random float32 weights: the time of a step does not depend on the
weights' values. A step is the mean token cross-entropy of batch x seq random tokens, backward, gradient clipping at
1.0 and AdamW, over all weights ("full") or over LoRA adapters on q/k/v/o_proj with the base frozen ("lora"). One
untimed step, then the median of --reps. `r1j bench real` runs this with OPENBLAS_CORETYPE unset (the environment
forces a slow kernel) and prints one JSON object per mode, like itself.
"""
import argparse
import json
import math
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class LoraLinear(nn.Module):
    """y = x W^T (+ b) + (alpha / r) x A^T B^T, W frozen (PEFT's LoRA)."""

    def __init__(self, base, r, alpha):
        super().__init__()
        self.base = base
        for p in base.parameters():
            p.requires_grad_(False)
        self.lora_A = nn.Parameter(torch.randn(r, base.in_features) / math.sqrt(base.in_features))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))
        self.scale = alpha / r

    def forward(self, x):
        return self.base(x) + (x @ self.lora_A.t() @ self.lora_B.t()) * self.scale


def rope(x, cos, sin):  # x [B, H, T, hd], half-split pairs (i, i + hd/2)
    h = x.shape[-1] // 2
    a, b = x[..., :h], x[..., h:]
    return torch.cat([a * cos - b * sin, a * sin + b * cos], dim=-1)


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, hd = c["hidden_size"], c.get("head_dim") or c["hidden_size"] // c["num_attention_heads"]
        self.h, self.kv, self.hd = c["num_attention_heads"], c["num_key_value_heads"], hd
        bias = c["model_type"] == "qwen2" or c.get("attention_bias", False)
        self.input_layernorm = RMSNorm(d, c["rms_norm_eps"])
        self.q_proj = nn.Linear(d, self.h * hd, bias=bias)
        self.k_proj = nn.Linear(d, self.kv * hd, bias=bias)
        self.v_proj = nn.Linear(d, self.kv * hd, bias=bias)
        self.o_proj = nn.Linear(self.h * hd, d, bias=False)
        self.qk_norm = c["model_type"] == "qwen3"
        if self.qk_norm:
            self.q_norm = RMSNorm(hd, c["rms_norm_eps"])
            self.k_norm = RMSNorm(hd, c["rms_norm_eps"])
        self.post_attention_layernorm = RMSNorm(d, c["rms_norm_eps"])
        f = c["intermediate_size"]
        self.gate_proj = nn.Linear(d, f, bias=False)
        self.up_proj = nn.Linear(d, f, bias=False)
        self.down_proj = nn.Linear(f, d, bias=False)

    def forward(self, x, cos, sin, mask):
        B, T, _ = x.shape
        y = self.input_layernorm(x)
        q = self.q_proj(y).view(B, T, self.h, self.hd).transpose(1, 2)
        k = self.k_proj(y).view(B, T, self.kv, self.hd).transpose(1, 2)
        v = self.v_proj(y).view(B, T, self.kv, self.hd).transpose(1, 2)
        if self.qk_norm:
            q, k = self.q_norm(q), self.k_norm(k)
        q, k = rope(q, cos, sin), rope(k, cos, sin)
        rep = self.h // self.kv
        k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(self.hd) + mask
        o = (att.softmax(-1) @ v).transpose(1, 2).reshape(B, T, self.h * self.hd)
        x = x + self.o_proj(o)
        y = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(y)) * self.up_proj(y))


class Model(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList(Layer(c) for _ in range(c["num_hidden_layers"]))
        self.norm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])
        self.tied = c.get("tie_word_embeddings", False)
        if not self.tied:
            self.lm_head = nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)
        hd = self.layers[0].hd
        self.theta = c.get("rope_theta", 10000.0)
        self.hd = hd

    def forward(self, ids):
        T = ids.shape[1]
        inv = 1.0 / self.theta ** (torch.arange(0, self.hd, 2, dtype=torch.float64) / self.hd)
        ang = torch.outer(torch.arange(T, dtype=torch.float64), inv)
        cos, sin = torch.cos(ang).float(), torch.sin(ang).float()
        mask = torch.full((T, T), float("-inf")).triu(1)
        x = self.embed_tokens(ids)
        for layer in self.layers:
            x = layer(x, cos, sin, mask)
        x = self.norm(x)
        return x @ (self.embed_tokens.weight if self.tied else self.lm_head.weight).t()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, help="a model folder (its config.json is read)")
    ap.add_argument("--modes", default="full,lora")
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--lora-r", type=int, default=16)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    with open(os.path.join(a.model, "config.json")) as f:
        c = json.load(f)
    for mode in a.modes.split(","):
        torch.manual_seed(1)
        m = Model(c)
        if mode == "lora":
            for p in m.parameters():
                p.requires_grad_(False)
            for layer in m.layers:
                for name in ("q_proj", "k_proj", "v_proj", "o_proj"):
                    setattr(layer, name, LoraLinear(getattr(layer, name), a.lora_r, 2.0 * a.lora_r))
        params = [p for p in m.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(params, lr=1e-5, betas=(0.9, 0.95), weight_decay=0.1)
        g = torch.Generator().manual_seed(2)
        ids = torch.randint(0, c["vocab_size"], (a.batch, a.seq), generator=g)
        times = []
        for it in range(a.reps + 1):
            t0 = time.perf_counter()
            opt.zero_grad(set_to_none=True)
            logits = m(ids)
            loss = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            if it > 0:
                times.append(time.perf_counter() - t0)
        sec = statistics.median(times)
        print(json.dumps({"mode": mode, "threads": a.threads, "trainable": sum(p.numel() for p in params),
                          "seconds_per_step": round(sec, 3), "tokens_per_s": round(a.batch * a.seq / sec, 3),
                          "torch": torch.__version__}), flush=True)
        del m, opt, params


if __name__ == "__main__":
    main()
