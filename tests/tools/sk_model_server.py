#!/usr/bin/python3
"""A real scikit-learn classifier served over Open Inference Protocol v2 (loopback only).

At start it trains a classifier on one of scikit-learn's bundled tables (default wine: 178
rows, 13 features, 3 cultivars; also breast_cancer, digits, iris) and answers
POST /v2/models/<dataset>/infer with full-precision class probabilities. --model picks its
kind (MODELS below): a small MLP (the default), a logistic regression, a random forest or
gradient-boosted trees (piecewise-constant probabilities: nearby inputs get exactly equal
scores, and a forest's are multiples of 1/trees), or an RBF SVC with Platt-calibrated
probabilities. The serving contract is standardised features by default: a client sends
z-scores (the training scaler's mean and scale, as a feature store would supply them).
With --raw the model is a pipeline (scaler + classifier) and clients send the table's own
units (breast_cancer spans 0.001 to 4000, digits are 0..16 pixel counts).
With --split the table is cut (stratified, seeded) into a training half, a held-out
quarter for benign clients and a quarter the attackers own; the --meta file then carries
"benign_X"/"benign_y" and "attack_X"/"attack_y" beside the full "X"/"y".
With --grpc-portfile the same model is also served over OIP v2 gRPC
(inference.GRPCInferenceService ModelInfer and ModelStreamInfer, and TF Serving's
PredictionService/Predict with input "x", grpcio; OIP inputs of any
numeric datatype, typed or raw; answers in raw_output_contents as Triton does, or typed
when the request's parameter typed_output is true); its port is written there.
With --labels the REST endpoint answers the predicted class only (output "label", INT64,
shape [rows, 1]): a service that follows the advice to return labels, not scores (the meta
file then says "labels": true).
Usage:
    sk_model_server.py --portfile FILE [--meta FILE] [--port 0] [--seed 0] [--grpc-portfile FILE]
                       [--dataset wine|breast_cancer|digits|iris] [--raw] [--split] [--labels]
                       [--model mlp|logreg|forest|gboost|svc]
The chosen port is written to FILE once the server listens.
"""
import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
from sklearn import datasets
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

import portfile

MODEL = "wine"
LOADERS = {"wine": datasets.load_wine, "breast_cancer": datasets.load_breast_cancer,
           "digits": datasets.load_digits, "iris": datasets.load_iris}
# --model: seed -> an unfitted classifier. The forest has 50 trees: sklearn's predict_proba
# of 100 took ~10-20 ms a row here, which would cap a flood near an ordinary busy client's
# rate; 50 still gives ~80 distinct score vectors over wine's 178 records.
MODELS = {
    "mlp": lambda seed: MLPClassifier(hidden_layer_sizes=(32,), alpha=1e-3, max_iter=2000,
                                      random_state=seed),
    "logreg": lambda seed: LogisticRegression(max_iter=5000),
    "forest": lambda seed: RandomForestClassifier(n_estimators=50, random_state=seed),
    "gboost": lambda seed: GradientBoostingClassifier(random_state=seed),
    "svc": lambda seed: SVC(probability=True, random_state=seed),
}


def train(seed, dataset="wine", raw=False, split=False, model="mlp"):
    """Returns (model, table as clients send it, labels, accuracy, splits or None)."""
    X, y = LOADERS[dataset](return_X_y=True)
    if not raw:
        X = StandardScaler().fit(X).transform(X)
    parts = None
    Xt, yt = X, y
    if split:
        Xt, rest, yt, yr = train_test_split(X, y, train_size=0.5, stratify=y, random_state=seed)
        Xb, Xa, yb, ya = train_test_split(rest, yr, train_size=0.5, stratify=yr, random_state=seed)
        parts = {"benign_X": Xb.tolist(), "benign_y": yb.tolist(),
                 "attack_X": Xa.tolist(), "attack_y": ya.tolist()}
    est = MODELS[model](seed)
    clf = make_pipeline(StandardScaler(), est) if raw else est
    clf.fit(Xt, yt)
    return clf, X, y, clf.score(X, y), parts


