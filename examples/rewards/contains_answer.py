#!/usr/bin/env python3
"""An example of a reward you write yourself for `r1j grpo/reward --rewards cmd:python3 examples/rewards/contains_answer.py`.

r1j writes one JSON object per line on stdin: {"prompt", "completion", "answer", "row"} (row: the data row's other
fields). Print one line per input: a number, or {"score": x, "reason": "..."}. Exit non-zero to stop the job.
"""
import json
import re
import sys

for line in sys.stdin:
    s = json.loads(line)
    numbers = re.findall(r"-?\d+", s["completion"])
    last = numbers[-1] if numbers else None
    ok = s["answer"] is not None and last == s["answer"]
    # A small shaped reward: 1 for the right final number, 0.1 for giving any number, 0 otherwise.
    score = 1.0 if ok else (0.1 if last is not None else 0.0)
    print(json.dumps({"score": score, "reason": f"last number {last} vs {s['answer']}"}))
