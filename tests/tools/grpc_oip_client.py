#!/usr/bin/python3
"""Calls the OIP v2 gRPC model of sk_model_server.py every way a client can (loopback only)
and writes what it sent and received, one JSON line per call, for the test to compare
with inferguard's events.

Calls: typed and raw inputs of several datatypes (FP32, FP64, INT64, INT32, FP16), TF
Serving Predict calls (float_val, tensor_content, DT_DOUBLE), gzip
and deflate compressed messages, typed and raw outputs, errors answered with grpc-status
(unknown model -> NOT_FOUND, wrong width -> INVALID_ARGUMENT), one ModelStreamInfer
stream of several requests, and calls in parallel on one channel (multiplexed streams).
Every call's first input value is a unique marker (100 + call number) the test matches on.
Each call carries an x-api-key; the key is written too.
Usage:
    grpc_oip_client.py --port P --features D [--model wine]
"""
import argparse
import json
import queue
import sys
import threading
from concurrent import futures

import grpc
import numpy as np

import grpc_oip


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--features", type=int, required=True)
    ap.add_argument("--model", default="wine")
    a = ap.parse_args()
    pb = grpc_oip.Messages()
    ser = lambda m: m.SerializeToString()
    rng = np.random.default_rng(5)
    chan = grpc.insecure_channel(f"127.0.0.1:{a.port}")
    infer = chan.unary_unary(grpc_oip.INFER, request_serializer=ser,
                             response_deserializer=pb.ModelInferResponse.FromString)
    n = [0]
    out_lock = threading.Lock()

    def emit(rec):
        with out_lock:   # parallel calls: one whole line at a time
            sys.stdout.write(json.dumps(rec) + "\n")
            sys.stdout.flush()

    def request(datatype, rows, raw, d=a.features, model=a.model, typed_output=False):
        n[0] += 1
        x = rng.normal(0, 1, (rows, d))
        if datatype.startswith(("INT", "UINT")):
            x = np.round(x * 3)
        x[0, 0] = 100 + n[0]
        req = pb.ModelInferRequest(model_name=model, id=str(n[0]))
        if typed_output:
            req.parameters["typed_output"].bool_param = True
        grpc_oip.add_tensor(req, req.inputs, "x", datatype, x, raw, req.raw_input_contents)
        np_dt, _ = grpc_oip.DATATYPES[datatype]
        sent = x.astype(np_dt).astype(np.float32)
        return req, {"marker": 100 + n[0], "datatype": datatype, "raw": raw, "model": model,
                     "rows": rows, "features": d, "inputs": sent.tolist()}

    def scores(resp):
        out = resp.outputs[0]
        v = (np.frombuffer(resp.raw_output_contents[0], dtype="<f4") if resp.raw_output_contents
             else np.asarray(out.contents.fp32_contents, dtype=np.float32))
        return v.reshape(list(out.shape)).tolist()

    def call(req, rec, key, compression=None):
        rec["key"] = key
        try:
            resp = infer(req, metadata=(("x-api-key", key),), compression=compression, timeout=10)
            rec.update(status=200, scores=scores(resp))
        except grpc.RpcError as e:
            rec.update(status={grpc.StatusCode.NOT_FOUND: 404,
                               grpc.StatusCode.INVALID_ARGUMENT: 400}.get(e.code(), 500))
        emit(rec)

    for dt, rows, raw in [("FP32", 1, False), ("FP32", 3, True), ("FP64", 2, False),
                          ("INT64", 1, False), ("INT32", 2, True), ("FP16", 2, True)]:
        call(*request(dt, rows, raw), key="key-alpha")
    call(*request("FP32", 4, True), key="key-gzip", compression=grpc.Compression.Gzip)
    call(*request("FP32", 2, False), key="key-deflate", compression=grpc.Compression.Deflate)
    call(*request("FP32", 2, True, typed_output=True), key="key-alpha")
    call(*request("FP32", 1, True, model="no-such-model"), key="key-bad")
    call(*request("FP32", 1, True, d=a.features - 3), key="key-bad")

    # One bidirectional stream, several requests answered in order.
    stream = chan.stream_stream(grpc_oip.STREAM, request_serializer=ser,
                                response_deserializer=pb.ModelStreamInferResponse.FromString)
    q = queue.Queue()
    responses = stream(iter(q.get, None), metadata=(("x-api-key", "key-stream"),))
    for rows in (1, 2, 3, 1):
        req, rec = request("FP32", rows, True)
        q.put(req)
        r = next(responses)
        rec.update(key="key-stream", status=200, scores=scores(r.infer_response), stream=True)
        emit(rec)
    q.put(None)
    for _ in responses:
        pass

    # TF Serving Predict: typed float_val, raw tensor_content, DT_DOUBLE.
    tf = grpc_oip.Messages(tfs=True)
    predict = chan.unary_unary(grpc_oip.TFS_PREDICT, request_serializer=ser,
                               response_deserializer=tf.PredictResponse.FromString)
    for rows, dtype, raw in ((2, 1, False), (1, 1, True), (3, 2, False)):
        n[0] += 1
        x = rng.normal(0, 1, (rows, a.features))
        x[0, 0] = 100 + n[0]
        req = tf.PredictRequest()
        req.model_spec.name = a.model
        t = req.inputs["x"]
        t.dtype = dtype
        t.tensor_shape.dim.add(size=rows)
        t.tensor_shape.dim.add(size=a.features)
        np_dt = np.float32 if dtype == 1 else np.float64
        if raw:
            t.tensor_content = x.astype(np.dtype(np_dt).newbyteorder("<")).tobytes()
        else:
            (t.float_val if dtype == 1 else t.double_val).extend(x.astype(np_dt).ravel().tolist())
        resp = predict(req, metadata=(("x-api-key", "key-tfs"),), timeout=10)
        o = resp.outputs["probabilities"]
        p = np.asarray(o.float_val, dtype=np.float32).reshape([d.size for d in o.tensor_shape.dim])
        emit({"marker": 100 + n[0], "datatype": "DT_FLOAT" if dtype == 1 else "DT_DOUBLE",
                          "raw": raw, "model": a.model, "rows": rows, "features": a.features,
                          "inputs": x.astype(np_dt).astype(np.float32).tolist(), "key": "key-tfs",
                          "status": 200, "scores": p.tolist(), "protocol": "tfserving_grpc"})

    # Parallel calls on one channel: interleaved HTTP/2 streams.
    reqs = [request("FP32", 2, True) for _ in range(8)]
    with futures.ThreadPoolExecutor(8) as ex:
        list(ex.map(lambda rr: call(rr[0], rr[1], "key-parallel"), reqs))
    chan.close()


if __name__ == "__main__":
    main()
