#!/usr/bin/env bash
# Identity end to end: a real scikit-learn model server on loopback, a real HTTP proxy in
# front of it playing the mesh sidecar / gateway (tests/tools/identity_proxy.py: connects
# from 127.0.0.6, appends X-Forwarded-For, vouches for mesh clients with
# x-forwarded-client-cert), and clients that forge or shed identities; everything recorded
# to one pcap that `inferguard analyze` reads with the shipped rules and a JWKS.
# Asserts, per client: the identity on its events, the finding naming the right client,
# nothing evicted:
#   mesh       15 benign clients behind the proxy, told apart by SPIFFE id (the defaults
#              trust 127.0.0.6), no finding
#   spoof      a peer outside the mesh sends a mesh client's XFCC: its own address, the
#              victim claimed, identity.spoofing names the peer; nothing lands on the victim
#   jwtrot     an extractor behind the proxy with a new JWT sub per query (400 queries):
#              caught on its source's stream about as soon as the same extractor with one
#              API key (tied), and abuse.identity_rotation names the source
#   keyrot     the same with a new API key per query, straight to the server
#   keyjwt     a client with an API key adding made-up Bearer JWTs: the API key
#   xffrot     an extractor behind the proxy rotating its own X-Forwarded-For: the proxy's
#              appended address is the identity, caught under it
#   verified / expired   HS256 JWTs checked against the JWKS: kind jwt / the peer's address
#   neighbour  a benign client of another listener on the server's port number at another
#              loopback address (as the kernel hands out: bind to port 0 may return it), a
#              proxy to the same server: its leg to that listener is not the server's traffic
#              and must stay out of the capture (it once added 10 events under load)
# Every client's events are its requests, one for one, and no event comes from elsewhere.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/model_stack.sh"
need_model_stack
start_model_server
$PY "$tools/identity_proxy.py" --upstream "$port" --portfile "$WORK/pport" --listen 127.0.0.5 \
    --source 127.0.0.6 --mesh 127.0.1. &
BG_PIDS+=($!)
wait_for "$WORK/pport" . 30
pport=$(cat "$WORK/pport")
# the neighbour: same port number as the model server, another address; relays as the mesh
# proxy does (from 127.0.0.6), so its client is known by the address it appends
$PY "$tools/identity_proxy.py" --upstream "$port" --portfile "$WORK/nport" --listen 127.0.0.9 \
    --port "$port" --source 127.0.0.6 &
BG_PIDS+=($!)
wait_for "$WORK/nport" . 30

start_recording "$port"

SECRET=e2e-jwks-secret-0123456789abcdef
K=$($PY -c 'import base64,sys; print(base64.urlsafe_b64encode(sys.argv[1].encode()).rstrip(b"=").decode())' "$SECRET")
printf '{"keys":[{"kty":"oct","kid":"e2e","alg":"HS256","k":"%s"}]}\n' "$K" > "$WORK/jwks.json"
# Two views of the same capture: without a JWKS (tokens relayed by the proxy are
# jwt_unverified identities) and with one (only verified tokens are).
printf 'identity:\n  hash_secret: e2e-secret\n' > "$WORK/plain.yaml"
cat > "$WORK/jwks.yaml" <<YAML
identity:
  hash_secret: e2e-secret
  jwt:
    jwks_file: $WORK/jwks.json
    audiences: [models]
YAML

client() {   # client NAME ROLE SOURCE QUERIES BATCH SEED [args...]
  local name=$1 role=$2 src=$3 q=$4 b=$5 seed=$6
  shift 6
  $PY "$tools/attack_clients.py" --meta "$WORK/meta.json" --role "$role" --source "$src" \
      --queries "$q" --batch "$b" --seed "$seed" "$@" \
      | sed "s/^{/{\"name\": \"$name\", /" > "$WORK/client.$name.json"
}
direct=(--port "$port")
proxied=(--port "$pport" --host 127.0.0.5)

# Phase 1: the mesh clients alone (the model's reference for extraction.coverage).
pids=()
for i in $(seq 1 15); do
  client "mesh$i" benign 127.0.1.$i 80 10 $i "${proxied[@]}" --pause 0.01 & pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a mesh client failed"; done
# Phase 2: everyone else.
pids=()
client spoof    benign 127.0.0.41 40 10 41 "${direct[@]}" \
    --header "x-forwarded-client-cert: By=spiffe://cluster.local/ns/models/sa/wine;URI=spiffe://cluster.local/ns/apps/sa/client-3" & pids+=($!)
