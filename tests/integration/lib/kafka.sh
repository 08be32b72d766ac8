# Kafka helpers for integration tests (sourced after common.sh): a mock broker on loopback
# (tests/tools/kafka_mock), commands to it, and comparing a topic with a JSONL file.
kafka_mock_start() {
  mkfifo "$WORK/mock.in"
  "$IG_BUILD/tests/kafka_mock" < "$WORK/mock.in" > "$WORK/mock.out" 2> "$WORK/mock.err" &
  BG_PIDS+=($!)
  exec 7> "$WORK/mock.in"
  wait_for "$WORK/mock.out" ":" 10
  KAFKA=$(head -1 "$WORK/mock.out")
  case "$KAFKA" in 127.*) ;; *) fail "mock broker not on loopback: $KAFKA" ;; esac
}
kafka_mock_cmd() { echo "$*" >&7; }
# kafka_test_rules: $WORK/rules with the ATLAS table and a low abuse.rate limit, so that the
# generated capture gives many findings from many clients whatever the shipped rules say.
kafka_test_rules() {
  mkdir -p "$WORK/rules"
  cp "$IG_SRC/rules/atlas.yaml" "$WORK/rules/"
  printf -- '- detector: abuse.rate\n  throttle: 5s\n  params:\n    max_requests: 20\n    window: 10s\n' > "$WORK/rules/abuse.yaml"
}
# kafka_compare TOPIC JSONL: the topic holds exactly the lines of JSONL, each once, in the
# file's order per client (message key), with the schema/encoding headers.
kafka_compare() {
  local i
  for i in $(seq 30); do
    kcat -b "$KAFKA" -C -t "$1" -e -q -f '%k\t%h\t%s\n' > "$WORK/topic.txt" 2>/dev/null || true
    [ "$(wc -l < "$WORK/topic.txt")" -ge "$(wc -l < "$2")" ] && break
    sleep 0.5
  done
  /usr/bin/python3 - "$WORK/topic.txt" "$2" <<'PY' || fail "topic $1 differs from $2"
import collections, json, sys
def key_of(v):
    o = json.loads(v)
    return o.get("actor", {}).get("user", {}).get("uid") or "model:" + o["resources"][0]["name"]
topic = [l.rstrip("\n").split("\t", 2) for l in open(sys.argv[1]) if l.strip()]
want = [l.rstrip("\n") for l in open(sys.argv[2]) if l.strip()]
got = [v for _, _, v in topic]
if collections.Counter(got) != collections.Counter(want):
    extra = collections.Counter(got) - collections.Counter(want)
    missing = collections.Counter(want) - collections.Counter(got)
    sys.exit(f"{len(got)} on topic vs {len(want)} in file; {sum(extra.values())} extra/duplicated, {sum(missing.values())} missing")
for k, h, v in topic:
    if "schema=ocsf.detection_finding" not in h or "encoding=json" not in h or "schema_version=1.3.0" not in h:
        sys.exit(f"headers missing: {h}")
    if key_of(v) != k:
        sys.exit(f"key {k!r} is not the client id (or model:NAME without a client)")
per = collections.defaultdict(list)
for v in want:
    per[key_of(v)].append(v)
got_per = collections.defaultdict(list)
for k, _, v in topic:
    got_per[k].append(v)
for k in per:
    if per[k] != got_per[k]:
        sys.exit(f"order differs for client {k}")
print(f"topic: {len(got)} findings, equal to the file, order per client kept")
PY
}
