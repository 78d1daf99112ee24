#!/usr/bin/python3
"""test_plans -- shift targets and the hourly scoreboard (PROTOCOL.md,
"Targets").

Against the real hub, in UTC with shift "day" from 90 minutes ago to 90
minutes ahead (3 h scheduled, no breaks) and shift "next" after it:
plan.set through the role matrix with idempotent replays and bad input,
oee/<line>'s target (the ideal pace without a plan, at the constraint's
cycle of the product running now; the plan once set), expected_now,
variance and the hourly buckets with their counts, downtime and top
reason, and the plan surviving kill -9.
"""
import asyncio
import time

import fhtest
from fhtest import HubTest, hhmm, load_plant, minute

NOW = time.time()
START = minute(NOW) - 5400
END = minute(NOW) + 5400
SCHED_MS = 3 * 3600 * 1000


def plans_plant():
    plant = load_plant()
    plant["timezone"] = "UTC"
    plant["shifts"] = [{"name": "day", "start": hhmm(START), "end": hhmm(END)},
                       {"name": "next", "start": hhmm(END), "end": hhmm(END + 3600)}]
    return plant


def now_ms():
    return int(time.time() * 1000)


class Plans(HubTest):
    plant_data = plans_plant()

    async def board(self, line="L1"):
        c = await self.client("viewer", sub="reader")
        t0 = now_ms()
        snap = await c.snapshot("oee/" + line)
        t1 = now_ms()
        await c.close()
        return snap["data"], t0, t1

    def assertExpected(self, data, t0, t1, target):
        """expected_now is the target's share of the elapsed scheduled time
        at some moment of [t0, t1]; variance = good - expected_now."""
        lo = target * (t0 - START * 1000) // SCHED_MS
        hi = target * (t1 - START * 1000) // SCHED_MS
        self.assertTrue(lo <= data["expected_now"] <= hi, (lo, data["expected_now"], hi))
        self.assertEqual(data["variance"], data["oee"]["good"] - data["expected_now"])

    def test_ideal_pace_then_the_plan(self):
        async def run():
            data, t0, t1 = await self.board()
            # no run: the constraint L1-PRESS1's own 6 s -> 10800 s / 6 s
            self.assertEqual((data["target"], data["target_source"]), (1800, "ideal"))
            self.assertExpected(data, t0, t1, 1800)
            op = await self.client("operator")
            self.assertOk(await op.write("run.start", line="L1", product="BRK-100"))
            data, t0, t1 = await self.board()
            # BRK-100 at 4 s on the constraint
            self.assertEqual((data["target"], data["target_source"]), (2700, "ideal"))
            sm = await self.client("shift_manager", sub="sm1")
            first = self.assertOk(await sm.write("plan.set", key="p1", line="L1",
                                                 target_qty=900))
            plan = first["plan"]
            self.assertEqual({k: plan[k] for k in plan if k != "set_at"},
                             {"line": "L1", "shift_start": START * 1000,
                              "target_qty": 900, "set_by": "sm1"})
            again = self.assertOk(await sm.write("plan.set", key="p1", line="L1",
                                                 target_qty=5))
            self.assertEqual((again["plan"], again["replay"]), (plan, True))
            data, t0, t1 = await self.board()
            self.assertEqual((data["target"], data["target_source"]), (900, "plan"))
            self.assertExpected(data, t0, t1, 900)
            # a plan for the next shift leaves this one's alone
            nxt = self.assertOk(await sm.write("plan.set", line="L1", shift_start=END * 1000,
                                               target_qty=400))["plan"]
            self.assertEqual(nxt["shift_start"], END * 1000)
            self.assertEqual((await self.board())[0]["target"], 900)
            self.assertEqual([(e["type"], e["actor"], e["data"]["target_qty"])
                              for e in self.hub.events() if e["type"] == "plan.set"],
                             [("plan.set", "sm1", 900), ("plan.set", "sm1", 400)])
        self.run_async(run())

    def test_bad_input_and_roles(self):
        async def run():
            sm = await self.client("shift_manager", sub="sm1")
            self.assertErr(await sm.write("plan.set", line="L9", target_qty=1),
                           "not_found", "line")
            self.assertErr(await sm.write("plan.set", line="L1", target_qty=10**9 + 1),
                           "bad_request", "target_qty")
            self.assertErr(await sm.write("plan.set", line="L1", target_qty=-1),
                           "bad_request", "target_qty")
            self.assertErr(await sm.write("plan.set", line="L1", target_qty=1,
                                          shift_start=END * 1000 + 60000),
                           "bad_request", "shift_start")
            self.assertErr(await sm.write("plan.set", line="L1", target_qty=1,
                                          shift_start=(START - 86400) * 1000),
                           "bad_request", "shift_start")
            for role in ("viewer", "operator", "maintenance", "quality", "engineer", "kiosk"):
                c = await self.client(role)
                self.assertErr(await c.write("plan.set", line="L1", target_qty=10),
                               "forbidden")
            other = await self.client("shift_manager", sub="sm2", lines=["L2"])
            self.assertErr(await other.write("plan.set", line="L1", target_qty=10),
                           "forbidden")
            for n, role in enumerate(("shift_manager", "production_manager", "admin",
                                      "gateway")):
                c = await self.client(role)
                self.assertOk(await c.write("plan.set", line="L1", target_qty=100 + n))
            self.assertEqual((await self.board())[0]["target"], 103)
        self.run_async(run())

    def test_hourly_buckets(self):
        async def run():
            if now_ms() % 3600000 < 10000 or now_ms() % 3600000 > 3590000:
                await asyncio.sleep(12)  # keep the stop below inside one hour
            gw = await self.client("gateway")
            self.assertOk(await gw.write("eq.count", equipment="L1-EOL", good=7, reject=1))
            self.assertOk(await gw.write("eq.count", equipment="L1-PRESS2", good=3, reject=2))
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1", state="running"))
            await asyncio.sleep(0.05)
            t0 = now_ms() - 20
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1", state="down",
                                         machine_reason="jam", ts=t0))
            await asyncio.sleep(1.1)
            self.assertOk(await gw.write("eq.state", equipment="L1-PRESS1", state="running",
                                         ts=t0 + 1000))
            sm = await self.client("shift_manager")
            self.assertOk(await sm.write("plan.set", line="L1", target_qty=1080))
            data, _, t1 = await self.board()
            hours = data["hourly"]
            starts = [START * 1000] + list(range((START // 3600 + 1) * 3600000, t1 + 1,
                                                 3600000))
            self.assertEqual([h["hour_start"] for h in hours], starts)
            cur = hours[-1]
            self.assertEqual((cur["good"], cur["reject"]), (7, 3))
            self.assertEqual((cur["down_ms"], cur["top_reason"]), (1000, "jam"))
            for i, h in enumerate(hours):
                end = starts[i + 1] if i + 1 < len(starts) else min(END * 1000,
                                                                   starts[i] + 3600000)
                # 1080 pieces over 3 h: 6 per scheduled minute
                self.assertEqual(h["target"], 1080 * (end - starts[i]) // SCHED_MS)
                if i < len(hours) - 1:
                    self.assertEqual((h["good"], h["reject"], h["down_ms"], h["top_reason"]),
                                     (0, 0, 0, None))
        self.run_async(run())

    def test_plan_survives_kill_9(self):
        async def run():
            sm = await self.client("shift_manager", sub="sm1")
            self.assertOk(await sm.write("plan.set", key="p1", line="L2", target_qty=321))
            gw = await self.client("gateway")
            self.assertOk(await gw.write("eq.count", equipment="L2-INSP", good=5, reject=0))
            self.hub.kill9()
            self.hub.start()
            data, _, _ = await self.board("L2")
            self.assertEqual((data["target"], data["target_source"]), (321, "plan"))
            self.assertEqual(data["hourly"][-1]["good"], 5)
            sm = await self.client("shift_manager", sub="sm1")
            again = self.assertOk(await sm.write("plan.set", key="p1", line="L2",
                                                 target_qty=1))
            self.assertEqual((again["plan"]["target_qty"], again["replay"]), (321, True))
        self.run_async(run())


if __name__ == "__main__":
    fhtest.main()
