#!/usr/bin/python3
"""test_notify_hang -- a webhook receiver that hangs for 60 s delays
neither commits, fan-out nor another channel (tests/e2e/notifytest.py).

The channel `slow` has two slots (max_in_flight 2) and timeout_s 90, so
the hang ends before curl gives up; its receiver accepts the first two
requests and holds each for 60 s before it answers 200, then answers at
once.  The channel `fast` answers at once.  One rule sends every raised
andon to both.  Two andons are raised and the test waits until slow holds
both requests: its two slots are hanging from then on.  During the hang
20 more andons are raised and a subscriber of the `andon` topic watches.
Asserted by order, not by clock thresholds:
- every one of the 20 writes was answered ok, and the subscriber got its
  20 updates, before the receiver released its first held request;
- fast received all 22 notifications before that release, while slow had
  received only its two held requests (no third slot);
- after the release slow receives the other 20 (each event id once,
  nothing failed), and /metrics counts 22 sent on each channel.
"""
import json
import time

import fhtest
from fhtest import Hub, HubTest
from notifytest import Receiver

HANG_S = 60
N = 20


class NotifyHang(HubTest):
    def setUp(self):
        self.hub = Hub()
        self.slow = Receiver(statuses=["hang", "hang"], hang_s=HANG_S)
        self.fast = Receiver()
        notify = {"channels": [{"id": "slow", "type": "webhook", "url": self.slow.url,
                                "timeout_s": HANG_S + 30, "max_in_flight": 2},
                               {"id": "fast", "type": "webhook", "url": self.fast.url}],
                  "rules": [{"on": "andon.raised", "to": ["channel:slow", "channel:fast"]}]}
        self.hub.args = ["--notify", self.hub.write_file("notify.json", json.dumps(notify))]
        self.hub.start()

    def tearDown(self):
        self.slow.close()
        self.fast.close()
        super().tearDown()

    def test_hanging_receiver_delays_nothing(self):
        async def run():
            op = await self.client("operator")
            watcher = await self.client("shift_manager")
            await watcher.snapshot("andon")
            for _ in range(2):
                self.assertOk(await op.write("andon.raise", line="L1", kind="help"))
            self.slow.wait(2, timeout=15)  # both slots hang from now on
            done = []
            for _ in range(N):
                a = self.assertOk(await op.write("andon.raise", line="L2", kind="maintenance"))
                done.append((a["andon"]["id"], time.monotonic()))
            upds = []
            while len(upds) < N:
                m = await watcher.next(timeout=10, pred=lambda m: m["t"] == "upd" and
                                       m["topic"] == "andon")
                upds.append((m, time.monotonic()))
            return done, upds
        done, upds = self.run_async(run())
        fast = self.fast.wait(N + 2, timeout=30)
        self.assertEqual(len(self.slow.requests), 2)  # no third slot
        self.assertEqual(self.slow.released, [])  # still hanging
        m = self.hub.metrics()
        self.assertEqual(m['floorhub_notify_sent_total{channel="fast"}'], N + 2)
        self.assertEqual(m['floorhub_notify_sent_total{channel="slow"}'], 0)
        self.assertEqual(m["floorhub_notify_queue_depth"], N + 2)  # slow's, 2 in flight

        slow = self.slow.wait(N + 2, timeout=HANG_S + 60)
        release = min(self.slow.released)
        self.assertEqual(len(self.slow.released), 2)
        self.assertEqual([i for i, _ in done], list(range(3, N + 3)))
        self.assertTrue(all(t < release for _, t in done), "a write waited for the hang")
        self.assertTrue(all(t < release for _, t in upds), "fan-out waited for the hang")
        self.assertTrue(all(q["t"] < release for q in fast), "fast waited for the hang")
        self.assertTrue(all(q["t"] >= release for q in slow[2:]), "a third slot was used")
        ids = lambda reqs: sorted(q["headers"]["X-Floorhub-Event-Id"] for q in reqs)
        self.assertEqual(ids(slow), sorted("andon-%d-raised.slow" % i for i in range(1, N + 3)))
        self.assertEqual(ids(fast), sorted("andon-%d-raised.fast" % i for i in range(1, N + 3)))
        deadline = time.monotonic() + 10
        while self.hub.metrics().get("floorhub_notify_queue_depth") != 0:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.1)
        m = self.hub.metrics()
        for c in ("slow", "fast"):
            self.assertEqual(m['floorhub_notify_sent_total{channel="%s"}' % c], N + 2)
            self.assertEqual(m['floorhub_notify_failed_total{channel="%s"}' % c], 0)


if __name__ == "__main__":
    fhtest.main()
