"""test_floorsim_spb.py -- floorsim --sparkplug through Debian's mosquitto
and floorgw into the real hub: the demo's ingest path (ctest:
floorsim_spb_e2e, label e2e).

Design: a hub with the sample plant, a
broker, floorgw with the mapping `floorsim --print-map` prints, and
floorsim --sparkplug at 100x speed.  Every equipment of the plant must
get a state from floorgw (actor gw1) and its counters must reach the hub
as eq.total; a restarted floorgw, which has no alias tables, must ask for
a rebirth and floorsim must answer it; floorsim's NDEATH at SIGTERM must
turn all its equipment `unknown` (machine reason no_signal).

Paths come from the environment: FLOORHUB_BIN, FLOORCTL_BIN, FLOORGW_BIN, FLOORSIM_BIN,
FH_SOURCE_DIR.
"""
import json
import os
import signal
import subprocess
import time

from gwtest import FLOORGW, FLOORSIM, fhtest, Broker, Floorgw



def plant():
    return fhtest.load_plant()


class FloorsimSparkplug(fhtest.HubTest):
    plant_data = plant()

    def setUp(self):
        super().setUp()
        self.broker = Broker(self.hub.tmp)
        out = subprocess.run([FLOORSIM, "--plant", self.hub.plant, "--print-map"],
                             check=True, capture_output=True, text=True).stdout
        self.map = json.loads(out)
        token = fhtest.make_token(sub="gw1", role="gateway")
        self.floorgw = Floorgw(FLOORGW, self.hub.tmp, self.map, token, self.broker.port,
                               self.hub.url).start()
        self.sim_log = os.path.join(self.hub.tmp, "floorsim.log")
        self.sim = None

    def tearDown(self):
        if self.sim and self.sim.poll() is None:
            self.sim.kill()
            self.sim.wait()
        self.floorgw.kill()
        self.broker.stop()
        super().tearDown()

    def sim_log_has(self, text, timeout=10.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open(self.sim_log) as f:
                if text in f.read():
                    return
            time.sleep(0.05)
        with open(self.sim_log) as f:
            self.fail("floorsim never logged %r:\n%s" % (text, f.read()))

    def wait_for(self, what, pred, timeout=15.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if pred():
                return
            time.sleep(0.1)
        self.fail("never: %s; floorgw log:\n%s" % (what, self.floorgw.log()))

    def test_the_simulated_plant_arrives_through_mqtt(self):
        ids = [e["id"] for e in plant()["lines"][0]["equipment"]]  # line L1
        all_ids = {e["id"] for e in self.map["equipment"]}
        self.assertEqual(len(all_ids), sum(len(l["equipment"]) for l in plant()["lines"]))
        self.floorgw.log_has("hub online")
        self.floorgw.log_has("mqtt: connected")
        time.sleep(0.3)  # the subscriptions follow the CONNACK
        with open(self.sim_log, "w") as log:
            self.sim = subprocess.Popen([FLOORSIM, "--plant", self.hub.plant, "--sparkplug",
                                         "mqtt://127.0.0.1:%d" % self.broker.port,
                                         "--speed", "100", "--seed", "7"],
                                        stderr=log, stdout=subprocess.DEVNULL)

        def events(kind):
            return {e["data"]["id"] for e in self.hub.events()
                    if e["type"] == kind and e["actor"] == "gw1"}
        self.wait_for("a state of every equipment", lambda: events("eq.state") >= all_ids)
        self.wait_for("totals of every equipment", lambda: events("eq.total") >= all_ids,
                      timeout=30)

        async def l1():
            view = await self.client("viewer")
            snap = await view.snapshot("line/L1")
            await view.close()
            return {e["id"]: e for e in snap["data"]["equipment"]}
        self.wait_for("pieces counted on L1",
                      lambda: sum(e["good"] for e in self.run_async(l1()).values()) > 0,
                      timeout=30)

        self.floorgw.kill()  # a new floorgw knows no births: it asks for one
        self.floorgw.start()
        self.floorgw.log_has("asking floorsim/edge1 for a rebirth", timeout=15)
        self.sim_log_has("rebirth requested")
        self.sim_log_has("rebirth requested\nfloorsim: births published")
        time.sleep(0.5)  # floorgw reads them before the NDEATH comes

        self.sim.send_signal(signal.SIGTERM)  # its NDEATH
        self.assertEqual(self.sim.wait(timeout=10), 0)
        self.floorgw.log_has("sparkplug floorsim/edge1 is gone", timeout=10)

        def all_unknown():
            eqs = self.run_async(l1())
            return all((eqs[i]["state"], eqs[i]["machine_reason"]) == ("unknown", "no_signal")
                       for i in ids)
        self.wait_for("L1 unknown (no_signal)", all_unknown)


if __name__ == "__main__":
    import unittest
    unittest.main(verbosity=2)
