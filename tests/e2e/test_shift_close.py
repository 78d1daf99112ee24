#!/usr/bin/python3
"""test_shift_close -- a shift ending while the hub runs (PROTOCOL.md 5,
shift.report).

Shifts have minute precision, so the plant (UTC, built at test time) has
shift "a" ending at the next minute boundary that is at least a few seconds
away and shift "b" starting there.  The test waits for that boundary (at
most about a minute, while the other test files run beside it): the closed
shift must then be reported by shift.report with its counts, stored (also
after a restart), and the new shift must count from zero.
"""
import asyncio
import time

import fhtest
from fhtest import HubTest


class ShiftClose(HubTest):
    def setUp(self):
        self.end = fhtest.shift_boundary()
        self.plant_data = fhtest.boundary_plant(self.end)
        super().setUp()

    def test_shift_closes_at_its_end(self):
        async def run():
            gw = await self.client("gateway")
            view = await self.client("viewer")
            # L3-PALLET is the line's constraint (the longest cycle) and its
            # output (the last station): the line record is measured there
            self.assertOk(await gw.write("eq.state", equipment="L3-PALLET", state="running"))
            self.assertOk(await gw.write("eq.count", equipment="L3-PALLET", good=40, reject=4))
            self.assertOk(await view.sub("plant"))
            snap = await view.next(pred=lambda m: m["t"] == "snap" and m["topic"] == "plant")
            self.assertEqual(snap["data"]["shift"]["name"], "a")
            before = await view.snapshot("oee/L3")
            self.assertEqual(before["data"]["oee"]["shift"], "a")
            self.assertErr(await view.request({"t": "shift.report", "line": "L3"}), "not_found")

            await asyncio.sleep(max(0.0, self.end - time.time()))
            report = None
            while report is None:  # the close is due now: poll, don't guess
                r = await view.request({"t": "shift.report", "line": "L3"})
                if r["t"] == "ok":
                    report = r["report"]
                else:
                    self.assertErr(r, "not_found")
                    self.assertLess(time.time(), self.end + 5, "no report 5 s after the end")
                    await asyncio.sleep(0.1)
            self.assertEqual((report["line"], report["shift"], report["shift_start"],
                              report["shift_end"], report["good"], report["reject"]),
                             ("L3", "a", (self.end - 600) * 1000, self.end * 1000, 40, 4))
            self.assertGreater(report["run_ms"], 0)
            self.assertAlmostEqual(report["quality"], 40 / 44)

            upd = await view.next(timeout=3, pred=lambda m: m["t"] == "upd" and
                                  m["topic"] == "oee/L3" and m["data"]["oee"]["shift"] == "b")
            self.assertEqual((upd["data"]["oee"]["good"], upd["data"]["oee"]["reject"]), (0, 0))
            shift = await view.next(timeout=3, pred=lambda m: m["t"] == "upd" and
                                    m["topic"] == "plant" and "shift" in m["data"])
            self.assertEqual((shift["data"]["shift"]["name"], shift["data"]["shift"]["start"]),
                             ("b", self.end * 1000))
            eqs = {e["id"]: e for e in (await view.snapshot("line/L3"))["data"]["equipment"]}
            self.assertEqual((eqs["L3-PALLET"]["good"], eqs["L3-PALLET"]["state"]), (0, "running"))

            closes = [e for e in self.hub.events() if e["type"] == "shift.close"]
            self.assertEqual(sorted(e["data"]["line"] for e in closes), ["L1", "L2", "L3"])
            self.assertTrue(all(e["actor"] == "floorhub" and e["ts"] == self.end * 1000
                                for e in closes), closes)
            await fhtest.Client.close_all()
            self.hub.restart()
            view = await self.client("viewer")
            again = await view.request({"t": "shift.report", "line": "L3",
                                        "shift_start": (self.end - 600) * 1000})
            self.assertEqual(again["report"], report)
        self.run_async(run(), timeout=120)


if __name__ == "__main__":
    fhtest.main()
