#!/usr/bin/env bash
# Issue 20's seed study: for each seed, the whole R1-Zero chain (world data → base → GRPO with accuracy + format,
# `r1j r1-zero`), the same GRPO from the same base with the language-consistency reward added (same data, steps and
# seed), and the pipeline's evaluation of the three models with every sample saved; then the pipeline's cold start from
# that base and R1-Zero (per-source counts in OUT/sSEED/cs/summary.json), SFT 1 on it, and SFT 1's evaluation.
#   scripts/r1zero-seeds.sh OUT SEED [SEED…]      e.g. scripts/r1zero-seeds.sh runs/seeds 1 2 3   (~50 min per seed alone)
# A seed folder that already has a finished base (e.g. runs/p5 for seed 1) can be linked in as OUT/sSEED first.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$1; shift
EVAL=(--data test.jsonl --k 8 --temperature 0.6 --top-p 0.95 --max-new-tokens 192 --no-greedy --json)
for s in "$@"; do
  d="$out/s$s"
  # --force: a base that narrowly misses the readiness gate is still studied (the gate line is in OUT/sSEED/base-gate.json).
  ./r1j r1-zero --preset tiny --seed "$s" --out "$d" --force --json > "$d.r1-zero.jsonl"
  seed=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['seed'])" "$d/r1-zero/config.json")
  [ -f "$d/r1-zero-language/DONE" ] || ./r1j grpo --model "$d/base/final" --data "$d/data/train-hard.jsonl" --template r1-zero \
      --rewards accuracy,format,language --weights 1,0.1,0.2 --steps 400 --max-completion-tokens 160 --seed "$seed" --force \
      --out "$d/r1-zero-language" > "$d/r1-zero-language.log" 2>&1
  for m in base r1-zero r1-zero-language; do
    [ -s "$d/eval-$m.jsonl" ] || ./r1j eval --model "$d/$m/final" --template r1-zero "${EVAL[@]/test.jsonl/$d/data/test.jsonl}" \
        --seed "$s" --save-samples "$d/eval-$m-samples.jsonl" > "$d/eval-$m.jsonl"
  done
  # The cold start as the pipeline's stage makes it (1,000 problems per source, 4 samples at 0.8), then SFT 1 on it.
  [ -s "$d/cs/summary.json" ] || ./r1j coldstart --base "$d/base/final" --r1-zero "$d/r1-zero/final" --data "$d/data/train.jsonl" \
      --out "$d/cs" --problems 1000 --samples 4 --temperature 0.8 --max-new-tokens 192 --seed "$s" --force --json > "$d/cs.jsonl"
  [ -f "$d/cs-sft1/final/config.json" ] || ./r1j sft --model "$d/base/final" --data "$d/cs/coldstart.jsonl" --out "$d/cs-sft1" \
      --seed "$s" > "$d/cs-sft1.log" 2>&1
  [ -s "$d/eval-cs-sft1.jsonl" ] || ./r1j eval --model "$d/cs-sft1/final" --template chat "${EVAL[@]/test.jsonl/$d/data/test.jsonl}" \
      --seed "$s" --save-samples "$d/eval-cs-sft1-samples.jsonl" > "$d/eval-cs-sft1.jsonl"
done
