#!/usr/bin/env bash
# inferguard webhook over TLS (a CA and serving certificate made here with openssl), driven
# with real admission.k8s.io/v1 AdmissionReview JSON through curl --cacert: a pod that needs
# the sidecar gets a JSONPatch that, applied by python3-jsonpatch, gives exactly what
# `inferguard inject` makes of the same pod (with and without existing volumes); opted-out
# and already injected pods are allowed with no patch; the uid is echoed; malformed and
# oversized reviews get 400 and one log line each and the webhook keeps serving; replaced
# certificate files are served on the next connections, a broken pair leaves the previous
# one in service; SIGTERM stops it with exit 0.
. "$(dirname "$0")/lib/common.sh"
PY=/usr/bin/python3
command -v openssl >/dev/null && command -v curl >/dev/null || { echo "SKIP: openssl/curl missing"; exit 77; }
$PY -c 'import jsonpatch, yaml' 2>/dev/null || { echo "SKIP: python3-jsonpatch/python3-yaml missing"; exit 77; }

cd "$WORK"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=test-ca 2>/dev/null
mkcert() {   # mkcert NAME SERIAL: NAME.crt/NAME.key for 127.0.0.1 and localhost, signed by the CA
  openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -set_serial "$2" -days 2 \
    -extfile "$1.ext" -out "$1.crt" 2>/dev/null
}
mkcert one 4097
mkcert two 8193
cp one.crt tls.crt
cp one.key tls.key

"$IG_BIN" webhook --listen 127.0.0.1:0 --tls-cert tls.crt --tls-key tls.key 2> wh.log &
WH=$!
BG_PIDS+=("$WH")
wait_for wh.log "listening on" 20
PORT=$(grep -o 'listening on 127.0.0.1:[0-9]*' wh.log | head -1 | sed 's/.*://')
[ -n "$PORT" ] && [ "$PORT" -gt 0 ] || fail "no port in the log: $(cat wh.log)"
URL=https://127.0.0.1:$PORT
CURL=(curl -sS --max-time 10 --cacert ca.crt)

[ "$("${CURL[@]}" "$URL/healthz")" = ok ] || fail "/healthz"
[ "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$URL/inject")" = 405 ] || fail "GET /inject"
"$IG_BIN" webhook --help | grep -q 'exit codes' || fail "--help"
rc=0; "$IG_BIN" webhook --listen 127.0.0.1 --tls-cert tls.crt --tls-key tls.key 2>/dev/null || rc=$?
[ "$rc" = 2 ] || fail "--listen without a port: exit $rc, expected 2"
rc=0; "$IG_BIN" webhook --listen 127.0.0.1:0 --tls-cert tls.crt --tls-key two.key 2>/dev/null || rc=$?
[ "$rc" = 3 ] || fail "mismatched key at start: exit $rc, expected 3"
# the served certificate's serial (hex), through a fresh connection
served_serial() { openssl s_client -connect "127.0.0.1:$PORT" -servername localhost </dev/null 2>/dev/null |
                  openssl x509 -noout -serial | sed 's/serial=//'; }
[ "$(served_serial)" = 1001 ] || fail "first certificate not served"

# Pods (JSON as the API server sends them) and their reviews.
cat > pods.py <<'PY'
import json, sys
model = {"name": "model", "image": "m:1", "ports": [{"containerPort": 8080, "protocol": "TCP"},
                                                   {"containerPort": 5353, "protocol": "UDP"}]}
pods = {
  "novol":   {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "namespace": "ml", "labels": {"app": "a"}},
              "spec": {"containers": [model, {"name": "log", "image": "l:1"}]}},
  "vols":    {"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "b-", "annotations": {"x": "y"}},
              "spec": {"containers": [{"name": "m", "image": "m:2", "ports": [{"containerPort": 9000}]}],
                       "volumes": [{"name": "data", "emptyDir": {}},
                                   {"name": "inferguard-state", "emptyDir": {"medium": "Memory"}}]}},
  "optout":  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "c", "annotations": {"inferguard.io/inject": "false"}},
              "spec": {"containers": [model]}},
  "already": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "d"},
              "spec": {"containers": [model, {"name": "inferguard", "image": "inferguard:old"}]}},
}
for k, p in pods.items():
    json.dump(p, open(k + ".pod.json", "w"))
    review = {"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
              "request": {"uid": "uid-" + k + "-705ab4f5", "kind": {"group": "", "version": "v1", "kind": "Pod"},
                          "resource": {"group": "", "version": "v1", "resource": "pods"},
                          "namespace": "ml", "operation": "CREATE", "object": p, "dryRun": False}}
    # compact, as the API server sends it
    json.dump(review, open(k + ".review.json", "w"), separators=(",", ":"))
