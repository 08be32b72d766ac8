#!/usr/bin/env bash
# inferguard inject over a multi-document manifest holding every workload kind and others:
# each pod template gains exactly the sidecar of deploy/model-with-inferguard.yaml (injecting
# that manifest without its sidecar gives it back whole) and its three volumes, capturing
# the TCP containerPorts; every other document, container, init container, volume and
# annotation is unchanged; opted-out and already injected templates are untouched;
# injecting the output again gives it back byte for byte; bad YAML or flow nesting deeper
# than 64 is one error line and exit 4.
. "$(dirname "$0")/lib/common.sh"
cat > "$WORK/in.yaml" <<'YAML'
# a comment (libyaml does not keep it)
apiVersion: v1
kind: Pod
metadata: {name: bare, annotations: {team: fraud}}
spec:
  containers:
    - {name: model, image: "m:1", ports: [{containerPort: 8080}, {containerPort: 5353, protocol: UDP}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: dep}
spec:
  replicas: 3
  selector: {matchLabels: {app: dep}}
  template:
    metadata: {labels: {app: dep}, annotations: {prometheus.io/scrape: "true"}}
    spec:
      initContainers: [{name: init, image: "busybox", command: [sh, -c, "true"]}]
      containers:
        - name: model
          image: m:2
          ports: [{containerPort: 8000}, {containerPort: 8001}]
        - {name: logger, image: l:1}
      volumes: [{name: data, emptyDir: {}}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: sts}
spec: {serviceName: s, selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: m, image: x, ports: [{containerPort: 9000}]}]}}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds}
spec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: m, image: x}]}}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs}
spec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: m, image: x, ports: [{containerPort: 8080}]}]}}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: job}
spec: {template: {spec: {restartPolicy: Never, containers: [{name: m, image: x, ports: [{containerPort: 8501}]}]}}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cron}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: rescore, image: x, ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: svc}
spec: {ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: optout}
spec: {selector: {matchLabels: {a: b}}, template: {metadata: {annotations: {inferguard.io/inject: "false"}}, spec: {containers: [{name: m, image: x}]}}}
YAML
"$IG_BIN" inject -f "$WORK/in.yaml" > "$WORK/out.yaml" 2> "$WORK/inject.err" || fail "inject exited $?: $(cat "$WORK/inject.err")"
grep -q "9 documents, 8 pod templates: 7 injected, 0 already, 1 opted out" "$WORK/inject.err" \
  || fail "summary: $(cat "$WORK/inject.err")"
/usr/bin/python3 - "$WORK/in.yaml" "$WORK/out.yaml" "$IG_SRC/deploy/model-with-inferguard.yaml" <<'PY'
import copy, sys, yaml
ins = list(yaml.safe_load_all(open(sys.argv[1])))
outs = list(yaml.safe_load_all(open(sys.argv[2])))
dep = next(d for d in yaml.safe_load_all(open(sys.argv[3])) if d and d["kind"] == "Deployment")
shipped = next(c for c in dep["spec"]["template"]["spec"]["containers"] if c["name"] == "inferguard")
assert len(ins) == len(outs) == 9, (len(ins), len(outs))
def template(d):
    k = d["kind"]
    if k == "Pod": return d
    if k == "CronJob": return d["spec"]["jobTemplate"]["spec"]["template"]
    if k in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"): return d["spec"]["template"]
want_bpf = {"bare": "tcp port 8080", "dep": "tcp port 8000 or tcp port 8001", "sts": "tcp port 9000",
            "ds": "tcp", "rs": "tcp port 8080", "job": "tcp port 8501", "cron": "tcp port 8080"}
