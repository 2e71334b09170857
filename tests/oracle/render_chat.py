#!/usr/bin/python3
"""Renders conversations with the chat_template of a tokenizer_config.json, as Hugging Face's
apply_chat_template does (Jinja2, bos_token from the config, raise_exception available).

  /usr/bin/python3 tests/oracle/render_chat.py tokenizer_config.json < fixtures.json
stdin: [{"messages": [...], "add_generation_prompt": bool}, ...]; stdout: a JSON list of strings.
"""
import json, sys

import jinja2


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def main():
    config = json.load(open(sys.argv[1]))
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True)  # HF's settings
    template = env.from_string(config["chat_template"])
    out = []
    for case in json.load(sys.stdin):
        out.append(template.render(messages=case["messages"], add_generation_prompt=case["add_generation_prompt"],
                                   bos_token=config["bos_token"], eos_token=config["eos_token"],
                                   raise_exception=raise_exception))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