PY
$PY pods.py

cat > check.py <<'PY'
# check.py NAME PATCHED(0|1) RESPONSE INJECTED_YAML
import base64, json, sys, jsonpatch, yaml
name, want, resp, injected = sys.argv[1], sys.argv[2] == "1", sys.argv[3], sys.argv[4]
r = json.load(open(resp))
assert r["apiVersion"] == "admission.k8s.io/v1" and r["kind"] == "AdmissionReview", r
res = r["response"]
assert res["uid"] == "uid-" + name + "-705ab4f5", ("uid not echoed", res.get("uid"))
assert res["allowed"] is True, res
pod = json.load(open(name + ".pod.json"))
if not want:
    assert "patch" not in res and "patchType" not in res, ("unexpected patch", res)
    sys.exit(0)
assert res["patchType"] == "JSONPatch", res
ops = json.loads(base64.b64decode(res["patch"]))
assert all(o["op"] == "add" for o in ops), ops
assert ops[0]["path"] == "/spec/containers/-" and ops[0]["value"]["name"] == "inferguard", ops[0]
got = jsonpatch.apply_patch(pod, ops)
exp = yaml.safe_load(open(injected))
if got != exp:
    print("patched pod:", json.dumps(got, indent=1, sort_keys=True))
    print("inferguard inject:", json.dumps(exp, indent=1, sort_keys=True))
    sys.exit("the patched pod differs from what inferguard inject makes")
c = ops[0]["value"]
assert c["securityContext"]["runAsUser"] == 0 and c["securityContext"]["allowPrivilegeEscalation"] is False
assert c["ports"][0]["containerPort"] == 9464 and c["resources"]["limits"]["cpu"] == "1"
print(name, "ok:", len(ops), "operations:", ", ".join(o["path"] for o in ops))
PY

review() {   # review NAME PATCHED
  local code
  code=$("${CURL[@]}" -o "$1.resp" -w '%{http_code}' -H 'Content-Type: application/json' \
         --data-binary "@$1.review.json" "$URL/inject")
  [ "$code" = 200 ] || fail "$1: HTTP $code: $(cat "$1.resp")"
  "$IG_BIN" inject -f "$1.pod.json" -o "$1.injected.yaml" 2>/dev/null || fail "$1: inject"
  $PY check.py "$1" "$2" "$1.resp" "$1.injected.yaml" || fail "$1: $(cat "$1.resp")"
}
review novol 1
review vols 1
$PY - <<'PY' || fail "patch ops for an existing volume list"
import base64, json
ops = json.loads(base64.b64decode(json.load(open("vols.resp"))["response"]["patch"]))
# inferguard-state exists already: only the two missing volumes are appended
assert [o["path"] for o in ops] == ["/spec/containers/-", "/spec/volumes/-", "/spec/volumes/-"], ops
assert [o["value"]["name"] for o in ops[1:]] == ["inferguard-config", "inferguard-secrets"], ops
ops = json.loads(base64.b64decode(json.load(open("novol.resp"))["response"]["patch"]))
assert [o["path"] for o in ops] == ["/spec/containers/-", "/spec/volumes"] and len(ops[1]["value"]) == 3, ops
PY
review optout 0
review already 0

