"""End-to-end test of floorterm's scoreboard (view 5): the real binary in
tmux at 80x24 against the real floorhub.  The plant (UTC) has shift "day"
from 90 minutes ago to 90 minutes ahead, with a plan of 900 pieces, so
about 450 are expected by now while the line has made 5: the view shows
the target so far, the actual and the variance in big digits with the
word BEHIND (readable without colour), the hourly table, and no run.  An
operator starts a run from the product picker (n, then the product's
digit), the run's count follows the line's pieces, and e ends it; the hub
has the run.  A viewer is not offered n.

Run by ctest with FLOORHUB_BIN, FLOORCTL_BIN, FLOORTERM_BIN and
FH_SOURCE_DIR set.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fhtest  # noqa: E402
from fhtest import hhmm, load_plant, minute  # noqa: E402
from test_floorterm import FloortermTest, help_line  # noqa: E402

START = minute(time.time()) - 5400
END = minute(time.time()) + 5400


def score_plant():
    plant = load_plant()
    plant["timezone"] = "UTC"
    plant["shifts"] = [{"name": "day", "start": hhmm(START), "end": hhmm(END)}]
    return plant


class ScoreTest(FloortermTest):
    def make_hub(self):
        return fhtest.Hub(plant_data=score_plant())

    def setup_line(self):
        async def go():
            sm = await self.client("shift_manager")
            self.assertOk(await sm.write("plan.set", line="L1", target_qty=900))
            gw = await self.client("gateway")
            self.assertOk(await gw.write("eq.count", equipment="L1-EOL", good=5, reject=1))
        self.run_async(go())

    def count(self, good):
        async def go():
            gw = await self.client("gateway", sub="gw2")
            self.assertOk(await gw.write("eq.count", equipment="L1-EOL", good=good, reject=0))
        self.run_async(go())

    def hub_run(self):
        async def go():
            c = await self.client("viewer", sub="check")
            return (await c.snapshot("line/L1"))["data"]["run"]
        return self.run_async(go())

    def scoreboard(self, role, sub):
        """floorterm at 80x24 on view 5 of L1, the plan and pieces made."""
        self.setup_line()
        t = self.term(role=role, sub=sub, args=["--line", "L1"], width=80, height=24)
        t.wait_for("Connected as")
        t.keys("5")
        return t, t.wait_for("BEHIND by")

    def test_scoreboard_and_runs_from_the_picker(self):
        t, screen = self.scoreboard("operator", "op-anna")
        self.assertIn("SCOREBOARD", screen)
        self.assertIn("target 900 (plan)", screen)
        self.assertIn("TARGET SO FAR", screen)
        self.assertIn("ACTUAL 5", screen)
        self.assertIn("###", screen)  # the big digits
        self.assertIn("NO RUN  (n: start a run)", screen)
        self.assertIn("HOUR", screen)
        self.assertIn("New run", help_line(screen))
        self.assertNotIn("End run", help_line(screen))

        t.keys("n")
        screen = t.wait_for("Start a run on L1: product")
        self.assertIn("BRK-100", screen)
        self.assertIn("Door panel", screen)
        t.keys("1")
        screen = t.wait_for("RUN 1  BRK-100")
        t.wait_for("of BRK-100 started on L1")
        self.assertEqual((self.hub_run()["id"], self.hub_run()["product"]), (1, "BRK-100"))
        self.count(3)
        t.wait_for("count 3")
        screen = t.wait_for("ACTUAL 8")  # the scoreboard follows within a second
        self.assertIn("End run", help_line(screen))
        t.keys("e")
        t.wait_for("of BRK-100 ended on L1")
        t.wait_for("NO RUN")
        self.assertIsNone(self.hub_run())

    def test_viewer_sees_no_run_keys(self):
        _, screen = self.scoreboard("viewer", "v1")
        self.assertNotIn("New run", help_line(screen))
        self.assertIn("NO RUN", screen)


if __name__ == "__main__":
    fhtest.main()
