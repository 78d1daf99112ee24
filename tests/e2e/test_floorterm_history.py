"""End-to-end tests of floorterm's report history: the real binary in tmux
(80x24, vt100 without colours, ASCII) against the real floorhub whose store
was filled by `floorctl backfill --days 8 --seed 3`.

The report view opens on the last closed shift of L1; Left twice shows the
shift two before it, Right one step forward again: each time the screen's
start time and figures are those shift.report gives for that shift (asked
here over the WebSocket by its start, found with oee.history group
shift).  The 7-day table's rows are oee.history's day rows of the last
7 x 24 h (whole days) with each day's top loss from dt.pareto top 1,
formatted here the way the screen writes them.

Run by ctest with FLOORHUB_BIN, FLOORCTL_BIN, FLOORTERM_BIN and
FH_SOURCE_DIR set.
"""
import os
import sys
import time
from datetime import datetime
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from test_floorterm import FloortermTest, help_line  # noqa: E402

ZONE = "Europe/Berlin"  # the sample plant's; floorterm runs in it too
TZ = ZoneInfo(ZONE)
DAY_MS = 86400000
ASCII = {"TERM": "vt100", "LANG": "C", "LC_ALL": "C", "TZ": ZONE}


def local(ms, fmt):
    return datetime.fromtimestamp(ms / 1000, TZ).strftime(fmt)


def pct(v):
    return "%.1f%%" % (v * 100)


def band(oee):
    return "LOW" if oee < 0.65 else "FAIR" if oee <= 0.85 else "GOOD"


def dur(ms):
    s = ms // 1000
    return "%d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60)


def report_lines(r):
    """The parts of the report's head as report_view.c writes them."""
    return ["shift %s  %s - %s" % (r["shift"], local(r["shift_start"], "%a %Y-%m-%d %H:%M"),
                                   local(r["shift_end"], "%H:%M")),
            "OEE %s %s" % (pct(r["oee"]), band(r["oee"])),
            "availability %s  performance %s  quality %s" % (
                pct(r["availability"]), pct(min(r["performance"], 1.0)), pct(r["quality"])),
            "planned %s  run %s  good %d  reject %d" % (dur(r["planned_ms"]), dur(r["run_ms"]),
                                                        r["good"], r["reject"])]


def day_line(row, top):
    """One row of the day table as report_view.c writes it."""
    day = local(row["start"] + (row["end"] - row["start"]) // 2, "%a %m-%d")
    if row.get("open"):
        day += "*"
    if not top:
        loss = "-"
    else:
        what = top["reason"] or ("short stops" if top["category"] == "small_stop"
                                 else "unclassified")
        loss = "%s %s" % (what, dur(top["ms"]))
    return ("%-10s %-11s %6s %6s %6s %8s  %s" % (
        day, "%s %s" % (pct(row["oee"]), band(row["oee"])), pct(row["availability"]),
        pct(min(row["performance"], 1.0)), pct(row["quality"]), row["good"], loss)).rstrip()


class HistoryTest(FloortermTest):
    def ask(self, msg):
        async def go():
            c = await self.client("viewer", sub="check")
            return self.assertOk(await c.request(msg))
        return self.run_async(go())

    def closed_shifts(self):
        now = int(time.time() * 1000)
        rows = self.ask({"t": "oee.history", "scope": "line", "line": "L1",
                         "from": now - 14 * DAY_MS, "to": now + DAY_MS, "group": "shift"})
        return [r["start"] for r in rows["rows"] if not r.get("open")]

    def report(self, start):
        return self.ask({"t": "shift.report", "line": "L1", "shift_start": start})["report"]

    def assert_report(self, screen, start):
        for want in report_lines(self.report(start)):
            self.assertIn(want, screen)

    def test_steps_through_past_shifts_and_shows_seven_days(self):
        self.hub.backfill(8, seed=3)
        t = self.term(role="shift_manager", sub="sm1", args=["--line", "L1"], width=80,
                      height=24, env=ASCII)
        t.wait_for("Connected as")
        t.keys("4")
        t.wait_for(lambda s: "the last closed shift" in s and "..." not in s, timeout=10)
        starts = self.closed_shifts()
        self.assertGreaterEqual(len(starts), 21)  # 8 days of 3 shifts
        self.assert_report(t.screen(), starts[-1])
        self.assertIn("Lt/Rt Shift", help_line(t.screen()))

        t.keys("Left", "Left")  # quick presses add up
        screen = t.wait_for("2 shifts before the last closed")
        self.assert_report(screen, starts[-3])
        t.keys("Right")
        screen = t.wait_for("1 shift before the last closed")
        self.assert_report(screen, starts[-2])

        # the day table: oee.history's whole days of the last 7 x 24 h
        now = int(time.time() * 1000)
        days = [r for r in self.ask({"t": "oee.history", "scope": "line", "line": "L1",
                                     "from": now - 7 * DAY_MS, "to": now + DAY_MS,
                                     "group": "day"})["rows"]
                if r["start"] >= now - 7 * DAY_MS][-7:]
        self.assertGreaterEqual(len(days), 6)
        want = []
        for d in days:
            top = self.ask({"t": "dt.pareto", "scope": "line", "line": "L1",
                            "from": d["start"], "to": d["end"], "top": 1})["rows"]
            want.append(day_line(d, top[0] if top else None))
        lines = [l.strip() for l in screen.split("\n")]
        head = next(i for i, l in enumerate(lines) if l.startswith("LAST 7 DAYS"))
        self.assertEqual(lines[head + 1:head + 1 + len(want)], want, screen)

        # back to the oldest stored shift and past it: floorterm asks for
        # the 14 days before the ones it knows, finds none, and says so
        t.keys(*["Left"] * (len(starts) + 2))
        screen = t.wait_for("No older shift is stored for L1", timeout=10)
        self.assertIn("%d shifts before the last closed" % (len(starts) - 1), screen)
        self.assert_report(screen, starts[0])


if __name__ == "__main__":
    import unittest
    unittest.main()
