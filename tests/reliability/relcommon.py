"""relcommon -- shared helpers of the reliability suite (tests/reliability).

The suite drives the real floorhub through tests/e2e/fhtest.py (Hub, Client,
tokens); this module adds what only reliability tests need: sizes taken from
the environment, a raw WebSocket client over a plain socket (for peers that
stall, half-upgrade or never read), the hub's memory from /proc, the check
that a sanitized hub printed no report, and a pipelined writer that keeps
several writes in flight until the hub dies under it.
"""
import asyncio
import base64
import os
import random
import signal
import socket
import struct
import sys
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))

import msgpack  # noqa: E402
import websockets  # noqa: E402

import fhtest  # noqa: E402,F401  (re-exported for the tests)
from fhtest import Client, Hub, HubTest, load_plant, make_token  # noqa: E402,F401
from fhtest import FLOORCTL as FLOORCTL_BIN  # noqa: E402,F401
from fhtest import FLOORHUB as FLOORHUB_BIN  # noqa: E402,F401
from fhtest import SOURCE_DIR  # noqa: E402,F401

SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                   "runtime error:", "SUMMARY: UndefinedBehaviorSanitizer")


def env_int(name, default):
    """An integer size from the environment (the CI size when unset)."""
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def fresh_key(prefix="k"):
    """An idempotency key never used before.  (fhtest's Client.write() keys
    are built from id(client), which Python reuses for a later client of
    the same user: that write would be a replay.)"""
    return "%s-%s" % (prefix, uuid.uuid4().hex[:20])


def seeded_random(test_name):
    """A Random seeded from FH_RELIABILITY_SEED (or the clock); the seed is
    printed so that a failing run can be repeated."""
    seed = env_int("FH_RELIABILITY_SEED", int(time.time() * 1000) % 1000000)
    print("%s: FH_RELIABILITY_SEED=%d" % (test_name, seed), flush=True)
    return random.Random(seed)


def small_asan_quarantine():
    """Memory tests measure RSS: ASan's freed-memory quarantine (256 MiB by
    default) would look like growth, so hubs started after this keep 4 MiB.
    A no-op for a plain build."""
    opts = os.environ.get("ASAN_OPTIONS", "")
    if "quarantine_size_mb" not in opts:
        os.environ["ASAN_OPTIONS"] = (opts + ":" if opts else "") + "quarantine_size_mb=1"


def mem_kb(pid):
    """(VmRSS, VmSize) of a process in KiB."""
    rss = size = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("VmSize:"):
                size = int(line.split()[1])
    return rss, size


def sanitizer_reports(text):
    """The lines of a sanitizer report in a hub's stderr."""
    return [line for line in text.splitlines() if any(m in line for m in SANITIZER_MARKS)]


def plant_with_escalation(*steps):
    """The sample plant with escalation steps (after_s, role) instead."""
    plant = load_plant()
    plant["escalation"] = [{"after_s": s, "role": r} for s, r in steps]
    return plant


def unpack_all(frame):
    """Every msgpack map of one WebSocket message."""
    unpacker = msgpack.Unpacker(raw=False, strict_map_key=False)
    unpacker.feed(frame)
    return list(unpacker)


class RelTest(HubTest):
    """HubTest plus the end-of-test check every reliability test makes: the
    hub stops on SIGTERM with status 0 and printed no sanitizer report."""

    def stop_clean(self, hub=None):
        hub = hub or self.hub
        code = hub.stop()
        reports = sanitizer_reports(hub.stderr())
        self.assertEqual(reports, [], "sanitizer report in the hub's stderr")
        self.assertEqual(code, 0, "floorhub exit status after SIGTERM")

    def assertNoSanitizerReport(self, hub=None):
        hub = hub or self.hub
        self.assertEqual(sanitizer_reports(hub.stderr()), [],
                         "sanitizer report in the hub's stderr")


# ---------------------------------------------------------------- raw WS

