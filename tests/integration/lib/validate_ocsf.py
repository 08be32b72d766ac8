#!/usr/bin/python3
"""The one validation every test's findings go through: each line of each findings file must
validate against our JSON Schema (docs/ocsf-finding.schema.json: exactly what we emit) and
conform to the official OCSF 1.3.0 schema (ocsf_conformance.py, strict: warnings fail too),
read from $IG_SHARED/ocsf-schema-1.3.0 (default: ../shared beside the checkout).

Usage: validate_ocsf.py FINDINGS.jsonl...      every file must hold at least one finding
       validate_ocsf.py --scan DIR             every file under DIR whose first line is a finding
Exits 1 naming each invalid line, 2 on bad arguments. Where the official schema is absent (a
clone without ../shared) it says so on stderr and checks our JSON Schema only; the test
integration.test_ocsf_conformance reports that case as skipped."""
import json
import os
import sys

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, HERE)
import ocsf_conformance  # noqa: E402


def official_schema_dir():
    shared = os.environ.get("IG_SHARED") or os.path.join(SRC, "..", "shared")
    d = os.path.join(shared, "ocsf-schema-1.3.0")
    return d if os.path.isfile(os.path.join(d, "dictionary.json")) else None


def is_findings_file(path):
    if not os.path.isfile(path) or os.path.islink(path):   # never open a FIFO or a device
        return False
    try:
        with open(path, encoding="utf-8") as f:
            first = f.readline()
        return '"class_uid":2004' in first.replace(" ", "") and first.lstrip().startswith("{")
    except (OSError, UnicodeDecodeError):
        return False


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    if argv[0] == "--scan":
        if len(argv) != 2:
            print("validate_ocsf.py: --scan takes one directory", file=sys.stderr)
            return 2
        files = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(argv[1]) for f in fs
                       if is_findings_file(os.path.join(dp, f)))
        if not files:
            return 0
    else:
        # the old form named our JSON Schema first; it is always docs/ocsf-finding.schema.json
        files = argv[1:] if argv[0].endswith(".schema.json") else argv
    with open(os.path.join(SRC, "docs", "ocsf-finding.schema.json"), encoding="utf-8") as f:
        ours = jsonschema.Draft202012Validator(json.load(f), format_checker=jsonschema.FormatChecker())
    sdir = official_schema_dir()
    official = ocsf_conformance.Validator(ocsf_conformance.Schema(sdir)) if sdir else None
    bad = total = 0
    for path in files:
        n = 0
        for i, line in enumerate(open(path, encoding="utf-8"), 1):
            if not line.strip():
                continue
            n += 1
            where = f"{os.path.basename(path)}:{i}"
            try:
                finding = json.loads(line)
            except ValueError as e:
                bad += 1
                print(f"{where}: not JSON: {e}", file=sys.stderr)
                continue
            problems = [f"our schema: {e.message} at {list(e.path)}" for e in ours.iter_errors(finding)]
            if official:
                errors, warnings = official.validate(finding)
                problems += [f"OCSF 1.3.0 {kind} at {p or '(event)'}: {msg}" for kind, p, msg in errors + warnings]
            for p in problems:
                print(f"{where}: {p}", file=sys.stderr)
            bad += bool(problems)
        if n == 0:
            bad += 1
            print(f"{path}: no findings (nothing to validate proves nothing)", file=sys.stderr)
        total += n
    if bad:
        print(f"validate_ocsf: {bad} of {total} findings invalid", file=sys.stderr)
        return 1
    if not official:
        print("validate_ocsf: official OCSF schema not found (IG_SHARED/ocsf-schema-1.3.0):"
              " checked against our JSON Schema only", file=sys.stderr)
    print(f"validate_ocsf: {total} findings in {len(files)} files valid"
          + (" (our JSON Schema and official OCSF 1.3.0)" if official else " (our JSON Schema)"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
