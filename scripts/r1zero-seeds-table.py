#!/usr/bin/env python3
"""Issue 20's seed study, summarised: one row per seed and the mean ± sample standard deviation over seeds.

  python3 scripts/r1zero-seeds-table.py runs/seeds [--json]

Reads what scripts/r1zero-seeds.sh wrote in each OUT/sSEED: the evaluations of the base, of R1-Zero (accuracy + format)
and of R1-Zero with the language reward (same base, data, steps and seed), their saved samples, and R1-Zero's
metrics.jsonl. Language is the consistency on Spanish prompts (the world's second language); "checking pays" compares
the accuracy of level-5 samples that check themselves with those that do not.
"""
import glob, json, os, re, statistics, sys

REFLECTION = re.compile(r"\b(wait|let me (re)?check|let me redo|let me recheck|espera|déjame revisar|lo rehago|revisemos)\b", re.I)


def slices(path):
    return {r["slice"]: r for r in map(json.loads, open(path)) if "slice" in r}


def level5_checking(path):
    checked, unchecked = [], []
    for r in map(json.loads, open(path)):
        if str(r.get("difficulty")) != "5":
            continue
        (checked if REFLECTION.search(r["completion"]) else unchecked).append(1.0 if r["correct"] else 0.0)
    mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")
    return mean(checked), mean(unchecked), len(checked), len(checked) + len(unchecked)


def curve(path, key, first=20, last=20):
    rows = [json.loads(l) for l in open(path)]
    vals = [r[key] for r in rows if key in r]
    if not vals:
        return float("nan"), float("nan")
    return sum(vals[:first]) / len(vals[:first]), sum(vals[-last:]) / len(vals[-last:])


def window(path, key, lo, hi):
    """Mean of a metric over GRPO steps lo..hi (level-5 metrics are logged only on steps that drew level-5 prompts)."""
    vals = [r[key] for r in map(json.loads, open(path)) if key in r and lo <= r["step"] <= hi]
    return round(sum(vals) / len(vals), 4) if vals else float("nan")


def seed_row(d):
    b, z = (slices(os.path.join(d, f"eval-{m}.jsonl")) for m in ("base", "r1-zero"))
    nan = float("nan")
    # The language-reward run is left out where R1-Zero does not mix languages (nothing for the reward to fix).
    zpath = os.path.join(d, "eval-r1-zero-language.jsonl")
    zl = slices(zpath) if os.path.exists(zpath) else {"language=es": {"language": nan}, "all": {"pass@1": nan}}
    chk, unchk, n_chk, n5 = level5_checking(os.path.join(d, "eval-r1-zero-samples.jsonl"))
    bchk, bunchk, _, _ = level5_checking(os.path.join(d, "eval-base-samples.jsonl"))
    refl0, refl1 = curve(os.path.join(d, "r1-zero", "metrics.jsonl"), "reflection")
    len0, len1 = curve(os.path.join(d, "r1-zero", "metrics.jsonl"), "length_mean")
    m = os.path.join(d, "r1-zero", "metrics.jsonl")
    steps = max(r["step"] for r in map(json.loads, open(m)) if "step" in r)
    cold = {r["source"]: r for r in json.load(open(os.path.join(d, "cs", "summary.json")))} \
        if os.path.exists(os.path.join(d, "cs", "summary.json")) else {}
    sft1 = slices(os.path.join(d, "eval-cs-sft1.jsonl")) if os.path.exists(os.path.join(d, "eval-cs-sft1.jsonl")) else None
    return {
        "seed": os.path.basename(d)[1:],
        "base_language_es": b["language=es"]["language"], "base_pass@1": b["all"]["pass@1"],
        "r1zero_language_es": z["language=es"]["language"], "r1zero_pass@1": z["all"]["pass@1"],
        "r1zero_lang_language_es": zl["language=es"]["language"], "r1zero_lang_pass@1": zl["all"]["pass@1"],
        "pass@1_cost_of_language_reward": round(z["all"]["pass@1"] - zl["all"]["pass@1"], 4),
        "base_clean": b["all"].get("clean"), "r1zero_clean": z["all"].get("clean"),
        "base_level5_length": b["difficulty=5"]["length"], "r1zero_level5_length": z["difficulty=5"]["length"],
        "base_level5_reflection": b["difficulty=5"]["reflection"], "r1zero_level5_reflection": z["difficulty=5"]["reflection"],
        "base_level5_acc_checked": round(bchk, 4), "base_level5_acc_unchecked": round(bunchk, 4),
        "r1zero_level5_acc_checked": round(chk, 4), "r1zero_level5_acc_unchecked": round(unchk, 4),
        "train_reflection_first20": round(refl0, 4), "train_reflection_last20": round(refl1, 4),
        "train_length_first20": round(len0, 2), "train_length_last20": round(len1, 2),
        # The aha over R1-Zero's GRPO steps, on level 5: the first 40 steps against the last 100.
        "train_level5_reflection_steps1-40": window(m, "level5_reflection", 1, 40),
        "train_level5_reflection_last100": window(m, "level5_reflection", steps - 99, steps),
        "train_level5_length_steps1-40": window(m, "level5_length", 1, 40),
        "train_level5_length_last100": window(m, "level5_length", steps - 99, steps),
        # The same in 20-step windows at the start, a fifth of the way in and the end (results.md's G–K table).
        **{f"train_level5_{k}_steps{lo}-{hi}": window(m, f"level5_{k}", lo, hi)
           for k in ("reflection", "length") for lo, hi in ((1, 20), (61, 80), (steps - 19, steps))},
        "train_level5_acc_checked_all": window(m, "level5_accuracy_checked", 1, steps),
        "train_level5_acc_unchecked_all": window(m, "level5_accuracy_unchecked", 1, steps),
        # The cold start from this base and R1-Zero: kept rows per source; SFT 1 on them.
        **{f"coldstart_kept_{k}": cold.get(k, {}).get("kept", nan) for k in ("fewshot", "direct", "r1zero", "all")},
        "coldstart_fewshot_verifying": cold.get("fewshot", {}).get("kept_with_verification", nan),
        "sft1_clean": sft1["all"].get("clean") if sft1 else nan,
        "sft1_language_es": sft1["language=es"]["language"] if sft1 else nan,
        "sft1_pass@1": sft1["all"]["pass@1"] if sft1 else nan,
    }


def main():
    out, as_json = sys.argv[1], "--json" in sys.argv
    rows = [seed_row(d) for d in sorted(glob.glob(os.path.join(out, "s*"))) if os.path.isdir(d)
            and os.path.exists(os.path.join(d, "eval-r1-zero.jsonl"))]
    keys = [k for k in rows[0] if k != "seed"]
    summary = {"seed": "mean"}
    spread = {"seed": "sd"}
    for k in keys:
        xs = [r[k] for r in rows if isinstance(r[k], (int, float)) and r[k] == r[k]]
        summary[k] = round(statistics.mean(xs), 4) if xs else None
        spread[k] = round(statistics.stdev(xs), 4) if len(xs) > 1 else None
    if as_json:
        for r in rows + [summary, spread]:
            print(json.dumps(r))
        return
    print("| metric | " + " | ".join("seed " + r["seed"] for r in rows) + " | mean | sd |")
    print("|---" * (len(rows) + 3) + "|")
    for k in keys:
        fmt = lambda v: "—" if v is None or v != v else (f"{v:.4g}")
        print(f"| {k} | " + " | ".join(fmt(r[k]) for r in rows) + f" | {fmt(summary[k])} | {fmt(spread[k])} |")


if __name__ == "__main__":
    main()
