"""The frames of src/serve/ipc/frames.ts, read and written over the worker's Unix socket.

Layout (little endian): u32 length of what follows, u8 type, u32 id, u32 header length,
UTF-8 JSON header, payload bytes.
"""
import json
import struct
import sys

HELLO, LOAD, OK, ERROR, INFER, RESULT, UNLOAD = 1, 2, 3, 4, 5, 6, 7
_FIXED = struct.Struct("<IBII")
_REST = struct.Struct("<BII")
MAX_FRAME_BYTES = 1024 * 1024 * 1024


class FrameSocket:
    """Blocking reads of whole frames; a closed socket ends the process (the frontend is gone)."""

    def __init__(self, sock):
        self._sock = sock
        self._file = sock.makefile("rb", buffering=1 << 16)

    def _exactly(self, n):
        data = self._file.read(n)
        if data is None or len(data) < n:
            # The frontend closed the connection, crashed or was killed: nothing left to serve.
            sys.exit(0)
        return data

    def read(self):
        (length,) = struct.unpack("<I", self._exactly(4))
        if length > MAX_FRAME_BYTES or length < _REST.size:
            raise ValueError("corrupt frame length %d" % length)
        body = self._exactly(length)
        ftype, fid, hlen = _REST.unpack_from(body, 0)
        start = _REST.size
        header = json.loads(body[start:start + hlen]) if hlen else None
        return ftype, fid, header, memoryview(body)[start + hlen:]

    def send(self, ftype, fid, header, payload=b""):
        text = b"" if header is None else json.dumps(header, separators=(",", ":")).encode("utf-8")
        head = _FIXED.pack(_REST.size + len(text) + len(payload), ftype, fid, len(text))
        self._sock.sendall(b"".join((head, text, payload)) if payload else head + text)
