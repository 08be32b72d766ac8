#!/usr/bin/env bash
# The attacks of test_attacks_e2e.sh, over Open Inference Protocol v2 gRPC: the same
# scikit-learn wine model served by grpcio (sk_model_server.py --grpc-portfile), benign
# clients and the published attacks (Papernot JbDA and Tramer random-query extraction, a
# HopSkipJump-style boundary walk over one ModelStreamInfer stream, SimBA, score
# harvesting) plus a request flood, each its own gRPC channel from its own 127.0.0.x
# address (through a loopback relay: grpcio cannot bind one) with its own API key
# (x-api-key metadata, the identity the events must carry). Recorded with dumpcap
# and analyzed with the shipped rules: every call is one event of its client, each attacker
# is flagged with its family, the flood by abuse.rate, and no benign client by anything.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/model_stack.sh"
need_model_stack grpc
export INFERGUARD_ID_SECRET=grpc-attacks-secret
start_model_server grpc
start_recording "$gport"

client() {   # client ROLE SOURCE QUERIES BATCH SEED [PAUSE] [--stream]
  (cd "$tools" && $PY attack_clients.py --grpc --port "$gport" --meta "$WORK/meta.json" --role "$1" \
      --source "$2" --queries "$3" --batch "$4" --seed "$5" --pause "${6:-0}" ${7:-}) > "$WORK/client.$2.$5.json"
}
# the boundary walk over one ModelStreamInfer stream; and a request flood
BOUNDARY_ARG=--stream ATTACK_FLOOD=1 attack_phases
stop_recording

# abuse.rate's defaults are relative (15x the model's other clients, at least 150 per 10 s):
# this flood of 400 calls is ~2x the busy benign clients, so the test names the quota an
# operator would set for such a model, and the flood must exceed it.
mkdir "$WORK/rules"
cp "$IG_SRC"/rules/*.yaml "$WORK/rules/"
cat > "$WORK/rules/zz-quota.yaml" <<'YAML'
- detector: abuse.rate
  params:
    max_requests: 300
YAML
"$IG_BIN" analyze --rules "$WORK/rules" --events "$WORK/events.jsonl" \
    --findings "$WORK/findings.jsonl" "$WORK/cap.pcap" 2> "$WORK/analyze.err" \
    || fail "analyze exited $?: $(tail -5 "$WORK/analyze.err")"

# one file per client: concurrent appends to one file can interleave long lines
cat "$WORK"/client.*.json > "$WORK/clients.jsonl"
$PY - "$WORK/clients.jsonl" "$WORK/events.jsonl" "$WORK/findings.jsonl" <<'PY' || fail "see above"
import collections, hashlib, hmac, json, sys
def kid(source):
    return "key:" + hmac.new(b"grpc-attacks-secret", f"client-{source}".encode(),
                             hashlib.sha256).hexdigest()[:16]
clients = [json.loads(l) for l in open(sys.argv[1])]
events, rows = collections.Counter(), collections.Counter()
protocols = collections.Counter()
for l in open(sys.argv[2]):
    e = json.loads(l)
    events[e["client"]["id"]] += 1
    rows[e["client"]["id"]] += e.get("rows", 0)
    protocols[e["protocol"]] += 1
found = collections.defaultdict(dict)
for l in open(sys.argv[3]):
    f = json.loads(l)
    found[f.get("actor", {}).get("user", {}).get("uid", "")].setdefault(f["finding_info"]["analytic"]["name"], f.get("unmapped", {}))
want = {"benign": None, "jbda": "extraction.", "random": "extraction.", "boundary": "adversarial.",
        "simba": "adversarial.", "harvest": "leakage.scores", "flood": "abuse.rate"}
bad = []
if set(protocols) != {"oip_v2_grpc"}:
    bad.append(f"protocols {dict(protocols)}")
seen = set()
for c in sorted(clients, key=lambda c: (c["role"] != "benign", c["source"])):
    ip, role = c["source"], c["role"]
    if (ip, role) in seen:
        continue
    seen.add((ip, role))
    k = kid(ip)
    reqs = sum(x["requests"] for x in clients if x["source"] == ip)
    q = sum(x["queries"] for x in clients if x["source"] == ip)
    dets = found.get(k, {})
    print(f"{role:9s} {k} sent {q:4d} rows/{reqs:3d} calls, seen {rows[k]:4d}/{events[k]:3d}:",
          ", ".join(sorted(dets)) or "no finding")
    if rows[k] != q or events[k] != reqs:
        bad.append(f"{role} {ip}: analyze saw {rows[k]} rows/{events[k]} events, sent {q}/{reqs}")
    if want[role] is None and dets:
        bad.append(f"benign client {ip} flagged by {sorted(dets)}")
    if want[role] and not any(d.startswith(want[role]) for d in dets):
        bad.append(f"{role} attacker {ip} not flagged by {want[role]}*")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
echo "ok: over gRPC too, every attacker flagged with its family, the flood by abuse.rate, no benign client flagged"
