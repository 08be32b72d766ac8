#!/usr/bin/python3
"""Validates every line of a findings JSONL file against docs/ocsf-finding.schema.json.
Usage: validate_ocsf.py SCHEMA FINDINGS.jsonl; exits 1 naming each invalid line."""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
# Debian's jsonschema resolves "#/$defs/..." met through a $ref against the relative $id
# and fails; without $id the document itself is the base.
schema.pop("$id", None)
v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
bad = n = 0
for i, line in enumerate(open(sys.argv[2], encoding="utf-8")):
    if not line.strip():
        continue
    n += 1
    for e in v.iter_errors(json.loads(line)):
        bad += 1
        print(f"line {i + 1}: {e.message} at {list(e.path)}", file=sys.stderr)
if bad or n == 0:
    sys.exit(f"{bad} schema errors in {n} findings")
print(f"{n} findings valid against the OCSF schema")
