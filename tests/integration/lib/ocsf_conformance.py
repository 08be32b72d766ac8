#!/usr/bin/python3
"""OCSF conformance checker: validates events against the official OCSF schema definition files
(the ocsf/ocsf-schema repository layout: dictionary.json, categories.json, events/, objects/,
profiles/, includes/), resolving a class the way the OCSF schema server does:

- `$include` of files (and of enum files at attribute level); attributes from a file whose
  "meta" is "profile" belong to that profile;
- `extends` chains of event classes (detection_finding -> finding -> base_event) and of objects
  (network_endpoint -> endpoint -> _entity -> object), child definitions deep-merged over the
  parent's, every attribute completed from dictionary.json (type, is_array, enum, sibling);
- the synthetic `datetime` profile (`<name>_dt` for every timestamp_t attribute); the class's
  class_uid, category_uid and type_uid enums;
- profile attributes allowed only when `metadata.profiles` declares the profile;
- `requirement` (required: error; recommended: warning on request), unknown attributes,
  `enum` values and their sibling captions, dictionary types (integer_t, long_t, float_t,
  string_t, boolean_t, json_t and subtypes with their `range`, `max_len`, `regex`, `values`),
  arrays, object constraints `at_least_one` and `just_one`, `metadata.version`, `type_uid`,
  deprecations, `observables[].name` referring to an attribute of the class.

Errors and warnings follow the schema server's validator (ocsf-server lib/schema/validator2.ex)
and use its error type names. Usage:
  ocsf_conformance.py --schema DIR [--recommended] [--strict] FILE.jsonl...
exits 0 when every event conforms, 1 naming each error (and with --strict each warning),
2 on bad arguments or unreadable files. Standard library only (Debian's /usr/bin/python3).
"""
import argparse
import copy
import json
import os
import re
import sys

INT_MIN, INT_MAX = -(2 ** 63), 2 ** 63 - 1
LONG_MIN, LONG_MAX = -(2 ** 127), 2 ** 127 - 1


def deep_merge(base, over):
    """Like the schema server's Utils.deep_merge: maps merge recursively, anything else in
    <over> (including null) replaces what <base> has."""
    if not isinstance(base, dict) or not isinstance(over, dict):
        return copy.deepcopy(over)
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = deep_merge(out[k], v) if k in out and isinstance(out[k], dict) and isinstance(v, dict) \
            else copy.deepcopy(v)
    return out


