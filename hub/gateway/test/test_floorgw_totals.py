"""test_floorgw_totals.py -- state codes and counter totals from
mosquitto_pub through floorgw into the real hub, and exact totals across kill -9 of floorgw, of
mosquitto and of the hub (ctest: floorgw_totals_e2e, label e2e).

Design: a hub of tests/e2e/fhtest.py with the sample plant, Debian's
mosquitto on a free port, floorgw with a gateway token mapping
plant/press1/counts {"good", "scrap"} to L1-PRESS1's totals.  The counts
are read back as a hub client sees them: a viewer's snapshot of line/L1.

- mosquitto_pub state codes: mapped codes give the state and reason, an
  unmapped one `unknown` with the code as machine reason.
- mosquitto_pub totals 100 -> 105 -> 105 -> 3 (each waited for in the
  hub): the hub's counts go 0 (the base), 5, 5, 8, and the hub and
  floorgw log the counter reset with the equipment's id.
- A publisher streams growing totals while floorgw, then mosquitto, then
  the hub are killed with SIGKILL and started again.  Totals are absolute
  and floorgw resends the latest after every reconnect, so once the last
  total has arrived the hub's counts are exactly last - base: nothing was
  lost and nothing counted twice, whatever happened to the messages in
  between.

Paths come from the environment: FLOORHUB_BIN, FLOORCTL_BIN, FLOORGW_BIN,
FH_SOURCE_DIR.
"""
import json
import os
import subprocess
import threading
import time

import paho.mqtt.client as mqtt

from gwtest import FLOORGW, fhtest, Broker, Floorgw

TOPIC = "plant/press1/counts"

MAP = {"equipment": [
    {"id": "L1-PRESS1",
     "source": {"mqtt": {"topic": "plant/press1/status", "pointer": "/state"}},
     "state": {"codes": {"1": ["running"], "3": ["down", "mechanical"]}},
     "counts": {"good_total": {"mqtt": {"topic": TOPIC, "pointer": "/good"}},
                "reject_total": {"mqtt": {"topic": TOPIC, "pointer": "/scrap"}}}}]}


class Streamer(threading.Thread):
    """Publishes totals good = base + i, scrap = i // 10 (QoS 1) every few
    ms until stopped; paho reconnects by itself when the broker dies."""

    def __init__(self, port, base):
        super().__init__(daemon=True)
        self.base, self.i, self.halt = base, 0, threading.Event()
        self.c = mqtt.Client(client_id="stream-%d" % os.getpid(), clean_session=True)
        self.c.reconnect_delay_set(0.05, 0.2)
        self.c.connect("127.0.0.1", port)
        self.c.loop_start()

    def totals(self):
        return self.base + self.i, self.i // 10

    def run(self):
        while not self.halt.is_set():
            self.i += 1
            good, scrap = self.totals()
            self.c.publish(TOPIC, json.dumps({"good": good, "scrap": scrap}), qos=1)
            time.sleep(0.005)

    def stop(self):
        self.halt.set()
        self.join()