client jwtrot   jbda 127.0.0.42 400 1 7 "${proxied[@]}" --rotate jwt & pids+=($!)
client tied     jbda 127.0.0.43 400 1 7 "${proxied[@]}" --header "x-api-key: sk-tied-0001" & pids+=($!)
client keyrot   simba 127.0.0.44 400 1 8 "${direct[@]}" --rotate apikey & pids+=($!)
client keyjwt   benign 127.0.0.45 40 10 45 "${direct[@]}" --header "x-api-key: sk-real-0045" --rotate jwt & pids+=($!)
client xffrot   boundary 127.0.0.46 400 1 9 "${proxied[@]}" --rotate xff & pids+=($!)
client verified benign 127.0.0.47 40 10 47 "${direct[@]}" --jwt-sub carol --jwt-key "$SECRET" & pids+=($!)
client expired  benign 127.0.0.48 40 10 48 "${direct[@]}" --jwt-sub dave --jwt-key "$SECRET" --jwt-exp -7200 & pids+=($!)
client neighbour benign 127.0.0.49 100 10 49 --port "$port" --host 127.0.0.9 & pids+=($!)
for p in "${pids[@]}"; do wait "$p" || fail "a client failed"; done
stop_recording

for view in plain jwks; do
  "$IG_BIN" analyze -c "$WORK/$view.yaml" --rules "$IG_SRC/rules" --events "$WORK/$view.events.jsonl" \
      --findings "$WORK/$view.findings.jsonl" "$WORK/cap.pcap" 2> "$WORK/$view.err" \
      || fail "analyze ($view) exited $?: $(tail -5 "$WORK/$view.err")"
done

# one file per client: concurrent appends to one file can interleave long lines
cat "$WORK"/client.*.json > "$WORK/clients.jsonl"
$PY - "$WORK" <<'PY' || { tail -20 "$WORK/plain.err"; fail "see above"; }
import collections, json, re, sys
W = sys.argv[1]
clients = {c["name"]: c for c in map(json.loads, open(W + "/clients.jsonl"))}
events = [json.loads(l) for l in open(W + "/plain.events.jsonl")]
findings = [json.loads(l) for l in open(W + "/plain.findings.jsonl")]
bad = []
def check(cond, msg):
    if not cond:
        bad.append(msg)

# Events by the address that sent them. Behind the proxy the TCP peer is 127.0.0.6, so the
# real client is what the proxy appended to X-Forwarded-For (source_id).
def origin(e):
    c = e["client"]
    return c.get("source_id") if c.get("ip") == "127.0.0.6" else c.get("ip")
by = collections.defaultdict(list)
for e in events:
    by[origin(e)].append(e)
src = {n: c["source"] for n, c in clients.items()}

def kinds(name):
    return collections.Counter((e["client"]["kind"], e["client"].get("basis")) for e in by[src[name]])

# findings: who they name, and on which stream
def named(uid, prefix=""):
    return [f for f in findings if f.get("actor", {}).get("user", {}).get("uid", "") == uid
            and f["finding_info"]["analytic"]["name"].startswith(prefix)]

# mesh: 15 distinct SPIFFE ids, basis forwarded, no finding
ids = set()
for i in range(1, 16):
    ev = by[f"127.0.1.{i}"]
    check(ev and all(e["client"]["kind"] == "spiffe" and e["client"]["basis"] == "forwarded"
                     for e in ev), f"mesh{i}: {kinds('mesh%d' % i)}")
    ids |= {e["client"]["id"] for e in ev}
    check(not named(f"spiffe://cluster.local/ns/apps/sa/client-{i}"), f"mesh{i} has findings")
check(len(ids) == 15, f"mesh clients told apart: {len(ids)} of 15")

# spoof: its own address; the victim claimed; identity.spoofing names the peer
ev = by["127.0.0.41"]
check(ev and all(e["client"]["kind"] == "source_ip" and e["client"]["id"] == "127.0.0.41"
                 and e["client"].get("claimed_id") == "spiffe://cluster.local/ns/apps/sa/client-3"
                 and "mesh_identity_from_untrusted_peer" in e["client"].get("flags", [])
                 for e in ev), f"spoof events: {kinds('spoof')}")
sp = named("127.0.0.41", "identity.spoofing")
check(sp and sp[0]["unmapped"]["identity"]["claimed_id"] == "spiffe://cluster.local/ns/apps/sa/client-3",
      "no identity.spoofing naming 127.0.0.41")
victim = [e for e in events if e["client"]["id"] == "spiffe://cluster.local/ns/apps/sa/client-3"]
check(all(origin(e) == "127.0.1.3" for e in victim), "events landed on the victim from elsewhere")

def first_extraction(uid, prefix="extraction."):
    fs = [f for f in named(uid, prefix) if f["activity_id"] == 1]
    return min((f["unmapped"]["queries_seen"] for f in fs), default=None)

# tied: one API key, caught
tied = first_extraction(next(iter({e["client"]["id"] for e in by["127.0.0.43"]})))
check(tied is not None, "the tied extractor was not caught (baseline)")

# jwtrot: 400 unverified JWT ids behind the proxy, caught on the source's stream
ev = by["127.0.0.42"]
jids = {e["client"]["id"] for e in ev if e["client"]["kind"] == "jwt_unverified"}
check(len(jids) >= 390, f"jwtrot: {len(jids)} distinct jwt_unverified ids")
check(all(e["client"].get("source_id") == "127.0.0.42" for e in ev), "jwtrot: source_id")
rot = first_extraction("127.0.0.42")
check(rot is not None, "the JWT-rotating extractor was not caught on its source's stream")
if rot is not None and tied is not None:
    check(rot <= tied * 1.25 + 10, f"jwtrot caught at query {rot}, tied at {tied}")
