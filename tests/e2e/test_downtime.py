#!/usr/bin/python3
"""test_downtime -- stops that operators explain (PROTOCOL.md, "Downtime").

Against the real hub: a stop opens when an equipment leaves running and
closes when it runs again, shows on downtime/<line> (snap, then one upd per
change), is classified (dt.classify) and split (dt.split) through the role
matrix with idempotent replays, listed (dt.list), moves its time into the
OEE loss categories of the line's constraint, and survives kill -9.  The
plant is in UTC with one shift around now and no breaks, and a reason tree.
"""
import asyncio
import time

import fhtest
from fhtest import HubTest, minute, utc_plant

TREE = [
    {"code": "breakdown", "category": "unplanned",
     "children": [{"code": "mechanical"}, {"code": "electrical"}]},
    {"code": "setup", "name": "Setup and adjustment", "category": "changeover"},
    {"code": "meeting", "category": "planned"},
    {"code": "scratch", "category": "quality"},
]


def downtime_plant():
    """A stop of a second or more is long here, so tests need not wait."""
    plant = utc_plant("day", minute(time.time()) - 600, minute(time.time()) + 3600)
    plant["reasons"] = TREE
    plant["short_stop_s"] = 1
    for eq in plant["lines"][0]["equipment"]:
        if eq["id"] == "L1-PRESS3":  # test_no_signal_across_a_restart
            eq["signal_timeout_s"] = 3
    return plant


def now_ms():
    return int(time.time() * 1000)


