#!/usr/bin/python3
"""test_history -- oee.history over the stored shift records and the
running shift (PROTOCOL.md "History").

A shift is closed by restarting the hub with a plant whose current shift is
another one (the hub closes the stale shift at start).  The rows must carry
exactly the sums shift.report gives for that shift, the running shift is a
row marked open, a day row sums its shifts (ratios from the sums), the
plant sums its lines, a token's `lines` claim narrows the plant and forbids
other lines, and bad parameters are refused naming the key.
"""
import json
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import fhtest
from fhtest import HubTest, minute, utc_plant

SUMMED = ("planned_ms", "run_ms", "not_monitored_ms", "good", "reject")
RATIOS = ("availability", "performance", "quality", "oee")


def history(**q):
    return dict({"t": "oee.history", "from": 0, "to": int(time.time() * 1000) + 86400000,
                 "group": "shift", "scope": "line", "line": "L1"}, **q)


def figures(planned, run, ideal, good, reject):
    a = run / planned if planned else 0
    p = ideal / run if run else 0
    q = good / (good + reject) if good + reject else 0
    return a, p, q, a * min(p, 1) * q


class History(HubTest):
    start = minute(time.time()) - 600
    plant_data = utc_plant("first", start, start + 3600)

    async def close_first_shift(self):
        gw = await self.client("gateway")
        # every L1 station stops for a moment (stop time in a loss category)
        l1 = [e["id"] for l in fhtest.load_plant()["lines"] if l["id"] == "L1"
              for e in l["equipment"]]
        for state in ("running", "down"):
            for eq in l1:
                self.assertOk(await gw.write("eq.state", equipment=eq, state=state))
        time.sleep(0.3)
        for eq, good, reject in (("L1-PRESS1", 40, 4), ("L1-EOL", 38, 0),
                                 ("L2-WELD1", 5, 1), ("L2-INSP", 5, 0)):
            self.assertOk(await gw.write("eq.state", equipment=eq, state="running"))
            self.assertOk(await gw.write("eq.count", equipment=eq, good=good, reject=reject))
        await fhtest.Client.close_all()
        self.hub.stop()
        second = utc_plant("second", self.start + 300, self.start + 3900)
        self.hub.plant = self.hub.write_file("plant2.json", json.dumps(second))
        self.hub.start()
        gw = await self.client("gateway")
        self.assertOk(await gw.write("eq.count", equipment="L1-EOL", good=3, reject=1))
        view = await self.client("viewer", sub="watch")
        await view.sub("oee/L1")  # the running row is what oee/L1 last published
        await view.next(timeout=10, pred=lambda m: m["t"] == "upd" and
                        m["data"].get("oee", {}).get("good") == 3)

    def test_rows_are_the_records_sums(self):
        async def run():
            await self.close_first_shift()
            c = await self.client("viewer")
            report = self.assertOk(await c.request({"t": "shift.report", "line": "L1"}))["report"]
            rows = self.assertOk(await c.request(history()))["rows"]
            self.assertEqual(len(rows), 2, rows)
            closed, running = rows
            self.assertEqual((closed["start"], closed["end"]),
                             (self.start * 1000, (self.start + 3600) * 1000))
            self.assertNotIn("open", closed)
            self.assertEqual({k: closed[k] for k in SUMMED}, {k: report[k] for k in SUMMED})
            for k in RATIOS:
                self.assertAlmostEqual(closed[k], report[k], places=12)
            self.assertEqual((closed["good"], closed["reject"]), (38, 4))
            self.assertEqual((running["start"], running["open"]),
                             ((self.start + 300) * 1000, True))
            self.assertEqual((running["good"], running["reject"]), (3, 1))

            # a day sums its shifts; the ratios come from the sums
            days = self.assertOk(await c.request(history(group="day")))["rows"]
            by_day = {}
            for r in rows:
                by_day.setdefault(r["start"] // 86400000 * 86400000, []).append(r)
            self.assertEqual([d["start"] for d in days], sorted(by_day))
            for d in days:
                part = by_day[d["start"]]
                self.assertEqual(d["end"] - d["start"], 86400000)
                for k in SUMMED:
                    self.assertEqual(d[k], sum(r[k] for r in part))
                ideal = sum(r["performance"] * r["run_ms"] for r in part)
                want = figures(d["planned_ms"], d["run_ms"], ideal, d["good"], d["reject"])
                for k, v in zip(RATIOS, want):
                    self.assertAlmostEqual(d[k], v, places=12)
                self.assertEqual(d.get("open"), True)  # the running shift is in it
            weeks = self.assertOk(await c.request(history(group="week")))["rows"]
            self.assertEqual(time.gmtime(weeks[0]["start"] / 1000).tm_wday, 0)  # Monday
            months = self.assertOk(await c.request(history(group="month")))["rows"]
            self.assertEqual(time.gmtime(months[0]["start"] / 1000).tm_mday, 1)

            # the range holds shifts that started in [from, to)
            only = self.assertOk(await c.request(history(to=(self.start + 300) * 1000)))["rows"]
            self.assertEqual([r["start"] for r in only], [self.start * 1000])
            whole = self.assertOk(await c.request(history()))
            self.assertNotIn("cursor", whole)  # two rows: one page

            # an equipment's own records: its counts, its running shift
            eq = self.assertOk(await c.request(history(scope="equipment",
                                                       equipment="L1-PRESS1")))["rows"]
            self.assertEqual([(r["start"], r["good"], r["reject"], r.get("open")) for r in eq],
                             [(self.start * 1000, 40, 4, None),
                              ((self.start + 300) * 1000, 0, 0, True)])
            self.assertEqual(eq[0]["planned_ms"], closed["planned_ms"])
            eol = self.assertOk(await c.request(history(scope="equipment", equipment="L1-EOL")))
            self.assertEqual([(r["good"], r["reject"]) for r in eol["rows"]], [(38, 0), (3, 1)])

            # by equipment: each equipment's own rows, period by period
            only_closed = history(to=(self.start + 300) * 1000)
            by_eq = self.assertOk(await c.request(dict(only_closed, by="equipment")))["rows"]
            plant = fhtest.load_plant()
            l1 = [e["id"] for l in plant["lines"] if l["id"] == "L1" for e in l["equipment"]]
            self.assertEqual([r["equipment"] for r in by_eq], l1)
            self.assertEqual({r["equipment"]: (r["good"], r["reject"]) for r in by_eq
                              if r["equipment"] in ("L1-PRESS1", "L1-EOL")},
                             {"L1-PRESS1": (40, 4), "L1-EOL": (38, 0)})
            # by category: a single shift's rows are its report's losses
            by_cat = self.assertOk(await c.request(dict(only_closed, by="category")))["rows"]
            self.assertEqual({r["category"]: r["ms"] for r in by_cat}, report["losses"])
            self.assertGreater(sum(r["ms"] for r in by_cat), 0)
            self.assertEqual({(r["start"], r["end"]) for r in by_cat},
                             {(closed["start"], closed["end"])})
            for q in (history(by="product", scope="equipment", equipment="L1-PRESS1"),
                      history(by="equipment", scope="plant"), history(by="color")):
                self.assertErr(await c.request(q), "bad_request", "by")
        self.run_async(run())

    def test_plant_and_lines_claim(self):
        async def run():
            await self.close_first_shift()
            c = await self.client("viewer")
            reports = [self.assertOk(await c.request({"t": "shift.report", "line": l}))["report"]
                       for l in ("L1", "L2", "L3")]
            end = (self.start + 300) * 1000  # the closed shift only: it does not move
            plant = self.assertOk(await c.request(history(scope="plant", to=end)))["rows"]
            self.assertEqual(len(plant), 1)
            for k in SUMMED:
                self.assertEqual(plant[0][k], sum(r[k] for r in reports), k)
            ideal = sum(r["performance"] * r["run_ms"] for r in reports)
            want = figures(plant[0]["planned_ms"], plant[0]["run_ms"], ideal,
                           plant[0]["good"], plant[0]["reject"])
            for k, v in zip(RATIOS, want):
                self.assertAlmostEqual(plant[0][k], v, places=12)

            mine = await self.client("viewer", sub="v2", lines=["L1"])
            narrowed = self.assertOk(await mine.request(history(scope="plant", to=end)))["rows"]
            l1 = self.assertOk(await c.request(history(to=end)))["rows"]
            self.assertEqual(narrowed, l1)
            self.assertErr(await mine.request(history(line="L2")), "forbidden", "line")
        self.run_async(run())

    def test_bad_parameters(self):
        async def run():
            c = await self.client("viewer")
            for q, key in ((history(scope="equipment"), "equipment"),
                           (history(scope="site"), "scope"),
                           (history(group="year"), "group"),
                           (history(by="product", scope="equipment", equipment="L1-EOL"), "by"),
                           (history(by="weather"), "by"),
                           (history(to=0, **{"from": 10}), "to"), (history(line=""), "line")):
                with self.subTest(q=q):
                    self.assertErr(await c.request(q), "bad_request", key)
            self.assertErr(await c.request(history(line="L9")), "not_found", "line")
            q = history()
            del q["from"]
            self.assertErr(await c.request(q), "bad_request", "from")
            self.assertOk(await c.request(history()))  # still up
        self.run_async(run())


class Backfill(HubTest):
    """`floorctl backfill` writes 220 days of the sample plant (always one
    DST change in it) before the running shift; the history pages through
    them in order."""
    days = 220
    tz = ZoneInfo("Europe/Berlin")  # the sample plant's time zone
    breaks_ms = 45 * 60000          # every sample shift has 45 min of breaks

    async def all_rows(self, c, **q):
        rows, pages, cursor = [], 0, None
        while True:
            page = self.assertOk(await c.request(history(**dict(q, **(
                {"cursor": cursor} if cursor is not None else {})))))
            rows += page["rows"]
            pages += 1
            if "cursor" not in page:
                return rows, pages
            self.assertEqual(len(page["rows"]), 200)
            cursor = page["cursor"]

    def local(self, ms):
        return datetime.fromtimestamp(ms / 1000, self.tz)

    def test_backfilled_history_pages_in_order(self):
        self.hub.backfill(self.days)

        async def run():
            c = await self.client("viewer")
            now = int(time.time() * 1000)
            q = {"from": now - (self.days + 1) * 86400000}
            rows, pages = await self.all_rows(c, **q)
            closed = [r for r in rows if not r.get("open")]
            self.assertEqual(len(closed), 3 * self.days)  # three shifts a day
            self.assertEqual(pages, (len(rows) + 199) // 200)
            self.assertTrue(rows[-1]["open"])
            for a, b in zip(rows, rows[1:]):
                self.assertEqual(a["end"], b["start"])  # contiguous, none twice
            lengths, full = set(), 0
            for r in closed:
                start, end = self.local(r["start"]), self.local(r["end"])
                self.assertIn((start.hour, start.minute), ((6, 0), (14, 0), (22, 0)))
                self.assertEqual(end.minute, 0)
                # the shift less its breaks is planned, not monitored or planned stops
                known = r["planned_ms"] + r["not_monitored_ms"]
                self.assertLessEqual(known, r["end"] - r["start"] - self.breaks_ms)
                full += known == r["end"] - r["start"] - self.breaks_ms
                self.assertLessEqual(r["run_ms"], r["planned_ms"])
                self.assertGreater(r["good"], 0)
                self.assertTrue(0 < r["oee"] < 1, r)
                lengths.add((r["end"] - r["start"]) // 3600000)
            self.assertEqual(len(lengths - {8}), 1, lengths)  # the DST night: 7 or 9 h
            self.assertGreater(full, len(closed) // 2)  # most shifts had no planned stop

            # days of the plant's zone: midnight to midnight, one of 23 or 25 h
            days, _ = await self.all_rows(c, group="day", **q)
            hours = set()
            for d in days:
                start = self.local(d["start"])
                self.assertEqual((start.hour, start.minute), (0, 0))
                self.assertEqual(self.local(d["end"]).date(), (start + timedelta(days=1)).date())
                hours.add((d["end"] - d["start"]) // 3600000)
            self.assertEqual(len(hours - {24}), 1, hours)
            self.assertEqual(sum(d["good"] for d in days), sum(r["good"] for r in rows))
            await self.check_pareto(c, closed[-3]["start"], closed[-1]["end"])
        self.run_async(run(), timeout=240)  # 220 days: slow under the sanitizers

    @staticmethod
    def expected_pareto(events, start, end):
        """The Pareto computed here from dt.list's stops (PROTOCOL.md)."""
        rows = {}
        for e in events:
            if e["short"]:
                k = (None, "small_stop")
            elif e["reason"] is None:
                k = (None, "unclassified")
            else:
                k = (e["reason"], e["category"])
            ms = min(e["end"] or end, end) - max(e["start"], start)
            row = rows.setdefault(k, [0, 0])
            row[0] += ms
            row[1] += 1
        return sorted(((k, v[0], v[1]) for k, v in rows.items()),
                      key=lambda r: (-r[1], -r[2], r[0][0] or ""))

    async def check_pareto(self, c, start, end):
        """The last backfilled day: dt.pareto against dt.list's stops."""
        def pareto(**q):
            return dict({"t": "dt.pareto", "scope": "line", "line": "L1",
                         "from": start, "to": end}, **q)
        events = self.assertOk(await c.request({"t": "dt.list", "line": "L1", "from": start,
                                                "to": end}))["events"]
        want = self.expected_pareto(events, start, end)
        self.assertGreater(len(want), 3)  # reasons, unclassified and short stops
        self.assertIn((None, "small_stop"), [k for k, _, _ in want])
        rows = self.assertOk(await c.request(pareto()))["rows"]
        self.assertEqual([((r["reason"], r["category"]), r["ms"], r["count"]) for r in rows], want)
        total = sum(ms for _, ms, _ in want)
        cum = 0
        for r, (_, ms, _) in zip(rows, want):
            cum += ms
            self.assertAlmostEqual(r["share"], ms / total, places=12)
            self.assertAlmostEqual(r["cum_share"], cum / total, places=12)
        top = self.assertOk(await c.request(pareto(top=2)))["rows"]
        self.assertEqual(top[:2], rows[:2])
        self.assertEqual((top[2]["reason"], top[2]["category"], top[2]["ms"], top[2]["count"]),
                         ("other", None, sum(r["ms"] for r in rows[2:]),
                          sum(r["count"] for r in rows[2:])))
        # the plant sums its lines; an equipment is its own stops
        plant = self.assertOk(await c.request(pareto(scope="plant")))["rows"]
        lines = {}
        for line in ("L1", "L2", "L3"):
            for r in self.assertOk(await c.request(pareto(line=line)))["rows"]:
                lines[(r["reason"], r["category"])] = lines.get((r["reason"], r["category"]), 0) + r["ms"]
        self.assertEqual({(r["reason"], r["category"]): r["ms"] for r in plant}, lines)
        eq = self.assertOk(await c.request(pareto(scope="equipment", equipment="L1-PRESS1")))
        self.assertEqual([((r["reason"], r["category"]), r["ms"], r["count"]) for r in eq["rows"]],
                         self.expected_pareto([e for e in events if e["equipment"] == "L1-PRESS1"],
                                              start, end))
        for q, code, key in ((pareto(top=-1), "bad_request", "top"),
                             (pareto(scope="equipment"), "bad_request", "equipment"),
                             (pareto(scope="equipment", equipment="NOPE"), "not_found", "equipment"),
                             (pareto(scope="site"), "bad_request", "scope"),
                             (pareto(to=start), "bad_request", "to")):
            with self.subTest(q=q):
                self.assertErr(await c.request(q), code, key)
        mine = await self.client("viewer", sub="v3", lines=["L2"])
        self.assertErr(await mine.request(pareto()), "forbidden", "line")
        self.assertErr(await mine.request(pareto(scope="equipment", equipment="L1-PRESS1")),
                       "forbidden", "equipment")
        narrowed = self.assertOk(await mine.request(pareto(scope="plant")))["rows"]
        self.assertEqual(narrowed, self.assertOk(await c.request(pareto(line="L2")))["rows"])

        # oee.history by reason: the Pareto of each period; over the periods
        # the time per reason adds up to the Pareto of the whole range
        for group in ("day", "shift"):
            parts, _ = await self.all_rows(c, group=group, by="reason", **{"from": start,
                                                                           "to": end})
            per_key = {}
            for r in parts:
                self.assertTrue(r["start"] < end and r["end"] > start, r)
                k = (r["reason"], r["category"])
                per_key[k] = per_key.get(k, 0) + r["ms"]
            self.assertEqual(per_key, {k: ms for k, ms, _ in want}, group)


class Retention(HubTest):
    """history_days: shift records and stops older than that go at the
    housekeeping (every --housekeeping-s), in one bounded step; younger
    ones stay."""
    plant_data = dict(fhtest.load_plant(), history_days=20)
    hub_args = ("--housekeeping-s", "2")

    def test_old_history_is_trimmed(self):
        self.hub.backfill(30)
        self.hub.wait_log("store trim:", timeout=15)
        cutoff = int(time.time() * 1000) - 20 * 86400000

        async def run():
            c = await self.client("viewer")
            rows = self.assertOk(await c.request(history(group="shift")))["rows"]
            self.assertGreaterEqual(min(r["start"] for r in rows), cutoff - 60000)
            self.assertGreaterEqual(len(rows), 3 * 19)  # 20 days of 3 shifts stay
            eq = self.assertOk(await c.request(history(scope="equipment",
                                                       equipment="L1-PRESS1")))["rows"]
            self.assertEqual([r["start"] for r in eq], [r["start"] for r in rows])
            old = self.assertOk(await c.request({"t": "dt.list", "line": "L1", "from": 0,
                                                 "to": cutoff - 3600000}))["events"]
            self.assertEqual(old, [])
            young = self.assertOk(await c.request({"t": "dt.list", "line": "L1",
                                                   "from": cutoff + 3600000,
                                                   "to": cutoff + 86400000}))["events"]
            self.assertGreater(len(young), 10)
        self.run_async(run())


if __name__ == "__main__":
    fhtest.main()
