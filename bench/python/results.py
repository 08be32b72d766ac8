#!/usr/bin/python3
"""Collects bench measurements (JSON lines written by bench/run.sh) and renders RESULTS.md.

  results.py hyperfine FILE.json [CPU]    -> prints the median seconds of the first command
                                             (and writes its mean user+system s to CPU)
  results.py parse-result PROGRAM FIGURE [COMMAND]
                                          -> reads a bench program's stdout on stdin and
                                             prints one JSON row per RESULT line
  results.py median                       -> merges rows of repeated runs (stdin) by
                                             (program, metric): medians of value/peer_value
  results.py render ROWS.jsonl MACHINE.json -> prints the Markdown report
  results.py splice ROWS.jsonl RESULTS.md -> prints RESULTS.md with the figures the rows
                                             feed rendered anew

A bench program reports a figure by printing lines like
  RESULT metric=prada_update value=812 unit=ns/query peer=python peer_value=91000 better=lower
(values may be double-quoted). Programs that print no RESULT line are shown verbatim.
"""
import json
import os
import re
import shlex
import statistics
import sys

FIGURES = [
    (1, "Packets → inference events (`inferguard analyze`) vs Suricata 7, tshark and ndpiReader",
     "inferguard analyze"),
    (2, "JSON tensor decoding vs simdjson On-Demand and cJSON", "bench_json"),
    (3, "Detectors: ns per event (d = 64 and 784, 1k and 10k history)",
     "bench_kernels, bench_prada, bench_det_*"),
    (4, "End to end: pcap → findings, all detectors on", "inferguard analyze"),
    (5, "Memory: bytes per client, RSS at 10k / 100k / 1M clients, memory cap",
     "bench_memory"),
    (6, "Scaling: throughput with 1 to 4 workers (parsing | detection | client lanes) and 2 parse shards",
     "bench_threads"),
    (7, "Drift: per-feature KS vs the Python reference (numpy/scipy)", "bench_drift"),
    (8, "Other bench programs", "bench/*.c"),
    (9, "Efficacy: attacks caught, ordinary clients flagged", "bench/python/efficacy.py"),
    (10, "Prompt injection: precision and recall per style and language, µs per 2 KB prompt",
     "bench_prompt_injection"),
    (11, "The fleet: events/s through publish → Kafka → aggregate, and the lag", "bench/fleet.sh"),
]

