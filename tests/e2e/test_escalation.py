#!/usr/bin/python3
"""test_escalation -- escalation of unacknowledged andons (PROTOCOL.md 5.1).

The plant, copied from the sample, escalates after 1 and 2 seconds.  A
raised andon must reach level 1, then 2, each change published on `andon`
and `line/<id>` and stored (actor "floorhub"); an acknowledged one stops
rising.  Deadlines are derived from the stored raised_at, so a hub that was
down past a deadline shows the overdue level right after it starts.
"""
import asyncio
import time

import fhtest
from fhtest import HubTest, load_plant


def fast_escalation_plant():
    plant = load_plant()
    plant["escalation"] = [{"after_s": 1, "role": "shift_manager"},
                           {"after_s": 2, "role": "production_manager"}]
    return plant


def level_upd(topic, andon_id, level):
    return lambda m: (m["t"] == "upd" and m["topic"] == topic and "andon" in m["data"] and
                      m["data"]["andon"]["id"] == andon_id and m["data"]["andon"]["level"] == level)


class Escalation(HubTest):
    plant_data = fast_escalation_plant()

    def test_plant_topic_lists_the_steps(self):
        async def run():
            c = await self.client("viewer")
            snap = await c.snapshot("plant")
            self.assertEqual(snap["data"]["escalation"],
                             [{"after_s": 1, "role": "shift_manager"},
                              {"after_s": 2, "role": "production_manager"}])
        self.run_async(run())

    def test_levels_rise_and_stop_after_ack(self):
        async def run():
            watch = await self.client("viewer")
            await watch.snapshot("andon")
            await watch.snapshot("line/L1")
            op = await self.client("operator")
            a = self.assertOk(await op.write("andon.raise", line="L1", kind="help"))["andon"]
            b = self.assertOk(await op.write("andon.raise", line="L1", kind="help"))["andon"]
            for topic in ("andon", "line/L1"):
                for andon in (a, b):
                    await watch.next(timeout=4, pred=level_upd(topic, andon["id"], 1))
            self.assertGreaterEqual(time.time() * 1000, a["raised_at"] + 1000 - 20)
            summary = await watch.next(pred=lambda m: m["t"] == "upd" and "line" in m["data"]
                                       and m["data"]["line"]["max_level"] == 1)
            self.assertEqual(summary["data"]["line"]["open_andons"], 2)

            sm = await self.client("shift_manager")
            acked = self.assertOk(await sm.write("andon.ack", andon=b["id"]))["andon"]
            self.assertEqual((acked["state"], acked["level"]), ("acknowledged", 1))

            await watch.next(timeout=4, pred=level_upd("andon", a["id"], 2))
            await watch.next(timeout=4, pred=level_upd("line/L1", a["id"], 2))
            self.assertGreaterEqual(time.time() * 1000, a["raised_at"] + 2000 - 20)
            # b's second deadline has passed too, a few ms after a's
            await asyncio.sleep(max(0.0, (b["raised_at"] + 2300) / 1000.0 - time.time()))
            got = await watch.sync()
            self.assertFalse([m for m in got if level_upd(m["topic"], b["id"], 2)(m)], got)
            snap = await watch.snapshot("andon")
            levels = {x["id"]: (x["state"], x["level"]) for x in snap["data"]["andons"]}
            self.assertEqual(levels, {a["id"]: ("raised", 2), b["id"]: ("acknowledged", 1)})
            # stored: each change is an event of the hub itself
            esc = [(e["actor"], e["data"]["id"], e["data"]["level"]) for e in self.hub.events()
                   if e["type"] == "andon.escalate"]
            self.assertEqual(sorted(esc), [("floorhub", a["id"], 1), ("floorhub", a["id"], 2),
                                           ("floorhub", b["id"], 1)])
            m = self.hub.metrics()
            self.assertEqual((m['floorhub_open_andons{level="1"}'],
                              m['floorhub_open_andons{level="2"}']), (1, 1))
        self.run_async(run())

    def test_overdue_levels_after_restart(self):
        async def run():
            op = await self.client("operator")
            mt = await self.client("maintenance")
            a = self.assertOk(await op.write("andon.raise", line="L2", kind="help"))["andon"]
            b = self.assertOk(await op.write("andon.raise", line="L2", kind="help"))["andon"]
            self.assertOk(await mt.write("andon.ack", andon=b["id"]))
            await fhtest.Client.close_all()
            self.assertEqual(self.hub.stop(), 0)
            down = self.hub.events()
            self.assertEqual([e["type"] for e in down if e["type"] == "andon.escalate"], [])
            await asyncio.sleep(max(0.0, (a["raised_at"] + 2200) / 1000.0 - time.time()))
            self.hub.start()
            c = await self.client("viewer")
            snap = await c.snapshot("andon")
            levels = {x["id"]: (x["state"], x["level"]) for x in snap["data"]["andons"]}
            self.assertEqual(levels, {a["id"]: ("raised", 2), b["id"]: ("acknowledged", 0)})
            line = (await c.snapshot("line/L2"))["data"]["line"]
            self.assertEqual((line["max_level"], line["open_andons"]), (2, 2))
            esc = [e for e in self.hub.events() if e["type"] == "andon.escalate"]
            self.assertEqual([(e["actor"], e["data"]["id"], e["data"]["level"]) for e in esc],
                             [("floorhub", a["id"], 2)])
        self.run_async(run())


if __name__ == "__main__":
    fhtest.main()
