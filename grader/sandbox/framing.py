"""Length-prefixed JSON frames: how the grader, the fork server and a notebook's child talk.

A frame is a 4-byte big-endian length and a UTF-8 JSON object. Readers bound the size
they accept; an oversized frame's bytes are read and dropped, never kept. Used on both
sides of the sandbox (the zygote imports this file by path inside it).
"""
import json
import os
import struct

MAX_FRAME = 32 * 1024 * 1024


def send_frame(fd, message):
    data = json.dumps(message, separators=(",", ":"), default=str).encode("utf-8")
    _write_all(fd, struct.pack(">I", len(data)) + data)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exact(fd, count):
    chunks, left = [], count
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the pipe")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(fd, limit=MAX_FRAME):
    """The next frame's message (a dict), or {"oversized": n} (its bytes read and dropped) when over `limit`.

    ValueError when the bytes are not a JSON object."""
    (size,) = struct.unpack(">I", _read_exact(fd, 4))
    if size > limit:
        left = size
        while left:
            left -= len(_read_exact(fd, min(left, 1 << 20)))
        return {"oversized": size}
    message = json.loads(_read_exact(fd, size).decode("utf-8"))
    if not isinstance(message, dict):
        raise ValueError("a frame that is not a JSON object")
    return message