class Schema:
    def __init__(self, root):
        self.root = root
        self._files = {}
        d = self._json("dictionary.json")
        self.dict_attrs = d["attributes"]
        self.types = d["types"]["attributes"]
        self.categories = self._json("categories.json")["attributes"]
        self.version = self._json("version.json")["version"]
        self.profiles = {os.path.splitext(f)[0] for f in os.listdir(os.path.join(root, "profiles"))
                         if f.endswith(".json")}
        self.raw_objects = self._scan("objects")
        self.raw_events = self._scan("events")
        self._objects = {}
        self._classes = {}
        # observable.type_id is generated as the server does: from the dictionary types, the
        # dictionary attributes and the objects (and object attributes) that name an observable
        self.observable_types = {"0": {"caption": "Unknown"}, "99": {"caption": "Other"}}
        for src in (self.types, self.dict_attrs):
            for a in src.values():
                if "observable" in a:
                    self.observable_types[str(a["observable"])] = {"caption": a.get("caption", "")}
        for o in self.raw_objects.values():
            if "observable" in o:
                self.observable_types[str(o["observable"])] = {"caption": o.get("caption", "")}
            for a in o.get("attributes", {}).values():
                if isinstance(a, dict) and "observable" in a:
                    self.observable_types[str(a["observable"])] = {
                        "caption": f"{o.get('caption', '')} {a.get('caption', '')}".strip()}
        self.class_by_uid = {}
        for name, ev in self.raw_events.items():
            if "uid" in ev and ev.get("category") in self.categories:
                uid = self.categories[ev["category"]]["uid"] * 1000 + ev["uid"]
                self.class_by_uid[uid] = name

    def _json(self, rel):
        with open(os.path.join(self.root, rel), encoding="utf-8") as f:
            return json.load(f)

    def _scan(self, sub):
        out = {}
        for dirpath, _, files in os.walk(os.path.join(self.root, sub)):
            for f in sorted(files):
                if f.endswith(".json"):
                    rel = os.path.relpath(os.path.join(dirpath, f), self.root)
                    data = self._read(rel)
                    out[data.get("name") or os.path.splitext(f)[0]] = data
        return out

    def _read(self, rel):
        """A definition file with its `$include`s resolved (cached per file)."""
        if rel in self._files:
            return copy.deepcopy(self._files[rel])
        data = self._json(rel)
        attrs = data.get("attributes")
        if isinstance(attrs, dict):
            inc = attrs.pop("$include", None)
            for f in ([inc] if isinstance(inc, str) else inc or []):
                included = self._read(f)
                iattrs = included.get("attributes", {})
                if included.get("meta") == "profile":
                    for a in iattrs.values():
                        a["profile"] = included["name"]
                attrs = deep_merge(iattrs, attrs)
            for k, a in list(attrs.items()):
                if isinstance(a, dict) and "$include" in a:   # enum files
                    f = a.pop("$include")
                    attrs[k] = deep_merge(self._json(f), a)
            data["attributes"] = attrs
        self._files[rel] = data
        return copy.deepcopy(data)

    def _extend(self, raw, name, seen):
        item = raw[name]
        parent = item.get("extends")
        if not parent or parent == name:
            return copy.deepcopy(item)
        if parent in seen:
            raise ValueError(f"extends loop at {name}")
        base = self._extend(raw, parent, seen | {name})
        out = {k: v for k, v in base.items() if k not in ("name", "caption", "description", "uid",
                                                        "extends", "@deprecated")}
        out.update({k: v for k, v in item.items() if k != "attributes"})
        out["attributes"] = deep_merge(base.get("attributes", {}), item.get("attributes", {}))
        out["profiles"] = sorted(set(base.get("profiles") or []) | set(item.get("profiles") or []))
        return out

    def _complete(self, attrs):
        """Completes every attribute from the dictionary and adds the datetime siblings."""
        out = {}
        for k, a in attrs.items():
            if a is None:
                continue
            full = deep_merge(self.dict_attrs.get(k, {}), a)
            t = full.get("type")
            if t is not None and t not in self.types:
                full["object_type"], full["type"] = t, "object_t"
            out[k] = full
        for k, a in list(out.items()):
            if a.get("type") == "timestamp_t" and k + "_dt" not in out:
                out[k + "_dt"] = deep_merge(self.dict_attrs.get(k + "_dt", {}),
                                            {"type": "datetime_t", "profile": "datetime",
                                             "requirement": "optional"})
        return out

    def object(self, name):
        if name not in self._objects:
            if name not in self.raw_objects:
                raise KeyError(f"object {name} is not defined")
            o = self._extend(self.raw_objects, name, set())
            o["attributes"] = self._complete(o.get("attributes", {}))
            o["name"] = name
            if name == "observable" and "type_id" in o["attributes"]:
                o["attributes"]["type_id"] = deep_merge(o["attributes"]["type_id"],
                                                        {"enum": self.observable_types})
            self._objects[name] = o
        return self._objects[name]

    def klass(self, name):
        if name not in self._classes:
            c = self._extend(self.raw_events, name, set())
            c["name"] = name
            attrs = c.get("attributes", {})
            cat = self.categories[c["category"]]
            uid = cat["uid"] * 1000 + c["uid"]
            c["class_uid"] = uid
            attrs = deep_merge(attrs, {
                "class_uid": {"enum": {str(uid): {"caption": c["caption"]}}},
                "category_uid": {"enum": {str(cat["uid"]): {"caption": cat["caption"]}}},
            })
            attrs = self._complete(attrs)
            acts = attrs.get("activity_id", {}).get("enum", {})
            attrs["type_uid"] = deep_merge(attrs.get("type_uid", {}), {"enum": {
                str(uid * 100 + int(a)): {"caption": f"{c['caption']}: {v.get('caption', '')}"}
                for a, v in acts.items()}})
            c["attributes"] = attrs
            self._classes[name] = c
        return self._classes[name]