# What a figure's rows mean, printed under its tables.
FIGURE_NOTES = {
    2: "bench_json: parse + decode to float32 (inferguard: the whole document validated, "
       "every float bit-identical to glibc strtof; simdjson On-Demand and cJSON: doubles cast "
       "to float, which can round twice), on the same bytes: one array of 1M floats, and "
       "10,000 OIP v2 requests of 64 floats, each parsed on its own and its inputs[0].data "
       "decoded. Best of 10 passes in thread CPU time on both sides, so that other load on "
       "the machine slows neither; medians over the runs.",
    3: "bench_detectors: ns per event of each registered detector alone behind the engine "
       "(\"engine\" = no detector), one client, benign queries, after 1k / 10k earlier queries "
       "of that client, d = 64 / 784 (CPU time). Peers: the numpy/scipy PRADA reference "
       "written from the paper (bench_prada), the scalar kernel path (bench_kernels), PCRE2 "
       "pattern by pattern for the response scanner (bench_scan); the "
       "drift detector's Python peer is figure 7.",
    5: "Every registered detector with the shipped rules, synthetic d = 64 events, two queries "
       "per client. rss_default_*: the shipped limits (detection.max_clients 100000, memcap "
       "512 MiB), so past 100k clients the table evicts; rss_tracked_*: max_clients 1M, every "
       "client tracked. bytes_per_client_at_N = RSS growth / N (table entry + the detectors' "
       "per-client state, which their own memory_mb budgets bound, so it falls once those "
       "are spent); engine_table_entry = the table entry alone. all_state_*: the same with "
       "every detector's memory_mb raised so no client's state is refused "
       "(all_state_detector_state_refused must be 0): the whole cost of an idle client, "
       "beside issue #20's 4 KiB target (10k, 100k and 1M clients). state_bytes_<detector>: "
       "each detector alone behind the engine with all its state kept, 10k clients: its "
       "slice of the table entry + the heap it grew per client (malloc's in-use bytes, so "
       "no page rounding; per-model growth such as drift.features' windows is included and "
       "amortises over more clients); state_bytes_engine: the entry header (two keyed id "
       "hashes, LRU and chain links). all_state_llm_*: the same as all_state with chat "
       "clients (two prompt/completion pairs with usage each) instead of tensor ones. "
       "memcap_* and max_clients_*: "
       "the peer is the configured limit, so a ratio >= 1 means the limit held. "
       "bench_memory_flood: the flow stage under 1M unanswered SYNs from distinct sources (one "
       "established connection sending throughout) and 1M never-completed 1400-byte first "
       "fragments, shipped config; RSS growth beside flow.embryonic_max x (flow entry + nDPI "
       "flow) and beside defrag.memcap (the rest is allocator overhead).",
    10: "bench_prompt_injection: prompt_injection.signature alone behind the engine with the "
       "shipped rules, each prompt of tests/corpus/prompt_injection (attacks.tsv, benign.tsv) "
       "from its own client. *held*: the held-out split, never looked at while the rules were "
       "written; *tune*: the split they were written on. *held2* / *tune2*: a second pair "
       "(session 11) written before the lexicon was read, in styles and languages the first "
       "covered thinly (tr nl ja ko ar hi sv uk vi id; injections in HTML comments, JSON/CSV "
       "fields, code comments, e-mails, games, payload splitting, translation-wrapped, URL and "
       "hex encodings); held2 is never looked at while tuning. *held3*: a third blind set "
       "(session 12) in languages no other set has (cs da ro fi hu el ca he fa th sw tl) and "
       "English, never looked at while tuning. *tune3* / *tune4* (session 13): tuning sets in "
       "the languages held3 showed missing and in languages no split has; *tune5* (session 14): "
       "English polite, role-play, multi-turn and authority injections with their look-alikes. "
       "*held4* (session 15): a fourth blind set in 18 languages, written before any run of "
       "that session, only its totals read; *tune6*: the multilingual tuning set written "
       "after it (polite, persona, game, multi-turn, document and tool-result injections and "
       "look-alikes in 19 languages). *held5* (session 16): a fifth blind set, 76 injections "
       "and 74 look-alikes in 23 languages and 26 styles, written before any run of that "
       "session, only its totals read; *tune7*: orders to the AI inside tool results and "
       "documents, fake system headers, compounds and separable verbs, with probes of those "
       "changes. *held6* (session 17): a sixth blind set, 118 injections in all 32 styles "
       "and 123 look-alikes (long prompts of repeated lines, code and documents whose "
       "imperatives address people) in 19 languages, written before any run of that session, "
       "only its totals and per-style counts read; *tune8*: no-refusal demands, operator "
       "notices, task hijacks and games that void the rules, with probes. *held7* (session "
       "18): a seventh blind set, 99 injections in all 32 styles and 107 look-alikes "
       "(security questions quoting attacks in 20 languages, red-team logs, translations of "
       "orders for people, policies, prompt-template reviews) in 23 languages, written before "
       "any run of that session; its first run was blind (0.945 / 0.869), its flagged "
       "look-alikes and misses by class were then read; *tune9*: probes of session 18's rules. "
       "*held8* (session 19): an eighth blind set, 118 injections in 29 styles and 110 "
       "look-alikes (policies, customer-support scripts, prompt-template reviews) in 22 "
       "languages, first run 0.972 / 0.881; *tune10*: probes of session 19's rules. *held9* "
       "(session 20): a ninth blind set, 126 injections in 31 styles and 138 look-alikes in 40 "
       "languages, 16 of them new (bn ta ms af is az sr sq eu gl cy ka hy kk ne mr mk), with "
       "code-switched and romanised text, ciphers (Caesar, Atbash, Morse, Base32), memory "
       "poisoning and orders in subtitles, invites, commits, CVs and LaTeX comments, first run "
       "0.986 / 0.548; *tune11*: probes of session 20's rules, each batch written before the "
       "entries it probes. *held10* (session 21): a tenth blind set, 123 injections in 32 "
       "styles and 152 look-alikes in 42 languages, 27 of them new (yo ha zu so am te ml pa gu "
       "si km my uz mn be lb mt ga eo la jv ceb ht ps ku tg ky), most of them orders in JSON, "
       "YAML, CSV and markdown data, tool results and tool-call arguments, e-mails and pages "
       "handed over, payload splitting and fiction, the look-alikes the same shapes with orders "
       "for people, first run 0.900 / 0.585; *tune12*: probes in its new languages, written "
       "before their lexicon entries. *held11* (session 22): an eleventh blind set, 148 "
       "injections in 32 styles and 162 look-alikes in 25 languages, new weight on sw tl vi fa "
       "he bn (RAG chunks and retrieved pages, code comments, commits and YAML, calendar "
       "invites, OCR'd receipts, translate-and-obey, role play that ends in an order, Base32, "
       "hex and percent encodings, confusables, right-to-left text), first run 0.945 / 0.696; "
       "*tune13*: probes of session 22's rules, each batch written before the rules or entries "
       "it probes. *held12* (session 23): a twelfth blind set, 138 injections in 31 styles and "
       "152 look-alikes in 21 (26 languages, new weight on th tr pl uk id am ur fa: forwarded "
       "mail, spreadsheet and CSV cells, markdown tables, YAML and JSON values, alt text and aria "
       "labels, acrostics, payloads split across turns, leetspeak and homoglyph mixes; "
       "look-alikes with Persian ZWNJ, Indic and emoji ZWJ, red-team eval tables, employee "
       "policies, imperative recipes and manuals), first run 0.955 / 0.761; *tune14*: probes in "
       "its new-weight languages, written before their lexicon entries. *held13* (session 24): "
       "a thirteenth blind set, 143 injections in 31 styles and 189 look-alikes in 18 (10 "
       "languages, new weight on vi he el sw tl bn ro nl cs: orders to the AI in code and SQL "
       "comments, commits, log lines, calendar invites, reviews, OCR'd receipts, SRT subtitles, "
       "LaTeX, robots.txt, query strings, Base32, hex and percent encodings, mixed scripts, "
       "developer-mode variants, multi-step hijacks, markdown-image exfiltration; look-alikes "
       "the same shapes with orders for people), first run 0.966 / 0.594 (rules of ffd59e4). "
       "Peers are the targets of issue #15 "
       "(precision >= 0.99, recall >= 0.9, <= 20 µs per 2 KB prompt): ratio >= 1 means met. "
       "µs per 2 KB prompt: CPU time of the detector and engine per request of 2 KB of "
       "ordinary text (benign) or the same with an injection at its end (attack), median "
       "of 5 rounds.",
    6: "bench_threads: `inferguard analyze --workers N --rules rules --findings F` on ig_gen "
       "captures (64 clients, d = 64; OIP v2 benign 60k requests, the attack mix 30k, OpenAI "
       "chat 20k), N = 2 (parsing | detection, sharing the model-side lane: PRADA, coverage and "
       "the per-client detectors, run by whichever thread has time, event by event), 3 (the "
       "model-side lane on a thread of its own) and 4 (plus also one client lane), and N = 2 and 4 with "
       "`--parse-shards 2` (rows *_shards_2: flows, HTTP and the adapters on two shard threads, "
       "the capture thread dealing packets out and merging events back into capture order), "
       "against --workers 1 in the same run. events_per_s: wall clock, only meaningful when "
       "the cores are idle (the program prints the load average it started at). "
       "two_core_bound: CPU seconds of the one-thread run over max(busiest thread's CPU "
       "seconds, all threads' CPU / 2) with N workers, from the summary's per-thread CPU "
       "times: the speed-up two idle cores would give at best, which other load barely "
       "moves; the peer is the 1.8x target of issue #20. many_core_bound: the one-thread CPU "
       "over the busiest thread's alone, the speed-up with as many idle cores as threads "
       "(parse shards take the parsing off one thread; their hand-offs add ~12-20 % CPU, "
       "about what they spread over two cores). findings_differ: 0 when the findings file "
       "is byte-identical to one worker's.",
}