def predict_proba(clf, X):
    """clf.predict_proba(X), a random forest's computed as sklearn computes it (each tree's
    probabilities summed in the trees' order, divided by their number: the same float64
    bits) without joblib's set-up on every call: ~10-20 ms a request behind 50 trees at a
    load of ~10, and efficacy clients (10 s timeouts) timed out at seed 1."""
    est = clf.steps[-1][1] if hasattr(clf, "steps") else clf
    if not isinstance(est, RandomForestClassifier):
        return clf.predict_proba(X)
    if est is not clf:
        X = clf[:-1].transform(X)
    X = est._validate_X_predict(X)
    out = np.zeros((X.shape[0], est.n_classes_), dtype=np.float64)
    for tree in est.estimators_:
        out += tree.predict_proba(X, check_input=False)
    out /= len(est.estimators_)
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive, like real model servers
    clf = None
    dim = 13
    labels = False
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def reply(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.reply(200, {"name": MODEL, "ready": True})

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        try:
            req = json.loads(self.rfile.read(n) or b"{}")
        except ValueError:
            self.reply(400, {"error": "bad JSON"})
            return
        if self.path != f"/v2/models/{MODEL}/infer":
            self.reply(404, {"error": "unknown model or route"})
            return
        try:
            inp = req["inputs"][0]
            rows, d = int(inp["shape"][0]), int(inp["shape"][1])
            x = np.asarray(inp["data"], dtype=np.float32).reshape(rows, d)
            if d != self.dim:
                raise ValueError(f"expected {self.dim} features")
        except (KeyError, IndexError, TypeError, ValueError) as e:
            self.reply(400, {"error": str(e)})
            return
        with self.lock:
            p = predict_proba(self.clf, x.astype(np.float64)).astype(np.float32)
        if self.labels:
            self.reply(200, {
                "model_name": MODEL, "model_version": "1", "id": req.get("id", ""),
                "outputs": [{"name": "label", "shape": [rows, 1], "datatype": "INT64",
                             "data": [int(v) for v in p.argmax(axis=1)]}],
            })
            return
        self.reply(200, {
            "model_name": MODEL, "model_version": "1", "id": req.get("id", ""),
            "outputs": [{"name": "probabilities", "shape": [rows, p.shape[1]],
                         "datatype": "FP32", "data": [float(v) for v in p.ravel()]}],
        })


class Server(ThreadingHTTPServer):
    """A listen backlog of a real server's size (gunicorn's 2048): socketserver's 5 overflowed
    when ~40 clients and pools of 64 addresses connected at once to a model that answers in
    ~10-20 ms (a 50-tree forest, efficacy seed 1), and the kernel reset the overflowing
    connections after their first request."""
    request_queue_size = 1024


def grpc_server(clf, dim):
    """ModelInfer / ModelStreamInfer with the same model; returns the bound port."""
    from concurrent import futures
    import grpc
    import grpc_oip
    pb = grpc_oip.Messages()
    lock = threading.Lock()

    def infer(req):
        if req.model_name != MODEL:
            raise LookupError(f"unknown model {req.model_name}")
        inp = req.inputs[0]
        rows, d = int(inp.shape[0]), int(inp.shape[1])
        np_dt, field = grpc_oip.DATATYPES[inp.datatype]
        if req.raw_input_contents:
            x = np.frombuffer(req.raw_input_contents[0], dtype=np.dtype(np_dt).newbyteorder("<"))
        else:
            x = np.asarray(getattr(inp.contents, field), dtype=np_dt)
        x = x.astype(np.float32)
        if d != dim or x.size != rows * d:
            raise ValueError(f"expected {dim} features")
        with lock:
            p = predict_proba(clf, x.reshape(rows, d).astype(np.float64)).astype(np.float32)
        resp = pb.ModelInferResponse(model_name=MODEL, model_version="1", id=req.id)
        out = resp.outputs.add(name="probabilities", datatype="FP32", shape=[rows, p.shape[1]])
        if req.parameters["typed_output"].bool_param:
            out.contents.fp32_contents.extend(p.ravel().tolist())
        else:
            resp.raw_output_contents.append(p.astype("<f4").tobytes())
        return resp

    def model_infer(req, ctx):
        try:
            return infer(req)
        except LookupError as e:
            ctx.abort(grpc.StatusCode.NOT_FOUND, str(e))
        except (ValueError, IndexError) as e:
            ctx.abort(grpc.StatusCode.INVALID_ARGUMENT, str(e))

    def model_stream_infer(reqs, ctx):
        for req in reqs:
            try:
                yield pb.ModelStreamInferResponse(infer_response=infer(req))
            except (LookupError, ValueError, IndexError) as e:
                yield pb.ModelStreamInferResponse(error_message=str(e))

    tf = grpc_oip.Messages(tfs=True)

    def predict(req, ctx):
        """TF Serving Predict: input "x" (DT_FLOAT/DT_DOUBLE typed or tensor_content)."""
        t = req.inputs["x"]
        shape = [int(d.size) for d in t.tensor_shape.dim]
        if t.tensor_content:
            x = np.frombuffer(t.tensor_content, dtype="<f4" if t.dtype == 1 else "<f8")
        else:
            x = np.asarray(t.float_val if t.dtype == 1 else t.double_val, dtype=np.float64)
        if len(shape) != 2 or shape[1] != dim or x.size != shape[0] * dim:
            ctx.abort(grpc.StatusCode.INVALID_ARGUMENT, f"expected {dim} features")
        with lock:
            p = predict_proba(clf, x.reshape(shape).astype(np.float64)).astype(np.float32)
        resp = tf.PredictResponse()
        resp.model_spec.name = req.model_spec.name
        resp.model_spec.version.value = 1
        o = resp.outputs["probabilities"]
        o.dtype = 1
        o.tensor_shape.dim.add(size=p.shape[0])
        o.tensor_shape.dim.add(size=p.shape[1])
        o.float_val.extend(p.ravel().tolist())
        return resp

    ser = lambda m: m.SerializeToString()
    tfs_handler = grpc.method_handlers_generic_handler(grpc_oip.TFS_SERVICE, {
        "Predict": grpc.unary_unary_rpc_method_handler(
            predict, request_deserializer=tf.PredictRequest.FromString, response_serializer=ser)})
    handler = grpc.method_handlers_generic_handler(grpc_oip.SERVICE, {
        "ModelInfer": grpc.unary_unary_rpc_method_handler(
            model_infer, request_deserializer=pb.ModelInferRequest.FromString, response_serializer=ser),
        "ModelStreamInfer": grpc.stream_stream_rpc_method_handler(
            model_stream_infer, request_deserializer=pb.ModelInferRequest.FromString,
            response_serializer=ser),
    })
    srv = grpc.server(futures.ThreadPoolExecutor(max_workers=16))
    srv.add_generic_rpc_handlers((handler, tfs_handler))
    port = srv.add_insecure_port("127.0.0.1:0")
    srv.start()
    return srv, port


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--portfile", required=True)
    ap.add_argument("--meta", help="write the training table (z-scores) and labels here")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--grpc-portfile", help="also serve OIP v2 gRPC; its port is written here")
    ap.add_argument("--dataset", choices=sorted(LOADERS), default="wine")
    ap.add_argument("--raw", action="store_true", help="clients send the table's own units")
    ap.add_argument("--split", action="store_true", help="held-out benign and attacker splits")
    ap.add_argument("--labels", action="store_true", help="REST answers the predicted class only")
    ap.add_argument("--model", choices=sorted(MODELS), default="mlp", help="the classifier's kind")
    a = ap.parse_args()
    global MODEL
    MODEL = a.dataset
    clf, Z, y, acc, parts = train(a.seed, a.dataset, a.raw, a.split, a.model)
    Handler.clf, Handler.dim, Handler.labels = clf, Z.shape[1], a.labels
    if a.meta:
        with open(a.meta, "w") as f:
            json.dump({"model": MODEL, "X": Z.tolist(), "y": y.tolist(),
                       "train_accuracy": acc, "raw": a.raw, "kind": a.model, "labels": a.labels, **(parts or {})}, f)
    if a.grpc_portfile:
        gsrv, gport = grpc_server(clf, Z.shape[1])
        portfile.write(a.grpc_portfile, str(gport))
    portfile.serve(Server(("127.0.0.1", a.port), Handler), a.portfile)


if __name__ == "__main__":
    main()
