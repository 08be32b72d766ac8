#!/usr/bin/python3
"""A real OIP v2 gRPC capture for the benchmarks: a grpcio server (ModelInfer, a softmax
over a fixed random linear model, raw FP32 outputs as Triton answers) and grpcio clients
(raw FP32 inputs as tritonclient sends them, 1-4 rows of <dim> features, an x-api-key each)
on loopback, recorded with dumpcap. Clients are processes, one channel (one HTTP/2
connection) each, from its own address 127.0.1.<n> (through grpc_oip.relay, as ig_gen's
clients have their own addresses) so that no client shares its source with another. Writes the pcap and a manifest {"packets", "requests", "port"}.
Usage:
    grpc_traffic.py --out FILE.pcap --manifest FILE.json [--calls N] [--clients C] [--dim D]
"""
import argparse
import json
import multiprocessing
import os
import struct
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "tools"))
import grpc_oip  # noqa: E402


def serve(dim, k, portq, stop):
    from concurrent import futures
    import grpc
    pb = grpc_oip.Messages()
    W = np.random.default_rng(0).normal(0, 1, (dim, k)).astype(np.float32)

    def infer(req, ctx):
        inp = req.inputs[0]
        x = np.frombuffer(req.raw_input_contents[0], dtype="<f4").reshape(list(inp.shape))
        z = x @ W
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        resp = pb.ModelInferResponse(model_name=req.model_name, model_version="1", id=req.id)
        resp.outputs.add(name="probabilities", datatype="FP32", shape=list(p.shape))
        resp.raw_output_contents.append(p.astype("<f4").tobytes())
        return resp

    h = grpc.method_handlers_generic_handler(grpc_oip.SERVICE, {
        "ModelInfer": grpc.unary_unary_rpc_method_handler(
            infer, request_deserializer=pb.ModelInferRequest.FromString,
            response_serializer=lambda m: m.SerializeToString())})
    srv = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    srv.add_generic_rpc_handlers((h,))
    portq.put(srv.add_insecure_port("127.0.0.1:0"))
    srv.start()
    stop.wait()
    srv.stop(0)


def client(port, n, dim, seed):
    import grpc
    pb = grpc_oip.Messages()
    rng = np.random.default_rng(seed)
    chan = grpc.insecure_channel(f"127.0.0.1:{grpc_oip.relay(port, f'127.0.1.{seed}')}")
    call = chan.unary_unary(grpc_oip.INFER, request_serializer=lambda m: m.SerializeToString(),
                            response_deserializer=pb.ModelInferResponse.FromString)
    meta = (("x-api-key", f"bench-client-{seed}"),)
    for i in range(n):
        rows = int(rng.integers(1, 5))
        req = pb.ModelInferRequest(model_name="bench", id=str(i))
        req.inputs.add(name="x", datatype="FP32", shape=[rows, dim])
        req.raw_input_contents.append(rng.normal(0, 1, (rows, dim)).astype("<f4").tobytes())
        call(req, metadata=meta, timeout=30)
    chan.close()


def count_packets(path):
    n = 0
    with open(path, "rb") as f:
        head = f.read(24)
        if len(head) < 24:
            return 0
        endian = "<" if struct.unpack("<I", head[:4])[0] in (0xa1b2c3d4, 0xa1b23c4d) else ">"
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return n
            f.seek(struct.unpack(endian + "IIII", rec)[2], 1)
            n += 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--calls", type=int, default=20000)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--dim", type=int, default=64)
    a = ap.parse_args()
    portq, stop = multiprocessing.Queue(), multiprocessing.Event()
    srv = multiprocessing.Process(target=serve, args=(a.dim, 4, portq, stop))
    srv.start()
    port = portq.get(timeout=60)
    err = open(a.out + ".dumpcap.log", "w")
    # the server's endpoint, not the port alone: another loopback address may have the same
    # port number (efficacy.py's server_bpf)
    bpf = f"tcp and ((dst host 127.0.0.1 and dst port {port}) or (src host 127.0.0.1 and src port {port}))"
    rec = subprocess.Popen(["dumpcap", "-q", "-i", "lo", "-f", bpf, "-B", "64",
                            "-s", "262144", "-P", "-w", a.out], stderr=err)
    time.sleep(1.5)
    per = [a.calls // a.clients + (1 if i < a.calls % a.clients else 0) for i in range(a.clients)]
    procs = [multiprocessing.Process(target=client, args=(port, per[i], a.dim, i + 1))
             for i in range(a.clients)]
    for p in procs:
        p.start()
    ok = True
    for p in procs:
        p.join()
        ok &= p.exitcode == 0
    time.sleep(1.0)
    rec.terminate()
    rec.wait()
    stop.set()
    srv.join()
    os.unlink(a.out + ".dumpcap.log")
    if not ok:
        sys.exit("grpc_traffic: a client failed")
    with open(a.manifest, "w") as f:
        json.dump({"packets": count_packets(a.out), "requests": a.calls, "port": port}, f)


if __name__ == "__main__":
    main()
