#!/usr/bin/env bash
# Least privilege as Kubernetes grants it (no ambient capabilities for non-root, nothing but
# the listed capabilities in the bounding set, no_new_privs from allowPrivilegeEscalation:
# false), reproduced with setpriv:
#  - started as uid 0 with only NET_RAW, SETUID and SETGID, `run --user 65532:65532` opens the
#    capture, then has uid/gid 65532, no permitted/effective/ambient capability, NoNewPrivs 1
#    and a seccomp filter (Seccomp 2), and still captures: every request replayed on
#    loopback becomes an event;
#  - without SETUID/SETGID the switch is refused (exit 3, one line), never run as root;
#  - started directly as non-root with NET_RAW only in the bounding set (what a plain
#    `runAsUser: 65532` + `capabilities.add: [NET_RAW]` gives), capture is refused (exit 4):
#    the reason the manifests start as root and drop.
. "$(dirname "$0")/lib/common.sh"
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root to grant capabilities with setpriv"; exit 77; }
tools=$IG_SRC/tests/tools
command -v setpriv >/dev/null || fail "setpriv missing (Debian util-linux)"

start_tool_server oip_server.py

out=$WORK/out; mkdir "$out"; chown 65532:65532 "$out"
printf 'rules:\n  cache_dir: ""\n' > "$WORK/config.yaml"; chmod 644 "$WORK/config.yaml"
chmod 755 "$WORK"
# as a container with capabilities.drop [ALL], add [CAPS], allowPrivilegeEscalation: false
k8s() { K8S=(setpriv --bounding-set "-all,$1" --inh-caps -all --ambient-caps -all --no-new-privs); }

# What the shipped manifests grant: the sidecar container's securityContext and run.user.
read -r caps user < <(/usr/bin/python3 - "$IG_SRC/deploy" <<'PY'
import sys, yaml
d = sys.argv[1]
dep = next(x for x in yaml.safe_load_all(open(f"{d}/model-with-inferguard.yaml")) if x and x.get("kind") == "Deployment")
c = next(c for c in dep["spec"]["template"]["spec"]["containers"] if c["name"] == "inferguard")
sc = c["securityContext"]
assert sc["capabilities"]["drop"] == ["ALL"] and sc["allowPrivilegeEscalation"] is False, sc
assert sc.get("readOnlyRootFilesystem") is True and sc["seccompProfile"]["type"] == "RuntimeDefault", sc
cfg = yaml.safe_load(yaml.safe_load(open(f"{d}/inferguard-configmap.yaml"))["data"]["config.yaml"])
print(",".join("+" + x.lower() for x in sc["capabilities"]["add"]), cfg["run"]["user"])
PY
)
[ "$caps" = "+net_raw,+setuid,+setgid" ] && [ "$user" = 65532:65532 ] || fail "manifests grant '$caps' user '$user'"

k8s "$caps"
"${K8S[@]}" "$IG_BIN" run -c "$WORK/config.yaml" -i lo --bpf "$(server_bpf "$port")" \
    --user "$user" --events "$out/events.jsonl" --findings "$out/findings.jsonl" 2> "$WORK/run.err" &
run=$!; BG_PIDS+=($run)
wait_for "$WORK/run.err" capturing 10
grep -q "uid 65532 gid 65532 (switched from root), no capabilities, no_new_privs, seccomp" "$WORK/run.err" \
  || fail "no privilege line: $(cat "$WORK/run.err")"
st=/proc/$run/status
field() { awk -v k="$1:" '$1 == k { $1 = ""; print substr($0, 2) }' "$st"; }
[ "$(field Uid)" = "65532	65532	65532	65532" ] || [ "$(field Uid | tr -s ' \t' ' ')" = "65532 65532 65532 65532" ] \
  || fail "Uid: $(field Uid)"
[ "$(field Gid | tr -s ' \t' ' ')" = "65532 65532 65532 65532" ] || fail "Gid: $(field Gid)"
[ "$(field Groups | tr -s ' \t' ' ')" = "65532" ] || fail "Groups: $(field Groups)"
for c in CapEff CapPrm CapAmb CapInh; do
  [ "$(field $c)" = 0000000000000000 ] || fail "$c: $(field $c)"
done
[ "$(field NoNewPrivs)" = 1 ] || fail "NoNewPrivs: $(field NoNewPrivs)"
[ "$(field Seccomp)" = 2 ] || fail "Seccomp: $(field Seccomp)"
# every thread (librdkafka's, the detection worker) carries the filter
for t in /proc/$run/task/*/status; do
  [ "$(awk '$1 == "Seccomp:" { print $2 }' "$t")" = 2 ] || fail "thread $t without the filter"
done

/usr/bin/python3 "$tools/oip_client.py" --port "$port" --requests 40 --rows 2 --dim 8 --conns 2 \
    --model iris --out "$WORK/sent.jsonl"
sleep 1
kill -TERM "$run"
wait "$run" || fail "inferguard run exited $? ($(tail -5 "$WORK/run.err"))"
/usr/bin/python3 "$IG_SRC/tests/integration/lib/compare_events.py" "$WORK/sent.jsonl" \
    "$out/events.jsonl" iris 2 8 127.0.0.1 || fail "events captured after the drop differ from those sent"
[ "$(stat -c %u "$out/events.jsonl")" = 65532 ] || fail "events file not written as 65532"

# No SETUID/SETGID granted: refused, not run as root.
set +e
k8s +net_raw
"${K8S[@]}" "$IG_BIN" run -c "$WORK/config.yaml" -i lo --bpf "$(server_bpf "$port")" --user 65532:65532 \
    --findings "$out/f2.jsonl" > /dev/null 2> "$WORK/nosetuid.err"; rc=$?
set -e
[ "$rc" = 3 ] || fail "without CAP_SETUID: exit $rc, want 3 ($(cat "$WORK/nosetuid.err"))"
grep -q "cannot switch to 65532:65532" "$WORK/nosetuid.err" || fail "no clear error: $(cat "$WORK/nosetuid.err")"

# Non-root from the start with NET_RAW only in the bounding set: Kubernetes' non-root case.
set +e
setpriv --reuid 65532 --regid 65532 --clear-groups --bounding-set -all,+net_raw --inh-caps -all \
    --ambient-caps -all --no-new-privs "$IG_BIN" run -c "$WORK/config.yaml" \
    -i lo --bpf "$(server_bpf "$port")" --findings "$out/f3.jsonl" > /dev/null 2> "$WORK/nonroot.err"; rc=$?
set -e
[ "$rc" = 4 ] || fail "non-root with NET_RAW only bounded: exit $rc, want 4 ($(cat "$WORK/nonroot.err"))"
echo "ok: root with NET_RAW+SETUID+SETGID -> uid 65532, no capabilities, NoNewPrivs 1, Seccomp 2 on every thread, 40 events captured; refusals exit 3 and 4"
