#!/usr/bin/python3
"""test_equipment_oee -- gateway writes, OEE updates and shift reports
(PROTOCOL.md 4.2, 5, 6.2-6.4).

eq.state and eq.count change the equipment (ok, upd on line/<id>, the line
summary, stored across a restart), oee/<id> follows within a second or two
with the counts and is published at most once per second, bad values are
refused naming the key.  shift.report answers not_found until a shift has
closed; a close is forced by restarting the hub with a plant whose current
shift is another one (the hub closes the stale shift at start).  The plants
here are in UTC with one shift around now and no breaks, so the numbers do
not depend on the time of day.
"""
import asyncio
import json
import time

import fhtest
from fhtest import HubTest, minute, utc_plant


def oee_upd(pred):
    return lambda m: m["t"] == "upd" and m["topic"] == "oee/L1" and pred(m["data"]["oee"])


class Equipment(HubTest):
    plant_data = utc_plant("day", minute(time.time()) - 600, minute(time.time()) + 3600)

    def test_state_and_count(self):
        async def run():
            view = await self.client("viewer")
            await view.snapshot("line/L1")
            gw = await self.client("gateway", sub="gw1")
            t0 = int(time.time() * 1000)
            e = self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1",
                                             state="running"))["equipment"]
            self.assertEqual({k: e[k] for k in e if k not in ("since", "last_data_at")},
                             {"id": "L1-PRESS1", "line": "L1", "name": "Press 1 (draw)",
                              "state": "running", "reason": None, "good": 0, "reject": 0,
                              "ideal_cycle_ms": 6000, "machine_reason": None})
            self.assertTrue(t0 - 5 <= e["since"] <= time.time() * 1000 + 5)
            self.assertEqual(e["last_data_at"], e["since"])
            got = await view.sync()
            self.assertIn(e, [m["data"].get("equipment") for m in got])
            self.assertEqual([m["data"]["line"]["state"] for m in got if "line" in m["data"]][-1],
                             "running")  # the others are unknown, which ranks below

            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS2", state="down",
                                         reason="mechanical", ts=t0 - 60000))
            got = await view.sync()
            lines = [m["data"]["line"] for m in got if "line" in m["data"]]
            self.assertEqual(lines[-1]["state"], "down")
            press2 = [m["data"]["equipment"] for m in got if "equipment" in m["data"]][-1]
            self.assertEqual((press2["state"], press2["reason"]), ("down", "mechanical"))
            self.assertGreaterEqual(press2["since"], t0 - 60000)  # never before its last state

            c1 = self.assertOk(await gw.write("eq.count", equipment="L1-PRESS1", good=10,
                                              reject=2))["equipment"]
            c2 = self.assertOk(await gw.write("eq.count", equipment="L1-PRESS1", good=5,
                                              reject=0))["equipment"]
            self.assertEqual(((c1["good"], c1["reject"]), (c2["good"], c2["reject"])),
                             ((10, 2), (15, 2)))
            self.assertEqual(c2["state"], "running")
            got = await view.sync()
            self.assertEqual([(m["data"]["equipment"]["good"]) for m in got
                              if "equipment" in m["data"]], [10, 15])

            events = [(e["type"], e["actor"], e["data"]["id"]) for e in self.hub.events()]
            self.assertEqual(events, [("eq.state", "gw1", "L1-PRESS1"),
                                      ("eq.state", "gw1", "L1-PRESS2"),
                                      ("eq.count", "gw1", "L1-PRESS1"),
                                      ("eq.count", "gw1", "L1-PRESS1")])
            await fhtest.Client.close_all()
            self.hub.restart()
            view = await self.client("viewer")
            eqs = {x["id"]: x for x in (await view.snapshot("line/L1"))["data"]["equipment"]}
            self.assertEqual((eqs["L1-PRESS1"]["state"], eqs["L1-PRESS1"]["good"],
                              eqs["L1-PRESS1"]["reject"]), ("running", 15, 2))
            self.assertEqual((eqs["L1-PRESS2"]["state"], eqs["L1-PRESS2"]["reason"]),
                             ("down", "mechanical"))
        self.run_async(run())

    def test_oee_follows_within_two_seconds(self):
        async def run():
            view = await self.client("viewer")
            snap = await view.snapshot("oee/L1")
            self.assertEqual((snap["data"]["oee"]["line"], snap["data"]["oee"]["shift"]),
                             ("L1", "day"))
            gw = await self.client("gateway")
            # line time is the constraint's (L1-PRESS1, the longest cycle),
            # line good the output's (L1-EOL, the last): PROTOCOL.md 6.2
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1", state="running"))
            self.assertOk(await gw.write("eq.state", equipment="L1-EOL", state="running"))
            self.assertOk(await gw.write("eq.count", equipment="L1-EOL", good=30, reject=10))
            t0 = time.monotonic()
            upd = await view.next(timeout=2.5, pred=oee_upd(lambda o: o["good"] == 30))
            self.assertLess(time.monotonic() - t0, 2.5)
            o = upd["data"]["oee"]
            self.assertEqual((o["reject"], o["quality"]), (10, 0.75))
            self.assertEqual(set(o["state_ms"]), {"running", "idle", "down", "blocked", "starved",
                                                  "changeover", "planned_stop", "unknown"})
            # at most one upd per second per line, under a stream of counts
            deadline = time.monotonic() + 2.6
            while time.monotonic() < deadline:
                self.assertOk(await gw.write("eq.count", equipment="L1-EOL", good=1, reject=0))
                await asyncio.sleep(0.1)
            seen = [o] + [m["data"]["oee"] for m in await view.sync()
                          if oee_upd(lambda o: True)(m) and m["seq"] > upd["seq"]]
            self.assertGreaterEqual(len(seen), 3)
            for a, b in zip(seen, seen[1:]):  # the shift has no breaks: planned time is hub time
                self.assertGreaterEqual(b["planned_ms"] - a["planned_ms"], 900, (a, b))
        self.run_async(run())

    def test_absolute_totals(self):
        """eq.total: 100 -> 105 -> 105 -> 3 adds +0 (base), +5, +0, +3 (a
        counter reset, logged); the base survives kill -9; a wrap at the
        rollover adds R - old + 1 + new."""
        async def run():
            gw = await self.client("gateway")
            goods = []
            for g in (100, 105, 105, 3):
                r = self.assertOk(await gw.write("eq.total", equipment="L1-PRESS2",
                                                 good_total=g, reject_total=7))
                goods.append(r["equipment"]["good"])
            self.assertEqual(goods, [0, 5, 5, 8])
            self.assertIn("L1-PRESS2: good counter reset (3 after 105)", self.hub.stderr())
            await fhtest.Client.close_all()
            self.hub.kill9()
            self.hub.start()
            gw = await self.client("gateway")
            r = self.assertOk(await gw.write("eq.total", equipment="L1-PRESS2",
                                             good_total=10, reject_total=9))
            self.assertEqual((r["equipment"]["good"], r["equipment"]["reject"]), (15, 2))
            R = 2147483647
            self.assertOk(await gw.write("eq.total", equipment="L1-PRESS3",
                                         good_total=R - 2, reject_total=0, rollover=R))
            r = self.assertOk(await gw.write("eq.total", equipment="L1-PRESS3",
                                             good_total=4, reject_total=0, rollover=R))
            self.assertEqual(r["equipment"]["good"], 7)  # 2 + 1 + 4
            self.assertErr(await gw.write("eq.total", equipment="L1-PRESS3", good_total=1,
                                          reject_total=0, rollover=-5), "bad_request", "rollover")
            self.assertErr(await gw.write("eq.total", equipment="L1-PRESS3", good_total=1),
                           "bad_request", "reject_total")
            op = await self.client("operator")
            self.assertErr(await op.write("eq.total", equipment="L1-PRESS3", good_total=1,
                                          reject_total=0), "forbidden")
        self.run_async(run())

    def test_refused_equipment_writes(self):
        async def run():
            gw = await self.client("gateway")
            cases = [
                ({"t": "eq.state", "equipment": "L1-PRESS1", "state": "exploded"},
                 "bad_request", "state"),
                ({"t": "eq.state", "equipment": "L1-PRESS1"}, "bad_request", "state"),
                ({"t": "eq.state", "equipment": "L1-PRESS1", "state": "down", "reason": "jam"},
                 "bad_request", "reason"),  # not one of the plant's reason codes
                ({"t": "eq.state", "equipment": "NOPE", "state": "down"}, "not_found", "equipment"),
                ({"t": "eq.state", "equipment": "", "state": "down"}, "bad_request", "equipment"),
                ({"t": "eq.count", "equipment": "L1-PRESS1", "good": 1}, "bad_request", "reject"),
                ({"t": "eq.count", "equipment": "L1-PRESS1", "good": -1, "reject": 0},
                 "bad_request", "good"),
                ({"t": "eq.count", "equipment": "L1-PRESS1", "good": 1000001, "reject": 0},
                 "bad_request", "good"),
                ({"t": "eq.count", "equipment": "L1-PRESS1", "good": 0, "reject": 1000001},
                 "bad_request", "reject"),
                ({"t": "eq.count", "equipment": "L1-PRESS1", "good": 1.5, "reject": 0},
                 "bad_request", "good"),
            ]
            for i, (req, code, key) in enumerate(cases):
                with self.subTest(req=req):
                    self.assertErr(await gw.request(dict(req, key="bad-%d" % i)), code, key)
            self.assertOk(await gw.write("eq.count", equipment="L1-PRESS1", good=1000000, reject=0))
            eqs = {x["id"]: x for x in (await gw.snapshot("line/L1"))["data"]["equipment"]}
            self.assertEqual((eqs["L1-PRESS1"]["state"], eqs["L1-PRESS1"]["good"]),
                             ("unknown", 1000000))
            self.assertEqual([e["type"] for e in self.hub.events()], ["eq.count"])
        self.run_async(run())

    def test_shift_report_without_closed_shift(self):
        async def run():
            c = await self.client("viewer")
            self.assertErr(await c.request({"t": "shift.report", "line": "L1"}), "not_found")
            self.assertErr(await c.request({"t": "shift.report", "line": "L1",
                                            "shift_start": 1699999200000}), "not_found")
            self.assertErr(await c.request({"t": "shift.report", "line": "L7"}),
                           "not_found", "line")
            self.assertErr(await c.request({"t": "shift.report"}), "bad_request", "line")
        self.run_async(run())