r = named("127.0.0.42", "abuse.identity_rotation")
check(r and r[0]["unmapped"]["identity"]["identities_seen"] >= 32, "no abuse.identity_rotation for 127.0.0.42")
g = named("127.0.0.42", "extraction.")
check(g and "jwt_unverified:https://idp.example|user-7-" in g[0]["unmapped"]["identity"].get("identities_sample", ""),
      "group finding does not name the identities seen")

# keyrot: new API key per query, straight in: caught under its address
ev = by["127.0.0.44"]
check(len({e["client"]["id"] for e in ev}) >= 390 and all(e["client"]["kind"] == "api_key" for e in ev),
      "keyrot: ids")
# (SimBA is evasion: adversarial.*; extraction.prada no longer takes its walk for extraction)
check(first_extraction("127.0.0.44", "adversarial.") is not None, "the key-rotating SimBA attacker was not caught")
check(named("127.0.0.44", "abuse.identity_rotation"), "no abuse.identity_rotation for 127.0.0.44")

# keyjwt: the API key wins over made-up JWTs, which are claimed
ev = by["127.0.0.45"]
check(ev and all(e["client"]["kind"] == "api_key" and e["client"]["basis"] == "credential"
                 and e["client"].get("claimed_kind") == "jwt_unverified" for e in ev),
      f"keyjwt: {kinds('keyjwt')}")
check(len({e["client"]["id"] for e in ev}) == 1, "keyjwt: more than one id")

# xffrot: the proxy-appended address is the identity, stable; caught under it
ev = by["127.0.0.46"]
check(ev and all(e["client"]["kind"] == "forwarded" and e["client"]["id"] == "127.0.0.46" for e in ev),
      f"xffrot: {kinds('xffrot')}")
check(first_extraction("127.0.0.46", "adversarial.") is not None, "the XFF-rotating boundary attacker was not caught")

# verified / expired JWTs: the JWKS view
events_j = [json.loads(l) for l in open(W + "/jwks.events.jsonl")]
by_j = collections.defaultdict(list)
for e in events_j:
    by_j[origin(e)].append(e)
ev = by_j["127.0.0.47"]
check(ev and all(e["client"]["kind"] == "jwt" and e["client"]["basis"] == "verified"
                 and e["client"]["id"] == "https://idp.example|carol" for e in ev),
      "verified: " + str(collections.Counter(e["client"]["kind"] for e in ev)))
ev = by_j["127.0.0.48"]
check(ev and all(e["client"]["kind"] == "source_ip" and "jwt_expired" in e["client"].get("flags", [])
                 and e["client"].get("claimed_id") == "https://idp.example|dave" for e in ev),
      "expired: " + str(collections.Counter(e["client"]["kind"] for e in ev)))
# With keys held, the rotating made-up tokens are not identities: the forwarded address is.
ev = by_j["127.0.0.42"]
check(ev and all(e["client"]["kind"] == "forwarded" and e["client"]["id"] == "127.0.0.42"
                 and "jwt_invalid" in e["client"].get("flags", []) for e in ev), "jwtrot with JWKS")

# nobody else flagged; nothing evicted
flagged = {f.get("actor", {}).get("user", {}).get("uid", "") for f in findings}
allowed = {"", "127.0.0.41", "127.0.0.42", "127.0.0.44", "127.0.0.46"} | {e["client"]["id"] for e in by["127.0.0.43"]}
check(flagged <= allowed, f"unexpected clients flagged: {sorted(flagged - allowed)}")
err = open(W + "/plain.err").read()
m = re.search(r"clients\s+(\d+) tracked, (\d+) evicted", err)
check(m and m.group(2) == "0", "clients evicted: " + (m.group(0) if m else "no summary"))
# one event per request, per client (by the address that sent it), and none from elsewhere:
# a duplicated event, or a flow that is not the model server's in the capture, shows here
total = sum(c["requests"] for c in clients.values())
check(len(events) == total, f"events {len(events)} != requests {total}")
for n, c in sorted(clients.items()):
    check(len(by[c["source"]]) == c["requests"], f"{n}: {len(by[c['source']])} events, {c['requests']} requests")
stray = collections.Counter({o: len(ev) for o, ev in by.items() if o not in set(src.values())})
check(not stray, f"events from no client of this test, by origin: {dict(stray)}")
for b in bad:
    print("FAIL:", b)
print(f"identity e2e: {len(events)} events, {len(findings)} findings; tied extractor caught at "
      f"query {tied}, JWT-rotating at {rot}")
sys.exit(1 if bad else 0)
PY
for view in plain jwks; do
  $PY "$IG_SRC/tests/integration/lib/validate_ocsf.py" \
      "$WORK/$view.findings.jsonl" > "$WORK/ocsf.out" 2>&1 || { cat "$WORK/ocsf.out"; fail "$view findings do not validate"; }
done
echo "PASS identity e2e"
