"""Hostile peers: what reaches the hub before, during and instead of a
proper WebSocket session, and messages over the size cap.

Each is refused or closed in bounded time while a normal client keeps
round-tripping pings: garbage instead of HTTP, headers over 12 KiB, upgrades
that stall half-way (the hub's 5 s handshake timeout), an Origin other than
--allowed-origin, connections that never authenticate (4001 after
--auth-timeout-ms), and messages over --frame-max sent whole, as 1-byte
fragments, or announced by a frame header (1009, memory bounded).
"""
import asyncio
import os
import struct
import time

import msgpack
import websockets

from relcommon import (Client, RawWS, RelTest, make_token, mem_kb,
                       small_asan_quarantine)

ORIGIN = "http://floor.example"
AUTH_TIMEOUT_MS = 1500
HANDSHAKE_TIMEOUT_S = 5.0  # lws timeout_secs in hub/server.c
SLACK_S = 2.5              # the hub's 1 s tick, a loaded CI machine


class Steady:
    """A well-behaved client pinging every 50 ms until stopped; a ping slower
    than 1 s or unanswered fails the test."""

    def __init__(self, test):
        self.test = test
        self.stop = asyncio.Event()
        self.latencies = []

    async def run(self):
        client = await Client(self.test.hub).connect(
            token=make_token(sub="steady", role="viewer"), origin=ORIGIN)
        while not self.stop.is_set():
            t0 = time.monotonic()
            pong = await client.request({"t": "ping"}, timeout=5.0)
            self.test.assertEqual(pong["t"], "pong")
            self.latencies.append(time.monotonic() - t0)
            await asyncio.sleep(0.05)
        await client.close()

    def check(self):
        self.test.assertGreater(len(self.latencies), 5)
        slowest = max(self.latencies)
        print("steady client: %d pings, slowest %.0f ms" % (len(self.latencies), slowest * 1000))
        self.test.assertLess(slowest, 1.0, "the hub stalled for its good clients")


def raw(hub):
    return RawWS(hub.port)