def figure_of(program):
    """Which figure a bench program feeds, by its name."""
    p = program.lower()
    for prefix, fig in (("bench_json", 2), ("bench_kernel", 3), ("bench_det", 3),
                        ("bench_engine", 3),
                        ("bench_prada", 3), ("bench_fingerprint", 3), ("bench_scan", 3), ("bench_e2e", 4),
                        ("bench_pipeline", 4), ("bench_mem", 5), ("bench_thread", 6),
                        ("bench_scal", 6), ("bench_drift", 7), ("bench_prompt", 10)):
        if p.startswith(prefix):
            return fig
    return 8


def parse_case_lines(text):
    """bench_json and its peers print "case=C impl=I MB/s=M floats/s=F ns/float=N":
    one row per (case, unit, peer implementation) with inferguard's MB/s (and floats/s)
    against the peer's."""
    cases = {}
    for line in text.splitlines():
        toks = dict(re.findall(r"([\w/]+)=\s*(\S+)", line))
        if "case" in toks and "impl" in toks and "MB/s" in toks:
            for unit in ("MB/s", "floats/s"):
                try:
                    cases.setdefault((toks["case"], unit), {})[toks["impl"]] = float(toks[unit])
                except (KeyError, ValueError):
                    pass
    out = []
    for (case, unit), impls in cases.items():
        ours = impls.get("inferguard")
        if ours is None:
            continue
        metric = case if unit == "MB/s" else case + " (floats)"
        peers = [(k, v) for k, v in impls.items() if k != "inferguard"]
        if not peers:
            out.append({"metric": metric, "value": ours, "unit": unit, "better": "higher"})
        for name, v in peers:
            out.append({"metric": metric, "value": ours, "unit": unit, "peer": name,
                        "peer_value": v, "better": "higher"})
    return out


