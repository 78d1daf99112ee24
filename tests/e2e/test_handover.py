#!/usr/bin/python3
"""test_handover -- the shift handover (PROTOCOL.md "Shift handover"):
handover.note by role and line, its idempotent replay and bad text, the
handover the hub builds at the shift close (the notes, the andons still
open, the unclassified stops that are not short, the active run, the
shift's OEE), what
shift.report and the line/<id> topic carry before and after handover.ack,
the conflict of a second acknowledgement, and that notes, the pending
handover and its acknowledgement survive kill -9.

A shift is closed by restarting the hub with a plant whose current shift is
another one (the hub closes the stale shift at start, as test_history does).
"""
import asyncio
import json
import time

import fhtest
from fhtest import HubTest, minute, utc_plant

TREE = [{"code": "mechanical", "name": "Mechanical", "category": "unplanned"},
        {"code": "setup", "name": "Setup", "category": "changeover"}]
START = minute(time.time()) - 600


def plant(name, start_s, end_s):
    """One UTC shift; a stop of a second or more is long (not short)."""
    p = utc_plant(name, start_s, end_s)
    p["reasons"] = TREE
    p["short_stop_s"] = 1
    return p


class Handover(HubTest):
    plant_data = plant("first", START, START + 3600)

    async def stop(self, gw, eq, ms):
        """eq runs, stops and runs again ms later (gateway times)."""
        self.assertOk(await gw.write("eq.state", equipment=eq, state="running"))
        await asyncio.sleep(0.05)
        t0 = int(time.time() * 1000) - 10
        self.assertOk(await gw.write("eq.state", equipment=eq, state="down", ts=t0))
        await asyncio.sleep(ms / 1000 + 0.05)
        self.assertOk(await gw.write("eq.state", equipment=eq, state="running", ts=t0 + ms))
        return t0

    async def close_shift(self, kill=False):
        """Ends the first shift: the hub starts again with the second."""
        await fhtest.Client.close_all()
        if kill:
            self.hub.kill9()
        else:
            self.hub.stop()
        second = plant("second", START + 300, START + 3900)
        self.hub.plant = self.hub.write_file("plant2.json", json.dumps(second))
        self.hub.start()

    async def line_handover(self, line="L1"):
        view = await self.client("viewer", sub="look")
        return (await view.snapshot("line/" + line))["data"]["handover"]

    def test_notes_by_role_and_line(self):
        async def run():
            op = await self.client("operator", sub="op-anna", lines=["L1"])
            r = self.assertOk(await op.write("handover.note", key="n1", line="L1",
                                             text="press 2 die worn"))
            ho = r["handover"]
            self.assertEqual((ho["line"], ho["shift"], ho["shift_start"]),
                             ("L1", "first", START * 1000))
            self.assertEqual([(n["text"], n["by"]) for n in ho["notes"]],
                             [("press 2 die worn", "op-anna")])
            self.assertEqual((ho["acked_by"], ho["acked_at"], ho["run"]), (None, None, None))
            # the same key again: the stored answer, no second note
            again = self.assertOk(await op.write("handover.note", key="n1", line="L1",
                                                 text="press 2 die worn"))
            self.assertTrue(again.get("replay"))
            self.assertEqual(again["handover"], ho)
            self.assertErr(await op.write("handover.note", line="L2", text="x"),
                           "forbidden", "t")
            viewer = await self.client("viewer")
            self.assertErr(await viewer.write("handover.note", line="L1", text="x"),
                           "forbidden", "t")
            kiosk = await self.client("kiosk", lines=["L1"])
            self.assertErr(await kiosk.write("handover.note", line="L1", text="x"),
                           "forbidden", "t")
            self.assertErr(await op.write("handover.note", line="L1", text=""),
                           "bad_request", "text")
            self.assertErr(await op.write("handover.note", line="L1", text="x" * 501),
                           "bad_request", "text")
            self.assertErr(await op.write("handover.note", line="L9", text="x"),
                           "not_found", "line")
            self.assertErr(await op.write("handover.note", line="L1", text=7),
                           "bad_request", "text")
            self.assertErr(await op.write("handover.note", line="L1"), "bad_request", "text")
            sm = await self.client("shift_manager", sub="sm-eva")
            r = self.assertOk(await sm.write("handover.note", line="L1", text="y" * 500))
            self.assertEqual([n["by"] for n in r["handover"]["notes"]], ["op-anna", "sm-eva"])
            # notes are not the pending handover: none until a shift closed
            self.assertIsNone(await self.line_handover())
            self.assertErr(await sm.write("handover.ack", line="L1"),
                           "bad_request", "shift_start")
            self.assertErr(await sm.write("handover.ack", line="L1", shift_start="x"),
                           "bad_request", "shift_start")
            # nothing of the refused notes was stored
            r = self.assertOk(await sm.write("handover.note", line="L1", text="z"))
            self.assertEqual([n["text"] for n in r["handover"]["notes"]],
                             ["press 2 die worn", "y" * 500, "z"])
            # an operator may not take a shift over
            self.assertErr(await op.write("handover.ack", line="L1", shift_start=START * 1000),
                           "forbidden", "t")
        self.run_async(run())

    def test_close_builds_the_handover_and_ack_takes_it_over(self):
        async def run():
            gw = await self.client("gateway")
            op = await self.client("operator", sub="op-anna", lines=["L1"])
            long_t0 = await self.stop(gw, "L1-PRESS1", 1200)    # long, no reason
            await self.stop(gw, "L1-PRESS2", 100)              # short: not handed over
            done_t0 = await self.stop(gw, "L1-PRESS3", 1200)   # long, classified
            view = await self.client("viewer")
            events = (await view.snapshot("downtime/L1"))["data"]["events"]
            done = [e for e in events if e["start"] == done_t0][0]
            self.assertOk(await op.write("dt.classify", event=done["id"], reason="setup"))
            self.assertOk(await gw.write("eq.state", equipment="L1-EOL", state="down"))
            open_a = self.assertOk(await op.write("andon.raise", line="L1", kind="material"))["andon"]
            gone = self.assertOk(await op.write("andon.raise", line="L1", kind="help"))["andon"]
            self.assertOk(await op.write("andon.cancel", andon=gone["id"]))
            self.assertOk(await gw.write("andon.raise", line="L2", kind="quality"))
            self.assertOk(await op.write("handover.note", line="L1", text="die worn"))
            run = self.assertOk(await op.write("run.start", line="L1", product="BRK-100",
                                               order="WO-1"))["run"]
            self.assertIsNone(await self.line_handover())

            await self.close_shift()
            c = await self.client("viewer")
            rep = self.assertOk(await c.request({"t": "shift.report", "line": "L1",
                                                 "shift_start": START * 1000}))
            ho, report = rep["handover"], rep["report"]
            self.assertEqual((ho["line"], ho["shift"], ho["shift_start"], ho["shift_end"]),
                             ("L1", "first", START * 1000, (START + 3600) * 1000))
            self.assertEqual([n["text"] for n in ho["notes"]], ["die worn"])
            self.assertEqual([a["id"] for a in ho["open_andons"]], [open_a["id"]])
            self.assertEqual(sorted((e["equipment"], e["start"] == long_t0)
                                    for e in ho["unclassified"]),
                             [("L1-EOL", False), ("L1-PRESS1", True)])
            self.assertTrue(all(e["reason"] is None for e in ho["unclassified"]))
            # the report is the oee record plus the scoreboard and runs (issue 13)
            self.assertEqual(ho["oee"], {k: v for k, v in report.items() if k in ho["oee"]})
            self.assertEqual(set(report) - set(ho["oee"]), {"target", "target_source", "expected_now",
                                                            "variance", "hourly", "runs", "by_product"})
            self.assertEqual((ho["run"]["id"], ho["run"]["product"], ho["run"]["order"],
                              ho["run"]["ended_at"]), (run["id"], "BRK-100", "WO-1", None))
            self.assertEqual((ho["acked_by"], ho["acked_at"]), (None, None))

            view = await self.client("viewer", sub="wall")
            snap = await view.snapshot("line/L1")
            self.assertEqual(snap["data"]["handover"], ho)
            l2 = await self.line_handover("L2")
            self.assertEqual((l2["notes"], l2["run"]), ([], None))

            sm = await self.client("shift_manager", sub="sm-eva")
            self.assertErr(await sm.write("handover.ack", line="L1", shift_start=123),
                           "not_found", "shift_start")
            t_before = int(time.time() * 1000)
            acked = self.assertOk(await sm.write("handover.ack", key="a1", line="L1",
                                                 shift_start=START * 1000))["handover"]
            self.assertEqual(acked["acked_by"], "sm-eva")
            self.assertGreaterEqual(acked["acked_at"], t_before)
            self.assertEqual({k: v for k, v in acked.items() if not k.startswith("acked")},
                             {k: v for k, v in ho.items() if not k.startswith("acked")})
            upd = await view.next(timeout=3, pred=lambda m: m["t"] == "upd" and
                                  "handover" in m["data"])
            self.assertIsNone(upd["data"]["handover"])
            replay = self.assertOk(await sm.write("handover.ack", key="a1", line="L1",
                                                  shift_start=START * 1000))
            self.assertTrue(replay.get("replay"))
            self.assertEqual(replay["handover"], acked)
            pm = await self.client("production_manager")
            self.assertErr(await pm.write("handover.ack", line="L1", shift_start=START * 1000),
                           "conflict", "shift_start")
            rep = self.assertOk(await c.request({"t": "shift.report", "line": "L1"}))
            self.assertEqual(rep["handover"], acked)
            self.assertIsNone(await self.line_handover())
            # the audit trail names both writes
            await fhtest.Client.close_all()
            kinds = [e["type"] for e in self.hub.events()]
            self.assertIn("handover.note", kinds)
            self.assertIn("handover.ack", kinds)
        self.run_async(run())

    def test_kill9_keeps_notes_pending_and_acknowledgement(self):
        async def run():
            op = await self.client("operator", sub="op-anna")
            self.assertOk(await op.write("handover.note", line="L1", text="one"))
            await fhtest.Client.close_all()
            self.hub.kill9()
            self.hub.start()
            op = await self.client("operator", sub="op-anna")
            r = self.assertOk(await op.write("handover.note", line="L1", text="two"))
            self.assertEqual([n["text"] for n in r["handover"]["notes"]], ["one", "two"])

            await self.close_shift(kill=True)
            ho = await self.line_handover()
            self.assertEqual([n["text"] for n in ho["notes"]], ["one", "two"])
            await fhtest.Client.close_all()
            self.hub.kill9()
            self.hub.start()
            self.assertEqual(await self.line_handover(), ho)  # still pending
            op = await self.client("operator", sub="op-anna")
            r = self.assertOk(await op.write("handover.note", line="L1", text="next"))
            self.assertEqual([n["text"] for n in r["handover"]["notes"]], ["next"])
            sm = await self.client("shift_manager", sub="sm-eva")
            self.assertOk(await sm.write("handover.ack", line="L1", shift_start=START * 1000))
            await fhtest.Client.close_all()
            self.hub.kill9()
            self.hub.start()
            self.assertIsNone(await self.line_handover())
            c = await self.client("viewer")
            rep = self.assertOk(await c.request({"t": "shift.report", "line": "L1"}))
            self.assertEqual(rep["handover"]["acked_by"], "sm-eva")
        self.run_async(run())