class HostileUpgrades(RelTest):
    hub_args = ("--allowed-origin", ORIGIN, "--auth-timeout-ms", str(AUTH_TIMEOUT_MS))

    def closed_in_time(self, sock, bound, what):
        t0 = time.monotonic()
        self.assertTrue(sock.closed_within(bound), "%s: still open after %.1f s" % (what, bound))
        return time.monotonic() - t0

    async def in_thread(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(None, fn, *args)

    def garbage(self):
        tls_hello = b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(64)
        for junk in (os.urandom(300), tls_hello, b"\r\n" * 100 + b"HELO floor\r\n",
                     b"GET /ws\x00\xff HTTP/9.9\r\n\r\n"):
            s = raw(self.hub)
            s.sock.sendall(junk)
            self.closed_in_time(s, HANDSHAKE_TIMEOUT_S + SLACK_S, "garbage %r" % junk[:8])
            s.close()

    def huge_headers(self):
        s = raw(self.hub)
        s.sock.sendall(s.request_bytes(s.port, headers={"Origin": ORIGIN, "X-Pad": "p" * 13000}))
        head = b""
        try:
            while b"\r\n\r\n" not in head:
                chunk = s.sock.recv(4096)
                if not chunk:
                    break
                head += chunk
        except OSError:
            pass
        self.assertNotIn(b" 101 ", head.split(b"\r\n", 1)[0], "a 13 KiB header was upgraded")
        self.closed_in_time(s, HANDSHAKE_TIMEOUT_S + SLACK_S, "huge header")
        s.close()

    def partial_upgrades(self, n):
        socks = []
        for i in range(n):
            s = raw(self.hub)
            req = s.request_bytes(s.port, headers={"Origin": ORIGIN})
            s.sock.sendall(req[:len(req) * (i + 1) // (n + 1)])  # stop anywhere
            socks.append(s)
        t0 = time.monotonic()
        for s in socks:
            left = HANDSHAKE_TIMEOUT_S + SLACK_S - (time.monotonic() - t0)
            self.assertTrue(s.closed_within(max(0.1, left)), "a stalled upgrade stayed open")
            s.close()
        return time.monotonic() - t0

    async def bad_origins(self):
        for origin in ("http://evil.example", None, ORIGIN + ".evil.example"):
            with self.assertRaises(websockets.exceptions.InvalidHandshake, msg=origin):
                await Client(self.hub).connect(origin=origin)
        good = await Client(self.hub).connect(token=make_token(role="viewer"), origin=ORIGIN)
        await good.close()

    async def never_authenticating(self, n):
        clients = [await Client(self.hub).connect(origin=ORIGIN) for _ in range(n)]
        t0 = time.monotonic()
        results = await asyncio.gather(*(c.closed(AUTH_TIMEOUT_MS / 1000 + SLACK_S)
                                         for c in clients))
        took = time.monotonic() - t0
        for code, _ in results:
            self.assertEqual(code, 4001)
        self.assertGreaterEqual(took, AUTH_TIMEOUT_MS / 1000 - 0.3, "closed before the timeout")
        return took

    def test_refused_or_closed_in_time(self):
        async def run():
            steady = Steady(self)
            task = asyncio.ensure_future(steady.run())
            await asyncio.sleep(0.2)
            await self.in_thread(self.garbage)
            await self.in_thread(self.huge_headers)
            took = await self.in_thread(self.partial_upgrades, 40)
            print("40 stalled upgrades closed within %.1f s" % took)
            await self.bad_origins()
            took = await self.never_authenticating(20)
            print("20 silent sessions closed 4001 after %.1f s" % took)
            steady.stop.set()
            await task
            steady.check()
        self.run_async(run(), timeout=120)
        m = self.hub.metrics()
        self.assertGreaterEqual(m["floorhub_sessions_refused_total"], 3)
        self.assertGreaterEqual(m["floorhub_auth_timeouts_total"], 20)
        self.stop_clean()


class Oversize(RelTest):
    FRAME_MAX = 65536

    def setUp(self):
        small_asan_quarantine()
        super().setUp()

    def authed(self):
        s = raw(self.hub)
        self.assertEqual(s.handshake(), 101)
        s.send_msg({"t": "hello", "id": 1, "token": make_token(role="viewer")})
        op, payload = s.recv_frame()
        self.assertEqual(msgpack.unpackb(payload)["t"], "welcome")
        return s

    @staticmethod
    def ping_padded(size):
        """A ping map of exactly size bytes (an unknown key pads it)."""
        pad = size - len(msgpack.packb({"t": "ping", "id": 1, "pad": ""}))
        data = msgpack.packb({"t": "ping", "id": 1, "pad": "p" * pad})
        pad -= len(data) - size  # the str header grew with the string
        return msgpack.packb({"t": "ping", "id": 1, "pad": "p" * pad})

    def expect_1009(self, s, what):
        code = s.read_until_close()
        self.assertEqual(code, 1009, what)
        s.close()

    def send_fragments(self, s, data, size, first=True, finish=True):
        """data as frames of size bytes: the first one opens a message
        (unless first is false), the last one ends it (if finish)."""
        try:
            for i in range(0, len(data), size):
                s.send_frame(data[i:i + size], opcode=0x2 if first and i == 0 else 0x0,
                             fin=finish and i + size >= len(data))
        except OSError:
            pass  # the hub closed while we were still sending

    def test_message_over_the_cap(self):
        exact = self.ping_padded(self.FRAME_MAX)
        self.assertEqual(len(exact), self.FRAME_MAX)
        s = self.authed()
        s.send_frame(exact)
        op, payload = s.recv_frame()
        self.assertEqual(msgpack.unpackb(payload)["t"], "pong", "a message of exactly the cap")
        s.send_frame(exact + b"\xc0")
        self.expect_1009(s, "one byte over, whole")

        s = self.authed()
        self.send_fragments(s, self.ping_padded(self.FRAME_MAX + 10), 1)
        self.expect_1009(s, "1-byte fragments")

        s = self.authed()  # a header announcing 1 TiB: nothing is reserved
        s.sock.sendall(bytes([0x82, 0x80 | 127]) + struct.pack("!Q", 1 << 40) + b"\0" * 4 + b"ab")
        self.expect_1009(s, "1 TiB announced")

        s = raw(self.hub)  # before authenticating, too
        self.assertEqual(s.handshake(), 101)
        self.send_fragments(s, b"\x80" * (self.FRAME_MAX * 2), 4096)
        self.expect_1009(s, "unauthenticated, fragmented")
        self.stop_clean()

    def test_memory_bounded(self):
        base = mem_kb(self.hub.proc.pid)[0]
        n = 30
        socks = [self.authed() for _ in range(n)]
        big = self.ping_padded(self.FRAME_MAX - 100)
        for s in socks:  # every session holds a reassembly of almost the cap
            self.send_fragments(s, big[:-50], 1024, finish=False)
        time.sleep(0.5)
        held = mem_kb(self.hub.proc.pid)[0] - base
        for s in socks:
            self.send_fragments(s, b"x" * 4096, 1024, first=False)
        for s in socks:
            self.expect_1009(s, "over the cap in fragments")
        print("oversize: %d sessions holding almost the cap: RSS +%d KiB" % (n, held))
        bound_kb = n * 2 * self.FRAME_MAX // 1024 + 8192
        self.assertLess(held, bound_kb, "reassembly memory beyond the cap")
        self.assertEqual(self.hub.metrics()["floorhub_too_large_closes_total"], n)
        self.stop_clean()


if __name__ == "__main__":
    import fhtest
    fhtest.main()
