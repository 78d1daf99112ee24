#!/usr/bin/python3
"""test_bad_input -- hostile and broken input (PROTOCOL.md 1.1, 1.2, 7).

Each class of bad input gets a clear answer: `err` with its code and key
(or, for a map that cannot be framed, bad_request without key), or a close
code (1009 too large, whole or fragmented; 1003 text frame).  Then 10,000
bad frames in a row: every one answered, the hub stays up, a fresh client
still works, its memory stays flat and the store (audit log, snapshots) is
exactly what it was before.
"""
import asyncio
import os

import msgpack

import fhtest
from fhtest import Client, HubTest

NO_KEY = object()  # the err must carry no key: the map could not be framed


def mp(obj):
    return msgpack.packb(obj)


def raw_str(b):
    """A msgpack str header + bytes as they are (for invalid UTF-8)."""
    return bytes([0xa0 | len(b)]) + b if len(b) < 32 else b"\xd9" + bytes([len(b)]) + b


def ping_with(value_bytes):
    """{t: "ping", x: <value_bytes>} with a raw value."""
    return b"\x82" + raw_str(b"t") + raw_str(b"ping") + raw_str(b"x") + value_bytes


def nested(depth):
    """A ping whose map holds depth - 1 nested arrays: `depth` levels."""
    return ping_with(b"\x91" * (depth - 2) + b"\x90")


RAISE = {"t": "andon.raise", "line": "L1", "kind": "help"}

# (name, frame, expected t, code, key)
BAD_FRAMES = [
    ("reserved byte", b"\xc1", "err", "bad_request", NO_KEY),
    ("truncated map", mp({"t": "sub", "topics": ["andon"]})[:-3], "err", "bad_request", NO_KEY),
    ("not a map", mp([1, 2, 3]), "err", "bad_request", NO_KEY),
    ("int map key", mp({1: "ping"}), "err", "bad_request", NO_KEY),
    ("empty map", mp({}), "err", "bad_request", "t"),
    ("t not a string", mp({"t": 5}), "err", "bad_request", "t"),
    ("id not uint", mp({"t": "ping", "id": "x"}), "err", "bad_request", "id"),
    ("id negative", mp({"t": "ping", "id": -1}), "err", "bad_request", "id"),
    ("unknown type", mp({"t": "andon.delete"}), "err", "bad_request", "t"),
    ("hub-side type", mp({"t": "welcome"}), "err", "bad_request", "t"),
    ("topics a string", mp({"t": "sub", "topics": "andon"}), "err", "bad_request", "topics"),
    ("topics of ints", mp({"t": "sub", "topics": [1]}), "err", "bad_request", "topics"),
    ("since an array", mp({"t": "sub", "topics": ["andon"], "since": [1]}),
     "err", "bad_request", "since"),
    ("andon a string", mp({"t": "andon.ack", "key": "k1", "andon": "1"}),
     "err", "bad_request", "andon"),
    ("key an int", mp(dict(RAISE, key=5)), "err", "bad_request", "key"),
    ("severity a float", mp(dict(RAISE, key="k2", severity=2.0)), "err", "bad_request", "severity"),
    ("t twice", b"\x82" + mp("t") + mp("ping") + mp("t") + mp("ping"),
     "err", "bad_request", "t"),
    ("line twice", b"\x84" + mp("t") + mp("andon.raise") + mp("key") + mp("k3") +
     mp("line") + mp("L1") + mp("line") + mp("L2"), "err", "bad_request", "line"),
    ("array count 2^26", ping_with(b"\xdd\x04\x00\x00\x00"), "err", "bad_request", NO_KEY),
    ("map count 2^32-1", b"\xdf\xff\xff\xff\xff", "err", "bad_request", NO_KEY),
    ("str length 2^32-1", ping_with(b"\xdb\xff\xff\xff\xff"), "err", "bad_request", NO_KEY),
    ("bin length 2^32-1", ping_with(b"\xc6\xff\xff\xff\xff"), "err", "bad_request", NO_KEY),
    ("nested 9 deep", nested(9), "err", "bad_request", NO_KEY),
    ("nested 1000 deep", nested(1000), "err", "bad_request", NO_KEY),
    ("invalid UTF-8", ping_with(raw_str(b"\xff\xfe")), "err", "bad_request", NO_KEY),
    ("overlong UTF-8", ping_with(raw_str(b"\xc0\xaf")), "err", "bad_request", NO_KEY),
    ("surrogate", ping_with(raw_str(b"\xed\xa0\x80")), "err", "bad_request", NO_KEY),
    ("above U+10FFFF", ping_with(raw_str(b"\xf4\x90\x80\x80")), "err", "bad_request", NO_KEY),
    ("invalid UTF-8 key", b"\x82" + raw_str(b"\xff") + b"\x01" + mp("t") + mp("ping"),
     "err", "bad_request", NO_KEY),
    ("invalid UTF-8 in t", b"\x81" + raw_str(b"t") + raw_str(b"p\xffng"),
     "err", "bad_request", NO_KEY),
    ("unknown topic", mp({"t": "sub", "topics": ["line/X9"]}), "err", "not_found", "topics"),
    ("unknown andon", mp({"t": "andon.ack", "key": "k4", "andon": 999}),
     "err", "not_found", "andon"),
    ("unknown line", mp(dict(RAISE, key="k5", line="L9")), "err", "not_found", "line"),
    ("note too long", mp(dict(RAISE, key="k6", note="n" * 513)), "err", "bad_request", "note"),
    ("replayed key", mp(dict(RAISE, key="seed")), "ok", None, None),
]