for a, b in zip(ins, outs):
    name = a["metadata"]["name"]
    t = template(a)
    if t is None or name == "optout":
        assert a == b, f"{name} changed"
        continue
    ta, tb = t, template(b)
    sa, sb = ta["spec"], tb["spec"]
    assert tb.get("metadata") == ta.get("metadata"), f"{name}: template metadata changed"
    assert sb["containers"][:-1] == sa["containers"], f"{name}: containers changed"
    side = sb["containers"][-1]
    assert side["name"] == "inferguard", name
    assert side["securityContext"] == shipped["securityContext"], f"{name}: securityContext differs from deploy/"
    args = side["args"]
    assert args[args.index("--bpf") + 1] == want_bpf[name], (name, args)
    assert sb.get("initContainers") == sa.get("initContainers"), f"{name}: init containers changed"
    vols = [v["name"] for v in sb["volumes"]]
    assert vols[:len(sa.get("volumes", []))] == [v["name"] for v in sa.get("volumes", [])], name
    assert vols[-3:] == ["inferguard-config", "inferguard-secrets", "inferguard-state"], (name, vols)
    mounts = {m["name"] for m in side["volumeMounts"]}
    assert mounts <= set(vols), (name, mounts, vols)
    rest_a = copy.deepcopy(a); rest_b = copy.deepcopy(b)
    template(rest_a)["spec"] = None; template(rest_b)["spec"] = None
    assert rest_a == rest_b, f"{name}: something outside the pod spec changed"
print("7 templates injected as deploy/ runs the sidecar; other documents unchanged")
PY
# The shipped manifest without its sidecar, injected, is the shipped manifest again: the
# container and volumes come from it (compiled in), whole, not only the securityContext.
/usr/bin/python3 - "$IG_SRC/deploy/model-with-inferguard.yaml" > "$WORK/bare.yaml" <<'PY'
import sys, yaml
dep = next(d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "Deployment")
spec = dep["spec"]["template"]["spec"]
side = next(c for c in spec["containers"] if c["name"] == "inferguard")
mounted = {m["name"] for m in side["volumeMounts"]}
spec["containers"].remove(side)
spec["volumes"] = [v for v in spec["volumes"] if v["name"] not in mounted] or None
if spec["volumes"] is None: del spec["volumes"]
yaml.safe_dump(dep, sys.stdout)
PY
"$IG_BIN" inject -f "$WORK/bare.yaml" > "$WORK/bare.out" 2> "$WORK/bare.err" || fail "inject of deploy/: $(cat "$WORK/bare.err")"
/usr/bin/python3 - "$IG_SRC/deploy/model-with-inferguard.yaml" "$WORK/bare.out" <<'PY' || fail "inject differs from deploy/model-with-inferguard.yaml"
import sys, yaml
want = next(d for d in yaml.safe_load_all(open(sys.argv[1])) if d and d["kind"] == "Deployment")
got = yaml.safe_load(open(sys.argv[2]))
assert got == want, (got, want)
PY
"$IG_BIN" inject -f - < "$WORK/out.yaml" > "$WORK/out2.yaml" 2> "$WORK/inject2.err"
cmp -s "$WORK/out.yaml" "$WORK/out2.yaml" || fail "injecting twice changed the output"
grep -q "7 already" "$WORK/inject2.err" || fail "second pass: $(cat "$WORK/inject2.err")"
printf 'kind: Pod\nspec: [unclosed\n' > "$WORK/bad.yaml"
set +e; "$IG_BIN" inject -f "$WORK/bad.yaml" > /dev/null 2> "$WORK/bad.err"; rc=$?; set -e
[ "$rc" = 4 ] && [ "$(wc -l < "$WORK/bad.err")" = 1 ] && grep -q 'bad.yaml:' "$WORK/bad.err" \
  || fail "bad YAML: exit $rc, $(cat "$WORK/bad.err")"
# libyaml slows steeply with flow nesting: a megabyte of "[" is refused at once, not parsed.
/usr/bin/python3 -c 'print("kind: Pod\nspec: " + "[" * 1000000)' > "$WORK/deep.yaml"
set +e; timeout 20 "$IG_BIN" inject -f "$WORK/deep.yaml" > /dev/null 2> "$WORK/deep.err"; rc=$?; set -e
[ "$rc" = 4 ] && grep -q 'nested deeper than 64' "$WORK/deep.err" || fail "deep nesting: exit $rc, $(cat "$WORK/deep.err")"
echo "ok: inject over 9 documents of every kind, idempotent, bad YAML and deep nesting exit 4"
