"""A slow consumer among a thousand good ones.

One subscriber stops reading while a thousand others read and a gateway
publishes eq.state changes on line/L1.  The publisher never waits for the
stalled one (hub/topic.h): its send queue reaches --queue-max-bytes, the hub
closes it with 4008 and drops its queue; the others see every update, in
order, without a gap in seq; the hub's memory stays bounded.

The stalled peer is a raw socket with a small receive buffer and a small
MSS: over loopback the MSS is 64 KiB and the kernel would otherwise buffer
megabytes for it before the hub's queue even starts to grow.

The latency of updates (hub time of the change to arrival at a reader) is
measured without and with the stalled peer and PRINTED: the goal that its
99th percentile moves by less than 10% is a timing goal for benchmarks, not
a pass/fail condition here.

Environment: FH_RELIABILITY_READERS (1000), FH_RELIABILITY_UPDATES (updates
after the stalled peer was closed, 100).
"""
import asyncio
import time

import msgpack

from relcommon import (RawWS, RelTest, env_int, fresh_key, make_token, mem_kb,
                       small_asan_quarantine, unpack_all)

TOPIC = "line/L1"
EQUIPMENT = "L1-PRESS1"
QUEUE_MAX = 256 * 1024
STATES = ("running", "idle")
BURST = 50      # state changes per publisher message
PACE_S = 0.01   # between two bursts


class Reader(asyncio.Protocol):
    """A subscriber that reads everything and checks the seq of TOPIC: a
    WebSocket client parsed by hand on an asyncio protocol, because a
    thousand of them must keep up in one Python process."""

    def __init__(self, n, phase, sample):
        self.n = n
        self.phase = phase        # the test's phase (a shared dict)
        self.sample = sample      # record latencies (a subset of readers)
        self.buf = bytearray()    # bytes received, not parsed yet
        self.upgraded = None      # set once the 101 arrived
        self.last = None          # seq of the last update of TOPIC
        self.gaps = []            # (expected, got)
        self.last_since = None    # `since` of the last EQUIPMENT update
        self.latencies = {}       # phase -> [ms]
        self.pong = asyncio.Event()
        self.snap = asyncio.Event()
        self.close_code = None
        self.transport = None

    @classmethod
    async def open(cls, hub, n, phase, sample):
        loop = asyncio.get_running_loop()
        r = cls(n, phase, sample)
        r.upgraded = loop.create_future()
        await loop.create_connection(lambda: r, "127.0.0.1", hub.port)
        r.transport.write(RawWS.request_bytes(hub.port))
        await r.upgraded
        r.send({"t": "hello", "id": 1, "token": make_token(sub="reader%d" % n, role="viewer")},
               {"t": "sub", "id": 2, "topics": [TOPIC]})
        await asyncio.wait_for(r.snap.wait(), 30)
        return r

    def connection_made(self, transport):
        self.transport = transport

    def send(self, *maps):
        self.transport.write(RawWS.frame_bytes(b"".join(msgpack.packb(m) for m in maps)))

    def data_received(self, data):
        self.buf += data
        if not self.upgraded.done():
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            self.upgraded.set_result(bytes(self.buf[:12]))
            del self.buf[:end + 4]
        now_ms = time.time() * 1000
        pos = 0
        while True:
            frame = RawWS.parse_frame(self.buf, pos)
            if frame is None:
                break
            opcode, start, pos = frame
            if opcode == 0x8:
                self.close_code = int.from_bytes(self.buf[start:start + 2], "big")
            elif opcode == 0x9:  # the hub's idle ping
                self.transport.write(RawWS.frame_bytes(bytes(self.buf[start:pos]), 0xA))
            elif opcode == 0x2:
                for m in unpack_all(bytes(self.buf[start:pos])):
                    self.take(m, now_ms)
        del self.buf[:pos]

    def take(self, m, now_ms):
        if m.get("topic") != TOPIC:
            if m["t"] == "pong":
                self.pong.set()
            return
        if m["t"] == "snap":
            self.last = m["seq"]
            self.snap.set()
            return
        if m["seq"] != self.last + 1:
            self.gaps.append((self.last + 1, m["seq"]))
        self.last = m["seq"]
        eq = m["data"].get("equipment")
        if eq is not None and eq["id"] == EQUIPMENT:
            self.last_since = eq["since"]
            if self.sample:
                self.latencies.setdefault(self.phase["now"], []).append(now_ms - eq["since"])

    async def sync(self):
        """Returns once everything the hub sent before our ping arrived."""
        self.pong.clear()
        self.send({"t": "ping", "id": 3})
        await asyncio.wait_for(self.pong.wait(), 60)

    def close(self):
        self.transport.close()


def p99(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * 0.99))] if values else float("nan")