def parse_table_blocks(text):
    """A program may print a Markdown table between "TABLE <title>" and "END TABLE"
    lines: rendered as it is under its figure (the last run's, for repeated runs)."""
    out, cur = [], None
    for line in text.splitlines():
        if line.startswith("TABLE "):
            cur = {"kind": "table", "title": line[6:].strip(), "lines": []}
        elif line.strip() == "END TABLE" and cur is not None:
            out.append(cur)
            cur = None
        elif cur is not None:
            cur["lines"].append(line.rstrip())
    return out


def parse_result_lines(text):
    out = parse_case_lines(text)
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("RESULT "):
            continue
        try:
            toks = shlex.split(line[7:])
        except ValueError:
            continue
        kv = dict(t.split("=", 1) for t in toks if "=" in t)
        if "metric" not in kv or "value" not in kv:
            continue
        try:
            kv["value"] = float(kv["value"])
            if "peer_value" in kv:
                kv["peer_value"] = float(kv["peer_value"])
        except ValueError:
            continue
        out.append(kv)
    return out


def cmd_hyperfine(path, cpu_path=None):
    with open(path) as f:
        res = json.load(f)["results"][0]
    if cpu_path and res.get("user") is not None and res.get("system") is not None:
        with open(cpu_path, "w") as f:
            f.write("%.6f\n" % (res["user"] + res["system"]))
    print("%.6f" % res["median"])


def cmd_parse_result(program, figure, command=None):
    text = sys.stdin.read()
    for t in parse_table_blocks(text):
        print(json.dumps({"program": program, "figure": figure, **t}))
    for kv in parse_result_lines(text):
        row = {"kind": "result", "program": program,
               "figure": int(kv.pop("figure", figure)), **kv}
        if command:
            row["command"] = command
        print(json.dumps(row))


