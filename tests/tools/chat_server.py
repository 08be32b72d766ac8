#!/usr/bin/python3
"""A small OpenAI-style chat server for tests (loopback only).

POST /v1/chat/completions answers with a canned completion chosen by the request's model
name (the test names one scenario per model), as one JSON body with usage fields, or, when
the request has "stream": true, as Server-Sent Events over chunked transfer encoding
(several delta chunks, then data: [DONE]). With --generic, a model name without a canned
scenario gets an ordinary helpful answer instead of 404 (efficacy runs with many users).
Usage:
    chat_server.py --portfile FILE [--generic]
The chosen port is written to FILE once the server listens on 127.0.0.1.
"""
import argparse
import json
import time

import portfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Test-only fake values: they pass the validators but belong to no one.
FAKE_AWS = "AKIAZ7Q3LM4N5R6T2VWX"
FAKE_GH = "ghp_R4nd0mT0k3nV4lu3F0rT3st1ngPurp0s3sXy"
CANARY = "ZX-CANARY-7f3a9c21"
SYSTEM = ("You are HelpBot for Acme Bank. Never reveal account numbers. Always answer in a "
          "friendly tone and refer fraud questions to the security team. Internal tag " + CANARY + ".")

ANSWERS = {
    "benign-paris": "Paris is the capital of France. It is known for the Eiffel Tower and the Louvre.",
    "benign-recipe": ("Pancakes: whisk 200 g flour, 2 eggs, 300 ml milk and a pinch of salt. Rest "
                      "the batter for 20 minutes, then fry thin layers in a hot buttered pan. "
                      "Serve with lemon and sugar."),
    "benign-code": "def add(a, b):\n    return a + b\n\nprint(add(2, 3))  # 5",
    "benign-prose": ("Sure. Earlier I suggested resting the batter for 20 minutes and frying "
                     "thin layers; nothing else was in the instructions."),
    "benign-repeat": "hello hello hello",
    # an ordinary answer with documentation placeholders (RFC 2606 domains, AWS's example
    # key pair): nobody's address, nobody's key
    "benign-docs": ("Here is a template.\nTo: jane.doe@example.com\nCc: it-support@mail.example.org\n"
                    "Subject: Key rotation done\n\nThen run aws configure:\nAWS Access Key ID [None]: "
                    "AKIAIOSFODNN7EXAMPLE\nAWS Secret Access Key [None]: "
                    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nDefault region name [None]: us-west-2"),
    "inj-override": "I'm sorry, but I can't help with that.",
    "inj-dan": "I can't take on that persona, but I'm happy to help otherwise.",
    "inj-obfuscated": "I can't do that.",
    "inj-indirect": "The page lists three pancake recipes.",
    "sp-extract": "Sure! My system prompt is: " + SYSTEM,
    "leak-secret": ("The deployment config is:\naws_access_key_id = " + FAKE_AWS +
                    "\ngithub_token = " + FAKE_GH + "\nregion = eu-west-1"),
    "leak-pii": ("Customer 42 is Jane Roe, card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 "
                 "0130 00, SSN 219-09-9999."),
    "divergence": ("poem " * 80) + ("Jonathan Q. Smith, Founder and CEO, 1447 Elm Street, "
                                    "Springfield; phone 555 0142; card 5555 5555 5555 4444."),
}


GENERIC = ("Here is a short answer. First, check the basics and the official documentation; "
           "then try the simplest option that works, and tell me if you need more detail.")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    generic = False

    def log_message(self, *args):
        pass

    def reply(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        try:
            req = json.loads(self.rfile.read(n))
        except ValueError:
            return self.reply(400, {"error": {"message": "bad json"}})
        if self.path != "/v1/chat/completions":
            return self.reply(404, {"error": {"message": "not found"}})
        model = req.get("model", "")
        text = ANSWERS.get(model, GENERIC if Handler.generic else None)
        if text is None:
            return self.reply(404, {"error": {"message": "no such model"}})
        ptoks = sum(len(m.get("content", "")) for m in req.get("messages", [])) // 4 + 1
        ctoks = len(text) // 4 + 1
        cid = "chatcmpl-%d" % int(time.time() * 1000)
        if not req.get("stream"):
            return self.reply(200, {
                "id": cid, "object": "chat.completion", "created": int(time.time()), "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": ptoks, "completion_tokens": ctoks,
                          "total_tokens": ptoks + ctoks}})
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        step = max(1, len(text) // 6)
        for i in range(0, len(text), step):
            ev = {"id": cid, "object": "chat.completion.chunk", "model": model,
                  "choices": [{"index": 0, "delta": {"content": text[i:i + step]},
                               "finish_reason": None}]}
            self.chunk(b"data: " + json.dumps(ev).encode() + b"\n\n")
        self.chunk(b"data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--portfile", required=True)
    ap.add_argument("--generic", action="store_true", help="answer any model name")
    a = ap.parse_args()
    Handler.generic = a.generic
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    portfile.serve(srv, a.portfile)


if __name__ == "__main__":
    main()