class RawWS:
    """A WebSocket client on a blocking socket, byte by byte under the
    test's control: it can stop mid-handshake, never read, send fragments of
    any size, and read the close code the hub sent."""

    def __init__(self, port, rcvbuf=None, mss=None, timeout=5.0):
        """rcvbuf and mss (set before connecting) keep what the kernels
        buffer for a peer that stops reading small: over loopback the MSS
        is 64 KiB and the sender's buffer grows to megabytes."""
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if mss is not None:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
        self.sock.settimeout(timeout)
        self.sock.connect(("127.0.0.1", port))
        self.port = port
        self.buf = b""

    @staticmethod
    def request_bytes(port, path="/ws", headers=None):
        """An HTTP upgrade request for the hub on port."""
        key = base64.b64encode(os.urandom(16)).decode()
        lines = ["GET %s HTTP/1.1" % path, "Host: 127.0.0.1:%d" % port,
                 "Upgrade: websocket", "Connection: Upgrade",
                 "Sec-WebSocket-Key: " + key, "Sec-WebSocket-Version: 13",
                 "Sec-WebSocket-Protocol: floorhub.v1"]
        for name, value in (headers or {}).items():
            lines.append("%s: %s" % (name, value))
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    @staticmethod
    def frame_bytes(payload, opcode=0x2, fin=True):
        """One client frame (masked, as RFC 6455 requires)."""
        head = bytes([(0x80 if fin else 0) | opcode])
        n = len(payload)
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        if not payload:
            return head + mask
        words = len(payload) // 4 + 1
        key = int.from_bytes(mask * words, "big") >> (8 * (4 * words - len(payload)))
        body = (int.from_bytes(payload, "big") ^ key).to_bytes(len(payload), "big")
        return head + mask + body

    @staticmethod
    def parse_frame(buf, pos):
        """The server frame at buf[pos:] as (opcode, payload start, end), or
        None while it is incomplete (server frames are not masked)."""
        if len(buf) - pos < 2:
            return None
        n, start = buf[pos + 1] & 0x7F, pos + 2
        if n == 126:
            if len(buf) - pos < 4:
                return None
            n, start = struct.unpack_from("!H", buf, pos + 2)[0], pos + 4
        elif n == 127:
            if len(buf) - pos < 10:
                return None
            n, start = struct.unpack_from("!Q", buf, pos + 2)[0], pos + 10
        if len(buf) < start + n:
            return None
        return buf[pos] & 0x0F, start, start + n

    def handshake(self, path="/ws", headers=None):
        """Upgrades; returns the status code of the hub's answer."""
        self.sock.sendall(self.request_bytes(self.port, path, headers))
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed during the handshake")
            self.buf += chunk
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        return int(head.split(b" ", 2)[1])

    def send_frame(self, payload, opcode=0x2, fin=True):
        self.sock.sendall(self.frame_bytes(payload, opcode, fin))

    def send_msg(self, *maps):
        self.send_frame(b"".join(msgpack.packb(m) for m in maps))

    def recv_frame(self):
        """(opcode, payload) of the next server frame."""
        while True:
            frame = self.parse_frame(self.buf, 0)
            if frame is not None:
                opcode, start, end = frame
                payload, self.buf = self.buf[start:end], self.buf[end:]
                return opcode, payload
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed")
            self.buf += chunk

    def read_until_close(self, on_maps=None):
        """Reads frames (maps go to on_maps) until the close frame; returns
        its code, or None when the connection ended without one."""
        try:
            while True:
                op, payload = self.recv_frame()
                if op == 0x8:
                    return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                if op == 0x2 and on_maps is not None:
                    on_maps(unpack_all(payload))
        except (ConnectionError, OSError):
            return None

    def closed_within(self, timeout):
        """True when the hub closed the socket within timeout seconds
        (whatever it sent before is skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                if not self.sock.recv(65536):
                    return True
            except socket.timeout:
                return False
            except OSError:
                return True

    def close(self):
        self.sock.close()


# -------------------------------------------------------- pipelined writes

class Writer:
    """One client that keeps up to `window` writes in flight and records
    what it sent and what was answered, until `count` writes were sent or
    the connection died (the hub was killed under it).

    sent: key -> request map (without id); answers: key -> reply."""

    def __init__(self, hub, sub, role, make_request, window=4, interval=0.0):
        self.hub = hub
        self.sub = sub
        self.role = role
        self.make_request = make_request  # (writer, index) -> map or None
        self.window = window
        self.interval = interval  # seconds between two sends, at least
        self.sent = {}
        self.answers = {}
        self._by_id = {}
        self._next_id = 1
        self.ws = None

    async def open(self):
        """Connects and authenticates; after this the hub may die at any
        moment."""
        self.ws = await websockets.connect(
            "ws://127.0.0.1:%d/ws" % self.hub.port, subprotocols=["floorhub.v1"],
            max_size=None, ping_interval=None, compression=None)
        await self.ws.send(msgpack.packb({"t": "hello", "id": 0,
                                          "token": make_token(sub=self.sub, role=self.role)}))
        while True:
            for m in unpack_all(await self.ws.recv()):
                if m.get("id") == 0:
                    assert m["t"] == "welcome", m
                    return self

    async def _send(self, ws, msg):
        rid = self._next_id
        self._next_id += 1
        self._by_id[rid] = msg["key"]
        await ws.send(msgpack.packb(dict(msg, id=rid)))

    async def _receive(self, ws, slots):
        try:
            async for frame in ws:
                for m in unpack_all(frame):
                    key = self._by_id.pop(m.get("id"), None)
                    if key is not None and m["t"] in ("ok", "err"):
                        self.answers[key] = m
                        slots.release()
        finally:  # wake the sender: it sees the reader is done
            for _ in range(self.window):
                slots.release()

    async def run(self, count):
        """Sends until count writes went out (and were answered) or the
        connection died.  open() first."""
        ws = self.ws
        slots = asyncio.Semaphore(self.window)
        reader = asyncio.ensure_future(self._receive(ws, slots))
        try:
            i = 0
            while i < count and not reader.done():
                msg = self.make_request(self, i)
                if msg is None:  # nothing to do yet (an ack needs a raise)
                    await asyncio.sleep(0.005)
                    continue
                await slots.acquire()
                self.sent[msg["key"]] = msg
                await self._send(ws, msg)
                i += 1
                if self.interval:
                    await asyncio.sleep(self.interval)
            deadline = time.monotonic() + 10.0
            while self._by_id and not reader.done() and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
        except (websockets.exceptions.ConnectionClosed, asyncio.TimeoutError, OSError):
            pass
        finally:
            reader.cancel()
            await ws.close()

    async def resend_all(self):
        """After a restart: every write sent, again with its own key, one at
        a time; returns key -> reply."""
        replies = {}
        client = await Client(self.hub).connect(token=make_token(sub=self.sub, role=self.role))
        try:
            for key, msg in self.sent.items():
                replies[key] = await client.request(msg, timeout=10.0)
        finally:
            await client.close()
        return replies


def kill_hub_later(hub, delay):
    """Schedules kill -9 of the hub after delay seconds (asyncio)."""
    async def later():
        await asyncio.sleep(delay)
        hub.proc.send_signal(signal.SIGKILL)
    return asyncio.ensure_future(later())