class BadInput(HubTest):
    hub_args = ("--rate", "1000000", "--burst", "1000000")
    # Under ASan freed memory waits in a quarantine (256 MB by default) and
    # would look like growth: keep it small so that VmRSS measures the hub.
    hub_env = {"ASAN_OPTIONS": ":".join(filter(None, (os.environ.get("ASAN_OPTIONS"),
                                                      "quarantine_size_mb=1")))}

    def check(self, name, reply, t, code, key):
        self.assertEqual(reply["t"], t, (name, reply))
        if t == "ok":
            self.assertIs(reply.get("replay"), True, (name, reply))
            return
        self.assertEqual(reply["code"], code, (name, reply))
        if key is NO_KEY:
            self.assertNotIn("key", reply, (name, reply))
        else:
            self.assertEqual(reply.get("key"), key, (name, reply))
        self.assertTrue(reply["msg"], reply)

    async def seeded(self):
        """An operator client that raised one andon with key "seed"."""
        c = await self.client("operator", sub="op1")
        self.assertOk(await c.write("andon.raise", key="seed", line="L1", kind="help"))
        return c

    async def stored_state(self):
        """The audit log and the andon/line snapshots without time-driven OEE."""
        c = await self.client("viewer", sub="reader")
        andon = (await c.snapshot("andon"))["data"]
        line = (await c.snapshot("line/L1"))["data"]
        await c.close()
        return self.hub.events(), andon, line["equipment"], line["andons"]

    def test_each_class_answered(self):
        async def run():
            c = await self.seeded()
            for name, frame, t, code, key in BAD_FRAMES:
                with self.subTest(frame=name):
                    await c.send_raw(frame)
                    self.check(name, await c.next(), t, code, key)
            self.assertEqual(await c.sync(), [])  # exactly one answer each
        self.run_async(run())

    def test_broken_map_drops_rest_of_message(self):
        async def run():
            c = await self.client()
            await c.send_raw(mp({"t": "ping", "id": 1}) + b"\xc1" + mp({"t": "ping", "id": 3}))
            self.assertEqual((await c.next())["t"], "pong")
            self.assertErr(await c.next(), "bad_request")
            self.assertEqual(await c.sync(), [])  # no pong 3
            # the id of a map that breaks later is still echoed
            await c.send_raw(b"\x83" + mp("t") + mp("ping") + mp("id") + mp(9) + mp("x") + b"\xc1")
            r = await c.next()
            self.assertErr(r, "bad_request")
            self.assertEqual(r.get("id"), 9)
        self.run_async(run())

    def test_nesting_limit_is_8(self):
        async def run():
            c = await self.client()
            await c.send_raw(nested(8))
            self.assertEqual((await c.next())["t"], "pong")
            await c.send_raw(nested(9))
            self.assertErr(await c.next(), "bad_request")
        self.run_async(run())

    def test_oversize_message_closes_1009(self):
        async def run():
            c = await self.client()
            pad = 65536 - len(mp({"t": "ping", "pad": ""})) - 2  # a str16 header: 2 more bytes
            exact = mp({"t": "ping", "pad": "x" * pad})
            self.assertEqual(len(exact), 65536)
            await c.send_raw(exact)
            self.assertEqual((await c.next())["t"], "pong")  # the limit itself is fine
            await c.send_raw(mp({"t": "ping", "pad": "x" * (pad + 1)}))
            self.assertEqual((await c.closed())[0], 1009)

            c = await self.client()
            frags = [b"\x81"] + [b"x" * 1000] * 70  # 70 KB in 71 fragments
            try:
                await c.ws.send(frags)
            except Exception:  # the hub may close before the last fragment
                pass
            self.assertEqual((await c.closed())[0], 1009)
            self.assertEqual(self.hub.metrics()["floorhub_too_large_closes_total"], 2)
            await self.client()  # the hub is fine
        self.run_async(run())

    def test_text_frame_closes_1003(self):
        async def run():
            c = await self.client()
            await c.ws.send('{"t":"ping"}')
            self.assertEqual((await c.closed())[0], 1003)
            c = await Client(self.hub).connect()  # also before authentication
            await c.ws.send("hello")
            self.assertEqual((await c.closed())[0], 1003)
        self.run_async(run())

    def test_bad_frames_before_auth(self):
        async def run():
            c = await Client(self.hub).connect()
            for name, frame, t, code, key in BAD_FRAMES[:4]:
                await c.send_raw(frame)
                self.check(name, await c.next(), t, code, key)
            self.assertErr(await c.request({"t": "sub", "topics": ["line/X9"]}),
                           "unauthorized", "t")
            w = await c.request({"t": "hello", "token": fhtest.make_token()})
            self.assertEqual(w["t"], "welcome")
        self.run_async(run())

    def test_ten_thousand_bad_frames(self):
        async def run():
            c = await self.seeded()
            before = await self.stored_state()

            async def flood(n):
                frames = [BAD_FRAMES[i % len(BAD_FRAMES)] for i in range(n)]

                async def send():
                    for _, frame, *_ in frames:
                        await c.send_raw(frame)
                sender = asyncio.ensure_future(send())
                for name, _, t, code, key in frames:
                    self.check(name, await c.next(timeout=10), t, code, key)
                await sender

            await flood(1000)  # warm-up: allocator pools, buffers
            rss = self.hub.rss_kb()
            await flood(10000)
            for i in range(50):  # and connections closed for their input
                bad = await self.client()
                await bad.ws.send("text" if i % 2 else b"\x00" * 70000)
                self.assertIn((await bad.closed())[0], (1003, 1009))
            self.assertEqual(await c.sync(), [])
            grown = self.hub.rss_kb() - rss
            self.assertLess(grown, 4096, "VmRSS grew by %d KiB" % grown)
            self.assertIsNone(self.hub.proc.poll())
            fresh = await self.client("admin", sub="fresh")
            self.assertOk(await fresh.sub("andon"))
            self.assertEqual(await self.stored_state(), before)
        self.run_async(run(), timeout=120)


if __name__ == "__main__":
    fhtest.main()
