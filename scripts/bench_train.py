#!/usr/bin/env python3
"""PyTorch twin of `r1j bench train`: the identical GPT-style stack, timed the same way.

RMSNorm, causal attention with half-split RoPE, SwiGLU (hidden 8/3*d rounded up to 64), untied head, no biases,
float32, AdamW(0.9, 0.95, wd 0.1) with gradient clipping at 1.0, random tokens; median seconds per step.

Run it the way PyTorch runs best on these machines (the environment's OPENBLAS_CORETYPE forces a slow kernel):
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE python3 scripts/bench_train.py --threads 2
Prints one JSON object per config, like `r1j bench train --json`.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIGS = {
    "A": dict(vocab=512, d=256, layers=4, heads=4, seq=256, batch=16),
    "B": dict(vocab=2048, d=512, layers=8, heads=8, seq=512, batch=8),
}


def swiglu_width(d):
    return (math.ceil(8 * d / 3) + 63) // 64 * 64


class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(seq, hd, theta=10000.0):
    inv = 1.0 / theta ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd)
    ang = torch.outer(torch.arange(seq, dtype=torch.float64), inv)
    return torch.cos(ang).float(), torch.sin(ang).float()


def rope(x, cos, sin):  # x [B, H, T, hd], half-split pairs (i, i + hd/2)
    h = x.shape[-1] // 2
    a, b = x[..., :h], x[..., h:]
    return torch.cat([a * cos - b * sin, a * sin + b * cos], dim=-1)


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.input_layernorm = RMSNorm(d)
        self.q_proj = nn.Linear(d, d, bias=False)
        self.k_proj = nn.Linear(d, d, bias=False)
        self.v_proj = nn.Linear(d, d, bias=False)
        self.o_proj = nn.Linear(d, d, bias=False)
        self.post_attention_layernorm = RMSNorm(d)
        ff = swiglu_width(d)
        self.gate_proj = nn.Linear(d, ff, bias=False)
        self.up_proj = nn.Linear(d, ff, bias=False)
        self.down_proj = nn.Linear(ff, d, bias=False)

    def forward(self, x, cos, sin, mask):
        B, T, D = x.shape
        hd = D // self.heads
        a = self.input_layernorm(x)
        q = self.q_proj(a).view(B, T, self.heads, hd).transpose(1, 2)
        k = self.k_proj(a).view(B, T, self.heads, hd).transpose(1, 2)
        v = self.v_proj(a).view(B, T, self.heads, hd).transpose(1, 2)
        q, k = rope(q, cos, sin), rope(k, cos, sin)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hd)
        att = att.masked_fill(mask, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, D)
        x = x + self.o_proj(y)
        m = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(m)) * self.up_proj(m))


class GPT(nn.Module):
    def __init__(self, vocab, d, layers, heads, seq):
        super().__init__()
        self.embed_tokens = nn.Embedding(vocab, d)
        self.layers = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.norm = RMSNorm(d)
        self.lm_head = nn.Linear(d, vocab, bias=False)
        cos, sin = rope_tables(seq, d // heads)
        self.register_buffer("cos", cos)
        self.register_buffer("sin", sin)
        self.register_buffer("mask", torch.triu(torch.ones(seq, seq, dtype=torch.bool), 1))
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, ids, targets):
        x = self.embed_tokens(ids)
        for blk in self.layers:
            x = blk(x, self.cos, self.sin, self.mask)
        logits = self.lm_head(self.norm(x))
        return F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.view(-1), ignore_index=-1)


def bench(name, steps, warmup):
    c = CONFIGS[name]
    torch.manual_seed(1)
    model = GPT(c["vocab"], c["d"], c["layers"], c["heads"], c["seq"])
    decay = [p for p in model.parameters() if p.dim() >= 2]
    other = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": other, "weight_decay": 0.0}],
                            lr=3e-4, betas=(0.9, 0.95), eps=1e-8)
    ids = torch.randint(0, c["vocab"], (c["batch"], c["seq"]))
    targets = torch.roll(ids, -1, dims=1)
    targets[:, -1] = -1
    times = []
    loss = None
    for it in range(warmup + steps):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = model(ids, targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if it >= warmup:
            times.append(time.perf_counter() - t0)
    sec = statistics.median(times)
    params = sum(p.numel() for p in model.parameters())
    return {"config": name, "parameters": params, "threads": torch.get_num_threads(),
            "seconds_per_step": round(sec, 3), "tokens_per_s": round(c["batch"] * c["seq"] / sec, 3),
            "loss": round(loss.item(), 4), "torch": torch.__version__}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", choices=["A", "B"], help="default: both")
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    for name in [a.config] if a.config else ["A", "B"]:
        print(json.dumps(bench(name, a.steps, a.warmup)), flush=True)


if __name__ == "__main__":
    main()