def type_of(v):
    if isinstance(v, bool):
        return "boolean_t"
    if isinstance(v, int):
        return "integer_t" if INT_MIN <= v <= INT_MAX else "long_t" if LONG_MIN <= v <= LONG_MAX else "big integer"
    if isinstance(v, float):
        return "float_t"
    if isinstance(v, str):
        return "string_t"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return "null" if v is None else "unknown type"


class Validator:
    def __init__(self, schema, recommended=False):
        self.s = schema
        self.recommended = recommended
        self._re = {}

    def validate(self, event):
        self.errors, self.warnings = [], []
        if not isinstance(event, dict):
            self.err("event_wrong_type", "", f"event is {type_of(event)}, not an object")
            return self.errors, self.warnings
        uid = event.get("class_uid")
        if uid is None:
            self.err("attribute_required_missing", "class_uid", "required attribute is missing")
            return self.errors, self.warnings
        if type_of(uid) != "integer_t":
            self.err("attribute_wrong_type", "class_uid", f"expected integer_t, got {type_of(uid)}")
            return self.errors, self.warnings
        name = self.s.class_by_uid.get(uid)
        if name is None:
            self.err("class_uid_unknown", "class_uid", f"no class is defined for {uid}")
            return self.errors, self.warnings
        cls = self.s.klass(name)
        profiles = self.profiles(event)
        if "@deprecated" in cls:
            self.warn("class_deprecated", "", f"class {name} is deprecated")
        self.attributes(event, None, cls, profiles)
        self.check_version(event)
        self.check_type_uid(event)
        self.constraints(event, cls, None)
        self.observables(event, cls, profiles)
        return self.errors, self.warnings

    def err(self, kind, path, msg):
        self.errors.append((kind, path, msg))

    def warn(self, kind, path, msg):
        self.warnings.append((kind, path, msg))

    def profiles(self, event):
        md = event.get("metadata")
        p = md.get("profiles") if isinstance(md, dict) else None
        if not isinstance(p, list):
            return []
        for i, name in enumerate(p):
            if isinstance(name, str) and name not in self.s.profiles:
                self.err("profile_unknown", f"metadata.profiles[{i}]", f"no profile is defined for '{name}'")
        return [x for x in p if isinstance(x, str)]

    @staticmethod
    def filtered(attrs, profiles):
        return {k: a for k, a in attrs.items() if not a.get("profile") or a["profile"] in profiles}

    @staticmethod
    def join(parent, name):
        return f"{parent}.{name}" if parent else name

    def attributes(self, item, parent, schema_item, profiles):
        attrs = self.filtered(schema_item.get("attributes", {}), profiles)
        for k, a in attrs.items():
            self.attribute(item.get(k), self.join(parent, k), a, profiles)
        if attrs:
            for k in item:
                if k not in attrs:
                    what = f"class {schema_item['name']}" if parent is None else f"object {schema_item['name']}"
                    why = " (profile not declared in metadata.profiles)" \
                        if k in schema_item.get("attributes", {}) else ""
                    self.err("attribute_unknown", self.join(parent, k), f"not defined in {what}{why}")
        for k, a in attrs.items():
            if "enum" in a and k in item:
                values = item[k] if a.get("is_array") and isinstance(item[k], list) else [item[k]]
                for i, v in enumerate(values):
                    path = self.join(parent, k) + (f"[{i}]" if a.get("is_array") else "")
                    key = str(v).lower() if isinstance(v, bool) else str(v)
                    if key not in a["enum"]:
                        self.err("attribute_enum_value_unknown", path, f"value {v!r} is not defined for enum {k}")
                        continue
                    ev = a["enum"][key]
                    if "@deprecated" in ev:
                        self.warn("attribute_enum_value_deprecated", path, f"value {v!r} is deprecated")
                    sib = a.get("sibling")
                    if sib and sib in item and not a.get("is_array"):
                        if v == 99:
                            if item[sib] == ev.get("caption"):
                                self.warn("attribute_enum_sibling_suspicious_other", self.join(parent, sib),
                                          f"{item[sib]!r} is the caption of 99; use the source's value")
                        elif item[sib] != ev.get("caption"):
                            self.warn("attribute_enum_sibling_incorrect", self.join(parent, sib),
                                      f"expected {ev.get('caption')!r}, got {item[sib]!r}")

    def attribute(self, value, path, a, profiles):
        if value is None:
            req = a.get("requirement")
            if req == "required":
                self.err("attribute_required_missing", path, "required attribute is missing")
            elif req == "recommended" and self.recommended:
                self.warn("attribute_recommended_missing", path, "recommended attribute is missing")
            return
        if "@deprecated" in a:
            self.warn("attribute_deprecated", path, "attribute is deprecated")
        if a.get("is_array"):
            if not isinstance(value, list):
                self.err("attribute_wrong_type", path, f"expected array of {a.get('object_type') or a.get('type')}, "
                         f"got {type_of(value)}")
                return
            for i, v in enumerate(value):
                self.value(v, f"{path}[{i}]", a, profiles)
        else:
            self.value(value, path, a, profiles)

    def value(self, v, path, a, profiles):
        t = a.get("type")
        if t == "object_t":
            if not isinstance(v, dict):
                self.err("attribute_wrong_type", path, f"expected {a['object_type']} (object), got {type_of(v)}")
                return
            obj = self.s.object(a["object_type"])
            if "@deprecated" in obj:
                self.warn("object_deprecated", path, f"object {obj['name']} is deprecated")
            self.attributes(v, path, obj, profiles)
            self.constraints(v, obj, path)
            return
        if t not in self.s.types:
            self.err("schema_bug_type_missing", path, f"type {t} is not in the dictionary")
            return
        dt = self.s.types[t]
        prim = dt.get("type", t)
        chain = [t] + ([prim] if prim != t else [])
        ok = {"boolean_t": lambda x: isinstance(x, bool),
              "float_t": lambda x: isinstance(x, float),
              "integer_t": lambda x: type_of(x) == "integer_t",
              "long_t": lambda x: type_of(x) in ("integer_t", "long_t"),
              "string_t": lambda x: isinstance(x, str),
              "json_t": lambda x: True}.get(prim)
        if ok is None:
            self.err("schema_bug_primitive_type_unknown", path, f"primitive type {prim} unknown")
            return
        if not ok(v):
            self.err("attribute_wrong_type", path, f"expected {t}" + (f" ({prim})" if prim != t else "")
                     + f", got {type_of(v)}")
            return
        if prim == "json_t":
            return
        # the subtype's constraint if it has one, else its super type's (as the server does)
        def first(key):
            for n in chain:
                if key in self.s.types[n]:
                    return n, self.s.types[n][key]
            return None, None
        n, rng = first("range")
        if rng and prim in ("integer_t", "long_t", "float_t") and not (rng[0] <= v <= rng[1]):
            self.err("attribute_value_exceeds_range", path, f"{v} is outside type {n} range {rng}")
        n, ml = first("max_len")
        if ml is not None and prim == "string_t" and len(v) > ml:
            self.err("attribute_value_exceeds_max_len", path, f"length {len(v)} exceeds type {n} max length {ml}")
        n, rx = first("regex")
        if rx and prim == "string_t":
            r = self._re.get(rx)
            if r is None:
                try:
                    r = self._re[rx] = re.compile(rx)
                except re.error as e:
                    self.err("schema_bug_type_regex_invalid", path, f"type {n} regex does not compile: {e}")
                    r = None
            if r is not None and not r.search(v):
                self.warn("attribute_value_regex_not_matched", path, f"{v!r} does not match the regex of type {n}")
        n, vals = first("values")
        if vals is not None and v not in vals:
            self.err("attribute_value_not_in_type_values", path, f"{v!r} is not one of type {n}'s values {vals}")

    def constraints(self, item, schema_item, path):
        for kind, keys in (schema_item.get("constraints") or {}).items():
            where = f"object {schema_item['name']}" if path else f"class {schema_item['name']}"
            n = sum(1 for k in keys if k in item)
            if kind == "at_least_one" and n == 0:
                self.err("constraint_failed", path or "", f"{where}: at_least_one of {keys}, got none")
            elif kind == "just_one" and n != 1:
                self.err("constraint_failed", path or "", f"{where}: just_one of {keys}, got {n}")
            elif kind not in ("at_least_one", "just_one"):
                self.err("constraint_unknown", path or "", f"{where}: unknown constraint {kind}")

    def check_version(self, event):
        md = event.get("metadata")
        v = md.get("version") if isinstance(md, dict) else None
        if not isinstance(v, str):
            return
        if not re.fullmatch(r"\d+\.\d+\.\d+(?:-dev|-rc\.\d+)?", v):
            self.err("version_invalid_format", "metadata.version", f"{v!r} is not semantic versioning")
        elif v != self.s.version:
            self.err("version_incorrect", "metadata.version", f"{v!r} is not the schema's {self.s.version}")

    def check_type_uid(self, event):
        c, a, t = event.get("class_uid"), event.get("activity_id"), event.get("type_uid")
        if all(type_of(x) == "integer_t" for x in (c, a, t)) and t != c * 100 + a:
            self.err("type_uid_incorrect", "type_uid", f"{t} is not class_uid * 100 + activity_id = {c * 100 + a}")

    def observables(self, event, cls, profiles):
        obs = event.get("observables")
        if not isinstance(obs, list):
            return
        for i, o in enumerate(obs):
            name = o.get("name") if isinstance(o, dict) else None
            if not isinstance(name, str):
                continue
            item, ok = cls, True
            parts = name.split(".")
            for j, part in enumerate(parts):
                a = self.filtered(item.get("attributes", {}), profiles).get(part)
                if a is None or (j < len(parts) - 1 and a.get("type") != "object_t"):
                    ok = False
                    break
                if j < len(parts) - 1:
                    item = self.s.object(a["object_type"])
            if not ok:
                self.err("observable_name_invalid_reference", f"observables[{i}].name",
                         f"{name!r} does not refer to an attribute of class {cls['name']}")


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--schema", required=True, help="directory of the OCSF schema definition files")
    ap.add_argument("--recommended", action="store_true", help="warn on missing recommended attributes")
    ap.add_argument("--strict", action="store_true", help="warnings fail too")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args(argv)
    try:
        schema = Schema(args.schema)
    except (OSError, ValueError, KeyError) as e:
        print(f"ocsf_conformance: cannot load the schema from {args.schema}: {e}", file=sys.stderr)
        return 2
    v = Validator(schema, args.recommended)
    n = bad = 0
    for path in args.files:
        try:
            lines = open(path, encoding="utf-8").read().splitlines()
        except OSError as e:
            print(f"ocsf_conformance: {e}", file=sys.stderr)
            return 2
        for ln, line in enumerate(lines, 1):
            if not line.strip():
                continue
            n += 1
            try:
                event = json.loads(line)
            except ValueError as e:
                print(f"{path}:{ln}: not JSON: {e}", file=sys.stderr)
                bad += 1
                continue
            errors, warnings = v.validate(event)
            problems = [("error",) + e for e in errors] + \
                       [("warning",) + w for w in warnings if args.strict or args.recommended]
            for level, kind, p, msg in problems:
                print(f"{path}:{ln}: {level} {kind} at {p or '(event)'}: {msg}", file=sys.stderr)
            if errors or (args.strict and warnings):
                bad += 1
    if bad:
        print(f"ocsf_conformance: {bad} of {n} events do not conform to OCSF {schema.version}", file=sys.stderr)
        return 1
    print(f"ocsf_conformance: {n} events conform to OCSF {schema.version}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
