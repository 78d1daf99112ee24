"""End-to-end test of the shift handover in floorterm: the real binary in
tmux against the real floorhub.  Notes are written for L1 and the shift
is closed (the hub restarts with a plant whose current shift is another
one); floorterm's board then says "handover not acknowledged: L1 L2 L3"
(every line closed its shift), the
line view shows the handover (notes, open andons, unclassified stops,
OEE), and `h` takes the shift over: the hub's shift.report records the
shift manager, and the board and line view no longer show it.

Run by ctest with FLOORHUB_BIN, FLOORCTL_BIN, FLOORTERM_BIN and
FH_SOURCE_DIR set.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import fhtest  # noqa: E402
from test_floorterm import FloortermTest, help_line  # noqa: E402
from test_handover import START, plant  # noqa: E402


class HandoverTest(FloortermTest):
    def make_hub(self):
        return fhtest.Hub(plant_data=plant("first", START, START + 3600))

    def prepare(self):
        """Two notes and an open andon on L1, then the shift closes."""
        async def go():
            op = await self.client("operator", sub="op-anna")
            self.assertOk(await op.write("handover.note", line="L1", text="die of press 2 worn"))
            self.assertOk(await op.write("handover.note", line="L1", text="bin at EOL empty"))
            self.assertOk(await op.write("andon.raise", line="L1", kind="material"))
        self.run_async(go())
        self.hub.stop()
        second = plant("second", START + 300, START + 3900)
        self.hub.plant = self.hub.write_file("plant2.json", json.dumps(second))
        self.hub.start()

    def report(self):
        async def go():
            c = await self.client("viewer", sub="check")
            return self.assertOk(await c.request({"t": "shift.report", "line": "L1"}))
        return self.run_async(go())

    def test_board_and_line_view_show_and_take_over_the_handover(self):
        self.prepare()
        t = self.term("shift_manager", sub="sm-eva")
        # every line closed its shift: each has a handover to take over
        t.wait_for("handover not acknowledged: L1 L2 L3", timeout=10)
        t.keys("Enter")  # L1 is selected first: its line view
        screen = t.wait_for("HANDOVER not acknowledged: shift first")
        self.assertIn("2 notes, 1 open andons, 0 unclassified stops", screen)
        self.assertIn("note: die of press 2 worn (op-anna)", screen)
        self.assertIn("note: bin at EOL empty (op-anna)", screen)
        self.assertIn("h Take over", help_line(screen))
        t.keys("h")
        screen = t.wait_for("Handover of L1 taken over")
        t.wait_for(lambda s: "HANDOVER not acknowledged" not in s)
        self.assertNotIn("h Take over", help_line(t.screen()))
        ho = self.report()["handover"]
        self.assertEqual(ho["acked_by"], "sm-eva")
        t.keys("1")
        t.wait_for("handover not acknowledged: L2 L3 ")

    def test_an_operator_is_not_offered_the_takeover(self):
        self.prepare()
        t = self.term("operator", sub="op-bo")
        t.wait_for("handover not acknowledged: L1 L2 L3", timeout=10)
        t.keys("Enter")
        screen = t.wait_for("HANDOVER not acknowledged")
        self.assertNotIn("Take over", help_line(screen))
        t.keys("h")  # not offered: does nothing
        self.assertIsNone(self.report()["handover"]["acked_by"])


if __name__ == "__main__":
    fhtest.main()