class FloorgwTotals(fhtest.HubTest):
    def setUp(self):
        super().setUp()
        self.broker = Broker(self.hub.tmp)
        token = fhtest.make_token(sub="gw1", role="gateway")
        self.floorgw = Floorgw(FLOORGW, self.hub.tmp, MAP, token, self.broker.port,
                               self.hub.url).start()
        self.floorgw.log_has("mqtt: connected")
        self.floorgw.log_has("hub online")
        time.sleep(0.3)  # the subscriptions follow the CONNACK

    def tearDown(self):
        self.floorgw.kill()
        self.broker.stop()
        super().tearDown()

    def mosquitto_pub(self, good, scrap, topic=TOPIC, payload=None):
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(self.broker.port),
                        "-q", "1", "-t", topic, "-m",
                        payload or json.dumps({"good": good, "scrap": scrap})], check=True)

    async def state(self):
        """L1-PRESS1's (state, reason, machine_reason) in a fresh snapshot."""
        view = await self.client("viewer")
        try:
            snap = await view.snapshot("line/L1")
        finally:
            await view.close()
        e = {x["id"]: x for x in snap["data"]["equipment"]}["L1-PRESS1"]
        return e["state"], e["reason"], e["machine_reason"]

    async def wait_state(self, want, timeout=10.0):
        deadline = time.time() + timeout
        got = None
        while time.time() < deadline:
            got = await self.state()
            if got == want:
                return
            time.sleep(0.05)
        self.fail("L1-PRESS1 is %r, want %r; floorgw log:\n%s" % (got, want, self.floorgw.log()))

    def test_state_codes_from_mosquitto_pub(self):
        async def run():
            status = "plant/press1/status"
            self.mosquitto_pub(0, 0, status, '{"state": 3}')
            await self.wait_state(("down", "mechanical", None))
            self.mosquitto_pub(0, 0, status, '{"state": 1}')
            await self.wait_state(("running", None, None))
            self.mosquitto_pub(0, 0, status, '{"state": 9}')   # not in the map
            await self.wait_state(("unknown", None, "9"))
            self.floorgw.log_has("L1-PRESS1: code '9' is not in the map")
        self.run_async(run())

    async def counts(self):
        """L1-PRESS1's (good, reject) in a fresh snapshot of line/L1."""
        view = await self.client("viewer")
        try:
            snap = await view.snapshot("line/L1")
        finally:
            await view.close()
        e = {x["id"]: x for x in snap["data"]["equipment"]}["L1-PRESS1"]
        return e["good"], e["reject"]

    def totals_events(self):
        return sum(1 for e in self.hub.events() if e["type"] == "eq.total")

    async def wait_counts(self, want, timeout=20.0):
        deadline = time.time() + timeout
        got = None
        while time.time() < deadline:
            try:
                got = await self.counts()
            except (OSError, AssertionError, fhtest.Closed):
                got = None  # the hub is restarting
            if got == want:
                return
            time.sleep(0.1)
        self.fail("L1-PRESS1 counts %r, want %r; floorgw log:\n%s"
                  % (got, want, self.floorgw.log()))

    def wait_log_count(self, text, n, timeout=15.0):
        """Waits until floorgw logged text at least n times."""
        deadline = time.time() + timeout
        while time.time() < deadline and self.floorgw.log().count(text) < n:
            time.sleep(0.05)
        self.assertGreaterEqual(self.floorgw.log().count(text), n, self.floorgw.log())

    def wait_events(self, n, timeout=10.0):
        deadline = time.time() + timeout
        while time.time() < deadline and self.totals_events() < n:
            time.sleep(0.05)
        self.assertEqual(self.totals_events(), n)

    def test_totals_100_105_105_3_add_0_5_0_3(self):
        async def run():
            self.mosquitto_pub(100, 7)
            self.wait_events(1)
            self.assertEqual(await self.counts(), (0, 0))   # the base
            self.mosquitto_pub(105, 7)
            self.wait_events(2)
            self.assertEqual(await self.counts(), (5, 0))   # +5
            self.mosquitto_pub(105, 7)                      # a repeat
            self.mosquitto_pub(3, 7)                        # the PLC was reset
            self.wait_events(3)
            self.assertEqual(await self.counts(), (8, 0))   # +0, then +3
            self.hub.wait_log("equipment L1-PRESS1: good counter reset (3 after 105): "
                              "counting 3")
            self.floorgw.log_has("L1-PRESS1: good total went down (3 after 105): a counter "
                                 "reset or rollover")
        self.run_async(run())

    def test_kill_9_of_floorgw_mosquitto_and_hub_mid_stream_keeps_totals_exact(self):
        async def run():
            self.mosquitto_pub(1000, 0)
            self.wait_events(1)
            s = Streamer(self.broker.port, 1000)
            s.start()
            time.sleep(0.5)
            self.floorgw.kill()            # floorgw: SIGKILL, then again
            time.sleep(0.3)
            self.floorgw.start()
            self.wait_log_count("hub online: sending", 2)
            time.sleep(0.5)
            self.broker.kill()             # mosquitto: SIGKILL, sessions lost
            time.sleep(0.3)
            self.broker.start()
            self.wait_log_count("mqtt: connected", 3)
            time.sleep(0.5)
            self.hub.kill9()               # the hub: SIGKILL mid-stream
            time.sleep(0.3)
            self.hub.start()
            self.wait_log_count("hub online: sending", 3)
            time.sleep(0.5)
            s.stop()
            good, scrap = s.totals()
            self.assertGreater(s.i, 200)
            self.mosquitto_pub(good, scrap)  # the last totals, surely delivered
            await self.wait_counts((good - 1000, scrap))
            s.c.loop_stop()
        self.run_async(run(), timeout=90)


if __name__ == "__main__":
    import unittest
    unittest.main(verbosity=2)
