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


class FrameReader:
    """Frames from an untrusted writer, read without ever blocking: bytes are taken as they come (`pull`),
    whole frames handed out (`frames`); an oversized frame is skipped, a malformed one ends the stream."""

    def __init__(self, fd, limit=MAX_FRAME):
        self.fd, self.limit, self.buffer, self.skip, self.closed = fd, limit, bytearray(), 0, False

    def pull(self):
        """Read what is there now (call when select says the descriptor is readable); False once it closed."""
        try:
            data = os.read(self.fd, 1 << 20)
        except BlockingIOError:
            return True
        except OSError:
            data = b""
        if not data:
            self.closed = True
            return False
        if self.skip:
            dropped = min(self.skip, len(data))
            self.skip -= dropped
            data = data[dropped:]
        self.buffer += data
        return True

    def frames(self):
        """The whole frames received so far, as dicts (oversized ones as {"oversized": n})."""
        out = []
        while len(self.buffer) >= 4 and not self.skip:
            (size,) = struct.unpack(">I", self.buffer[:4])
            if size > self.limit:
                out.append({"oversized": size})
                del self.buffer[:4]
                dropped = min(size, len(self.buffer))
                del self.buffer[:dropped]
                self.skip = size - dropped
                continue
            if len(self.buffer) < 4 + size:
                break
            body = bytes(self.buffer[4:4 + size])
            del self.buffer[:4 + size]
            try:
                message = json.loads(body.decode("utf-8"))
            except ValueError:
                message = None
            if isinstance(message, dict):
                out.append(message)
        return out

    def discard(self):
        """Forget every whole or partial frame received so far (what was written before a new cell began)."""
        while True:
            try:
                if not os.read(self.fd, 1 << 20):
                    self.closed = True
                    break
            except BlockingIOError:
                break
            except OSError:
                self.closed = True
                break
        self.buffer.clear()
        self.skip = 0
