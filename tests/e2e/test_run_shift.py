#!/usr/bin/python3
"""test_run_shift -- a production run across a shift boundary, and a plan
set for the next shift (PROTOCOL.md sections 12 and 13).

The plant (UTC, built at test time) has shift "a" ending at the next minute
boundary a few seconds away and shift "b" starting there; the test waits
for it.  The run started in "a" goes on in "b": its counts add up over both
shifts while each shift's OEE counts only its own pieces (shift.report of
"a", oee/L1 of "b"), and the plan given for "b" in advance is the target of
"b" once it starts, with its first hour bucket at the shift start.
"""
import asyncio
import time

import fhtest
from fhtest import HubTest


class RunAcrossShifts(HubTest):
    def setUp(self):
        self.end = fhtest.shift_boundary()
        self.plant_data = fhtest.boundary_plant(self.end)
        super().setUp()

    def test_run_continues_counts_split_by_shift(self):
        async def run():
            op = await self.client("operator")
            gw = await self.client("gateway")
            sm = await self.client("shift_manager")
            view = await self.client("viewer")
            r = self.assertOk(await op.write("run.start", line="L1", product="BRK-100"))["run"]
            self.assertOk(await gw.write("eq.count", equipment="L1-EOL", good=10, reject=1))
            plan = self.assertOk(await sm.write("plan.set", line="L1",
                                                shift_start=self.end * 1000,
                                                target_qty=77))["plan"]
            self.assertEqual(plan["shift_start"], self.end * 1000)
            board = (await view.snapshot("oee/L1"))["data"]
            self.assertEqual(board["target_source"], "ideal")  # "a" has no plan

            await asyncio.sleep(max(0.0, self.end - time.time()))
            report = None
            while report is None:  # the close is due now: poll, don't guess
                rep = await view.request({"t": "shift.report", "line": "L1"})
                if rep["t"] == "ok":
                    report = rep["report"]
                else:
                    self.assertLess(time.time(), self.end + 5, "no report 5 s after the end")
                    await asyncio.sleep(0.1)
            self.assertEqual((report["shift"], report["good"], report["reject"]), ("a", 10, 1))
            self.assertOk(await gw.write("eq.count", equipment="L1-EOL", good=4, reject=0))
            line = (await view.snapshot("line/L1"))["data"]
            self.assertEqual((line["run"]["id"], line["run"]["good"], line["run"]["reject"]),
                             (r["id"], 14, 1))
            # the line OEE is recomputed by the 1 s tick: wait for its update
            board = (await view.next(timeout=5, pred=lambda m: m["t"] == "upd" and
                                     m["topic"] == "oee/L1" and
                                     m["data"]["oee"]["shift"] == "b" and
                                     m["data"]["oee"]["good"] == 4))["data"]
            self.assertEqual((board["target"], board["target_source"]), (77, "plan"))
            self.assertEqual(board["hourly"][0]["hour_start"], self.end * 1000)
            self.assertEqual(sum(h["good"] for h in board["hourly"]), 4)
        self.run_async(run(), timeout=120)


if __name__ == "__main__":
    fhtest.main()
