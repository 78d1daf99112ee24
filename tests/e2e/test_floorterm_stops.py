"""End-to-end tests of floorterm's stops: the real binary in tmux against
the real floorhub.  A gateway client makes a stop (eq.state running ->
down -> running with gateway times, ~1.5 s, on a plant whose short_stop_s
is 1, so the stop needs a reason); floorterm marks it on the line view,
lists it under `d`, and classifies it in three keys (category digit,
reason digit, Enter); the hub's downtime/<line> snapshot and audit log show
the reason, also when it was given offline and sent after the hub came
back (exactly once).  A kiosk offers the picker when its line's constraint
runs again after such a stop.

Run by ctest with FLOORHUB_BIN, FLOORCTL_BIN, FLOORTERM_BIN and
FH_SOURCE_DIR set.
"""
import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fhtest  # noqa: E402
from test_downtime import downtime_plant  # noqa: E402
from test_floorterm import FloortermTest, help_line  # noqa: E402

CONSTRAINT = "L1-PRESS1"  # the first of L1's longest ideal cycles (6000 ms)


class StopsTest(FloortermTest):
    """A plant with a reason tree where a stop of a second needs a reason."""

    def make_hub(self):
        return fhtest.Hub(plant_data=downtime_plant())

    def make_stop(self, eq=CONSTRAINT, ms=1500):
        """eq runs, stops and runs again ms later by the gateway's clock."""
        async def go():
            gw = await self.client("gateway")
            self.assertOk(await gw.write("eq.state", equipment=eq, state="running"))
            await asyncio.sleep(0.05)
            t0 = int(time.time() * 1000) - 10  # after the running state began
            self.assertOk(await gw.write("eq.state", equipment=eq, state="down",
                                         reason="mechanical", ts=t0))
            await asyncio.sleep(ms / 1000 + 0.05)
            self.assertOk(await gw.write("eq.state", equipment=eq, state="running",
                                         ts=t0 + ms))
        self.run_async(go())

    def hub_stops(self):
        async def go():
            c = await self.client("viewer", sub="check")
            return (await c.snapshot("downtime/L1"))["data"]["events"]
        return self.run_async(go())

    def classify_keys(self, t, stop_id):
        """Enter on the selected stop, then the three keys of the picker:
        category 1 (unplanned), reason 2 (electrical), Enter (no note)."""
        t.keys("Enter")
        t.wait_for("Stop %d on %s: category" % (stop_id, CONSTRAINT))
        t.keys("1")
        t.wait_for("Stop %d, unplanned: reason" % stop_id)
        screen = t.wait_for("electrical")
        self.assertIn("mechanical", screen)
        t.keys("2")
        t.wait_for("note, optional")
        t.keys("Enter")

    def test_line_view_marks_the_stop_and_three_keys_classify_it(self):
        t = self.term(role="operator", sub="op-anna", args=["--line", "L1"])
        t.wait_for("Connected as")
        t.wait_for("none needs a reason")
        self.make_stop()
        t.wait_for("STOPS: 1 stop needs a reason")
        t.keys("d")
        screen = t.wait_for("needs reason")
        self.assertIn("STOPS of L1", screen)
        self.assertIn(CONSTRAINT, screen)
        self.assertIn("DOWN 0:00:01", screen)  # the state summary
        self.assertIn("Classify", help_line(screen))
        self.classify_keys(t, 1)
        t.wait_for("Stop 1 classified: electrical")
        t.wait_for("electrical (unplanned) by op-anna")
        [ev] = self.hub_stops()
        self.assertEqual((ev["id"], ev["reason"], ev["category"], ev["classified_by"],
                          ev["needs_reason"]),
                         (1, "electrical", "unplanned", "op-anna", False))
        t.keys("d")  # back to the line view
        t.wait_for("none needs a reason")

    def test_classification_made_offline_arrives_once(self):
        t = self.term(role="operator", sub="op-ben", args=["--line", "L1"])
        t.wait_for("Connected as")
        self.make_stop()
        t.wait_for("STOPS: 1 stop needs a reason")
        self.hub.stop()
        t.wait_for("OFFLINE since")
        t.keys("d")
        t.wait_for("needs reason")  # the last known stops stay
        self.classify_keys(t, 1)
        t.wait_for("electrical pending (offline)")
        self.assertEqual(self.hub_events("dt.classify"), [])
        self.hub.start()  # same port, same data directory
        t.wait_for("Stop 1 classified: electrical", timeout=12)
        t.wait_for("electrical (unplanned) by op-ben")
        audit = self.hub_events("dt.classify")
        self.assertEqual(len(audit), 1, audit)
        self.assertEqual((audit[0]["actor"], audit[0]["data"]["new"]["reason"]),
                         ("op-ben", "electrical"))
        [ev] = self.hub_stops()
        self.assertEqual((ev["reason"], ev["classified_by"]), ("electrical", "op-ben"))

    def test_viewer_is_not_offered_classify(self):
        t = self.term(role="viewer", sub="v1", args=["--line", "L1"])
        t.wait_for("Connected as")
        self.make_stop()
        t.wait_for("STOPS: 1 stop needs a reason")
        t.keys("d")
        screen = t.wait_for("needs reason")
        self.assertNotIn("Classify", help_line(screen))
        t.keys("Enter", "d")  # Enter does nothing; d goes back
        screen = t.wait_for("STOPS: 1 stop needs a reason")
        self.assertNotIn("category", screen)
        self.assertEqual(self.hub_stops()[0]["reason"], None)

    def test_kiosk_offers_the_picker_when_the_constraint_runs_again(self):
        t = self.term(role="operator", sub="kiosk-op",
                      args=["--line", "L1", "--kiosk", "--unlock-code", "4711"])
        t.wait_for("Connected as")
        t.wait_for("none needs a reason")
        self.make_stop(eq="L1-DEST")  # not the constraint: no picker
        screen = t.wait_for("STOPS: 1 stop needs a reason")
        self.assertNotIn("Running again", screen)
        self.make_stop()
        t.wait_for("Running again: Stop 2 on %s: category" % CONSTRAINT)
        t.keys("Escape")  # dismissed: it stays in the list
        t.wait_for("STOPS: 2 stops need a reason")
        self.make_stop()
        t.wait_for("Running again: Stop 3 on %s: category" % CONSTRAINT)
        t.keys("1", "1", "Enter")  # unplanned, mechanical, no note
        t.wait_for("Stop 3 classified: mechanical")
        t.wait_for("STOPS: 2 stops need a reason")
        reasons = {e["id"]: e["reason"] for e in self.hub_stops()}
        self.assertEqual(reasons, {1: None, 2: None, 3: "mechanical"})
        # the locked kiosk still lists its stops and comes back
        t.keys("d")
        screen = t.wait_for("STOPS of L1")
        self.assertIn("KIOSK", screen)
        t.keys("d")
        t.wait_for("STOPS: 2 stops need a reason")


if __name__ == "__main__":
    fhtest.main()
