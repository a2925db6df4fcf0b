"""One model in a Python worker: TorchServe's request contract around a handler's entry point.

A batch arrives as (per request) its parts [name, content type, bytes] and its headers; the handler
gets one dict per request, name → value (JSON decoded for application/json, text for text/*, else
bytes, unless decode_input_request is false), and a context whose request_processor[i] carries the
request's headers and collects its status and response headers. What the handler returns becomes
one answer per request: [status, content type, body, headers].
"""
import io
import json
import logging
import os
import time
import uuid

from ts.context import Context, RequestProcessor
from ts.metrics.metric_cache import MetricsCache
from ts.utils.util import PredictionException

from .loader import load_entry_point

import ts

logger = logging.getLogger("mlserve.worker")
DECODE = os.environ.get("TS_DECODE_INPUT_REQUEST", "true") == "true"


def _decode(content_type, value):
    if not DECODE:
        return value
    if content_type == "application/json":
        try:
            return json.loads(value)
        except ValueError:
            return value
    if content_type.startswith("text"):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value
    return value


def _error(status, message):
    body = json.dumps({"code": status, "type": "InternalServerException" if status >= 500 else "PredictionException", "message": message})
    return [status, "application/json", body.encode("utf-8"), None]


def _encode(val):
    """bytes, str, a tensor (torch.save) or a JSON-able value → (default content type, bytes)."""
    if isinstance(val, (bytes, bytearray, memoryview)):
        return "application/octet-stream", bytes(val)
    if isinstance(val, str):
        return "text/plain; charset=utf-8", val.encode("utf-8")
    if type(val).__module__ == "torch" and type(val).__name__ == "Tensor":
        import torch

        buf = io.BytesIO()
        torch.save(val, buf)
        return "application/octet-stream", buf.getvalue()
    return "application/json", json.dumps(val, indent=2).encode("utf-8")


class Service:
    def __init__(self, req):
        self.model_key = req["modelKey"]
        self.metrics = MetricsCache(req["modelName"])
        self.context = Context(
            req["modelName"], req["modelDir"], req["manifest"], req["batchSize"], req.get("gpuId"),
            ts.__version__, req.get("limitMaxImagePixels", True), self.metrics, req.get("modelConfig") or {},
        )
        self.entry = load_entry_point(req["handler"], req["modelDir"], self.context)

    def predict(self, items):
        """items: [(parts [(name, content type, bytes)], headers dict or None)] → one answer each."""
        batch, processors, ids = [], [], {}
        for i, (parts, headers) in enumerate(items):
            model_in, model_headers = {}, {}
            for name, ctype, value in parts:
                model_in[name] = _decode(ctype, value)
                model_headers[name] = {"content-type": ctype}
            if headers:
                for k, v in headers.items():
                    model_headers[k] = ", ".join(v) if isinstance(v, list) else v
            batch.append(model_in)
            processors.append(RequestProcessor(model_headers))
            ids[i] = (headers or {}).get("x-request-id") or str(uuid.uuid4())
        ctx = self.context
        ctx.request_ids = ids
        ctx.request_processor = processors
        self.metrics.request_ids = ids
        start = time.time()
        try:
            ret = self.entry(batch, ctx)
        except MemoryError:
            logger.exception("out of memory")
            return [_error(507, "Out of resources")] * len(items)
        except PredictionException as e:
            logger.exception("prediction error")
            return [_error(int(e.error_code), str(e.message))] * len(items)
        except Exception as e:  # the handler's own failure: answer the batch, keep serving
            logger.exception("handler failed")
            status = 507 if "CUDA" in str(e) else 503
            return [_error(status, "Out of resources" if status == 507 else "Prediction failed")] * len(items)
        if not isinstance(ret, list):
            logger.warning("model %s: handle returned %s, not a list", ctx.model_name, type(ret).__name__)
            return [_error(503, "Invalid model predict output")] * len(items)
        if len(ret) != len(items):
            logger.warning("model %s: %d answers for a batch of %d", ctx.model_name, len(ret), len(items))
            return [_error(503, "number of batch response mismatched")] * len(items)
        self.metrics.add_time("PredictionTime", round((time.time() - start) * 1000, 2), None, "ms")
        out = []
        for i, val in enumerate(ret):
            try:
                ctype, body = _encode(val)
            except TypeError:
                logger.warning("model %s: unsupported output type %s", ctx.model_name, type(val).__name__)
                return [_error(503, "Unsupported model output data type.")] * len(items)
            p = processors[i]
            headers = dict(p.get_response_headers())
            ctype = headers.pop("content-type", None) or headers.pop("Content-Type", None) or ctype
            status = int(p.get_response_status_code() or 200)
            if not 100 <= status <= 599:  # not an HTTP status: the handler's mistake, answered as one
                logger.warning("model %s: set_response_status(%s) is not an HTTP status", ctx.model_name, status)
                status = 500
            out.append([status, ctype, body, {str(k): str(v) for k, v in headers.items()} or None])
        return out
