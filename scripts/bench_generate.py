#!/usr/bin/env python3
"""PyTorch twin of `r1j bench generate`: the same tiny DeepSeek-V3 (MLA with a latent KV cache, DeepSeekMoE),
random weights, 64 sequences x 128 new tokens after 32-token prompts, then 1 sequence; total new tokens/s.

The model follows DeepSeek's official inference/model.py (absorbed MLA, noaux_tc routing), in float32.
Run it the way PyTorch runs best here:
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE python3 scripts/bench_generate.py --threads 2
Prints one JSON object per measurement, like `r1j bench generate --json`.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F

# r1j's "tiny" preset (r1j.model.Presets)
CFG = dict(vocab=1024, d=128, layers=4, heads=4, q_lora=64, kv_lora=64, dn=32, dr=16, dv=32, inter=384,
           moe_inter=96, experts=8, shared=1, topk=2, groups=4, topk_groups=2, first_dense=1, scale=2.5, eps=1e-6)


def rms(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rope(x, pos, dr):  # interleaved pairs, x [..., T, dr]
    inv = 1.0 / (10000.0 ** (torch.arange(0, dr, 2, dtype=torch.float32) / dr))
    ang = pos[:, None].float() * inv[None, :]
    c = torch.polar(torch.ones_like(ang), ang)
    xc = torch.view_as_complex(x.float().reshape(*x.shape[:-1], -1, 2))
    return torch.view_as_real(xc * c).flatten(-2)


class Model:
    def __init__(self, c, seed=1):
        g = torch.Generator().manual_seed(seed)
        n = lambda *s: torch.randn(*s, generator=g) * 0.006
        d, h = c["d"], c["heads"]
        self.c = c
        self.embed = n(c["vocab"], d)
        self.head = n(c["vocab"], d)
        self.layers = []
        for l in range(c["layers"]):
            L = dict(q_a=n(c["q_lora"], d), q_b=n(h * (c["dn"] + c["dr"]), c["q_lora"]),
                     kv_a=n(c["kv_lora"] + c["dr"], d), kv_b=n(h * (c["dn"] + c["dv"]), c["kv_lora"]),
                     o=n(d, h * c["dv"]))
            if l < c["first_dense"]:
                L["mlp"] = (n(c["inter"], d), n(c["inter"], d), n(d, c["inter"]))
            else:
                L["gate"] = n(c["experts"], d)
                L["bias"] = torch.zeros(c["experts"])
                L["experts"] = [(n(c["moe_inter"], d), n(c["moe_inter"], d), n(d, c["moe_inter"]))
                                for _ in range(c["experts"])]
                m = c["shared"] * c["moe_inter"]
                L["shared"] = (n(m, d), n(m, d), n(d, m))
            self.layers.append(L)

    @staticmethod
    def mlp(x, w):
        return F.linear(F.silu(F.linear(x, w[0])) * F.linear(x, w[1]), w[2])

    def moe(self, x, L):
        c = self.c
        s = torch.sigmoid(F.linear(x, L["gate"]))
        sb = (s + L["bias"]).view(x.shape[0], c["groups"], -1)
        gs = sb.topk(2, dim=-1)[0].sum(-1)
        keep = gs.topk(c["topk_groups"], dim=-1)[1]
        mask = torch.ones_like(gs, dtype=torch.bool).scatter_(1, keep, False)
        sb = sb.masked_fill(mask[..., None], float("-inf")).flatten(1)
        idx = sb.topk(c["topk"], dim=-1)[1]
        w = s.gather(1, idx)
        w = w / w.sum(-1, keepdim=True) * c["scale"]
        y = torch.zeros_like(x)
        for e in range(c["experts"]):
            rows, k = torch.where(idx == e)
            if rows.numel():
                y.index_add_(0, rows, self.mlp(x[rows], L["experts"][e]) * w[rows, k, None])
        return y + self.mlp(x, L["shared"])

    def forward(self, ids, cache, start):
        """ids [B, T]; cache per layer (kv [B, max, r], pe [B, max, dr]); absorbed MLA as the official code."""
        c = self.c
        B, T = ids.shape
        h, dn, dr, dv, r = c["heads"], c["dn"], c["dr"], c["dv"], c["kv_lora"]
        pos = torch.arange(start, start + T)
        x = self.embed[ids]
        scale = (dn + dr) ** -0.5
        for l, L in enumerate(self.layers):
            a = rms(x, 1.0, c["eps"])
            q = F.linear(rms(F.linear(a, L["q_a"]), 1.0, 1e-6), L["q_b"]).view(B, T, h, dn + dr)
            q_nope, q_pe = q[..., :dn], q[..., dn:]
            q_pe = rope(q_pe.transpose(1, 2), pos, dr).transpose(1, 2)
            kv = F.linear(a, L["kv_a"])
            lat, k_pe = kv[..., :r], kv[..., r:]
            k_pe = rope(k_pe, pos, dr)
            kvc, pec = cache[l]
            kvc[:, start:start + T] = rms(lat, 1.0, 1e-6)
            pec[:, start:start + T] = k_pe
            wkv_b = L["kv_b"].view(h, dn + dv, r)
            q_lat = torch.einsum("bshd,hdc->bshc", q_nope, wkv_b[:, :dn])
            end = start + T
            scores = (torch.einsum("bshc,btc->bsht", q_lat, kvc[:, :end])
                      + torch.einsum("bshr,btr->bsht", q_pe, pec[:, :end])) * scale
            causal = torch.full((T, end), float("-inf")).triu_(start + 1)
            p = (scores + causal[None, :, None, :]).softmax(-1)
            o = torch.einsum("bsht,btc->bshc", p, kvc[:, :end])
            o = torch.einsum("bshc,hdc->bshd", o, wkv_b[:, -dv:])
            x = x + F.linear(o.flatten(2), L["o"])
            m = rms(x, 1.0, c["eps"])
            flat = m.view(B * T, -1)
            x = x + (self.mlp(m, L["mlp"]) if "mlp" in L else self.moe(flat, L).view(B, T, -1))
        return F.linear(rms(x, 1.0, c["eps"]), self.head)


@torch.no_grad()
def run(model, sequences, prompt_tokens, new_tokens):
    c = model.c
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(0, c["vocab"], (sequences, prompt_tokens), generator=g)
    total = prompt_tokens + new_tokens
    cache = [(torch.zeros(sequences, total, c["kv_lora"]), torch.zeros(sequences, total, c["dr"]))
             for _ in range(c["layers"])]
    logits = model.forward(ids, cache, 0)[:, -1]
    pos = prompt_tokens
    for _ in range(new_tokens):
        tok = torch.multinomial(logits.softmax(-1), 1, generator=g)
        if pos == total:
            break
        logits = model.forward(tok, cache, pos)[:, -1]
        pos += 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sequences", type=int, default=64)
    ap.add_argument("--prompt-tokens", type=int, default=32)
    ap.add_argument("--new-tokens", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    model = Model(CFG)
    for n in (a.sequences, 1):
        run(model, n, a.prompt_tokens, 8)
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            run(model, n, a.prompt_tokens, a.new_tokens)
            times.append(time.perf_counter() - t0)
        sec = statistics.median(times)
        print(json.dumps({"preset": "tiny", "sequences": n, "new_tokens": n * a.new_tokens, "seconds": round(sec, 3),
                          "tokens_per_s": round(n * a.new_tokens / sec, 3), "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
