#!/usr/bin/python3
"""test_reaccount -- a stop of a closed shift explained later re-accounts
that shift (PROTOCOL.md 9, "Re-accounting closed shifts").

The plant (UTC, built at test time) has shift "a" ending at the next minute
boundary at least 12 s away and shift "b" starting there; a stop of a
second or more is long.  L1-PRESS1, the line's constraint, runs from t0,
is down from t0 + 1000 to t0 + 3000 (gateway times) and runs on: the
closed shift's line record has planned = end - t0 (the time before t0 is
not monitored), run = planned - 2000 and 2000 ms unclassified.  After the
close a shift manager classifies the stop as a meeting (planned: the 2000
ms leave planned time, A = 1), an operator of the line cuts it at
t0 + 1500 into a breakdown (unplanned) and the meeting; each change bumps
the stored record's revision, is published on oee/L1 as {report} and
survives kill -9.
"""
import asyncio
import time

import fhtest
from fhtest import HubTest

TREE = [
    {"code": "breakdown", "category": "unplanned",
     "children": [{"code": "mechanical"}, {"code": "electrical"}]},
    {"code": "setup", "category": "changeover"},
    {"code": "meeting", "category": "planned"},
    {"code": "scratch", "category": "quality"},
]


def now_ms():
    return int(time.time() * 1000)


class Reaccount(HubTest):
    def setUp(self):
        self.end = fhtest.shift_boundary(margin_s=12)
        self.plant_data = fhtest.boundary_plant(self.end)
        self.plant_data["reasons"] = TREE
        self.plant_data["short_stop_s"] = 1
        super().setUp()

    async def report(self, c):
        return self.assertOk(await c.request({"t": "shift.report", "line": "L1",
                                              "shift_start": (self.end - 600) * 1000}))["report"]

    async def wait_close(self, view):
        await asyncio.sleep(max(0.0, self.end - time.time()))
        while True:  # the close is due now: poll, don't guess
            r = await view.request({"t": "shift.report", "line": "L1"})
            if r["t"] == "ok":
                return r["report"]
            self.assertErr(r, "not_found")
            self.assertLess(time.time(), self.end + 5, "no report 5 s after the end")
            await asyncio.sleep(0.1)

    def assertFigures(self, rep, revision, planned, losses):
        """planned_ms, run_ms, availability and the loss buckets of rep."""
        end_ms, run = self.end * 1000, self.end * 1000 - self.t0 - 2000
        self.assertEqual(rep["revision"], revision)
        self.assertEqual((rep["planned_ms"], rep["run_ms"], rep["not_monitored_ms"]),
                         (planned, run, self.t0 - (end_ms - 600000)))
        self.assertAlmostEqual(rep["availability"], run / planned)
        want = {"unclassified": 0, "unplanned": 0, "changeover": 0, "planned": 0,
                "small_stop": 0}
        want.update(losses)
        self.assertEqual(rep["losses"], want)

    def test_classify_and_split_after_the_close(self):
        async def run():
            gw = await self.client("gateway")
            self.t0 = t0 = now_ms()
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1", state="running",
                                         ts=t0))
            await asyncio.sleep(3.1)  # gateway times may not lie ahead
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1", state="down",
                                         reason="mechanical", ts=t0 + 1000))
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1", state="running",
                                         ts=t0 + 3000))
            view = await self.client("viewer")
            closed = await self.wait_close(view)
            D = self.end * 1000 - t0  # planned time at the close
            self.assertEqual(closed["changed_at"], None)
            self.assertFigures(closed, 1, D, {"unclassified": 2000})

            await view.sub("oee/L1")
            sm = await self.client("shift_manager")
            ev = self.assertOk(await sm.write("dt.classify", key="c1", event=1,
                                              reason="meeting"))["event"]
            self.assertEqual((ev["category"], ev["start"], ev["end"]),
                             ("planned", t0 + 1000, t0 + 3000))
            upd = await view.next(timeout=3, pred=lambda m: m["t"] == "upd" and
                                  "report" in m["data"])
            rep = await self.report(view)
            self.assertEqual(upd["data"]["report"], rep)
            self.assertFigures(rep, 2, D - 2000, {"planned": 2000})
            # the report's scoreboard and runs stay those of the close
            for k in ("target", "target_source", "variance", "hourly", "runs", "by_product"):
                self.assertEqual(rep[k], closed[k], k)
            self.assertAlmostEqual(rep["availability"], 1.0)
            self.assertGreaterEqual(rep["changed_at"], self.end * 1000)
            # the same key again is a replay: nothing is re-accounted twice
            again = self.assertOk(await sm.write("dt.classify", key="c1", event=1,
                                                 reason="meeting"))
            self.assertTrue(again["replay"])
            self.assertEqual((await self.report(view))["revision"], 2)

            # the stop ended in the previous shift: the line's operator may
            op = await self.client("operator", lines=["L1"])
            r = self.assertOk(await op.write("dt.split", key="s1", event=1, at=t0 + 1500,
                                             reason="mechanical"))
            self.assertEqual([(e["id"], e["category"]) for e in r["events"]],
                             [(2, "unplanned"), (1, "planned")])
            rep = await self.report(view)
            self.assertFigures(rep, 3, D - 1500, {"unplanned": 500, "planned": 1500})
            # the press's own record of the shift (oee.history by equipment)
            # follows: its planned time is the line's (it is the constraint)
            rows = self.assertOk(await view.request({
                "t": "oee.history", "scope": "equipment", "equipment": "L1-PRESS1",
                "from": 0, "to": self.end * 1000, "group": "shift"}))["rows"]
            self.assertEqual([(r["start"], r["planned_ms"], r["run_ms"]) for r in rows],
                             [((self.end - 600) * 1000, D - 1500, D - 2000)])

            await fhtest.Client.close_all()
            self.hub.kill9()
            self.hub.start()
            view = await self.client("viewer")
            self.assertEqual(await self.report(view), rep)
            # and the next change goes on from the stored revision
            sm = await self.client("shift_manager")
            self.assertOk(await sm.write("dt.classify", event=2, reason="setup"))
            self.assertFigures(await self.report(view), 4, D - 1500,
                               {"changeover": 500, "planned": 1500})
        self.run_async(run(), timeout=120)


if __name__ == "__main__":
    fhtest.main()
