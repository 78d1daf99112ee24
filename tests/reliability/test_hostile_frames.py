"""Hostile frames: msgpack headers that announce more than they hold, nesting
beyond the limit, and thousands of random frames from a hundred connections.

The decoder must refuse each with `err bad_request` without reserving what a
header announces (PROTOCOL.md 1.1: "No memory is reserved for it"), the hub
must not crash or print a sanitizer report, its memory must stay flat once
warm, and a well-behaved client must be served throughout.

Environment: FH_RELIABILITY_FRAMES (random frames in all, 10000),
FH_RELIABILITY_SEED (repeat a run's frames).
"""
import asyncio
import time

import msgpack
import websockets

from relcommon import (Client, RelTest, env_int, make_token, mem_kb,
                       seeded_random, small_asan_quarantine, unpack_all)

CONNECTIONS = 100
LAST_PING = 424242   # id of the ping that ends a connection's share
MEM_SLACK_KB = 4096  # "flat": growth after warm-up within 4 MiB


def with_field(key, raw):
    """A ping map whose extra field `key` holds the raw msgpack bytes."""
    return b"\x83\xa1t\xa4ping\xa2id\x01" + msgpack.packb(key) + raw


AMPLIFIERS = {
    "array32 4G elements": b"\x83\xa1t\xa3sub\xa2id\x01\xa6topics\xdd\xff\xff\xff\xff",
    "map32 4G pairs": b"\xdf\xff\xff\xff\xff\xa1t\xa4ping",
    "map32 inside": with_field("x", b"\xdf\xff\xff\xff\xff"),
    "array32 inside": with_field("x", b"\xdd\xff\xff\xff\xf0\x01"),
    "array16 64K elements": with_field("x", b"\xdc\xff\xff\x01\x02"),
    "map16 64K pairs": with_field("x", b"\xde\xff\xff\xa1a\x01"),
    "str32 4 GiB": with_field("x", b"\xdb\xff\xff\xff\xff" + b"a" * 16),
    "bin32 4 GiB": with_field("x", b"\xc6\xff\xff\xff\xff" + b"a" * 16),
    "ext32 4 GiB": with_field("x", b"\xc9\xff\xff\xff\xff\x01" + b"a" * 16),
    "str32 token": b"\x83\xa1t\xa5hello\xa2id\x01\xa5token\xdb\x7f\xff\xff\xff",
    "nesting 9": with_field("x", b"\x91" * 8 + b"\x00"),
    "nesting 60000": with_field("x", b"\x91" * 60000 + b"\x00"),
    "map nesting 20000": with_field("x", b"\x81\xa1k" * 20000 + b"\x00"),
    "str8 past the end": with_field("x", b"\xd9\xff" + b"a" * 10),
    "uint64 count in key": b"\x81\xcf\xff\xff\xff\xff\xff\xff\xff\xff\xa4ping",
}


class FrameMaker:
    """Random frames: random bytes, mutated valid requests and random
    msgpack trees with huge headers mixed in."""

    VALID = [
        {"t": "ping", "id": 1},
        {"t": "sub", "id": 2, "topics": ["plant", "andon", "line/L1"]},
        {"t": "sub", "id": 2, "topics": ["line/L2"], "since": {"line/L2": 3}, "epoch": 1},
        {"t": "unsub", "id": 3, "topics": ["andon"]},
        {"t": "andon.raise", "id": 4, "key": "k1", "line": "L1", "kind": "material",
         "severity": 3, "note": "x"},
        {"t": "andon.ack", "id": 5, "key": "k2", "andon": 1},
        {"t": "andon.resolve", "id": 6, "key": "k3", "andon": 1, "reason": "mechanical"},
        {"t": "eq.state", "id": 7, "key": "k4", "equipment": "L1-PRESS1", "state": "down"},
        {"t": "eq.count", "id": 8, "key": "k5", "equipment": "L3-CAP", "good": 1, "reject": 0},
        {"t": "shift.report", "id": 9, "line": "L1"},
    ]
    KEYS = ["t", "id", "key", "line", "topics", "since", "epoch", "andon", "note",
            "equipment", "state", "good", "reject", "token", "kind", "severity"]
    HEADS = [b"\xdd\xff\xff\xff\xff", b"\xdf\xff\xff\xff\xff", b"\xdb\xff\xff\xff\xff",
             b"\xc6\xff\xff\xff\xff", b"\xdc\xff\xff", b"\xde\xff\xff", b"\xc1", b"\xd9\x80"]

    def __init__(self, rng):
        self.rng = rng

    def value(self, depth):
        r = self.rng.random()
        if depth > 3 or r < 0.3:
            return self.rng.choice([None, True, -1, 0, 2 ** 63, 1.5, "L1", "x" * 70,
                                    "plant", "\u00e9", b"\x00\xff"])
        if r < 0.6:
            return [self.value(depth + 1) for _ in range(self.rng.randint(0, 4))]
        return {self.rng.choice(self.KEYS): self.value(depth + 1)
                for _ in range(self.rng.randint(0, 4))}

    def mutate(self, data):
        data = bytearray(data)
        for _ in range(self.rng.randint(1, 4)):
            op = self.rng.random()
            pos = self.rng.randrange(len(data) + 1)
            if op < 0.4 and pos < len(data):
                data[pos] = self.rng.randrange(256)
            elif op < 0.6:
                data[pos:pos] = self.rng.choice(self.HEADS)
            elif op < 0.8:
                del data[pos:pos + self.rng.randint(1, 8)]
            else:
                data = data[:pos]
        return bytes(data)

    def frame(self):
        r = self.rng.random()
        if r < 0.25:
            return bytes(self.rng.randrange(256) for _ in range(self.rng.randint(1, 300)))
        if r < 0.65:
            maps = [msgpack.packb(self.rng.choice(self.VALID))
                    for _ in range(self.rng.randint(1, 3))]
            return self.mutate(b"".join(maps))
        tree = {"t": self.rng.choice(["ping", "sub", "hello", "andon.raise", "x", 7])}
        for _ in range(self.rng.randint(0, 5)):
            tree[self.rng.choice(self.KEYS)] = self.value(1)
        return msgpack.packb(tree, use_bin_type=True) + (
            self.rng.choice(self.HEADS) if self.rng.random() < 0.3 else b"")