# Refused: 400, one log line each, and the webhook still serves.
bad() {   # bad NAME FILE
  local code
  code=$("${CURL[@]}" -o "$1.resp" -w '%{http_code}' -H 'Content-Type: application/json' \
         --data-binary "@$2" "$URL/inject")
  [ "$code" = 400 ] || fail "$1: HTTP $code, expected 400"
}
printf '{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": ' > broken.json
bad broken broken.json
printf '{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {"uid": "u"}}' > noobj.json
bad noobj noobj.json
printf '{"apiVersion": "v1", "kind": "Pod", "spec": {}}' > notreview.json
bad notreview notreview.json
$PY -c '
import json
r = json.load(open("novol.review.json"))
r["request"]["object"]["metadata"]["annotations"] = {"pad": "x" * (1536 * 1024)}
json.dump(r, open("big.json", "w"))'
bad oversized big.json
$PY -c 'open("deep.json", "w").write("{\"a\":" + "[" * 900000 + "]" * 50000 + "}")'
bad deep deep.json   # answered at once: libyaml would take minutes over this nesting
[ "$(grep -c 'refused (400)' wh.log)" = 5 ] || fail "expected 5 refusal log lines: $(cat wh.log)"
grep 'refused (400)' wh.log | grep -q 'bytes, more than 1048576' || fail "oversized reason not logged"
[ "$("${CURL[@]}" "$URL/healthz")" = ok ] || fail "/healthz after refusals"
review novol 1

# Certificate rotation: the files are replaced (new inodes, as kubelet and cert-manager do).
cp two.crt tls.crt.new && cp two.key tls.key.new && mv tls.crt.new tls.crt && mv tls.key.new tls.key
for i in $(seq 1 30); do [ "$(served_serial)" = 2001 ] && break; sleep 0.2; done
[ "$(served_serial)" = 2001 ] || fail "rotated certificate not served: $(cat wh.log)"
grep -q 'certificate reloaded' wh.log || fail "reload not logged"
review vols 1
# A pair that does not load (key of the other certificate): the previous one stays.
cp one.key tls.key.new && mv tls.key.new tls.key
sleep 1.2
[ "$(served_serial)" = 2001 ] || fail "a broken pair replaced the served certificate"
wait_for wh.log "serving the previous certificate" 5
review optout 0

# deploy/: scripts/webhook-certs.sh makes a CA and a certificate for the Service's DNS name
# and fills caBundle in the MutatingWebhookConfiguration.
cp "$IG_SRC/deploy/webhook.yaml" webhook.yaml
"$IG_SRC/scripts/webhook-certs.sh" --fill webhook.yaml certs > certs.out 2>/dev/null || fail "webhook-certs.sh"
openssl verify -CAfile certs/ca.crt certs/tls.crt >/dev/null || fail "serving certificate not signed by the CA"
openssl x509 -in certs/tls.crt -noout -ext subjectAltName | grep -q 'DNS:inferguard-webhook.inferguard.svc,' ||
  fail "no SAN for the Service"
$PY - <<'PY' || fail "deploy/webhook.yaml"
import base64, yaml
docs = {d["kind"]: d for d in yaml.safe_load_all(open("webhook.yaml"))}
w = docs["MutatingWebhookConfiguration"]["webhooks"][0]
assert base64.b64decode(w["clientConfig"]["caBundle"]) == open("certs/ca.crt", "rb").read()
assert w["failurePolicy"] == "Ignore" and w["sideEffects"] == "None" and w["timeoutSeconds"] == 5
assert w["admissionReviewVersions"] == ["v1"] and w["clientConfig"]["service"]["path"] == "/inject"
assert w["namespaceSelector"] == {"matchLabels": {"inferguard.io/inject": "enabled"}}
assert w["rules"][0]["operations"] == ["CREATE"] and w["rules"][0]["resources"] == ["pods"]
svc, dep = docs["Service"], docs["Deployment"]
assert svc["metadata"]["name"] == w["clientConfig"]["service"]["name"]
args = dep["spec"]["template"]["spec"]["containers"][0]["args"]
assert args[0] == "webhook" and "--tls-cert" in args and "--tls-key" in args
PY

kill -TERM "$WH"
rc=0; wait "$WH" || rc=$?
[ "$rc" = 0 ] || fail "webhook exit code $rc after SIGTERM: $(tail -5 wh.log)"
grep -q 'stopped:' wh.log || fail "no stop line"
echo "PASS: webhook ($(grep -o 'stopped: [^"]*' wh.log))"