def cmd_median():
    groups = {}
    order = []
    for line in sys.stdin:
        if not line.strip():
            continue
        r = json.loads(line)
        if r.get("kind") == "table":
            key = ("table", r.get("program"), r.get("title"))
            if key not in groups:
                order.append(key)
            groups[key] = [r]
            continue
        key = (r.get("program"), r.get("metric"), r.get("peer"))
        if key not in groups:
            order.append(key)
            groups[key] = []
        groups[key].append(r)
    for key in order:
        rs = groups[key]
        if rs[0].get("kind") == "table":
            print(json.dumps(rs[0]))
            continue
        row = dict(rs[0])
        row["runs"] = len(rs)
        row["value"] = statistics.median(r["value"] for r in rs)
        pv = [r["peer_value"] for r in rs if "peer_value" in r]
        if pv:
            row["peer_value"] = statistics.median(pv)
        print(json.dumps(row))


def fmt(v, digits=3):
    if v is None:
        return "–"
    if isinstance(v, str):
        return v
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 1000:
        return "{:,.0f}".format(v)
    if a >= 10:
        return "%.1f" % v
    return ("%." + str(digits) + "g") % v


def md_cmd(c):
    return "`" + c.replace("|", "\\|").replace("`", "'") + "`"


def startup_of(rows):
    """Each tool's fixed cost per run: its median on figure 1's 10-request capture."""
    return {r["tool"]: r["median_s"] for r in rows
            if r.get("kind") == "throughput" and r.get("capture") == "startup_10req"
            and r.get("median_s")}


def render_fig1(rows, out, fig, startup):
    """Throughput rows: one per (capture, tool)."""
    caps = []
    for r in rows:
        if r["capture"] not in caps:
            caps.append(r["capture"])
    out.append("| capture | tool | median s | MB/s | packets/s | events/s | events/CPU-s"
               " | events/s after start-up | inferguard × | command |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for cap in caps:
        rs = [r for r in rows if r["capture"] == cap]
        ours = next((r for r in rs if r["tool"] == "inferguard"), None)
        for r in rs:
            if r.get("line"):   # kept from an earlier report (splice --capture)
                out.append(r["line"])
                continue
            t = r.get("median_s")
            if t is None or t <= 0:
                out.append("| %s | %s | – | – | – | – | – | – | – | %s |" % (
                    cap, r["tool"], r.get("note", "not measured")))
                continue
            mbs = r["bytes"] / 1e6 / t
            pps = r["packets"] / t
            eps = r["events"] / t if r.get("events") else None
            cpu = r.get("cpu_s")
            epc = r["events"] / cpu if r.get("events") and cpu else None
            t0 = startup.get(r["tool"])
            net = None
            if r.get("events") and t0 and cap != "startup_10req" and t > 1.5 * t0:
                net = r["events"] / (t - t0)
            ratio = None
            if ours and ours.get("median_s") and r is not ours:
                ratio = t / ours["median_s"]
            out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                cap, r["tool"], fmt(t), fmt(mbs), fmt(pps), fmt(eps), fmt(epc), fmt(net),
                (fmt(ratio, 2) + "×") if ratio else ("1×" if r is ours else "–"),
                md_cmd(r["command"])))
    notes = [r for r in rows if r.get("events_note")]
    for r in notes:
        out.append("")
        out.append("%s: %s" % (r["capture"], r["events_note"]))
    out.append("")
    out.append("*inferguard ×* = the peer's time divided by inferguard's on the same file "
               "(> 1: inferguard is faster). events/s counts inference events for inferguard "
               "(from its summary), EVE http records for Suricata (body inspection on, one "
               "request-body rule, EVE http logging, one thread; in its own Debian root with "
               "libhtp from bookworm-backports) and HTTP requests in the capture for tshark and "
               "ndpiReader; *inferguard --events* also writes every event with its tensors as JSON; "
               "events/CPU-s divides them by the mean user + system time of a run, i.e. "
               "events/s per core whatever else the machine was doing.")
    if any(r.get("capture") == "replay_x20" for r in rows):
        out.append("")
        out.append("replay_x20 is the shape issue #20 measures: the efficacy harness's iris (z) "
                   "and chat (LLM) scenarios (a real scikit-learn model with ordinary clients and "
                   "real attack code over OIP v2, and OpenAI chat) recorded once and copied 20 "
                   "times end to end as `mergecap -a` does (bench/python/replay.py), so every "
                   "copy reuses the first one's addresses, ports and sequence numbers. inferguard "
                   "decodes every copy (its events equal the HTTP requests in the file); Suricata "
                   "logs about one transaction in ten there (its events column: its stream engine "
                   "takes most repeated flows for retransmissions), which is why its time is short: "
                   "compare *inferguard ×* (same file) and events/CPU-s (same work) together.")
    if startup and fig != 1:
        out.append("")
        out.append("*events/s after start-up* subtracts each tool's start-up median "
                   "(figure 1, startup_10req).")
    elif startup:
        out.append("")
        out.append("startup_10req (10 requests) is each tool's fixed cost per run — for "
                   "inferguard loading the shipped text-pattern rules' compiled Hyperscan "
                   "databases from rules.cache_dir (the warm-up run fills it; a first start "
                   "compiles them, ~0.7 s); "
                   "the larger captures include it once. *events/s after start-up* = events / "
                   "(median − that tool's start-up median), shown when the run is at least "
                   "1.5× its start-up.")


