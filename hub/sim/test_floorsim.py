"""test_floorsim.py -- floorsim against the real floorhub (ctest:
floorsim_e2e, label e2e), with the harness of tests/e2e/fhtest.py.

The hub and floorsim get the sample plant without its breaks, so that the
equipment runs whatever the time of day the test runs at (in a break
everything would be in planned_stop and make nothing).  floorsim runs
with --speed 60 for a few seconds; a viewer client watches the line
topics, and the checks compare what the hub holds afterwards with what it
held before, and read the hub's own error counters.

Paths come from the environment: FLOORHUB_BIN, FLOORSIM_BIN, FH_SOURCE_DIR.
"""
import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.environ.get("FH_SOURCE_DIR", os.path.join(HERE, "..", "..")),
                                "tests", "e2e"))
import fhtest  # noqa: E402

FLOORSIM = os.environ.get("FLOORSIM_BIN", "floorsim")
LINES = ("L1", "L2", "L3")


class FloorsimTest(fhtest.HubTest):
    def setUp(self):
        with open(fhtest.SAMPLE_PLANT) as f:
            layout = json.load(f)
        for shift in layout["shifts"]:
            shift["breaks"] = []
        self.hub = fhtest.Hub()
        self.plant = os.path.join(self.hub.tmp, "plant.json")
        with open(self.plant, "w") as f:
            json.dump(layout, f)
        self.hub.plant = self.plant
        self.hub.start()
        self.sim = None

    def tearDown(self):
        if self.sim is not None and self.sim.poll() is None:
            self.sim.kill()
            self.sim.wait()
        super().tearDown()

    def start_sim(self, duration):
        token_file = os.path.join(self.hub.tmp, "gateway.token")
        with open(token_file, "w") as f:
            f.write(fhtest.make_token(sub="sim-gw", role="gateway") + "\n")
        self.sim_log = os.path.join(self.hub.tmp, "floorsim.log")
        with open(self.sim_log, "w") as log:
            self.sim = subprocess.Popen(
                [FLOORSIM, "--url", self.hub.url, "--token-file", token_file, "--plant", self.plant,
                 "--speed", "60", "--seed", "1", "--duration", str(duration)],
                stderr=log, stdout=subprocess.DEVNULL)

    def finish_sim(self, timeout=20):
        rc = self.sim.wait(timeout)
        with open(self.sim_log) as f:
            log = f.read()
        return rc, log

    async def equipment(self):
        """Every equipment as the hub holds it now: id -> entity."""
        c = await self.client(role="viewer", sub="watch")
        await c.sub(*("line/" + l for l in LINES))
        eqs = {}
        for _ in LINES:
            snap = await c.next(pred=lambda m: m["t"] == "snap")
            eqs.update({e["id"]: e for e in snap["data"]["equipment"]})
        await c.close()
        return eqs

    def hub_errors(self):
        with urllib.request.urlopen(self.hub.http + "/metrics", timeout=5) as r:
            text = r.read().decode()
        return sum(int(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith("floorhub_errors_total{"))

    def test_drives_states_and_counts_and_the_hub_accepts_them(self):
        async def go():
            before = await self.equipment()
            self.assertEqual(len(before), 16)
            self.assertTrue(all(e["state"] == "unknown" and e["good"] == 0 for e in before.values()))
            self.start_sim(duration=4)
            rc, log = self.finish_sim()
            self.assertEqual(rc, 0, log)
            self.assertRegex(log, r"[1-9]\d* accepted .* 0 refused, 0 unanswered", log)
            after = await self.equipment()
            self.assertTrue(all(e["state"] != "unknown" for e in after.values()), after)
            self.assertTrue(all(e["since"] for e in after.values()))
            made = [e["id"] for e in after.values() if e["good"] + e["reject"] > 0]
            # 4 simulated minutes make pieces on every running equipment
            # (the slowest cycle is 60 s); stopped ones may make none.
            running = [e["id"] for e in after.values() if e["state"] == "running"]
            self.assertTrue(set(running) <= set(made), (running, made))
            self.assertGreaterEqual(len(made), 8, after)
            self.assertEqual(self.hub_errors(), 0)
        self.run_async(go())

    def test_reconnects_when_the_hub_restarts(self):
        async def go():
            self.start_sim(duration=9)
            deadline = time.monotonic() + 5
            while sum(e["good"] for e in (await self.equipment()).values()) == 0:
                self.assertLess(time.monotonic(), deadline, "no counts before the restart")
                await asyncio.sleep(0.3)
            self.hub.restart()
            made_before = sum(e["good"] + e["reject"] for e in (await self.equipment()).values())
            deadline = time.monotonic() + 8
            while sum(e["good"] + e["reject"] for e in (await self.equipment()).values()) <= made_before:
                self.assertLess(time.monotonic(), deadline, "no counts after the restart")
                await asyncio.sleep(0.3)
            rc, log = self.finish_sim()
            self.assertEqual(rc, 0, log)
            self.assertEqual(log.count("online as sim-gw"), 2, log)
            self.assertIn("offline:", log)
            self.assertEqual(self.hub_errors(), 0)
        self.run_async(go())


if __name__ == "__main__":
    fhtest.main()
