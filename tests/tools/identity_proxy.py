#!/usr/bin/python3
"""A small HTTP/1.1 reverse proxy that plays the mesh sidecar or ingress gateway (loopback only).

It accepts clients on --listen HOST (port --port, by default chosen by the kernel; written to
--portfile) and
forwards each request to the model server on 127.0.0.1:--upstream from the source address
--source (127.0.0.6, Istio's inbound proxy address), keeping one upstream keep-alive
connection per client connection. Like Envoy it appends the client's address to
X-Forwarded-For (keeping what the client sent on the left), and for clients inside --mesh
(a prefix of their address, e.g. 127.0.0.3) it sets x-forwarded-client-cert with the
client's SPIFFE id (spiffe://cluster.local/ns/apps/sa/client-<last octet>), replacing any
the client sent: the client certificate is the proxy's to vouch for.
Usage:
    identity_proxy.py --upstream PORT --portfile FILE [--listen 127.0.0.5] [--port 0]
                      [--source 127.0.0.6] [--mesh 127.0.0.3]
"""
import argparse
import http.client
import socketserver
from http.server import BaseHTTPRequestHandler

import portfile

HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te",
       "x-forwarded-client-cert"}


def handler(a):
    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        up = None

        def log_message(self, *args):
            pass

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(n)
            peer = self.client_address[0]
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP}
            xff = [v for k, v in self.headers.items() if k.lower() == "x-forwarded-for"]
            headers.pop("X-Forwarded-For", None)
            headers["X-Forwarded-For"] = ", ".join(xff + [peer])
            if a.mesh and peer.startswith(a.mesh):
                headers["x-forwarded-client-cert"] = (
                    "By=spiffe://cluster.local/ns/models/sa/wine;Hash=00;"
                    f"URI=spiffe://cluster.local/ns/apps/sa/client-{peer.rsplit('.', 1)[1]}")
            if self.up is None:
                self.up = http.client.HTTPConnection("127.0.0.1", a.upstream, timeout=10,
                                                     source_address=(a.source, 0))
            self.up.request("POST", self.path, body, headers)
            r = self.up.getresponse()
            data = r.read()
            self.send_response(r.status)
            for k, v in r.getheaders():
                if k.lower() not in HOP and k.lower() != "content-length":
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def finish(self):
            super().finish()
            if self.up is not None:
                self.up.close()
    return Proxy


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--upstream", type=int, required=True)
    ap.add_argument("--portfile", required=True)
    ap.add_argument("--listen", default="127.0.0.5")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--source", default="127.0.0.6")
    ap.add_argument("--mesh", default="")
    a = ap.parse_args()
    for addr in (a.listen, a.source):
        if not addr.startswith("127."):
            raise SystemExit("loopback addresses only")
    srv = Server((a.listen, a.port), handler(a))
    portfile.serve(srv, a.portfile)


if __name__ == "__main__":
    main()
