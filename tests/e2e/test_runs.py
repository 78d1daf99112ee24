#!/usr/bin/python3
"""test_runs -- production runs (PROTOCOL.md, "Production runs").

Against the real hub with the sample plant (products BRK-100, whose cycle
map names L1-PRESS1..L1-EOL at 4 s, and PNL-200 at 8 s everywhere):
run.start and run.end through the role matrix, answered `ok {run}` and
replayed by key, `conflict` without an active run, `not_found` for an
unknown product or line, `bad_request` for a bad target; the active run in
the line/<id> snapshot and its updates, the ideal cycle in force on the
equipment, the line's counts landing in the run, the changeover before the
constraint's first running period, the audit log, and kill -9.
"""
import asyncio
import time

import fhtest
from fhtest import HubTest

START = {"line": "L1", "product": "BRK-100", "order": "WO-4711", "target_qty": 500}


def now_ms():
    return int(time.time() * 1000)


class Runs(HubTest):
    async def line(self, line="L1"):
        c = await self.client("viewer", sub="reader")
        snap = await c.snapshot("line/" + line)
        await c.close()
        return snap["data"]

    def cycles(self, data):
        return {e["id"]: e["ideal_cycle_ms"] for e in data["equipment"]}

    def run_events(self):
        return [(e["type"], e["actor"]) for e in self.hub.events()
                if e["type"].startswith("run.")]

    def test_start_replay_end_conflict(self):
        async def run():
            op = await self.client("operator", sub="op1", lines=["L1"])
            self.assertIsNone((await self.line())["run"])
            first = self.assertOk(await op.write("run.start", key="s1", **START))
            r = first["run"]
            self.assertNotIn("replay", first)
            self.assertEqual(
                {k: r[k] for k in r if k != "started_at"},
                {"id": 1, "line": "L1", "product": "BRK-100", "order": "WO-4711",
                 "target_qty": 500, "started_by": "op1", "ended_at": None,
                 "ended_by": None, "good": 0, "reject": 0, "changeover_ms": 0,
                 "changeover_target_s": 600})
            self.assertLessEqual(abs(r["started_at"] - now_ms()), 60000)
            again = self.assertOk(await op.write("run.start", key="s1",
                                                 **dict(START, product="PNL-200")))
            self.assertEqual((again["run"], again["replay"]), (r, True))
            self.assertEqual((await self.line())["run"], r)
            end = self.assertOk(await op.write("run.end", key="e1", line="L1"))["run"]
            self.assertEqual(end["id"], 1)
            self.assertEqual(end["ended_by"], "op1")
            self.assertGreaterEqual(end["ended_at"], r["started_at"])
            replay = self.assertOk(await op.write("run.end", key="e1", line="L1"))
            self.assertEqual((replay["run"], replay["replay"]), (end, True))
            self.assertErr(await op.write("run.end", line="L1"), "conflict", "line")
            self.assertIsNone((await self.line())["run"])
            self.assertEqual(self.run_events(), [("run.start", "op1"), ("run.end", "op1")])
        self.run_async(run())

    def test_start_ends_the_active_run(self):
        async def run():
            sm = await self.client("shift_manager", sub="sm1")
            a = self.assertOk(await sm.write("run.start", **START))["run"]
            b = self.assertOk(await sm.write("run.start", line="L1",
                                             product="PNL-200"))["run"]
            self.assertEqual(b["id"], a["id"] + 1)
            self.assertEqual((b["order"], b["target_qty"], b["changeover_target_s"]),
                             (None, None, 900))
            data = await self.line()
            self.assertEqual(data["run"], b)
            self.assertEqual(set(self.cycles(data).values()), {8000})
            self.assertEqual(self.run_events(), [("run.start", "sm1"), ("run.end", "sm1"),
                                                 ("run.start", "sm1")])
            ended = [e["data"] for e in self.hub.events() if e["type"] == "run.end"]
            self.assertEqual((ended[0]["id"], ended[0]["ended_at"]), (a["id"], b["started_at"]))
        self.run_async(run())

    def test_bad_input_and_roles(self):
        async def run():
            op = await self.client("operator", sub="op1", lines=["L1"])
            self.assertErr(await op.write("run.start", **dict(START, product="NOPE")),
                           "not_found", "product")
            self.assertErr(await op.write("run.start", **dict(START, line="L9")),
                           "not_found", "line")
            self.assertErr(await op.write("run.end", line="L9"), "not_found", "line")
            self.assertErr(await op.write("run.start", **dict(START, target_qty=10**9 + 1)),
                           "bad_request", "target_qty")
            self.assertErr(await op.write("run.start", **dict(START, target_qty=-5)),
                           "bad_request", "target_qty")
            self.assertErr(await op.write("run.start", **dict(START, line="L2")),
                           "forbidden")
            for role in ("viewer", "maintenance", "quality", "engineer", "kiosk"):
                c = await self.client(role)
                self.assertErr(await c.write("run.start", **START), "forbidden")
                self.assertErr(await c.write("run.end", line="L1"), "forbidden")
            for role in ("operator", "shift_manager", "production_manager", "admin",
                         "gateway"):
                c = await self.client(role)
                self.assertOk(await c.write("run.start", **START))
                self.assertOk(await c.write("run.end", line="L1"))
            self.assertIsNone((await self.line())["run"])
        self.run_async(run())

    def test_snapshot_updates_cycles_and_counts(self):
        async def run():
            view = await self.client("viewer")
            await view.snapshot("line/L1")
            op = await self.client("operator")
            gw = await self.client("gateway")
            self.assertEqual(self.cycles(await self.line())["L1-PRESS1"], 6000)
            r = self.assertOk(await op.write("run.start", **START))["run"]
            await asyncio.sleep(0.05)
            upds = [m["data"] for m in await view.sync() if m["t"] == "upd"]
            self.assertIn({"run": r}, upds)
            self.assertIn(4000, [u["equipment"]["ideal_cycle_ms"] for u in upds
                                 if "equipment" in u and u["equipment"]["id"] == "L1-PRESS1"])
            self.assertEqual(self.cycles(await self.line()),
                             {"L1-DEST": 5000, "L1-PRESS1": 4000, "L1-PRESS2": 4000,
                              "L1-PRESS3": 4000, "L1-EOL": 4000})
            # the line's good count is at its output; rejects anywhere
            self.assertOk(await gw.write("eq.count", equipment="L1-EOL", good=7, reject=1))
            self.assertOk(await gw.write("eq.count", equipment="L1-PRESS2", good=3, reject=2))
            self.assertOk(await gw.write("eq.total", equipment="L1-EOL", good_total=100,
                                         reject_total=0))  # the base: adds nothing
            self.assertOk(await gw.write("eq.total", equipment="L1-EOL", good_total=105,
                                         reject_total=0))
            self.assertOk(await gw.write("eq.count", equipment="L2-LOAD", good=9, reject=9))
            run_now = (await self.line())["run"]
            self.assertEqual((run_now["good"], run_now["reject"]), (12, 3))
            await asyncio.sleep(0.05)
            runs = [m["data"]["run"] for m in await view.sync()
                    if m["t"] == "upd" and "run" in m["data"]]
            self.assertEqual(runs[-1], run_now)
            end = self.assertOk(await op.write("run.end", line="L1"))["run"]
            self.assertEqual((end["good"], end["reject"]), (12, 3))
            self.assertOk(await gw.write("eq.count", equipment="L1-EOL", good=5, reject=0))
            self.assertEqual(self.cycles(await self.line())["L1-PRESS1"], 6000)
            await asyncio.sleep(0.05)
            self.assertIn({"run": None}, [m["data"] for m in await view.sync()
                                          if m["t"] == "upd"])
        self.run_async(run())

    def test_changeover_until_the_constraint_runs(self):
        async def run():
            op = await self.client("operator")
            gw = await self.client("gateway")
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1", state="running"))
            a = self.assertOk(await op.write("run.start", **START))["run"]
            self.assertEqual(a["changeover_ms"], 0)  # the constraint was running
            await asyncio.sleep(0.05)
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1",
                                         state="changeover"))
            b = self.assertOk(await op.write("run.start", line="L1",
                                             product="PNL-200"))["run"]
            # a stop of other equipment is not the line's changeover
            self.assertOk(await gw.write("eq.state", equipment="L1-DEST", state="changeover"))
            await asyncio.sleep(1.3)
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1",
                                         state="running", ts=b["started_at"] + 1000))
            self.assertEqual((await self.line())["run"]["changeover_ms"], 1000)
            # a later changeover in the run is not the run's changeover
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1",
                                         state="changeover"))
            await asyncio.sleep(0.2)
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1", state="running"))
            end = self.assertOk(await op.write("run.end", line="L1"))["run"]
            self.assertEqual((end["id"], end["changeover_ms"]), (b["id"], 1000))
        self.run_async(run())

    def test_active_run_survives_kill_9(self):
        async def run():
            op = await self.client("operator", sub="op1")
            gw = await self.client("gateway")
            self.assertOk(await op.write("run.start", key="s1", **START))
            self.assertOk(await gw.write("eq.count", equipment="L1-EOL", good=4, reject=1))
            before = (await self.line())["run"]
            self.assertEqual((before["good"], before["reject"]), (4, 1))
            self.hub.kill9()  # only what was committed is there
            self.hub.start()
            data = await self.line()
            self.assertEqual(data["run"], before)
            self.assertEqual(self.cycles(data)["L1-PRESS1"], 4000)
            op = await self.client("operator", sub="op1")
            gw = await self.client("gateway")
            again = self.assertOk(await op.write("run.start", key="s1", **START))
            self.assertEqual((again["run"]["id"], again["replay"]), (before["id"], True))
            self.assertOk(await gw.write("eq.count", equipment="L1-EOL", good=1, reject=0))
            nxt = self.assertOk(await op.write("run.start", line="L1", product="PNL-200"))
            self.assertEqual(nxt["run"]["id"], before["id"] + 1)  # the id counter too
            ended = [e["data"] for e in self.hub.events() if e["type"] == "run.end"]
            self.assertEqual((ended[-1]["id"], ended[-1]["good"]), (before["id"], 5))
        self.run_async(run())

    def test_hub_refuses_a_cycle_of_unknown_equipment(self):
        plant = fhtest.load_plant()
        plant["products"][1]["ideal_cycle_ms"] = {"L1-PRESS1": 3000, "L9-NOPE": 1000}
        fhtest.Hub(plant_data=plant).start_fails(
            "products[1].ideal_cycle_ms.L9-NOPE: no such equipment")


if __name__ == "__main__":
    fhtest.main()
