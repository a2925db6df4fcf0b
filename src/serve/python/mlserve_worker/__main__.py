"""Entry point of a Python worker process: `python -m mlserve_worker <socket> <worker id>`.

Connects back to the frontend's Unix socket, says hello, then loads models and runs batches as
the Node worker does (src/serve/worker/main.ts), over the same frames. It exits when the socket
closes, and, on Linux, when its parent dies (PR_SET_PDEATHSIG), even while a handler runs.
"""
import logging
import os
import signal
import socket
import sys
import traceback

from . import device, frames
from .loader import HandlerError
from .service import Service


def _die_with_parent():
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the frontend died before prctl took effect
            sys.exit(0)
    except OSError:
        pass  # not glibc: the closed socket still ends the worker between batches


def _message(e, model_dir):
    """The exception as the registering user should read it: type and message, archive paths relative."""
    text = str(e) if isinstance(e, (HandlerError, device.DeviceUnavailable)) else "%s: %s" % (type(e).__name__, e)
    return text.replace(model_dir.rstrip("/") + "/", "").replace(model_dir, ".")


def _decode_group(header, payload):
    off = 0
    for batch in header["b"]:
        model_key, descs = batch[0], batch[1]
        heads = batch[2] if len(batch) > 2 else None
        items = []
        for k, desc in enumerate(descs):
            parts = []
            for name, ctype, length in desc:
                parts.append((name, ctype, bytes(payload[off:off + length])))
                off += length
            items.append((parts, heads[k] if heads else None))
        yield model_key, items


def main():
    sock_path, worker_id = sys.argv[1], sys.argv[2]
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    _die_with_parent()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(sock_path)
    fs = frames.FrameSocket(sock)
    fs.send(frames.HELLO, 0, {"workerId": worker_id, "pid": os.getpid(), "kind": "python"})
    models = {}
    while True:
        ftype, fid, header, payload = fs.read()
        if ftype == frames.INFER:
            done, bodies = [], []
            for index, (model_key, items) in enumerate(_decode_group(header, payload)):
                svc = models.get(model_key)
                answers = svc.predict(items) if svc else [[503, "application/json", b'{"code":503,"type":"ServiceUnavailableException","message":"model not loaded in this worker"}', None]] * len(items)
                desc = []
                for status, ctype, body, heads in answers:
                    desc.append([status, ctype, len(body), heads] if heads else [status, ctype, len(body)])
                    bodies.append(body)
                done.append([fid, index, desc])
            result = {"r": done}
            metrics = [[k] + m for k, s in models.items() for m in s.metrics.take()]
            if metrics:
                result["m"] = metrics
            fs.send(frames.RESULT, 0, result, b"".join(bodies))
        elif ftype == frames.LOAD:
            for p in header.get("pythonPath") or []:
                if p not in sys.path:
                    sys.path.insert(0, p)
            try:
                gpu_id, fallback = device.check(header)
                models[header["modelKey"]] = Service(dict(header, gpuId=gpu_id))
                fs.send(frames.OK, fid, {"inputs": [], "outputs": [], "fallback": fallback} if fallback else {"inputs": [], "outputs": []})
            except BaseException as e:  # noqa: B036 - SystemExit in a handler's import must not end the worker silently
                traceback.print_exc()
                fs.send(frames.ERROR, fid, {"message": _message(e, header["modelDir"])})
        elif ftype == frames.UNLOAD:
            models.pop(header["modelKey"], None)
            fs.send(frames.OK, fid, {})
        else:
            fs.send(frames.ERROR, fid, {"message": "unknown frame type %d" % ftype})


if __name__ == "__main__":
    main()