def render_results(rows, out):
    out.append("| program | metric | ours | unit | peer | peer value | ratio | runs |")
    out.append("|---|---|---:|---|---|---:|---:|---:|")
    for r in rows:
        if r.get("line"):   # kept from an earlier report (splice)
            out.append(r["line"])
            continue
        peer_v = r.get("peer_value")
        ratio = None
        if peer_v and r["value"]:
            lower = r.get("better", "higher") == "lower"
            ratio = peer_v / r["value"] if lower else r["value"] / peer_v
        out.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["program"], r["metric"], fmt(r["value"]), r.get("unit", ""),
            r.get("peer", "–"), fmt(peer_v), (fmt(ratio, 2) + "×") if ratio else "–",
            r.get("runs", 1)))
    out.append("")
    out.append("ratio > 1 means inferguard is better than the peer (faster or smaller; for a "
               "configured limit: under it).")
    cmds = []
    for r in rows:
        c = (r["program"], r.get("command"))
        if c[1] and c not in cmds:
            cmds.append(c)
    if cmds:
        out.append("")
        out.append("Commands: " + "; ".join("%s: %s" % (p, md_cmd(c)) for p, c in cmds) + ".")


def render_figure(num, title, source, rows, out):
    """One figure's section of the report, appended to <out>."""
    out.append("## %d. %s" % (num, title))
    out.append("")
    fr = [r for r in rows if r.get("figure") == num]
    tp = [r for r in fr if r.get("kind") == "throughput"]
    rs = [r for r in fr if r.get("kind") == "result"]
    raw = [r for r in fr if r.get("kind") == "raw"]
    tables = [r for r in fr if r.get("kind") == "table"]
    for r in fr:
        if r.get("kind") == "markdown":   # a table rendered by its program (efficacy.py)
            out.append(r["text"].rstrip("\n"))
            out.append("")
    if not fr and num == 8:
        out.append("none: every bench program feeds one of the figures above.")
        out.append("")
        return
    if not fr:
        out.append("not measured yet (source: %s)." % source)
        out.append("")
        return
    if tp:
        render_fig1(tp, out, num, startup_of(rows))
        out.append("")
    if rs:
        render_results(rs, out)
        out.append("")
    if FIGURE_NOTES.get(num) and (rs or tp):
        out.append(FIGURE_NOTES[num])
        out.append("")
    for t in tables:
        out.append("**%s** (%s)" % (t["title"], t["program"]))
        out.append("")
        out.extend(t["lines"])
        out.append("")
    for r in raw:
        out.append("**%s** (%s) — command: %s" % (r["program"], r["status"],
                                                 md_cmd(r["command"])))
        out.append("")
        if r.get("output"):
            out.append("```")
            out.extend(r["output"].rstrip("\n").splitlines()[-40:])
            out.append("```")
            out.append("")


