#!/usr/bin/python3
"""Drives tests/tools/model_server.py and openai_adapter_server.py over keep-alive
connections with one request of every protocol form inferguard decodes, and writes the
event each exchange must produce (JSON lines, in send order) from what was actually sent
and received. Usage: protocols_client.py MODEL_PORT OPENAI_PORT OUT.jsonl [ROUNDS]"""
import base64
import gzip
import http.client
import json
import math
import random
import struct
import zlib
import sys


FORMATS = {"BOOL": "?", "UINT8": "B", "UINT16": "H", "UINT32": "I", "UINT64": "Q", "INT8": "b",
           "INT16": "h", "INT32": "i", "INT64": "q", "FP16": "e", "FP32": "f", "FP64": "d"}


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def argmax(row):
    return max(range(len(row)), key=lambda j: f32(row[j]))


class Client:
    def __init__(self, mport, oport, out):
        self.m = http.client.HTTPConnection("127.0.0.1", mport, timeout=10)
        self.o = http.client.HTTPConnection("127.0.0.1", oport, timeout=10)
        self.out = out
        self.rnd = random.Random(7)
        self.allow_error = False
        self.status = 0

    def vals(self, n):
        # multiples of 1/64: exact in float32, so text and float agree bit for bit
        return [self.rnd.randint(-512, 512) / 64.0 for _ in range(n)]

    def post(self, conn, path, body, headers=None, gz_req=False):
        """gz_req: False, True (gzip) or "deflate" for the request body's Content-Encoding."""
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        if gz_req == "deflate":
            body = zlib.compress(body)
            h["Content-Encoding"] = "deflate"
        elif gz_req:
            body = gzip.compress(body)
            h["Content-Encoding"] = "gzip"
        if h.pop("X-Test-Chunked-Request", None):   # request body sent chunked, in pieces
            pieces = [body[i:i + 50] for i in range(0, len(body), 50)]
            conn.request("POST", path, iter(pieces), h, encode_chunked=True)
            req_bytes = None
        else:
            conn.request("POST", path, body, h)
            req_bytes = len(body)
        r = conn.getresponse()
        raw = r.read()
        chunked = r.getheader("Transfer-Encoding") == "chunked"
        ce = r.getheader("Content-Encoding")
        dec = gzip.decompress(raw) if ce == "gzip" else zlib.decompress(raw) if ce == "deflate" else raw
        if r.status != 200 and not self.allow_error:
            sys.exit(f"{path}: HTTP {r.status}")
        self.status = r.status
        return r, dec, {"req_bytes": req_bytes, "resp_bytes": None if chunked else len(raw)}

    def expect(self, **kw):
        self.out.write(json.dumps(kw) + "\n")

    # ---- KServe v1 ----
    def kserve(self, model, version, verb, body, rows_in, enc="", gz_req=False, extra=None):
        path = f"/v1/models/{model}" + (f"/versions/{version}" if version else "") + f":{verb}"
        hdr = {"X-Test-Encode": enc} if enc else {}
        hdr.update(extra or {})
        r, dec, sizes = self.post(self.m, path, json.dumps(body).encode(), hdr, gz_req)
        resp = json.loads(dec)
        if verb == "classify":
            scores = [[p for _, p in row] for row in resp["results"]]
        elif verb == "regress":
            scores = [[v] for v in resp["results"]]
        else:
            scores = resp["outputs" if "inputs" in body else "predictions"]
            if isinstance(scores[0], dict):
                scores = [o["probabilities"] for o in scores]
        labels = [argmax(s) for s in scores] if len(scores[0]) > 1 else None
        self.expect(protocol="kserve_v1", model=model, version=version or "", route=path,
                    status=200, rows=len(rows_in), features=len(rows_in[0]), outputs=len(scores[0]),
                    inputs=rows_in, scores=scores, labels=labels, logits=model == "logits", **sizes)

    def kserve_all(self, enc_cases):
        rows = [self.vals(4) for _ in range(2)]
        self.kserve("iris", None, "predict", {"instances": rows}, rows)
        named = [{"petal": self.vals(3), "width": self.vals(1)[0]} for _ in range(3)]
        self.kserve("iris", "2", "predict", {"instances": named},
                    [n["petal"] + [n["width"]] for n in named])
        rows = [self.vals(5) for _ in range(2)]
        self.kserve("wine", None, "predict", {"inputs": rows}, rows)
        a, b = [self.vals(2) for _ in range(3)], self.vals(3)
        self.kserve("wine", None, "predict", {"inputs": {"a": a, "b": b}},
                    [a[i] + [b[i]] for i in range(3)])
        rows = [self.vals(4) for _ in range(2)]
        self.kserve("iris", None, "classify", {"instances": rows}, rows)
        rows = [self.vals(8) for _ in range(3)]
        self.kserve("iris", None, "predict", {"instances": rows}, rows, "chunked",
                    extra={"X-Test-Chunked-Request": "1"})
        rows = [self.vals(3) for _ in range(2)]
        self.kserve("house", None, "regress", {"examples": [{"a": r[0], "b": r[1:]} for r in rows]},
                    rows)
        col = self.vals(4)
        self.kserve("scalar", None, "predict", {"instances": col}, [[v] for v in col])
        for model in ("objs", "logits"):
            rows = [self.vals(3) for _ in range(3)]
            self.kserve(model, None, "predict", {"instances": rows}, rows)
        for enc, gz_req in enc_cases:
            rows = [self.vals(6) for _ in range(4)]
            self.kserve("iris", "1", "predict", {"instances": rows}, rows, enc, gz_req)

    # ---- OIP v2 (JSON and Triton binary) ----
    def oip(self, model, version, inputs, bin_out, enc="", gz_req=False, classes=0):
        """inputs: list of (name, datatype, rows, cols, values, binary); classes: ask for
        Triton's classification output (top <classes> per row) instead of scores."""
        head = {"id": "x", "inputs": [], "outputs": [{"name": "probs"}]}
        if bin_out:
            head["outputs"][0]["parameters"] = {"binary_data": True}
        if classes:
            head["outputs"][0].setdefault("parameters", {})["classification"] = classes
        blob = b""
        for name, dt, r, c, v, binary in inputs:
            t = {"name": name, "shape": [r, c], "datatype": dt}
            if binary:
                if dt == "BYTES":
                    data = b"".join(struct.pack("<I", len(x)) + x for x in v)
                else:
                    data = struct.pack("<%d%s" % (len(v), FORMATS[dt]), *v)
                t["parameters"] = {"binary_data_size": len(data)}
                blob += data
            else:
                t["data"] = v
            head["inputs"].append(t)
        j = json.dumps(head).encode()
        hdr = {"X-Test-Encode": enc} if enc else {}
        if blob:
            hdr["Inference-Header-Content-Length"] = str(len(j))
            hdr["Content-Type"] = "application/octet-stream"
        path = f"/v2/models/{model}" + (f"/versions/{version}" if version else "") + "/infer"
        r, dec, sizes = self.post(self.m, path, j + blob, hdr, gz_req)
        hl = r.getheader("Inference-Header-Content-Length")
        rh = json.loads(dec[:int(hl)] if hl else dec)
        o = rh["outputs"][0]
        k = o["shape"][1]
        if classes:
            if hl:   # BYTES: 4-byte little-endian length, then the string
                b, strs = dec[int(hl):], []
                while b:
                    n = struct.unpack("<I", b[:4])[0]
                    strs.append(b[4:4 + n].decode())
                    b = b[4 + n:]
            else:
                strs = o["data"]
            labels = [int(strs[r * k].split(":")[1]) for r in range(o["shape"][0])]
            feats = [v for _, _, _, _, v, _ in inputs][0]
            c = inputs[0][3]
            feats = [feats[i * c:(i + 1) * c] for i in range(inputs[0][2])]
            self.expect(protocol="oip_v2_binary" if (blob or hl) else "oip_v2", model=model,
                        version=version or rh["model_version"], route=path, status=200,
                        rows=len(feats), features=c, outputs=0, inputs=feats, scores=None,
                        labels=labels, **sizes)
            return
        flat = list(struct.unpack("<%df" % ((len(dec) - int(hl)) // 4), dec[int(hl):])) if hl else o["data"]
        scores = [flat[i * k:(i + 1) * k] for i in range(o["shape"][0])]
        feats = None
        for _, dt, rr, c, v, _ in inputs:
            if dt == "BYTES":
                continue
            if dt == "BOOL":
                v = [float(x) for x in v]
            part = [v[i * c:(i + 1) * c] for i in range(rr)]
            feats = part if feats is None else [x + y for x, y in zip(feats, part)]
        self.expect(protocol="oip_v2_binary" if (blob or hl) else "oip_v2", model=model,
                    version=version or rh["model_version"], route=path, status=200,
                    rows=len(feats), features=len(feats[0]), outputs=k, inputs=feats,
                    scores=scores, labels=[argmax(s) for s in scores], **sizes)

    def oip_all(self):
        self.oip("resnet", None, [("x", "FP32", 2, 5, self.vals(10), True)], True)
        self.oip("resnet", "4", [("x", "FP32", 2, 3, self.vals(6), True),
                                 ("y", "INT32", 2, 2, [self.rnd.randint(-9, 9) for _ in range(4)], True)],
                 False)
        self.oip("resnet", None, [("x", "FP64", 3, 4, self.vals(12), False)], True)
        self.oip("resnet", "3", [("x", "FP32", 2, 4, self.vals(8), False)], False, "gzip,chunked", True)
        self.oip("resnet", None, [("x", "FP32", 1, 7, self.vals(7), True)], True, "gzip")
        # every numeric datatype as binary, concatenated per row; a BYTES input is skipped
        ints = lambda lo, hi, n: [self.rnd.randint(lo, hi) for _ in range(n)]
        self.oip("multi", None, [
            ("b", "BOOL", 2, 1, [True, False], True), ("u8", "UINT8", 2, 2, ints(0, 255, 4), True),
            ("u16", "UINT16", 2, 1, ints(0, 65535, 2), True),
            ("u32", "UINT32", 2, 1, ints(0, 1 << 24, 2), True),
            ("u64", "UINT64", 2, 1, ints(0, 1 << 24, 2), True), ("i8", "INT8", 2, 1, ints(-128, 127, 2), True),
            ("i16", "INT16", 2, 1, ints(-32768, 32767, 2), True),
            ("i64", "INT64", 2, 1, ints(-(1 << 24), 1 << 24, 2), True),
            ("h", "FP16", 2, 2, self.vals(4), True), ("d", "FP64", 2, 2, self.vals(4), True),
            ("s", "BYTES", 2, 1, [b"ab", b"xyz"], True)], True)
        self.oip("tritoncls", None, [("x", "FP32", 3, 4, self.vals(12), False)], False, classes=2)
        self.oip("tritoncls", None, [("x", "FP32", 2, 4, self.vals(8), True)], True, classes=2)
        self.oip("multi", "2", [("s", "BYTES", 2, 1, ["one", "two"], False),
                                ("x", "INT64", 2, 3, ints(-1000, 1000, 6), False)], False)

    # ---- OpenAI ----
    def openai(self, path, req):
        r, dec, sizes = self.post(self.o, path, json.dumps(req).encode())
        return dec, sizes

    def openai_all(self, n):
        sysmsg, user = "You are terse.", f"Tell me about case {n} — naïve café"
        for stream in (False, True):
            req = {"model": "gpt-test", "max_tokens": 12 + n,
                   "messages": [{"role": "system", "content": sysmsg},
                                {"role": "user", "content": user}]}
            if stream:
                req["stream"] = True
                req["stream_options"] = {"include_usage": True}
                req["logprobs"] = True
            dec, sizes = self.openai("/v1/chat/completions", req)
            if stream:
                text, usage, probs = "", None, []
                for line in dec.decode().split("\n"):
                    if line.startswith("data: ") and line != "data: [DONE]":
                        c = json.loads(line[6:])
                        for ch in c["choices"]:
                            text += ch["delta"].get("content", "")
                            probs += [[math.exp(t["logprob"])] for t in ch["logprobs"]["content"]]
                        usage = c.get("usage") or usage
                more = {"rows": len(probs), "outputs": 1, "scores": probs, "labels": None}
            else:
                resp = json.loads(dec)
                text, usage = resp["choices"][0]["message"]["content"], resp["usage"]
                more = {"rows": 0, "outputs": 0, "labels": None}
            self.expect(protocol="openai_chat", model="gpt-test", route="/v1/chat/completions",
                        status=200, prompt="user: " + user, system_prompt=sysmsg, completion=text,
                        prompt_tokens=usage["prompt_tokens"],
                        completion_tokens=usage["completion_tokens"], streamed=stream,
                        **more, **sizes)
        prompt = f"Once upon a time {n}"
        dec, sizes = self.openai("/v1/completions", {"model": "gpt-inst", "prompt": prompt,
                                                     "max_tokens": 5 + n, "logprobs": 1})
        resp = json.loads(dec)
        ch = resp["choices"][0]
        probs = [[math.exp(lp)] for lp in ch["logprobs"]["token_logprobs"]]
        self.expect(protocol="openai_completions", model="gpt-inst", route="/v1/completions",
                    status=200, prompt=prompt, completion=ch["text"], rows=len(probs), outputs=1,
                    scores=probs, labels=None, prompt_tokens=resp["usage"]["prompt_tokens"],
                    completion_tokens=resp["usage"]["completion_tokens"], streamed=False, **sizes)
        # two choices, multi-part content, Azure path with a query (model from the deployment)
        parts = [{"type": "text", "text": "look at"}, {"type": "image_url", "image_url": {"url": "data:,"}},
                 {"type": "text", "text": f"this {n}"}]
        path = "/openai/deployments/gpt-az/chat/completions"
        dec, sizes = self.openai(path + "?api-version=2024-02-01",
                                 {"n": 2, "max_tokens": 4, "messages": [{"role": "user", "content": parts}]})
        resp = json.loads(dec)
        self.expect(protocol="openai_chat", model="gpt-az", route=path, status=200,
                    prompt=f"user: look at this {n}", completion="\n".join(
                        c["message"]["content"] for c in resp["choices"]),
                    prompt_tokens=resp["usage"]["prompt_tokens"],
                    completion_tokens=resp["usage"]["completion_tokens"], streamed=False, **sizes)
        self.allow_error = True
        dec, sizes = self.openai("/v1/chat/completions", {"model": "missing", "messages": [
            {"role": "user", "content": "hello?"}]})
        self.allow_error = False
        if self.status != 404:
            sys.exit(f"model 'missing' answered {self.status}")
        self.expect(protocol="openai_chat", model="missing", route="/v1/chat/completions",
                    status=404, error=True, prompt="user: hello?", completion_tokens=0, **sizes)
        inputs = [f"first text {n}", "second text", "третий"]
        dec, sizes = self.openai("/v1/embeddings", {"model": "emb-small", "input": inputs})
        vecs = [d["embedding"] for d in json.loads(dec)["data"]]
        self.expect(protocol="openai_embeddings", model="emb-small", route="/v1/embeddings",
                    status=200, prompt="\n".join(inputs), rows=len(vecs), outputs=len(vecs[0]),
                    scores=vecs, labels=None, **sizes)
        dec, sizes = self.openai("/v1/embeddings", {"model": "emb-small", "input": inputs[:2],
                                                    "encoding_format": "base64"})
        vecs = [list(struct.unpack("<%df" % (len(base64.b64decode(d["embedding"])) // 4),
                                   base64.b64decode(d["embedding"]))) for d in json.loads(dec)["data"]]
        self.expect(protocol="openai_embeddings", model="emb-small", route="/v1/embeddings",
                    status=200, prompt="\n".join(inputs[:2]), rows=len(vecs), outputs=len(vecs[0]),
                    scores=vecs, labels=None, **sizes)


def main():
    mport, oport, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    with open(out, "w") as f:
        c = Client(mport, oport, f)
        for n in range(rounds):
            c.kserve_all([("", True), ("gzip", False), ("chunked", False), ("gzip,chunked", True),
                          ("deflate", "deflate"), ("deflate,chunked", False)])
            c.oip_all()
            c.openai_all(n)
        c.m.close()
        c.o.close()


if __name__ == "__main__":
    main()