class SlowConsumer(RelTest):
    # The age bound and the idle hang-up are far away: this test is about
    # the byte bound.
    hub_args = ("--queue-max-bytes", str(QUEUE_MAX), "--queue-max-age-ms", "120000",
                "--idle-ping-s", "100", "--idle-hangup-s", "200",
                "--rate", "1000000", "--burst", "1000000")

    def setUp(self):
        small_asan_quarantine()
        super().setUp()

    async def publish(self, gw, bursts, state):
        """bursts messages of BURST state changes of EQUIPMENT each (one
        group commit, one frame per reader); returns the last equipment."""
        for _ in range(bursts):
            ids = []
            maps = []
            for _ in range(BURST):
                state[0] ^= 1
                gw.next_id += 1
                ids.append(gw.next_id)
                maps.append({"t": "eq.state", "id": gw.next_id, "key": fresh_key("pub"),
                             "equipment": EQUIPMENT, "state": STATES[state[0]]})
            await gw.send(*maps)
            for rid in ids:
                reply = self.assertOk(await gw.next(30.0, lambda m, rid=rid: m.get("id") == rid))
            await asyncio.sleep(PACE_S)
        return reply["equipment"]

    def stalled_peer(self):
        s = RawWS(self.hub.port, rcvbuf=2048, mss=88)
        self.assertEqual(s.handshake(), 101)
        s.send_msg({"t": "hello", "id": 1, "token": make_token(sub="stalled", role="viewer")},
                   {"t": "sub", "id": 2, "topics": [TOPIC]})
        return s

    async def sample_rss(self, stop, peak):
        while not stop.is_set():
            peak[0] = max(peak[0], mem_kb(self.hub.proc.pid)[0])
            await asyncio.sleep(0.05)

    async def scenario(self, nreaders, after):
        phase = {"now": "alone"}
        readers = [await Reader.open(self.hub, n, phase, sample=n % 20 == 0)
                   for n in range(nreaders)]
        gw = await self.client("gateway")
        state = [0]
        await self.publish(gw, 4, state)                    # without the stalled peer
        baseline = mem_kb(self.hub.proc.pid)[0]
        stop, peak = asyncio.Event(), [baseline]
        sampler = asyncio.ensure_future(self.sample_rss(stop, peak))

        phase["now"] = "stalled"
        stalled = self.stalled_peer()
        sent = 0
        while self.hub.metrics()["floorhub_slow_consumer_closes_total"] < 1:
            await self.publish(gw, 1, state)
            sent += BURST
            self.assertLess(sent, 20000, "the stalled peer was never closed")
        # It reads again: what the kernel held, then the hub's close frame.
        code = await asyncio.get_running_loop().run_in_executor(None, stalled.read_until_close)
        stalled.close()
        phase["now"] = "after"
        last = await self.publish(gw, max(1, after // BURST), state)  # it is gone
        stop.set()
        await sampler
        await asyncio.gather(*(r.sync() for r in readers))
        for r in readers:
            r.close()
        return readers, code, sent, baseline, peak[0], last

    def test_stalled_peer_among_readers(self):
        nreaders = env_int("FH_RELIABILITY_READERS", 1000)
        after = env_int("FH_RELIABILITY_UPDATES", 100)
        readers, code, sent, baseline, peak, last = self.run_async(
            self.scenario(nreaders, after), timeout=240)
        lat = {ph: [v for r in readers for v in r.latencies.get(ph, [])]
               for ph in ("alone", "stalled")}
        print("slow consumer: %d readers; stalled peer closed %s after %d updates; "
              "RSS %d KiB before, %d KiB at most" % (nreaders, code, sent, baseline, peak))
        print("update latency p99: %.1f ms without the stalled peer, %.1f ms with it "
              "(%+.0f%%; a timing goal, not checked here)"
              % (p99(lat["alone"]), p99(lat["stalled"]),
                 100.0 * (p99(lat["stalled"]) / max(p99(lat["alone"]), 0.001) - 1)))
        self.assertEqual(code, 4008, "the stalled peer's close code")
        self.assertEqual(self.hub.metrics()["floorhub_slow_consumer_closes_total"], 1,
                         "only the stalled peer was a slow consumer")
        self.assertIn("send queue over", self.hub.stderr(), "closed by the byte bound")
        for r in readers:
            self.assertEqual(r.gaps, [], "reader %d missed updates" % r.n)
            self.assertIsNone(r.close_code, "reader %d was closed" % r.n)
            self.assertEqual(r.last_since, last["since"], "reader %d missed the last update" % r.n)
        # What the stalled peer can hold is its queue bound; the hub also
        # holds the readers' queues while they catch up.
        bound_kb = 4 * QUEUE_MAX // 1024 + 32 * 1024
        self.assertLess(peak - baseline, bound_kb, "RSS grew beyond the queue bound")
        self.stop_clean()


if __name__ == "__main__":
    import fhtest
    fhtest.main()
