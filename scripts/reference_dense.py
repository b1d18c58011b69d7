#!/usr/bin/env python3
"""A float64 reference of transformers' dense decoder models (LlamaForCausalLM, Qwen2ForCausalLM, Qwen3ForCausalLM),
written from modeling_llama.py / modeling_qwen2.py / modeling_qwen3.py and modeling_rope_utils.py in numpy, independent
of r1j's Java code. It writes tiny random checkpoints in the Hub layout (config.json + model.safetensors, float32) with
the logits of two token sequences, for r1j's parity tests (src/test/resources/fixtures/<name>/):

    python3 scripts/reference_dense.py src/test/resources/fixtures

Only numpy is needed. The fixtures are committed; rerun this to regenerate them.
"""
import json
import math
import os
import struct
import sys

import numpy as np


def get_mscale(scale, mscale=1.0):
    return 1.0 if scale <= 1 else 0.1 * mscale * math.log(scale) + 1.0


def rope_inv_freq(cfg, dim):
    """(inverse frequencies, attention factor that scales cos and sin)."""
    theta = cfg.get("rope_theta", 10000.0)
    inv = 1.0 / theta ** (np.arange(0, dim, 2, dtype=np.float64) / dim)
    rs = cfg.get("rope_scaling")
    if rs is None:
        return inv, 1.0
    kind = rs.get("rope_type", rs.get("type"))
    if kind == "linear":
        return inv / rs["factor"], 1.0
    if kind == "yarn":  # _compute_yarn_parameters (current transformers: an explicit factor wins)
        orig = rs["original_max_position_embeddings"]
        factor = rs.get("factor") or cfg["max_position_embeddings"] / orig
        ms, ms_all = rs.get("mscale"), rs.get("mscale_all_dim")
        att = rs.get("attention_factor")
        if att is None:
            att = get_mscale(factor, ms) / get_mscale(factor, ms_all) if ms and ms_all else get_mscale(factor)
        fast, slow = rs.get("beta_fast") or 32, rs.get("beta_slow") or 1

        def corr(rot):
            return dim * math.log(orig / (rot * 2 * math.pi)) / (2 * math.log(theta))

        low, high = max(math.floor(corr(fast)), 0), min(math.ceil(corr(slow)), dim - 1)
        if low == high:
            high += 0.001
        ramp = np.clip((np.arange(dim // 2, dtype=np.float64) - low) / (high - low), 0, 1)
        extrapolation = 1 - ramp
        return inv / factor * (1 - extrapolation) + inv * extrapolation, att
    if kind == "llama3":  # _compute_llama3_parameters
        factor, low, high = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"]
        old = rs["original_max_position_embeddings"]
        low_wl, high_wl = old / low, old / high
        wl = 2 * math.pi / inv
        out = np.where(wl > low_wl, inv / factor, inv)
        smooth = (old / wl - low) / (high - low)
        smoothed = (1 - smooth) * out / factor + smooth * out
        medium = ~(wl < high_wl) & ~(wl > low_wl)
        return np.where(medium, smoothed, out), 1.0
    raise ValueError(kind)


def rms_norm(x, w, eps):
    return w * (x / np.sqrt((x * x).mean(-1, keepdims=True) + eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return np.concatenate([-x[..., h:], x[..., :h]], axis=-1)


def forward(cfg, w, ids):
    t = len(ids)
    d, heads, kvh = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = cfg.get("head_dim") or d // heads
    eps = cfg["rms_norm_eps"]
    qwen3 = cfg["model_type"] == "qwen3"
    bias = cfg["model_type"] == "qwen2" or cfg.get("attention_bias", False)
    inv, att = rope_inv_freq(cfg, hd)
    ang = np.outer(np.arange(t, dtype=np.float64), inv)
    emb = np.concatenate([ang, ang], axis=-1)
    cos, sin = np.cos(emb) * att, np.sin(emb) * att
    x = w["model.embed_tokens.weight"][ids]
    mask = np.triu(np.full((t, t), -np.inf), 1)
    for l in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{l}."
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)

        def proj(name):
            y = h @ w[p + f"self_attn.{name}.weight"].T
            return y + w[p + f"self_attn.{name}.bias"] if bias else y

        q = proj("q_proj").reshape(t, heads, hd)
        k = proj("k_proj").reshape(t, kvh, hd)
        v = proj("v_proj").reshape(t, kvh, hd)
        if qwen3:
            q = rms_norm(q, w[p + "self_attn.q_norm.weight"], eps)
            k = rms_norm(k, w[p + "self_attn.k_norm.weight"], eps)
        q = q * cos[:, None, :] + rotate_half(q) * sin[:, None, :]
        k = k * cos[:, None, :] + rotate_half(k) * sin[:, None, :]
        rep = heads // kvh
        k, v = np.repeat(k, rep, axis=1), np.repeat(v, rep, axis=1)
        s = np.einsum("qhd,khd->hqk", q, k) / math.sqrt(hd) + mask
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        o = np.einsum("hqk,khd->qhd", s, v).reshape(t, heads * hd)
        x = x + o @ w[p + "self_attn.o_proj.weight"].T
        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        g = h @ w[p + "mlp.gate_proj.weight"].T
        u = h @ w[p + "mlp.up_proj.weight"].T
        x = x + (g / (1 + np.exp(-g)) * u) @ w[p + "mlp.down_proj.weight"].T
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") else w["lm_head.weight"]
    return x @ head.T


def shapes(cfg):
    d, heads, kvh, inter = cfg["hidden_size"], cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["intermediate_size"]
    hd = cfg.get("head_dim") or d // heads
    bias = cfg["model_type"] == "qwen2" or cfg.get("attention_bias", False)
    out = {"model.embed_tokens.weight": (cfg["vocab_size"], d)}
    for l in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{l}."
        out[p + "input_layernorm.weight"] = (d,)
        out[p + "self_attn.q_proj.weight"] = (heads * hd, d)
        out[p + "self_attn.k_proj.weight"] = (kvh * hd, d)
        out[p + "self_attn.v_proj.weight"] = (kvh * hd, d)
        if bias:
            out[p + "self_attn.q_proj.bias"] = (heads * hd,)
            out[p + "self_attn.k_proj.bias"] = (kvh * hd,)
            out[p + "self_attn.v_proj.bias"] = (kvh * hd,)
        if cfg["model_type"] == "qwen3":
            out[p + "self_attn.q_norm.weight"] = (hd,)
            out[p + "self_attn.k_norm.weight"] = (hd,)
        out[p + "self_attn.o_proj.weight"] = (d, heads * hd)
        out[p + "post_attention_layernorm.weight"] = (d,)
        out[p + "mlp.gate_proj.weight"] = (inter, d)
        out[p + "mlp.up_proj.weight"] = (inter, d)
        out[p + "mlp.down_proj.weight"] = (d, inter)
    out["model.norm.weight"] = (d,)
    if not cfg.get("tie_word_embeddings"):
        out["lm_head.weight"] = (cfg["vocab_size"], d)
    return out


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, a in tensors.items():
        b = a.astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def fixture(out_dir, name, cfg, seed):
    rng = np.random.default_rng(seed)
    w = {}
    for k, shape in shapes(cfg).items():
        if k.endswith("norm.weight"):
            w[k] = (1 + 0.2 * rng.standard_normal(shape)).astype(np.float32)  # not 1: the norms' weights must matter
        else:
            w[k] = (0.3 * rng.standard_normal(shape)).astype(np.float32)
    d = os.path.join(out_dir, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    write_safetensors(os.path.join(d, "model.safetensors"), w)
    w64 = {k: v.astype(np.float64) for k, v in w.items()}
    ids = [[0, 17, 42, 9, 3, 50, 7, 7, 28, 1, 60, 33], [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]]
    logits = [forward(cfg, w64, np.array(s)).tolist() for s in ids]
    with open(os.path.join(d, "expected_logits.json"), "w") as f:
        json.dump({"input_ids": ids, "logits": logits}, f)


def main(out_dir):
    common = {"vocab_size": 64, "hidden_size": 32, "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4,
              "num_key_value_heads": 2, "hidden_act": "silu", "rms_norm_eps": 1e-6, "initializer_range": 0.02,
              "bos_token_id": 0, "torch_dtype": "float32"}
    fixture(out_dir, "qwen3-tiny", dict(common, architectures=["Qwen3ForCausalLM"], model_type="qwen3", head_dim=16,
                                        attention_bias=False, max_position_embeddings=512, rope_theta=1000000.0,
                                        rope_scaling=None, sliding_window=None, use_sliding_window=False,
                                        tie_word_embeddings=True, eos_token_id=1), 1)
    fixture(out_dir, "llama3-tiny", dict(common, architectures=["LlamaForCausalLM"], model_type="llama", head_dim=8,
                                         max_position_embeddings=131072, rope_theta=500000.0,
                                         rope_scaling={"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                                       "original_max_position_embeddings": 8192, "rope_type": "llama3"},
                                         tie_word_embeddings=False, eos_token_id=[1, 2, 3]), 2)
    fixture(out_dir, "qwen2-tiny", dict(common, architectures=["Qwen2ForCausalLM"], model_type="qwen2",
                                        max_position_embeddings=512, rope_theta=10000.0, sliding_window=512,
                                        use_sliding_window=False, tie_word_embeddings=False, eos_token_id=1), 3)
    # Qwen's documented YaRN block: factor 4 beside an unchanged max_position_embeddings.
    fixture(out_dir, "qwen2-yarn-tiny", dict(common, architectures=["Qwen2ForCausalLM"], model_type="qwen2",
                                             max_position_embeddings=32768, rope_theta=1000000.0, sliding_window=32768,
                                             use_sliding_window=False, tie_word_embeddings=False, eos_token_id=1,
                                             rope_scaling={"factor": 4.0, "original_max_position_embeddings": 32768,
                                                           "type": "yarn"}), 4)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/fixtures")