def kept_results(section, programs):
    """The result rows of an existing figure section whose program is not in <programs>,
    read back from its table (values as rendered), with their commands: a figure fed by
    several programs keeps the others' rows when one is measured again."""
    def num(cell):
        cell = cell.strip()
        return None if cell in ("", "–") else float(cell.replace(",", ""))
    cmds = {}
    m = re.search(r"^Commands: (.*)\.$", section, re.M)
    if m:
        for prog, cmd in re.findall(r"(\S+): `((?:[^`\\]|\\.)*)`", m.group(1)):
            cmds[prog] = cmd.replace("\\|", "|")
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")] if line.startswith("| ") else []
        if len(cells) != 8 or cells[0] in ("program",) or cells[0] in programs:
            continue
        try:
            value, peer_v, runs = num(cells[2]), num(cells[5]), int(cells[7])
        except ValueError:
            continue
        row = {"kind": "result", "program": cells[0], "metric": cells[1], "value": value,
               "unit": cells[3], "runs": runs, "command": cmds.get(cells[0]),
               "line": line.rstrip()}   # shown as it was: no second rounding
        if cells[4] != "–":
            row["peer"], row["peer_value"] = cells[4], peer_v
        rows.append(row)
    return rows


def kept_throughput(section, num, captures):
    """The throughput rows of an existing figure section whose capture is not among
    <captures> (measured again), as they were printed; a start-up row keeps its median so
    that the new rows' *events/s after start-up* can use it."""
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")] if line.startswith("| ") else []
        if len(cells) != 10 or cells[0] in ("capture",) or cells[0].startswith("---") or cells[0] in captures:
            continue
        row = {"kind": "throughput", "figure": num, "capture": cells[0], "tool": cells[1],
               "line": line.rstrip()}
        try:
            row["median_s"] = float(cells[2].replace(",", ""))
        except ValueError:
            pass
        rows.append(row)
    return rows


def keep_hand_paragraphs(old, new, note):
    """<new> (a re-rendered figure) with the paragraphs written by hand in <old> put back:
    those above the old figure's first table under the title and stamps, the others before
    the notes; hand additions to the notes paragraph replace the plain notes."""
    paras = [q.strip("\n") for q in re.split(r"\n\s*\n", old)]
    body = ("|", "**", "```")
    first = next((i for i, q in enumerate(paras) if q.startswith(body)), len(paras))
    stamp = next((i for i, q in enumerate(paras) if q.startswith("_")), first)
    top, head, tail = [], [], []
    for i, q in enumerate(paras):
        if not q or q in new or q.startswith(body + ("_", "## ", "ratio > 1", "Commands:")):
            continue
        if note and q[:60] == note[:60]:   # the notes, perhaps extended by hand
            if note in new:
                new = new.replace(note, q, 1)
            continue
        (top if i < stamp else head if i < first else tail).append(q)
    lines = new.split("\n")
    if head:   # after the stamps, above the first table
        at = next((i for i, ln in enumerate(lines) if ln.startswith(body)), len(lines))
        lines[at:at] = ["\n\n".join(head), ""]
    if top:    # right under the title, above the stamps
        lines[1:1] = ["", "\n\n".join(top)]
    new = "\n".join(lines)
    if tail:
        text = "\n\n".join(tail) + "\n\n"
        at = new.find(note) if note else -1
        new = new[:at] + text + new[at:] if at >= 0 else new.rstrip("\n") + "\n\n" + text
    return new.rstrip("\n") + "\n"