class Downtime(HubTest):
    plant_data = downtime_plant()

    async def stop(self, gw, eq, ms):
        """eq runs, stops at t0 and runs again at t0 + ms (gateway times, so
        the stop lasts exactly ms); returns t0."""
        self.assertOk(await gw.write("eq.state", equipment=eq, state="running"))
        await asyncio.sleep(0.05)
        t0 = now_ms() - 10  # after the running state began
        self.assertOk(await gw.write("eq.state", equipment=eq, state="down",
                                     reason="mechanical", ts=t0))
        await asyncio.sleep(ms / 1000 + 0.05)
        self.assertOk(await gw.write("eq.state", equipment=eq, state="running",
                                     ts=t0 + ms))
        return t0

    def test_stop_opens_closes_and_is_classified(self):
        async def run():
            view = await self.client("viewer")
            snap = await view.snapshot("downtime/L1")
            self.assertEqual(snap["data"], {"events": []})
            gw = await self.client("gateway")
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1", state="running"))
            await asyncio.sleep(0.05)
            t0 = now_ms() - 10
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1", state="down",
                                         reason="mechanical", ts=t0))
            opened = (await view.next(pred=lambda m: m["t"] == "upd"))["data"]["event"]
            self.assertEqual((opened["id"], opened["equipment"], opened["end"],
                              opened["machine_reason"], opened["reason"]),
                             (1, "L1-PRESS1", None, "mechanical", None))
            await asyncio.sleep(2.1)
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1", state="idle",
                                         ts=t0 + 1000))
            closed = self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1",
                                                  state="running", ts=t0 + 2000))
            self.assertEqual(closed["equipment"]["state"], "running")
            ups = [m["data"]["event"] for m in await view.sync() if m["t"] == "upd"]
            ev = ups[-1]
            self.assertEqual((ev["id"], ev["start"], ev["end"], ev["duration_ms"]),
                             (1, t0, t0 + 2000, 2000))
            self.assertEqual((ev["states"]["down"], ev["states"]["idle"]), (1000, 1000))
            self.assertEqual((ev["short"], ev["needs_reason"]), (False, True))

            op = await self.client("operator", sub="op-anna", lines=["L1"])
            r = self.assertOk(await op.write("dt.classify", key="c1", event=1,
                                             reason="mechanical", note="bearing noise"))
            self.assertEqual((r["event"]["reason"], r["event"]["category"],
                              r["event"]["classified_by"], r["event"]["note"]),
                             ("mechanical", "unplanned", "op-anna", "bearing noise"))
            self.assertEqual(r["event"]["needs_reason"], False)
            again = self.assertOk(await op.write("dt.classify", key="c1", event=1,
                                                 reason="mechanical"))
            self.assertEqual((again.get("replay"), again["event"]), (True, r["event"]))
            upd = [m["data"]["event"] for m in await view.sync() if m["t"] == "upd"]
            self.assertEqual(upd, [r["event"]])  # one upd: the replay changed nothing
            audit = [e for e in self.hub.events() if e["type"] == "dt.classify"]
            self.assertEqual(len(audit), 1)
            self.assertEqual((audit[0]["actor"], audit[0]["data"]["old"]["reason"],
                              audit[0]["data"]["new"]["reason"]),
                             ("op-anna", None, "mechanical"))
        self.run_async(run())

    def test_role_matrix_and_bad_input(self):
        async def run():
            gw = await self.client("gateway")
            await self.stop(gw, "L1-PRESS1", 1500)
            cases = [
                ("operator", ["L2"], "forbidden", "t"),   # not their line
                ("viewer", None, "forbidden", "t"),
                ("gateway", None, "forbidden", "t"),
            ]
            for role, lines, code, key in cases:
                c = await self.client(role, lines=lines)
                self.assertErr(await c.write("dt.classify", event=1, reason="mechanical"),
                               code, key)
            op = await self.client("operator", lines=["L1"])
            for fields, code, key in [
                ({"event": 99, "reason": "mechanical"}, "not_found", "event"),
                ({"event": 1, "reason": "breakdown"}, "bad_request", "reason"),  # not a leaf
                ({"event": 1, "reason": "scratch"}, "bad_request", "reason"),    # quality
                ({"event": 1, "reason": "nonsense"}, "bad_request", "reason"),
                ({"event": 1}, "bad_request", "reason"),
            ]:
                with self.subTest(fields=fields):
                    self.assertErr(await op.write("dt.classify", **fields), code, key)
            ev = (await op.snapshot("downtime/L1"))["data"]["events"][0]
            for at in (ev["start"], ev["end"], ev["end"] + 1):
                self.assertErr(await op.write("dt.split", event=1, at=at), "bad_request", "at")
            self.assertErr(await op.request({"t": "dt.list", "line": "L1", "from": 5, "to": 5}),
                           "bad_request", "to")
            self.assertErr(await op.request({"t": "dt.list", "line": "L9", "from": 0, "to": 9}),
                           "not_found", "line")
            self.assertErr(await op.request({"t": "dt.list", "line": "L2", "from": 0, "to": 9}),
                           "forbidden", "line")
            # nothing of it changed the stop or wrote an audit record
            after = (await op.snapshot("downtime/L1"))["data"]["events"][0]
            self.assertEqual((after["reason"], after["id"]), (None, 1))
            self.assertEqual([e["type"] for e in self.hub.events() if e["type"].startswith("dt.")], [])
            sm = await self.client("shift_manager")
            self.assertOk(await sm.write("dt.classify", event=1, reason="electrical"))
        self.run_async(run())

    def test_split_and_list(self):
        async def run():
            gw = await self.client("gateway")
            t0 = await self.stop(gw, "L1-PRESS1", 3000)
            op = await self.client("operator", lines=["L1"])
            self.assertOk(await op.write("dt.classify", event=1, reason="electrical"))
            r = self.assertOk(await op.write("dt.split", key="s1", event=1, at=t0 + 1200,
                                             reason="setup"))
            before, after = r["events"]
            self.assertEqual((before["id"], before["start"], before["end"], before["reason"],
                              before["category"]), (2, t0, t0 + 1200, "setup", "changeover"))
            self.assertEqual((after["id"], after["start"], after["end"], after["reason"]),
                             (1, t0 + 1200, t0 + 3000, "electrical"))
            again = self.assertOk(await op.write("dt.split", key="s1", event=1, at=t0 + 1200))
            self.assertEqual((again["replay"], again["events"]), (True, r["events"]))
            lst = self.assertOk(await op.request({"t": "dt.list", "line": "L1", "from": t0,
                                                  "to": t0 + 3001}))
            self.assertEqual([e["id"] for e in lst["events"]], [1, 2])  # newest first
            self.assertNotIn("more", lst)
            self.assertEqual(lst["events"][0], after)
            none = self.assertOk(await op.request({"t": "dt.list", "line": "L1",
                                                   "from": t0 + 3000, "to": t0 + 9000}))
            self.assertEqual(none["events"], [])
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS2", state="running"))
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS2", state="down"))
            open_ = self.assertOk(await op.request({"t": "dt.list", "line": "L1", "from": 0,
                                                    "to": now_ms() + 60000,
                                                    "unclassified": True}))
            self.assertEqual([(e["equipment"], e["end"]) for e in open_["events"]],
                             [("L1-PRESS2", None)])
        self.run_async(run())

    def test_losses_in_the_line_oee_and_kill9(self):
        async def run():
            gw = await self.client("gateway")
            # L1-PRESS1 is the line's constraint: the line's time is its time
            t0 = await self.stop(gw, "L1-PRESS1", 1500)
            op = await self.client("operator", lines=["L1"])
            ev = self.assertOk(await op.write("dt.classify", event=1, reason="meeting"))["event"]
            self.assertEqual((ev["category"], ev["duration_ms"]), ("planned", 1500))
            view = await self.client("viewer")
            await view.snapshot("oee/L1")
            # the OEE follows within a second (the 1 s tick)
            upd = await view.next(timeout=3, pred=lambda m: m["t"] == "upd" and
                                  m["data"]["oee"]["losses"]["planned"] == 1500)
            oee = upd["data"]["oee"]
            self.assertEqual(oee["losses"]["unclassified"], 0)
            # planned time excludes the meeting and the time before the hub
            # knew the press; run time is all the rest
            self.assertEqual(oee["planned_ms"], oee["run_ms"])
            self.assertGreater(oee["not_monitored_ms"], 590000)
            await fhtest.Client.close_all()
            self.hub.kill9()
            self.hub.start()
            view = await self.client("viewer")
            evs = (await view.snapshot("downtime/L1"))["data"]["events"]
            self.assertEqual([(e["id"], e["reason"], e["start"]) for e in evs],
                             [(1, "meeting", t0)])
            oee = (await view.snapshot("oee/L1"))["data"]["oee"]
            self.assertEqual(oee["losses"]["planned"], 1500)
            plant = (await view.snapshot("plant"))["data"]
            self.assertEqual(plant["reasons"], ["mechanical", "electrical", "setup",
                                                "meeting", "scratch"])
            tree = {n["code"]: n for n in plant["reason_tree"]}
            self.assertEqual((tree["mechanical"]["parent"], tree["mechanical"]["category"],
                              tree["breakdown"]["leaf"], tree["setup"]["name"]),
                             ("breakdown", "unplanned", False, "Setup and adjustment"))
        self.run_async(run())

    def test_reject_reasons(self):
        async def run():
            gw = await self.client("gateway")
            for reason in ("mechanical", "breakdown", "nonsense"):  # not quality, no leaf
                with self.subTest(reason=reason):
                    self.assertErr(await gw.write("eq.count", equipment="L1-PRESS1", good=1,
                                                  reject=1, reject_reason=reason),
                                   "bad_request", "reject_reason")
            self.assertOk(await gw.write("eq.count", equipment="L1-PRESS1", good=10,
                                         reject=3, reject_reason="scratch"))
            self.assertOk(await gw.write("eq.count", equipment="L1-PRESS1", good=0, reject=2))
            self.assertOk(await gw.write("eq.count", equipment="L1-EOL", good=0, reject=1,
                                         reject_reason="scratch"))
            view = await self.client("viewer")
            await view.snapshot("oee/L1")
            # the line's rejects are every station's: 3 + 2 + 1, 4 with a reason
            upd = await view.next(timeout=3, pred=lambda m: m["t"] == "upd" and
                                  m["data"]["oee"]["reject"] == 6)
            self.assertEqual(upd["data"]["oee"]["rejects_by_reason"], {"scratch": 4})
            eqs = {o["line"]: o for o in upd["data"]["equipment"]}
            self.assertEqual((eqs["L1-PRESS1"]["reject"], eqs["L1-PRESS1"]["rejects_by_reason"]),
                             (5, {"scratch": 3}))
            self.assertEqual(eqs["L1-PRESS2"]["rejects_by_reason"], {})
            await fhtest.Client.close_all()
            self.hub.kill9()
            self.hub.start()
            view = await self.client("viewer")
            oee = (await view.snapshot("oee/L1"))["data"]["oee"]
            self.assertEqual((oee["reject"], oee["rejects_by_reason"]), (6, {"scratch": 4}))
        self.run_async(run())

    def test_no_signal_across_a_restart(self):
        """L1-PRESS3 (signal_timeout_s 3) last heard from while the hub runs;
        the hub is killed and starts again after the timeout: the timer ran
        from the stored last_data_at, so the equipment went unknown
        (no_signal) at exactly last data + 3 s and a stop opened there."""
        async def run():
            gw = await self.client("gateway")
            eq = self.assertOk(await gw.write("eq.state", equipment="L1-PRESS3",
                                              state="running"))["equipment"]
            last = eq["last_data_at"]
            await fhtest.Client.close_all()
            self.hub.kill9()
            await asyncio.sleep(3.5)
            self.hub.start()
            view = await self.client("viewer")
            deadline = time.time() + 3
            while True:
                eqs = (await view.snapshot("line/L1"))["data"]["equipment"]
                press = next(e for e in eqs if e["id"] == "L1-PRESS3")
                if press["state"] == "unknown" or time.time() > deadline:
                    break
                await asyncio.sleep(0.2)
            self.assertEqual((press["state"], press["machine_reason"], press["since"]),
                             ("unknown", "no_signal", last + 3000))
            evs = (await view.snapshot("downtime/L1"))["data"]["events"]
            self.assertEqual([(e["equipment"], e["start"], e["end"]) for e in evs],
                             [("L1-PRESS3", last + 3000, None)])
        self.run_async(run())

    def test_bad_reason_trees_keep_the_hub_from_starting(self):
        for reasons, want in [
            ([{"code": "a", "category": "unplanned", "children": ["b", {"code": "a"}]}],
             "reasons[0].children[1].code: duplicate reason code 'a'"),
            ([{"code": "a", "category": "unplanned", "children": [
                {"code": "b", "children": [{"code": "c", "children": ["d"]}]}]}],
             "reasons[0].children[0].children[0].children: at most 3 levels of reasons"),
        ]:
            with self.subTest(want=want):
                plant = downtime_plant()
                plant["reasons"] = reasons
                fhtest.Hub(plant_data=plant).start_fails(want)


if __name__ == "__main__":
    fhtest.main()
