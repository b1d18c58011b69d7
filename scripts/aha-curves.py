#!/usr/bin/env python3
"""The aha's curves over R1-Zero's GRPO steps, for several runs, as one standalone SVG (issue 20, docs/results.md):
level-5 self-check rate, level-5 reply length, and how often level-5 replies are right with and without a check —
each a moving average over 20 steps of metrics.jsonl (level-5 metrics exist only on steps that drew level-5 prompts).

  python3 scripts/aha-curves.py OUT.svg LABEL=RUN_DIR [LABEL=RUN_DIR …]
  e.g. python3 scripts/aha-curves.py docs/figures/aha.svg "C seed 1=/tmp/C/s1/r1-zero" "C seed 2=/tmp/C/s2/r1-zero"
"""
import json, sys

PANELS = [("level5_reflection", "level-5 replies that check themselves", 0, 1),
          ("level5_length", "level-5 reply length (tokens)", None, None),
          ("level5_accuracy_checked", "level 5: right when checking", 0, 1),
          ("level5_accuracy_unchecked", "level 5: right without a check", 0, 1)]
COLORS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2"]
W, H, L, T, PW, PH = 360, 200, 44, 24, 300, 140


def smooth(points, window=20):
    out = []
    for step, _ in points:
        xs = [v for s, v in points if step - window < s <= step]
        out.append((step, sum(xs) / len(xs)))
    return out


def panel(px, py, key, title, lo, hi, runs):
    series = []
    for _, rows in runs:
        series.append(smooth([(r["step"], r[key]) for r in rows if key in r]))
    values = [v for s in series for _, v in s]
    steps = max((st for s in series for st, _ in s), default=1)
    lo = min(values, default=0) if lo is None else lo
    hi = max(values, default=1) if hi is None else hi
    hi = hi if hi > lo else lo + 1
    x = lambda st: px + L + (st - 1) / max(1, steps - 1) * PW
    y = lambda v: py + T + (1 - (v - lo) / (hi - lo)) * PH
    b = [f'<text x="{px + L}" y="{py + 14}" font-size="12" font-weight="600">{title}</text>',
         f'<rect x="{px + L}" y="{py + T}" width="{PW}" height="{PH}" fill="none" stroke="#ccc"/>']
    for i in range(5):
        v = lo + (hi - lo) * i / 4
        b.append(f'<text x="{px + L - 4}" y="{y(v) + 3:.1f}" font-size="10" fill="#555" text-anchor="end">{v:.3g}</text>')
    b.append(f'<text x="{px + L}" y="{py + T + PH + 14}" font-size="10" fill="#555">step 1</text>')
    b.append(f'<text x="{px + L + PW}" y="{py + T + PH + 14}" font-size="10" fill="#555" text-anchor="end">step {steps}</text>')
    for i, s in enumerate(series):
        pts = " ".join(f"{x(st):.1f},{y(v):.1f}" for st, v in s)
        b.append(f'<polyline fill="none" stroke="{COLORS[i % len(COLORS)]}" stroke-width="1.5" points="{pts}"/>')
    return b


def main():
    out, specs = sys.argv[1], sys.argv[2:]
    runs = []
    for spec in specs:
        label, path = spec.split("=", 1)
        runs.append((label, [json.loads(l) for l in open(path.rstrip("/") + "/metrics.jsonl")]))
    width, height = 2 * W + 20, 2 * H + 24
    b = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
         'font-family="system-ui,sans-serif"><rect width="100%" height="100%" fill="#fff"/>']
    for i, (key, title, lo, hi) in enumerate(PANELS):
        b += panel((i % 2) * (W + 20), (i // 2) * H, key, title, lo, hi, runs)
    for i, (label, _) in enumerate(runs):
        b.append(f'<text x="{L + i * 140}" y="{height - 12}" font-size="12" fill="{COLORS[i % len(COLORS)]}">■ {label}</text>')
    b.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(b) + "\n")


if __name__ == "__main__":
    main()
