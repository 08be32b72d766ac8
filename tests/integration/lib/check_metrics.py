#!/usr/bin/python3
"""Strict parser of the Prometheus text exposition format 0.0.4 as inferguard serves it,
then checks of sample values. Usage:
    check_metrics.py FILE [NAME{LABELS}=VALUE | NAME{LABELS}>=VALUE ...]
Format rules checked: every line is '# HELP', '# TYPE' or a sample; HELP and TYPE once per
family and before its samples; a family's samples contiguous; metric and label names
valid; label values properly escaped; values numeric; counters named *_total; no series
twice. Prints the parsed series as JSON on stdout with --dump."""
import json
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*"
SAMPLE = re.compile(rf"^({NAME})(\{{(.*)\}})? (\S+)$")
LABEL_PAIR = re.compile(rf'({LABEL})="((?:[^"\\\n]|\\[\\"n])*)"')


def parse_labels(s, where):
    out, pos = {}, 0
    while pos < len(s):
        m = LABEL_PAIR.match(s, pos)
        if not m:
            sys.exit(f"{where}: bad label list {s!r}")
        if m.group(1) in out:
            sys.exit(f"{where}: label {m.group(1)} twice")
        out[m.group(1)] = m.group(2).replace('\\n', '\n').replace('\\"', '"').replace('\\\\', '\\')
        pos = m.end()
        if pos < len(s):
            if s[pos] != ",":
                sys.exit(f"{where}: expected ',' in {s!r}")
            pos += 1
    return out


def parse(text):
    if not text.endswith("\n"):
        sys.exit("exposition does not end with a newline")
    help_, type_, series, done, current = {}, {}, {}, set(), None
    for no, line in enumerate(text.split("\n")[:-1], 1):
        where = f"line {no}"
        if line.startswith("# HELP "):
            name, _, doc = line[7:].partition(" ")
            if not re.fullmatch(NAME, name) or not doc or name in help_:
                sys.exit(f"{where}: bad or repeated HELP {line!r}")
            help_[name] = doc
            continue
        if line.startswith("# TYPE "):
            name, _, t = line[7:].partition(" ")
            if name in type_ or t not in ("counter", "gauge", "untyped", "histogram", "summary"):
                sys.exit(f"{where}: bad or repeated TYPE {line!r}")
            if name not in help_:
                sys.exit(f"{where}: TYPE before HELP for {name}")
            if t == "counter" and not name.endswith("_total"):
                sys.exit(f"{where}: counter {name} not named *_total")
            type_[name] = t
            continue
        if line.startswith("#") or not line:
            sys.exit(f"{where}: unexpected line {line!r}")
        m = SAMPLE.match(line)
        if not m:
            sys.exit(f"{where}: not a sample {line!r}")
        name, labels, value = m.group(1), parse_labels(m.group(3) or "", where), m.group(4)
        if name not in type_:
            sys.exit(f"{where}: sample of {name} without TYPE")
        if name != current:
            if name in done:
                sys.exit(f"{where}: samples of {name} not contiguous")
            if current:
                done.add(current)
            current = name
        try:
            v = float(value)
        except ValueError:
            sys.exit(f"{where}: value {value!r} is not a number")
        if type_[name] == "counter" and v < 0:
            sys.exit(f"{where}: negative counter")
        key = name + json.dumps(labels, sort_keys=True)
        if key in series:
            sys.exit(f"{where}: series {key} twice")
        series[key] = v
    for name in help_:
        if name not in type_:
            sys.exit(f"HELP without TYPE for {name}")
    return series


def key_of(expr):
    m = re.fullmatch(rf"({NAME})(\{{(.*)\}})?", expr)
    if not m:
        sys.exit(f"bad check {expr!r}")
    labels = {}
    for pair in filter(None, (m.group(3) or "").split(",")):
        k, _, v = pair.partition("=")
        labels[k] = v.strip('"')
    return m.group(1) + json.dumps(labels, sort_keys=True)


def main():
    args = [a for a in sys.argv[1:] if a != "--dump"]
    series = parse(open(args[0]).read())
    if "--dump" in sys.argv:
        print(json.dumps(series, indent=1))
    bad = 0
    for check in args[1:]:
        op = ">=" if ">=" in check else "="
        expr, _, want = check.rpartition(op)
        got = series.get(key_of(expr))
        ok = got is not None and (got >= float(want) if op == ">=" else got == float(want))
        if not ok:
            print(f"metrics: {expr} is {got}, want {op} {want}", file=sys.stderr)
            bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
