#!/usr/bin/env bash
# An in-house model server with its own JSON shape, described in config (adapters.generic):
# real HTTP over loopback, recorded, analyzed; events carry the configured model, the
# features from the request path and the scores from the response path.
. "$(dirname "$0")/lib/common.sh"
cat > "$WORK/server.py" <<'PY'
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        x = req["data"]["features"]
        p = 1.0 / (1.0 + 2.0 ** (-sum(x)))
        body = json.dumps({"result": {"probabilities": [1 - p, p], "class": int(p > 0.5)}}).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
s = HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(s.server_address[1])); s.serve_forever()
PY
/usr/bin/python3 "$WORK/server.py" "$WORK/port" & BG_PIDS+=($!)
wait_for "$WORK/port" . 10
port=$(cat "$WORK/port")
"$IG_BUILD/tests/pcap_record" lo "$(server_bpf "$port")" "$WORK/cap.pcap" > "$WORK/rec.out" &
rec=$!; BG_PIDS+=($rec)
wait_for "$WORK/rec.out" ready 10
/usr/bin/python3 - "$port" <<'PY'
import http.client, json, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
for i in range(10):
    c.request("POST", "/score/v1", json.dumps({"data": {"features": [i * 0.25, -1.0, 0.5]}}),
              {"Content-Type": "application/json"})
    c.getresponse().read()
PY
sleep 0.5; kill -TERM "$rec"; wait "$rec" || true

cat > "$WORK/config.yaml" <<YAML
capture:
  ports: [$port]
adapters:
  generic:
    - route: /score
      model: fraud-v3
      features: data.features
      scores: result.probabilities
      label: result.class
YAML
"$IG_BIN" analyze -q -c "$WORK/config.yaml" --findings /dev/null --events "$WORK/events.jsonl" "$WORK/cap.pcap"
/usr/bin/python3 - "$WORK/events.jsonl" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert len(ev) == 10, f"{len(ev)} events"
for i, e in enumerate(ev):
    assert e["protocol"] == "generic_json" and e["model"] == "fraud-v3", e
    assert e["inputs"] == [[i * 0.25, -1.0, 0.5]], e["inputs"]
    s = i * 0.25 - 0.5
    p = 1.0 / (1.0 + 2.0 ** (-s))
    assert abs(e["scores"][0][1] - p) < 1e-6 and e["labels"] == [int(p > 0.5)], e
print("10 generic events match")
PY
# Without the route configured, the same traffic is not an inference API.
"$IG_BIN" analyze --findings /dev/null --events "$WORK/none.jsonl" "$WORK/cap.pcap" 2> "$WORK/err"
[ ! -s "$WORK/none.jsonl" ] || fail "unconfigured generic route produced events"
grep -q "10 not inference APIs" "$WORK/err" || fail "summary does not count the unconfigured transactions"
echo "ok: generic JSON adapter driven by configuration"