class LiveClose(HubTest):
    """A shift ending while the hub runs: the subscriber of line/L1 gets
    the handover as an upd at the boundary (at most about a minute away,
    as in test_shift_close), and nil once it is taken over."""

    def setUp(self):
        self.end = fhtest.shift_boundary()
        self.plant_data = fhtest.boundary_plant(self.end)
        super().setUp()

    def test_boundary_publishes_the_handover(self):
        async def run():
            op = await self.client("operator", sub="op-anna")
            self.assertOk(await op.write("handover.note", line="L1", text="watch the press"))
            view = await self.client("viewer", sub="wall")
            self.assertIsNone((await view.snapshot("line/L1"))["data"]["handover"])
            await asyncio.sleep(max(0.0, self.end - time.time()))
            upd = await view.next(timeout=10, pred=lambda m: m["t"] == "upd" and
                                  m["topic"] == "line/L1" and "handover" in m["data"])
            ho = upd["data"]["handover"]
            self.assertEqual((ho["shift"], ho["shift_start"], ho["shift_end"]),
                             ("a", (self.end - 600) * 1000, self.end * 1000))
            self.assertEqual([n["text"] for n in ho["notes"]], ["watch the press"])
            # the notes start afresh for shift b
            r = self.assertOk(await op.write("handover.note", line="L1", text="next"))
            self.assertEqual(([n["text"] for n in r["handover"]["notes"]], r["handover"]["shift"]),
                             (["next"], "b"))
            sm = await self.client("shift_manager", sub="sm-eva")
            acked = None
            while acked is None:  # the close's commit may still be on its way
                r = await sm.write("handover.ack", line="L1", shift_start=ho["shift_start"])
                if r["t"] == "ok":
                    acked = r["handover"]
                else:
                    self.assertErr(r, "not_found", "shift_start")
                    self.assertLess(time.time(), self.end + 5)
                    await asyncio.sleep(0.1)
            self.assertEqual(acked["acked_by"], "sm-eva")
            upd = await view.next(timeout=3, pred=lambda m: m["t"] == "upd" and
                                  m["topic"] == "line/L1" and "handover" in m["data"])
            self.assertIsNone(upd["data"]["handover"])
        self.run_async(run(), timeout=120)


if __name__ == "__main__":
    fhtest.main()
