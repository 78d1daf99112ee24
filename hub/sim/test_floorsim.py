"""test_floorsim.py -- floorsim against the real floorhub (ctest:
floorsim_e2e, label e2e), with the harness of tests/e2e/fhtest.py.

With --operator-token-file (a plant with a reason tree) floorsim's
operator classifies some stops and its rejects carry quality reasons.

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


TREE = [
    {"code": "breakdown", "category": "unplanned",
     "children": [{"code": "mechanical"}, {"code": "electrical"}, {"code": "tooling"}]},
    {"code": "material_shortage", "category": "unplanned"},
    {"code": "setup", "category": "changeover"},
    {"code": "scrap", "category": "quality",
     "children": [{"code": "scratch"}, {"code": "dent"}]},
]


class SimCase(fhtest.HubTest):
    """A hub on the sample plant without breaks, and floorsim against it."""
    tree = False  # the plant's reasons: the sample's flat list, or TREE

    def setUp(self):
        with open(fhtest.SAMPLE_PLANT) as f:
            layout = json.load(f)
        for shift in layout["shifts"]:
            shift["breaks"] = []
        if self.tree:
            layout["reasons"] = TREE
            layout["short_stop_s"] = 1  # at --speed 300 a stop of 5 min
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

    def token_file(self, name, **claims):
        path = os.path.join(self.hub.tmp, name + ".token")
        with open(path, "w") as f:
            f.write(fhtest.make_token(**claims) + "\n")
        return path

    def start_sim(self, duration, speed=60, args=()):
        token_file = self.token_file("gateway", sub="sim-gw", role="gateway")
        self.sim_log = os.path.join(self.hub.tmp, "floorsim.log")
        with open(self.sim_log, "w") as log:
            self.sim = subprocess.Popen(
                [FLOORSIM, "--url", self.hub.url, "--token-file", token_file, "--plant", self.plant,
                 "--speed", str(speed), "--seed", "1", "--duration", str(duration), *args],
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



class FloorsimTest(SimCase):
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

    def test_lines_change_products_with_changeovers(self):
        """200 simulated minutes: each line starts a run at the start and
        changes product after a changeover now and then (seed 1: run ids
        beyond one per line), every run of a product of the plant."""
        async def go():
            self.start_sim(duration=20, speed=600)
            rc, log = self.finish_sim(timeout=40)
            self.assertEqual(rc, 0, log)
            self.assertRegex(log, r"0 refused, 0 unanswered", log)
            c = await self.client(role="viewer", sub="runs")
            await c.sub(*("line/" + l for l in LINES))
            runs = {}
            for _ in LINES:
                snap = await c.next(pred=lambda m: m["t"] == "snap")
                runs[snap["topic"]] = snap["data"]["run"]
            await c.close()
            self.assertTrue(all(r is not None and r["product"] in ("BRK-100", "PNL-200")
                                for r in runs.values()), runs)
            self.assertGreater(max(r["id"] for r in runs.values()), len(LINES), runs)
            self.assertEqual(self.hub_errors(), 0)
        self.run_async(go(), timeout=90)

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


class FloorsimOperatorTest(SimCase):
    tree = True

    def test_operator_explains_stops_and_rejects_have_reasons(self):
        async def go():
            op = self.token_file("operator", sub="sim-op", role="operator")
            self.start_sim(duration=10, speed=300, args=("--operator-token-file", op))
            rc, log = self.finish_sim(timeout=30)
            self.assertEqual(rc, 0, log)
            self.assertIn("operator online as sim-op (operator)", log)
            self.assertRegex(log, r"0 refused, 0 unanswered, [1-9]\d* stops explained", log)
            view = await self.client(role="viewer", sub="watch")
            stops = []
            for line in LINES:
                r = await view.request({"t": "dt.list", "line": line, "from": 0,
                                        "to": int(time.time() * 1000) + 60000})
                stops += self.assertOk(r)["events"]
            mine = [e for e in stops if e["classified_by"] == "sim-op"]
            self.assertTrue(mine, stops)
            leaves = {"mechanical", "electrical", "tooling", "material_shortage", "setup"}
            self.assertTrue(all(e["reason"] in leaves and not e["short"] for e in mine), mine)
            # blocked outfeeds and micro-stops are left for a person to explain
            self.assertTrue(all(e["states"]["blocked"] == 0 and e["states"]["idle"] == 0
                                for e in mine), mine)
            self.assertTrue(any(e["reason"] is None for e in stops), stops)
            scrap = {}
            for line in LINES:
                oee = (await view.snapshot("oee/" + line))["data"]["oee"]
                for k, v in oee["rejects_by_reason"].items():
                    scrap[k] = scrap.get(k, 0) + v
            self.assertTrue(scrap and set(scrap) <= {"scratch", "dent"}, scrap)
            self.assertEqual(self.hub_errors(), 0)
        self.run_async(go())


if __name__ == "__main__":
    fhtest.main()