class HostileFrames(RelTest):
    def setUp(self):
        small_asan_quarantine()
        super().setUp()

    async def refused_without_close(self, client, name, frame):
        await client.send_raw(frame)
        reply = await client.next(5.0, lambda m: m["t"] in ("err", "pong", "ok"))
        self.assertEqual(reply["t"], "err", "%s: %r" % (name, reply))
        self.assertIn(reply["code"], ("bad_request", "too_large"), name)
        pong = await client.request({"t": "ping"})
        self.assertEqual(pong["t"], "pong", "%s: the connection stays usable" % name)

    def test_amplification_headers(self):
        async def run():
            rss0 = mem_kb(self.hub.proc.pid)[0]
            for authed in (False, True):
                client = await Client(self.hub).connect(
                    token=make_token(role="viewer") if authed else None)
                for name, frame in AMPLIFIERS.items():
                    for _ in range(20):
                        await self.refused_without_close(client, name, frame)
                await client.close()
            grown = mem_kb(self.hub.proc.pid)[0] - rss0
            print("amplifiers: RSS grew %d KiB over %d frames" % (grown, 40 * len(AMPLIFIERS)))
            self.assertLess(grown, 16 * 1024, "an amplifying header reserved memory")
        self.run_async(run(), timeout=120)
        self.stop_clean()

    async def hammer(self, n, maker, frames, stats):
        """One connection sending its share of random frames (reconnecting
        when the hub closes it) while reading everything it is sent."""
        sent = 0
        while sent < frames:
            ws = await websockets.connect(self.hub.url, subprotocols=["floorhub.v1"],
                                          max_size=None, ping_interval=None,
                                          compression=None, close_timeout=1)
            if n % 2:
                await ws.send(msgpack.packb({"t": "hello", "id": 0,
                                             "token": make_token(sub="v%d" % n, role="viewer")}))

            done = asyncio.Event()  # the last ping's pong: all was read

            async def drain():
                async for frame in ws:
                    maps = unpack_all(frame)
                    stats["maps"] += len(maps)
                    if any(m.get("t") == "pong" and m.get("id") == LAST_PING for m in maps):
                        done.set()
            reader = asyncio.ensure_future(drain())
            try:
                while sent < frames and not reader.done():
                    await ws.send(maker.frame())
                    sent += 1
                    stats["frames"] += 1
                    await asyncio.sleep(0)
                await ws.send(msgpack.packb({"t": "ping", "id": LAST_PING}))
                await asyncio.wait([reader, asyncio.ensure_future(done.wait())], timeout=20,
                                   return_when=asyncio.FIRST_COMPLETED)
            except websockets.exceptions.ConnectionClosed:
                pass
            if not reader.done():
                await ws.close()
            await asyncio.gather(reader, return_exceptions=True)
            stats["closes"][ws.close_code] = stats["closes"].get(ws.close_code, 0) + 1

    async def pinger(self, stop, latencies):
        client = await Client(self.hub).connect(token=make_token(sub="steady", role="viewer"))
        while not stop.is_set():
            t0 = time.monotonic()
            pong = await client.request({"t": "ping"}, timeout=5.0)
            self.assertEqual(pong["t"], "pong")
            latencies.append(time.monotonic() - t0)
            await asyncio.sleep(0.05)
        await client.close()

    async def wave(self, maker, total, stats):
        per = max(1, total // CONNECTIONS)
        await asyncio.gather(*(self.hammer(n, maker, per, stats) for n in range(CONNECTIONS)))

    def test_random_frames_from_100_connections(self):
        total = env_int("FH_RELIABILITY_FRAMES", 10000)
        maker = FrameMaker(seeded_random(self.id()))
        stats = {"frames": 0, "maps": 0, "closes": {}}

        async def run():
            stop, latencies = asyncio.Event(), []
            steady = asyncio.ensure_future(self.pinger(stop, latencies))
            await self.wave(maker, total // 5, stats)          # warm-up
            warm = mem_kb(self.hub.proc.pid)
            await self.wave(maker, total - total // 5, stats)
            end = mem_kb(self.hub.proc.pid)
            stop.set()
            await steady
            return warm, end, latencies

        warm, end, latencies = self.run_async(run(), timeout=240)
        print("random frames: %d sent, %d maps back, closes by code %r" %
              (stats["frames"], stats["maps"], stats["closes"]))
        print("memory after warm-up RSS %d KiB VmSize %d KiB, at the end RSS %d KiB "
              "VmSize %d KiB; steady client: %d pings, slowest %.0f ms"
              % (warm[0], warm[1], end[0], end[1], len(latencies), max(latencies) * 1000))
        self.assertIsNone(self.hub.proc.poll(), "the hub died")
        self.assertNoSanitizerReport()
        self.assertGreaterEqual(stats["frames"], total - CONNECTIONS)
        self.assertGreater(len(latencies), 0)
        self.assertLess(end[0] - warm[0], MEM_SLACK_KB, "RSS grew")
        self.assertLess(end[1] - warm[1], MEM_SLACK_KB, "VmSize grew")
        self.stop_clean()


if __name__ == "__main__":
    import fhtest
    fhtest.main()