class ShiftCloseOnRestart(HubTest):
    """The hub was down when the shift ended (here: the plant now has another
    shift): the stale shift is closed and stored at start."""
    start = minute(time.time()) - 600
    plant_data = utc_plant("first", start, start + 3600)

    def test_closed_shift_reported(self):
        async def run():
            gw = await self.client("gateway")
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1", state="running"))
            self.assertOk(await gw.write("eq.count", equipment="L1-PRESS1", good=7, reject=1))
            # line good is the output's (L1-EOL), line reject every station's
            self.assertOk(await gw.write("eq.count", equipment="L1-EOL", good=9, reject=0))
            await fhtest.Client.close_all()
            self.hub.stop()
            second = utc_plant("second", self.start + 300, self.start + 3900)
            self.hub.plant = self.hub.write_file("plant2.json", json.dumps(second))
            self.hub.start()
            c = await self.client("viewer")
            r = self.assertOk(await c.request({"t": "shift.report", "line": "L1"}))["report"]
            self.assertEqual((r["line"], r["shift"], r["shift_start"], r["shift_end"]),
                             ("L1", "first", self.start * 1000, (self.start + 3600) * 1000))
            self.assertEqual((r["good"], r["reject"]), (9, 1))
            self.assertAlmostEqual(r["quality"], 0.9)
            same = await c.request({"t": "shift.report", "line": "L1",
                                    "shift_start": self.start * 1000})
            self.assertEqual(same["report"], r)
            self.assertErr(await c.request({"t": "shift.report", "line": "L1",
                                            "shift_start": self.start * 1000 + 60000}), "not_found")
            l2 = self.assertOk(await c.request({"t": "shift.report", "line": "L2"}))["report"]
            self.assertEqual((l2["shift"], l2["good"]), ("first", 0))
            # the new shift counts from zero
            eqs = {x["id"]: x for x in (await c.snapshot("line/L1"))["data"]["equipment"]}
            self.assertEqual((eqs["L1-PRESS1"]["good"], eqs["L1-PRESS1"]["state"]), (0, "running"))
            oee = (await c.snapshot("oee/L1"))["data"]["oee"]
            self.assertEqual((oee["shift"], oee["good"]), ("second", 0))
            closes = [e for e in self.hub.events() if e["type"] == "shift.close"]
            self.assertEqual(sorted(e["data"]["line"] for e in closes), ["L1", "L2", "L3"])
            self.assertTrue(all(e["actor"] == "floorhub" for e in closes))
        self.run_async(run())


if __name__ == "__main__":
    fhtest.main()
