// Python handlers shipped inside the Python-worker test archives, written as TorchServe users
// write them (TorchServe's custom service documentation): each exercises one part of the contract.

/** MMS-style module-level handle(data, context): echoes what it got, reads headers, sets status and headers. */
export const MMS_SERVICE = `
import json, os, time
initialized = []

def handle(data, context):
    if data is None:  # TorchServe initializes function handlers with a call without data
        initialized.append(context.system_properties["model_dir"] is not None)
        return None
    out = []
    for i, row in enumerate(data):
        body = row.get("data") or row.get("body")
        if body == "boom":
            raise ValueError("boom requested")
        if body == "slow":  # keeps the worker busy so that requests spread over workers
            time.sleep(0.2)
        if body == "exit":
            os._exit(3)
        if body == "framing":  # headers of the transport and a status that is not HTTP
            context.set_response_header(i, "Content-Length", "1")
            context.set_response_header(i, "connection", "close")
            context.set_response_status(999, "nope", idx=i)
        if body == "teapot":
            context.set_response_status(418, "I'm a teapot", idx=i)
        context.set_response_header(i, "x-echo-header", str(context.get_request_header(i, "x-probe")))
        out.append({
            "batch": len(data),
            "initialized": initialized == [True],
            "body": body if isinstance(body, (str, dict, list, int, float)) else repr(type(body)),
            "type": type(body).__name__,
            "content_type": context.get_request_header(i, "body")["content-type"] if "body" in row else None,
            "request_id": context.get_request_id(i) is not None,
            "model_name": context.model_name,
            "gpu_id": context.system_properties["gpu_id"],
            "batch_size": context.system_properties["batch_size"],
        })
    return out
`;

/** One class with initialize and the three steps, no BaseHandler; multipart fields echoed as bytes. */
export const CLASS_HANDLER = `
class Echo:
    def __init__(self):
        self.ready = False

    def initialize(self, context):
        self.ready = True
        self.context = context

    def preprocess(self, data):
        return [row.get("file") or row.get("data") or row.get("body") for row in data]

    def inference(self, rows):
        return rows

    def postprocess(self, rows):
        for i, r in enumerate(rows):
            self.context.set_response_content_type(i, "application/x-echo")
        return [bytes(r) if isinstance(r, (bytes, bytearray)) else str(r).encode() for r in rows]

    def handle(self, data, context):
        assert self.ready
        return self.postprocess(self.inference(self.preprocess(data)))
`;

/** file.py:fn entry point; PredictionException's code becomes the status. */
export const ENTRY_POINT = `
from ts.utils.util import PredictionException

def other(data, context):
    return ["other"] * len(data) if data else None

def predict(data, context):
    if data is None:
        return None
    if data[0].get("body") == "missing":
        raise PredictionException("no such thing", 404)
    return [{"fn": "predict", "n": len(data)} for _ in data]
`;

/** A BaseHandler subclass over a TorchScript model; explain_handle answers explanations. */
export const TORCH_HANDLER = `
import torch
from ts.torch_handler.base_handler import BaseHandler

class Doubler(BaseHandler):
    def preprocess(self, data):
        rows = [row.get("data") or row.get("body") for row in data]
        return torch.tensor(rows, dtype=torch.float32)

    def postprocess(self, out):
        self.context.metrics.add_counter("DoublerRows", len(out))
        return out.tolist()

    def explain_handle(self, data_preprocess, raw_data):
        return [{"explained": row} for row in data_preprocess.tolist()]
`;

/** Makes a TorchScript model: y = 2x over 4 features (traced: scripting needs the source in a file). */
export const MAKE_TORCHSCRIPT = `
import sys, torch
class M(torch.nn.Module):
    def forward(self, x):
        return x * 2
torch.jit.trace(M(), torch.zeros(1, 4)).save(sys.argv[1])
`;

/** A tiny TorchScript CNN for TorchServe's image_classifier built-in: 3×224×224 → 3 classes. */
export const MAKE_CNN = `
import sys, torch
torch.manual_seed(0)
m = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, stride=4), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(4, 3))
torch.jit.trace(m.eval(), torch.zeros(1, 3, 224, 224)).save(sys.argv[1])
`;

export const IMPORT_ERROR = `
import module_that_does_not_exist

def handle(data, context):
    return data
`;
