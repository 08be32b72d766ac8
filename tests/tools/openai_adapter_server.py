#!/usr/bin/python3
"""An OpenAI-style API server on loopback for exact-event end-to-end tests: chat
completions (with usage; with "stream": true as server-sent events over chunked
encoding, every event split across several small TCP writes, usage in the last chunk,
per-token logprobs when asked),
completions (with "logprobs": token_logprobs), embeddings. HTTP/1.1 keep-alive. Answers
are deterministic functions of the request. Also: "n" choices, multi-part message contents,
base64 embeddings, Azure paths (/openai/deployments/{d}/..., the deployment as model), and
model "missing" answers 404. Usage: openai_adapter_server.py --portfile FILE"""
import argparse
import base64
import http.server
import json
import socket
import struct
import time
import urllib.parse

import portfile

WORDS = ["alpha", "beta", "gamma", "delta", "épsilon", "zeta", "eta", "θeta", "iota", "kappa"]


def words_for(text, n):
    h = sum(text.encode())
    return [WORDS[(h + i * 7) % len(WORDS)] for i in range(n)]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send_json(self, obj):
        body = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def send_piece(self, data):
        """One chunk of the chunked body, written and flushed on its own."""
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()
        time.sleep(0.002)   # so small writes leave as separate TCP segments

    def do_POST(self):
        req = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/openai/deployments/"):   # Azure: the model is in the path
            req.setdefault("model", path.split("/")[3])
        if req.get("model") == "missing":
            body = b'{"error":{"message":"model not found","type":"invalid_request_error"}}'
            self.send_response(404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if path.endswith("/chat/completions"):
            return self.chat(req)
        if path.endswith("/completions"):
            return self.completions(req)
        if path.endswith("/embeddings"):
            return self.embeddings(req)
        self.send_error(404)

    def chat(self, req):
        text = "\n".join(m["content"] if isinstance(m["content"], str) else
                         " ".join(p.get("text", "") for p in m["content"]) for m in req["messages"])
        ntok = req.get("max_tokens", 8)
        toks = words_for(text, ntok)
        usage = {"prompt_tokens": len(text.split()), "completion_tokens": ntok,
                 "total_tokens": len(text.split()) + ntok}
        if not req.get("stream"):
            return self.send_json({
                "id": "chatcmpl-1", "object": "chat.completion", "model": req["model"],
                "choices": [{"index": i, "finish_reason": "stop",
                             "message": {"role": "assistant",
                                         "content": " ".join(words_for(text + str(i), ntok))
                                         if i else " ".join(toks)}}
                            for i in range(req.get("n", 1))],
                "usage": usage})
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for i, t in enumerate(toks):
            choice = {"index": 0, "delta": {"content": (" " if i else "") + t},
                      "finish_reason": None}
            if req.get("logprobs"):
                choice["logprobs"] = {"content": [{"token": t, "logprob": -(i % 5 + 1) / 4.0,
                                                   "top_logprobs": []}]}
            chunk = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": req["model"],
                     "choices": [choice]}
            ev = b"data: " + json.dumps(chunk).encode() + b"\n\n"
            for k in range(0, len(ev), 23):   # each event in several small writes
                self.send_piece(ev[k:k + 23])
        last = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": req["model"],
                "choices": [], "usage": usage}
        self.send_piece(b"data: " + json.dumps(last).encode() + b"\n\n")
        self.send_piece(b"data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def completions(self, req):
        ntok = req.get("max_tokens", 6)
        toks = words_for(req["prompt"], ntok)
        lps = [-((i * 37 % 11) + 1) / 8.0 for i in range(ntok)]
        choice = {"index": 0, "text": " ".join(toks), "finish_reason": "length"}
        if req.get("logprobs") is not None:
            choice["logprobs"] = {"tokens": toks, "token_logprobs": lps,
                                  "top_logprobs": None, "text_offset": list(range(ntok))}
        self.send_json({"id": "cmpl-1", "object": "text_completion", "model": req["model"],
                        "choices": [choice],
                        "usage": {"prompt_tokens": len(req["prompt"].split()),
                                  "completion_tokens": ntok,
                                  "total_tokens": len(req["prompt"].split()) + ntok}})

    def embeddings(self, req):
        inputs = req["input"] if isinstance(req["input"], list) else [req["input"]]
        dim = 8
        data = [{"object": "embedding", "index": i,
                 "embedding": [((sum(s.encode()) * (j + 3)) % 97 - 48) / 64.0 for j in range(dim)]}
                for i, s in enumerate(inputs)]
        if req.get("encoding_format") == "base64":   # little-endian float32, base64
            for d in data:
                d["embedding"] = base64.b64encode(struct.pack("<%df" % dim, *d["embedding"])).decode()
        n = sum(len(s.split()) for s in inputs)
        self.send_json({"object": "list", "model": req["model"], "data": data,
                        "usage": {"prompt_tokens": n, "total_tokens": n}})


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--portfile", required=True)
    a = ap.parse_args()
    portfile.serve(http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Handler), a.portfile)


if __name__ == "__main__":
    main()
