#!/usr/bin/python3
"""Open Inference Protocol v2 over gRPC for the tests: message classes and a service.

The message classes are built at test time from the same .proto the sidecar's decoder is
generated from (sidecar/grpc/inference.proto): protoc-c writes its descriptor set
(--descriptor_set_out) and python3-protobuf builds the classes from it, so the tests need
no checked-in generated code and cannot drift from the C side. Calls go through grpcio's
generic handlers and channel.unary_unary / stream_stream with those classes.
"""
import os
import socket
import subprocess
import tempfile
import threading

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

SERVICE = "inference.GRPCInferenceService"
INFER = f"/{SERVICE}/ModelInfer"
STREAM = f"/{SERVICE}/ModelStreamInfer"
HERE = os.path.dirname(os.path.abspath(__file__))
PROTO = os.path.join(HERE, "..", "..", "sidecar", "grpc", "inference.proto")
TFS_PROTO = os.path.join(HERE, "..", "..", "sidecar", "grpc", "tfserving.proto")
TFS_SERVICE = "tensorflow.serving.PredictionService"
TFS_PREDICT = f"/{TFS_SERVICE}/Predict"


class Messages:
    """inference.* message classes: ModelInferRequest, ModelInferResponse, ...; with
    tfs=True the TF Serving ones: PredictRequest, PredictResponse, TensorProto."""

    def __init__(self, proto=PROTO, tfs=False):
        if tfs:
            proto = TFS_PROTO
        proto = os.path.abspath(proto)
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "set.pb")
            subprocess.run(["protoc-c", f"--descriptor_set_out={out}",
                            f"-I{os.path.dirname(proto)}", proto], check=True)
            with open(out, "rb") as f:
                fds = descriptor_pb2.FileDescriptorSet.FromString(f.read())
        pool = descriptor_pool.DescriptorPool()
        for fd in fds.file:
            pool.Add(fd)
        get = getattr(message_factory, "GetMessageClass", None)
        factory = None if get else message_factory.MessageFactory(pool)
        names = ("PredictRequest", "PredictResponse", "TensorProto") if tfs else (
            "ModelInferRequest", "ModelInferResponse", "ModelStreamInferResponse",
            "InferTensorContents", "InferParameter")
        for name in names:
            desc = pool.FindMessageTypeByName(f"{'tensorflow.serving' if tfs else 'inference'}.{name}")
            setattr(self, name, get(desc) if get else factory.GetPrototype(desc))


# numpy dtype and InferTensorContents field of each OIP datatype (FP16/BF16: raw only)
DATATYPES = {
    "BOOL": ("bool", "bool_contents"), "INT8": ("int8", "int_contents"),
    "INT16": ("int16", "int_contents"), "INT32": ("int32", "int_contents"),
    "INT64": ("int64", "int64_contents"), "UINT8": ("uint8", "uint_contents"),
    "UINT16": ("uint16", "uint_contents"), "UINT32": ("uint32", "uint_contents"),
    "UINT64": ("uint64", "uint64_contents"), "FP16": ("float16", None),
    "FP32": ("float32", "fp32_contents"), "FP64": ("float64", "fp64_contents"),
}


def relay(port, source):
    """Listens on 127.0.0.1:0 and pipes every connection to 127.0.0.1:<port> from <source>
    (a loopback address). Returns the listening port; threads end with their sockets."""
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(4)

    def pump(a, b):
        try:
            while True:
                d = a.recv(65536)
                if not d:
                    break
                b.sendall(d)
        except OSError:
            pass
        for s_ in (a, b):
            try:
                s_.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def serve():
        while True:
            down, _ = lsock.accept()
            up = socket.create_connection(("127.0.0.1", port), source_address=(source, 0))
            for x in (down, up):
                x.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=pump, args=(down, up), daemon=True).start()
            threading.Thread(target=pump, args=(up, down), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    return lsock.getsockname()[1]


def add_tensor(msg, tensor, name, datatype, array, raw, raw_list):
    """Appends <array> (numpy) as tensor <name>: typed contents, or raw bytes to raw_list."""
    import numpy as np
    t = tensor.add()
    t.name = name
    t.datatype = datatype
    t.shape.extend(int(s) for s in array.shape)
    np_dt, field = DATATYPES[datatype]
    a = np.ascontiguousarray(array, dtype=np_dt)
    if raw or field is None:
        raw_list.append(a.astype(a.dtype.newbyteorder("<")).tobytes())
    else:
        getattr(t.contents, field).extend(a.ravel().tolist())
    return t