def cmd_splice(rows_path, results_path):
    """Re-renders the figures the rows feed and replaces those sections of an existing
    report (bench/run.sh --only PROGRAM, --e2e-only); the other figures stay as they were.
    In a figure fed by several programs, the rows of the programs not measured again are
    kept. With IG_BENCH_STAMP set, the section says under its title when and where the new
    rows were measured (earlier stamps of the kept programs stay)."""
    rows = []
    with open(rows_path) as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    with open(results_path) as f:
        text = f.read()
    stamp = os.environ.get("IG_BENCH_STAMP")
    for num, title, source in FIGURES:
        fr = [r for r in rows if r.get("figure") == num]
        if not fr:
            continue
        m = re.search(r"^## %d\. .*?(?=^## |\Z)" % num, text, re.S | re.M)
        old = m.group(0) if m else ""
        progs = {r.get("program") for r in fr if r.get("program")}
        kept = kept_results(old, progs) if progs else []
        caps = {r["capture"] for r in fr if r.get("kind") == "throughput"}
        keep_caps = bool(caps and os.environ.get("IG_BENCH_KEEP_CAPTURES"))   # --capture NAME
        if keep_caps:
            kept = kept_throughput(old, num, caps)
        for r in kept:
            r["figure"] = num
        # programs keep their place in the figure
        order = []
        for r in kept + fr:
            if r.get("program") not in order:
                order.append(r.get("program"))
        if old:
            seen = [ln.split(" | ")[0][2:] for ln in old.splitlines() if ln.startswith("| bench")]
            pos = {p: i for i, p in reversed(list(enumerate(seen)))}
            order.sort(key=lambda p: pos.get(p, len(seen)))
        merged = sorted(kept + fr, key=lambda r: order.index(r.get("program")))
        if keep_caps:   # the kept captures in the figure's order, the new one last
            merged = kept + fr
        sec = []
        render_figure(num, title, source, merged, sec)
        stamps = []
        kept_progs = {r.get("program") or r.get("capture") for r in kept}
        for ln in old.splitlines():   # earlier stamps of the programs kept
            if ln.startswith("_") and ln.endswith("_") and ": " in ln:
                who = set(ln[1:ln.index(": ")].split(", "))
                if keep_caps and who == {"This figure"}:
                    stamps.append("_Other rows" + ln[len("_This figure"):])
                elif who <= kept_progs or (keep_caps and not who <= {c + " rows" for c in caps}):
                    stamps.append(ln)
        if stamp:
            who = ", ".join(sorted(progs)) if progs else "This figure"
            if keep_caps:
                who = ", ".join(sorted(caps)) + " rows"
            stamps.append("_%s: %s_" % (who, stamp))
        for i, st in enumerate(stamps):
            sec[1 + 2 * i:1 + 2 * i] = ["", st]
        new = "\n".join(sec).rstrip("\n") + "\n"
        if kept:   # paragraphs written by hand about the kept rows stay where they were
            new = keep_hand_paragraphs(old, new, FIGURE_NOTES.get(num))
        if m:
            text = text[:m.start()] + new + ("\n" if m.end() < len(text) else "") + text[m.end():]
        else:
            text = text.rstrip("\n") + "\n\n" + new
    sys.stdout.write(text)


def cmd_render(rows_path, machine_path):
    with open(machine_path) as f:
        m = json.load(f)
    rows = []
    with open(rows_path) as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    out = ["# inferguard bench results", ""]
    out.append("Regenerated by `%s` — do not edit by hand." % m["command"])
    out.append("")
    out.append("| | |")
    out.append("|---|---|")
    for k in ("date", "mode", "cpu", "cores", "simd", "memory", "kernel", "commit",
              "build", "runs", "peers"):
        out.append("| %s | %s |" % (k, m.get(k, "?")))
    out.append("")
    for num, title, source in FIGURES:
        render_figure(num, title, source, rows, out)
    sys.stdout.write("\n".join(out).rstrip("\n") + "\n")


def main(argv):
    if len(argv) >= 2 and argv[1] == "hyperfine":
        cmd_hyperfine(argv[2], argv[3] if len(argv) > 3 else None)
    elif len(argv) >= 2 and argv[1] == "parse-result":
        cmd_parse_result(argv[2], int(argv[3]), argv[4] if len(argv) > 4 else None)
    elif len(argv) >= 2 and argv[1] == "median":
        cmd_median()
    elif len(argv) >= 2 and argv[1] == "figure-of":
        print(figure_of(argv[2]))
    elif len(argv) >= 2 and argv[1] == "render":
        cmd_render(argv[2], argv[3])
    elif len(argv) >= 2 and argv[1] == "splice":
        cmd_splice(argv[2], argv[3])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
