#!/usr/bin/python3
"""test_report_runs -- a closed shift's report carries its runs, by_product,
target, target_source, variance and hourly table (PROTOCOL.md sections 12
and 13), and oee.history by product gives its by_product rows (section 10).

A shift is closed by restarting the hub with a plant whose current shift is
another one: the hub closes the stale shift at its planned end, so its
expected_now is the whole target.  Shift "first" (UTC, no breaks) runs for
an hour from 10 minutes ago.  On L1 (constraint L1-PRESS1, output L1-EOL):
a plan of 360, run 1 of BRK-100 (4 s at the constraint), run 2 of PNL-200
(8 s), then pieces made without a run (the constraint's own 6 s).  On L3
(constraint and output L3-PALLET) a run of PNL-200 is still active at the
close and goes on in the next shift.  L2 has no plan and no pieces: its
target is the ideal pace, 3600 s / 52 s at L2-WELD1.
"""
import json
import time

import fhtest
from fhtest import HubTest, minute, utc_plant

START = minute(time.time()) - 600
END = START + 3600


def hour_starts(start, end):
    """The hour buckets of [start, end) (unix s): the shift start, then
    every clock hour."""
    out, t = [start], (start // 3600 + 1) * 3600
    while t < end:
        out.append(t)
        t += 3600
    return out


class ReportRuns(HubTest):
    plant_data = utc_plant("first", START, END)

    async def make_shift(self):
        gw = await self.client("gateway")
        op = await self.client("operator")
        sm = await self.client("shift_manager")
        self.assertOk(await sm.write("plan.set", line="L1", target_qty=360))
        for eq in ("L1-DEST", "L1-PRESS1", "L1-PRESS2", "L1-PRESS3", "L1-EOL"):
            self.assertOk(await gw.write("eq.state", equipment=eq, state="running"))
        r1 = self.assertOk(await op.write("run.start", line="L1", product="BRK-100",
                                          order="WO-1", target_qty=50))["run"]
        self.assertOk(await gw.write("eq.count", equipment="L1-EOL", good=10, reject=1))
        self.assertOk(await gw.write("eq.count", equipment="L1-PRESS1", good=12, reject=2))
        r2 = self.assertOk(await op.write("run.start", line="L1", product="PNL-200"))["run"]
        self.assertOk(await gw.write("eq.count", equipment="L1-EOL", good=5, reject=0))
        self.assertOk(await op.write("run.end", line="L1"))
        self.assertOk(await gw.write("eq.count", equipment="L1-EOL", good=2, reject=1))
        r3 = self.assertOk(await gw.write("run.start", line="L3", product="PNL-200"))["run"]
        self.assertOk(await gw.write("eq.state", equipment="L3-PALLET", state="running"))
        self.assertOk(await gw.write("eq.count", equipment="L3-PALLET", good=3, reject=0))
        await fhtest.Client.close_all()
        self.hub.stop()
        second = utc_plant("second", START + 300, START + 3900)
        self.hub.plant = self.hub.write_file("plant2.json", json.dumps(second))
        self.hub.start()
        return r1, r2, r3

    def assertRows(self, rows, run_ms):
        """performance = ideal_ms / run_ms per row; the rows' run time is
        the shift's."""
        for r in rows:
            self.assertAlmostEqual(r["performance"],
                                   r["ideal_ms"] / r["run_ms"] if r["run_ms"] else 0,
                                   places=12)
        self.assertEqual(sum(r["run_ms"] for r in rows), run_ms)

    def test_report_carries_runs_and_scoreboard(self):
        async def run():
            r1, r2, r3 = await self.make_shift()
            c = await self.client("viewer")
            rep = self.assertOk(await c.request({"t": "shift.report", "line": "L1"}))["report"]
            self.assertEqual((rep["shift"], rep["good"], rep["reject"]), ("first", 17, 4))
            self.assertEqual((rep["target"], rep["target_source"]), (360, "plan"))
            self.assertEqual((rep["expected_now"], rep["variance"]), (360, 17 - 360))
            starts = hour_starts(START, END)
            self.assertEqual([h["hour_start"] for h in rep["hourly"]],
                             [s * 1000 for s in starts])
            bounds = starts[1:] + [END]
            self.assertEqual([h["target"] for h in rep["hourly"]],
                             [360 * (b - a) // 3600 for a, b in zip(starts, bounds)])
            self.assertEqual((sum(h["good"] for h in rep["hourly"]),
                              sum(h["reject"] for h in rep["hourly"])), (17, 4))
            self.assertEqual({(h["down_ms"], h["top_reason"]) for h in rep["hourly"]},
                             {(0, None)})

            runs = rep["runs"]
            self.assertEqual([r["id"] for r in runs], [r1["id"], r2["id"]])
            self.assertEqual([(r["product"], r["order"], r["target_qty"], r["good"],
                               r["reject"]) for r in runs],
                             [("BRK-100", "WO-1", 50, 10, 3), ("PNL-200", None, None, 5, 0)])
            self.assertTrue(all(r["ended_at"] is not None for r in runs))
            by = rep["by_product"]
            self.assertEqual([(b["product"], b["good"], b["reject"], b["ideal_ms"]) for b in by],
                             [("BRK-100", 10, 3, 4000 * 13), ("PNL-200", 5, 0, 8000 * 5),
                              (None, 2, 1, 6000 * 3)])
            self.assertRows(by, rep["run_ms"])
            self.assertRows(runs, sum(b["run_ms"] for b in by[:2]))

            # L3: the run active at the close, with the shift's run time
            rep3 = self.assertOk(await c.request({"t": "shift.report", "line": "L3"}))["report"]
            self.assertEqual([(r["id"], r["ended_at"], r["good"]) for r in rep3["runs"]],
                             [(r3["id"], None, 3)])
            self.assertEqual([(b["product"], b["good"], b["ideal_ms"], b["run_ms"])
                              for b in rep3["by_product"]],
                             [("PNL-200", 3, 8000 * 3, rep3["run_ms"])])
            self.assertEqual(rep3["target_source"], "ideal")  # PNL-200: 3600 s / 8 s
            self.assertEqual(rep3["target"], 450)
            # L2: no plan, no pieces: the ideal pace at L2-WELD1's 52 s
            rep2 = self.assertOk(await c.request({"t": "shift.report", "line": "L2"}))["report"]
            self.assertEqual((rep2["target"], rep2["target_source"], rep2["variance"],
                              rep2["runs"], rep2["by_product"]),
                             (3600000 // 52000, "ideal", -(3600000 // 52000), [], []))

            # oee.history by product: one shift's rows are its report's by_product
            def hist(**q):
                return dict({"t": "oee.history", "from": 0, "to": (START + 300) * 1000,
                             "group": "shift", "scope": "line", "line": "L1",
                             "by": "product"}, **q)
            # a closed shift's row carries its target; the plant's sums them
            for line, want in (("L1", 360), ("L3", 450)):
                row, = self.assertOk(await c.request(hist(line=line, by=None)))["rows"]
                self.assertEqual(row["target"], want)
            plant, = self.assertOk(await c.request(hist(scope="plant", by=None)))["rows"]
            self.assertEqual(plant["target"], 360 + 450 + 3600000 // 52000)
            rows = self.assertOk(await c.request(hist()))["rows"]
            self.assertEqual(rows, [dict(b, start=START * 1000, end=END * 1000) for b in by])
            plant = self.assertOk(await c.request(hist(scope="plant")))["rows"]
            self.assertEqual([(r["product"], r["good"], r["reject"], r["ideal_ms"])
                              for r in plant],
                             [("BRK-100", 10, 3, 4000 * 13),
                              ("PNL-200", 5 + 3, 0, 8000 * 5 + 8000 * 3),
                              (None, 2, 1, 6000 * 3)])
            pnl = plant[1]
            self.assertEqual(pnl["run_ms"], by[1]["run_ms"] + rep3["run_ms"])
            self.assertAlmostEqual(pnl["performance"], pnl["ideal_ms"] / pnl["run_ms"],
                                   places=12)
            # the running shift's rows come from its runs so far
            gw = await self.client("gateway")
            self.assertOk(await gw.write("eq.count", equipment="L3-PALLET", good=2, reject=0))
            now = self.assertOk(await c.request(hist(line="L3", **{"from": (START + 300) * 1000,
                                                                    "to": END * 1000})))["rows"]
            self.assertEqual([(r["start"], r["product"], r["good"]) for r in now],
                             [((START + 300) * 1000, "PNL-200", 2)])

            # the run goes on in the next shift; the new shift's report will
            # count only its own pieces
            line = (await c.snapshot("line/L3"))["data"]
            self.assertEqual((line["run"]["id"], line["run"]["good"]), (r3["id"], 5))
            # a line's history by product, per day: sums of its shifts
            days = self.assertOk(await c.request(hist(group="day", to=END * 1000)))["rows"]
            self.assertEqual({r["product"] for r in days} >= {"BRK-100", "PNL-200"}, True)
        self.run_async(run(), timeout=120)


if __name__ == "__main__":
    fhtest.main()
