#!/usr/bin/env bash
# Issue 38's comparison on the world: R1-Zero (tiny preset, one seed, the pipeline's settings otherwise) from one base
# with GRPO as published, GSPO, CISPO, dynamic sampling that refills, and rollouts one step ahead of the trainer.
#   scripts/grpo-variants.sh OUT [BASE]     e.g. scripts/grpo-variants.sh runs/variants   (~20 min per variant alone)
# Without BASE the first run (grpo) pretrains one (`r1j r1-zero`, ~26 min more) and the others start from it. Run it
# alone on the machine: the wall times in OUT/times.txt are the comparison's fifth column.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$1; base=${2:-}
mkdir -p "$out"
run() {
  local name=$1; shift
  [ -f "$out/$name/r1-zero/DONE" ] && return
  local from=(); [ -n "$base" ] && from=(--base "$base")
  local s; s=$(date +%s)
  ./r1j r1-zero --preset tiny --seed 1 "${from[@]}" --out "$out/$name" --force --json "$@" > "$out/$name.jsonl"
  echo "$name $(( $(date +%s) - s )) s, load after: $(cut -d, -f3- /proc/loadavg 2>/dev/null || uptime)" >> "$out/times.txt"
}
run grpo
[ -n "$base" ] || base="$out/grpo/base/final"
run gspo --importance-level sequence
run cispo --policy-loss cispo
run refill --dynamic-sampling refill
run async1 --async-steps 1
# One row per variant: pass@1, level 5, language on Spanish prompts (the evaluation's language=es slice), GRPO seconds.
for v in grpo gspo cispo refill async1; do
  [ -f "$out/$v/eval/r1-zero.jsonl" ] || continue
  python3 - "$out/$v" "$v" <<'PY'
import json, sys
d, name = sys.argv[1], sys.argv[2]
rows = [json.loads(l) for l in open(d + "/eval/r1-zero.jsonl")]
stage = rows[0]
es = next(r for r in rows if r.get("slice") == "language=es")
secs = sum(json.loads(l)["seconds"] for l in open(d + "/r1-zero/metrics.jsonl"))
print(f"| {name} | {stage['pass@1']*100:.1f} % | {stage['level5_pass@1']*100:.1f} % | {es['language']*100:.1f} % | {secs:.0f} s |")
PY
done
